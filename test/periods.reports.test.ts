// Periodic reports in reporting periods (DESIGN.md section 11, issue 12 points 3 and 4): every
// periodic report belongs to a period that expects its unit, one per unit and period; figures are
// checked against the period's indicator set on every save; warnings against the unit's approved
// figures of the previous period come back as `checks` and must be explained before submitting;
// a return followed by changed figures goes back to the centre's head.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { call, expectProblem, json, tokenFor, USERS } from "./helpers/api";
import { GOOD_FIGURES, openPeriod, periodicInput } from "./helpers/periods";
import { approveAll, DEFAULT_CHAIN, decide, ok, submit } from "./helpers/review";

const create = async (body: unknown, who: string = USERS.quan6) => call("/api/v1/reports", { token: await tokenFor(who), json: body });
const patch = async (id: string, version: number, body: unknown, who: string = USERS.quan6) =>
  call(`/api/v1/reports/${id}`, { method: "PATCH", token: await tokenFor(who), json: body, headers: { "if-match": `"${version}"` } });
const get = async (id: string, who: string = USERS.quan6) => json(await call(`/api/v1/reports/${id}`, { token: await tokenFor(who) }));

async function created(body: Record<string, unknown>, who: string = USERS.quan6) {
  const res = await create(body, who);
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text);
}

const reportCount = async () => (await env.DB.prepare("SELECT count(*) AS n FROM reports").first<{ n: number }>())!.n;

/** A refused create: this status and problem naming `path`, and no report written. */
async function refusedCreate(body: unknown, status: number, code: string, path?: string, message?: RegExp) {
  const before = await reportCount();
  const problem = await expectProblem(await create(body), status, code);
  if (path) {
    const error = problem.errors?.find((e: { path: string }) => e.path === path);
    expect(error, JSON.stringify(problem)).toBeTruthy();
    if (message) expect(error.message).toMatch(message);
  }
  expect(await reportCount()).toBe(before);
  return problem;
}

/** Through the centre's head and the department's three stages to approved. */
async function approved(body: Record<string, unknown>): Promise<string> {
  const r = await created(body);
  await ok(await submit(await tokenFor(USERS.quan6), r.id));
  await ok(await decide(await tokenFor(USERS.centreHead), r.id, { action: "approve", stage: "centre_head" }));
  await approveAll(r.id, DEFAULT_CHAIN);
  return r.id;
}

