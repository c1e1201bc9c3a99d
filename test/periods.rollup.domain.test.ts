// The roll-up's arithmetic and the export's table (src/domain/rollup.ts), against figures added up
// by hand: sums of counts, a rate recomputed from the sums (never the mean of the units' rates),
// min and max with their unit, what is left out and why; and the XLSX writer on its own.
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { indicatorRegistry, INDICATOR_SETS } from "../indicators";
import { REPORT_STATUSES } from "../src/db/schema";
import { csvOf } from "../src/domain/csv";
import { POLICY } from "../src/domain/policy";
import { exportTable, figureOf, rollUp, TOTALS_LABEL, UNIT_STATE_LABELS, unitStateOf, type UnitFigures } from "../src/domain/rollup";
import { sheetName, xlsxOf } from "../src/services/xlsx";

const SET = INDICATOR_SETS.get("gdtx-hoc-ki")!;

// Three centres. By hand:
//   classes 12 + 30 + 5 = 47; enrolled 480 + 1.250 + 95 = 1.825; completed 455 + 1.180 + 60 = 1.695
//   completionRate = 1.695 / 1.825 = 92,876…% -> 92,9 (the mean of the rates, 84,1, would be wrong)
//   dropouts 10 + 40 + 20 = 70; adultLearners 200 + 30 = 230 (Tân Phú gives none); teachers 25 + 60 + 9 = 94
const A: UnitFigures = { unitId: "u-a", unitName: "Trung tâm GDNN-GDTX Quận 6", figures: { classes: 12, enrolled: 480, completed: 455, completionRate: 94.8, dropouts: 10, adultLearners: 200, teachers: 25 } };
const B: UnitFigures = { unitId: "u-b", unitName: "Trung tâm GDNN-GDTX quận Tân Phú", figures: { classes: 30, enrolled: 1250, completed: 1180, completionRate: 94.4, dropouts: 40, teachers: 60 } };
const C: UnitFigures = { unitId: "u-c", unitName: "Trung tâm GDTX Lê Quý Đôn", figures: { classes: 5, enrolled: 95, completed: 60, completionRate: 63.2, dropouts: 20, adultLearners: 30, teachers: 9 } };

const byId = (r: ReturnType<typeof rollUp>) => Object.fromEntries(r.indicators.map((i) => [i.indicatorId, i]));

