// The working calendar's rules (src/domain/calendar): the law's days off, Tết from the Vietnamese
// lunar calendar, days in lieu, overrides, and the due-time and working-hours arithmetic.
import { describe, expect, it } from "vitest";
import { isCalendarDate, lawDaysOff, parseCalendarDate, parseWorkingDays, parseYear, vnDateOf, vnWallClock, WorkingCalendar } from "../src/domain/calendar";

const off = (year: number) => Object.fromEntries(lawDaysOff(year).map((d) => [d.date, d.name]));

describe("the law's days off", () => {
  it("Tết 2025: the last day of the lunar year to mùng 4, and a day in lieu for the Saturday", () => {
    const days = off(2025);
    for (const d of ["2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31"]) expect(days[d], d).toMatch(/^Tết Nguyên Đán/);
    // Mùng 4 Tết is Saturday 1 February: not a weekday off itself, but Monday 3 February is.
    expect(days["2025-02-01"]).toBeUndefined();
    expect(days["2025-02-03"]).toBe("Nghỉ bù Tết Nguyên Đán (mùng 4 Tết)");
    expect(days["2025-01-27"]).toBeUndefined();
    expect(days["2025-02-04"]).toBeUndefined();
  });

  it("Tết 2007 follows the Vietnamese lunar calendar (17 February), not the Chinese one (18 February)", () => {
    const cal = new WorkingCalendar();
    expect(off(2007)["2007-02-16"]).toBe("Tết Nguyên Đán (ngày cuối năm Âm lịch)");
    // Mùng 1 is Saturday 17 February in Viet Nam; mùng 3 and mùng 4 are Monday and Tuesday.
    expect(off(2007)["2007-02-19"]).toBe("Tết Nguyên Đán (mùng 3 Tết)");
    expect(off(2007)["2007-02-20"]).toBe("Tết Nguyên Đán (mùng 4 Tết)");
    // In lieu of the Saturday and Sunday (mùng 1, mùng 2): Wednesday and Thursday.
    expect(off(2007)["2007-02-21"]).toBe("Nghỉ bù Tết Nguyên Đán (mùng 1 Tết)");
    expect(off(2007)["2007-02-22"]).toBe("Nghỉ bù Tết Nguyên Đán (mùng 2 Tết)");
    expect(cal.isWorkingDay("2007-02-23")).toBe(true);
    // By the Chinese calendar mùng 4 would be Wednesday 21 and Friday 16 a working day.
    expect(cal.isWorkingDay("2007-02-16")).toBe(false);
  });

  it("the first and last years of the range: Tết 2000 on 5 February, Tết 2100 on 9 February", () => {
    expect(off(2000)["2000-02-04"]).toBe("Tết Nguyên Đán (ngày cuối năm Âm lịch)");
    expect(off(2100)["2100-02-08"]).toBe("Tết Nguyên Đán (ngày cuối năm Âm lịch)");
    expect(off(2100)["2100-02-09"]).toBe("Tết Nguyên Đán (mùng 1 Tết)");
  });

  it("30/4, 1/5, 2/9 and 3/9, and Giỗ Tổ Hùng Vương on lunar 10/3", () => {
    const days = off(2025);
    expect(days["2025-04-30"]).toBe("Ngày Chiến thắng (30/4)");
    expect(days["2025-05-01"]).toBe("Ngày Quốc tế Lao động (1/5)");
    expect(days["2025-09-02"]).toBe("Quốc khánh (2/9)");
    expect(days["2025-09-03"]).toBe("Quốc khánh (3/9)");
    expect(days["2025-04-07"]).toBe("Giỗ Tổ Hùng Vương (10/3 Âm lịch)");
    expect(off(2026)["2026-04-26"]).toBeUndefined(); // Giỗ Tổ 2026 is a Sunday...
    expect(off(2026)["2026-04-27"]).toBe("Nghỉ bù Giỗ Tổ Hùng Vương (10/3 Âm lịch)"); // ...so Monday is off
  });

  it("a weekend holiday gives the next working day off: 30/4/2022 (Sat) and 1/5/2022 (Sun) -> 2/5 and 3/5", () => {
    const days = off(2022);
    expect(days["2022-05-02"]).toBe("Nghỉ bù Ngày Chiến thắng (30/4)");
    expect(days["2022-05-03"]).toBe("Nghỉ bù Ngày Quốc tế Lao động (1/5)");
    expect(off(2022)["2022-01-03"]).toBe("Nghỉ bù Tết Dương lịch"); // 1/1/2022 was a Saturday
  });

  it("every year from 2000 to 2100 has its 11 holidays' worth of weekdays off, each named", () => {
    for (let y = 2000; y <= 2100; y++) {
      const days = lawDaysOff(y);
      for (const d of days) {
        expect(d.date.startsWith(`${y}-`), `${y}: ${d.date}`).toBe(true);
        expect(d.name.length).toBeGreaterThan(3);
        expect([0, 6]).not.toContain(new Date(`${d.date}T00:00:00Z`).getUTCDay());
      }
      // 11 holidays a year, each a weekday or giving one in lieu; a day in lieu may cross into the next year.
      expect(days.length, String(y)).toBeGreaterThanOrEqual(9);
      expect(days.length, String(y)).toBeLessThanOrEqual(13);
    }
  });
});

