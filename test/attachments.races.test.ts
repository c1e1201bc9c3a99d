// Image writes racing each other and a submit: what reviewers approved is what gets published.
// Every attachment write is conditional, in the same SQL statement, on the report still being
// editable at the revision the caller saw; the limit of images is part of the insert itself.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_ATTACHMENTS } from "../src/queries/attachments";
import { actorForToken } from "../src/queries/sessions";
import { addImage, captionImage, removeImage, reorderImages } from "../src/services/attachments";
import { call, createReport, expectProblem, json, tokenFor, USERS } from "./helpers/api";
import { submit } from "./helpers/review";

const PNG = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="), (ch) => ch.charCodeAt(0));
const png = (name = "anh.png") => new File([PNG], name, { type: "image/png" });

function upload(token: string, reportId: string, caption: string) {
  const form = new FormData();
  form.set("file", png());
  form.set("caption", caption);
  return call(`/api/v1/reports/${reportId}/attachments`, { token, body: form, method: "POST" });
}

async function uploaded(token: string, reportId: string, caption: string) {
  const res = await upload(token, reportId, caption);
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text);
}

const caption = (token: string, id: string, aid: string, text: string) => call(`/api/v1/reports/${id}/attachments/${aid}`, { method: "PATCH", token, json: { caption: text } });
const remove = (token: string, id: string, aid: string) => call(`/api/v1/reports/${id}/attachments/${aid}`, { method: "DELETE", token });
const reorder = (token: string, id: string, ids: string[]) => call(`/api/v1/reports/${id}/attachments/order`, { method: "PUT", token, json: { ids } });

async function draft() {
  const token = await tokenFor(USERS.quan6);
  const report = await createReport(token, { title: `Hội nghị có hình ảnh ${crypto.randomUUID().slice(0, 8)}` });
  return { token, id: report.id as string };
}

type Att = { id: string; caption: string; position: number; r2Key: string; contentType: string; sha256: string };

async function liveRows(reportId: string): Promise<Att[]> {
  const { results } = await env.DB.prepare(
    "SELECT id, caption, position, r2_key AS r2Key, content_type AS contentType, sha256 FROM attachments WHERE report_id = ? AND deleted_at IS NULL ORDER BY position, id",
  )
    .bind(reportId)
    .all<Att>();
  return results;
}

async function allRowKeys(reportId: string): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT r2_key FROM attachments WHERE report_id = ?").bind(reportId).all<{ r2_key: string }>();
  return results.map((r) => r.r2_key).sort();
}

const r2Keys = async (reportId: string) => (await env.BUCKET.list({ prefix: `uploads/${reportId}/` })).objects.map((o) => o.key).sort();

/** The attachments frozen with a revision, as D1 holds them (waits briefly for the projection). */
async function frozenAttachments(reportId: string, revision: number): Promise<Att[]> {
  for (let i = 0; i < 100; i++) {
    const row = await env.DB.prepare("SELECT content FROM report_revisions WHERE report_id = ? AND number = ?").bind(reportId, revision).first<{ content: string }>();
    if (row) return (JSON.parse(row.content) as { attachments: Att[] }).attachments;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`revision ${revision} of ${reportId} never reached D1`);
}

const statusOf = async (reportId: string) => env.DB.prepare("SELECT status, revision FROM reports WHERE id = ?").bind(reportId).first<{ status: string; revision: number }>();

