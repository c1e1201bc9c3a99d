// GET /api/v1/metrics/export (DESIGN.md sections 11 and 12): the same rows as the API as CSV (UTF-8
// with a BOM, CRLF, quoted) and as an XLSX that is a real workbook (unzipped and read here, in
// workerd, the Worker's own runtime), Vietnamese headers and names intact, numbers as numbers;
// the same access rules.
import { strFromU8, unzipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { csvField, csvOf } from "../src/domain/csv";
import { columnName, xlsxOf } from "../src/routes/metrics/xlsx";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { call, expectProblem, tokenFor, USERS } from "./helpers/api";
import { makeFixtures, PERIOD, TH_USERS } from "./helpers/metrics-fixtures";

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const RENAMED = 'Trung tâm "Tân Phú", cơ sở 2';

beforeAll(async () => {
  await makeFixtures();
  // A name with a comma and quotes: the CSV must quote it.
  const res = await call(`/api/v1/units/${DEMO_UNITS.tanPhu}`, { method: "PATCH", token: await tokenFor(USERS.admin), json: { name: RENAMED } });
  expect(res.status, await res.clone().text()).toBe(200);
});

async function download(email: string | null, query: string): Promise<Response> {
  return call(`/api/v1/metrics/export?${query}`, email ? { token: await tokenFor(email) } : {});
}

const unescapeXml = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** A worksheet read back: cell reference -> value (text from the shared strings, numbers as numbers), and each cell's style. */
function readXlsx(bytes: Uint8Array) {
  const files = unzipSync(bytes);
  const text = (name: string) => {
    expect(files[name], name).toBeDefined();
    return strFromU8(files[name]!);
  };
  const strings = [...text("xl/sharedStrings.xml").matchAll(/<si><t[^>]*>([^<]*)<\/t><\/si>/g)].map((m) => unescapeXml(m[1]!));
  const cells = new Map<string, string | number>();
  const styles = new Map<string, string | undefined>();
  for (const m of text("xl/worksheets/sheet1.xml").matchAll(/<c r="([A-Z]+\d+)"(?: s="(\d+)")?( t="s")?><v>([^<]*)<\/v><\/c>/g)) {
    cells.set(m[1]!, m[3] ? strings[Number(m[4])]! : Number(m[4]));
    styles.set(m[1]!, m[2]);
  }
  return { files, text, strings, cells, styles };
}

describe("CSV", () => {
  it("UTF-8 with a BOM, CRLF, Vietnamese headers, the API's figures, quoted where needed", async () => {
    const res = await download(USERS.admin, `format=csv&groupBy=unit&${PERIOD}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    const lines = text.slice(1).split("\r\n");
    expect(lines).toEqual([
      "Đơn vị,Số quyết định,Trung vị (giờ làm việc),P90 (giờ làm việc),Đúng hạn (%),Trả lại (%)",
      // The same figures as GET /api/v1/metrics (test/metrics.test.ts works them out by hand);
      // names in Vietnamese order, where a quotation mark comes before letters.
      expect.stringMatching(/^"Trung tâm ""Tân Phú"", cơ sở 2",3,3,16\.6,[\d.]+,66\.7$/),
      expect.stringMatching(/^Trung tâm GDNN-GDTX Quận 6,4,11,24\.3,[\d.]+,25$/),
      expect.stringMatching(/^Trường THPT Nguyễn Thị Minh Khai,2,5,5\.4,[\d.]+,0$/),
      "",
    ]);
    // The CSV and the API agree, cell by cell.
    const api = await (await call(`/api/v1/metrics?groupBy=unit&${PERIOD}`, { token: await tokenFor(USERS.admin) })).json<{ rows: Record<string, unknown>[] }>();
    expect(api.rows.map((r) => r.label)).toEqual([RENAMED, "Trung tâm GDNN-GDTX Quận 6", "Trường THPT Nguyễn Thị Minh Khai"]);
    expect(lines[2]!.split(",").slice(1)).toEqual([api.rows[1]!.decided, api.rows[1]!.medianWorkingHours, api.rows[1]!.p90WorkingHours, api.rows[1]!.onTimePct, api.rows[1]!.returnedPct].map(String));
  });

  it("a Vietnamese file name in filename* (RFC 5987) and an ASCII one for old clients", async () => {
    const res = await download(USERS.admin, `format=csv&groupBy=unit&${PERIOD}`);
    const cd = res.headers.get("content-disposition")!;
    expect(cd).toMatch(/^attachment; filename="thoi-gian-xu-ly-theo-don-vi-2025-01-20-den-2025-02-28\.csv"; filename\*=UTF-8''[A-Za-z0-9%!#$&+\-.^_`|~]+$/);
    expect(decodeURIComponent(cd.split("UTF-8''")[1]!)).toBe("Thời gian xử lý theo đơn vị 20-01-2025 đến 28-02-2025.csv");
  });

  it("fields: quotes, line breaks, spaces at the ends, and text that would start a formula", () => {
    expect(csvField('a "b", c')).toBe('"a ""b"", c"');
    expect(csvField("hai\ndòng")).toBe('"hai\ndòng"');
    expect(csvField(" lề")).toBe('" lề"');
    expect(csvField("=HYPERLINK(\"http://x\")")).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField("-5 giờ")).toBe("'-5 giờ");
    expect(csvField(12.5)).toBe("12.5");
    expect(csvField(null)).toBe("");
    expect(csvOf(["Bước"], [["Chuyên viên"]])).toBe("\uFEFFBước\r\nChuyên viên\r\n");
  });
});

