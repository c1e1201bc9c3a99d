// The period board (DESIGN.md section 11): GET /api/v1/periods/:id/board (its page is tested in
// periods.board.web.test.ts). Where each expected unit stands, lateness before and after the due
// time, the counts adding up, and who sees what: 404 for a caller who may not read the period, 403
// for one who reads it without period.monitor, a reviewer covering part of the period that part.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { call, createReport, expectProblem, json, tokenFor, USERS } from "./helpers/api";
import { periodicInput } from "./helpers/periods";
import { decide, ok, submit } from "./helpers/review";
import { DEMO_PASSWORD } from "./helpers/seed";

const U = DEMO_UNITS;
const GDTX = [U.quan6, U.tanPhu, U.leQuyDon, U.caoDangKinhTe];
const NAMES: Record<string, string> = {
  [U.quan6]: "Trung tâm GDNN-GDTX Quận 6",
  [U.tanPhu]: "Trung tâm GDNN-GDTX quận Tân Phú",
  [U.leQuyDon]: "Trung tâm GDTX Lê Quý Đôn",
  [U.caoDangKinhTe]: "Trường Cao đẳng Kinh tế Thành phố Hồ Chí Minh",
  [U.minhKhai]: "Trường THPT Nguyễn Thị Minh Khai",
};
const ADMIN_ID = "00000000-0000-7000-8000-000000000101";

type BoardUnit = { unitId: string; unitName: string; state: string; stage: string | null; stageLabel: string | null; reportId: string | null; submittedAt: string | null; late: boolean };
type Board = { period: Record<string, unknown> & { id: string; unitIds: string[]; unitCount: number }; counts: Record<string, number>; units: BoardUnit[] };

async function openPeriod(body: { unitIds?: string[]; opensAt?: string; dueAt?: string; title?: string }, who: string = USERS.specialist): Promise<string> {
  const res = await call("/api/v1/periods", {
    token: await tokenFor(who),
    json: { title: body.title ?? "Kết quả học kì I năm học 2026 – 2027", indicatorSetId: "gdtx-hoc-ki", opensAt: body.opensAt ?? "2026-01-05", dueAt: body.dueAt ?? "2099-01-23", ...(body.unitIds ? { unitIds: body.unitIds } : {}) },
  });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text).id;
}

/**
 * A periodic report of `unitId` in the period, written straight into D1 as the review engine
 * leaves it (the triggers fill unit_path, unit_name and the scope rows).
 */
async function seedReport(periodId: string, unitId: string, shape: { status: string; stage?: string | null; reach?: number; submittedAt?: string | null }): Promise<string> {
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  await env.DB.prepare(
    `INSERT INTO reports (id, unit_id, author_id, kind, title, slug, body, attendees, figures, period_id, submitted_at, status, stage, stage_role, version, flow_seq, review_reach, revision, workflow_id, workflow_version, created_at, updated_at)
     VALUES (?, ?, ?, 'periodic', 'Báo cáo kết quả học kì I', ?, 'Trung tâm báo cáo kết quả học kì I.', '[]', '{"classes":12}', ?, ?, ?, ?, ?, 2, 1, ?, ?, 'periodic', 2, ?, ?)`,
  )
    .bind(id, unitId, ADMIN_ID, id, periodId, shape.submittedAt ?? null, shape.status, shape.stage ?? null, shape.stage ?? null, shape.reach ?? 0, shape.submittedAt ? 1 : 0, now, now)
    .run();
  return id;
}

const board = async (id: string, who: string = USERS.specialist) => call(`/api/v1/periods/${id}/board`, { token: await tokenFor(who) });

async function boardOf(id: string, who: string = USERS.specialist): Promise<Board> {
  const res = await board(id, who);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text);
}

const byUnit = (b: Board) => new Map(b.units.map((u) => [u.unitId, u]));
const stateCounts = (c: Record<string, number>) => c.notStarted! + c.draft! + c.inReview! + c.returned! + c.approved!;

/** The people a periodic report needs in units the demo data leaves without them. */
const PEOPLE = {
  headTanPhu: "giamdoc.tanphu@board.example",
  headLeQuyDon: "giamdoc.lqd@board.example",
  authorLeQuyDon: "lqd@board.example",
} as const;

beforeAll(async () => {
  await createUser(PEOPLE.headTanPhu, U.tanPhu, [{ role: "centre_head", unitIds: [] }]);
  await createUser(PEOPLE.headLeQuyDon, U.leQuyDon, [{ role: "centre_head", unitIds: [] }]);
  await createUser(PEOPLE.authorLeQuyDon, U.leQuyDon, [{ role: "author", unitIds: [] }]);
});

/** A periodic report of the author's unit in the period, created through the API (a draft). */
async function draftIn(periodId: string, author: string): Promise<string> {
  return (await createReport(await tokenFor(author), await periodicInput({ periodId }))).id;
}

