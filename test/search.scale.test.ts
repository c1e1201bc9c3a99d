// Text search reads O(page) rows, for common and rare words, for reviewers and authors, and finds
// exactly what a brute-force match filtered by the policy table finds (issue 10, point 3).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../src/db/client";
import type { ReportStatus } from "../src/db/schema";
import { allows } from "../src/domain/policy";
import { ftsQuery } from "../src/domain/text";
import type { Actor } from "../src/env";
import { searchExpression } from "../src/queries/report-search";
import { reportListQuery, type ReportFilter } from "../src/queries/reports";
import { actorForToken } from "../src/queries/sessions";
import { tokenFor, USERS } from "./helpers/api";

const PAGE = 20;
const TARGET = 2 * PAGE + 10;
const STATUSES: ReportStatus[] = ["draft", "in_review", "returned", "approved", "published", "published", "published"];
const actors: Record<string, Actor> = {};
let inserted = 0;

/** Reports spread over every unit and status; "hiếm" (rare) in one of 500, "Đắk" folded as "Dak". */
async function insertReports(n: number) {
  const units = (await env.DB.prepare("SELECT id FROM units ORDER BY id").all<{ id: string }>()).results;
  const author = (await env.DB.prepare("SELECT id FROM users ORDER BY id LIMIT 1").first<{ id: string }>())!;
  const stmts: D1PreparedStatement[] = [];
  for (let k = 0; k < n; k++) {
    const i = inserted + k;
    const unit = units[i % units.length]!;
    const status = STATUSES[i % STATUSES.length]!;
    const words = i % 500 === 3 ? " hiếm có" : "";
    stmts.push(
      env.DB.prepare(
        "INSERT INTO reports (id, unit_id, author_id, kind, title, slug, body, attendees, status, review_reach, created_at, updated_at) VALUES (?, ?, ?, 'news', ?, 's', ?, '[]', ?, ?, ?, ?)",
      ).bind(
        `search-${String(i).padStart(6, "0")}`,
        unit.id,
        author.id,
        `Tin giáo dục số ${i}${words}`,
        `Nội dung đào tạo ở Đắk Lắk, lần ${i}.`,
        status,
        status === "draft" ? 0 : 1 + (i % 4),
        new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
        new Date().toISOString(),
      ),
    );
  }
  for (let i = 0; i < stmts.length; i += 400) await env.DB.batch(stmts.slice(i, i + 400));
  inserted += n;
}

async function run(actor: Actor, f: ReportFilter) {
  const { sql, params } = reportListQuery(database(env.DB), actor, f)!.toSQL();
  const res = await env.DB.prepare(sql).bind(...params).all<{ id: string }>();
  return { ids: res.results.map((r) => r.id), rowsRead: res.meta.rows_read };
}

/** Every match, filtered in JS by the policy table, newest (highest rowid) first. */
async function bruteForce(actor: Actor, q: string): Promise<string[]> {
  const { results } = await env.DB.prepare(
    "SELECT r.id, r.unit_id, r.unit_path, r.status, r.review_reach FROM reports r WHERE r.rowid IN (SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?) ORDER BY r.rowid DESC",
  )
    .bind(ftsQuery(q))
    .all<{ id: string; unit_id: string; unit_path: string; status: ReportStatus; review_reach: number }>();
  return results.filter((r) => allows(actor, "report.read", { unitId: r.unit_id, unitPath: r.unit_path, status: r.status, reviewReach: r.review_reach })).map((r) => r.id);
}

beforeAll(async () => {
  for (const who of ["quan6", "specialist", "director", "admin"] as const) actors[who] = (await actorForToken(env.DB, await tokenFor(USERS[who])))!;
  await insertReports(3000);
}, 120_000);

