// Where things live on the portal: R2 keys under portal/, public URLs under /portal/.
import { slugify } from "../domain/text";

export const PORTAL_PREFIX = "portal/";
export const PAGE_SIZE = 20;
export const FEED_SIZE = 30;

/** A report's page keeps one address for good, corrections included. */
export const articlePath = (title: string, reportId: string) => `bai-viet/${slugify(title, 70)}-${reportId.replaceAll("-", "").slice(-10)}/`;

export const urlOf = (path: string) => `/portal/${path}`;

/** R2 key of a portal path: a folder path means its index.html. */
export const keyOf = (path: string) => `${PORTAL_PREFIX}${path === "" || path.endsWith("/") ? `${path}index.html` : path}`;

export const mediaPath = (reportId: string, attachmentId: string, ext: string) => `${mediaFolder(reportId)}${attachmentId}.${ext}`;

/** The folder holding a report's images on the portal: all of them, and nothing else. */
export const mediaFolder = (reportId: string) => `anh/${reportId}/`;

export const unitPath = (unitCode: string) => `don-vi/${slugify(unitCode, 60)}/`;

export const archivePath = (base: string, page: number) => `${base}trang/${page}/`;

export const pageOfSeq = (seq: number) => Math.ceil(seq / PAGE_SIZE);

/** Links from archive page `page` of `last`: newer pages lead up to the front page. */
export function archiveNav(base: string, page: number, last: number): { newer: string; older: string | null } {
  return {
    newer: page + 1 < last ? urlOf(archivePath(base, page + 1)) : urlOf(base),
    older: page > 1 ? urlOf(archivePath(base, page - 1)) : null,
  };
}
