// Reading back the files the exports write, without the code that wrote them: CSV by RFC 4180,
// XLSX as a zip (fflate) of SpreadsheetML read with regular expressions, attributes in any order.
import { strFromU8, unzipSync } from "fflate";
import { expect } from "vitest";

/** A CSV file as rows of fields (RFC 4180, as the export writes it). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") row.push(field), (field = "");
    else if (ch === "\r" && text[i + 1] === "\n") row.push(field), rows.push(row), (row = []), (field = ""), i++;
    else field += ch;
  }
  expect(field, "the file ends with CRLF").toBe("");
  return rows;
}

const unescapeXml = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
const attrs = (s: string) => Object.fromEntries([...s.matchAll(/([\w:]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));

/** A workbook read back without the library that wrote it: the zip, the shared strings, the first sheet's cells. */
export function readXlsx(bytes: Uint8Array) {
  const files = unzipSync(bytes);
  const text = (name: string) => {
    expect(files[name], name).toBeDefined();
    return strFromU8(files[name]!);
  };
  const strings = [...text("xl/sharedStrings.xml").matchAll(/<si><t[^>]*>([^<]*)<\/t><\/si>|<si><t[^>]*\/><\/si>/g)].map((m) => unescapeXml(m[1] ?? ""));
  const cells = new Map<string, string | number>();
  const styles = new Map<string, string | undefined>();
  for (const m of text("xl/worksheets/sheet1.xml").matchAll(/<c ([^>]*?)(?:\/>|>(?:<v>([^<]*)<\/v>)?<\/c>)/g)) {
    const a = attrs(m[1]!);
    if (m[2] === undefined) continue;
    cells.set(a.r!, a.t === "s" ? strings[Number(m[2])]! : Number(m[2]));
    styles.set(a.r!, a.s);
  }
  return { files, text, strings, cells, styles };
}