describe("rollUp", () => {
  it("sums the counts and recomputes the rate from the sums; min and max name their unit", () => {
    const r = rollUp(SET, [C, A, B]);
    expect(r.unitsReported).toBe(3);
    const i = byId(r);
    expect(Object.fromEntries(r.indicators.map((x) => [x.indicatorId, x.value]))).toEqual({
      classes: 47,
      enrolled: 1825,
      completed: 1695,
      completionRate: 92.9,
      dropouts: 70,
      adultLearners: 230,
      teachers: 94,
    });
    expect(i.completionRate).toMatchObject({ aggregate: "rate", decimals: 1, unitsCounted: 3, label: "Tỷ lệ hoàn thành", unitLabel: "%" });
    expect(i.completionRate!.value).not.toBeCloseTo((94.8 + 94.4 + 63.2) / 3, 0);
    expect(i.classes).toMatchObject({ aggregate: "sum", decimals: 0, unitsCounted: 3, min: { value: 5, unitId: "u-c", unitName: C.unitName }, max: { value: 30, unitId: "u-b" } });
    expect(i.completionRate).toMatchObject({ min: { value: 63.2, unitId: "u-c" }, max: { value: 94.8, unitId: "u-a" } });
    // An optional figure one unit left out: summed over the two that gave it.
    expect(i.adultLearners).toMatchObject({ unitsCounted: 2, min: { value: 30, unitId: "u-c" }, max: { value: 200, unitId: "u-a" } });
    // The same data in any order gives the same answer.
    expect(rollUp(SET, [B, C, A])).toEqual(r);
  });

  it("a tie for min or max goes to the first unit in name order", () => {
    const twin = { ...B, unitId: "u-0", unitName: "Trung tâm A", figures: { ...(B.figures as object), classes: 5 } };
    expect(byId(rollUp(SET, [C, twin])).classes!.min).toEqual({ value: 5, unitId: "u-0", unitName: "Trung tâm A" });
  });

  it("no approved report: nothing summed, no min or max", () => {
    const r = rollUp(SET, []);
    expect(r.unitsReported).toBe(0);
    for (const i of r.indicators) expect(i).toMatchObject({ value: null, unitsCounted: 0, min: null, max: null });
  });

  it("no learners anywhere: the rate is 0, as the rule accepts for one unit", () => {
    const empty = (id: string) => ({ unitId: id, unitName: id, figures: { classes: 0, enrolled: 0, completed: 0, completionRate: 0, dropouts: 0, teachers: 1 } });
    expect(byId(rollUp(SET, [empty("x"), empty("y")])).completionRate!.value).toBe(0);
  });

  it("rounds the recomputed rate as the rule states (two decimals for the school-year set)", () => {
    const year = INDICATOR_SETS.get("gdtx-nam-hoc")!;
    const u = (id: string, examCandidates: number, graduates: number) => ({ unitId: id, unitName: id, figures: { examCandidates, graduates } });
    // 2.000 / 2.065 = 96,852…% -> 96,85
    const rate = byId(rollUp(year, [u("a", 1000, 980), u("b", 1065, 1020)])).graduationRate!;
    expect(rate).toMatchObject({ value: 96.85, decimals: 2, aggregate: "rate" });
  });

  it("a percent no ratio defines is not added up; decimals are summed without float noise", () => {
    const registry = indicatorRegistry([
      {
        id: "thu-nghiem",
        label: "Bộ thử",
        indicators: [
          { id: "hours", label: "Số giờ", type: "decimal", unitLabel: "giờ", required: true },
          { id: "satisfaction", label: "Mức hài lòng", type: "percent", unitLabel: "%", required: true },
        ],
        rules: [],
      },
    ]);
    const set = registry.get("thu-nghiem")!;
    const i = byId(rollUp(set, [{ unitId: "a", unitName: "a", figures: { hours: 0.1, satisfaction: 80 } }, { unitId: "b", unitName: "b", figures: { hours: 0.2, satisfaction: 90 } }]));
    expect(i.hours).toMatchObject({ value: 0.3, aggregate: "sum" });
    expect(i.satisfaction).toMatchObject({ value: null, aggregate: "none", min: { value: 80, unitId: "a" }, max: { value: 90, unitId: "b" } });
  });

  it("what is not a figure is skipped: text, missing, non-finite, inherited, figures that are not an object", () => {
    expect(figureOf({ classes: "12" }, "classes")).toBeUndefined();
    expect(figureOf({ classes: null }, "classes")).toBeUndefined();
    expect(figureOf(Object.create({ classes: 3 }), "classes")).toBeUndefined();
    expect(figureOf([3], "0")).toBeUndefined();
    expect(figureOf(null, "classes")).toBeUndefined();
    expect(figureOf({ classes: 12 }, "classes")).toBe(12);
    const r = rollUp(SET, [A, { unitId: "z", unitName: "Z", figures: "hỏng" }, { unitId: "y", unitName: "Y", figures: { classes: "7", enrolled: 10 } }]);
    const i = byId(r);
    expect(r.unitsReported).toBe(3);
    expect(i.classes).toMatchObject({ value: 12, unitsCounted: 1 });
    expect(i.enrolled).toMatchObject({ value: 490, unitsCounted: 2 });
    // Y gives enrolled but no completed: it is not a term of the rate.
    expect(i.completionRate).toMatchObject({ value: 94.8, unitsCounted: 1 });
  });
});

