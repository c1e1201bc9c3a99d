// The roll-up and the export at scale (DESIGN.md section 15): 60 centres, 4 periods over all of
// them, every unit's report in every period in one state or another, and unrelated reports
// beside them. Reading one period's roll-up or export reads about its own units' rows: the count
// is the same before and after the other periods fill up, stays within a few rows per unit, binds
// a handful of parameters, and no query plan walks `reports` (reports_period_unit_idx is sought).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { call, tokenFor, USERS } from "./helpers/api";
import { capture, isRead, planOf, planProblems, type Captured } from "./helpers/d1-capture";

const UNITS = 60;
const PERIODS = 4;
const AUTHOR_ID = "00000000-0000-7000-8000-000000000105";
// Where a unit's report can be; null: the unit has not started one.
const STATUSES = ["approved", "published", "in_review", "returned", "draft", "scheduled", "withdrawn", null] as const;

type Seeded = { unitId: string; name: string; status: (typeof STATUSES)[number]; figures: Record<string, number> };

let unitIds: string[] = [];
let periodIds: string[] = [];
const seeded: Seeded[][] = [];

function figuresFor(u: number, p: number): Record<string, number> {
  const enrolled = 100 + ((u * 37 + p * 11) % 900);
  const completed = enrolled - ((u * 7 + p) % 40);
  return {
    classes: 3 + ((u + p) % 20),
    enrolled,
    completed,
    completionRate: Math.round((completed / enrolled) * 1000) / 10,
    dropouts: (u + p) % 15,
    ...(u % 4 === 0 ? {} : { adultLearners: Math.floor(enrolled / 3) }),
    teachers: 5 + (u % 30),
  };
}

/** Every unit's report in period `p`, written straight into D1, plus `noise` reports in no period. */
async function seedPeriod(p: number, noise: number): Promise<void> {
  const now = new Date().toISOString();
  const rows: Seeded[] = [];
  const stmts: D1PreparedStatement[] = [];
  unitIds.forEach((unitId, u) => {
    const status = STATUSES[(u + p) % STATUSES.length]!;
    const figures = figuresFor(u, p);
    rows.push({ unitId, name: `Trung tâm GDNN-GDTX số ${String(u).padStart(2, "0")}`, status, figures });
    if (status === null) return;
    const id = crypto.randomUUID();
    stmts.push(
      env.DB.prepare(
        `INSERT INTO reports (id, unit_id, author_id, kind, title, slug, body, attendees, status, version, flow_seq, review_reach, revision, created_at, updated_at, period_id, figures, submitted_at)
         VALUES (?, ?, ?, 'periodic', 'Báo cáo học kì', ?, 'Số liệu học kì.', '[]', ?, 3, 2, 4, 1, ?, ?, ?, ?, ?)`,
      ).bind(id, unitId, AUTHOR_ID, id, status, now, now, periodIds[p]!, JSON.stringify(figures), status === "draft" ? null : now),
    );
  });
  for (let i = 0; i < noise; i++) {
    const id = crypto.randomUUID();
    stmts.push(
      env.DB.prepare(
        `INSERT INTO reports (id, unit_id, author_id, kind, title, slug, body, attendees, status, version, flow_seq, review_reach, revision, created_at, updated_at)
         VALUES (?, ?, ?, 'news', 'Tin hoạt động', ?, 'Nội dung.', '[]', 'approved', 3, 2, 4, 1, ?, ?)`,
      ).bind(id, unitIds[i % UNITS]!, AUTHOR_ID, id, now, now),
    );
  }
  for (let i = 0; i < stmts.length; i += 200) await env.DB.batch(stmts.slice(i, i + 200));
  seeded[p] = rows;
}