async function submitted(periodId: string, author: string): Promise<string> {
  const id = await draftIn(periodId, author);
  await ok(await submit(await tokenFor(author), id));
  return id;
}

const approve = async (who: string, id: string, stage: string) => ok(await decide(await tokenFor(who), id, { action: "approve", stage }));

describe("the board", () => {
  it("follows reports created, submitted, returned, approved and withdrawn through the API; missing units first, then by name; counts add up", async () => {
    const periodId = await openPeriod({ unitIds: GDTX });
    const empty = await boardOf(periodId);
    expect(Object.keys(empty).sort()).toEqual(["counts", "period", "units"]);
    // The period as GET /periods/:id shows it.
    expect(empty.period).toEqual(await json(await call(`/api/v1/periods/${periodId}`, { token: await tokenFor(USERS.specialist) })));
    expect(empty.counts).toEqual({ expected: 4, notStarted: 4, draft: 0, inReview: 0, returned: 0, approved: 0, late: 0 });
    expect(empty.units.every((u) => u.state === "not_started" && u.reportId === null && u.submittedAt === null && !u.late)).toBe(true);

    const draft = await draftIn(periodId, USERS.quan6);
    const atHead = await submitted(periodId, USERS.tanPhu);
    const returned = await submitted(periodId, PEOPLE.authorLeQuyDon);
    await approve(PEOPLE.headLeQuyDon, returned, "centre_head");
    await ok(await decide(await tokenFor(USERS.specialist), returned, { action: "return", stage: "specialist", comment: "Số lớp chưa khớp với sổ theo dõi" }));

    const b = await boardOf(periodId);
    // Missing first; then Vietnamese name order: "Trung tâm" before "Trường" (u before ư), "GDNN" before "GDTX".
    expect(b.units.map((u) => u.unitId)).toEqual([U.caoDangKinhTe, U.quan6, U.tanPhu, U.leQuyDon]);
    const u = byUnit(b);
    expect(u.get(U.caoDangKinhTe)).toEqual({ unitId: U.caoDangKinhTe, unitName: NAMES[U.caoDangKinhTe], state: "not_started", stage: null, stageLabel: null, reportId: null, submittedAt: null, late: false });
    expect(u.get(U.quan6)).toEqual({ unitId: U.quan6, unitName: NAMES[U.quan6], state: "draft", stage: null, stageLabel: null, reportId: draft, submittedAt: null, late: false });
    expect(u.get(U.tanPhu)).toMatchObject({ state: "in_review", stage: "centre_head", stageLabel: "Lãnh đạo đơn vị", reportId: atHead, late: false });
    expect(u.get(U.leQuyDon)).toMatchObject({ state: "returned", stage: null, stageLabel: null, reportId: returned, late: false });
    for (const id of [U.tanPhu, U.leQuyDon]) expect(Date.parse(u.get(id)!.submittedAt!)).toBeGreaterThan(Date.now() - 120_000);
    expect(b.counts).toEqual({ expected: 4, notStarted: 1, draft: 1, inReview: 1, returned: 1, approved: 0, late: 0 });
    expect(stateCounts(b.counts)).toBe(b.counts.expected);

    // Quận 6 goes through the whole chain; Tân Phú takes its report back.
    await ok(await submit(await tokenFor(USERS.quan6), draft));
    await approve(USERS.centreHead, draft, "centre_head");
    expect(byUnit(await boardOf(periodId)).get(U.quan6)).toMatchObject({ state: "in_review", stage: "specialist", stageLabel: "Chuyên viên" });
    await approve(USERS.specialist, draft, "specialist");
    await approve(USERS.deputy, draft, "deputy_head");
    await approve(USERS.director, draft, "director");
    const firstSubmission = u.get(U.tanPhu)!.submittedAt;
    const withdrawn = await call(`/api/v1/reports/${atHead}/withdraw`, { method: "POST", token: await tokenFor(USERS.tanPhu) });
    expect(withdrawn.status, await withdrawn.text()).toBe(200);

    const later = await boardOf(periodId);
    const v = byUnit(later);
    expect(v.get(U.quan6)).toMatchObject({ state: "approved", stage: null, reportId: draft });
    // Withdrawn keeps its first submission and counts with the drafts: back with the unit.
    expect(v.get(U.tanPhu)).toMatchObject({ state: "withdrawn", stage: null, submittedAt: firstSubmission });
    expect(later.counts).toEqual({ expected: 4, notStarted: 1, draft: 1, inReview: 0, returned: 1, approved: 1, late: 0 });
    expect(stateCounts(later.counts)).toBe(later.counts.expected);

    // Once the due time has passed, the unit that sent nothing is late; those that submitted before it are not.
    const lastSubmission = Math.max(...later.units.flatMap((x) => (x.submittedAt ? [Date.parse(x.submittedAt)] : [])));
    await env.DB.prepare("UPDATE periods SET due_at = ? WHERE id = ?").bind(new Date(lastSubmission + 1).toISOString(), periodId).run();
    const due = await boardOf(periodId);
    expect(due.units.filter((x) => x.late).map((x) => x.unitId)).toEqual([U.caoDangKinhTe]);
    expect(due.counts.late).toBe(1);
  });

  it("late in a period opened with past dates: a report submitted now is late, and so is a unit with none", async () => {
    // Due 24/01/2025 17:00 in Viet Nam (10:00 UTC), long gone.
    const periodId = await openPeriod({ unitIds: [U.quan6, U.tanPhu], opensAt: "2025-01-06", dueAt: "2025-01-24" });
    const id = await submitted(periodId, USERS.quan6);
    const b = await boardOf(periodId);
    expect(b.period.dueAt).toBe("2025-01-24T10:00:00.000Z");
    expect(b.units.map((x) => [x.unitId, x.state, x.late])).toEqual([
      [U.tanPhu, "not_started", true],
      [U.quan6, "in_review", true],
    ]);
    expect(byUnit(b).get(U.quan6)!.reportId).toBe(id);
    expect(b.counts).toEqual({ expected: 2, notStarted: 1, draft: 0, inReview: 1, returned: 0, approved: 0, late: 2 });
    // A closed period's board still shows where each unit stood.
    await ok(await call(`/api/v1/periods/${periodId}/close`, { method: "POST", token: await tokenFor(USERS.specialist) }));
    const closed = await boardOf(periodId);
    expect(closed.period.status).toBe("closed");
    expect(closed.counts).toEqual(b.counts);
  });

  // Written into D1: a periodic report is never scheduled or published (its workflow is not public),
  // and the API cannot date a submission in the past; the board must still read such rows right.
  it("maps every report status: scheduled and published are approved, unpublished and withdrawn are withdrawn (counted as draft), returned", async () => {
    const admin = USERS.admin;
    const periodId = await openPeriod({ unitIds: [...GDTX, U.minhKhai] }, admin);
    await seedReport(periodId, U.quan6, { status: "returned", reach: 2, submittedAt: "2026-01-10T00:00:00.000Z" });
    await seedReport(periodId, U.tanPhu, { status: "withdrawn", reach: 1, submittedAt: "2026-01-10T00:00:00.000Z" });
    await seedReport(periodId, U.leQuyDon, { status: "scheduled", reach: 4, submittedAt: "2026-01-10T00:00:00.000Z" });
    await seedReport(periodId, U.caoDangKinhTe, { status: "published", reach: 4, submittedAt: "2026-01-10T00:00:00.000Z" });
    await seedReport(periodId, U.minhKhai, { status: "unpublished", reach: 4, submittedAt: "2026-01-10T00:00:00.000Z" });
    const b = await boardOf(periodId, admin);
    const u = byUnit(b);
    expect([U.quan6, U.tanPhu, U.leQuyDon, U.caoDangKinhTe, U.minhKhai].map((id) => u.get(id)!.state)).toEqual(["returned", "withdrawn", "approved", "approved", "withdrawn"]);
    expect(b.counts).toEqual({ expected: 5, notStarted: 0, draft: 2, inReview: 0, returned: 1, approved: 2, late: 0 });
    expect(stateCounts(b.counts)).toBe(5);
    // No unit is missing: plain name order ("Quận 6" before "quận Tân Phú" whatever the case).
    expect(b.units.map((x) => x.unitName)).toEqual([NAMES[U.quan6], NAMES[U.tanPhu], NAMES[U.leQuyDon], NAMES[U.caoDangKinhTe], NAMES[U.minhKhai]]);
  });

  it("late to the second: a first submission after the due time, or none; on time stays on time after a return", async () => {
    // Opened with past dates: due 24/01/2025 17:00 in Viet Nam (10:00 UTC), long gone.
    const periodId = await openPeriod({ unitIds: GDTX, opensAt: "2025-01-06", dueAt: "2025-01-24" });
    await seedReport(periodId, U.quan6, { status: "approved", reach: 4, submittedAt: "2025-01-24T09:59:59.000Z" });
    await seedReport(periodId, U.tanPhu, { status: "in_review", stage: "specialist", reach: 2, submittedAt: "2025-01-24T10:00:01.000Z" });
    await seedReport(periodId, U.leQuyDon, { status: "draft" });
    // Returned after an on-time submission: still on time.
    await seedReport(periodId, U.caoDangKinhTe, { status: "returned", reach: 2, submittedAt: "2025-01-20T00:00:00.000Z" });
    const b = await boardOf(periodId);
    const late = Object.fromEntries(b.units.map((x) => [x.unitId, x.late]));
    expect(late).toEqual({ [U.quan6]: false, [U.tanPhu]: true, [U.leQuyDon]: true, [U.caoDangKinhTe]: false });
    expect(byUnit(b).get(U.tanPhu)).toMatchObject({ state: "in_review", stage: "specialist", stageLabel: "Chuyên viên" });
    expect(b.counts).toMatchObject({ expected: 4, late: 2 });
  });
});

