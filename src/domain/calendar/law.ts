// The days off the law gives every year (Bộ luật Lao động 2019, art. 112; DESIGN.md section 12),
// before any of the government's yearly shifts, which an admin records as overrides.
//
// The lunar dates (Tết, Giỗ Tổ Hùng Vương) come from the Vietnamese lunar calendar, computed at
// UTC+7 by @dqcai/vn-lunar: in some years it differs from the Chinese one (UTC+8), e.g. Tết 2007
// is 17 February in Viet Nam and 18 February in China. The rules on top are ours.
import { getSolarDate } from "@dqcai/vn-lunar";

export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2100;

export type LawDay = { date: string; name: string };

const DAY_MS = 86_400_000;
const iso = (y: number, m: number, d: number) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;

/** "YYYY-MM-DD" shifted by whole days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** A real calendar date "YYYY-MM-DD" (2025-02-30 is not). */
export function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s;
}

export const yearInRange = (year: number) => Number.isInteger(year) && year >= FIRST_YEAR && year <= LAST_YEAR;

/** Date order ("YYYY-MM-DD" sorts as text), for Array.prototype.sort. */
const byDate = (a: LawDay, b: LawDay) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0);

/** 0 = Sunday ... 6 = Saturday. */
export const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
export const isWeekend = (date: string) => {
  const d = weekday(date);
  return d === 0 || d === 6;
};

/** The solar date of a lunar day (month 1-12, not a leap month) of a lunar year. */
function solarOf(lunarDay: number, lunarMonth: number, lunarYear: number): string {
  const s = getSolarDate(lunarDay, lunarMonth, lunarYear, false);
  return iso(s.year, s.month, s.day);
}

/** The statutory holidays of a (Gregorian) year, each with its Vietnamese name, in date order. */
function holidaysOf(year: number): LawDay[] {
  const tet = solarOf(1, 1, year);
  const days: LawDay[] = [
    { date: iso(year, 1, 1), name: "Tết Dương lịch" },
    // The last day of the lunar year (29 or 30 tháng Chạp) is the day before lunar 1/1.
    { date: addDays(tet, -1), name: "Tết Nguyên Đán (ngày cuối năm Âm lịch)" },
    { date: tet, name: "Tết Nguyên Đán (mùng 1 Tết)" },
    { date: addDays(tet, 1), name: "Tết Nguyên Đán (mùng 2 Tết)" },
    { date: addDays(tet, 2), name: "Tết Nguyên Đán (mùng 3 Tết)" },
    { date: addDays(tet, 3), name: "Tết Nguyên Đán (mùng 4 Tết)" },
    { date: solarOf(10, 3, year), name: "Giỗ Tổ Hùng Vương (10/3 Âm lịch)" },
    { date: iso(year, 4, 30), name: "Ngày Chiến thắng (30/4)" },
    { date: iso(year, 5, 1), name: "Ngày Quốc tế Lao động (1/5)" },
    { date: iso(year, 9, 2), name: "Quốc khánh (2/9)" },
    { date: iso(year, 9, 3), name: "Quốc khánh (3/9)" },
  ];
  return days.sort(byDate);
}

const cache = new Map<number, LawDay[]>();

/**
 * Every weekday the law takes off in a year: the holidays that fall on a weekday, and for each that
 * falls on a Saturday or Sunday a day off in lieu (nghỉ bù) on the next working day after it,
 * skipping other holidays and days already given in lieu (so a Tết spanning a weekend yields as
 * many days after it). A day in lieu that lands in January of the next year belongs to that year.
 */
export function lawDaysOff(year: number): LawDay[] {
  const known = cache.get(year);
  if (known) return known;
  // The previous year's weekend holidays (a Tết at the very end of December cannot happen, but
  // 31 December's neighbours can push a day in lieu into this year) are taken into account.
  const holidays = [...holidaysOf(year - 1), ...holidaysOf(year), ...holidaysOf(year + 1)];
  const holidayDates = new Set(holidays.map((h) => h.date));
  const taken = new Set<string>();
  const out: LawDay[] = [];
  for (const h of holidays) {
    if (!isWeekend(h.date)) {
      out.push(h);
      continue;
    }
    let d = addDays(h.date, 1);
    while (isWeekend(d) || holidayDates.has(d) || taken.has(d)) d = addDays(d, 1);
    taken.add(d);
    out.push({ date: d, name: `Nghỉ bù ${h.name}` });
  }
  const mine = out.filter((d) => d.date.startsWith(`${String(year).padStart(4, "0")}-`)).sort(byDate);
  cache.set(year, mine);
  return mine;
}