beforeAll(async () => {
  const now = new Date().toISOString();
  const dept = DEMO_UNITS.department;
  unitIds = Array.from({ length: UNITS }, () => crypto.randomUUID());
  await env.DB.batch(
    unitIds.map((id, u) =>
      env.DB.prepare("INSERT INTO units (id, parent_id, type, code, name, path, active, created_at, updated_at) VALUES (?, ?, 'centre', ?, ?, ?, 1, ?, ?)").bind(
        id,
        dept,
        `SCALE-TT-${u}`,
        `Trung tâm GDNN-GDTX số ${String(u).padStart(2, "0")}`,
        `/${dept}/${id}/`,
        now,
        now,
      ),
    ),
  );
  const admin = await tokenFor(USERS.admin);
  for (let p = 0; p < PERIODS; p++) {
    const res = await call("/api/v1/periods", {
      token: admin,
      json: { title: `Kết quả học kì ${p + 1}`, indicatorSetId: "gdtx-hoc-ki", unitIds, opensAt: `203${p}-01-06`, dueAt: `203${p}-01-24` },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    periodIds.push((await res.json<{ id: string }>()).id);
  }
  // Two periods first: the reports index then already has entries past the first period's, so a
  // seek reads the one that ends its range the same way before and after the rest arrive.
  await seedPeriod(0, 0);
  await seedPeriod(1, 0);
}, 120_000);

/** A request and what it ran on D1: the rows every read statement reads (each run once more with all() for its count). */
async function measured(path: string) {
  const token = await tokenFor(USERS.admin);
  const { value: res, statements } = await capture(() => call(path, { token }));
  expect(res.status, path).toBe(200);
  await res.arrayBuffer();
  const reads = statements.filter((s) => isRead(s.sql));
  let rows = 0;
  for (const s of reads) rows += (await env.DB.prepare(s.sql).bind(...s.params).all()).meta.rows_read;
  return { rows, reads };
}

const periodStatements = (reads: Captured[]) => reads.filter((s) => /\b(reports|period_units|periods)\b/.test(s.sql));

describe("one period among four, 60 units each", () => {
  it("roll-up and exports: rows read the same before and after the other periods fill up, a few per unit", async () => {
    const paths = [`/api/v1/periods/${periodIds[0]}/rollup`, `/api/v1/periods/${periodIds[0]}/export?format=csv`, `/api/v1/periods/${periodIds[0]}/export?format=xlsx`];
    const before = [];
    for (const path of paths) before.push(await measured(path));
    for (let p = 2; p < PERIODS; p++) await seedPeriod(p, 450);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM reports").first<{ n: number }>())!.n).toBeGreaterThan(4 * 50 + 900);
    for (const [i, path] of paths.entries()) {
      const after = await measured(path);
      expect(after.rows, `${path}: rows read before ${before[i]!.rows}, after ${after.rows}`).toBe(before[i]!.rows);
      // The period, its 60 units and their reports, and the session: a few rows per unit.
      expect(after.rows, path).toBeLessThanOrEqual(6 * UNITS + 40);
      // Units travel as no parameter at all: the period's id does.
      for (const s of after.reads) expect(s.params.length, s.sql).toBeLessThanOrEqual(5);
    }
  });

  it("no plan scans reports or period_units; reports are sought through reports_period_unit_idx", async () => {
    for (const path of [`/api/v1/periods/${periodIds[2]}/rollup`, `/api/v1/periods/${periodIds[2]}/export?format=xlsx`]) {
      const { reads } = await measured(path);
      const mine = periodStatements(reads);
      // The period, then its units and reports (the roll-up: its units, then its approved reports).
      expect(mine.length, path).toBe(/rollup/.test(path) ? 3 : 2);
      for (const s of mine) {
        const plan = await planOf(s);
        expect(planProblems(s, plan), `${s.sql}\n${plan.join("\n")}`).toEqual([]);
        expect(plan.some((l) => /^SCAN (reports|r|period_units|pu)\b/.test(l)), plan.join("\n")).toBe(false);
        if (/\bFROM reports\b|JOIN reports\b/.test(s.sql)) expect(plan.join("\n")).toMatch(/SEARCH (reports|r) USING (COVERING )?INDEX reports_period_unit_idx/);
      }
    }
  });

  it("the figures at scale equal a recount of what was written", async () => {
    for (let p = 0; p < PERIODS; p++) {
      const res = await call(`/api/v1/periods/${periodIds[p]}/rollup`, { token: await tokenFor(USERS.admin) });
      const r = await res.json<any>();
      const approved = seeded[p]!.filter((s) => s.status === "approved" || s.status === "published" || s.status === "scheduled");
      const sum = (id: string) => approved.reduce((a, s) => a + (s.figures[id] ?? 0), 0);
      expect(r.unitsExpected).toBe(UNITS);
      expect(r.unitsReported).toBe(approved.length);
      const values = Object.fromEntries(r.indicators.map((i: any) => [i.indicatorId, i.value]));
      expect(values).toEqual({
        classes: sum("classes"),
        enrolled: sum("enrolled"),
        completed: sum("completed"),
        completionRate: Math.round((sum("completed") / sum("enrolled")) * 1000) / 10,
        dropouts: sum("dropouts"),
        adultLearners: sum("adultLearners"),
        teachers: sum("teachers"),
      });
      const csv = await (await call(`/api/v1/periods/${periodIds[p]}/export?format=csv`, { token: await tokenFor(USERS.admin) })).text();
      // The header, one line per expected unit, the totals, the note.
      expect(csv.split("\r\n").filter(Boolean)).toHaveLength(1 + UNITS + 2);
    }
  });
});
