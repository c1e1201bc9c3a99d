// Request and response shapes of the periods API (DESIGN.md section 11).
import { z } from "@hono/zod-openapi";
import { CALENDAR_MESSAGES, DAY_ENDS_AT, parseCalendarDate, parseZonedDateTime, vnMoment } from "../../domain/calendar";
import { singleLineText } from "../../domain/text";

export const PERIOD_FIELD_MESSAGES = {
  title: "Cần tên kỳ báo cáo",
  when: "Ngày phải có dạng YYYY-MM-DD hoặc ngày giờ ISO 8601 có múi giờ, ví dụ 2025-01-24 hoặc 2025-01-24T17:00:00+07:00",
  order: "Hạn nộp phải sau thời điểm mở kỳ",
  duplicate: "Đơn vị bị lặp lại",
  noUnits: "Cần ít nhất một đơn vị (bỏ trường này để lấy mọi đơn vị bạn phụ trách)",
  tooMany: "Tối đa 2000 đơn vị",
} as const;

/**
 * An ISO 8601 date or zoned date-time, as an instant ("…Z"). A date alone is that day in
 * Asia/Ho_Chi_Minh at `hourIfDate` (a due date: 17:00, the end of the working day; an opening: 00:00).
 */
function instant(hourIfDate: number) {
  return z.string({ error: PERIOD_FIELD_MESSAGES.when }).max(64, PERIOD_FIELD_MESSAGES.when).transform((s, ctx) => {
    if (!s.includes("T")) {
      const d = parseCalendarDate(s);
      if ("value" in d) return vnMoment(d.value, hourIfDate);
      ctx.addIssue({ code: "custom", message: d.error === CALENDAR_MESSAGES.dateFormat ? PERIOD_FIELD_MESSAGES.when : d.error });
      return z.NEVER;
    }
    const t = parseZonedDateTime(s);
    if ("at" in t) return t.at.toISOString();
    ctx.addIssue({ code: "custom", message: t.error === CALENDAR_MESSAGES.fromFormat ? PERIOD_FIELD_MESSAGES.when : t.error });
    return z.NEVER;
  });
}

const unitId = z.string().min(1).max(64);

export const OpenPeriod = z
  .strictObject({
    title: singleLineText(200).min(1, PERIOD_FIELD_MESSAGES.title),
    indicatorSetId: z.string().min(1).max(64).openapi({ example: "gdtx-hoc-ki" }),
    unitIds: z
      .array(unitId)
      .min(1, PERIOD_FIELD_MESSAGES.noUnits)
      .max(2000, PERIOD_FIELD_MESSAGES.tooMany)
      .superRefine((ids, ctx) => {
        const seen = new Set<string>();
        ids.forEach((id, i) => {
          if (seen.has(id)) ctx.addIssue({ code: "custom", path: [i], message: PERIOD_FIELD_MESSAGES.duplicate });
          seen.add(id);
        });
      })
      .optional()
      .openapi({ description: "The units asked to report; by default every active centre and school the opener covers" }),
    opensAt: instant(0).openapi({ type: "string", example: "2025-01-06", description: "ISO 8601; a date alone is 00:00 Asia/Ho_Chi_Minh that day" }),
    dueAt: instant(DAY_ENDS_AT).openapi({ type: "string", example: "2025-01-24", description: "ISO 8601; a date alone is 17:00 Asia/Ho_Chi_Minh that day" }),
  })
  .refine((v) => v.dueAt > v.opensAt, { path: ["dueAt"], message: PERIOD_FIELD_MESSAGES.order })
  .openapi("OpenPeriod");

export const PeriodSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    indicatorSetId: z.string(),
    unitIds: z.array(z.string()).optional().openapi({ description: "The units asked to report (when one period is read)" }),
    unitCount: z.number().int(),
    opensAt: z.string().openapi({ example: "2025-01-05T17:00:00.000Z" }),
    dueAt: z.string().openapi({ example: "2025-01-24T10:00:00.000Z" }),
    status: z.enum(["open", "closed"]),
    openedBy: z.object({ id: z.string(), name: z.string() }),
    createdAt: z.string(),
    closedAt: z.string().nullable(),
    closedBy: z.string().nullable(),
  })
  .openapi("Period");
