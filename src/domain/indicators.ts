// A report's figures checked against its indicator set (DESIGN.md section 11): each value on its
// own, then the set's rules between values, then the change from the previous period. Pure: the
// set and the figures come in, field errors and warnings go out, in Vietnamese with Vietnamese
// numbers ("13.001 / 13.184 = 98,6%").
import type { Indicator, IndicatorRule, IndicatorSet } from "../../indicators/schema";
import { viNumber } from "./vi-format";
import { cleanMultiLine, isWellFormedText, TEXT_MESSAGES } from "./text";

/** A field error as the API's problem details carry it: `figures.<indicatorId>` or `figureNotes.<indicatorId>`. */
export type FigureError = { path: string; message: string };

/** Valid figures: indicator id -> value, only the indicators given. */
export type FigureValues = Record<string, number>;

export type FigureCheck = {
  indicatorId: string;
  previous: number;
  current: number;
  /** Change from the previous value in percent of it, one decimal; null when the previous value was 0. */
  changePct: number | null;
  severity: "warning";
};

/** The longest explanation of one figure, in characters. */
export const NOTE_MAX_LENGTH = 2000;

// ---------------------------------------------------------------------------------------------
// Numbers and words

/** Rounds half away from zero to `decimals`, dropping float noise first (24.249999999999996 -> 24.25). */
export function roundTo(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return (Math.sign(x) * Math.round(Number((Math.abs(x) * f).toPrecision(12)))) / f;
}

/** The decimals a value needs to be shown exactly (at most 4): 98.6 -> 1, 13184 -> 0. */
function decimalsOf(x: number): number {
  for (let d = 0; d < 4; d++) if (roundTo(x, d) === x) return d;
  return 4;
}

const num = (x: number, minDecimals = 0) => viNumber(x, Math.max(minDecimals, decimalsOf(x)));

/** A value as people read it: "13.184", "98,6%". */
function show(ind: Indicator, x: number, minDecimals = 0): string {
  return ind.type === "percent" ? `${num(x, minDecimals)}%` : num(x, minDecimals);
}

/** A bound with its unit: "100.000 học viên", "100%". */
function showWithUnit(ind: Indicator, x: number): string {
  return ind.type === "percent" ? show(ind, x) : `${show(ind, x)} ${ind.unitLabel}`;
}

