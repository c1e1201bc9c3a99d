// Issue 14 point 3: a scheduled publication can be called off before it goes live, by the unit
// withdrawing it or by a director or admin cancelling it; the PUBLISH instance asleep until the
// publication time ends without publishing anything.
import { introspectWorkflowInstance, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { publishInstanceId } from "../src/flow/effects";
import { call, createReport, expectProblem, json, tokenFor, USERS } from "./helpers/api";
import { decide, flowStub, ok, submit } from "./helpers/review";

const DAY = 24 * 3600_000;

/**
 * A Quận 6 event approved with a publication time three days ahead: its PUBLISH instance sleeps
 * (or, with `modify`, does what the test makes it do: wake at once, fail a step for a while).
 */
async function scheduledReport(title: string, modify?: Parameters<Awaited<ReturnType<typeof introspectWorkflowInstance>>["modify"]>[0]) {
  const author = await tokenFor(USERS.quan6);
  const r = await createReport(author, { kind: "event", title, publishAt: new Date(Date.now() + 3 * DAY).toISOString() });
  await ok(await submit(author, r.id));
  await ok(await decide(await tokenFor(USERS.specialist), r.id, { action: "approve", stage: "specialist" }));
  await ok(await decide(await tokenFor(USERS.deputy), r.id, { action: "approve", stage: "deputy_head" }));
  const instance = await introspectWorkflowInstance(env.PUBLISH, publishInstanceId(r.id, 1));
  if (modify) await instance.modify(modify);
  await ok(await decide(await tokenFor(USERS.director), r.id, { action: "approve", stage: "director" }));
  for (let i = 0; i < 200 && (await flowStub(r.id).view())?.status !== "scheduled"; i++) await new Promise((res) => setTimeout(res, 25));
  expect((await flowStub(r.id).view())?.status).toBe("scheduled");
  return { id: r.id, author, instance };
}

async function expectNothingPublished(id: string, title: string) {
  expect(await env.DB.prepare("SELECT report_id FROM portal_entries WHERE report_id = ?").bind(id).first()).toBeNull();
  const feed = await call("/portal/feed.xml");
  if (feed.status === 200) expect(await feed.text()).not.toContain(title);
  expect((await flowStub(id).work()).filter((w) => w.kind === "publish")).toEqual([]);
}

describe("calling off a scheduled publication", () => {
  it("the unit withdraws it: back with the unit, the sleeping instance ends, nothing reaches the portal", async () => {
    const { id, author, instance } = await scheduledReport("Lịch đăng bị rút");
    const w = await ok(await call(`/api/v1/reports/${id}/withdraw`, { method: "POST", token: author, json: { comment: "Đơn vị cần bổ sung ảnh" } }));
    expect(w.status).toBe("withdrawn");
    await instance.waitForStatus("terminated");
    await instance.dispose();
    await flowStub(id).settled();
    await expectNothingPublished(id, "Lịch đăng bị rút");
    const report = await json(await call(`/api/v1/reports/${id}`, { token: author }));
    expect(report.status).toBe("withdrawn");
    // It can be edited and go through review again.
    const edited = await call(`/api/v1/reports/${id}`, { method: "PATCH", token: author, json: { summary: "Đã bổ sung" }, headers: { "if-match": `"${report.version}"` } });
    expect(edited.status).toBe(200);
  });

  it("a director cancels it with a reason: withdrawn, the author told why, the history says who", async () => {
    const { id, instance } = await scheduledReport("Lịch đăng bị huỷ");
    const director = await tokenFor(USERS.director);
    const c = await ok(await call(`/api/v1/reports/${id}/cancel-publication`, { token: director, json: { reason: "Chờ ý kiến của Ủy ban nhân dân" } }));
    expect(c.status).toBe("withdrawn");
    await instance.waitForStatus("terminated");
    await instance.dispose();
    await flowStub(id).settled();
    await expectNothingPublished(id, "Lịch đăng bị huỷ");
    const history = await json(await call(`/api/v1/reports/${id}/history`, { token: director }));
    expect(history.items.at(-1)).toMatchObject({ action: "cancel", fromStatus: "scheduled", toStatus: "withdrawn", comment: "Chờ ý kiến của Ủy ban nhân dân", actor: { name: expect.any(String) } });
    const mail = await env.DB.prepare("SELECT template, to_email FROM notifications WHERE report_id = ? AND template = 'cancelled'").bind(id).all();
    expect(mail.results).toEqual([{ template: "cancelled", to_email: USERS.quan6 }]);
  });

  it("refusals: a specialist 403, an empty reason 422, a report not scheduled 409; nothing changes", async () => {
    const { id, instance } = await scheduledReport("Lịch đăng giữ nguyên");
    await expectProblem(await call(`/api/v1/reports/${id}/cancel-publication`, { token: await tokenFor(USERS.specialist), json: { reason: "Không có quyền huỷ" } }), 403, "forbidden");
    const empty = await call(`/api/v1/reports/${id}/cancel-publication`, { token: await tokenFor(USERS.director), json: { reason: "   " } });
    expect(empty.status).toBe(422);
    expect((await flowStub(id).view())?.status).toBe("scheduled");
    await instance.dispose();

    const author = await tokenFor(USERS.quan6);
    const draft = await createReport(author, { kind: "news", title: "Chưa hẹn giờ" });
    await ok(await submit(author, draft.id));
    await expectProblem(await call(`/api/v1/reports/${draft.id}/cancel-publication`, { token: await tokenFor(USERS.admin), json: { reason: "Không có lịch đăng" } }), 409, "conflict");
  });
});

/** A scheduled report whose PUBLISH instance does not sleep and whose "copy images" step fails
 * `failures` times (5 s, then 10 s before the retries): a window in which the page is being written. */
const wokenReport = (title: string, failures: number) =>
  scheduledReport(title, async (m) => {
    await m.disableSleeps();
    await m.mockStepError({ name: "copy images" }, new Error("R2 chậm"), failures);
  });

/** The hold the object keeps (null when none was taken). */
const holdOf = (id: string) =>
  runInDurableObject(flowStub(id), async (_obj, state) => state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'publishing'").toArray()[0]?.value ?? null);

describe("once the publication time has come", () => {
  it("the woken instance holds the report while it writes: withdrawing or cancelling is 409 saying so, and the article goes live", async () => {
    const { id, author, instance } = await wokenReport("Lịch đăng đã đến giờ", 2);
    for (let i = 0; i < 200 && (await holdOf(id)) === null; i++) await new Promise((res) => setTimeout(res, 25));
    expect(JSON.parse((await holdOf(id))!)).toMatchObject({ revision: 1 });
    // "copy images" is failing and being retried: the instance is still going.
    const w = await expectProblem(await call(`/api/v1/reports/${id}/withdraw`, { method: "POST", token: author, json: { comment: "Muộn rồi" } }), 409, "conflict");
    expect(w.detail).toMatch(/đang được đăng/);
    const c = await expectProblem(await call(`/api/v1/reports/${id}/cancel-publication`, { token: await tokenFor(USERS.director), json: { reason: "Muộn quá rồi" } }), 409, "conflict");
    expect(c.detail).toMatch(/gỡ bài/);
    expect((await flowStub(id).view())?.status).toBe("scheduled");
    await instance.waitForStatus("complete");
    await instance.dispose();
    for (let i = 0; i < 200 && (await flowStub(id).view())?.status !== "published"; i++) await new Promise((res) => setTimeout(res, 25));
    expect((await flowStub(id).view())?.status).toBe("published");
    const entry = await env.DB.prepare("SELECT path, retracted_at FROM portal_entries WHERE report_id = ?").bind(id).first<{ path: string; retracted_at: string | null }>();
    expect(entry).toMatchObject({ retracted_at: null });
    expect((await call(`/portal/${entry!.path}`)).status).toBe(200);
  }, 60_000);

  it("the hold ends with its instance: once that has failed for good or been stopped, the publication can be called off", async () => {
    const { id, instance } = await wokenReport("Lịch đăng treo", 99);
    for (let i = 0; i < 200 && (await holdOf(id)) === null; i++) await new Promise((res) => setTimeout(res, 25));
    const director = await tokenFor(USERS.director);
    await expectProblem(await call(`/api/v1/reports/${id}/cancel-publication`, { token: director, json: { reason: "Thử huỷ sớm" } }), 409, "conflict");
    // The instance stopped (as by an operator, or failed for good): the hold no longer stands.
    await (await env.PUBLISH.get(publishInstanceId(id, 1))).terminate();
    await instance.waitForStatus("terminated");
    await instance.dispose();
    const cancelled = await ok(await call(`/api/v1/reports/${id}/cancel-publication`, { token: director, json: { reason: "Huỷ sau khi treo" } }));
    expect(cancelled.status).toBe("withdrawn");
  }, 60_000);

  it("a hold older than two hours no longer stands, even if the instance still says it is running", async () => {
    const { id, instance } = await wokenReport("Lịch đăng treo lâu", 99);
    for (let i = 0; i < 200 && (await holdOf(id)) === null; i++) await new Promise((res) => setTimeout(res, 25));
    await runInDurableObject(flowStub(id), async (_obj, state) => {
      state.storage.sql.exec("UPDATE meta SET value = ? WHERE key = 'publishing'", JSON.stringify({ revision: 1, at: new Date(Date.now() - 121 * 60_000).toISOString() }));
    });
    const cancelled = await ok(await call(`/api/v1/reports/${id}/cancel-publication`, { token: await tokenFor(USERS.director), json: { reason: "Treo quá lâu" } }));
    expect(cancelled.status).toBe("withdrawn");
    await instance.waitForStatus("terminated");
    await instance.dispose();
  }, 60_000);

  it("called off before it woke: a late run of that revision claims nothing and publishes nothing", async () => {
    const { id, author, instance } = await scheduledReport("Lịch đăng huỷ trước giờ");
    await ok(await call(`/api/v1/reports/${id}/withdraw`, { method: "POST", token: author, json: { comment: "Rút trước giờ đăng" } }));
    await instance.waitForStatus("terminated");
    await instance.dispose();
    expect(await flowStub(id).beginPublication({ reportId: id, revision: 1 })).toBe(false);
    expect(await holdOf(id)).toBeNull();
    await expectNothingPublished(id, "Lịch đăng huỷ trước giờ");
    expect((await flowStub(id).view())?.status).toBe("withdrawn");
  });
});
