// Vietnamese text handling: storage in NFC, ASCII slugs, diacritic-insensitive search.

/** Text pasted from macOS arrives decomposed (NFD); everything is stored composed. */
export const nfc = (s: string) => s.normalize("NFC");

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
 * as the index triggers fold it (migrations/0001_report_search.sql); other marks are folded by
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
  return words.map((w) => `"${w}"*`).join(" ");
}
