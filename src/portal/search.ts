// The portal's reads that are not pages in R2: search (portal_fts, migration 0030), the unit
// directory and the sitemaps' rows.
import { nfc } from "../domain/text";
import { unitPath } from "./paths";

export const SEARCH_PAGE = 20;
/** Longer search strings are refused with a page saying so (no one types 200 characters to find an article). */
export const MAX_QUERY = 200;
const MAX_WORDS = 12;

/**
 * A reader's words -> an FTS5 MATCH expression, as src/domain/text.ts ftsQuery does for reports:
 * every run of letters and digits becomes a quoted term, so `"`, `*`, `NEAR`, `OR`, `AND`, `NOT`,
 * `(`, `^` and `:` are separators or plain words, never syntax. đ/Đ are folded to d/D as the
 * index triggers fold them; other marks are removed by the unicode61 tokenizer on both sides, so
 * "da lat" finds "Đà Lạt". Terms are whole words, not prefixes: Vietnamese words are syllables,
 * and "da*" would also find every "dân", "danh", "đang" (results are newest first, not ranked, so
 * loose matches would bury the right ones). Null when nothing searchable remains.
 */
export function portalMatch(q: string): string | null {
  const words = nfc(q)
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, MAX_WORDS);
  if (words.length === 0) return null;
  return words.map((w) => `"${w}"`).join(" ");
}

/**
 * ?1 the MATCH expression, ?2 the cursor (rowids below it), ?3 the limit. The cursor is cast: D1
 * binds every JavaScript number as REAL, and FTS5 takes a rowid bound only when it is an INTEGER
 * (fts5GetRowidLimit); otherwise it ignores the bound and returns every newer match for SQLite to
 * filter, so a page 50 deep read a row for each of the thousand matches above it (measured).
 */
export const SEARCH_SQL = `SELECT e.seq, e.path, e.title, e.summary, e.first_published_at, u.name AS unit_name
  FROM portal_fts JOIN portal_entries e ON e.seq = portal_fts.rowid JOIN units u ON u.id = e.unit_id
  WHERE portal_fts MATCH ?1 AND portal_fts.rowid < CAST(?2 AS INTEGER) AND e.retracted_at IS NULL
  ORDER BY portal_fts.rowid DESC LIMIT ?3`;

export type SearchHit = { seq: number; path: string; title: string; summary: string | null; first_published_at: string; unit_name: string };

/**
 * One page of live articles matching `match`, newest first (rowid = seq, order of first
 * publication), strictly older than `before` when given. FTS5 walks its rowids downwards and
 * stops at the page, and each hit is joined by the unique index on seq: O(page) rows, however many
 * articles there are. Returns `SEARCH_PAGE + 1` rows at most; the extra one says there is more.
 */
export async function searchPortal(db: D1Database, match: string, before: number | null): Promise<SearchHit[]> {
  const res = await db.prepare(SEARCH_SQL).bind(match, before ?? Number.MAX_SAFE_INTEGER, SEARCH_PAGE + 1).all<SearchHit>();
  return res.results;
}

export type DirectoryUnit = { code: string; name: string; type: string; live: number };

/**
 * Every unit the directory shows: those with a live article (linked to their page), and active
 * units without one (named, not linked). O(units): the EXISTS stops at a unit's first live entry
 * (index on unit_id, unit_seq).
 */
export async function directoryUnits(db: D1Database): Promise<(DirectoryUnit & { path: string })[]> {
  const res = await db
    .prepare(
      `SELECT code, name, type, live FROM (
         SELECT u.code, u.name, u.type, u.active,
           EXISTS (SELECT 1 FROM portal_entries e WHERE e.unit_id = u.id AND e.retracted_at IS NULL) AS live
         FROM units u)
       WHERE live = 1 OR active = 1 ORDER BY name, code`,
    )
    .all<DirectoryUnit>();
  return res.results.map((u) => ({ ...u, path: unitPath(u.code) }));
}

export type SitemapRow = { path: string; lastmod: string };

/** The newest live article's seq (0 when none): one row, the end of portal_entries_live_idx. */
export async function highestLiveSeq(db: D1Database): Promise<number> {
  const row = await db.prepare("SELECT seq FROM portal_entries WHERE retracted_at IS NULL ORDER BY seq DESC LIMIT 1").first<{ seq: number }>();
  return row?.seq ?? 0;
}

/** Live articles with seq in [from, to], oldest first: a range of the unique index on seq. */
export async function sitemapArticles(db: D1Database, from: number, to: number): Promise<SitemapRow[]> {
  const res = await db
    .prepare(
      `SELECT path, coalesce(updated_at, first_published_at) AS lastmod FROM portal_entries
       WHERE seq BETWEEN CAST(?1 AS INTEGER) AND CAST(?2 AS INTEGER) AND retracted_at IS NULL ORDER BY seq`,
    )
    .bind(from, to)
    .all<SitemapRow>();
  return res.results;
}