describe("text search", () => {
  it.each(["quan6", "specialist", "director", "admin"])("%s: the same reports as a brute-force match, page after page", async (who) => {
    const actor = actors[who]!;
    for (const q of ["giáo dục", "hiếm", "dak lak", "Đào tạo"]) {
      const all = await bruteForce(actor, q);
      const first = await run(actor, { q, limit: PAGE });
      expect(first.ids, `${who} ${q}`).toEqual(all.slice(0, PAGE + 1));
      if (all.length > PAGE) {
        const second = await run(actor, { q, limit: PAGE, after: ["", all[PAGE - 1]!] });
        expect(second.ids, `${who} ${q} page 2`).toEqual(all.slice(PAGE, 2 * PAGE + 1));
      }
    }
  });

  it("diacritics and đ are folded both ways; the unit tokens in the index are not searchable", async () => {
    const admin = actors.admin!;
    expect((await run(admin, { q: "đắk lắk", limit: 5 })).ids.length).toBe(6);
    expect((await run(admin, { q: "DAO TAO", limit: 5 })).ids.length).toBe(6);
    expect((await run(admin, { q: "u", limit: 5 })).ids).toEqual([]);
    const unit = (await env.DB.prepare("SELECT id FROM units LIMIT 1").first<{ id: string }>())!;
    expect((await run(admin, { q: `u${unit.id.replace(/-/g, "")}`, limit: 5 })).ids).toEqual([]);
  });

  it("reads O(page) rows for common and rare words: the same at twice the data, 2 rows per candidate looked at", async () => {
    // Each candidate costs one index row and one report row; a caller who may read a fraction f of
    // what matches looks at about (page + 1) / f candidates. Rare words read what they match.
    const measure = async () => {
      const out: Record<string, { rows: number; bound: number }> = {};
      for (const who of ["quan6", "specialist", "director", "admin"]) {
        const actor = actors[who]!;
        for (const q of ["giáo dục", "hiếm"]) {
          const matches = await env.DB.prepare("SELECT count(*) AS n FROM reports_fts WHERE reports_fts MATCH ?").bind(ftsQuery(q)).first<number>("n");
          const visible = (await bruteForce(actor, q)).length;
          const scoped = Math.max(1, (await env.DB.prepare("SELECT count(*) AS n FROM reports_fts WHERE reports_fts MATCH ?").bind(searchExpression(actor, q)).first<number>("n"))!);
          const f = visible / scoped;
          const bound = Math.min(2 * (matches ?? 0) + 2, Math.ceil((2 * (PAGE + 1)) / Math.max(f, 0.01)) + 10);
          out[`${who} ${q}`] = { rows: (await run(actor, { q, limit: PAGE })).rowsRead, bound };
        }
      }
      return out;
    };
    const small = await measure();
    await insertReports(3000);
    const large = await measure();
    for (const [k, { rows, bound }] of Object.entries(large)) {
      expect(rows, k).toBeLessThanOrEqual(bound);
      if (k.startsWith("quan6") || k.startsWith("admin")) expect(rows, `${k}: sees every match in scope`).toBeLessThanOrEqual(k.endsWith("hiếm") ? bound : TARGET);
      if (!k.endsWith("hiếm")) expect(rows, `${k}: does not grow with the data`).toBeLessThanOrEqual(small[k]!.rows + 4);
    }
  }, 120_000);

  it("a unit filter cannot write FTS syntax into the MATCH expression", async () => {
    for (const unitId of ['x") OR title : ("a', '"', "x* OR y", "NEAR(a b)"]) {
      const { ids } = await run(actors.admin!, { q: "giáo dục", limit: PAGE, unitId });
      expect(ids, unitId).toEqual([]);
    }
  });

  it("an author's search of their own unit and a unit filter stay within the page bound", async () => {
    const quan6 = actors.quan6!;
    const own = await run(quan6, { q: "giáo dục", limit: PAGE, unitId: quan6.unitId });
    expect(own.ids.length).toBe(PAGE + 1);
    expect(own.rowsRead).toBeLessThanOrEqual(TARGET);
    // A status filter keeps 3 reports in 7 here: about 7/3 candidates per row returned.
    const filtered = await run(actors.admin!, { q: "giáo dục", limit: PAGE, status: "published" });
    expect(filtered.rowsRead).toBeLessThanOrEqual(Math.ceil((2 * (PAGE + 1) * 7) / 3) + 10);
  });
});
