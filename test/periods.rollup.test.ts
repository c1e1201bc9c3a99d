// GET /api/v1/periods/:id/rollup and /export (DESIGN.md section 11): the figures of a period's
// approved reports added up (checked against sums done by hand), the export as CSV and XLSX read
// back here with a reader of our own (fflate's unzip and the sheet's XML), and who may see what.
// The main period's reports go through the API (create, submit, the centre's head and the
// department's three stages); states that take long walks to reach are written into D1.
import { env } from "cloudflare:workers";
import { strFromU8 } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { call, expectProblem, tokenFor, USERS } from "./helpers/api";
import { approveAll, DEFAULT_CHAIN, decide, ok, submit } from "./helpers/review";
import { DEMO_PASSWORD } from "./helpers/seed";
import { parseCsv, readXlsx } from "./helpers/spreadsheet-read";
import { signIn } from "./helpers/web";

const U = DEMO_UNITS;
const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const TITLE = "Kết quả học kì I năm học 2024 – 2025";
const AUTHOR_ID = "00000000-0000-7000-8000-000000000105";

// By hand, over the three approved reports (Quận 6, Tân Phú, Lê Quý Đôn):
//   classes 12 + 30 + 5 = 47; enrolled 480 + 1.250 + 95 = 1.825; completed 455 + 1.180 + 60 = 1.695
//   completionRate 1.695 / 1.825 = 92,876…% -> 92,9 (the mean of the three rates would be 84,1)
//   dropouts 70; adultLearners 200 + 30 = 230 (Tân Phú leaves it out); teachers 94
const Q6 = { classes: 12, enrolled: 480, completed: 455, completionRate: 94.8, dropouts: 10, adultLearners: 200, teachers: 25 };
const TP = { classes: 30, enrolled: 1250, completed: 1180, completionRate: 94.4, dropouts: 40, teachers: 60 };
const LQD = { classes: 5, enrolled: 95, completed: 60, completionRate: 63.2, dropouts: 20, adultLearners: 30, teachers: 9 };
// In review: must not count, however large.
const CDKT = { classes: 900, enrolled: 90000, completed: 1, completionRate: 0, dropouts: 0, adultLearners: 0, teachers: 1 };

/** A report row straight into D1, as the review engine would have left it (for states the API takes long to reach). */
function insertReport(periodId: string, unitId: string, status: string, figures: object | null, submittedAt: string | null) {
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  return env.DB.prepare(
    `INSERT INTO reports (id, unit_id, author_id, kind, title, slug, body, attendees, status, version, flow_seq, review_reach, revision, created_at, updated_at, period_id, figures, submitted_at)
     VALUES (?, ?, ?, 'periodic', ?, ?, 'Báo cáo kết quả học kì.', '[]', ?, 3, 2, ?, ?, ?, ?, ?, ?, ?)`,
  ).bind(id, unitId, AUTHOR_ID, `Báo cáo ${status}`, id, status, status === "draft" ? 0 : 4, status === "draft" ? 0 : 1, now, now, periodId, figures ? JSON.stringify(figures) : null, submittedAt);
}

async function openPeriod(unitIds: string[], title = TITLE, opensAt = "2025-01-06", dueAt = "2025-01-24"): Promise<string> {
  const res = await call("/api/v1/periods", { token: await tokenFor(USERS.specialist), json: { title, indicatorSetId: "gdtx-hoc-ki", unitIds, opensAt, dueAt } });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text).id;
}

async function newUser(email: string, unitId: string, grants: { role: string; unitIds: string[] }[]) {
  const res = await call("/api/v1/users", { token: await tokenFor(USERS.admin), json: { email, name: `Người dùng ${email.split("@")[0]}`, unitId, password: DEMO_PASSWORD, grants } });
  expect(res.status, await res.clone().text()).toBe(201);
}

