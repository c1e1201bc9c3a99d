// CSV as DESIGN.md section 11 wants it, for the metrics and the period exports: UTF-8 with a byte
// order mark (without one Excel reads the bytes as the machine's legacy code page and the
// diacritics break), CRLF line ends and RFC 4180 quoting. Numbers keep a dot for decimals: the
// file is for machines and for Excel in any locale to import; people who open files by
// double-click get the XLSX.

export type CsvCell = string | number | null;

// A text cell that starts like a formula is run by spreadsheet programs on opening (CSV injection):
// names come from people, so such text is led by an apostrophe, which keeps it text.
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: CsvCell): string {
  if (value === null || (typeof value === "number" && !Number.isFinite(value))) return "";
  if (typeof value === "number") return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The whole file, BOM first, every line (the last too) ended by CRLF. */
export function csvOf(headers: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return `\uFEFF${[headers, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n")}\r\n`;
}