describe("errors", () => {
  it("an unknown period is a 404 problem", async () => {
    await expectProblem(await board("019a0000-0000-7000-8000-000000000000"), 404, "not-found");
    await expectProblem(await board("khong-co-ky-nay"), 404, "not-found");
  });

  it("a malformed id answers as GET /periods/:id does", async () => {
    const token = await tokenFor(USERS.specialist);
    for (const id of ["%27%20OR%201%3D1--", "..", "a".repeat(64), "a".repeat(65)]) {
      const read = await call(`/api/v1/periods/${id}`, { token });
      const res = await board(id);
      expect(res.status, id).toBe(read.status);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    }
    await expectProblem(await board("%27%20OR%201%3D1--"), 404, "not-found");
  });

  it("not signed in: 401", async () => {
    const periodId = await openPeriod({ unitIds: GDTX });
    await expectProblem(await call(`/api/v1/periods/${periodId}/board`), 401, "unauthenticated");
  });
});

async function createUser(email: string, unitId: string, grants: { role: string; unitIds: string[] }[]) {
  const res = await call("/api/v1/users", { token: await tokenFor(USERS.admin), json: { email, name: `Người thử ${email.split("@")[0]}`, unitId, password: DEMO_PASSWORD, grants } });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text) as { id: string };
}