/** A unit's periodic report in `periodId` through the API: created by `author`, submitted, then approved by `head` and the department's chain unless told to stop. */
async function reportThroughApi(periodId: string, author: string, figures: object, head: string | null): Promise<string> {
  const token = await tokenFor(author);
  const res = await call("/api/v1/reports", { token, json: { kind: "periodic", periodId, title: "Báo cáo kết quả học kì I", body: "Trung tâm báo cáo kết quả học kì I.", figures } });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  const id: string = JSON.parse(text).id;
  await ok(await submit(token, id));
  if (head) {
    await ok(await decide(await tokenFor(head), id, { action: "approve", stage: "centre_head" }));
    await approveAll(id, DEFAULT_CHAIN);
  }
  return id;
}

let P: string; // the period of the GDTX division's four units
let OTHER: string; // the same units' next period: its reports must never leak into P's figures
/** When each unit of P first submitted, as D1 holds it. */
const submitted = new Map<string, string>();

beforeAll(async () => {
  // Heads and authors for the units the demo data leaves without them.
  await newUser("giamdoc.tanphu@trungtam.example", U.tanPhu, [{ role: "centre_head", unitIds: [] }]);
  await newUser("lequydon@trungtam.example", U.leQuyDon, [{ role: "author", unitIds: [] }]);
  await newUser("giamdoc.lequydon@trungtam.example", U.leQuyDon, [{ role: "centre_head", unitIds: [] }]);
  await newUser("cdkt@truong.example", U.caoDangKinhTe, [{ role: "author", unitIds: [] }]);
  await newUser("hieutruong.cdkt@truong.example", U.caoDangKinhTe, [{ role: "centre_head", unitIds: [] }]);
  // A specialist for two of the four units, one for a unit outside the period.
  await newUser("hai.don.vi@sogd.example", U.gdtx, [{ role: "specialist", unitIds: [U.quan6, U.tanPhu] }]);
  await newUser("trung.hoc@sogd.example", U.trungHoc, [{ role: "specialist", unitIds: [U.minhKhai] }]);

  P = await openPeriod([U.quan6, U.tanPhu, U.leQuyDon, U.caoDangKinhTe]);
  // Three reports approved through the centre's head and the department's chain; one left waiting.
  await reportThroughApi(P, USERS.quan6, Q6, USERS.centreHead);
  await reportThroughApi(P, USERS.tanPhu, TP, "giamdoc.tanphu@trungtam.example");
  await reportThroughApi(P, "lequydon@trungtam.example", LQD, "giamdoc.lequydon@trungtam.example");
  await reportThroughApi(P, "cdkt@truong.example", CDKT, null);
  const { results } = await env.DB.prepare("SELECT unit_id, status, submitted_at FROM reports WHERE period_id = ?").bind(P).all<{ unit_id: string; status: string; submitted_at: string }>();
  expect(Object.fromEntries(results.map((r) => [r.unit_id, r.status]))).toEqual({ [U.quan6]: "approved", [U.tanPhu]: "approved", [U.leQuyDon]: "approved", [U.caoDangKinhTe]: "in_review" });
  for (const r of results) submitted.set(r.unit_id, r.submitted_at);

  // The next semester: every status that does not count, written straight into D1 beside an
  // approved report (unpublished, withdrawn and returned are long walks through the API).
  OTHER = await openPeriod([U.quan6, U.tanPhu, U.leQuyDon, U.caoDangKinhTe], "Kết quả học kì II năm học 2024 – 2025", "2025-06-01", "2025-06-20");
  await env.DB.batch([
    insertReport(OTHER, U.quan6, "approved", { ...Q6, classes: 7000 }, "2025-06-01T02:00:00.000Z"),
    insertReport(OTHER, U.tanPhu, "returned", { ...TP, classes: 7001 }, "2025-06-01T02:00:00.000Z"),
    insertReport(OTHER, U.leQuyDon, "unpublished", { ...LQD, classes: 7002 }, "2025-06-01T02:00:00.000Z"),
    insertReport(OTHER, U.caoDangKinhTe, "withdrawn", { ...CDKT, classes: 7003 }, "2025-06-01T02:00:00.000Z"),
  ]);
}, 120_000);

