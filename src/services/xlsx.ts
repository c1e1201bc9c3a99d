// A table as an XLSX workbook of one sheet, written with the excel-builder-vanilla library
// (README: "XLSX exports"). It builds the SpreadsheetML parts (shared strings, styles, number
// formats, column widths); we zip them with fflate's synchronous zipSync, because the library's
// own createExcelFile goes through fflate's asynchronous zip, which hands a part over 160 kB to a
// Web Worker that workerd does not have, and its stream variant wants a browser or Node.
//
// A static import of the one function: the bundler drops the library's charts, drawings and
// tables (about 11 KiB gzipped remain); a dynamic import() would keep the whole module (16 KiB).
import { createWorkbook } from "excel-builder-vanilla";
import { strToU8, zipSync } from "fflate";
import type { Cell, ColumnFormat } from "../domain/rollup";

export type XlsxSheet = {
  name: string;
  headers: readonly string[];
  formats: readonly ColumnFormat[];
  rows: readonly (readonly Cell[])[];
  /** Rows (0-based, within `rows`) set in bold: totals. */
  boldRows?: readonly number[];
  /** Rows (0-based) left out of the column widths: a long note that may run over its neighbours. */
  unmeasuredRows?: readonly number[];
};

// XML 1.0 allows no control characters but tab and line breaks, and no lone surrogates; the
// library escapes markup but not these, and one of them makes Excel refuse the whole file.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const clean = (s: string) => s.replace(INVALID_XML, "");

/** Excel's number format for this many decimals: "#,##0", "#,##0.0", ... */
const numberFormat = (decimals: number) => (decimals > 0 ? `#,##0.${"0".repeat(decimals)}` : "#,##0");

/** Sheet names: at most 31 characters, none of : \ / ? * [ ]. */
export const sheetName = (s: string) => clean(s).replace(/[:\\/?*[\]]/g, " ").trim().slice(0, 31) || "Sheet1";

export async function xlsxOf(sheet: XlsxSheet): Promise<Uint8Array> {
  const wb = createWorkbook();
  // The library keys its shared strings by text in a plain object: a cell reading "constructor"
  // would find Object.prototype's. Without a prototype every text is just a key.
  wb.sharedStrings.strings = Object.create(null);
  const styles = wb.getStyleSheet();
  // createFormat is typed `any` by the library: each id is a number in its styles table.
  const header: number = styles.createFormat({ font: { bold: true }, alignment: { wrapText: true, vertical: "top" } }).id;
  const boldText: number = styles.createFormat({ font: { bold: true } }).id;
  const numberStyles = new Map<string, number>();
  const numberStyle = (decimals: number, bold: boolean) => {
    const key = `${decimals}:${bold}`;
    let id = numberStyles.get(key);
    if (id === undefined) {
      const created: number = styles.createFormat({ format: numberFormat(decimals), ...(bold ? { font: { bold: true } } : {}) }).id;
      id = created;
      numberStyles.set(key, id);
    }
    return id;
  };
  const bold = new Set(sheet.boldRows ?? []);
  const data = [
    sheet.headers.map((h) => ({ value: clean(h), metadata: { style: header } })),
    ...sheet.rows.map((row, r) => {
      // Trailing empty cells are left out: an empty text cell would stop a long note running over.
      let end = row.length;
      while (end > 0 && (row[end - 1] === null || row[end - 1] === undefined)) end--;
      return row.slice(0, end).map((cell, i) => {
        if (typeof cell === "number") {
          const format = sheet.formats[i];
          return { value: cell, metadata: { style: numberStyle(format?.kind === "number" ? format.decimals : 0, bold.has(r)) } };
        }
        // The library has no empty cell: "" is an empty text, which every reader shows as nothing.
        const text = cell === null || cell === undefined ? "" : clean(cell);
        return bold.has(r) ? { value: text, metadata: { style: boldText } } : text;
      });
    }),
  ];
  const skip = new Set(sheet.unmeasuredRows ?? []);
  const widths = sheet.headers.map((h, i) => {
    const longest = Math.max(Math.min(h.length, 24), ...sheet.rows.filter((_, r) => !skip.has(r)).map((row) => String(row[i] ?? "").length));
    return Math.min(48, Math.max(10, longest + 2));
  });
  const ws = wb.createWorksheet({ name: sheetName(sheet.name) });
  ws.setData(data);
  ws.setColumns(widths.map((width) => ({ width })));
  wb.addWorksheet(ws);
  const parts = await wb.generateFiles();
  // The library names parts "/xl/workbook.xml"; a zip entry has no leading slash.
  return zipSync(Object.fromEntries(Object.entries(parts).map(([path, xml]) => [path.replace(/^\//, ""), strToU8(String(xml))])), { level: 6 });
}