describe("overrides", () => {
  it("an override wins: a Saturday worked (làm bù) and a weekday off (nghỉ bù), listed with their source", () => {
    const cal = new WorkingCalendar([
      { date: "2025-01-25", working: false, name: "Nghỉ Tết (theo thông báo của Chính phủ)" },
      { date: "2025-02-08", working: true, name: "Làm bù cho ngày 27/01" },
      { date: "2025-01-27", working: false, name: "Nghỉ Tết (hoán đổi)" },
    ]);
    expect(cal.isWorkingDay("2025-02-08")).toBe(true);
    expect(cal.isWorkingDay("2025-01-27")).toBe(false);
    const days = cal.daysOf(2025);
    expect(days.find((d) => d.date === "2025-02-08")).toEqual({ date: "2025-02-08", working: true, name: "Làm bù cho ngày 27/01", source: "override" });
    expect(days.find((d) => d.date === "2025-01-27")).toEqual({ date: "2025-01-27", working: false, name: "Nghỉ Tết (hoán đổi)", source: "override" });
    expect(days.find((d) => d.date === "2025-01-28")?.source).toBe("law");
    // A Saturday off is an ordinary weekend: not listed.
    expect(days.find((d) => d.date === "2025-01-25")).toBeUndefined();
    // An override can also give back a day the law takes off.
    expect(new WorkingCalendar([{ date: "2025-02-03", working: true, name: "Đi làm" }]).isWorkingDay("2025-02-03")).toBe(true);
  });
});

describe("due times", () => {
  const cal = new WorkingCalendar();

  it("counts working days after the day of `from`, and is due at 17:00 in Viet Nam", () => {
    // Tuesday 4 March 2025, 23:30 in Viet Nam (16:30 UTC): the day of `from` is the 4th.
    const r = cal.due("2025-03-04T16:30:00.000Z", 2);
    expect(r.workingDaysCounted).toEqual(["2025-03-05", "2025-03-06"]);
    expect(r.dueAt).toBe("2025-03-06T10:00:00.000Z");
    // 17:30 UTC is already Wednesday 5 March in Viet Nam.
    expect(cal.due("2025-03-04T17:30:00.000Z", 1).workingDaysCounted).toEqual(["2025-03-06"]);
  });

  it("a report submitted the Friday before Tết 2025 is not due during it", () => {
    const r = cal.due("2025-01-24T03:00:00.000Z", 3);
    expect(r.workingDaysCounted).toEqual(["2025-01-27", "2025-02-04", "2025-02-05"]);
    expect(r.dueAt).toBe("2025-02-05T10:00:00.000Z");
  });

  it("across the year boundary, over Tết Dương lịch", () => {
    expect(cal.due("2025-12-30T02:00:00.000Z", 3).workingDaysCounted).toEqual(["2025-12-31", "2026-01-02", "2026-01-05"]);
  });

  it("with a Saturday worked by override", () => {
    const withSat = new WorkingCalendar([{ date: "2025-03-08", working: true, name: "Làm bù" }]);
    expect(withSat.due("2025-03-06T02:00:00.000Z", 2).workingDaysCounted).toEqual(["2025-03-07", "2025-03-08"]);
  });

  it("reminders at 08:00 of the due day; nothing is sent on a day off before 08:00 of the next working day", () => {
    expect(cal.reminderAt("2025-02-05T10:00:00.000Z")).toBe("2025-02-05T01:00:00.000Z");
    // Due passed on Friday 24 January at 17:00: sendable at once (a working day).
    expect(cal.sendableAt("2025-01-24T10:00:00.000Z")).toBe("2025-01-24T10:00:00.000Z");
    // An escalation falling on Tết waits for Tuesday 4 February, 08:00.
    expect(cal.sendableAt("2025-01-29T05:00:00.000Z")).toBe("2025-02-04T01:00:00.000Z");
  });

  it("working hours count 08:00-17:00 of working days only", () => {
    // Friday 16:00 -> Monday 09:00 (Viet Nam): 1 h on Friday, 1 h on Monday.
    expect(cal.workingHoursBetween("2025-03-07T09:00:00.000Z", "2025-03-10T02:00:00.000Z")).toBe(2);
    // Over Tết 2025: Friday 24 Jan 08:00 -> Tuesday 4 Feb 08:00 is Friday and Monday 27: 18 h.
    expect(cal.workingHoursBetween("2025-01-24T01:00:00.000Z", "2025-02-04T01:00:00.000Z")).toBe(18);
    expect(cal.workingHoursBetween("2025-03-10T02:00:00.000Z", "2025-03-07T09:00:00.000Z")).toBe(0);
  });

  it("dates are checked for real: 2025-02-30 is not one", () => {
    expect(isCalendarDate("2025-02-28")).toBe(true);
    expect(isCalendarDate("2024-02-29")).toBe(true);
    expect(isCalendarDate("2025-02-30")).toBe(false);
    expect(isCalendarDate("2025-2-3")).toBe(false);
    expect(vnDateOf("2025-01-24T17:00:00.000Z")).toBe("2025-01-25");
  });
});

