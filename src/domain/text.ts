// Vietnamese text handling: what typed text may contain, storage in NFC, ASCII slugs,
// diacritic-insensitive search.
import { z } from "@hono/zod-openapi";

/** Text pasted from macOS arrives decomposed (NFD); everything is stored composed. */
export const nfc = (s: string) => s.normalize("NFC");

// ---------------------------------------------------------------------------------------------
// What a typed text field may contain: ONE rule, for every field a person types, wherever it
// enters (API JSON, multipart captions, the /app forms). The API's request schemas are built from
// `singleLineText` / `multiLineText`, and the web forms validate with those same schemas.
//
// - Not text at all, refused in every field (422 naming the field): lone UTF-16 surrogates (JSON
//   can carry "\ud800"; D1 stores them as U+FFFD, so what was echoed back was not what was kept)
//   and the noncharacters U+FFFE / U+FFFF (not allowed in XML: they would break the feeds).
// - Single-line fields (titles, locations, names, captions, codes, periods): after trimming the
//   ends, no control character at all (C0 U+0000-U+001F, so tab, CR and LF too; DEL; C1
//   U+0080-U+009F): refused. A browser's one-line <input> cannot produce them, so one arriving is a
//   client bug or an attempt to split an email subject or a header; quietly rewriting it would
//   hide either.
// - Multi-line fields (body, summary, comments, reasons): CRLF and lone CR become LF (browsers send
//   textareas with CRLF), tab and LF stay, every other control character is removed. Those are
//   invisible junk pasted from Word or a PDF; refusing a long article for one would make the
//   author hunt for a character they cannot see, and removing it changes nothing they can see.
// Everything is then NFC-normalised.

// With the `u` flag a surrogate pair is one code point, so only unpaired halves match.
const LONE_SURROGATES = /[\uD800-\uDFFF]/gu;
const NOT_TEXT = /[\uD800-\uDFFF\uFFFE\uFFFF]/u;
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
const STRAY_CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

export const TEXT_MESSAGES = {
  notText: "Chứa ký tự không hợp lệ (nửa cặp UTF-16 hoặc ký tự không dùng được)",
  control: "Không được chứa ký tự điều khiển, tab hay xuống dòng",
} as const;

/** No lone surrogate and no U+FFFE/U+FFFF: the string can be stored and served as it is. */
export const isWellFormedText = (s: string): boolean => !NOT_TEXT.test(s);

/** Each half of a surrogate pair that has no other half becomes U+FFFD, as a decoder would show it. */
export const replaceLoneSurrogates = (s: string): string => s.replace(LONE_SURROGATES, "\uFFFD");

/** True when a control character (C0, DEL or C1) is present. */
export const hasControlCharacter = (s: string): boolean => CONTROL.test(s);

/** The multi-line cleaning: line ends to LF, other controls except tab removed. */
export const cleanMultiLine = (s: string): string => s.replace(/\r\n?/g, "\n").replace(STRAY_CONTROLS, "");

/** A one-line text field: trimmed, NFC, at most `max` characters, no control characters. */
export function singleLineText(max: number) {
  return z
    .string()
    .refine(isWellFormedText, TEXT_MESSAGES.notText)
    .normalize("NFC")
    .trim()
    .refine((s) => !hasControlCharacter(s), TEXT_MESSAGES.control)
    .max(max);
}

/** A multi-line text field: line ends as LF, stray controls removed, NFC, trimmed unless told not to, at most `max` characters. */
export function multiLineText(max: number, opts: { trim?: boolean } = {}) {
  const cleaned = z.string().refine(isWellFormedText, TEXT_MESSAGES.notText).overwrite(cleanMultiLine).normalize("NFC");
  return (opts.trim === false ? cleaned : cleaned.trim()).max(max);
}

/** Removes tone and vowel marks, and folds đ/Đ, which Unicode does not decompose. */
export function stripDiacritics(s: string): string {
  return s.normalize("NFD").replace(/\p{M}+/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D");
}

/** "Hội nghị sơ kết học kì I" -> "hoi-nghi-so-ket-hoc-ki-i". */
export function slugify(s: string, maxLength = 80): string {
  const slug = stripDiacritics(s)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug.slice(0, maxLength).replace(/-+$/, "") || "bai-viet";
}

/**
 * A user's search text -> an FTS5 MATCH expression: each word a quoted prefix term, đ folded
 * as the index triggers fold it (migrations/0009_search_scope.sql); other marks are folded by
 * the unicode61 tokenizer on both sides. Returns null when nothing searchable remains.
 */
export function ftsQuery(q: string): string | null {
  const words = nfc(q)
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 12);
  if (words.length === 0) return null;
  // Only the text columns: the index also holds unit tokens (scope), which the user's words must
  // never match (a lone "u" would otherwise find every report).
  return `{title summary body location} : (${words.map((w) => `"${w}"*`).join(" ")})`;
}
