// A one-sheet XLSX (Office Open XML SpreadsheetML) written by hand and zipped with fflate.
//
// Why not a spreadsheet library: write-excel-file compresses through fflate's asynchronous zip,
// which hands any part over 160 kB to a Web Worker, and workerd has none ("Worker is not defined"
// with a few hundred rows); @neovici/nullxlsx logs to the console on every file and sets no column
// widths; xlsx-lite says it is not for production; ExcelJS-style writers (@cj-tech-master/excelts)
// and SheetJS weigh ~240 kB gzipped alone, against the Worker's 300 KiB budget. What a table of
// text and numbers needs is the handful of parts below and a synchronous zip (fflate's zipSync
// never starts a worker). Text goes through the shared strings table as UTF-8, so Excel and
// LibreOffice show Vietnamese diacritics as they are; numbers are numeric cells.
import { strToU8, zipSync } from "fflate";

/** "int": 1.234; "1dp": 12,5 (Excel shows them in the reader's own locale). */
export type XlsxColumn = { header: string; format?: "int" | "1dp" };
export type XlsxCell = string | number | null;

const MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships";
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

// XML 1.0 allows no control characters but tab and line breaks, and no lone surrogates.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export const xmlText = (s: string) => s.replace(INVALID_XML, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Column letters: 0 -> A, 25 -> Z, 26 -> AA. */
export function columnName(i: number): string {
  let s = "";
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

// Cell styles (cellXfs): 0 text, 1 bold header (wrapped), 2 whole numbers "#,##0", 3 one decimal "#,##0.0".
const STYLE = { text: 0, header: 1, int: 2, "1dp": 3 } as const;
const STYLES =
  `${XML}<styleSheet xmlns="${MAIN}">` +
  '<numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0.0"/></numFmts>' +
  '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf>' +
  '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>';

/** A workbook of one sheet: a header row, then the rows (null cells are left empty). */
export function xlsxOf(sheetName: string, columns: readonly XlsxColumn[], rows: readonly (readonly XlsxCell[])[]): Uint8Array {
  const strings = new Map<string, number>();
  let stringRefs = 0;
  const stringCell = (ref: string, text: string, style: number) => {
    let index = strings.get(text);
    if (index === undefined) strings.set(text, (index = strings.size));
    stringRefs++;
    return `<c r="${ref}"${style ? ` s="${style}"` : ""} t="s"><v>${index}</v></c>`;
  };
  const header = `<row r="1">${columns.map((col, i) => stringCell(`${columnName(i)}1`, col.header, STYLE.header)).join("")}</row>`;
  const body = rows.map((row, r) => {
    const cells = columns.map((col, i) => {
      const value = row[i];
      const ref = `${columnName(i)}${r + 2}`;
      if (value === null || value === undefined) return "";
      if (typeof value === "number") return Number.isFinite(value) ? `<c r="${ref}" s="${STYLE[col.format ?? "int"]}"><v>${value}</v></c>` : "";
      return stringCell(ref, value, STYLE.text);
    });
    return `<row r="${r + 2}">${cells.join("")}</row>`;
  });
  // Widths from the longest text or figure in each column (Excel's unit: about one character).
  const widths = columns.map((col, i) => {
    const longest = Math.max(Math.min(col.header.length, 24), ...rows.map((row) => String(row[i] ?? "").length));
    return Math.min(60, Math.max(10, longest + 2));
  });
  const last = `${columnName(columns.length - 1)}${rows.length + 1}`;
  const sheet =
    `${XML}<worksheet xmlns="${MAIN}" xmlns:r="${REL}"><dimension ref="A1:${last}"/>` +
    // The header row stays in view while scrolling.
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
    '<sheetFormatPr defaultRowHeight="15"/>' +
    `<cols>${widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join("")}</cols>` +
    `<sheetData>${header}${body.join("")}</sheetData></worksheet>`;
  const shared =
    `${XML}<sst xmlns="${MAIN}" count="${stringRefs}" uniqueCount="${strings.size}">` +
    [...strings.keys()].map((s) => `<si><t xml:space="preserve">${xmlText(s)}</t></si>`).join("") +
    "</sst>";
  // Sheet names: at most 31 characters, none of : \ / ? * [ ].
  const name = xmlText(sheetName.replace(/[:\\/?*[\]]/g, " ").slice(0, 31));
  const files: Record<string, string> = {
    "[Content_Types].xml":
      `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
      '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
      '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels": `${XML}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    "xl/workbook.xml": `${XML}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="${name}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    "xl/_rels/workbook.xml.rels":
      `${XML}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>` +
      `<Relationship Id="rId2" Type="${REL}/styles" Target="styles.xml"/><Relationship Id="rId3" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    "xl/styles.xml": STYLES,
    "xl/sharedStrings.xml": shared,
    "xl/worksheets/sheet1.xml": sheet,
  };
  // [Content_Types].xml first, as Office writes it (some tools sniff the first entry).
  return zipSync(Object.fromEntries(Object.entries(files).map(([path, xml]) => [path, strToU8(xml)])), { level: 6 });
}
