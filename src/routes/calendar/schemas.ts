// Request and response shapes of the calendar API (DESIGN.md section 12). The fields are built
// from the domain's parsers and messages (src/domain/calendar/input.ts), which the admin page's
// forms use too: a form and a JSON request are held to the same rules and the same messages.
import { z } from "@hono/zod-openapi";
import { CALENDAR_MESSAGES, FIRST_YEAR, LAST_YEAR, MAX_WORKING_DAYS, overrideName, parseCalendarDate, parseWorkingDays, parseYear, parseZonedDateTime, type Parsed } from "../../domain/calendar";

/** A text field read by one of the domain's parsers: its value, or a 422 naming the field with the parser's message. */
function parsedBy<T>(parse: (s: string) => Parsed<T>, missing: string) {
  return z.string({ error: missing }).transform((s, ctx) => {
    const r = parse(s);
    if ("error" in r) {
      ctx.addIssue({ code: "custom", message: r.error });
      return z.NEVER;
    }
    return r.value;
  });
}

/** A real date of the calendar's years, "YYYY-MM-DD". */
export const calendarDate = parsedBy(parseCalendarDate, CALENDAR_MESSAGES.dateFormat);

export const DateParam = z.object({
  date: calendarDate.openapi({ param: { name: "date", in: "path" }, type: "string", format: "date", example: "2025-02-08", description: `A date from ${FIRST_YEAR}-01-01 to ${LAST_YEAR}-12-31` }),
});

/** A year, written as plain decimal digits ("2e3" and "0x7D0" are not years). */
export const yearQuery = parsedBy(parseYear, CALENDAR_MESSAGES.year).openapi({ type: "string", pattern: "^[0-9]+$" });

export const fromQuery = z
  .string({ error: CALENDAR_MESSAGES.fromFormat })
  .max(64, CALENDAR_MESSAGES.fromFormat)
  .superRefine((s, ctx) => {
    const parsed = parseZonedDateTime(s);
    if ("error" in parsed) ctx.addIssue({ code: "custom", message: parsed.error });
  });

/** A count of working days, written as plain decimal digits ("1e2", "0x10", " 5 " and "+3" are refused). */
export const workingDaysQuery = parsedBy(parseWorkingDays, CALENDAR_MESSAGES.workingDays);

export const DueQuery = z.strictObject({
  from: fromQuery.openapi({ example: "2025-01-24T10:00:00+07:00", description: "ISO 8601 date-time with Z or ±hh:mm (write + as %2B in a URL)" }),
  workingDays: workingDaysQuery.openapi({ type: "string", pattern: "^[0-9]+$", example: "3", description: `1 to ${MAX_WORKING_DAYS}, in plain decimal digits` }),
});

export const SetDay = z
  .strictObject({
    working: z.boolean().openapi({ description: "true: a working day (làm bù), false: a day off (nghỉ bù, nghỉ lễ)" }),
    name: overrideName.openapi({ example: "Làm bù cho ngày 27/01/2025 (Quyết định của Thủ tướng)" }),
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
    updatedBy: Person.optional().openapi({ description: "Who set it: for an admin only, as the audit trail is" }),
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