describe("who sees the board", () => {
  it("the division's reviewers and an admin see every unit", async () => {
    const periodId = await openPeriod({ unitIds: GDTX });
    for (const who of [USERS.specialist, USERS.deputy, USERS.director, USERS.admin]) {
      expect((await boardOf(periodId, who)).counts.expected, who).toBe(4);
    }
  });

  it("an author or centre head of a unit in the period reads it but gets 403 for the board; an author outside it gets 404", async () => {
    const periodId = await openPeriod({ unitIds: GDTX });
    expect((await call(`/api/v1/periods/${periodId}`, { token: await tokenFor(USERS.quan6) })).status).toBe(200);
    await expectProblem(await board(periodId, USERS.quan6), 403, "forbidden");
    await expectProblem(await board(periodId, USERS.centreHead), 403, "forbidden");
    await expectProblem(await board(periodId, USERS.minhKhai), 404, "not-found");
  });

  it("a specialist covering part of the period sees those units only, counts over them; one covering none of them gets 404", async () => {
    const periodId = await openPeriod({ unitIds: GDTX });
    await seedReport(periodId, U.quan6, { status: "in_review", stage: "specialist", reach: 2, submittedAt: "2026-01-10T00:00:00.000Z" });
    await createUser("mot-phan@sogd.example", U.gdtx, [{ role: "specialist", unitIds: [U.quan6, U.leQuyDon] }]);
    const b = await boardOf(periodId, "mot-phan@sogd.example");
    expect(b.units.map((x) => x.unitId)).toEqual([U.leQuyDon, U.quan6]);
    expect(b.counts).toEqual({ expected: 2, notStarted: 1, draft: 0, inReview: 1, returned: 0, approved: 0, late: 0 });
    // The period itself is shown whole, as GET /periods/:id shows it.
    expect(b.period.unitCount).toBe(4);

    await createUser("truong-khac@sogd.example", U.trungHoc, [{ role: "specialist", unitIds: [U.minhKhai] }]);
    await expectProblem(await board(periodId, "truong-khac@sogd.example"), 404, "not-found");
  });

  it("an opener who no longer covers any unit of the period still reads it, but gets 403 for the board", async () => {
    const opener = await createUser("nguoi-mo@sogd.example", U.gdtx, [{ role: "specialist", unitIds: [U.tanPhu] }]);
    const periodId = await openPeriod({ unitIds: [U.tanPhu] }, "nguoi-mo@sogd.example");
    expect((await boardOf(periodId, "nguoi-mo@sogd.example")).counts.expected).toBe(1);
    const regrant = await call(`/api/v1/users/${opener.id}/grants`, { method: "PUT", token: await tokenFor(USERS.admin), json: { grants: [{ role: "specialist", unitIds: [U.minhKhai] }] } });
    expect(regrant.status, await regrant.text()).toBe(200);
    expect((await call(`/api/v1/periods/${periodId}`, { token: await tokenFor("nguoi-mo@sogd.example") })).status).toBe(200);
    await expectProblem(await board(periodId, "nguoi-mo@sogd.example"), 403, "forbidden");
  });
});