describe("one date, as the calendar sees it", () => {
  const cal = new WorkingCalendar([
    { date: "2025-02-08", working: true, name: "Làm bù cho ngày 27/01/2025" },
    { date: "2025-01-27", working: false, name: "Nghỉ Tết (hoán đổi)" },
    { date: "2025-02-03", working: true, name: "Đi làm" },
  ]);

  it("a law holiday, a day in lieu, an override (on a weekend, a weekday, or a law holiday), an ordinary weekday and weekend", () => {
    expect(cal.day("2025-01-29")).toEqual({ date: "2025-01-29", working: false, name: "Tết Nguyên Đán (mùng 1 Tết)", source: "law" });
    expect(new WorkingCalendar().day("2025-02-03")).toEqual({ date: "2025-02-03", working: false, name: "Nghỉ bù Tết Nguyên Đán (mùng 4 Tết)", source: "law" });
    expect(cal.day("2025-02-08")).toEqual({ date: "2025-02-08", working: true, name: "Làm bù cho ngày 27/01/2025", source: "override" });
    expect(cal.day("2025-01-27")).toEqual({ date: "2025-01-27", working: false, name: "Nghỉ Tết (hoán đổi)", source: "override" });
    expect(cal.day("2025-02-03")).toEqual({ date: "2025-02-03", working: true, name: "Đi làm", source: "override" });
    expect(cal.day("2025-03-12")).toEqual({ date: "2025-03-12", working: true, name: "Ngày làm việc", source: "law" });
    expect(cal.day("2025-03-15")).toEqual({ date: "2025-03-15", working: false, name: "Nghỉ cuối tuần", source: "law" });
  });

  it("agrees with isWorkingDay for every date of a year", () => {
    for (let t = Date.parse("2025-01-01T00:00:00Z"); t <= Date.parse("2025-12-31T00:00:00Z"); t += 86_400_000) {
      const d = new Date(t).toISOString().slice(0, 10);
      expect(cal.day(d).working, d).toBe(cal.isWorkingDay(d));
    }
  });

  it("the wall clock in Viet Nam: 17:30 UTC is 00:30 the next day there", () => {
    expect(vnWallClock("2025-01-24T17:30:00.000Z").slice(0, 16)).toBe("2025-01-25T00:30");
    expect(vnWallClock(new Date("2025-01-24T03:04:05.006Z"))).toBe("2025-01-24T10:04:05.006");
  });
});

describe("what a typed number or date may look like: plain decimal digits only", () => {
  it.each(["0x10", "1e2", " 5 ", "5 ", "+3", "-3", "1.0", "1.5", "", "ba", "0b11", "Infinity", "５"])("workingDays %j is refused", (s) => {
    expect(parseWorkingDays(s)).toEqual({ error: "Số ngày làm việc phải là số nguyên từ 1 đến 250" });
  });

  it.each([
    ["1", 1],
    ["05", 5],
    ["250", 250],
  ])("workingDays %j is %i", (s, n) => {
    expect(parseWorkingDays(s)).toEqual({ value: n });
  });

  it.each(["2e3", "0x7D0", " 2025", "2025 ", "+2025", "2025.0", "1999", "2101", "99999999999999999999"])("year %j is refused", (s) => {
    expect(parseYear(s)).toEqual({ error: "Năm phải là số nguyên từ 2000 đến 2100" });
  });

  it("a year, and a date", () => {
    expect(parseYear("2025")).toEqual({ value: 2025 });
    expect(parseCalendarDate("2025-02-08")).toEqual({ value: "2025-02-08" });
    expect(parseCalendarDate("2025-02-30")).toEqual({ error: "Ngày này không có trên lịch" });
    expect(parseCalendarDate("2101-01-01")).toEqual({ error: "Lịch chỉ có các năm từ 2000 đến 2100" });
    expect(parseCalendarDate("2025-2-8")).toEqual({ error: "Ngày phải có dạng YYYY-MM-DD, ví dụ 2025-02-08" });
  });
});
