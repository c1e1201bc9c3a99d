import { describe, expect, it } from "vitest";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { call, createReport, expectProblem, json, tokenFor, USERS } from "./helpers/api";
import { d1Report, decide, flowStub, ok, submit, submittedReport } from "./helpers/review";

// Tests in this file share one database: every user email and report title is unique per test,
// and no test depends on another's order.
const PASSWORD = "Mật-khẩu-đủ-dài-2024";
const Q6 = DEMO_UNITS.quan6;
const uniq = () => crypto.randomUUID().slice(0, 8);
const title = (what: string) => `An toàn thẩm định: ${what} ${uniq()}`;

let ip = 0;

/** A user created by the admin, signed in (each sign-in from its own address: no lock-outs). */
async function newUser(unitId: string, grants: { role: string; unitIds: string[] }[]): Promise<{ id: string; email: string; token: string }> {
  const u = uniq();
  const email = `tham-dinh-${u}@sogd.example`;
  const res = await call("/api/v1/users", {
    token: await tokenFor(USERS.admin),
    json: { email, name: `Người Thử ${u}`, title: "Thử nghiệm", unitId, password: PASSWORD, grants },
  });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  const { id } = JSON.parse(text);
  return { id, email, token: await signIn(email) };
}

async function signIn(email: string): Promise<string> {
  const res = await call("/api/v1/auth/login", { json: { email, password: PASSWORD }, headers: { "cf-connecting-ip": `10.71.${++ip}.1` } });
  const text = await res.text();
  expect(res.status, `sign-in as ${email}: ${text}`).toBe(200);
  return JSON.parse(text).token;
}

