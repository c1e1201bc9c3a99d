// portal_entries: what the public portal lists. Written only by publication and retraction.
import { PAGE_SIZE, FEED_SIZE } from "./paths";

export type Entry = {
  report_id: string;
  path: string;
  unit_id: string;
  seq: number;
  unit_seq: number;
  title: string;
  summary: string | null;
  event_date: string | null;
  revision: number;
  first_published_at: string;
  updated_at: string | null;
  retracted_at: string | null;
  retraction_note: string | null;
};

export type ListedEntry = Entry & { unit_name: string; unit_code: string };

/** A listed entry with its full text, for the feeds. */
export type FeedRow = ListedEntry & { body_text: string };

// Every column but body_text (up to 100,000 characters): an entry is a workflow step's output and
// goes into every listing; only the feeds need the text.
const COLUMNS = "report_id, path, unit_id, seq, unit_seq, title, summary, event_date, revision, first_published_at, updated_at, retracted_at, retraction_note";
const E_COLUMNS = COLUMNS.split(", ").map((c) => `e.${c}`).join(", ");

export async function getEntry(db: D1Database, reportId: string): Promise<Entry | null> {
  return db.prepare(`SELECT ${COLUMNS} FROM portal_entries WHERE report_id = ?`).bind(reportId).first<Entry>();
}

/**
 * Places a revision on the portal: a new entry takes the next numbers; a later revision of a known
 * entry replaces its text and records the correction time; the same revision again changes nothing.
 * `bodyText` is the revision's body as plain text (plain.ts); an older revision arriving late (a
 * retry) does not put its text back over a newer one's.
 */
export async function placeEntry(
  db: D1Database,
  e: { reportId: string; path: string; unitId: string; kind: string; title: string; summary: string | null; eventDate: string | null; revision: number; at: string; bodyText: string },
): Promise<Entry> {
  await db
    .prepare(
      `INSERT INTO portal_entries (report_id, path, unit_id, seq, unit_seq, kind, title, summary, event_date, revision, first_published_at, body_text)
       VALUES (?1, ?2, ?3,
         (SELECT coalesce(max(seq), 0) + 1 FROM portal_entries),
         (SELECT coalesce(max(unit_seq), 0) + 1 FROM portal_entries WHERE unit_id = ?3),
         ?4, ?5, ?6, ?7, ?8, ?9, ?10)
       ON CONFLICT (report_id) DO UPDATE SET
         body_text = CASE WHEN excluded.revision >= portal_entries.revision THEN excluded.body_text ELSE portal_entries.body_text END,
         title = excluded.title, summary = excluded.summary, event_date = excluded.event_date, kind = excluded.kind,
         updated_at = CASE WHEN excluded.revision > portal_entries.revision THEN ?9 ELSE portal_entries.updated_at END,
         retracted_at = CASE WHEN excluded.revision > portal_entries.revision THEN NULL ELSE portal_entries.retracted_at END,
         retraction_note = CASE WHEN excluded.revision > portal_entries.revision THEN NULL ELSE portal_entries.retraction_note END,
         revision = max(portal_entries.revision, excluded.revision)`,
    )
    .bind(e.reportId, e.path, e.unitId, e.kind, e.title, e.summary, e.eventDate, e.revision, e.at, e.bodyText)
    .run();
  const placed = await getEntry(db, e.reportId);
  if (!placed) throw new Error(`portal entry for ${e.reportId} was not written`);
  return placed;
}

/**
 * Marks an entry retracted (once: a repeat keeps the first time and note). A retraction made
 * before the entry's latest publication is stale (a retry that arrives after a correction was
 * published again) and changes nothing: the entry comes back still live.
 */
export async function retractEntry(db: D1Database, reportId: string, note: string, at: string): Promise<Entry | null> {
  await db
    .prepare(
      `UPDATE portal_entries SET retracted_at = coalesce(retracted_at, ?1), retraction_note = coalesce(retraction_note, ?2)
       WHERE report_id = ?3 AND coalesce(updated_at, first_published_at) <= ?1`,
    )
    .bind(at, note, reportId)
    .run();
  return getEntry(db, reportId);
}

const LISTED = `SELECT ${E_COLUMNS}, u.name AS unit_name, u.code AS unit_code FROM portal_entries e JOIN units u ON u.id = e.unit_id`;

/** The newest live entries, all units or one. */
export async function newest(db: D1Database, limit: number, unitId?: string): Promise<ListedEntry[]> {
  const stmt = unitId
    ? db.prepare(`${LISTED} WHERE e.unit_id = ? AND e.retracted_at IS NULL ORDER BY e.unit_seq DESC LIMIT ?`).bind(unitId, limit)
    : db.prepare(`${LISTED} WHERE e.retracted_at IS NULL ORDER BY e.seq DESC LIMIT ?`).bind(limit);
  return (await stmt.all<ListedEntry>()).results;
}

/** Archive page `page` (1 = oldest): the live entries numbered into it, newest first. */
export async function archivePage(db: D1Database, page: number, unitId?: string): Promise<ListedEntry[]> {
  const lo = (page - 1) * PAGE_SIZE + 1;
  const hi = page * PAGE_SIZE;
  const stmt = unitId
    ? db.prepare(`${LISTED} WHERE e.unit_id = ? AND e.unit_seq BETWEEN ? AND ? AND e.retracted_at IS NULL ORDER BY e.unit_seq DESC`).bind(unitId, lo, hi)
    : db.prepare(`${LISTED} WHERE e.seq BETWEEN ? AND ? AND e.retracted_at IS NULL ORDER BY e.seq DESC`).bind(lo, hi);
  return (await stmt.all<ListedEntry>()).results;
}

export async function lastSeq(db: D1Database, unitId?: string): Promise<number> {
  const row = unitId
    ? await db.prepare("SELECT coalesce(max(unit_seq), 0) AS n FROM portal_entries WHERE unit_id = ?").bind(unitId).first<{ n: number }>()
    : await db.prepare("SELECT coalesce(max(seq), 0) AS n FROM portal_entries").first<{ n: number }>();
  return row?.n ?? 0;
}

/** The newest live entries with their full text, all units or one: what a feed lists. */
export async function feedEntries(db: D1Database, unitId?: string): Promise<FeedRow[]> {
  const sql = `SELECT ${E_COLUMNS}, e.body_text, u.name AS unit_name, u.code AS unit_code FROM portal_entries e JOIN units u ON u.id = e.unit_id`;
  const stmt = unitId
    ? db.prepare(`${sql} WHERE e.unit_id = ? AND e.retracted_at IS NULL ORDER BY e.unit_seq DESC LIMIT ?`).bind(unitId, FEED_SIZE)
    : db.prepare(`${sql} WHERE e.retracted_at IS NULL ORDER BY e.seq DESC LIMIT ?`).bind(FEED_SIZE);
  return (await stmt.all<FeedRow>()).results;
}
