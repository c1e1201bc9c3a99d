// Text that reaches the portal's pages and feeds carries no character XML 1.0 forbids: the C0
// controls other than tab, LF and CR, U+FFFE and U+FFFF, and lone surrogates (with the `u` flag a
// surrogate pair is one code point, so only unpaired halves match). One such character makes a
// feed unreadable for strict readers; they are dropped, not replaced. Input validation refuses
// them too; this is the last line, for whatever is already stored.
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDFFF]/gu;

export const cleanText = (s: string): string => s.replace(ILLEGAL, "");

/** The same, through every string of a JSON-like value (objects and arrays are copied). */
export function cleanDeep<T>(value: T): T {
  if (typeof value === "string") return cleanText(value) as T;
  if (Array.isArray(value)) return value.map(cleanDeep) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cleanDeep(v)])) as T;
  }
  return value;
}
