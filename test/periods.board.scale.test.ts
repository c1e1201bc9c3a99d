// The period board's cost (DESIGN.md sections 11 and 15): ONE statement that reads O(units of the
// period) rows, through the period's period_units rows and the (period_id, unit_id) index on
// reports, never a scan of reports; the rows it reads do not grow when other periods and reports
// are added. 60 centres, periods over all of them, reports written straight into D1.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { call, tokenFor, USERS } from "./helpers/api";
import { capture, planOf, planProblems, type Captured } from "./helpers/d1-capture";
import { DEMO_PASSWORD } from "./helpers/seed";
import { signIn } from "./helpers/web";

const UNITS = 60;
// Three rows per unit (its period_units row, its unit, its report) and a few for the period.
const BOUND = 3 * UNITS + 10;
const ADMIN_ID = "00000000-0000-7000-8000-000000000101";
const PART = "board-part@scale.example";
const STATUSES = ["draft", "in_review", "returned", "withdrawn", "approved"] as const;

const unitIds: string[] = [];
const periods: string[] = [];

async function ok<T = any>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text.slice(0, 400)).toBe(status);
  return JSON.parse(text) as T;
}

async function openPeriod(title: string, opensAt: string): Promise<string> {
  const body = { title, indicatorSetId: "gdtx-hoc-ki", unitIds, opensAt, dueAt: "2099-06-30" };
  return (await ok(await call("/api/v1/periods", { token: await tokenFor(USERS.admin), json: body }), 201)).id;
}

/** Reports of `units` in `periodId` (or in no period), straight into D1, in a few batches. */
async function seedReports(periodId: string | null, units: readonly string[], kind = "periodic"): Promise<void> {
  const now = new Date().toISOString();
  const stmts = units.map((unitId, i) => {
    const id = crypto.randomUUID();
    const status = STATUSES[i % STATUSES.length]!;
    const stage = status === "in_review" ? "specialist" : null;
    const submitted = status === "draft" ? null : now;
    return env.DB.prepare(
      `INSERT INTO reports (id, unit_id, author_id, kind, title, slug, body, attendees, period_id, submitted_at, status, stage, stage_role, version, flow_seq, review_reach, revision, workflow_id, workflow_version, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'Báo cáo thử', ?, 'Nội dung', '[]', ?, ?, ?, ?, ?, 2, 1, ?, ?, ?, 1, ?, ?)`,
    ).bind(id, unitId, ADMIN_ID, kind, id, periodId, submitted, status, stage, stage, submitted ? 2 : 0, submitted ? 1 : 0, kind, now, now);
  });
  for (let i = 0; i < stmts.length; i += 50) await env.DB.batch(stmts.slice(i, i + 50));
}

/** The board request as `who`, with the statements it ran that touch periods (the session look-up aside). */
async function boardRun(periodId: string, who: string = USERS.admin): Promise<{ body: any; statements: Captured[] }> {
  const token = await tokenFor(who);
  const { value, statements } = await capture(() => call(`/api/v1/periods/${periodId}/board`, { token }));
  return { body: await ok(value), statements: statements.filter((s) => /\bperiod/i.test(s.sql)) };
}

beforeAll(async () => {
  const admin = await tokenFor(USERS.admin);
  for (let i = 0; i < UNITS; i += 10) {
    const made = await Promise.all(
      Array.from({ length: 10 }, (_, j) =>
        call("/api/v1/units", { token: admin, json: { code: `BANG-${i + j}`, name: `Trung tâm GDNN-GDTX thử ${i + j}`, type: "centre", parentId: DEMO_UNITS.department } }).then((r) => ok(r, 201)),
      ),
    );
    unitIds.push(...made.map((u) => u.id as string));
  }
  await ok(
    await call("/api/v1/users", { token: admin, json: { email: PART, name: "Chuyên viên một phần", unitId: DEMO_UNITS.gdtx, password: DEMO_PASSWORD, grants: [{ role: "specialist", unitIds: unitIds.slice(0, 20) }] } }),
    201,
  );
  // Four periods over the 60 centres: reports from 45 of them, from all of them (twice), from none.
  for (let p = 0; p < 4; p++) periods.push(await openPeriod(`Kỳ thử ${p + 1}`, `2026-0${p + 1}-05`));
  await seedReports(periods[0]!, unitIds.slice(0, 45));
  for (const p of periods.slice(1, 3)) await seedReports(p, unitIds);
}, 120_000);