/** An ISO instant as dd/mm/yyyy HH:mm in Viet Nam (UTC+7), worked out here rather than with the code's helper. */
function vnDateTime(iso: string): string {
  const [date, time] = new Date(Date.parse(iso) + 7 * 3600_000).toISOString().split("T") as [string, string];
  const [y, m, d] = date.split("-");
  return `${d}/${m}/${y} ${time.slice(0, 5)}`;
}

const get = async (path: string, who: string | null) => call(path, who ? { token: await tokenFor(who) } : {});

async function rollup(id: string, who: string): Promise<any> {
  const res = await get(`/api/v1/periods/${id}/rollup`, who);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text);
}

const valuesOf = (r: any) => Object.fromEntries(r.indicators.map((i: any) => [i.indicatorId, i.value]));
const indicator = (r: any, id: string) => r.indicators.find((i: any) => i.indicatorId === id);

describe("roll-up", () => {
  it("sums the approved reports' counts and recomputes the rate from the sums; min and max name their unit", async () => {
    const r = await rollup(P, USERS.specialist);
    expect(r).toMatchObject({ periodId: P, title: TITLE, indicatorSetId: "gdtx-hoc-ki", unitsExpected: 4, unitsReported: 3 });
    expect(valuesOf(r)).toEqual({ classes: 47, enrolled: 1825, completed: 1695, completionRate: 92.9, dropouts: 70, adultLearners: 230, teachers: 94 });
    expect(indicator(r, "completionRate")).toEqual({
      indicatorId: "completionRate",
      label: "Tỷ lệ hoàn thành",
      type: "percent",
      unitLabel: "%",
      aggregate: "rate",
      decimals: 1,
      value: 92.9,
      unitsCounted: 3,
      min: { value: 63.2, unitId: U.leQuyDon, unitName: "Trung tâm GDTX Lê Quý Đôn" },
      max: { value: 94.8, unitId: U.quan6, unitName: "Trung tâm GDNN-GDTX Quận 6" },
    });
    expect(indicator(r, "classes")).toMatchObject({ label: "Số lớp", aggregate: "sum", min: { value: 5, unitId: U.leQuyDon }, max: { value: 30, unitId: U.tanPhu } });
    expect(indicator(r, "adultLearners")).toMatchObject({ value: 230, unitsCounted: 2, min: { value: 30, unitId: U.leQuyDon }, max: { value: 200, unitId: U.quan6 } });
    // The report in review and every figure of the other period are nowhere.
    const seen = r.indicators.flatMap((i: any) => [i.value, i.min?.value, i.max?.value]);
    for (const big of [900, 90000, 7000, 7001, 7002, 7003]) expect(seen).not.toContain(big);
  });

  it("the admin and the division's director see the same; the other period counts only its approved report", async () => {
    const mine = await rollup(P, USERS.specialist);
    expect(await rollup(P, USERS.admin)).toEqual(mine);
    expect(await rollup(P, USERS.director)).toEqual(mine);
    expect(await rollup(P, USERS.deputy)).toEqual(mine);
    const other = await rollup(OTHER, USERS.admin);
    expect(other).toMatchObject({ unitsExpected: 4, unitsReported: 1 });
    expect(valuesOf(other)).toMatchObject({ classes: 7000, enrolled: 480, completionRate: 94.8 });
  });

  it("a period with no approved report: every value null, no min or max", async () => {
    const empty = await openPeriod([U.quan6, U.tanPhu], "Kỳ chưa có báo cáo nào");
    await env.DB.batch([insertReport(empty, U.quan6, "draft", Q6, null)]);
    const r = await rollup(empty, USERS.specialist);
    expect(r).toMatchObject({ unitsExpected: 2, unitsReported: 0 });
    for (const i of r.indicators) expect(i).toMatchObject({ value: null, unitsCounted: 0, min: null, max: null });
  });

  it("a reviewer covering two of the four units gets the roll-up of those two, and nothing of the others", async () => {
    const r = await rollup(P, "hai.don.vi@sogd.example");
    // 42 classes; 1.635 / 1.730 = 94,51…% -> 94,5.
    expect(r).toMatchObject({ unitsExpected: 2, unitsReported: 2 });
    expect(valuesOf(r)).toEqual({ classes: 42, enrolled: 1730, completed: 1635, completionRate: 94.5, dropouts: 50, adultLearners: 200, teachers: 85 });
    expect(JSON.stringify(r)).not.toContain(U.leQuyDon);
    expect(JSON.stringify(r)).not.toContain("Lê Quý Đôn");
  });
});