/** A label inside a sentence: "Số học viên" -> "số học viên"; "THPT ..." stays as it is. */
function inSentence(label: string): string {
  const [first, second] = [...label];
  return first && second && second === second.toLowerCase() && second !== second.toUpperCase() ? first.toLowerCase() + label.slice(first.length) : label;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Own properties only: a figure named "constructor" or "__proto__" is a figure, not a prototype member. */
const own = (obj: Readonly<Record<string, unknown>>, key: string): unknown => (Object.hasOwn(obj, key) ? obj[key] : undefined);

// ---------------------------------------------------------------------------------------------
// Figures

/** The smallest and largest value an indicator takes: its own bounds, within what its type allows. */
export function boundsOf(ind: Indicator): { min: number | undefined; max: number | undefined } {
  if (ind.type === "count") return { min: ind.min ?? 0, max: ind.max };
  if (ind.type === "percent") return { min: ind.min ?? 0, max: ind.max ?? 100 };
  return { min: ind.min, max: ind.max };
}

/** The error for one value on its own, or null when it may stand. */
function valueError(ind: Indicator, v: unknown): string | null {
  // What was typed is shown back (bounded): a form sends what it could not read as a number as text,
  // and an API client sends a JSON string.
  if (typeof v === "string") return `${ind.label} phải là một số, ví dụ ${ind.type === "count" ? "13.184" : "98,6"}; “${[...v].slice(0, 40).join("")}” không đọc được là số`;
  if (typeof v !== "number") return `${ind.label} phải là một số`;
  if (!Number.isFinite(v)) return `${ind.label} phải là một số hữu hạn`;
  if (ind.type === "count" && !Number.isInteger(v)) return `${ind.label} phải là số nguyên (số ${ind.unitLabel}), không phải ${num(v)}`;
  const { min, max } = boundsOf(ind);
  if (min !== undefined && v < min) {
    return min === 0 ? `${ind.label} không được là số âm (${show(ind, v)})` : `${ind.label} (${show(ind, v)}) không được nhỏ hơn ${showWithUnit(ind, min)}`;
  }
  if (max !== undefined && v > max) return `${ind.label} (${show(ind, v)}) không được lớn hơn ${showWithUnit(ind, max)}`;
  return null;
}

/** The error a rule finds among valid values, or null; a rule with a member missing or invalid is not checked. */
function ruleError(rule: IndicatorRule, byId: ReadonlyMap<string, Indicator>, values: FigureValues): FigureError | null {
  const has = (id: string) => Object.hasOwn(values, id);
  const ind = (id: string) => byId.get(id)!;
  switch (rule.type) {
    case "lte": {
      if (!has(rule.left) || !has(rule.right)) return null;
      const [l, r] = [values[rule.left]!, values[rule.right]!];
      if (l <= r) return null;
      const left = ind(rule.left);
      return {
        path: `figures.${rule.left}`,
        message: `${left.label} (${show(left, l)}) không được lớn hơn ${inSentence(ind(rule.right).label)} (${show(ind(rule.right), r)})`,
      };
    }
    case "ratio": {
      if (!has(rule.target) || !has(rule.numerator) || !has(rule.denominator)) return null;
      const [stated, n, d] = [values[rule.target]!, values[rule.numerator]!, values[rule.denominator]!];
      const target = ind(rule.target);
      const statedText = `${num(stated, rule.decimals)}%`;
      if (d === 0) {
        // No one to count: the rate is stated as 0.
        if (Math.abs(stated) <= rule.tolerance + 1e-9) return null;
        return {
          path: `figures.${rule.target}`,
          message: `${target.label} phải là 0% khi ${inSentence(ind(rule.denominator).label)} bằng 0, không phải ${statedText}`,
        };
      }
      const computed = roundTo((n / d) * 100, rule.decimals);
      // The epsilon absorbs float noise: |98,7 - 98,6| is 0.10000000000000853.
      if (Math.abs(stated - computed) <= rule.tolerance + 1e-9) return null;
      return {
        path: `figures.${rule.target}`,
        message: `${target.label} phải là ${show(ind(rule.numerator), n)} / ${show(ind(rule.denominator), d)} = ${viNumber(computed, rule.decimals)}%, không phải ${statedText}`,
      };
    }
    case "sum": {
      if (!has(rule.total) || !rule.parts.every(has)) return null;
      const total = values[rule.total]!;
      const sum = rule.parts.reduce((acc, id) => acc + values[id]!, 0);
      if (Math.abs(total - sum) <= 1e-9 * Math.max(1, Math.abs(sum))) return null;
      const t = ind(rule.total);
      const parts = rule.parts.map((id) => `${inSentence(ind(id).label)} (${show(ind(id), values[id]!)})`).join(" + ");
      return { path: `figures.${rule.total}`, message: `${t.label} (${show(t, total)}) phải bằng ${parts} = ${show(t, roundTo(sum, 4))}` };
    }
  }
}

/**
 * The figures of a report checked against its set: every value present where required, a finite
 * JSON number (a count whole), within its bounds; then the set's rules; and no figure the set does
 * not define. All errors at once, each naming `figures.<indicatorId>`.
 */
export function checkFigures(set: IndicatorSet, figures: unknown): { values: FigureValues } | { errors: FigureError[] } {
  if (!isRecord(figures)) {
    return { errors: [{ path: "figures", message: `Số liệu phải là một đối tượng dạng {"mã chỉ tiêu": số} theo bộ chỉ tiêu "${set.label}"` }] };
  }
  const byId = new Map(set.indicators.map((ind) => [ind.id, ind]));
  const errors: FigureError[] = [];
  for (const key of Object.keys(figures)) {
    if (!byId.has(key)) errors.push({ path: `figures.${key}`, message: `Bộ chỉ tiêu "${set.label}" không có chỉ tiêu "${key}"` });
  }
  const values: FigureValues = {};
  for (const ind of set.indicators) {
    const v = own(figures, ind.id);
    // null clears an optional figure, as leaving it out does.
    if (v === undefined || v === null) {
      if (ind.required) errors.push({ path: `figures.${ind.id}`, message: `Chưa nhập ${inSentence(ind.label)}` });
      continue;
    }
    const message = valueError(ind, v);
    if (message) errors.push({ path: `figures.${ind.id}`, message });
    else values[ind.id] = v as number;
  }
  for (const rule of set.rules) {
    // A rate is not checked against counts already found wrong (completed > enrolled would
    // otherwise also be told its rate "must be 104,0%").
    if (rule.type === "ratio" && errors.some((e) => e.path === `figures.${rule.numerator}` || e.path === `figures.${rule.denominator}`)) continue;
    const error = ruleError(rule, byId, values);
    if (error) errors.push(error);
  }
  return errors.length > 0 ? { errors } : { values };
}

// ---------------------------------------------------------------------------------------------
// Notes explaining a figure

/**
 * The notes of a report (`figureNotes`): each names an indicator of the set and is text, cleaned
 * as every multi-line field is (line ends as LF, stray controls removed, NFC, trimmed) and at most
 * NOTE_MAX_LENGTH characters. A blank or null note is no note.
 */
export function checkNotes(set: IndicatorSet, notes: unknown): { notes: Record<string, string> } | { errors: FigureError[] } {
  if (notes === undefined || notes === null) return { notes: {} };
  if (!isRecord(notes)) return { errors: [{ path: "figureNotes", message: `Giải trình phải là một đối tượng dạng {"mã chỉ tiêu": "nội dung"}` }] };
  const byId = new Map(set.indicators.map((ind) => [ind.id, ind]));
  const errors: FigureError[] = [];
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(notes)) {
    const path = `figureNotes.${key}`;
    const ind = byId.get(key);
    if (!ind) {
      errors.push({ path, message: `Bộ chỉ tiêu "${set.label}" không có chỉ tiêu "${key}" để giải trình` });
      continue;
    }
    if (v === null) continue;
    if (typeof v !== "string") {
      errors.push({ path, message: `Giải trình cho ${inSentence(ind.label)} phải là văn bản` });
      continue;
    }
    if (!isWellFormedText(v)) {
      errors.push({ path, message: TEXT_MESSAGES.notText });
      continue;
    }
    const text = cleanMultiLine(v).normalize("NFC").trim();
    if (text.length > NOTE_MAX_LENGTH) {
      errors.push({ path, message: `Giải trình cho ${inSentence(ind.label)} dài tối đa ${num(NOTE_MAX_LENGTH)} ký tự (hiện có ${num(text.length)})` });
      continue;
    }
    if (text) out[key] = text;
  }
  return errors.length > 0 ? { errors } : { notes: out };
}