describe("the image limit holds under concurrency", () => {
  it(`20 parallel uploads onto a report with 40 images: exactly ${MAX_ATTACHMENTS}, the rest refused, no orphan objects in R2`, async () => {
    const { token, id } = await draft();
    for (let i = 0; i < 40; i++) await uploaded(token, id, `Hình ${i + 1}`);
    const all = await Promise.all(Array.from({ length: 20 }, (_, i) => upload(token, id, `Hình song song ${i + 1}`)));
    const created = all.filter((r) => r.status === 201);
    const refused = all.filter((r) => r.status !== 201);
    expect(created).toHaveLength(MAX_ATTACHMENTS - 40);
    for (const r of refused) {
      // The same answer the sequential path gives for the 51st image.
      const problem = await expectProblem(r, 409, "conflict");
      expect(problem.detail).toContain(`${MAX_ATTACHMENTS}`);
    }
    const live = await liveRows(id);
    expect(live).toHaveLength(MAX_ATTACHMENTS);
    // Every image has its own place in the order.
    expect(new Set(live.map((a) => a.position)).size).toBe(MAX_ATTACHMENTS);
    // R2 holds exactly the stored rows' objects: a refused upload's object was deleted again.
    expect(await r2Keys(id)).toEqual(await allRowKeys(id));
    expect(await r2Keys(id)).toHaveLength(MAX_ATTACHMENTS);

    // And sequentially the 51st is refused the same way.
    const problem = await expectProblem(await upload(token, id, "Hình thừa"), 409, "conflict");
    expect(problem.detail).toContain(`${MAX_ATTACHMENTS}`);
  });
});

describe("image writes racing a submit", () => {
  it("uploads, deletes, caption edits and reorders sent around a submit land before the freeze or are refused (409)", async () => {
    // The writes start a few D1 round trips after the submit, a different number each round, so
    // that some pass their policy check before the submit's claim and reach their write after it.
    for (let round = 0; round <= 8; round++) {
      const { token, id } = await draft();
      const before = [];
      for (let i = 0; i < 8; i++) before.push(await uploaded(token, id, `Hình ${i + 1}`));
      const submitted = submit(token, id);
      for (let k = 0; k < round; k++) await env.DB.prepare("SELECT 1").first();
      const writes: Promise<Response>[] = [];
      for (let i = 0; i < 16; i++) {
        const target = before[i % before.length];
        const kind = i % 4;
        writes.push(
          kind === 0 ? upload(token, id, `Hình thêm ${i}`) : kind === 1 ? caption(token, id, target.id, `Hình ${i}: chú thích sửa trong lúc gửi`) : kind === 2 ? remove(token, id, target.id) : reorder(token, id, before.map((a) => a.id).reverse()),
        );
      }
      const sub = await submitted;
      expect(sub.status, await sub.clone().text()).toBe(200);
      const results = await Promise.all(writes);
      for (const r of results) {
        // A delete of an image already deleted is 404, a reorder of a set that changed under it 422.
        expect([200, 201, 204, 404, 409, 422], await r.clone().text()).toContain(r.status);
        if (r.status === 409) expect((await json(r)).type).toBe("urn:sogd:problem:conflict");
      }
      const { revision } = (await statusOf(id))!;
      expect(revision).toBe(1);
      // What the reviewers got is exactly what D1 holds for the report now.
      expect(await liveRows(id)).toEqual(await frozenAttachments(id, revision));
      expect(await r2Keys(id)).toEqual(await allRowKeys(id));
    }
  });

  it("a write after the submit is a 409 and changes nothing", async () => {
    const { token, id } = await draft();
    const a = await uploaded(token, id, "Hình 1");
    const b = await uploaded(token, id, "Hình 2");
    expect((await submit(token, id)).status).toBe(200);
    const frozen = await frozenAttachments(id, 1);
    await expectProblem(await upload(token, id, "Hình 3"), 409, "conflict");
    await expectProblem(await caption(token, id, a.id, "Sửa sau khi gửi"), 409, "conflict");
    await expectProblem(await remove(token, id, b.id), 409, "conflict");
    await expectProblem(await reorder(token, id, [b.id, a.id]), 409, "conflict");
    expect(await liveRows(id)).toEqual(frozen);
    expect(await r2Keys(id)).toEqual(await allRowKeys(id));
  });
});

/**
 * The same races, made certain: the services are called with bindings that run the submit at the
 * worst moment, after the policy check and before the write.
 */
