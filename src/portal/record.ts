// The article's public record (DESIGN.md section 14): its correction log, and index.json beside its
// page: what it says, who approved it at each stage (with "KT." for a decision signed for someone)
// and every correction, in a form other systems can read.
import type { Approved } from "./publish";
import type { Entry } from "./entries";
import { keyOf, urlOf } from "./paths";

export type Correction = { at: string; note: string };

/**
 * Records the note of a republication (a correction of a live or retracted article): once per
 * revision, whatever the retries. A first publication has nothing to correct.
 */
export async function recordCorrection(db: D1Database, reportId: string, revision: number, note: string, at: string): Promise<void> {
  await db.prepare("INSERT OR IGNORE INTO portal_corrections (report_id, revision, at, note) VALUES (?, ?, ?, ?)").bind(reportId, revision, at, note).run();
}

/** The article's corrections up to `revision`, oldest first. */
export async function correctionsOf(db: D1Database, reportId: string, revision: number): Promise<Correction[]> {
  const { results } = await db
    .prepare("SELECT at, note FROM portal_corrections WHERE report_id = ? AND revision <= ? ORDER BY revision")
    .bind(reportId, revision)
    .all<Correction>();
  return results;
}

/** index.json of an article: the record as data (published times, approvals, corrections). */
export function articleRecord(a: Approved, entry: Pick<Entry, "path" | "first_published_at" | "updated_at">, corrections: Correction[], canonical: string) {
  return {
    title: a.content.title,
    summary: a.content.summary,
    url: canonical,
    unit: { name: a.unitName, code: a.unitCode },
    publishedAt: entry.first_published_at,
    updatedAt: entry.updated_at,
    revision: a.revision,
    approvedBy: a.approvals.map((x) => ({ stage: x.label, name: x.name, signedAs: x.signedAs ?? null, at: x.at })),
    corrections,
    images: a.content.attachments.map((att) => ({ caption: att.caption })),
  };
}

/** Writes index.json beside the article's page (same folder, same short cache). */
export async function writeRecord(bucket: R2Bucket, path: string, record: ReturnType<typeof articleRecord>, cacheControl: string): Promise<string> {
  const jsonPath = `${path}index.json`;
  await bucket.put(keyOf(jsonPath), JSON.stringify(record, null, 2), { httpMetadata: { contentType: "application/json; charset=utf-8", cacheControl } });
  return urlOf(jsonPath);
}