describe("a periodic report in a period", () => {
  it("is created with its period, figures as given, no checks without a previous period, and read back", async () => {
    const input = await periodicInput();
    const r = await created(input);
    expect(r.periodId).toBe(input.periodId);
    expect(r.figures).toEqual(GOOD_FIGURES);
    expect(r.figureNotes).toBeNull();
    expect(r.checks).toEqual([]);
    expect(r.submittedAt).toBeNull();
    const again = await get(r.id);
    expect(again.periodId).toBe(input.periodId);
    expect(again.figures).toEqual(GOOD_FIGURES);
  });

  it("records the first submission time, kept across a return and resubmission", async () => {
    const r = await created(await periodicInput());
    await ok(await submit(await tokenFor(USERS.quan6), r.id));
    const first = (await get(r.id)).submittedAt;
    expect(Date.parse(first)).toBeGreaterThan(Date.now() - 60_000);
    await ok(await decide(await tokenFor(USERS.centreHead), r.id, { action: "return", stage: "centre_head", comment: "Xem lại số lớp" }));
    await ok(await submit(await tokenFor(USERS.quan6), r.id));
    expect((await get(r.id)).submittedAt).toBe(first);
  });

  it("refuses a second report of the same unit in the period with 409 naming the first", async () => {
    const input = await periodicInput();
    const first = await created(input);
    const problem = await refusedCreate({ ...input, title: "Báo cáo lần hai" }, 409, "conflict");
    expect(problem.existingReport).toMatchObject({ id: first.id, title: first.title, status: "draft" });
    expect(problem.detail).toContain(first.title);
    // Another unit of the same period may still report.
    await created({ ...input }, USERS.tanPhu);
  });

  it("lets only one of two racing first saves in", async () => {
    const input = await periodicInput();
    const [a, b] = await Promise.all([create(input), create(input)]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const { n } = (await env.DB.prepare("SELECT count(*) AS n FROM reports WHERE period_id = ?").bind(input.periodId).first<{ n: number }>())!;
    expect(n).toBe(1);
  });
});

describe("bad input at create: a problem naming the field, nothing written", () => {
  it("a periodic report without a period, or with an unknown one", async () => {
    const input = await periodicInput();
    const { periodId: _p, ...noPeriod } = input;
    await refusedCreate(noPeriod, 422, "validation-failed", "periodId");
    await refusedCreate({ ...input, periodId: "00000000-0000-7000-8000-00000000dead" }, 422, "validation-failed", "periodId", /Không có kỳ báo cáo/);
  });

  it("a unit the period does not expect gets 422", async () => {
    const periodId = await openPeriod({ unitIds: [DEMO_UNITS.tanPhu] });
    await refusedCreate(await periodicInput({ periodId }), 422, "validation-failed", "periodId", /không thuộc danh sách đơn vị/);
  });

  it("a closed period takes no new report (409); one already in it carries on", async () => {
    const periodId = await openPeriod();
    const carried = await created(await periodicInput({ periodId }));
    await ok(await call(`/api/v1/periods/${periodId}/close`, { method: "POST", token: await tokenFor(USERS.admin) }));
    const before = await reportCount();
    await expectProblem(await create(await periodicInput({ periodId }), USERS.tanPhu), 409, "conflict");
    expect(await reportCount()).toBe(before);
    await ok(await submit(await tokenFor(USERS.quan6), carried.id));
  });

  it("figures that are strings, negative, not whole, over max, or break a rule", async () => {
    const input = await periodicInput();
    const bad = (figures: Record<string, unknown>) => ({ ...input, figures: { ...GOOD_FIGURES, ...figures } });
    await refusedCreate(bad({ enrolled: "13184" }), 422, "validation-failed", "figures.enrolled");
    await refusedCreate(bad({ classes: -1 }), 422, "validation-failed", "figures.classes");
    await refusedCreate(bad({ teachers: 1.5 }), 422, "validation-failed", "figures.teachers");
    await refusedCreate(bad({ enrolled: "NaN" }), 422, "validation-failed", "figures.enrolled");
    await refusedCreate(bad({ teachers: 100_000_000 }), 422, "validation-failed", "figures.teachers");
    await refusedCreate(bad({ completed: 14000, completionRate: 100 }), 422, "validation-failed", "figures.completed");
    // The rate as stated disagrees with its counts: the message shows the sum in Vietnamese numbers.
    await refusedCreate(bad({ completionRate: 90 }), 422, "validation-failed", "figures.completionRate", /13\.001 \/ 13\.184 = 98,6%/);
    await refusedCreate({ ...input, figures: "nhiều" }, 422, "validation-failed", "figures");
    const { completionRate: _c, ...missing } = GOOD_FIGURES;
    await refusedCreate({ ...input, figures: missing }, 422, "validation-failed", "figures.completionRate");
    await refusedCreate(bad({ students: 5 }), 422, "validation-failed", "figures.students");
  });

  it("notes for indicators that do not exist, or that are not text", async () => {
    const input = await periodicInput();
    await refusedCreate({ ...input, figureNotes: { students: "Giải trình" } }, 422, "validation-failed", "figureNotes.students");
    await refusedCreate({ ...input, figureNotes: { enrolled: 5 } }, 422, "validation-failed", "figureNotes.enrolled");
    await refusedCreate({ ...input, figureNotes: { enrolled: "x".repeat(2001) } }, 422, "validation-failed", "figureNotes.enrolled");
  });

  it("a period, figures or notes on a kind that has none", async () => {
    const { periodId } = await periodicInput();
    const news = { kind: "news", title: "Tin hoạt động của trung tâm", body: "Nội dung tin." };
    await refusedCreate({ ...news, periodId }, 422, "validation-failed", "periodId");
    await refusedCreate({ ...news, figures: GOOD_FIGURES }, 422, "validation-failed", "figures");
    await refusedCreate({ ...news, figureNotes: { enrolled: "..." } }, 422, "validation-failed", "figureNotes");
  });
});

describe("figures checked on every edit", () => {
  it("an edit with bad figures is 422 naming the field and changes nothing; a good one saves", async () => {
    const r = await created(await periodicInput());
    await expectProblem(await patch(r.id, r.version, { figures: { ...GOOD_FIGURES, dropouts: 20000 } }), 422, "validation-failed");
    expect((await get(r.id)).figures).toEqual(GOOD_FIGURES);
    const res = await patch(r.id, r.version, { figures: { ...GOOD_FIGURES, classes: 420 } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await json(res)).figures.classes).toBe(420);
    await expectProblem(await patch(r.id, r.version + 1, { figureNotes: { nope: "x" } }), 422, "validation-failed");
  });

  it("the period cannot be changed by an edit", async () => {
    const r = await created(await periodicInput());
    await expectProblem(await patch(r.id, r.version, { periodId: await openPeriod() }), 422, "validation-failed");
  });
});

describe("against the previous period", () => {
  it("warns on a large change, refuses to submit until it is explained, then goes through", async () => {
    const first = await openPeriod();
    await approved(await periodicInput({ periodId: first }));
    const second = await openPeriod();
    const grown = { ...GOOD_FIGURES, enrolled: 20000, completed: 19720, completionRate: 98.6, adultLearners: 6000 };
    const r = await created(await periodicInput({ periodId: second, figures: grown }));
    expect(r.checks.map((c: { indicatorId: string }) => c.indicatorId).sort()).toEqual(["completed", "enrolled"]);
    expect(r.checks.find((c: { indicatorId: string }) => c.indicatorId === "enrolled")).toEqual({
      indicatorId: "enrolled",
      previous: 13184,
      current: 20000,
      changePct: 51.7,
      severity: "warning",
    });

    const author = await tokenFor(USERS.quan6);
    const problem = await expectProblem(await submit(author, r.id), 422, "validation-failed");
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual(["figureNotes.completed", "figureNotes.enrolled"]);
    expect(problem.errors[0].message).toMatch(/so với kỳ trước/);
    expect((await get(r.id)).status).toBe("draft");

    const notes = { enrolled: "Trung tâm mở thêm 15 lớp liên kết với doanh nghiệp", completed: "Theo số học viên tăng" };
    const edited = await json(await patch(r.id, r.version, { figureNotes: notes }));
    expect(edited.figureNotes).toEqual(notes);
    await ok(await submit(author, r.id));
    // The reviewer reads the checks and the notes.
    const seen = await get(r.id, USERS.centreHead);
    expect(seen.checks).toHaveLength(2);
    expect(seen.figureNotes).toEqual(notes);
  });

  it("compares only with the unit's approved report of the period just before", async () => {
    const older = await openPeriod();
    await approved(await periodicInput({ periodId: older }));
    // The period in between: the unit's report there is not approved, so there is nothing to compare with.
    const between = await openPeriod();
    await created(await periodicInput({ periodId: between }));
    const latest = await openPeriod();
    const r = await created(await periodicInput({ periodId: latest, figures: { ...GOOD_FIGURES, enrolled: 20000, completed: 19720 } }));
    expect(r.checks).toEqual([]);
  });
});

describe("the previous period is the unit's own", () => {
  it("skips a later period of the same set that did not expect the unit (periods opened per district)", async () => {
    const own = await openPeriod({ unitIds: [DEMO_UNITS.quan6] });
    await approved(await periodicInput({ periodId: own }));
    // Another district's period of the same set, opened in between.
    await openPeriod({ unitIds: [DEMO_UNITS.tanPhu] });
    const next = await openPeriod({ unitIds: [DEMO_UNITS.quan6] });
    const r = await created(await periodicInput({ periodId: next, figures: { ...GOOD_FIGURES, enrolled: 20000, completed: 19720 } }));
    expect(r.checks.map((c: { indicatorId: string }) => c.indicatorId).sort()).toEqual(["completed", "enrolled"]);
  });
});

describe("a return, then changed figures", () => {
  async function returnedByDeputy() {
    const r = await created(await periodicInput());
    const author = await tokenFor(USERS.quan6);
    await ok(await submit(author, r.id));
    await ok(await decide(await tokenFor(USERS.centreHead), r.id, { action: "approve", stage: "centre_head" }));
    await ok(await decide(await tokenFor(USERS.specialist), r.id, { action: "approve", stage: "specialist" }));
    await ok(await decide(await tokenFor(USERS.deputy), r.id, { action: "return", stage: "deputy_head", comment: "Đề nghị xem lại số học viên" }));
    return { id: r.id, author };
  }

  it("goes back to the centre's head when the figures changed", async () => {
    const { id, author } = await returnedByDeputy();
    const now = await get(id);
    await ok(await patch(id, now.version, { figures: { ...GOOD_FIGURES, dropouts: 80 } }));
    const state = await ok(await submit(author, id));
    expect(state.stage?.id ?? state.stage).toBe("centre_head");
  });

  it("resumes at the stage that returned it when only the text changed", async () => {
    const { id, author } = await returnedByDeputy();
    const now = await get(id);
    await ok(await patch(id, now.version, { body: "Trung tâm bổ sung phần đánh giá chung." }));
    const state = await ok(await submit(author, id));
    expect(state.stage?.id ?? state.stage).toBe("deputy_head");
  });
});