describe("export", () => {
  it("CSV: BOM, CRLF, Vietnamese headers, one row per expected unit in name order, the totals and the note", async () => {
    const res = await get(`/api/v1/periods/${P}/export?format=csv`, USERS.specialist);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const disposition = res.headers.get("content-disposition")!;
    expect(disposition).toMatch(/^attachment; filename="tong-hop-ket-qua-hoc-ki-i-nam-hoc-2024-2025\.csv"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1]!)).toBe(`Tổng hợp ${TITLE}.csv`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    // Every line ends with CRLF, the last too; no field holds a line break.
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text.split("\r\n").every((line) => !/[\r\n]/.test(line))).toBe(true);
    const rows = parseCsv(text.slice(1));
    expect(rows[0]).toEqual([
      "Đơn vị",
      "Trạng thái",
      "Số lớp (lớp)",
      "Số học viên (học viên)",
      "Số học viên hoàn thành học kỳ (học viên)",
      "Tỷ lệ hoàn thành (%)",
      "Số học viên bỏ học (học viên)",
      "Số học viên là người lớn (học viên)",
      "Số giáo viên (giáo viên)",
      "Nộp lúc",
    ]);
    expect(rows.slice(1, 5)).toEqual([
      ["Trung tâm GDNN-GDTX Quận 6", "Đã duyệt", "12", "480", "455", "94.8", "10", "200", "25", vnDateTime(submitted.get(U.quan6)!)],
      ["Trung tâm GDNN-GDTX quận Tân Phú", "Đã duyệt", "30", "1250", "1180", "94.4", "40", "", "60", vnDateTime(submitted.get(U.tanPhu)!)],
      ["Trung tâm GDTX Lê Quý Đôn", "Đã duyệt", "5", "95", "60", "63.2", "20", "30", "9", vnDateTime(submitted.get(U.leQuyDon)!)],
      // In review: its state, its submission time, and no figures.
      ["Trường Cao đẳng Kinh tế Thành phố Hồ Chí Minh", "Đang thẩm định", "", "", "", "", "", "", "", vnDateTime(submitted.get(U.caoDangKinhTe)!)],
    ]);
    expect(rows[5]).toEqual(["Tổng cộng", "3/4 đơn vị đã duyệt", "47", "1825", "1695", "92.9", "70", "230", "94", ""]);
    expect(rows[6]![0]).toMatch(/^Ghi chú: chỉ ghi số liệu của báo cáo đã duyệt/);
    expect(rows).toHaveLength(7);
  });

  it("a unit not started is a row too; the reviewer of two units gets their two rows and their totals", async () => {
    const p = await openPeriod([U.quan6, U.tanPhu, U.leQuyDon], "Kỳ có đơn vị chưa nộp");
    await env.DB.batch([insertReport(p, U.quan6, "approved", Q6, "2025-01-10T03:00:00.000Z"), insertReport(p, U.leQuyDon, "approved", LQD, "2025-01-10T03:00:00.000Z")]);
    // Response.text() decodes UTF-8 as browsers do: the BOM is dropped.
    const all = parseCsv(await (await get(`/api/v1/periods/${p}/export?format=csv`, USERS.admin)).text());
    expect(all.slice(1, 4).map((r) => r.slice(0, 3))).toEqual([
      ["Trung tâm GDNN-GDTX Quận 6", "Đã duyệt", "12"],
      ["Trung tâm GDNN-GDTX quận Tân Phú", "Chưa nộp", ""],
      ["Trung tâm GDTX Lê Quý Đôn", "Đã duyệt", "5"],
    ]);
    // 515 / 575 = 89,56…% -> 89,6
    expect(all[4]).toEqual(["Tổng cộng", "2/3 đơn vị đã duyệt", "17", "575", "515", "89.6", "30", "230", "34", ""]);
    const two = parseCsv(await (await get(`/api/v1/periods/${p}/export?format=csv`, "hai.don.vi@sogd.example")).text());
    expect(two.map((r) => r[0])).toEqual(["Đơn vị", "Trung tâm GDNN-GDTX Quận 6", "Trung tâm GDNN-GDTX quận Tân Phú", "Tổng cộng", expect.stringMatching(/^Ghi chú/)]);
    expect(two[3]!.slice(0, 6)).toEqual(["Tổng cộng", "1/2 đơn vị đã duyệt", "12", "480", "455", "94.8"]);
  });

  it("XLSX: a workbook read back by another reader finds the diacritics, numbers as numbers, and the totals", async () => {
    const res = await get(`/api/v1/periods/${P}/export?format=xlsx`, USERS.director);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(XLSX_TYPE);
    expect(decodeURIComponent(res.headers.get("content-disposition")!.split("UTF-8''")[1]!)).toBe(`Tổng hợp ${TITLE}.xlsx`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(strFromU8(bytes.slice(0, 2))).toBe("PK");
    const x = readXlsx(bytes);
    for (const part of ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"]) {
      const data = x.files[part];
      expect(data, part).toBeDefined();
      expect(strFromU8(data!).startsWith('<?xml version="1.0" encoding="UTF-8"'), part).toBe(true);
      expect(() => new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(data!), part).not.toThrow();
    }
    // The sheet is named after the period (at most 31 characters, as Excel wants).
    expect(x.text("xl/workbook.xml")).toContain(`<sheet name="${TITLE.slice(0, 31).trim()}"`);
    // Text as it is, not as character references.
    expect(x.text("xl/sharedStrings.xml")).toContain("Số học viên hoàn thành học kỳ (học viên)");
    const row = (n: number) => ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"].map((col) => x.cells.get(`${col}${n}`) ?? "");
    expect(row(1)).toEqual(["Đơn vị", "Trạng thái", "Số lớp (lớp)", "Số học viên (học viên)", "Số học viên hoàn thành học kỳ (học viên)", "Tỷ lệ hoàn thành (%)", "Số học viên bỏ học (học viên)", "Số học viên là người lớn (học viên)", "Số giáo viên (giáo viên)", "Nộp lúc"]);
    expect(row(2)).toEqual(["Trung tâm GDNN-GDTX Quận 6", "Đã duyệt", 12, 480, 455, 94.8, 10, 200, 25, vnDateTime(submitted.get(U.quan6)!)]);
    expect(row(5)).toEqual(["Trường Cao đẳng Kinh tế Thành phố Hồ Chí Minh", "Đang thẩm định", "", "", "", "", "", "", "", vnDateTime(submitted.get(U.caoDangKinhTe)!)]);
    expect(row(6)).toEqual(["Tổng cộng", "3/4 đơn vị đã duyệt", 47, 1825, 1695, 92.9, 70, 230, 94, ""]);
    expect(String(x.cells.get("A7"))).toMatch(/^Ghi chú: chỉ ghi số liệu của báo cáo đã duyệt/);
    // Whole numbers and the rate have their own number formats; the totals are bold.
    const styles = x.text("xl/styles.xml");
    expect(styles).toContain('formatCode="#,##0"');
    expect(styles).toContain('formatCode="#,##0.0"');
    expect(x.styles.get("F6")).not.toBe(x.styles.get("F2"));
    expect(x.styles.get("C2")).not.toBe(x.styles.get("F2"));
  });

  it("a cookie-signed-in page user downloads the same file as the API gives", async () => {
    const cookie = await signIn(USERS.specialist, "10.61.0.1");
    const viaCookie = await call(`/api/v1/periods/${P}/export?format=csv`, { headers: { cookie } });
    expect(viaCookie.status).toBe(200);
    expect(await viaCookie.text()).toBe(await (await get(`/api/v1/periods/${P}/export?format=csv`, USERS.specialist)).text());
  });
});

