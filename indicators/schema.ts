// The shape of an indicator set (DESIGN.md section 11): the figures a unit reports each period,
// and the rules between them. Sets are data: every file in this folder is parsed by this schema
// when the registry loads it, and a test parses every set again.
import { z } from "zod";

export const INDICATOR_TYPES = ["count", "decimal", "percent"] as const;

// An indicator's id is a key in a report's `figures` and the last segment of an error path
// ("figures.completionRate"): no dots, nothing that reads as an Object.prototype member.
const RESERVED_IDS = new Set(Object.getOwnPropertyNames(Object.prototype));

export const indicatorIdSchema = z
  .string()
  .regex(/^[a-z][A-Za-z0-9]{0,63}$/, "an indicator id is camelCase ASCII, at most 64 characters")
  .refine((id) => !RESERVED_IDS.has(id), "an indicator id may not be an Object.prototype member");

export const indicatorSchema = z
  .strictObject({
    id: indicatorIdSchema,
    // Shown to people, in Vietnamese; also the subject of every error message about the figure.
    label: z.string().trim().min(1).max(200),
    // What exactly is counted, for forms ("từ 18 tuổi trở lên").
    description: z.string().trim().min(1).max(1000).optional(),
    // count: a whole number of people or things; decimal: any number; percent: 0 to 100.
    type: z.enum(INDICATOR_TYPES),
    // The unit after a number: "lớp", "học viên", "%".
    unitLabel: z.string().trim().min(1).max(40),
    min: z.number().optional(),
    max: z.number().optional(),
    required: z.boolean(),
    // A value that moves more than this (in percent of the previous period's value) is a warning.
    maxChangePct: z.number().positive().max(100_000).optional(),
  })
  .superRefine((ind, ctx) => {
    if (ind.min !== undefined && ind.max !== undefined && ind.min > ind.max) {
      ctx.addIssue({ code: "custom", path: ["min"], message: "min is above max" });
    }
    if (ind.type === "count") {
      for (const key of ["min", "max"] as const) {
        const v = ind[key];
        if (v !== undefined && (!Number.isInteger(v) || v < 0)) {
          ctx.addIssue({ code: "custom", path: [key], message: "a count's bounds are whole numbers, not negative" });
        }
      }
    }
    if (ind.type === "percent") {
      for (const key of ["min", "max"] as const) {
        const v = ind[key];
        if (v !== undefined && (v < 0 || v > 100)) ctx.addIssue({ code: "custom", path: [key], message: "a percent's bounds are within 0..100" });
      }
    }
  });

/** `left` <= `right` (completed <= enrolled). */
export const lteRuleSchema = z.strictObject({
  type: z.literal("lte"),
  left: indicatorIdSchema,
  right: indicatorIdSchema,
});

/**
 * The stated percent `target` equals numerator / denominator * 100, rounded to `decimals`, within
 * `tolerance` percentage points (0.1: 98,5% and 98,7% pass for a computed 98,6%).
 */
export const ratioRuleSchema = z.strictObject({
  type: z.literal("ratio"),
  target: indicatorIdSchema,
  numerator: indicatorIdSchema,
  denominator: indicatorIdSchema,
  tolerance: z.number().min(0).max(100),
  decimals: z.number().int().min(0).max(4).default(1),
});

/** `total` equals the sum of `parts`. */
export const sumRuleSchema = z.strictObject({
  type: z.literal("sum"),
  total: indicatorIdSchema,
  parts: z.array(indicatorIdSchema).min(2).max(50),
});

export const indicatorRuleSchema = z.discriminatedUnion("type", [lteRuleSchema, ratioRuleSchema, sumRuleSchema]);

export const indicatorSetSchema = z
  .strictObject({
    // In URLs (/api/v1/indicator-sets/gdtx-hoc-ki) and on every period that uses the set.
    id: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, "a set id is lower-case ASCII words joined by '-', at most 64 characters"),
    version: z.number().int().positive().optional(),
    label: z.string().trim().min(1).max(200),
    description: z.string().trim().min(1).max(2000).optional(),
    indicators: z.array(indicatorSchema).min(1).max(200),
    rules: z.array(indicatorRuleSchema).max(200),
  })
  .superRefine((set, ctx) => {
    const byId = new Map<string, z.output<typeof indicatorSchema>>();
    set.indicators.forEach((ind, i) => {
      if (byId.has(ind.id)) ctx.addIssue({ code: "custom", path: ["indicators", i, "id"], message: `duplicate indicator ${ind.id}` });
      byId.set(ind.id, ind);
    });
    const ratioTargets = new Set<string>();
    set.rules.forEach((rule, i) => {
      const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path: ["rules", i, ...path], message });
      const refs: [string, (string | number)[]][] =
        rule.type === "lte"
          ? [[rule.left, ["left"]], [rule.right, ["right"]]]
          : rule.type === "ratio"
            ? [[rule.target, ["target"]], [rule.numerator, ["numerator"]], [rule.denominator, ["denominator"]]]
            : [[rule.total, ["total"]], ...rule.parts.map((p, j): [string, (string | number)[]] => [p, ["parts", j]])];
      let known = true;
      for (const [id, path] of refs) {
        if (!byId.has(id)) {
          issue(path, `unknown indicator ${id}`);
          known = false;
        }
      }
      if (new Set(refs.map(([id]) => id)).size !== refs.length) issue([], "a rule names one indicator twice");
      if (!known) return;
      const type = (id: string) => byId.get(id)!.type;
      if (rule.type === "ratio") {
        if (type(rule.target) !== "percent") issue(["target"], "a ratio's target is a percent");
        if (type(rule.numerator) === "percent" || type(rule.denominator) === "percent") issue([], "a ratio's numerator and denominator are not percents");
        if (ratioTargets.has(rule.target)) issue(["target"], `${rule.target} is the target of two ratios`);
        ratioTargets.add(rule.target);
      }
      if (rule.type === "sum") {
        if (type(rule.total) === "percent") issue(["total"], "percents do not add up");
        if (rule.parts.some((p) => type(p) !== type(rule.total))) issue(["parts"], "a sum's parts have the type of its total");
      }
      if (rule.type === "lte" && type(rule.left) !== type(rule.right)) issue([], "lte compares indicators of one type");
    });
  });

export type IndicatorSet = z.output<typeof indicatorSetSchema>;
/** What a file in this folder writes (rule defaults such as a ratio's `decimals` may be left out). */
export type IndicatorSetInput = z.input<typeof indicatorSetSchema>;
export type Indicator = IndicatorSet["indicators"][number];
export type IndicatorRule = IndicatorSet["rules"][number];
export type IndicatorType = (typeof INDICATOR_TYPES)[number];
