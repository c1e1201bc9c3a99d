// The dashboard reads O(units shown), not O(reports) (DESIGN.md section 15): with 2,000 reports
// written straight into D1 (with their events), its rows read stay within a small multiple of the
// units it shows plus the overdue page, do not grow when the reports double, its figures still
// equal a full recount, and no query plan scans reports or report_events.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { database } from "../src/db/client";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { countingD1 } from "../src/middleware/d1-stats";
import { dashboardFigures, OVERDUE_PAGE } from "../src/queries/dashboard";
import { actorForToken } from "../src/queries/sessions";
import { tokenFor, USERS } from "./helpers/api";
import { buildScale } from "./helpers/scale";
import { expectCountersRight, figuresRecount, figuresShape, insertDashboardReports } from "./helpers/dashboard-recount";

const UNIT_IDS = Object.values(DEMO_UNITS);
const insertReports = (n: number) => insertDashboardReports(UNIT_IDS, n);

async function measure(who: "admin" | "director", email: string = USERS[who]) {
  const actor = (await actorForToken(env.DB, await tokenFor(email)))!;
  const stats = { trips: 0, rowsRead: 0 };
  const queries: { sql: string; params: unknown[] }[] = [];
  // Counts through the same proxy as the benchmarks, and keeps each statement for its plan.
  const counted = countingD1(env.DB, stats);
  const recording = new Proxy(counted, {
    get(target, prop) {
      if (prop === "prepare")
        return (q: string) => {
          const stmt = target.prepare(q);
          queries.push({ sql: q, params: [] });
          const entry = queries[queries.length - 1]!;
          return new Proxy(stmt, { get: (t, p) => (p === "bind" ? (...args: unknown[]) => ((entry.params = args), t.bind(...args)) : Reflect.get(t, p)) });
        };
      const v = Reflect.get(target, prop);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  const now = new Date();
  const figures = await dashboardFigures(database(recording), actor, now);
  // Each statement once more on its own, for its share of the rows read.
  const distinct = [...new Map(queries.map((q) => [JSON.stringify(q), q])).values()];
  const results = await env.DB.batch(distinct.map((q) => env.DB.prepare(q.sql).bind(...q.params)));
  const perStatement = distinct.map((q, i) => ({ counters: /from "dashboard_/.test(q.sql), rows: results[i]!.meta.rows_read }));
  expect(perStatement.reduce((a, p) => a + p.rows, 0)).toBe(stats.rowsRead);
  const paths = Math.max(0, ...actor.grants.map((g) => g.paths.length));
  return { figures, rowsRead: stats.rowsRead, trips: stats.trips, queries, perStatement, paths };
}

describe("the dashboard reads O(units shown)", () => {
  it("at 2,000 and 4,000 reports: rows read bounded by the units shown and the overdue page, not growing", async () => {
    await insertReports(2000);
    await expectCountersRight("2,000 reports");
    const first = { admin: await measure("admin"), director: await measure("director") };
    await insertReports(2000);
    await expectCountersRight("4,000 reports");
    const second = { admin: await measure("admin"), director: await measure("director") };
    for (const who of ["admin", "director"] as const) {
      const a = first[who];
      const b = second[who];
      const units = b.figures.byUnit.length;
      const counters = b.perStatement.filter((p) => p.counters);
      const walks = b.perStatement.filter((p) => !p.counters);
      console.log(
        `${who}: ${units} units shown, ${b.paths} coverage path(s); rows read ${a.rowsRead} at 2,000 reports, ${b.rowsRead} at 4,000 ` +
          `(counters ${counters.map((p) => p.rows).join(" + ")}, overdue walks ${walks.map((p) => p.rows).join(" + ")}); ${b.trips} round trip`,
      );
      expect(units).toBeGreaterThan(0);
      expect(b.trips).toBe(1);
      // Counter rows: a handful of cells per unit shown, each tested against the coverage's paths
      // (json_each rows count as read).
      expect(counters.reduce((x, p) => x + p.rows, 0), `${who}: counters`).toBeLessThanOrEqual(20 * (1 + b.paths) * units);
      // Each overdue walk: one page and its units, plus the overdue reports of the caller's reach
      // levels outside their coverage that lie between (none for a reviewer granted the root).
      for (const w of walks) expect(w.rows, `${who}: an overdue walk`).toBeLessThanOrEqual(3 * (2 + b.paths) * (OVERDUE_PAGE + 1));
      expect(b.rowsRead, `${who}: doubling the reports`).toBeLessThanOrEqual(a.rowsRead * 1.1);
    }
  }, 120_000);

  it("at 300 units (a root-granted director) the rows read follow the units shown", async () => {
    const scale = await buildScale("dash");
    const all = [...scale.level1, ...scale.level2, ...scale.level3].map((u) => u.id);
    await insertDashboardReports(all, 3000);
    await expectCountersRight("300 units");
    for (const [who, email] of [["admin", USERS.admin], ["director", scale.emails.rootDirector]] as const) {
      const m = await measure(who, email);
      const units = m.figures.byUnit.length;
      const counters = m.perStatement.filter((p) => p.counters).reduce((x, p) => x + p.rows, 0);
      const walks = m.perStatement.filter((p) => !p.counters).map((p) => p.rows);
      console.log(`300 units, ${who}: ${units} units shown; rows read ${m.rowsRead} (counters ${counters}, overdue walks ${walks.join(" + ")})`);
      expect(units).toBeGreaterThan(100);
      expect(counters).toBeLessThanOrEqual(20 * (1 + m.paths) * units);
      for (const w of walks) expect(w).toBeLessThanOrEqual(3 * (2 + m.paths) * (OVERDUE_PAGE + 1));
    }
  }, 240_000);

  it("no query plan scans reports or report_events", async () => {
    for (const who of ["admin", "director"] as const) {
      const { queries } = await measure(who);
      expect(queries.length).toBeGreaterThanOrEqual(4);
      for (const q of queries) {
        const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).bind(...q.params).all<{ detail: string }>();
        const plan = results.map((r) => r.detail).join("\n");
        expect(plan, `${who}: ${q.sql}`).not.toMatch(/SCAN (reports|report_events)\b/);
        expect(plan, `${who}: ${q.sql}`).not.toMatch(/\b(reports|report_events)\b(?!.*USING)/);
        if (/from "reports"/i.test(q.sql)) expect(plan, q.sql).toMatch(/USING INDEX reports_due_(reach_)?idx/);
      }
    }
  });
});
