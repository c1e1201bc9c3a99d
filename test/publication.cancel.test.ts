// Issue 14 point 3: a scheduled publication can be called off before it goes live, by the unit
// withdrawing it or by a director or admin cancelling it; the PUBLISH instance asleep until the
// publication time ends without publishing anything.
import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { publishInstanceId } from "../src/flow/effects";
import { call, createReport, expectProblem, json, tokenFor, USERS } from "./helpers/api";
import { decide, flowStub, ok, submit } from "./helpers/review";

const DAY = 24 * 3600_000;

/** A Quận 6 event approved with a publication time three days ahead: its PUBLISH instance sleeps. */
async function scheduledReport(title: string) {
  const author = await tokenFor(USERS.quan6);
  const r = await createReport(author, { kind: "event", title, publishAt: new Date(Date.now() + 3 * DAY).toISOString() });
  await ok(await submit(author, r.id));
  await ok(await decide(await tokenFor(USERS.specialist), r.id, { action: "approve", stage: "specialist" }));
  await ok(await decide(await tokenFor(USERS.deputy), r.id, { action: "approve", stage: "deputy_head" }));
  const instance = await introspectWorkflowInstance(env.PUBLISH, publishInstanceId(r.id, 1));
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
