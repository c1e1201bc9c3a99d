import { describe, expect, it } from "vitest";
import { WorkingCalendar } from "../src/domain/calendar";
import { call, createReport, json, tokenFor, USERS } from "./helpers/api";
import { periodicInput } from "./helpers/periods";
import { approveAll, d1Events, d1Report, decide, DEFAULT_CHAIN, flowStub, ok, submit, submittedReport } from "./helpers/review";

describe("review: the default chain", () => {
  it("submit -> specialist -> deputy head -> director -> approved, D1 following each step", async () => {
    const before = new Date();
    const id = await submittedReport({ title: "Chuỗi duyệt mặc định" });
    const after = new Date();
    let r = await d1Report(id);
    expect(r).toMatchObject({ status: "in_review", stage: "specialist", stage_role: "specialist", revision: 1 });
    // The specialist's two working days on the calendar (no overrides here): 17:00 in Viet Nam.
    const calendar = new WorkingCalendar();
    expect([calendar.due(before, 2).dueAt, calendar.due(after, 2).dueAt]).toContain(r.stage_due_at);

    const s1 = await ok(await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist" }));
    expect(s1.stage).toMatchObject({ id: "deputy_head", label: "Phó Trưởng phòng" });
    const s2 = await ok(await decide(await tokenFor(USERS.deputy), id, { action: "approve", stage: "deputy_head", comment: "Đồng ý" }));
    expect(s2.stage.id).toBe("director");
    const s3 = await ok(await decide(await tokenFor(USERS.director), id, { action: "approve", stage: "director" }));
    expect(s3).toMatchObject({ status: "approved", stage: null, pendingProjection: false });

    r = await d1Report(id);
    expect(r).toMatchObject({ status: "approved", stage: null, version: s3.version });
    const events = await d1Events(id);
    // Each stage of the demo chain has one holder over Quận 6: it is theirs as it starts (DESIGN §13).
    expect(events.map((e: any) => e.action)).toEqual(["submit", "assign", "approve", "assign", "approve", "assign", "approve"]);
    expect(events.filter((e: any) => e.action === "assign").map((e: any) => [e.stage, e.actor_id, e.comment])).toEqual([
      ["specialist", null, "auto"],
      ["deputy_head", null, "auto"],
      ["director", null, "auto"],
    ]);
    // D1's history equals the DO's own log.
    const log = await flowStub(id).log();
    expect(events.map((e: any) => e.id)).toEqual(log.map((e) => e.id));
  });

  it("return with a comment goes back to the author, who fixes and resubmits; the chain restarts", async () => {
    const author = await tokenFor(USERS.quan6);
    const id = await submittedReport({ title: "Bài bị trả lại" });
    await ok(await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist" }));
    const back = await ok(await decide(await tokenFor(USERS.deputy), id, { action: "return", stage: "deputy_head", comment: "Sửa tên đại biểu" }));
    expect(back.status).toBe("returned");

    const current = await json(await call(`/api/v1/reports/${id}`, { token: author }));
    expect(current.status).toBe("returned");
    const edited = await call(`/api/v1/reports/${id}`, { method: "PATCH", token: author, json: { body: "Nội dung đã sửa tên đại biểu." }, headers: { "if-match": `"${current.version}"` } });
    expect(edited.status).toBe(200);
    const again = await ok(await submit(author, id));
    expect(again).toMatchObject({ status: "in_review", revision: 2, stage: { id: "specialist" } });

    // The specialist who approved revision 1 may decide revision 2.
    await approveAll(id, DEFAULT_CHAIN);
    expect((await d1Report(id)).status).toBe("approved");
  });

  it("history lists every event with actor name, role, stage label, comment and revision", async () => {
    const id = await submittedReport({ title: "Lịch sử" });
    await ok(await decide(await tokenFor(USERS.specialist), id, { action: "return", stage: "specialist", comment: "Thiếu ảnh" }));
    const res = await call(`/api/v1/reports/${id}/history`, { token: await tokenFor(USERS.quan6) });
    const { items } = await json(res);
    expect(items.map((e: any) => e.action)).toEqual(["create", "submit", "assign", "return"]);
    expect(items[2]).toMatchObject({ actor: null, stage: { id: "specialist" }, assignee: { name: "Phạm Phương Bình" }, onBehalfOf: null });
    expect(items[3]).toMatchObject({
      actor: { name: "Phạm Phương Bình", role: "specialist" },
      stage: { id: "specialist", label: "Chuyên viên" },
      comment: "Thiếu ảnh",
      revision: 1,
      toStatus: "returned",
    });
  });

  it("diff shows field and word changes since the revision the reviewer returned", async () => {
    const author = await tokenFor(USERS.quan6);
    const id = await submittedReport({ title: "Bản đầu", body: "Hội nghị có 120 đại biểu tham dự." });
    await ok(await decide(await tokenFor(USERS.specialist), id, { action: "return", stage: "specialist", comment: "Số đại biểu sai" }));
    const cur = await json(await call(`/api/v1/reports/${id}`, { token: author }));
    await call(`/api/v1/reports/${id}`, { method: "PATCH", token: author, json: { title: "Bản sửa", body: "Hội nghị có 150 đại biểu tham dự." }, headers: { "if-match": `"${cur.version}"` } });
    await ok(await submit(author, id));

    const diff = await json(await call(`/api/v1/reports/${id}/diff`, { token: await tokenFor(USERS.specialist) }));
    expect(diff).toMatchObject({ from: 1, to: 2, bodyChanged: true });
    expect(diff.fields).toContainEqual({ field: "title", before: "Bản đầu", after: "Bản sửa" });
    expect(diff.body).toContainEqual({ op: "delete", text: "120" });
    expect(diff.body).toContainEqual({ op: "insert", text: "150" });
  });

  it("withdraw takes a report out of review; it can be edited and submitted again", async () => {
    const author = await tokenFor(USERS.quan6);
    const id = await submittedReport({ title: "Rút lại" });
    const w = await ok(await call(`/api/v1/reports/${id}/withdraw`, { method: "POST", token: author }));
    expect(w.status).toBe("withdrawn");
    expect((await d1Report(id)).status).toBe("withdrawn");
    const again = await ok(await submit(author, id));
    expect(again.revision).toBe(2);
  });

  it("inbox lists what waits for the caller, due soonest first, and drops it once decided", async () => {
    const a = await submittedReport({ title: "Hộp thư A" });
    const b = await submittedReport({ title: "Hộp thư B" });
    const token = await tokenFor(USERS.specialist);
    const before = await json(await call("/api/v1/inbox?limit=100", { token }));
    const ids = before.items.map((i: any) => i.id);
    expect(ids).toContain(a);
    expect(ids).toContain(b);
    const dues = before.items.map((i: any) => i.dueAt);
    expect([...dues].sort()).toEqual(dues);
    expect(before.items.find((i: any) => i.id === a)).toMatchObject({ stage: { id: "specialist", label: "Chuyên viên" }, unit: { name: "Trung tâm GDNN-GDTX Quận 6" }, overdue: false });
    await ok(await decide(token, a, { action: "approve", stage: "specialist" }));
    const after = await json(await call("/api/v1/inbox?limit=100", { token }));
    expect(after.items.map((i: any) => i.id)).not.toContain(a);
    const deputy = await json(await call("/api/v1/inbox?limit=100", { token: await tokenFor(USERS.deputy) }));
    expect(deputy.items.map((i: any) => i.id)).toContain(a);
  });

  it("periodic reports run another chain without engine changes: the centre head decides first", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await createReport(author, await periodicInput({ title: "Báo cáo kết quả học kì I" }));
    const s = await ok(await submit(author, r.id));
    expect(s.stage).toMatchObject({ id: "centre_head", label: "Lãnh đạo đơn vị" });
    // The department's specialist cannot take the centre head's stage: it has not even reached him.
    expect((await decide(await tokenFor(USERS.specialist), r.id, { action: "approve", stage: "centre_head" })).status).toBe(404);
    await ok(await decide(await tokenFor(USERS.centreHead), r.id, { action: "approve", stage: "centre_head" }));
    const done = await approveAll(r.id, DEFAULT_CHAIN);
    expect(done.status).toBe("approved");
  });
});
