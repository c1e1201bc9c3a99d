// What a person or a client may type for the calendar (DESIGN.md section 12), and what they are
// told when it is wrong: ONE set of rules and messages, for the API's request schemas
// (src/routes/calendar/schemas.ts builds its zod fields from these) and the admin page's forms
// (src/web/calendar.tsx), so that a form and a JSON request are held to the same rules.
import { singleLineText } from "../text";
import { FIRST_YEAR, isCalendarDate, LAST_YEAR, yearInRange } from "./law";

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

/** A typed value read, or why it cannot be. */
export type Parsed<T> = { value: T } | { error: string };

// Plain decimal digits and nothing else. Number() alone would also read "0x10" (16), "1e2" (100),
// " 5 " (5), "+3" (3), "3.0" (3) and "0b11" (3); none of those is what a person types for a count.
const DIGITS = /^[0-9]+$/;

/** A whole number from min to max written as plain decimal digits, or null. */
function wholeNumberIn(s: string, min: number, max: number): number | null {
  if (!DIGITS.test(s)) return null;
  const n = Number(s);
  return n >= min && n <= max ? n : null;
}

/** A year of the calendar, FIRST_YEAR to LAST_YEAR. */
export function parseYear(s: string): Parsed<number> {
  const n = wholeNumberIn(s, FIRST_YEAR, LAST_YEAR);
  return n === null ? { error: CALENDAR_MESSAGES.year } : { value: n };
}

/** How many working days the due helper counts: 1 to MAX_WORKING_DAYS. */
export function parseWorkingDays(s: string): Parsed<number> {
  const n = wholeNumberIn(s, 1, MAX_WORKING_DAYS);
  return n === null ? { error: CALENDAR_MESSAGES.workingDays } : { value: n };
}

/** A real date of the calendar's years, "YYYY-MM-DD". */
export function parseCalendarDate(s: string): Parsed<string> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return { error: CALENDAR_MESSAGES.dateFormat };
  if (!isCalendarDate(s)) return { error: CALENDAR_MESSAGES.dateImpossible };
  if (!yearInRange(Number(s.slice(0, 4)))) return { error: CALENDAR_MESSAGES.dateRange };
  return { value: s };
}

/** An override's reason: one line of text, 1 to 200 characters once trimmed (src/domain/text.ts). */
export const overrideName = singleLineText(200).min(1, CALENDAR_MESSAGES.name);

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
