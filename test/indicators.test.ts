// A report's figures against its indicator set (DESIGN.md section 11): every value, every rule,
// the notes, and the warnings against the previous period; messages in Vietnamese with Vietnamese
// numbers.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { INDICATOR_SETS, indicatorSetSchema, type IndicatorSet } from "../indicators";
import {
  changeChecks,
  checkFigures,
  checkNotes,
  describeCheck,
  NOTE_MAX_LENGTH,
  roundTo,
  unexplained,
  unexplainedErrors,
  type FigureCheck,
} from "../src/domain/indicators";

const hocKi = INDICATOR_SETS.get("gdtx-hoc-ki")!;
const namHoc = INDICATOR_SETS.get("gdtx-nam-hoc")!;

/** The department's figures of the first semester of 2023 – 2024 (98,6% completed). */
const GOOD = { classes: 412, enrolled: 13184, completed: 13001, completionRate: 98.6, dropouts: 95, adultLearners: 2140, teachers: 520 };

const YEAR = {
  classes: 40,
  enrolledLowerSecondary: 120,
  enrolledUpperSecondary: 1380,
  enrolled: 1500,
  examCandidates: 412,
  graduates: 399,
  graduationRate: 96.84,
  dropouts: 31,
  vocationalLearners: 640,
  teachers: 58,
};

const errorsOf = (set: IndicatorSet, figures: unknown) => {
  const r = checkFigures(set, figures);
  return "errors" in r ? r.errors : [];
};

describe("figures that agree with the set pass", () => {
  it("the semester's figures come back as values", () => {
    expect(checkFigures(hocKi, GOOD)).toEqual({ values: GOOD });
  });

  it("an optional figure may be left out or null; it is not in the values", () => {
    const { adultLearners: _, ...rest } = GOOD;
    expect(checkFigures(hocKi, rest)).toEqual({ values: rest });
    expect(checkFigures(hocKi, { ...rest, adultLearners: null })).toEqual({ values: rest });
  });

  it("the year's figures, with a sum and a rate to two decimals", () => {
    expect(checkFigures(namHoc, YEAR)).toEqual({ values: YEAR });
  });

  it("a centre with no learners states a rate of 0", () => {
    const empty = { classes: 0, enrolled: 0, completed: 0, completionRate: 0, dropouts: 0, teachers: 3 };
    expect(checkFigures(hocKi, empty)).toEqual({ values: empty });
  });
});

describe("rules between figures", () => {
  it("lte: more dropouts than learners is refused on the dropouts, numbers in Vietnamese", () => {
    const figures = { classes: 1, enrolled: 10, completed: 10, completionRate: 100, dropouts: 12, teachers: 2 };
    expect(errorsOf(hocKi, figures)).toEqual([{ path: "figures.dropouts", message: "Số học viên bỏ học (12) không được lớn hơn số học viên (10)" }]);
  });

  it("lte with thousands: 13.200 completed of 13.184", () => {
    // 13.200 / 13.184 = 100,1%: within the tolerance of the 100% stated, so only the count is named.
    expect(errorsOf(hocKi, { ...GOOD, completed: 13200, completionRate: 100 })).toEqual([{ path: "figures.completed", message: "Số học viên hoàn thành học kỳ (13.200) không được lớn hơn số học viên (13.184)" }]);
  });

  it("ratio: a rate that disagrees with its counts names the rate and says what it should be", () => {
    expect(errorsOf(hocKi, { ...GOOD, completionRate: 97 })).toEqual([
      { path: "figures.completionRate", message: "Tỷ lệ hoàn thành phải là 13.001 / 13.184 = 98,6%, không phải 97,0%" },
    ]);
  });

  it("ratio: a rate stated for nobody", () => {
    expect(errorsOf(hocKi, { classes: 0, enrolled: 0, completed: 0, completionRate: 5, dropouts: 0, teachers: 3 })).toEqual([
      { path: "figures.completionRate", message: "Tỷ lệ hoàn thành phải là 0% khi số học viên bằng 0, không phải 5,0%" },
    ]);
  });

  it("ratio to two decimals: the graduation rate", () => {
    expect(errorsOf(namHoc, { ...YEAR, graduationRate: 96.9 })).toEqual([
      { path: "figures.graduationRate", message: "Tỷ lệ đỗ tốt nghiệp THPT phải là 399 / 412 = 96,84%, không phải 96,90%" },
    ]);
  });

  it("sum: a total that is not its parts names the total and shows the sum", () => {
    expect(errorsOf(namHoc, { ...YEAR, enrolled: 1510 })).toEqual([
      {
        path: "figures.enrolled",
        message: "Tổng số học viên (1.510) phải bằng số học viên GDTX cấp THCS (120) + số học viên GDTX cấp THPT (1.380) = 1.500",
      },
    ]);
  });

  it("a rule with a member missing or invalid is not checked (the member's own error says enough)", () => {
    expect(errorsOf(hocKi, { ...GOOD, enrolled: "13184" })).toEqual([{ path: "figures.enrolled", message: "Số học viên phải là một số, ví dụ 13.184; “13184” không đọc được là số" }]);
    const { enrolled: _, ...noEnrolled } = GOOD;
    expect(errorsOf(hocKi, noEnrolled)).toEqual([{ path: "figures.enrolled", message: "Chưa nhập số học viên" }]);
  });

  it("a rate is not checked against counts a rule already found wrong (no '= 104,0%')", () => {
    const errors = errorsOf(hocKi, { ...GOOD, completed: 13700, completionRate: 98.6 });
    expect(errors.map((e) => e.path)).toEqual(["figures.completed"]);
    expect(errors[0]!.message).toBe("Số học viên hoàn thành học kỳ (13.700) không được lớn hơn số học viên (13.184)");
  });

  it("every error at once", () => {
    const errors = errorsOf(hocKi, { ...GOOD, classes: -1, teachers: 2.5, completionRate: 90, adultLearners: 20000, extra: 1 });
    expect(errors.map((e) => e.path).sort()).toEqual(["figures.adultLearners", "figures.classes", "figures.completionRate", "figures.extra", "figures.teachers"]);
  });
});