describe("the export's table", () => {
  const units = [
    { unitId: "u-a", unitName: A.unitName, status: "approved" as const, submittedAt: "2025-01-24T09:59:00.000Z", figures: A.figures },
    { unitId: "u-b", unitName: B.unitName, status: "published" as const, submittedAt: "2025-01-20T01:05:00.000Z", figures: B.figures },
    { unitId: "u-c", unitName: C.unitName, status: "scheduled" as const, submittedAt: "2025-01-23T17:30:00.000Z", figures: C.figures },
    { unitId: "u-d", unitName: "Trường THPT Nguyễn Thị Minh Khai", status: "in_review" as const, submittedAt: "2025-01-25T02:00:00.000Z", figures: { classes: 999 } },
    { unitId: "u-e", unitName: "Trường Cao đẳng Kinh tế", status: null, submittedAt: null, figures: null },
  ];
  const t = exportTable(SET, units, rollUp(SET, [A, B, C]));

  it("Vietnamese headers: unit, state, each indicator with its unit, submitted at", () => {
    expect(t.headers).toEqual([
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
    expect(t.formats.map((f) => (f.kind === "number" ? f.decimals : "text"))).toEqual(["text", "text", 0, 0, 0, 1, 0, 0, 0, "text"]);
  });

  it("figures of approved reports only, submission times in Viet Nam, then the totals and the note", () => {
    expect(t.rows[0]).toEqual([A.unitName, "Đã duyệt", 12, 480, 455, 94.8, 10, 200, 25, "24/01/2025 16:59"]);
    expect(t.rows[1]).toEqual([B.unitName, "Đã duyệt", 30, 1250, 1180, 94.4, 40, null, 60, "20/01/2025 08:05"]);
    // 17:30 UTC is past midnight in Viet Nam.
    expect(t.rows[2]!.at(-1)).toBe("24/01/2025 00:30");
    expect(t.rows[3]).toEqual(["Trường THPT Nguyễn Thị Minh Khai", "Đang thẩm định", null, null, null, null, null, null, null, "25/01/2025 09:00"]);
    expect(t.rows[4]).toEqual(["Trường Cao đẳng Kinh tế", "Chưa nộp", null, null, null, null, null, null, null, null]);
    expect(t.totalsRow).toBe(5);
    expect(t.rows[5]).toEqual([TOTALS_LABEL, "3/5 đơn vị đã duyệt", 47, 1825, 1695, 92.9, 70, 230, 94, null]);
    expect(t.noteRow).toBe(6);
    expect(t.rows[6]![0]).toMatch(/^Ghi chú: chỉ ghi số liệu của báo cáo đã duyệt/);
    expect(t.rows[6]!.slice(1).every((c) => c === null)).toBe(true);
    expect(t.rows.every((r) => r.length === t.headers.length)).toBe(true);
  });

  it("as CSV: BOM, CRLF, the totals as plain numbers", () => {
    const lines = csvOf(t.headers, t.rows).split("\r\n");
    expect(lines[0]!.startsWith("\uFEFFĐơn vị,Trạng thái,Số lớp (lớp)")).toBe(true);
    expect(lines[6]).toBe("Tổng cộng,3/5 đơn vị đã duyệt,47,1825,1695,92.9,70,230,94,");
  });

  it("every report status has a state and a Vietnamese label", () => {
    const states = REPORT_STATUSES.map(unitStateOf);
    expect(Object.fromEntries(REPORT_STATUSES.map((s, i) => [s, states[i]]))).toEqual({
      draft: "draft",
      in_review: "in_review",
      returned: "returned",
      withdrawn: "withdrawn",
      approved: "approved",
      scheduled: "approved",
      published: "approved",
      unpublished: "withdrawn",
    });
    expect(unitStateOf(null)).toBe("not_started");
    expect(Object.values(UNIT_STATE_LABELS)).toEqual(["Chưa nộp", "Đang soạn", "Đang thẩm định", "Bị trả lại", "Đã duyệt", "Đã rút"]);
  });
});

describe("the access the roll-up relies on", () => {
  it("whoever monitors a period's units reads the period: every period.monitor rule has a period.read rule of the same role and scope", () => {
    const monitor = POLICY.filter((r) => r.action === "period.monitor");
    expect(monitor.length).toBeGreaterThan(0);
    for (const m of monitor) expect(POLICY.some((r) => r.action === "period.read" && r.role === m.role && r.scope === m.scope), m.role).toBe(true);
  });
});

describe("the XLSX writer (excel-builder-vanilla, zipped with fflate's zipSync)", () => {
  it("writes thousands of rows in workerd (a sheet part past the 160 kB where an async zip wants a Web Worker)", async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => [`Trung tâm Giáo dục nghề nghiệp – Giáo dục thường xuyên số ${i} & <chi nhánh>`, i, i / 3]);
    const files = unzipSync(await xlsxOf({ name: "Kỳ: thử/ [1]", headers: ["Đơn vị", "Số", "Tỷ lệ"], formats: [{ kind: "text" }, { kind: "number", decimals: 0 }, { kind: "number", decimals: 1 }], rows }));
    const sheet = strFromU8(files["xl/worksheets/sheet1.xml"]!);
    expect(sheet.length).toBeGreaterThan(160_000);
    expect(sheet).toMatch(/<c [^>]*r="B3001"[^>]*><v>2999<\/v><\/c>/);
    expect(strFromU8(files["xl/sharedStrings.xml"]!)).toContain("số 2999 &amp; &lt;chi nhánh&gt;");
    // Sheet names without the characters Excel refuses.
    expect(strFromU8(files["xl/workbook.xml"]!)).toContain('name="Kỳ  thử   1"');
    expect(sheetName("a".repeat(40))).toHaveLength(31);
  });

  it("text that is not XML (control characters) is dropped; a cell reading 'constructor' or '__proto__' is just text", async () => {
    const files = unzipSync(
      await xlsxOf({ name: "x", headers: ["Đơn vị"], formats: [{ kind: "text" }], rows: [["Trung tâm\u0001 A\u000b"], ["constructor"], ["__proto__"], ["constructor"]] }),
    );
    const strings = [...strFromU8(files["xl/sharedStrings.xml"]!).matchAll(/<t[^>]*>([^<]*)<\/t>/g)].map((m) => m[1]);
    expect(strings).toEqual(["Đơn vị", "Trung tâm A", "constructor", "__proto__"]);
    const sheet = strFromU8(files["xl/worksheets/sheet1.xml"]!);
    expect([...sheet.matchAll(/<v>([^<]*)<\/v>/g)].map((m) => m[1])).toEqual(["0", "1", "2", "3", "2"]);
  });
});
