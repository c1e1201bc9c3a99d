// A period's notices as they travel on the NOTIFICATIONS queue. They share the queue, the consumer
// and the log with the review flow's messages (src/flow/effects.ts) but are about a period, not a
// report: `kind: "period"` tells the consumer which shape to read (report messages carry no kind).
import { z } from "zod";

export const PERIOD_TEMPLATES = ["period_reminder", "period_late", "period_late_summary"] as const;
export type PeriodTemplate = (typeof PERIOD_TEMPLATES)[number];

/** Most unit names one message lists; the rest are counted ("và N đơn vị khác"). */
export const MAX_LISTED_UNITS = 200;

export const PeriodMessageSchema = z.object({
  kind: z.literal("period"),
  id: z.string().min(1).max(300),
  template: z.enum(PERIOD_TEMPLATES),
  periodId: z.string(),
  periodTitle: z.string(),
  dueAt: z.string(),
  userId: z.string(),
  email: z.email(),
  name: z.string(),
  /** The recipient's unit (reminder, late) or the late units (summary to the opener), by name. */
  units: z.array(z.string()).max(MAX_LISTED_UNITS),
  /** Late units beyond those listed (summary only). */
  moreUnits: z.number().int().min(0).default(0),
  /** How many units the period expects (summary only). */
  expected: z.number().int().min(0).default(0),
});
export type PeriodMessage = z.input<typeof PeriodMessageSchema>;

/**
 * The log id of a notice: the period, the kind of notice and the recipient, nothing else. A step
 * that runs again (a retry, a restarted instance, the hourly sweep) writes the same ids, and the
 * log takes each once (INSERT OR IGNORE), so each person hears once.
 */
export const periodNoticeId = (template: PeriodTemplate, periodId: string, userId: string) =>
  `${template === "period_reminder" ? "period-remind" : template === "period_late" ? "period-late" : "period-late-summary"}:${periodId}:${userId}`;