describe("a submit landing between the policy check and the write", () => {
  const actorOf = async (token: string) => (await actorForToken(env.DB, token))!;

  /** env.DB whose next batch first waits for a submit of `id` to complete. */
  function dbSubmittingBefore(token: string, id: string): D1Database {
    let fired = false;
    return new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "batch") {
          return async (statements: D1PreparedStatement[]) => {
            if (!fired) {
              fired = true;
              const res = await submit(token, id);
              expect(res.status, await res.text()).toBe(200);
            }
            return target.batch(statements);
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }

  const expectFrozenRefusal = async (work: Promise<unknown>) => {
    const err = await work.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: "conflict", status: 409 });
    expect((err as { detail?: string }).detail).toMatch(/chốt/);
  };

  it("upload: refused with 409, and its object is deleted from R2 again", async () => {
    const { token, id } = await draft();
    await uploaded(token, id, "Hình 1");
    const actor = await actorOf(token);
    let submitted = false;
    const bucket = new Proxy(env.BUCKET, {
      get(target, prop) {
        if (prop === "put") {
          return async (...args: Parameters<R2Bucket["put"]>) => {
            const stored = await target.put(...args);
            if (!submitted) {
              submitted = true;
              expect((await submit(token, id)).status).toBe(200);
            }
            return stored;
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    await expectFrozenRefusal(addImage({ ...env, BUCKET: bucket }, actor, id, png(), "Hình 2: gửi cùng lúc"));
    expect(submitted).toBe(true);
    expect(await liveRows(id)).toEqual(await frozenAttachments(id, 1));
    expect(await liveRows(id)).toHaveLength(1);
    expect(await r2Keys(id)).toEqual(await allRowKeys(id));
  });

  it("caption edit: refused with 409; the frozen caption stays", async () => {
    const { token, id } = await draft();
    const a = await uploaded(token, id, "Hình 1: chú thích đã gửi");
    await expectFrozenRefusal(captionImage(dbSubmittingBefore(token, id), await actorOf(token), id, a.id, "Hình 1: sửa lén"));
    const frozen = await frozenAttachments(id, 1);
    expect(frozen.map((x) => x.caption)).toEqual(["Hình 1: chú thích đã gửi"]);
    expect(await liveRows(id)).toEqual(frozen);
  });

  it("delete: refused with 409; the image the reviewers saw stays", async () => {
    const { token, id } = await draft();
    const a = await uploaded(token, id, "Hình 1");
    await expectFrozenRefusal(removeImage(dbSubmittingBefore(token, id), await actorOf(token), id, a.id));
    const frozen = await frozenAttachments(id, 1);
    expect(frozen.map((x) => x.id)).toEqual([a.id]);
    expect(await liveRows(id)).toEqual(frozen);
  });

  it("reorder: refused with 409; the frozen order stays", async () => {
    const { token, id } = await draft();
    const a = await uploaded(token, id, "Hình 1");
    const b = await uploaded(token, id, "Hình 2");
    await expectFrozenRefusal(reorderImages(dbSubmittingBefore(token, id), await actorOf(token), id, [b.id, a.id]));
    const frozen = await frozenAttachments(id, 1);
    expect(frozen.map((x) => x.id)).toEqual([a.id, b.id]);
    expect(await liveRows(id)).toEqual(frozen);
  });

  it("a write from before a submit and withdrawal is refused too: the revision moved on", async () => {
    const { token, id } = await draft();
    const a = await uploaded(token, id, "Hình 1");
    let fired = false;
    const db = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "batch") {
          return async (statements: D1PreparedStatement[]) => {
            if (!fired) {
              fired = true;
              expect((await submit(token, id)).status).toBe(200);
              const w = await call(`/api/v1/reports/${id}/withdraw`, { method: "POST", token, json: {} });
              expect(w.status, await w.text()).toBe(200);
            }
            return target.batch(statements);
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    await expectFrozenRefusal(captionImage(db, await actorOf(token), id, a.id, "Hình 1: sửa theo bản cũ"));
    expect((await statusOf(id))?.status).toBe("withdrawn");
    expect((await liveRows(id)).map((x) => x.caption)).toEqual(["Hình 1"]);
    // Seen afresh, the withdrawn report is editable again.
    expect((await caption(token, id, a.id, "Hình 1: sửa sau khi rút")).status).toBe(200);
  });
});