describe("errors", () => {
  it("both operations are in the OpenAPI document, the format with its two values", async () => {
    const doc = await (await call("/api/v1/openapi.json")).json<any>();
    expect(doc.paths["/api/v1/periods/{id}/rollup"].get.responses["200"].content["application/json"].schema.$ref).toBe("#/components/schemas/PeriodRollup");
    const exportOp = doc.paths["/api/v1/periods/{id}/export"].get;
    expect(exportOp.parameters.find((p: any) => p.name === "format").schema.enum).toEqual(["xlsx", "csv"]);
    expect(Object.keys(exportOp.responses["200"].content)).toEqual(["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv"]);
  });

  it("an unknown period is 404; no session is 401", async () => {
    await expectProblem(await get(`/api/v1/periods/${crypto.randomUUID()}/rollup`, USERS.admin), 404, "not-found");
    await expectProblem(await get(`/api/v1/periods/${crypto.randomUUID()}/export?format=csv`, USERS.admin), 404, "not-found");
    await expectProblem(await get(`/api/v1/periods/${P}/rollup`, null), 401, "unauthenticated");
    await expectProblem(await get(`/api/v1/periods/${P}/export?format=xlsx`, null), 401, "unauthenticated");
  });

  it("a format that is not xlsx or csv, none, or an unknown parameter is 422 naming it", async () => {
    for (const [query, path] of [
      ["format=pdf", "format"],
      ["format=XLSX", "format"],
      ["", "format"],
      ["format=csv&sep=%3B", "sep"],
    ] as const) {
      const body = await expectProblem(await get(`/api/v1/periods/${P}/export?${query}`, USERS.specialist), 422, "validation-failed");
      expect(body.errors.map((e: { path: string }) => e.path), query).toContain(path);
    }
  });
});

