// The portal's writes to R2: article pages, images, listings, feeds, retraction notes. Each
// operation writes the same objects when repeated, so workflow steps can be retried freely.
import { WORKFLOWS, type ReportKind } from "../../workflows";
import { signedFor } from "../domain/roles";
import { cleanDeep } from "./clean";
import { articleRecord, writeRecord, type Correction } from "./record";
import { buildFeeds, type FeedEntry } from "./feeds";
import { renderMarkdown } from "./markdown";
import { archivePage, feedEntries, getEntry, lastSeq, newest, retractEntry, type Entry, type ListedEntry } from "./entries";
import { archiveNav, archivePath, keyOf, mediaFolder, mediaPath, PAGE_SIZE, pageOfSeq, PORTAL_PREFIX, unitPath, urlOf } from "./paths";
import { belongsTo, publishFigure, type Figure } from "./images";
import { Article } from "./views/article";
import { Gone, Listing, type ListingEntry } from "./views/listing";
import { SITE_NAME, toDocument } from "./views/layout";
import type { FeedRow } from "./entries";
import { DIRECTORY_PATH, directoryDocument, siteOf } from "./directory";

// Everything here can be taken down by a retraction or replaced by a correction (pages, images,
// feeds that list an entry), so nothing is cached for more than a minute; readers and caches
// revalidate cheaply with the ETag. The portal route caps whatever an older object says too.
export const MAX_AGE = 60;
export const PAGE_CACHE = `public, max-age=${MAX_AGE}, must-revalidate`;
export const MEDIA_CACHE = `public, max-age=${MAX_AGE}`;
export const FEED_CACHE = `public, max-age=${MAX_AGE}`;

type FrozenAttachment = { id: string; caption: string; position: number; r2Key: string; contentType: string; sha256: string };

export type Approved = {
  reportId: string;
  revision: number;
  kind: string;
  unitId: string;
  unitName: string;
  unitCode: string;
  publishedUrl: string | null;
  content: {
    title: string;
    summary: string | null;
    body: string;
    eventDate: string | null;
    location: string | null;
    attendees: { name: string; title: string }[];
    sourceUrl: string | null;
    publishAt: string | null;
    figures: { period: string; enrolled: number; completed: number; rate: number } | null;
    attachments: FrozenAttachment[];
    /** What a correction of a published article changes (frozen with the revision; DESIGN.md section 14). */
    correctionNote?: string | null;
  };
  /** `signedAs`: "KT. Giám đốc" when the approver signed for the holder of the stage's role (absent on older step outputs). */
  approvals: { label: string; name: string; at: string; signedAs?: string | null }[];
};

/** The approved revision as frozen at submit, with who approved each stage (text cleaned, see clean.ts). */
export async function loadApproved(db: D1Database, reportId: string, revision: number): Promise<Approved> {
  const [rev, report, approvals] = await db.batch([
    db.prepare("SELECT content FROM report_revisions WHERE report_id = ? AND number = ?").bind(reportId, revision),
    db
      .prepare("SELECT r.kind, r.unit_id, r.published_url, u.name AS unit_name, u.code AS unit_code FROM reports r JOIN units u ON u.id = r.unit_id WHERE r.id = ?")
      .bind(reportId),
    db
      .prepare(
        // The approver's name as it was when they approved (the current one only for older events),
        // and the role they signed for when they approved under a delegation (ký thay).
        `SELECT e.stage, e.created_at, coalesce(e.actor_name, u.name) AS name, e.on_behalf_of_role FROM report_events e LEFT JOIN users u ON u.id = e.actor_id
         WHERE e.report_id = ? AND e.revision = ? AND e.action = 'approve' ORDER BY e.seq`,
      )
      .bind(reportId, revision),
  ]);
  const contentRow = rev?.results[0] as { content: string } | undefined;
  const r = report?.results[0] as { kind: string; unit_id: string; published_url: string | null; unit_name: string; unit_code: string } | undefined;
  if (!contentRow || !r) throw new Error(`revision ${revision} of ${reportId} is not in D1`);
  const stages = WORKFLOWS[r.kind as ReportKind]?.stages ?? [];
  return cleanDeep({
    reportId,
    revision,
    kind: r.kind,
    unitId: r.unit_id,
    unitName: r.unit_name,
    unitCode: r.unit_code,
    publishedUrl: r.published_url,
    content: JSON.parse(contentRow.content) as Approved["content"],
    approvals: ((approvals?.results ?? []) as { stage: string; created_at: string; name: string | null; on_behalf_of_role: string | null }[]).map((a) => ({
      label: stages.find((s) => s.id === a.stage)?.label ?? a.stage,
      name: a.name ?? "",
      at: a.created_at,
      signedAs: a.on_behalf_of_role ? signedFor(a.on_behalf_of_role) : null,
    })),
  });
}

