// What the metrics operations take and give (DESIGN.md section 12).
import { z } from "@hono/zod-openapi";
import { GROUP_BYS, MAX_PERIOD_DAYS, resolvePeriod, type Period } from "../../domain/metrics";
import { ApiError } from "../../errors";

// A date (a whole day in Viet Nam) or an ISO 8601 date-time with its offset; whether the date is
// real and the period sound is resolvePeriod's, so that each problem names its field.
const DATE_OR_DATETIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
const moment = (what: string) =>
  z
    .string()
    .regex(DATE_OR_DATETIME, { message: "Dạng YYYY-MM-DD hoặc ngày giờ ISO 8601 có múi giờ (ví dụ 2025-01-31T17:00:00+07:00)" })
    .optional()
    .openapi({ description: `${what}: a date (that whole day, Asia/Ho_Chi_Minh) or an ISO 8601 date-time with offset` });

export const MetricsQueryFields = {
  from: moment("Start of the period (default: 30 days before `to`)"),
  to: moment("End of the period (default: today)"),
  groupBy: z.enum(GROUP_BYS).default("stage").openapi({ description: "One row per stage, per reviewer, or per unit of the report" }),
};

export const MetricsQuery = z.strictObject(MetricsQueryFields);

export const MetricsRowSchema = z
  .object({
    key: z.string().openapi({ description: "Stage id, reviewer's user id or unit id" }),
    label: z.string().openapi({ description: "Stage label, reviewer's name or unit name (Vietnamese)" }),
    decided: z.number().int().openapi({ description: "Approve and return decisions in the period" }),
    medianWorkingHours: z.number().nullable().openapi({ description: "Median of the working hours (08:00-17:00 of working days) from the stage's start to the decision, 1 decimal" }),
    p90WorkingHours: z.number().nullable().openapi({ description: "90th percentile of the same, 1 decimal (interpolated, as Excel's PERCENTILE.INC)" }),
    onTimePct: z.number().nullable().openapi({ description: "Share of decisions made by the stage's due time (slaWorkingDays on the working calendar), in %" }),
    returnedPct: z.number().nullable().openapi({ description: "Share of decisions that were returns, in %" }),
  })
  .openapi("MetricsRow");

export const MetricsSchema = z
  .object({
    from: z.string().openapi({ description: "Start of the period (inclusive), UTC" }),
    to: z.string().openapi({ description: "End of the period (exclusive), UTC" }),
    groupBy: z.enum(GROUP_BYS),
    rows: z.array(MetricsRowSchema),
  })
  .openapi("Metrics");

/** The period a validated query asks for, or a 422 naming the field (`from` or `to`). */
export function periodOf(q: { from?: string; to?: string }, now = new Date()): Period {
  const resolved = resolvePeriod(q, now);
  if ("issues" in resolved) throw new ApiError("validation_failed", { errors: resolved.issues.map((i) => ({ ...i, in: "query" })) });
  return resolved.period;
}

export const PERIOD_RULE = `from <= to, at most ${MAX_PERIOD_DAYS} days, years 2000-2100`;
