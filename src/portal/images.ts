// Portal images at the sizes pages show them: each approved image is published as WebP variants
// 480, 960 and 1440 pixels wide (never wider than the original), made with the Images binding,
// beside the original, which is copied too but only linked ("Xem ảnh gốc"), never shown inline.
//
// Everything here is keyed by the attachment id and checked against the upload's sha256, so a
// retried workflow step rewrites nothing it already wrote, and a retraction (which deletes the
// report's whole media folder) takes the variants down with the original.
import { keyOf, mediaFolder, PORTAL_PREFIX, urlOf } from "./paths";

/** The widths the article layout asks for: a phone (1x, 2x), the 760px column (1x, 2x). */
export const VARIANT_WIDTHS = [480, 960, 1440] as const;
/** The variant a browser without srcset support (and the `src` attribute) gets. */
export const DEFAULT_WIDTH = 960;
const QUALITY = 80;

/** One image as the article page shows it. */
export type Figure = {
  /** The DEFAULT_WIDTH variant (or the largest, for a smaller original). */
  src: string;
  srcset: string;
  /** Of `src`: with them the browser reserves the space before the image arrives. */
  width: number;
  height: number;
  /** The original upload, served only through a link. */
  original: string;
  caption: string;
};

export type ImageSource = { id: string; caption: string; r2Key: string; contentType: string; sha256: string };

/** Portal path of an attachment's WebP variant `w` pixels wide (the folder of its original). */
export const variantPath = (reportId: string, attachmentId: string, w: number) => `${mediaFolder(reportId)}${attachmentId}.w${w}.webp`;

/**
 * Whether an R2 key under the report's media folder belongs to one of `attachmentIds` (its
 * original or any of its variants): what a correction keeps.
 */
export function belongsTo(reportId: string, attachmentIds: Iterable<string>): (key: string) => boolean {
  const prefixes = [...attachmentIds].map((id) => `${PORTAL_PREFIX}${mediaFolder(reportId)}${id}.`);
  return (key) => prefixes.some((p) => key.startsWith(p));
}

/** "Hình 1: Khai mạc" typed by the author as the caption: the page numbers figures itself. */
export const bareCaption = (caption: string) => caption.normalize("NFC").replace(/^\s*(?:hình|ảnh)\s*\d+\s*[:.–—-]\s*/iu, "").trim() || caption.trim();

const toBytes = async (stream: ReadableStream) => new Uint8Array(await new Response(stream).arrayBuffer());
const streamOf = (bytes: Uint8Array) => new Blob([bytes]).stream();

type Variant = { w: number; width: number; height: number };

/**
 * Writes the image's variants to the portal (those missing or from another upload) and returns
 * their actual sizes, smallest first. `source` reads the original once, only if something is missing.
 */
async function variantsOf(
  bucket: R2Bucket,
  images: ImagesBinding,
  reportId: string,
  att: ImageSource,
  cacheControl: string,
  source: () => Promise<Uint8Array>,
): Promise<Variant[]> {
  // The widths depend on the original's width; the upload recorded it (older uploads: measured here).
  const upload = await bucket.head(att.r2Key);
  let originalWidth = Number(upload?.customMetadata?.width) || 0;
  let bytes: Uint8Array | null = null;
  if (!originalWidth) {
    bytes = await source();
    const info = await images.info(streamOf(bytes));
    originalWidth = "width" in info ? info.width : DEFAULT_WIDTH;
  }
  const wanted = [...new Set(VARIANT_WIDTHS.map((w) => Math.min(w, originalWidth)))];
  const out: Variant[] = [];
  for (const w of wanted) {
    const key = keyOf(variantPath(reportId, att.id, w));
    const existing = await bucket.head(key);
    const meta = existing?.customMetadata;
    if (meta?.sha256 === att.sha256 && Number(meta.width) > 0 && Number(meta.height) > 0) {
      out.push({ w, width: Number(meta.width), height: Number(meta.height) });
      continue;
    }
    bytes ??= await source();
    // scale-down: never enlarged; EXIF orientation is applied, so a phone photo stands upright.
    const result = await images.input(streamOf(bytes)).transform({ width: w, fit: "scale-down" }).output({ format: "image/webp", quality: QUALITY });
    const webp = await toBytes(result.image());
    const info = await images.info(streamOf(webp));
    if (!("width" in info)) throw new Error(`variant ${w} of ${att.r2Key} has no size`);
    await bucket.put(key, webp, {
      httpMetadata: { contentType: "image/webp", cacheControl },
      customMetadata: { sha256: att.sha256, width: String(info.width), height: String(info.height) },
    });
    out.push({ w, width: info.width, height: info.height });
  }
  return out;
}

/** The figure of one image: variants made (or found), `srcset` over their actual widths. */
export async function publishFigure(
  bucket: R2Bucket,
  images: ImagesBinding,
  reportId: string,
  att: ImageSource,
  originalPath: string,
  cacheControl: string,
): Promise<Figure> {
  let bytes: Promise<Uint8Array> | null = null;
  const source = () =>
    (bytes ??= bucket.get(att.r2Key).then((o) => {
      if (!o) throw new Error(`image ${att.r2Key} is missing`);
      return toBytes(o.body);
    }));

  const originalKey = keyOf(originalPath);
  const existing = await bucket.head(originalKey);
  if (!existing || existing.customMetadata?.sha256 !== att.sha256) {
    await bucket.put(originalKey, await source(), { httpMetadata: { contentType: att.contentType, cacheControl }, customMetadata: { sha256: att.sha256 } });
  }

  const variants = await variantsOf(bucket, images, reportId, att, cacheControl, source);
  // Two requested widths can come out the same (a rotated photo): one srcset entry per width.
  const byWidth = new Map(variants.map((v) => [v.width, v]));
  const list = [...byWidth.values()].sort((a, b) => a.width - b.width);
  const shown = [...list].reverse().find((v) => v.width <= DEFAULT_WIDTH) ?? list[0]!;
  return {
    src: urlOf(variantPath(reportId, att.id, shown.w)),
    srcset: list.map((v) => `${urlOf(variantPath(reportId, att.id, v.w))} ${v.width}w`).join(", "),
    width: shown.width,
    height: shown.height,
    original: urlOf(originalPath),
    caption: att.caption,
  };
}
