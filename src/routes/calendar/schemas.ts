// Request and response shapes of the calendar API (DESIGN.md section 12), shared with the admin
// page so that a form and a JSON request are held to the same rules and the same messages.
import { z } from "@hono/zod-openapi";
import { FIRST_YEAR, isCalendarDate, LAST_YEAR, yearInRange } from "../../domain/calendar";
import { singleLineText } from "../../domain/text";

/** About a year of working days: anything longer is a typo, not a deadline. */
export const MAX_WORKING_DAYS = 250;

export const CALENDAR_MESSAGES = {
  year: `Năm phải là số nguyên từ ${FIRST_YEAR} đến ${LAST_YEAR}`,
  dateFormat: "Ngày phải có dạng YYYY-MM-DD, ví dụ 2025-02-08",
  dateImpossible: "Ngày này không có trên lịch",
  dateRange: `Lịch chỉ có các năm từ ${FIRST_YEAR} đến ${LAST_YEAR}`,
  fromFormat: "Thời điểm bắt đầu phải là ngày giờ ISO 8601 có múi giờ (Z hoặc ±hh:mm), ví dụ 2025-01-24T10:00:00+07:00",
  fromPlus: "Dấu + của múi giờ đã bị đọc thành dấu cách: trong đường dẫn hãy viết %2B (ví dụ 10:00:00%2B07:00)",
  fromImpossible: "Ngày giờ này không có thật",
  workingDays: `Số ngày làm việc phải là số nguyên từ 1 đến ${MAX_WORKING_DAYS}`,
  dueBeyond: `Hạn tính ra rơi sau năm ${LAST_YEAR}, ngoài phạm vi của lịch`,
  name: "Cần ghi lý do (tên ngày nghỉ hoặc căn cứ làm bù)",
} as const;

/** A real date of the calendar's years, "YYYY-MM-DD". */
export const calendarDate = z.string().superRefine((s, ctx) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) ctx.addIssue({ code: "custom", message: CALENDAR_MESSAGES.dateFormat });
  else if (!isCalendarDate(s)) ctx.addIssue({ code: "custom", message: CALENDAR_MESSAGES.dateImpossible });
  else if (!yearInRange(Number(s.slice(0, 4)))) ctx.addIssue({ code: "custom", message: CALENDAR_MESSAGES.dateRange });
});

export const DateParam = z.object({
  date: calendarDate.openapi({ param: { name: "date", in: "path" }, example: "2025-02-08", description: `A date from ${FIRST_YEAR}-01-01 to ${LAST_YEAR}-12-31` }),
});

export const yearQuery = z.coerce
  .number({ error: CALENDAR_MESSAGES.year })
  .int(CALENDAR_MESSAGES.year)
  .min(FIRST_YEAR, CALENDAR_MESSAGES.year)
  .max(LAST_YEAR, CALENDAR_MESSAGES.year);

// ISO 8601 date-time with a zone: date, 'T', hh:mm[:ss[.fraction]], then Z or ±hh:mm.
const ZONED = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))$/;
// The same with its '+' turned into a space, as a '+' in a query string is read.
const PLUS_AS_SPACE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)? \d{2}:\d{2}$/;

/**
 * The instant of an ISO 8601 date-time with a zone, or a reason it is not one. Parsed by hand
 * rather than by Date.parse, which accepts forms without a zone (read as local or UTC depending on
 * the form) and rolls impossible dates such as 30 February over into March in some engines.
 */
export function parseZonedDateTime(s: string): { at: Date } | { error: string } {
  const m = ZONED.exec(s);
  if (!m) return { error: PLUS_AS_SPACE.test(s) ? CALENDAR_MESSAGES.fromPlus : CALENDAR_MESSAGES.fromFormat };
  const [, y, mo, d, h, mi, sec = "0", frac = "0", , sign, oh = "0", om = "0"] = m;
  if (!isCalendarDate(`${y}-${mo}-${d}`) || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59 || Number(oh) > 14 || Number(om) > 59) {
    return { error: CALENDAR_MESSAGES.fromImpossible };
  }
  const offsetMs = (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  const ms = Math.floor(Number(`0.${frac}`) * 1000);
  return { at: new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), ms) - offsetMs) };
}

export const fromQuery = z
  .string()
  .max(64, CALENDAR_MESSAGES.fromFormat)
  .superRefine((s, ctx) => {
    const parsed = parseZonedDateTime(s);
    if ("error" in parsed) ctx.addIssue({ code: "custom", message: parsed.error });
  });

export const workingDaysQuery = z.coerce
  .number({ error: CALENDAR_MESSAGES.workingDays })
  .int(CALENDAR_MESSAGES.workingDays)
  .min(1, CALENDAR_MESSAGES.workingDays)
  .max(MAX_WORKING_DAYS, CALENDAR_MESSAGES.workingDays);

export const DueQuery = z.strictObject({
  from: fromQuery.openapi({ example: "2025-01-24T10:00:00+07:00", description: "ISO 8601 date-time with Z or ±hh:mm (write + as %2B in a URL)" }),
  workingDays: workingDaysQuery.openapi({ example: 3, description: `1 to ${MAX_WORKING_DAYS}` }),
});

export const SetDay = z
  .strictObject({
    working: z.boolean().openapi({ description: "true: a working day (làm bù), false: a day off (nghỉ bù, nghỉ lễ)" }),
    name: singleLineText(200).min(1, CALENDAR_MESSAGES.name).openapi({ example: "Làm bù cho ngày 27/01/2025 (Quyết định của Thủ tướng)" }),
  })
  .openapi("SetCalendarDay");

const Person = z.object({ id: z.string(), name: z.string() });

export const CalendarDaySchema = z
  .object({
    date: z.string(),
    working: z.boolean(),
    name: z.string(),
    source: z.enum(["law", "override"]),
  })
  .openapi("CalendarDay");

export const OverrideSchema = z
  .object({
    date: z.string(),
    working: z.boolean(),
    name: z.string(),
    updatedBy: Person.optional(),
    updatedAt: z.string(),
  })
  .openapi("CalendarOverride");

/** A date as it now is, after a PUT (the override) or a DELETE (back to the law). */
export const DayStateSchema = CalendarDaySchema.extend({
  updatedBy: Person.optional(),
  updatedAt: z.string().optional(),
}).openapi("CalendarDayState", { description: "For an ordinary date the name says so (Ngày làm việc / Nghỉ cuối tuần) and source is law" });

export const CalendarYearSchema = z
  .object({ year: z.number().int(), days: z.array(CalendarDaySchema), overrides: z.array(OverrideSchema) })
  .openapi("CalendarYear");

export const DueSchema = z
  .object({
    dueAt: z.string().openapi({ description: "17:00 Asia/Ho_Chi_Minh on the last day counted, as an ISO 8601 instant (UTC)" }),
    workingDaysCounted: z.array(z.string()).openapi({ description: "The working days counted, after the day of `from`, in order" }),
  })
  .openapi("CalendarDue");

export const OverrideEventSchema = z
  .object({
    id: z.string(),
    date: z.string(),
    action: z.enum(["put", "delete"]),
    working: z.boolean().openapi({ description: "put: what the date was set to; delete: what was dropped" }),
    name: z.string(),
    actor: Person,
    createdAt: z.string(),
  })
  .openapi("CalendarOverrideEvent");