/** Where each of the revision's images lives on the portal, in caption order. */
function imagesOf(a: Approved): { att: FrozenAttachment; path: string }[] {
  return [...a.content.attachments]
    .sort((x, y) => x.position - y.position)
    .map((att) => ({ att, path: mediaPath(a.reportId, att.id, att.r2Key.split(".").pop() ?? "bin") }));
}

/**
 * Publishes the revision's images to the portal, in caption order: WebP variants at the widths the
 * page shows and the original beside them (src/portal/images.ts). Anything missing from the portal
 * (taken down with a retraction) is written again; what is already there is left as it is.
 */
export async function copyImages(bucket: R2Bucket, images: ImagesBinding, a: Approved): Promise<Figure[]> {
  const out: Figure[] = [];
  for (const { att, path } of imagesOf(a)) out.push(await publishFigure(bucket, images, a.reportId, att, path, MEDIA_CACHE));
  return out;
}

export async function writeArticle(
  bucket: R2Bucket,
  portalBase: string,
  a: Approved,
  figures: { src: string; caption: string }[],
  entry: Pick<Entry, "path" | "first_published_at" | "updated_at">,
  corrections: Correction[] = [],
): Promise<string> {
  const c = a.content;
  const canonical = `${portalBase.replace(/\/portal\/?$/, "")}${urlOf(entry.path)}`;
  const html = await toDocument(
    Article(cleanDeep({
      title: c.title,
      summary: c.summary,
      bodyHtml: renderMarkdown(c.body),
      eventDate: c.eventDate,
      location: c.location,
      unitName: a.unitName,
      attendees: c.attendees,
      figures,
      results: c.figures ?? null,
      sourceUrl: c.sourceUrl,
      approvals: a.approvals,
      corrections,
      publishedAt: entry.first_published_at,
      updatedAt: entry.updated_at,
      canonical,
    })),
  );
  await bucket.put(keyOf(entry.path), html, {
    httpMetadata: { contentType: "text/html; charset=utf-8", cacheControl: PAGE_CACHE },
    customMetadata: { reportId: a.reportId, revision: String(a.revision) },
  });
  // The same record as data, beside the page.
  await writeRecord(bucket, entry.path, cleanDeep(articleRecord(a, entry, corrections, canonical)), PAGE_CACHE);
  return urlOf(entry.path);
}

type Listed = ListingEntry & FeedEntry;

const toListed = (e: ListedEntry | FeedRow): Listed => cleanDeep({
  url: urlOf(e.path),
  title: e.title,
  summary: e.summary,
  bodyText: "body_text" in e ? e.body_text : undefined,
  unitName: e.unit_name,
  publishedAt: e.first_published_at,
  updatedAt: e.updated_at,
  eventDate: e.event_date,
});

/** The portal front page's heading (also on the empty front page served before any publication). */
export const FRONT_HEADING = "Tin tức";

async function putPage(bucket: R2Bucket, path: string, html: string) {
  await bucket.put(keyOf(path), html, { httpMetadata: { contentType: "text/html; charset=utf-8", cacheControl: PAGE_CACHE } });
}

/** RSS, Atom and JSON Feed under `base` (the portal's root or a unit's folder). */
async function putFeeds(bucket: R2Bucket, base: string, feeds: { rss: string; atom: string; json: string }) {
  const put = (name: string, body: string, type: string) => bucket.put(keyOf(`${base}${name}`), body, { httpMetadata: { contentType: type, cacheControl: FEED_CACHE } });
  await put("feed.xml", feeds.rss, "application/rss+xml; charset=utf-8");
  await put("atom.xml", feeds.atom, "application/atom+xml; charset=utf-8");
  await put("feed.json", feeds.json, "application/feed+json; charset=utf-8");
}

/**
 * Rewrites what an entry appears on: the front page, its archive page, its unit's pages and feeds,
 * the portal's feeds and the unit directory. Archive pages are numbered from the oldest entry, so
 * a new entry touches only these (the directory reads one row per unit, not per article).
 */
