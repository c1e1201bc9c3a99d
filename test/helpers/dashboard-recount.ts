// Recounts for the dashboard's counters, made from reports and report_events directly: what the
// triggers of migration 0011 must always equal; and the rollups of migration 0019, recounted from
// the per-unit cells.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { ReportStatus } from "../../src/db/schema";
import { allows } from "../../src/domain/policy";
import type { Actor } from "../../src/env";
import { OVERDUE_PAGE, schoolYearOf, STAGE_TIME_BINS, UNIT_STATUSES, type Dashboard } from "../../src/queries/dashboard";

// The school year written differently from the triggers: eight months back from Vietnam time, 1
// September becomes 1 January, so the year of the shifted date is the school year.
const YEAR = (col: string) => `CAST(strftime('%Y', ${col}, '+7 hours', '-8 months') AS INTEGER)`;
const SECONDS = "CAST(round((julianday(e.created_at) - julianday(p.created_at)) * 86400) AS INTEGER)";
const DECISIONS = "e.action IN ('approve', 'return')";

const all = async <T>(q: string) => (await env.DB.prepare(q).all<T>()).results;
const binOf = (seconds: number) => STAGE_TIME_BINS.findIndex((h) => seconds < h * 3600);

/** Every counter table, and the same tables recounted by plain GROUP BY over reports and events. */
export async function countersAndRecount() {
  const statusSums = UNIT_STATUSES.map((s) => `sum(status = '${s}') AS ${s}`).join(", ");
  const statusCols = UNIT_STATUSES.join(", ");
  const order = (cols: string) => ` ORDER BY ${cols}`;
  const unitKey = "school_year, unit_id, reach";
  const [unitTallies, unitRecount, stageTallies, stageRecount, times, eventRows] = await Promise.all([
    all(`SELECT school_year, unit_id, unit_path, reach, ${statusCols} FROM dashboard_unit_tallies${order(unitKey)}`),
    all(
      `SELECT ${YEAR("created_at")} AS school_year, unit_id, unit_path, review_reach AS reach, ${statusSums}
       FROM reports WHERE status <> 'draft' GROUP BY 1, unit_id, unit_path, review_reach${order(unitKey)}`,
    ),
    all("SELECT unit_id, unit_path, reach, kind, stage, n FROM dashboard_stage_tallies ORDER BY unit_id, reach, kind, stage"),
    all(
      `SELECT unit_id, unit_path, review_reach AS reach, kind, coalesce(stage, '') AS stage, count(*) AS n
       FROM reports WHERE status = 'in_review' GROUP BY unit_id, unit_path, review_reach, kind, coalesce(stage, '') ORDER BY unit_id, reach, kind, stage`,
    ),
    all<Record<string, number | string>>(
      "SELECT school_year, unit_id, unit_path, reach, stage, n, seconds, h1, h4, h8, h24, h48, h72, h120, h168, h336, h_more FROM dashboard_stage_times ORDER BY unit_id, reach, school_year, stage",
    ),
    all<{ school_year: number; unit_id: string; unit_path: string; reach: number; stage: string; s: number }>(
      `SELECT ${YEAR("e.created_at")} AS school_year, r.unit_id, r.unit_path, r.review_reach AS reach, coalesce(e.stage, '') AS stage, ${SECONDS} AS s
       FROM report_events e JOIN report_events p ON p.report_id = e.report_id AND p.seq = e.seq - 1 JOIN reports r ON r.id = e.report_id
       WHERE ${DECISIONS}`,
    ),
  ]);
  // The histogram is binned here, in JS, from each decision's seconds.
  const bins = ["h1", "h4", "h8", "h24", "h48", "h72", "h120", "h168", "h336", "h_more"];
  const cells = new Map<string, Record<string, number | string>>();
  for (const e of eventRows) {
    const key = [e.unit_id, e.reach, e.school_year, e.stage].join("|");
    const c = cells.get(key) ?? { school_year: e.school_year, unit_id: e.unit_id, unit_path: e.unit_path, reach: e.reach, stage: e.stage, n: 0, seconds: 0, ...Object.fromEntries(bins.map((b) => [b, 0])) };
    c.n = Number(c.n) + 1;
    c.seconds = Number(c.seconds) + e.s;
    c[bins[binOf(e.s)]!] = Number(c[bins[binOf(e.s)]!]) + 1;
    cells.set(key, c);
  }
  const timesRecount = [...cells].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
  const sortedTimes = [...times].sort((a, b) => {
    const k = (r: Record<string, unknown>) => [r.unit_id, r.reach, r.school_year, r.stage].join("|");
    return k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0;
  });
  return { unitTallies, unitRecount, stageTallies, stageRecount, times: sortedTimes, timesRecount };
}

