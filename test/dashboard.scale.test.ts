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
import { expectCountersRight, figuresRecount, figuresShape } from "./helpers/dashboard-recount";

const AUTHOR = "00000000-0000-7000-8000-000000000105";
const UNIT_IDS = Object.values(DEMO_UNITS);
// Every state the dashboard counts, with a reach that fits it.
const SHAPES = [
  { status: "in_review", stage: "specialist", reach: 2 },
  { status: "in_review", stage: "deputy_head", reach: 3 },
  { status: "in_review", stage: "director", reach: 4 },
  { status: "in_review", stage: "centre_head", reach: 1 },
  { status: "returned", stage: null, reach: 3 },
  { status: "withdrawn", stage: null, reach: 2 },
  { status: "approved", stage: null, reach: 4 },
  { status: "published", stage: null, reach: 4 },
  { status: "unpublished", stage: null, reach: 4 },
  { status: "draft", stage: null, reach: 0 },
] as const;

let made = 0;
/** n reports over the last two years, each submitted and decided once (events included). */
async function insertReports(n: number) {
  const now = Date.now();
  const stmts: D1PreparedStatement[] = [];
  for (let i = 0; i < n; i++, made++) {
    const s = SHAPES[made % SHAPES.length]!;
    const id = `scale-${String(made).padStart(6, "0")}`;
    const created = new Date(now - ((made * 7919) % 730) * 86400_000 - 5 * 3600_000);
    const at = (h: number) => new Date(created.getTime() + h * 3600_000).toISOString();
    const due = s.status === "in_review" ? new Date(now + (made % 3 === 0 ? 1 : -1) * ((made % 97) + 1) * 3600_000).toISOString() : null;
    stmts.push(
      env.DB.prepare(
        `INSERT INTO reports (id, unit_id, author_id, kind, title, slug, body, attendees, status, stage, stage_role, stage_due_at, review_reach, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'Nội dung', '[]', ?, ?, ?, ?, ?, ?, ?)`,
      ).bind(id, UNIT_IDS[made % UNIT_IDS.length]!, AUTHOR, made % 2 ? "news" : "event", `Báo cáo ${made}`, `bao-cao-${made}`, s.status, s.stage, s.stage, due, s.reach, at(0), at(0)),
      env.DB.prepare("INSERT INTO report_events (id, report_id, seq, action, actor_role, to_status, revision, created_at) VALUES (?, ?, 0, 'create', 'author', 'draft', 0, ?)").bind(`${id}-0`, id, at(0)),
    );
    if (s.status !== "draft") {
      stmts.push(env.DB.prepare("INSERT INTO report_events (id, report_id, seq, action, actor_role, stage, to_status, revision, created_at) VALUES (?, ?, 1, 'submit', 'author', 'specialist', 'in_review', 1, ?)").bind(`${id}-1`, id, at(1)));
      if (s.status !== "withdrawn" && s.reach >= 2) {
        stmts.push(
          env.DB.prepare("INSERT INTO report_events (id, report_id, seq, action, actor_role, stage, to_status, revision, created_at) VALUES (?, ?, 2, ?, 'specialist', 'specialist', ?, 1, ?)")
            .bind(`${id}-2`, id, s.status === "returned" ? "return" : "approve", s.status === "returned" ? "returned" : "in_review", at(1 + ((made * 13) % 200) / 4)),
        );
      }
    }
  }
  for (let i = 0; i < stmts.length; i += 400) await env.DB.batch(stmts.slice(i, i + 400));
}

async function measure(who: "admin" | "director") {
  const actor = (await actorForToken(env.DB, await tokenFor(USERS[who])))!;
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