describe("the ratio's tolerance and rounding", () => {
  // 13.001 / 13.184 = 98,61...% -> 98,6%; the tolerance is 0,1 percentage point.
  it.each([98.5, 98.55, 98.6, 98.61, 98.7])("a stated rate of %s passes for a computed 98,6", (rate) => {
    expect(checkFigures(hocKi, { ...GOOD, completionRate: rate })).toEqual({ values: { ...GOOD, completionRate: rate } });
  });

  it.each([98.4, 98.49, 98.71, 98.8, 0, 100])("a stated rate of %s is refused", (rate) => {
    expect(errorsOf(hocKi, { ...GOOD, completionRate: rate }).map((e) => e.path)).toEqual(["figures.completionRate"]);
  });

  it("halves round up, float noise or not: 23 / 80 = 28,75% is 28,8%", () => {
    const figures = { classes: 3, enrolled: 80, completed: 23, dropouts: 0, teachers: 4 };
    // 23 / 80 * 100 is 28.749999999999996 in binary floating point.
    expect(roundTo((23 / 80) * 100, 1)).toBe(28.8);
    expect(checkFigures(hocKi, { ...figures, completionRate: 28.9 })).toMatchObject({ values: { completionRate: 28.9 } });
    expect(errorsOf(hocKi, { ...figures, completionRate: 28.6 })).toEqual([
      { path: "figures.completionRate", message: "Tỷ lệ hoàn thành phải là 23 / 80 = 28,8%, không phải 28,6%" },
    ]);
  });

  it("with no tolerance the stated rate must be the rounded one exactly", () => {
    const strict = indicatorSetSchema.parse({
      ...hocKi,
      rules: [{ type: "ratio", target: "completionRate", numerator: "completed", denominator: "enrolled", tolerance: 0, decimals: 0 }],
    });
    const figures = { classes: 3, enrolled: 200, completed: 57, dropouts: 0, teachers: 4 };
    // 57 / 200 * 100 is 28.499999999999996: by hand it is 28,5%, so 29%.
    expect(checkFigures(strict, { ...figures, completionRate: 29 })).toMatchObject({ values: { completionRate: 29 } });
    expect(errorsOf(strict, { ...figures, completionRate: 28 })).toEqual([
      { path: "figures.completionRate", message: "Tỷ lệ hoàn thành phải là 57 / 200 = 29%, không phải 28%" },
    ]);
    expect(errorsOf(strict, { ...figures, completionRate: 28.5 })).toEqual([
      { path: "figures.completionRate", message: "Tỷ lệ hoàn thành phải là 57 / 200 = 29%, không phải 28,5%" },
    ]);
  });

  it("property: any consistent figures pass, and moving the rate beyond the tolerance fails on the rate alone", () => {
    const consistent = fc
      .record({
        enrolled: fc.integer({ min: 0, max: 100_000 }),
        completedShare: fc.double({ min: 0, max: 1, noNaN: true }),
        dropoutShare: fc.double({ min: 0, max: 1, noNaN: true }),
        adultShare: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        classes: fc.integer({ min: 0, max: 2_000 }),
        teachers: fc.integer({ min: 0, max: 2_000 }),
        // The rate as a person might state it: the exact rounding, or off by up to the tolerance.
        slack: fc.constantFrom(-0.1, 0, 0.1),
      })
      .map(({ enrolled, completedShare, dropoutShare, adultShare, classes, teachers, slack }) => {
        const completed = Math.floor(enrolled * completedShare);
        const rate = enrolled === 0 ? 0 : roundTo((completed / enrolled) * 100, 1);
        const completionRate = Math.min(100, Math.max(0, roundTo(rate + slack, 1)));
        const figures: Record<string, number> = { classes, enrolled, completed, completionRate, dropouts: Math.floor(enrolled * dropoutShare), teachers };
        if (adultShare !== undefined) figures.adultLearners = Math.floor(enrolled * adultShare);
        return { figures, rate };
      });
    fc.assert(
      fc.property(consistent, ({ figures }) => {
        expect(checkFigures(hocKi, figures)).toEqual({ values: figures });
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(consistent, fc.integer({ min: 2, max: 500 }), ({ figures, rate }, tenths) => {
        // Beyond 0,1 point, up or down, staying within 0..100 so that only the rule can object.
        const off = tenths / 10;
        const completionRate = roundTo(rate + off <= 100 ? rate + off : rate - off, 1);
        const errors = errorsOf(hocKi, { ...figures, completionRate });
        expect(errors).toHaveLength(1);
        expect(errors[0]!.path).toBe("figures.completionRate");
        expect(errors[0]!.message).toMatch(/^Tỷ lệ hoàn thành phải là [\d.]+ \/ [\d.]+ = \d{1,3},\d%, không phải \d{1,3},\d%$|^Tỷ lệ hoàn thành phải là 0% khi/);
      }),
      { numRuns: 500 },
    );
  });
});

describe("bad values name the figure", () => {
  it.each([
    ["a string", "enrolled", "13184", "Số học viên phải là một số, ví dụ 13.184; “13184” không đọc được là số"],
    ["a Vietnamese-formatted string", "enrolled", "13.184", "Số học viên phải là một số, ví dụ 13.184; “13.184” không đọc được là số"],
    ["a negative count", "classes", -1, "Số lớp không được là số âm (-1)"],
    ["a negative rate", "completionRate", -0.5, "Tỷ lệ hoàn thành không được là số âm (-0,5%)"],
    ["NaN", "teachers", Number.NaN, "Số giáo viên phải là một số hữu hạn"],
    ["Infinity", "teachers", Number.POSITIVE_INFINITY, "Số giáo viên phải là một số hữu hạn"],
    ["a count in part units", "classes", 12.5, "Số lớp phải là số nguyên (số lớp), không phải 12,5"],
    ["a count over its maximum", "teachers", 2001, "Số giáo viên (2.001) không được lớn hơn 2.000 giáo viên"],
    ["a count with an extra zero", "enrolled", 1_318_400, "Số học viên (1.318.400) không được lớn hơn 100.000 học viên"],
    ["a rate over 100%", "completionRate", 101, "Tỷ lệ hoàn thành (101%) không được lớn hơn 100%"],
    ["a boolean", "classes", true, "Số lớp phải là một số"],
    ["an object", "classes", { value: 3 }, "Số lớp phải là một số"],
    ["an array", "classes", [3], "Số lớp phải là một số"],
    ["null for a required figure", "teachers", null, "Chưa nhập số giáo viên"],
    ["nothing for a required figure", "teachers", undefined, "Chưa nhập số giáo viên"],
  ])("%s", (_what, id, value, message) => {
    const errors = errorsOf(hocKi, { ...GOOD, [id]: value });
    expect(errors).toContainEqual({ path: `figures.${id}`, message });
    // Only that figure is named: rules through it are not checked on a bad value.
    expect(new Set(errors.map((e) => e.path))).toEqual(new Set([`figures.${id}`]));
  });

  it.each([
    ["students", { students: 3 }],
    ["__proto__", JSON.parse('{"__proto__": 3}')],
    ["constructor", { constructor: 3 }],
    ["completion_rate", { completion_rate: 98.6 }],
  ])("a figure the set does not define (%s) is refused by name", (key, extra) => {
    expect(errorsOf(hocKi, { ...GOOD, ...extra })).toEqual([
      { path: `figures.${key}`, message: `Bộ chỉ tiêu "Kết quả học kỳ của trung tâm GDNN-GDTX" không có chỉ tiêu "${key}"` },
    ]);
  });

  it.each([null, undefined, [], "13184", 5, true])("figures that are not an object (%j) are refused as a whole", (figures) => {
    expect(errorsOf(hocKi, figures)).toEqual([{ path: "figures", message: expect.stringMatching(/^Số liệu phải là một đối tượng/) }]);
  });

  it("a figure inherited from a prototype is not a figure", () => {
    const sneaky = Object.create({ teachers: 520 }) as Record<string, unknown>;
    Object.assign(sneaky, { ...GOOD, teachers: undefined });
    delete sneaky.teachers;
    expect(errorsOf(hocKi, sneaky)).toEqual([{ path: "figures.teachers", message: "Chưa nhập số giáo viên" }]);
  });
});

describe("notes explaining figures", () => {
  it("are cleaned text keyed by indicator; blank and null notes are no notes", () => {
    expect(checkNotes(hocKi, { enrolled: "  Trung tâm mở thêm 12 lớp buổi tối.\r\nĐã được Sở đồng ý.  ", teachers: "   ", classes: null })).toEqual({
      notes: { enrolled: "Trung tâm mở thêm 12 lớp buổi tối.\nĐã được Sở đồng ý." },
    });
    expect(checkNotes(hocKi, undefined)).toEqual({ notes: {} });
    expect(checkNotes(hocKi, null)).toEqual({ notes: {} });
    expect(checkNotes(hocKi, { enrolled: "Ho\u0302\u0323i nghi\u0323" })).toEqual({ notes: { enrolled: "Hội nghị" } });
  });

  it.each([
    ["a note for an indicator that does not exist", { students: "Tăng do tuyển sinh" }, "figureNotes.students", 'Bộ chỉ tiêu "Kết quả học kỳ của trung tâm GDNN-GDTX" không có chỉ tiêu "students" để giải trình'],
    ["a note that is a number", { enrolled: 12 }, "figureNotes.enrolled", "Giải trình cho số học viên phải là văn bản"],
    ["a note that is a list", { enrolled: ["a"] }, "figureNotes.enrolled", "Giải trình cho số học viên phải là văn bản"],
    ["a note with a lone surrogate", { enrolled: "Tăng \ud800" }, "figureNotes.enrolled", "Chứa ký tự không hợp lệ (nửa cặp UTF-16 hoặc ký tự không dùng được)"],
    [
      "a note too long",
      { teachers: "a".repeat(NOTE_MAX_LENGTH + 1) },
      "figureNotes.teachers",
      `Giải trình cho số giáo viên dài tối đa 2.000 ký tự (hiện có 2.001)`,
    ],
    ["notes that are not an object", "Tăng do tuyển sinh", "figureNotes", 'Giải trình phải là một đối tượng dạng {"mã chỉ tiêu": "nội dung"}'],
  ])("%s is refused by name", (_what, notes, path, message) => {
    expect(checkNotes(hocKi, notes)).toEqual({ errors: [{ path, message }] });
  });

  it("a note at the limit passes", () => {
    expect(checkNotes(hocKi, { teachers: "a".repeat(NOTE_MAX_LENGTH) })).toMatchObject({ notes: { teachers: expect.any(String) } });
  });
});

describe("warnings against the previous period", () => {
  it("no previous period: no warnings", () => {
    expect(changeChecks(hocKi, GOOD, null)).toEqual([]);
    expect(changeChecks(hocKi, GOOD, undefined)).toEqual([]);
  });

  it("changes within each indicator's threshold: no warnings", () => {
    const previous = { ...GOOD, enrolled: 12000, completed: 11800, completionRate: 98.3, teachers: 500, dropouts: 10 };
    expect(changeChecks(hocKi, GOOD, previous)).toEqual([]);
  });

  it("a value that moved more than its maxChangePct is a warning, up or down, in the set's order", () => {
    const previous = { ...GOOD, classes: 600, enrolled: 10000 };
    const current = { ...GOOD, classes: 412, enrolled: 14520 };
    expect(changeChecks(hocKi, current, previous)).toEqual([
      { indicatorId: "classes", previous: 600, current: 412, changePct: -31.3, severity: "warning" },
      { indicatorId: "enrolled", previous: 10000, current: 14520, changePct: 45.2, severity: "warning" },
    ]);
  });

  it("the threshold is compared as the change is shown, to one decimal", () => {
    const at = (previous: number, current: number) => changeChecks(hocKi, { ...GOOD, enrolled: current }, { ...GOOD, enrolled: previous });
    expect(at(10000, 13000)).toEqual([]); // exactly 30%
    expect(at(100000, 130040)).toEqual([]); // 30,04% shows as 30,0%
    expect(at(100000, 130050)).toMatchObject([{ indicatorId: "enrolled", changePct: 30.1 }]);
    expect(at(10000, 7000)).toEqual([]); // -30%
    expect(at(10000, 6990)).toMatchObject([{ changePct: -30.1 }]);
  });

  it("a rate moves relative to itself: 98,6% to 85,0% is -13,8%", () => {
    expect(changeChecks(hocKi, { ...GOOD, completionRate: 85 }, GOOD)).toEqual([
      { indicatorId: "completionRate", previous: 98.6, current: 85, changePct: -13.8, severity: "warning" },
    ]);
  });

  it("from 0: any value is a warning without a percentage; 0 to 0 is no change", () => {
    expect(changeChecks(hocKi, { ...GOOD, adultLearners: 120 }, { ...GOOD, adultLearners: 0 })).toEqual([
      { indicatorId: "adultLearners", previous: 0, current: 120, changePct: null, severity: "warning" },
    ]);
    expect(changeChecks(hocKi, { ...GOOD, adultLearners: 0 }, { ...GOOD, adultLearners: 0 })).toEqual([]);
  });

  it("to 0 is -100%", () => {
    expect(changeChecks(hocKi, { ...GOOD, adultLearners: 0 }, GOOD)).toEqual([
      { indicatorId: "adultLearners", previous: 2140, current: 0, changePct: -100, severity: "warning" },
    ]);
  });

  it("indicators without a threshold, or missing on either side, or not numbers in an old report, give none", () => {
    expect(changeChecks(hocKi, { ...GOOD, dropouts: 900 }, { ...GOOD, dropouts: 5 })).toEqual([]);
    const { adultLearners: _, ...noAdults } = GOOD;
    expect(changeChecks(hocKi, noAdults, { ...GOOD, adultLearners: 10 })).toEqual([]);
    expect(changeChecks(hocKi, { ...GOOD, adultLearners: 10 }, noAdults)).toEqual([]);
    // A report from before indicator sets: { period, enrolled, completed, rate }.
    expect(changeChecks(hocKi, GOOD, { period: "Học kì I năm học 2022 – 2023", enrolled: "13184", completed: null, rate: 98 })).toEqual([]);
  });

  it("a warning needs a note: unexplained lists the warnings without one", () => {
    const checks: FigureCheck[] = changeChecks(hocKi, { ...GOOD, classes: 412, enrolled: 14520 }, { ...GOOD, classes: 600, enrolled: 10000 });
    expect(unexplained(checks, null)).toEqual(["classes", "enrolled"]);
    expect(unexplained(checks, { enrolled: "Trung tâm mở thêm cơ sở 2." })).toEqual(["classes"]);
    expect(unexplained(checks, { enrolled: "Mở cơ sở 2.", classes: "   " })).toEqual(["classes"]);
    expect(unexplained(checks, { enrolled: "Mở cơ sở 2.", classes: "Gộp lớp." })).toEqual([]);
    expect(unexplained([], null)).toEqual([]);
  });

  it("the 422 errors for unexplained warnings name figureNotes.<id> and say the change in Vietnamese", () => {
    const checks = changeChecks(hocKi, { ...GOOD, enrolled: 14520, adultLearners: 120 }, { ...GOOD, enrolled: 10000, adultLearners: 0 });
    expect(unexplainedErrors(hocKi, checks, {})).toEqual([
      { path: "figureNotes.enrolled", message: "Số học viên tăng 45,2% so với kỳ trước (10.000 → 14.520), vượt ngưỡng 30%: cần ghi giải trình" },
      { path: "figureNotes.adultLearners", message: "Số học viên là người lớn từ 0 lên 120 so với kỳ trước: cần ghi giải trình" },
    ]);
    expect(describeCheck(hocKi, { indicatorId: "completionRate", previous: 98.6, current: 85, changePct: -13.8, severity: "warning" })).toBe(
      "Tỷ lệ hoàn thành giảm 13,8% so với kỳ trước (98,6% → 85%), vượt ngưỡng 10%",
    );
  });
});
