// A reviewer who covers a small part of the department (a division's schools) gets their list and
// their inbox at O(page) rows, the same reports a brute-force filter by the policy table finds, in
// the same order, page after page (issue 10, points 1 and 7).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../src/db/client";
import type { ReportStatus } from "../src/db/schema";
import { allows } from "../src/domain/policy";
import type { Actor } from "../src/env";
import { listReports, type ReportFilter } from "../src/queries/reports";
import { inbox } from "../src/queries/review";
import { actorForToken } from "../src/queries/sessions";
import { countingD1 } from "../src/middleware/d1-stats";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { tokenFor, USERS } from "./helpers/api";

const PAGE = 20;
const TARGET = 2 * PAGE + 10;
const STATUSES: ReportStatus[] = ["draft", "in_review", "returned", "approved", "published", "published", "in_review"];
const ROLES = ["specialist", "deputy_head", "director"];
const actors: Record<string, Actor> = {};
let inserted = 0;

/** Nine reports in ten go to Minh Khai, which the GDTX reviewers do not cover. */
async function insertReports(n: number) {
  const covered = [DEMO_UNITS.quan6, DEMO_UNITS.tanPhu, DEMO_UNITS.leQuyDon];
  const author = (await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(USERS.minhKhai).first<string>("id"))!;
  const stmts: D1PreparedStatement[] = [];
  for (let k = 0; k < n; k++) {
    const i = inserted + k;
    const unit = i % 10 === 0 ? covered[(i / 10) % covered.length]! : DEMO_UNITS.minhKhai;
    const status = STATUSES[i % STATUSES.length]!;
    const inReview = status === "in_review";
    // Reach varies independently of the unit and of the status.
    const rank = 2 + (Math.floor(i / 7) % 3);
    stmts.push(
      env.DB.prepare(
        `INSERT INTO reports (id, unit_id, author_id, kind, title, slug, body, attendees, status, stage, stage_role, stage_due_at, review_reach, created_at, updated_at)
         VALUES (?, ?, ?, 'news', ?, 's', 'Nội dung', '[]', ?, ?, ?, ?, ?, ?, ?)`,
      ).bind(
        `list-${String(i).padStart(6, "0")}`,
        unit,
        author,
        `Tin số ${i}`,
        status,
        inReview ? ROLES[rank - 2]! : null,
        inReview ? ROLES[rank - 2]! : null,
        inReview ? new Date(Date.UTC(2026, 5, 1) + (i % 997) * 3_600_000).toISOString() : null,
        status === "draft" ? 0 : rank,
        new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
        new Date().toISOString(),
      ),
    );
  }
  for (let i = 0; i < stmts.length; i += 400) await env.DB.batch(stmts.slice(i, i + 400));
  inserted += n;
}

async function measured<T>(fn: (db: D1Database) => Promise<T>): Promise<{ value: T; rows: number; trips: number }> {
  const stats = { trips: 0, rowsRead: 0 };
  const value = await fn(countingD1(env.DB, stats));
  return { value, rows: stats.rowsRead, trips: stats.trips };
}

const list = (actor: Actor, f: Partial<ReportFilter> = {}) => measured((db) => listReports(database(db), actor, { limit: PAGE, ...f }));

async function bruteForce(actor: Actor): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT id, unit_id, unit_path, status, review_reach FROM reports ORDER BY created_at DESC, id DESC").all<{
    id: string;
    unit_id: string;
    unit_path: string;
    status: ReportStatus;
    review_reach: number;
  }>();
  return results.filter((r) => allows(actor, "report.read", { unitId: r.unit_id, unitPath: r.unit_path, status: r.status, reviewReach: r.review_reach })).map((r) => r.id);
}

beforeAll(async () => {
  for (const who of ["specialist", "director", "quan6", "admin"] as const) actors[who] = (await actorForToken(env.DB, await tokenFor(USERS[who])))!;
  // Holders of two roles whose reaches overlap: the same report comes from two walks.
  const specialist = actors.specialist!;
  const grant = specialist.grants[0]!;
  actors["specialist+deputy"] = { ...specialist, grants: [grant, { ...grant, role: "deputy_head" }] };
  actors["author+specialist"] = { ...actors.quan6!, grants: [{ role: "author", unitIds: [], paths: [] }, grant] };
  await insertReports(3000);
}, 120_000);

describe("a reviewer covering a tenth of the reports", () => {
  it.each(["specialist", "director", "quan6", "admin", "specialist+deputy", "author+specialist"])("%s: the same list as a brute-force filter, page after page", async (who) => {
    const actor = actors[who]!;
    const all = await bruteForce(actor);
    let after: [string, string] | undefined;
    for (let p = 0; p < 4; p++) {
      const { value: rows } = await list(actor, { after });
      expect(rows.map((r) => r.id), `${who} page ${p + 1}`).toEqual(all.slice(p * PAGE, p * PAGE + PAGE + 1));
      const last = rows[PAGE - 1];
      if (!last) break;
      after = [last.createdAt, last.id];
    }
  });

  it("list and inbox read at most 2 x page + 10 rows, and no more at twice the data", async () => {
    const measure = async () => {
      const out: Record<string, number> = {};
      for (const who of ["specialist", "director", "quan6", "admin"]) {
        out[`${who} list`] = (await list(actors[who]!)).rows;
        out[`${who} list, in review`] = (await list(actors[who]!, { status: "in_review" })).rows;
      }
      for (const who of ["specialist", "director"]) out[`${who} inbox`] = (await measured((db) => inbox(db, actors[who]!, { limit: PAGE }))).rows;
      return out;
    };
    const small = await measure();
    await insertReports(3000);
    const large = await measure();
    console.log("rows read, 3,000 -> 6,000 reports:", JSON.stringify(Object.fromEntries(Object.entries(large).map(([k, v]) => [k, `${small[k]} -> ${v}`]))));
    for (const [k, rows] of Object.entries(large)) {
      // Lists and the inbox: an index entry and a report row per report shown (the unit's name is
      // the report row's copy). A status filter walks that status at each reach from the caller's
      // stage on (a reviewer) or in the unit's own index (an author): it skips nothing either.
      expect(rows, k).toBeLessThanOrEqual(TARGET);
      expect(small[k]!, k).toBeLessThanOrEqual(TARGET);
      expect(rows, `${k}: does not grow with the data`).toBeLessThanOrEqual(small[k]! + 2);
    }
  }, 120_000);

  it("the inbox lists what waits at the caller's stage in their units, due soonest first", async () => {
    const actor = actors.specialist!;
    const { value: rows } = await measured((db) => inbox(db, actor, { limit: PAGE }));
    const { results } = await env.DB.prepare(
      `SELECT id FROM reports WHERE status = 'in_review' AND stage_role = 'specialist' AND unit_id IN (?, ?, ?, ?) AND author_id <> ? ORDER BY stage_due_at, id LIMIT ?`,
    )
      .bind(DEMO_UNITS.quan6, DEMO_UNITS.tanPhu, DEMO_UNITS.leQuyDon, DEMO_UNITS.caoDangKinhTe, actor.id, PAGE + 1)
      .all<{ id: string }>();
    expect(rows.map((r) => r.id)).toEqual(results.map((r) => r.id));
  });
});