describe("who may see it", () => {
  it("a unit asked to report reads the period but not the others' figures: 403", async () => {
    for (const who of [USERS.quan6, USERS.centreHead, USERS.tanPhu]) {
      const r = await expectProblem(await get(`/api/v1/periods/${P}/rollup`, who), 403, "forbidden");
      expect(JSON.stringify(r)).not.toMatch(/1825|Lê Quý Đôn/);
      await expectProblem(await get(`/api/v1/periods/${P}/export?format=csv`, who), 403, "forbidden");
      await expectProblem(await get(`/api/v1/periods/${P}/export?format=xlsx`, who), 403, "forbidden");
    }
  });

  it("someone the period does not concern is told it does not exist: 404", async () => {
    for (const who of [USERS.minhKhai, "trung.hoc@sogd.example"]) {
      await expectProblem(await get(`/api/v1/periods/${P}/rollup`, who), 404, "not-found");
      await expectProblem(await get(`/api/v1/periods/${P}/export?format=csv`, who), 404, "not-found");
    }
  });

  it("an unknown format is refused before the period is looked at: a stranger learns nothing from 422 either", async () => {
    const body = await expectProblem(await get(`/api/v1/periods/${P}/export?format=pdf`, USERS.minhKhai), 422, "validation-failed");
    expect(JSON.stringify(body)).not.toContain(TITLE);
  });

  it("the roll-up is read, not written: nothing changes in D1", async () => {
    const before = await env.DB.prepare("SELECT id, status, figures, version FROM reports WHERE period_id = ? ORDER BY id").bind(P).all();
    await rollup(P, USERS.admin);
    await get(`/api/v1/periods/${P}/export?format=xlsx`, USERS.admin);
    expect((await env.DB.prepare("SELECT id, status, figures, version FROM reports WHERE period_id = ? ORDER BY id").bind(P).all()).results).toEqual(before.results);
  });
});