// ---------------------------------------------------------------------------------------------
// Against the previous period

/**
 * Warnings for the values that moved more than their indicator's `maxChangePct` from the same
 * unit's approved values in the previous period of the set. No previous period, or an indicator
 * missing on either side, gives no warning. From 0, any change is a warning (changePct null: no
 * percentage of nothing); 0 to 0 is no change. The change is compared as shown, to one decimal.
 */
export function changeChecks(
  set: IndicatorSet,
  current: Readonly<Record<string, unknown>>,
  previous: Readonly<Record<string, unknown>> | null | undefined,
): FigureCheck[] {
  if (!previous) return [];
  const checks: FigureCheck[] = [];
  for (const ind of set.indicators) {
    if (ind.maxChangePct === undefined) continue;
    const [c, p] = [own(current, ind.id), own(previous, ind.id)];
    if (typeof c !== "number" || typeof p !== "number" || !Number.isFinite(c) || !Number.isFinite(p)) continue;
    if (p === 0) {
      if (c !== 0) checks.push({ indicatorId: ind.id, previous: p, current: c, changePct: null, severity: "warning" });
      continue;
    }
    const changePct = roundTo(((c - p) / Math.abs(p)) * 100, 1);
    if (Math.abs(changePct) > ind.maxChangePct) checks.push({ indicatorId: ind.id, previous: p, current: c, changePct, severity: "warning" });
  }
  return checks;
}

const hasNote = (notes: Readonly<Record<string, unknown>> | null | undefined, id: string) => {
  const note = notes ? own(notes, id) : undefined;
  return typeof note === "string" && note.trim() !== "";
};

/** The ids of the warnings that have no note explaining them, in the order of the checks. */
export function unexplained(checks: readonly FigureCheck[], notes: Readonly<Record<string, unknown>> | null | undefined): string[] {
  return [...new Set(checks.filter((c) => !hasNote(notes, c.indicatorId)).map((c) => c.indicatorId))];
}

/** What a warning says, in Vietnamese: "Số học viên tăng 45,2% so với kỳ trước (10.000 → 14.520), vượt ngưỡng 30%". */
export function describeCheck(set: IndicatorSet, check: FigureCheck): string {
  const ind = set.indicators.find((i) => i.id === check.indicatorId);
  if (!ind) return `Chỉ tiêu "${check.indicatorId}" thay đổi nhiều so với kỳ trước`;
  const values = `(${show(ind, check.previous)} → ${show(ind, check.current)})`;
  if (check.changePct === null) return `${ind.label} từ 0 ${check.current > 0 ? "lên" : "xuống"} ${show(ind, check.current)} so với kỳ trước`;
  const verb = check.changePct > 0 ? "tăng" : "giảm";
  return `${ind.label} ${verb} ${num(Math.abs(check.changePct))}% so với kỳ trước ${values}, vượt ngưỡng ${num(ind.maxChangePct ?? 0)}%`;
}

/** The 422 errors for submitting with warnings left unexplained: one per indicator, naming `figureNotes.<indicatorId>`. */
export function unexplainedErrors(set: IndicatorSet, checks: readonly FigureCheck[], notes: Readonly<Record<string, unknown>> | null | undefined): FigureError[] {
  return unexplained(checks, notes).map((id) => {
    const check = checks.find((c) => c.indicatorId === id)!;
    return { path: `figureNotes.${id}`, message: `${describeCheck(set, check)}: cần ghi giải trình` };
  });
}

/** Whether two reports' figures hold the same values (key order aside); both absent is the same. */
export function sameFigures(a: unknown, b: unknown): boolean {
  if (!isRecord(a) || !isRecord(b)) return !isRecord(a) && !isRecord(b);
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (own(a, k) !== own(b, k)) return false;
  return true;
}