export async function rebuildListings(bucket: R2Bucket, db: D1Database, portalBase: string, entry: Pick<Entry, "seq" | "unit_seq" | "unit_id">, unit: { name: string; code: string }) {
  const site = siteOf(portalBase);
  const unitBase = unitPath(unit.code);
  const unitFeed = { title: `${SITE_NAME} — ${unit.name}`, rss: urlOf(`${unitBase}feed.xml`), atom: urlOf(`${unitBase}atom.xml`) };
  for (const scope of [
    { base: "", unitId: undefined, seq: entry.seq, heading: FRONT_HEADING, feed: undefined },
    { base: unitBase, unitId: entry.unit_id, seq: entry.unit_seq, heading: `Tin tức — ${unit.name}`, feed: unitFeed },
  ]) {
    const last = pageOfSeq(await lastSeq(db, scope.unitId));
    const front = (await newest(db, PAGE_SIZE, scope.unitId)).map(toListed);
    await putPage(bucket, scope.base, await toDocument(Listing({ heading: scope.heading, entries: front, newer: null, older: last > 1 ? urlOf(archivePath(scope.base, last - 1)) : null, canonical: `${site}${urlOf(scope.base)}`, feed: scope.feed })));
    const page = pageOfSeq(scope.seq);
    const entries = (await archivePage(db, page, scope.unitId)).map(toListed);
    const { newer, older } = archiveNav(scope.base, page, last);
    await putPage(bucket, archivePath(scope.base, page), await toDocument(Listing({ heading: `${scope.heading} — trang ${page}`, entries, newer, older, canonical: `${site}${urlOf(archivePath(scope.base, page))}`, feed: scope.feed })));
  }
  await putFeeds(bucket, "", buildFeeds(portalBase, (await feedEntries(db)).map(toListed)));
  await putFeeds(bucket, unitBase, buildFeeds(portalBase, (await feedEntries(db, entry.unit_id)).map(toListed), { unitName: unit.name, url: urlOf(unitBase) }));
  await putPage(bucket, DIRECTORY_PATH, await directoryDocument(db, portalBase));
}

/** Deletes a report's images from the portal (originals and variants), all of them or all but those `keep` says. Repeatable. */
async function removeImages(bucket: R2Bucket, reportId: string, keep: (key: string) => boolean = () => false): Promise<void> {
  const prefix = `${PORTAL_PREFIX}${mediaFolder(reportId)}`;
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor });
    const stale = page.objects.map((o) => o.key).filter((k) => !keep(k));
    if (stale.length) await bucket.delete(stale);
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
}

/**
 * After a revision's page is written: deletes the report's portal images (originals and their
 * variants) that this revision no longer shows (removed in a correction). Skipped when a later
 * revision already holds the entry, so a late retry cannot delete that revision's images.
 */
export async function removeReplacedImages(bucket: R2Bucket, db: D1Database, a: Approved): Promise<number> {
  const entry = await getEntry(db, a.reportId);
  if (!entry || entry.revision !== a.revision) return 0;
  const kept = imagesOf(a).map((i) => i.att.id);
  await removeImages(bucket, a.reportId, belongsTo(a.reportId, kept));
  return kept.length;
}

/**
 * Takes a page down: its address answers 410 with the retraction note, its images are deleted from
 * the portal (the originals stay private under uploads/, so a republication copies them back), and
 * listings and feeds drop it. Repeatable; a stale retry after a later publication does nothing.
 */
export async function retract(bucket: R2Bucket, db: D1Database, portalBase: string, reportId: string, note: string, at: string): Promise<void> {
  const entry = await retractEntry(db, reportId, note, at);
  if (!entry?.retracted_at) return;
  const html = await toDocument(Gone(cleanDeep({ title: entry.title, note: entry.retraction_note ?? note, at: entry.retracted_at })));
  await bucket.put(keyOf(entry.path), html, {
    httpMetadata: { contentType: "text/html; charset=utf-8", cacheControl: PAGE_CACHE },
    customMetadata: { reportId, gone: "1" },
  });
  // The record beside it goes too: what is left says only that it was taken down, and why (410).
  await bucket.put(keyOf(`${entry.path}index.json`), JSON.stringify({ title: entry.title, retractedAt: entry.retracted_at, note: entry.retraction_note ?? note }), {
    httpMetadata: { contentType: "application/json; charset=utf-8", cacheControl: PAGE_CACHE },
    customMetadata: { reportId, gone: "1" },
  });
  await removeImages(bucket, reportId);
  const unit = await db.prepare("SELECT name, code FROM units WHERE id = ?").bind(entry.unit_id).first<{ name: string; code: string }>();
  await rebuildListings(bucket, db, portalBase, entry, unit ?? { name: "", code: entry.unit_id });
}