/** Asserts every counter equals its recount, and that no cell is negative or left at zero. */
export async function expectCountersRight(step: string) {
  const c = await countersAndRecount();
  expect(c.unitTallies, `${step}: by unit`).toEqual(c.unitRecount);
  expect(c.stageTallies, `${step}: by stage`).toEqual(c.stageRecount);
  expect(c.times, `${step}: time in stage`).toEqual(c.timesRecount);
  const negative = await all("SELECT 1 FROM dashboard_unit_tallies WHERE min(in_review, returned, withdrawn, approved, scheduled, published, unpublished) < 0 UNION ALL SELECT 1 FROM dashboard_stage_tallies WHERE n <= 0 UNION ALL SELECT 1 FROM dashboard_stage_times WHERE n <= 0");
  expect(negative, `${step}: no negative or empty cell`).toEqual([]);
  await expectRollupsRight(step);
}

const TIME_SUMS = ["n", "seconds", "h1", "h4", "h8", "h24", "h48", "h72", "h120", "h168", "h336", "h_more"] as const;

/**
 * The rollups, and the same recounted here from the per-unit cells: each cell added to '*' and to
 * every unit its own unit_path names (split in JS, not as the migration does). Both sides are
 * sorted by their key here.
 */
export async function rollupsAndRecount() {
  type Row = Record<string, number | string>;
  const ancestors = (path: string) => ["*", ...path.split("/").filter((x) => x !== "")];
  const stageKey = (r: Row) => JSON.stringify([r.ancestor_id, r.reach, r.kind, r.stage]);
  const timeKey = (r: Row) => JSON.stringify([r.school_year, r.ancestor_id, r.reach, r.stage]);
  const sorted = (rows: Iterable<Row>, key: (r: Row) => string) => [...rows].map((r) => [key(r), r] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  const [stageCells, timeCells, stageRollups, timeRollups] = await Promise.all([
    all<Row>("SELECT unit_path, reach, kind, stage, n FROM dashboard_stage_tallies"),
    all<Row>(`SELECT school_year, unit_path, reach, stage, ${TIME_SUMS.join(", ")} FROM dashboard_stage_times`),
    all<Row>("SELECT ancestor_id, reach, kind, stage, n FROM dashboard_stage_rollups"),
    all<Row>(`SELECT school_year, ancestor_id, reach, stage, ${TIME_SUMS.join(", ")} FROM dashboard_time_rollups`),
  ]);
  const stages = new Map<string, Row>();
  for (const c of stageCells) {
    for (const a of ancestors(String(c.unit_path))) {
      const r: Row = { ancestor_id: a, reach: c.reach!, kind: c.kind!, stage: c.stage!, n: 0 };
      const cell = stages.get(stageKey(r)) ?? r;
      cell.n = Number(cell.n) + Number(c.n);
      stages.set(stageKey(r), cell);
    }
  }
  const times = new Map<string, Row>();
  for (const c of timeCells) {
    for (const a of ancestors(String(c.unit_path))) {
      const r: Row = { school_year: c.school_year!, ancestor_id: a, reach: c.reach!, stage: c.stage!, ...Object.fromEntries(TIME_SUMS.map((k) => [k, 0])) };
      const cell = times.get(timeKey(r)) ?? r;
      for (const k of TIME_SUMS) cell[k] = Number(cell[k]) + Number(c[k]);
      times.set(timeKey(r), cell);
    }
  }
  return {
    stageRollups: sorted(stageRollups, stageKey),
    stageRecount: sorted(stages.values(), stageKey),
    timeRollups: sorted(timeRollups, timeKey),
    timeRecount: sorted(times.values(), timeKey),
  };
}

/** Asserts every rollup cell equals the sum of the per-unit cells under it, and none is left at zero. */
export async function expectRollupsRight(step: string) {
  const r = await rollupsAndRecount();
  expect(r.stageRollups, `${step}: in review by ancestor`).toEqual(r.stageRecount);
  expect(r.timeRollups, `${step}: time in stage by ancestor`).toEqual(r.timeRecount);
  const empty = await all("SELECT 1 FROM dashboard_stage_rollups WHERE n <= 0 UNION ALL SELECT 1 FROM dashboard_time_rollups WHERE n <= 0");
  expect(empty, `${step}: no negative or empty rollup cell`).toEqual([]);
}

/** The dashboard a caller should see, recounted from every report with the policy's allows(). */
export async function figuresRecount(actor: Actor, now: Date, schoolYear: number) {
  const reports = await all<{ id: string; title: string; kind: string; unit_id: string; unit_path: string; status: ReportStatus; review_reach: number; stage: string | null; stage_due_at: string | null; created_at: string; unit: string }>(
    "SELECT r.id, r.title, r.kind, r.unit_id, r.unit_path, r.status, r.review_reach, r.stage, r.stage_due_at, r.created_at, u.name AS unit FROM reports r JOIN units u ON u.id = r.unit_id",
  );
  const mayRead = (r: (typeof reports)[number]) => allows(actor, "report.read", { unitId: r.unit_id, unitPath: r.unit_path, status: r.status, reviewReach: r.review_reach });
  const seen = reports.filter(mayRead);
  const byId = new Map(seen.map((r) => [r.id, r]));

  const byStage = new Map<string, number>();
  for (const r of seen.filter((x) => x.status === "in_review")) byStage.set(`${r.kind}|${r.stage ?? ""}`, (byStage.get(`${r.kind}|${r.stage ?? ""}`) ?? 0) + 1);

  const byUnit = new Map<string, { unitId: string; unit: string; counts: Record<string, number> }>();
  for (const r of seen.filter((x) => x.status !== "draft" && schoolYearOf(new Date(x.created_at)) === schoolYear)) {
    const row = byUnit.get(r.unit_id) ?? { unitId: r.unit_id, unit: r.unit, counts: Object.fromEntries(UNIT_STATUSES.map((s) => [s, 0])) };
    row.counts[r.status] = (row.counts[r.status] ?? 0) + 1;
    byUnit.set(r.unit_id, row);
  }

  const overdue = seen
    .filter((r) => r.status === "in_review" && r.stage_due_at !== null && r.stage_due_at < now.toISOString())
    .sort((a, b) => (a.stage_due_at! < b.stage_due_at! ? -1 : a.stage_due_at! > b.stage_due_at! ? 1 : a.id < b.id ? -1 : 1));

  const decisions = await all<{ report_id: string; stage: string; at: string; s: number }>(
    `SELECT e.report_id, coalesce(e.stage, '') AS stage, e.created_at AS at, ${SECONDS} AS s
     FROM report_events e JOIN report_events p ON p.report_id = e.report_id AND p.seq = e.seq - 1 WHERE ${DECISIONS}`,
  );
  const times = new Map<string, { n: number; seconds: number; histogram: number[] }>();
  for (const d of decisions) {
    if (!byId.has(d.report_id) || schoolYearOf(new Date(d.at)) !== schoolYear) continue;
    const t = times.get(d.stage) ?? { n: 0, seconds: 0, histogram: STAGE_TIME_BINS.map(() => 0) };
    t.n++;
    t.seconds += d.s;
    t.histogram[binOf(d.s)]!++;
    times.set(d.stage, t);
  }
  return {
    byStage,
    // In the page's order: by unit name, then id.
    byUnit: [...byUnit.values()].sort((a, b) => (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : a.unitId < b.unitId ? -1 : 1)),
    overdue: overdue.slice(0, OVERDUE_PAGE).map((r) => r.id),
    overdueMore: overdue.length > OVERDUE_PAGE,
    times,
  };
}

/** The figures, in the recount's shape. */
export function figuresShape(f: Dashboard) {
  return {
    byStage: new Map(f.byStage.map((r) => [`${r.kind}|${r.stage}`, r.n])),
    byUnit: f.byUnit,
    overdue: f.overdue.map((r) => r.id),
    overdueMore: f.overdueMore,
    times: new Map(f.stageTimes.map((t) => [t.stage, { n: t.n, seconds: t.seconds, histogram: t.histogram }])),
  };
}

const AUTHOR = "00000000-0000-7000-8000-000000000105";
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
/** n reports over the last two years in these units, each submitted and decided once (events included), straight into D1. */
export async function insertDashboardReports(UNIT_IDS: readonly string[], n: number) {
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

