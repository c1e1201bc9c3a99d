import { describe, expect, it } from "vitest";
import { checkFigures } from "../src/domain/indicators";
import { INDICATOR_SETS, indicatorRegistry, indicatorSetSchema, type IndicatorSetInput } from ".";
import hocKi from "./gdtx-hoc-ki";
import * as FILES from "./sets";

const issuesOf = (input: unknown) => {
  const r = indicatorSetSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

/** A set the registry has never seen: adding it must need no code outside this test. */
const pcgd: IndicatorSetInput = {
  id: "pcgd-xoa-mu-chu",
  label: "Phổ cập giáo dục và xóa mù chữ",
  indicators: [
    { id: "learners", label: "Số người học xóa mù chữ", type: "count", unitLabel: "người", min: 0, max: 50_000, required: true },
    { id: "learnersWomen", label: "Số người học là nữ", type: "count", unitLabel: "người", min: 0, max: 50_000, required: true },
    { id: "learnersMen", label: "Số người học là nam", type: "count", unitLabel: "người", min: 0, max: 50_000, required: true },
    { id: "literate", label: "Số người được công nhận biết chữ", type: "count", unitLabel: "người", min: 0, max: 50_000, required: true, maxChangePct: 40 },
    { id: "literacyRate", label: "Tỷ lệ biết chữ", type: "percent", unitLabel: "%", required: true },
    { id: "budget", label: "Kinh phí", type: "decimal", unitLabel: "triệu đồng", min: 0, required: false },
  ],
  rules: [
    { type: "sum", total: "learners", parts: ["learnersWomen", "learnersMen"] },
    { type: "lte", left: "literate", right: "learners" },
    { type: "ratio", target: "literacyRate", numerator: "literate", denominator: "learners", tolerance: 0.5, decimals: 0 },
  ],
};

describe("indicator sets", () => {
  it("every file listed in sets.ts is in the registry, and every set parses against the schema", () => {
    expect(INDICATOR_SETS.list().map((s) => s.id)).toEqual(Object.values(FILES).map((f) => f.id).sort());
    for (const set of INDICATOR_SETS.list()) expect(issuesOf(set), set.id).toEqual([]);
    for (const file of Object.values(FILES)) expect(issuesOf(file), file.id).toEqual([]);
  });

  it("gdtx-hoc-ki has exactly the indicators of DESIGN.md section 11, with Vietnamese labels and units", () => {
    const set = INDICATOR_SETS.get("gdtx-hoc-ki")!;
    expect(set.label).toBe("Kết quả học kỳ của trung tâm GDNN-GDTX");
    expect(set.indicators.map((i) => i.id)).toEqual(["classes", "enrolled", "completed", "completionRate", "dropouts", "adultLearners", "teachers"]);
    const units = Object.fromEntries(set.indicators.map((i) => [i.id, i.unitLabel]));
    expect(units).toMatchObject({ classes: "lớp", enrolled: "học viên", completionRate: "%", teachers: "giáo viên" });
    for (const ind of set.indicators) {
      // Vietnamese: at least one letter outside ASCII in every label.
      expect(ind.label, ind.id).toMatch(/[^\x00-\x7f]/);
      // Bounds that catch a typed extra zero, and nothing negative.
      expect(ind.min, ind.id).toBe(0);
      expect(ind.max, ind.id).toBeGreaterThan(0);
    }
    expect(set.indicators.find((i) => i.id === "completionRate")!.type).toBe("percent");
    expect(set.rules).toContainEqual({ type: "ratio", target: "completionRate", numerator: "completed", denominator: "enrolled", decimals: 1, tolerance: 0.1 });
    expect(set.rules).toContainEqual({ type: "lte", left: "completed", right: "enrolled" });
    expect(set.rules).toContainEqual({ type: "lte", left: "dropouts", right: "enrolled" });
  });

  it("gdtx-nam-hoc uses the sum rule: the total is its two levels", () => {
    expect(INDICATOR_SETS.get("gdtx-nam-hoc")!.rules).toContainEqual({ type: "sum", total: "enrolled", parts: ["enrolledLowerSecondary", "enrolledUpperSecondary"] });
  });

  it("a ratio's decimals default to one", () => {
    const input = { ...hocKi, rules: [{ type: "ratio", target: "completionRate", numerator: "completed", denominator: "enrolled", tolerance: 0.1 }] };
    expect(indicatorSetSchema.parse(input).rules[0]).toMatchObject({ decimals: 1 });
  });

  it("the registry's sets are frozen: a handler cannot change a definition for the next request", () => {
    const set = INDICATOR_SETS.get("gdtx-hoc-ki")!;
    expect(Object.isFrozen(set) && Object.isFrozen(set.indicators) && Object.isFrozen(set.indicators[0])).toBe(true);
    expect(() => (set.indicators as { label: string }[])[0]!.label = "khác").toThrow();
  });

  it("an id from a URL never reaches a prototype", () => {
    for (const id of ["constructor", "__proto__", "toString", "hasOwnProperty"]) expect(INDICATOR_SETS.get(id)).toBeUndefined();
  });

  it("a new set is one object: the registry parses it and the checks use it with no other change", () => {
    const registry = indicatorRegistry([...Object.values(FILES), pcgd]);
    const set = registry.get("pcgd-xoa-mu-chu")!;
    expect(registry.list().map((s) => s.id)).toContain("pcgd-xoa-mu-chu");
    expect(set.rules[2]).toMatchObject({ decimals: 0 });
    const ok = { learners: 200, learnersWomen: 120, learnersMen: 80, literate: 187, literacyRate: 94 };
    expect(checkFigures(set, ok)).toEqual({ values: ok });
    expect(checkFigures(set, { ...ok, learnersMen: 81 })).toEqual({
      errors: [{ path: "figures.learners", message: "Số người học xóa mù chữ (200) phải bằng số người học là nữ (120) + số người học là nam (81) = 201" }],
    });
    expect(checkFigures(set, { ...ok, literacyRate: 90 })).toEqual({
      errors: [{ path: "figures.literacyRate", message: "Tỷ lệ biết chữ phải là 187 / 200 = 94%, không phải 90%" }],
    });
    expect(checkFigures(set, { ...ok, budget: 12.5 })).toEqual({ values: { ...ok, budget: 12.5 } });
  });

  it("a second set with a taken id is refused", () => {
    expect(() => indicatorRegistry([hocKi, { ...pcgd, id: "gdtx-hoc-ki" }])).toThrow(/defined twice/);
  });

  const ind = hocKi.indicators[0];
  it.each([
    ["a duplicated indicator", { ...hocKi, indicators: [...hocKi.indicators, ind] }, "indicators.7.id"],
    ["a rule naming an unknown indicator", { ...hocKi, rules: [{ type: "lte", left: "completed", right: "students" }] }, "rules.0.right"],
    ["a sum naming an unknown part", { ...hocKi, rules: [{ type: "sum", total: "enrolled", parts: ["completed", "pupils"] }] }, "rules.0.parts.1"],
    ["a ratio whose target is a count", { ...hocKi, rules: [{ type: "ratio", target: "dropouts", numerator: "completed", denominator: "enrolled", tolerance: 0.1 }] }, "rules.0.target"],
    ["a ratio of a percent", { ...hocKi, rules: [{ type: "ratio", target: "completionRate", numerator: "completionRate", denominator: "enrolled", tolerance: 0.1 }] }, "rules.0"],
    ["two ratios for one target", { ...hocKi, rules: [...hocKi.rules, { type: "ratio", target: "completionRate", numerator: "dropouts", denominator: "enrolled", tolerance: 0.1 }] }, "rules.4.target"],
    ["a sum of percents", { ...hocKi, rules: [{ type: "sum", total: "completionRate", parts: ["completionRate", "completionRate"] }] }, "rules.0"],
    ["an lte of one indicator with itself", { ...hocKi, rules: [{ type: "lte", left: "enrolled", right: "enrolled" }] }, "rules.0"],
    ["a negative tolerance", { ...hocKi, rules: [{ type: "ratio", target: "completionRate", numerator: "completed", denominator: "enrolled", tolerance: -1 }] }, "rules.0.tolerance"],
    ["an unknown rule type", { ...hocKi, rules: [{ type: "gte", left: "enrolled", right: "completed" }] }, "rules.0.type"],
    ["min above max", { ...hocKi, indicators: [{ ...ind, min: 10, max: 5 }] }, "indicators.0.min"],
    ["a count bound in part units", { ...hocKi, indicators: [{ ...ind, max: 10.5 }] }, "indicators.0.max"],
    ["a percent bound over 100", { ...hocKi, indicators: [{ ...hocKi.indicators[3], max: 120 }] }, "indicators.0.max"],
    ["an unknown indicator type", { ...hocKi, indicators: [{ ...ind, type: "money" }] }, "indicators.0.type"],
    ["a dotted indicator id", { ...hocKi, indicators: [{ ...ind, id: "classes.total" }] }, "indicators.0.id"],
    ["an Object.prototype member as an id", { ...hocKi, indicators: [{ ...ind, id: "constructor" }] }, "indicators.0.id"],
    ["a zero maxChangePct", { ...hocKi, indicators: [{ ...ind, maxChangePct: 0 }] }, "indicators.0.maxChangePct"],
    ["no label", { ...hocKi, indicators: [{ ...ind, label: "  " }] }, "indicators.0.label"],
    ["an unknown field", { ...hocKi, colour: "red" }, ""],
    ["an unknown indicator field", { ...hocKi, indicators: [{ ...ind, colour: "red" }] }, "indicators.0"],
    ["no indicators", { ...hocKi, indicators: [], rules: [] }, "indicators"],
    ["an upper-case set id", { ...hocKi, id: "GDTX" }, "id"],
  ])("a set with %s is refused, naming where", (_what, input, path) => {
    const issues = issuesOf(input);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.map((i) => i.split(": ")[0])).toContain(path);
  });
});