describe("the board at 60 units x 4 periods", () => {
  let first: { body: any; statements: Captured[] };

  it("is one statement reading at most 3 rows per unit of the period and a few more", async () => {
    first = await boardRun(periods[0]!);
    expect(first.body.counts.expected).toBe(UNITS);
    expect(first.body.counts.notStarted).toBe(UNITS - 45);
    expect(first.body.units.slice(0, UNITS - 45).every((u: any) => u.state === "not_started")).toBe(true);
    expect(first.statements, first.statements.map((s) => s.sql).join("\n---\n")).toHaveLength(1);
    const [board] = first.statements;
    expect(board!.rowsRead).not.toBeNull();
    expect(board!.rowsRead!).toBeGreaterThanOrEqual(UNITS);
    expect(board!.rowsRead!).toBeLessThanOrEqual(BOUND);
    // A fixed number of parameters: the period's id.
    expect(board!.params).toEqual([periods[0]]);

    // Every unit with a report, or none with one: the same bound either way.
    for (const [periodId, notStarted] of [[periods[1]!, 0], [periods[3]!, UNITS]] as const) {
      const run = await boardRun(periodId);
      expect(run.body.counts).toMatchObject({ expected: UNITS, notStarted });
      expect(run.statements).toHaveLength(1);
      expect(run.statements[0]!.rowsRead!, `rows read with ${UNITS - notStarted} reports`).toBeLessThanOrEqual(BOUND);
    }
  });

  it("seeks the period's units and their reports by index: no SCAN of reports, units or period_units", async () => {
    const [board] = first.statements;
    const plan = await planOf(board!);
    expect(planProblems(board!, plan), plan.join("\n")).toEqual([]);
    expect(plan.filter((l) => /^SCAN/.test(l)), plan.join("\n")).toEqual([]);
    expect(plan.some((l) => /SEARCH r USING INDEX reports_period_unit_idx \(period_id=\? AND unit_id=\?\)/.test(l)), plan.join("\n")).toBe(true);
    expect(plan.some((l) => /SEARCH pu USING (COVERING )?INDEX sqlite_autoindex_period_units_1 \(period_id=\?\)/.test(l)), plan.join("\n")).toBe(true);
    // A unit with no report is looked up by its key.
    expect(plan.some((l) => /SEARCH units USING (COVERING )?INDEX sqlite_autoindex_units_1 \(id=\?\)/.test(l)), plan.join("\n")).toBe(true);
  });

  it("reads the same rows when other periods and thousands of other reports are added", async () => {
    const before = first.statements[0]!.rowsRead!;
    for (let p = 0; p < 2; p++) await seedReports(await openPeriod(`Kỳ thêm ${p + 1}`, `2026-0${p + 6}-05`), unitIds);
    for (let k = 0; k < 10; k++) await seedReports(null, unitIds, "news");
    const count = await env.DB.prepare("SELECT count(*) AS n FROM reports").first<{ n: number }>();
    expect(count!.n).toBeGreaterThanOrEqual(45 + 4 * UNITS + 10 * UNITS);
    const again = await boardRun(periods[0]!);
    expect(again.statements).toHaveLength(1);
    expect(again.statements[0]!.rowsRead).toBe(before);
    expect(again.body.counts).toEqual(first.body.counts);
    expect(again.body.units).toEqual(first.body.units);
  });

  it("a specialist covering 20 of the units sees 20 for the same cost; the page runs the same one statement", async () => {
    const part = await boardRun(periods[1]!, PART);
    expect(part.body.counts.expected).toBe(20);
    expect(new Set(part.body.units.map((u: any) => u.unitId))).toEqual(new Set(unitIds.slice(0, 20)));
    expect(part.statements).toHaveLength(1);
    expect(part.statements[0]!.rowsRead!).toBeLessThanOrEqual(BOUND);

    const cookie = await signIn(PART, "10.61.0.1");
    const { value, statements } = await capture(() => call(`/app/periods/${periods[1]}?sort=state`, { headers: { cookie } }));
    expect(value.status).toBe(200);
    await value.text();
    const touching = statements.filter((s) => /\bperiod/i.test(s.sql));
    expect(touching).toHaveLength(1);
    expect(touching[0]!.rowsRead!).toBeLessThanOrEqual(BOUND);
  });
});