/** Every report id in the caller's inbox, all pages. */
async function inboxIds(token: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const res = await call(`/api/v1/inbox?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { token });
    const body = await ok(res);
    ids.push(...body.items.map((i: any) => i.id));
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return ids;
}

/** The report's state on both sides: the D1 row and the DO's own view. */
async function state(id: string) {
  return { d1: await d1Report(id), flow: await flowStub(id).view() };
}

const history = (token: string, id: string) => call(`/api/v1/reports/${id}/history`, { token });
const diff = (token: string, id: string) => call(`/api/v1/reports/${id}/diff`, { token });

describe("separation of duties: nobody decides two stages of the same revision", () => {
  it("a holder of specialist and deputy_head approves the specialist stage, then their deputy_head decision is 403", async () => {
    const both = await newUser(DEMO_UNITS.gdtx, [
      { role: "specialist", unitIds: [Q6] },
      { role: "deputy_head", unitIds: [Q6] },
    ]);
    const id = await submittedReport({ title: title("hai bước một người") });
    const s1 = await ok(await decide(both.token, id, { action: "approve", stage: "specialist" }));
    expect(s1.stage.id).toBe("deputy_head");

    const before = await state(id);
    await expectProblem(await decide(both.token, id, { action: "approve", stage: "deputy_head" }), 403, "forbidden");
    await expectProblem(await decide(both.token, id, { action: "return", stage: "deputy_head", comment: "Tự trả lại" }), 403, "forbidden");
    // With the right version in hand it is still refused: the rule is about the person, not the race.
    await expectProblem(await decide(both.token, id, { action: "approve", stage: "deputy_head" }, { "if-match": `"${before.d1.version}"` }), 403, "forbidden");
    expect(await state(id)).toEqual(before);
    expect(before.d1).toMatchObject({ status: "in_review", stage: "deputy_head", stage_role: "deputy_head" });
    expect(before.flow).toMatchObject({ status: "in_review", stage: { id: "deputy_head" } });
    // ... and it is not in their inbox, though they hold the stage's role for the unit.
    expect(await inboxIds(both.token)).not.toContain(id);
    expect(await inboxIds(await tokenFor(USERS.deputy))).toContain(id);
  });

  it("the same person may decide again on the next revision after a return and resubmit (and is again held to one stage)", async () => {
    const both = await newUser(DEMO_UNITS.gdtx, [
      { role: "specialist", unitIds: [Q6] },
      { role: "deputy_head", unitIds: [Q6] },
    ]);
    const author = await tokenFor(USERS.quan6);
    const deputy = await tokenFor(USERS.deputy);
    const id = await submittedReport({ title: title("phiên bản sau") });
    await ok(await decide(both.token, id, { action: "approve", stage: "specialist" }));
    await ok(await decide(deputy, id, { action: "return", stage: "deputy_head", comment: "Bổ sung ảnh" }));
    const again = await ok(await submit(author, id));
    expect(again).toMatchObject({ status: "in_review", revision: 2, stage: { id: "specialist" } });

    expect(await inboxIds(both.token)).toContain(id);
    const s1 = await ok(await decide(both.token, id, { action: "approve", stage: "specialist" }));
    expect(s1).toMatchObject({ revision: 2, stage: { id: "deputy_head" } });
    await expectProblem(await decide(both.token, id, { action: "approve", stage: "deputy_head" }), 403, "forbidden");
    expect((await d1Report(id)).stage).toBe("deputy_head");
    await ok(await decide(deputy, id, { action: "approve", stage: "deputy_head" }));
    expect(await d1Report(id)).toMatchObject({ stage: "director", revision: 2 });
  });
});

describe("an author never decides a report of their own unit", () => {
  it("a Quận 6 user holding author and specialist (covering Quận 6) gets 403 on a colleague's Quận 6 report, but may decide Tân Phú's", async () => {
    const dual = await newUser(Q6, [
      { role: "author", unitIds: [] },
      { role: "specialist", unitIds: [Q6, DEMO_UNITS.tanPhu] },
    ]);
    const own = await submittedReport({ title: title("cùng đơn vị") });
    const before = await state(own);
    await expectProblem(await decide(dual.token, own, { action: "approve", stage: "specialist" }), 403, "forbidden");
    await expectProblem(await decide(dual.token, own, { action: "return", stage: "specialist", comment: "Trả lại" }), 403, "forbidden");
    expect(await state(own)).toEqual(before);
    expect(before.d1).toMatchObject({ status: "in_review", stage: "specialist" });

    // The same person on another unit's report: allowed (the refusal above is about the unit).
    const tanPhu = await tokenFor(USERS.tanPhu);
    const other = await createReport(tanPhu, { title: title("đơn vị khác") });
    await ok(await submit(tanPhu, other.id));
    const decided = await ok(await decide(dual.token, other.id, { action: "approve", stage: "specialist" }));
    expect(decided.stage.id).toBe("deputy_head");
  });

  it("the author cannot approve their own report through the API: 403 for approve and return, state unchanged", async () => {
    const author = await tokenFor(USERS.quan6);
    const id = await submittedReport({ title: title("tự duyệt") });
    const before = await state(id);
    await expectProblem(await decide(author, id, { action: "approve", stage: "specialist" }), 403, "forbidden");
    await expectProblem(await decide(author, id, { action: "approve", stage: "specialist" }, { "if-match": `"${before.d1.version}"` }), 403, "forbidden");
    await expectProblem(await decide(author, id, { action: "return", stage: "specialist", comment: "Tự trả lại" }), 403, "forbidden");
    expect(await state(id)).toEqual(before);
    const { items } = await json(await history(author, id));
    // (An "assign" is the system's when the stage has one holder; other tests here add holders.)
    expect(items.map((e: any) => e.action).filter((a: string) => a !== "assign")).toEqual(["create", "submit"]);
  });

  it("an author later moved to the department as a specialist still cannot decide the report they wrote", async () => {
    const admin = await tokenFor(USERS.admin);
    const writer = await newUser(Q6, [{ role: "author", unitIds: [] }]);
    const r = await createReport(writer.token, { title: title("tác giả chuyển đơn vị") });
    await ok(await submit(writer.token, r.id));
    await ok(await call(`/api/v1/users/${writer.id}`, { method: "PATCH", token: admin, json: { unitId: DEMO_UNITS.gdtx } }));
    await ok(await call(`/api/v1/users/${writer.id}/grants`, { method: "PUT", token: admin, json: { grants: [{ role: "specialist", unitIds: [Q6] }] } }));
    const moved = await signIn(writer.email);

    const before = await state(r.id);
    await expectProblem(await decide(moved, r.id, { action: "approve", stage: "specialist" }), 403, "forbidden");
    expect(await state(r.id)).toEqual(before);
    expect(await inboxIds(moved)).not.toContain(r.id);
    // Someone else may.
    await ok(await decide(await tokenFor(USERS.specialist), r.id, { action: "approve", stage: "specialist" }));
  });
});

describe("a reviewer decides only reports of units they cover", () => {
  it("a Minh Khai (high school) report: the GDTX reviewers get 404 on decisions, history and diff; it is not in their inbox", async () => {
    const author = await tokenFor(USERS.minhKhai);
    const r = await createReport(author, { title: title("THPT Minh Khai") });
    // Nobody reviews the high school in the demo data: another division's chain is made for it.
    for (const role of ["specialist", "deputy_head", "director"]) await newUser(DEMO_UNITS.department, [{ role, unitIds: [DEMO_UNITS.minhKhai] }]);
    await ok(await submit(author, r.id));
    const before = await state(r.id);
    expect(before.d1).toMatchObject({ status: "in_review", stage: "specialist" });

    for (const [who, stage] of [
      [USERS.specialist, "specialist"],
      [USERS.deputy, "deputy_head"],
      [USERS.director, "director"],
    ] as const) {
      const token = await tokenFor(who);
      await expectProblem(await decide(token, r.id, { action: "approve", stage }), 404, "not-found");
      await expectProblem(await decide(token, r.id, { action: "approve", stage: "specialist" }), 404, "not-found");
      await expectProblem(await history(token, r.id), 404, "not-found");
      await expectProblem(await diff(token, r.id), 404, "not-found");
      expect(await inboxIds(token), who).not.toContain(r.id);
    }
    expect(await state(r.id)).toEqual(before);
    // Its own author still sees it.
    expect((await ok(await history(author, r.id))).items.length).toBeGreaterThan(0);
  });

  it("a specialist covering only Tân Phú gets 404 on a Quận 6 report and does not see it in the inbox", async () => {
    const narrow = await newUser(DEMO_UNITS.gdtx, [{ role: "specialist", unitIds: [DEMO_UNITS.tanPhu] }]);
    const id = await submittedReport({ title: title("ngoài phạm vi") });
    const before = await state(id);
    await expectProblem(await decide(narrow.token, id, { action: "approve", stage: "specialist" }), 404, "not-found");
    await expectProblem(await history(narrow.token, id), 404, "not-found");
    expect(await inboxIds(narrow.token)).not.toContain(id);
    expect(await state(id)).toEqual(before);
  });
});

describe("the inbox never lists a report to someone who cannot decide it", () => {
  it("at the specialist stage: only the covering specialist sees it, not authors, admin, centre head or other stages", async () => {
    const id = await submittedReport({ title: title("hộp thư bước 1") });
    expect(await inboxIds(await tokenFor(USERS.specialist))).toContain(id);
    for (const who of [USERS.quan6, USERS.tanPhu, USERS.minhKhai, USERS.admin, USERS.centreHead, USERS.deputy, USERS.director]) {
      expect(await inboxIds(await tokenFor(who)), who).not.toContain(id);
    }
  });

  it("at the deputy_head stage: the deputy sees it; the specialist, director and a deputy covering only Tân Phú do not", async () => {
    const narrowDeputy = await newUser(DEMO_UNITS.gdtx, [{ role: "deputy_head", unitIds: [DEMO_UNITS.tanPhu] }]);
    const id = await submittedReport({ title: title("hộp thư bước 2") });
    await ok(await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist" }));
    expect(await inboxIds(await tokenFor(USERS.deputy))).toContain(id);
    for (const token of [await tokenFor(USERS.specialist), await tokenFor(USERS.director), narrowDeputy.token]) {
      expect(await inboxIds(token)).not.toContain(id);
    }
  });

  it("a Quận 6 user holding author and specialist does not get a Quận 6 colleague's report in their inbox (they could only be refused)", async () => {
    const dual = await newUser(Q6, [
      { role: "author", unitIds: [] },
      { role: "specialist", unitIds: [Q6] },
    ]);
    const id = await submittedReport({ title: title("hộp thư cùng đơn vị") });
    await expectProblem(await decide(dual.token, id, { action: "approve", stage: "specialist" }), 403, "forbidden");
    expect(await inboxIds(dual.token)).not.toContain(id);
  });
});

describe("history is visible to the author and the covering reviewers only", () => {
  it("author, covering reviewers and admin: 200 with the same trail; another unit's author and a non-covering reviewer: 404", async () => {
    const id = await submittedReport({ title: title("ai xem lịch sử") });
    await ok(await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist", comment: "Đạt" }));
    // The director reads it only once it reaches his stage.
    await expectProblem(await history(await tokenFor(USERS.director), id), 404, "not-found");
    await ok(await decide(await tokenFor(USERS.deputy), id, { action: "approve", stage: "deputy_head" }));
    const seen = [];
    for (const who of [USERS.quan6, USERS.specialist, USERS.deputy, USERS.director, USERS.admin]) {
      const body = await ok(await history(await tokenFor(who), id));
      seen.push(body.items);
    }
    expect(seen[0].map((e: any) => e.action).filter((a: string) => a !== "assign")).toEqual(["create", "submit", "approve", "approve"]);
    for (const items of seen) expect(items).toEqual(seen[0]);

    const narrow = await newUser(DEMO_UNITS.gdtx, [{ role: "director", unitIds: [DEMO_UNITS.leQuyDon] }]);
    for (const token of [await tokenFor(USERS.tanPhu), await tokenFor(USERS.minhKhai), narrow.token]) {
      await expectProblem(await history(token, id), 404, "not-found");
      await expectProblem(await diff(token, id), 404, "not-found");
    }
  });

  it("a draft's history is its unit's own: 200 to the author, 404 to reviewers", async () => {
    const r = await createReport(await tokenFor(USERS.quan6), { title: title("lịch sử nháp") });
    expect((await ok(await history(await tokenFor(USERS.quan6), r.id))).items.map((e: any) => e.action)).toEqual(["create"]);
    for (const who of [USERS.specialist, USERS.director, USERS.tanPhu]) {
      await expectProblem(await history(await tokenFor(who), r.id), 404, "not-found");
    }
  });
});

describe("a deactivated reviewer", () => {
  it("their decision is refused with 401 and the state is unchanged", async () => {
    const admin = await tokenFor(USERS.admin);
    const reviewer = await newUser(DEMO_UNITS.gdtx, [{ role: "specialist", unitIds: [Q6] }]);
    const id = await submittedReport({ title: title("người bị khoá") });
    expect(await inboxIds(reviewer.token)).toContain(id);
    await ok(await call(`/api/v1/users/${reviewer.id}/deactivate`, { method: "POST", token: admin }));

    const before = await state(id);
    await expectProblem(await decide(reviewer.token, id, { action: "approve", stage: "specialist" }), 401, "unauthenticated");
    await expectProblem(await decide(reviewer.token, id, { action: "return", stage: "specialist", comment: "Trả lại" }), 401, "unauthenticated");
    await expectProblem(await call("/api/v1/inbox", { token: reviewer.token }), 401, "unauthenticated");
    await expectProblem(await history(reviewer.token, id), 401, "unauthenticated");
    expect(await state(id)).toEqual(before);
    expect(before.flow).toMatchObject({ status: "in_review", stage: { id: "specialist" } });

    // Reactivation does not bring the old session back.
    await ok(await call(`/api/v1/users/${reviewer.id}/activate`, { method: "POST", token: admin }));
    await expectProblem(await decide(reviewer.token, id, { action: "approve", stage: "specialist" }), 401, "unauthenticated");
    expect(await state(id)).toEqual(before);
  });
});