describe("XLSX", () => {
  it("a valid workbook: the parts Excel and LibreOffice need, diacritics intact, numbers as numeric cells", async () => {
    const res = await download(USERS.admin, `format=xlsx&groupBy=reviewer&${PERIOD}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(XLSX_TYPE);
    expect(decodeURIComponent(res.headers.get("content-disposition")!.split("UTF-8''")[1]!)).toBe("Thời gian xử lý theo người thẩm định 20-01-2025 đến 28-02-2025.xlsx");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(strFromU8(bytes.slice(0, 2))).toBe("PK");
    const x = readXlsx(bytes);
    expect(Object.keys(x.files).sort()).toEqual(["[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"]);
    expect(x.text("[Content_Types].xml")).toContain('PartName="/xl/worksheets/sheet1.xml"');
    expect(x.text("xl/workbook.xml")).toContain('<sheet name="Thời gian xử lý" sheetId="1" r:id="rId1"/>');
    // Every part is well-formed UTF-8 XML with its declaration.
    for (const [name, data] of Object.entries(x.files)) {
      expect(strFromU8(data).startsWith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'), name).toBe(true);
      expect(() => new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(data), name).not.toThrow();
    }
    // The text as it is, not as character references.
    expect(x.text("xl/sharedStrings.xml")).toContain("<t xml:space=\"preserve\">Người thẩm định</t>");
    expect(x.text("xl/sharedStrings.xml")).toContain("Trung vị (giờ làm việc)");
    const header = ["A1", "B1", "C1", "D1", "E1", "F1"].map((r) => x.cells.get(r));
    expect(header).toEqual(["Người thẩm định", "Số quyết định", "Trung vị (giờ làm việc)", "P90 (giờ làm việc)", "Đúng hạn (%)", "Trả lại (%)"]);
    expect(["A1", "F1"].map((r) => x.styles.get(r))).toEqual(["1", "1"]); // bold
    const names = [2, 3, 4, 5, 6].map((r) => x.cells.get(`A${r}`));
    expect(names).toEqual(["Cao Minh Quý", "Đỗ Văn Trung", "Lý Thị Hoa", "Phạm Phương Bình", "Trần Thị Kim Thanh"]);
    // Phạm Phương Bình: 4 decisions, median 11, p90 17.6, returned 50 (test/metrics.test.ts), as numbers.
    expect(["B5", "C5", "D5", "F5"].map((r) => x.cells.get(r))).toEqual([4, 11, 17.6, 50]);
    expect(x.text("xl/worksheets/sheet1.xml")).toMatch(/<c r="D5" s="3"><v>17\.6<\/v><\/c>/);
    expect(x.text("xl/worksheets/sheet1.xml")).toContain('<dimension ref="A1:F6"/>');
  });

  it("runs in workerd at thousands of rows (no Web Worker, unlike async zips)", () => {
    const rows = Array.from({ length: 3000 }, (_, i) => [`Trung tâm Giáo dục nghề nghiệp – Giáo dục thường xuyên số ${i} & <chi nhánh>`, i, i / 3, null]);
    const x = readXlsx(xlsxOf("Đơn vị: thử/ nhiều [dòng]", [{ header: "Đơn vị" }, { header: "Số" }, { header: "Giờ", format: "1dp" }, { header: "Trống" }], rows));
    expect(x.files["xl/worksheets/sheet1.xml"]!.length).toBeGreaterThan(160_000);
    expect(x.cells.get("A3001")).toBe("Trung tâm Giáo dục nghề nghiệp – Giáo dục thường xuyên số 2999 & <chi nhánh>");
    expect(x.cells.get("B3001")).toBe(2999);
    expect(x.cells.has("D2")).toBe(false);
    // A sheet name without the characters Excel refuses.
    expect(x.text("xl/workbook.xml")).toContain('name="Đơn vị  thử  nhiều  dòng "');
    expect([0, 25, 26, 701, 702].map(columnName)).toEqual(["A", "Z", "AA", "ZZ", "AAA"]);
  });
});

describe("same rules as the API", () => {
  it("a director's file holds only what they may read", async () => {
    const x = readXlsx(new Uint8Array(await (await download(USERS.director, `format=xlsx&groupBy=reviewer&${PERIOD}`)).arrayBuffer()));
    expect([2, 3, 4, 5].map((r) => x.cells.get(`A${r}`))).toEqual(["Cao Minh Quý", "Phạm Phương Bình", "Trần Thị Kim Thanh", undefined]);
    expect(x.strings.join("|")).not.toMatch(/Đỗ Văn Trung|Lý Thị Hoa/);
    const csv = await (await download(TH_USERS.director.email, `format=csv&groupBy=unit&${PERIOD}`)).text();
    expect(csv).toContain("Trường THPT Nguyễn Thị Minh Khai");
    expect(csv).not.toMatch(/Quận 6|Tân Phú/);
  });

  it("an author gets 403, no one signed out gets anything, bad input names the field", async () => {
    await expectProblem(await download(USERS.quan6, `format=xlsx&${PERIOD}`), 403, "forbidden");
    await expectProblem(await download(null, `format=csv&${PERIOD}`), 401, "unauthenticated");
    for (const [query, field] of [
      ["format=pdf", "format"],
      ["groupBy=stage", "format"],
      ["format=csv&groupBy=nam", "groupBy"],
      ["format=csv&from=2025-03-01&to=2025-02-01", "from"],
    ]) {
      const body = await expectProblem(await download(USERS.director, query!), 422, "validation-failed");
      expect(body.errors.map((e: { path: string }) => e.path), query).toContain(field);
    }
  });
});
