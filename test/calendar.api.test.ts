// The working calendar's API (DESIGN.md section 12): reading a year, the due helper, the admin's
// overrides with their audit trail, and every bad input or refused caller answered with a
// problem+json that leaves both tables exactly as they were.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, expectProblem, json, tokenFor, USERS } from "./helpers/api";

type Day = { date: string; working: boolean; name: string; source: "law" | "override" };

const ADMIN = { id: "00000000-0000-7000-8000-000000000101", name: "Quản trị hệ thống" };

/** Both calendar tables, whole: a refused request must leave them identical. */
async function tables() {
  const overrides = await env.DB.prepare("SELECT * FROM calendar_overrides ORDER BY date").all();
  const events = await env.DB.prepare("SELECT * FROM calendar_override_events ORDER BY id").all();
  return { overrides: overrides.results, events: events.results };
}

const events = async (date: string) =>
  (await env.DB.prepare("SELECT action, working, name, actor_id, actor_name FROM calendar_override_events WHERE date = ? ORDER BY created_at, id").bind(date).all()).results;

const put = async (date: string, body: unknown, who: string = USERS.admin) => call(`/api/v1/calendar/days/${date}`, { method: "PUT", token: await tokenFor(who), json: body });
const del = async (date: string, who: string = USERS.admin) => call(`/api/v1/calendar/days/${date}`, { method: "DELETE", token: await tokenFor(who) });
const year = async (y: number | string, who: string = USERS.quan6) => call(`/api/v1/calendar?year=${y}`, { token: await tokenFor(who) });
const due = async (from: string, n: string | number, who: string = USERS.quan6) =>
  call(`/api/v1/calendar/due?from=${encodeURIComponent(from)}&workingDays=${encodeURIComponent(String(n))}`, { token: await tokenFor(who) });

async function expectField(res: Response, path: string, message?: RegExp) {
  const body = await expectProblem(res, 422, "validation-failed");
  expect(body.errors.map((e: { path: string }) => e.path), JSON.stringify(body)).toContain(path);
  if (message) expect(body.errors.find((e: { path: string }) => e.path === path).message).toMatch(message);
  return body;
}

// Storage is per test file and these tests run in order: the law-only answers come first.
describe("reading the calendar (any signed-in user)", () => {
  it("a year by the law: Tết 2025 with its day in lieu, Giỗ Tổ, 30/4, 1/5, 2/9 and 3/9, each named", async () => {
    const res = await year(2025);
    expect(res.status).toBe(200);
    const body = await json<{ year: number; days: Day[]; overrides: unknown[] }>(res);
    expect(body.year).toBe(2025);
    expect(body.overrides).toEqual([]);
    expect(body.days.map((d) => d.date)).toEqual([
      "2025-01-01",
      "2025-01-28",
      "2025-01-29",
      "2025-01-30",
      "2025-01-31",
      "2025-02-03",
      "2025-04-07",
      "2025-04-30",
      "2025-05-01",
      "2025-09-02",
      "2025-09-03",
    ]);
    for (const d of body.days) expect(d).toMatchObject({ working: false, source: "law" });
    expect(body.days.find((d) => d.date === "2025-02-03")!.name).toBe("Nghỉ bù Tết Nguyên Đán (mùng 4 Tết)");
  });

  it("without a year: the current year in Viet Nam", async () => {
    const body = await json(await call("/api/v1/calendar", { token: await tokenFor(USERS.specialist) }));
    const vnYear = new Date(Date.now() + 7 * 3600_000).getUTCFullYear();
    expect(body.year).toBe(vnYear);
  });

  // Only plain decimal digits: Number() would read 2e3 and 0x7D0 as 2000, and " 2025" or "+2025" as 2025.
  it.each(["1999", "2101", "2025.5", "abc", "", "-2025", "99999999999999999999", "2e3", "0x7D0", "0x7d0", "%202025%20", "%2B2025", "2025.0", "0b11111010000"])("year=%j is a 422 naming year", async (y) => {
    await expectField(await year(y), "year", /2000 đến 2100/);
  });

  it("an unknown query parameter is refused, not ignored", async () => {
    await expectField(await call("/api/v1/calendar?nam=2025", { token: await tokenFor(USERS.quan6) }), "nam");
  });

  it("due across Tết 2025: three working days after Friday 24/01 are 27/01, 04/02 and 05/02, due 17:00 on 05/02", async () => {
    const res = await due("2025-01-24T10:00:00+07:00", 3);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ dueAt: "2025-02-05T10:00:00.000Z", workingDaysCounted: ["2025-01-27", "2025-02-04", "2025-02-05"] });
  });

  it("the day of `from` is its day in Viet Nam, whatever zone it is written in", async () => {
    // 16:30 UTC on Wednesday 22/01 is 23:30 Wednesday in Viet Nam; 17:30 UTC is already Thursday.
    expect((await json(await due("2025-01-22T16:30:00Z", 1))).workingDaysCounted).toEqual(["2025-01-23"]);
    expect((await json(await due("2025-01-22T17:30:00Z", 1))).workingDaysCounted).toEqual(["2025-01-24"]);
    expect((await json(await due("2025-01-22T12:30:00-05:00", 1))).workingDaysCounted).toEqual(["2025-01-24"]);
    expect((await json(await due("2025-01-22T23:59:59.999+07:00", 1))).dueAt).toBe("2025-01-23T10:00:00.000Z");
  });

  it("the last day of the calendar can be counted; the day after it cannot", async () => {
    expect((await json(await due("2100-12-30T09:00:00+07:00", 1))).workingDaysCounted).toEqual(["2100-12-31"]);
    await expectField(await due("2100-12-30T09:00:00+07:00", 2), "workingDays", /sau năm 2100/);
  });
});

describe("bad input: a clear problem, and nothing written", () => {
  const cases: [string, () => Promise<Response>, string, RegExp?][] = [
    ["an impossible date", () => put("2025-02-30", { working: false, name: "Nghỉ" }), "date", /không có trên lịch/],
    ["29 February of a common year", () => put("2025-02-29", { working: false, name: "Nghỉ" }), "date", /không có trên lịch/],
    ["a year before 2000", () => put("1999-12-31", { working: false, name: "Nghỉ" }), "date", /2000 đến 2100/],
    ["a year after 2100", () => put("2101-01-03", { working: true, name: "Làm bù" }), "date", /2000 đến 2100/],
    ["a date in another format", () => put("08-02-2025", { working: true, name: "Làm bù" }), "date", /YYYY-MM-DD/],
    ["a date without zero padding", () => put("2025-2-8", { working: true, name: "Làm bù" }), "date", /YYYY-MM-DD/],
    ["working as text", () => put("2025-02-08", { working: "true", name: "Làm bù" }), "working"],
    ["no working at all", () => put("2025-02-08", { name: "Làm bù" }), "working"],
    ["no name", () => put("2025-02-08", { working: true }), "name"],
    ["a blank name", () => put("2025-02-08", { working: true, name: "   " }), "name", /lý do/],
    ["a name on two lines", () => put("2025-02-08", { working: true, name: "Làm bù\nBcc: x@example.com" }), "name", /xuống dòng/],
    ["a name too long", () => put("2025-02-08", { working: true, name: "L".repeat(201) }), "name"],
    ["an unknown field", () => put("2025-02-08", { working: true, name: "Làm bù", source: "law" }), "source"],
    ["deleting an impossible date", () => del("2025-02-30"), "date", /không có trên lịch/],
    ["deleting a date out of range", () => del("2101-01-01"), "date", /2000 đến 2100/],
    ["from without a time zone", () => due("2025-01-24T10:00:00", 3), "from", /múi giờ/],
    ["from as a bare date", () => due("2025-01-24", 3), "from", /múi giờ/],
    ["from with its + read as a space", async () => call("/api/v1/calendar/due?from=2025-01-24T10:00:00+07:00&workingDays=3", { token: await tokenFor(USERS.quan6) }), "from", /%2B/],
    ["from on an impossible date", () => due("2025-02-30T10:00:00+07:00", 3), "from", /không có thật/],
    ["from at 24:00", () => due("2025-01-24T24:00:00+07:00", 3), "from", /không có thật/],
    ["from before 2000", () => due("1999-12-31T10:00:00+07:00", 3), "from", /2000 đến 2100/],
    ["from that is no date at all", () => due("hôm nay", 3), "from", /múi giờ/],
    ["workingDays zero", () => due("2025-01-24T10:00:00+07:00", 0), "workingDays", /từ 1 đến 250/],
    ["workingDays negative", () => due("2025-01-24T10:00:00+07:00", -3), "workingDays", /từ 1 đến 250/],
    ["workingDays huge", () => due("2025-01-24T10:00:00+07:00", "1000000000000"), "workingDays", /từ 1 đến 250/],
    ["workingDays just over the limit", () => due("2025-01-24T10:00:00+07:00", 251), "workingDays", /từ 1 đến 250/],
    ["workingDays not a number", () => due("2025-01-24T10:00:00+07:00", "ba"), "workingDays", /từ 1 đến 250/],
    ["workingDays a fraction", () => due("2025-01-24T10:00:00+07:00", "1.5"), "workingDays", /từ 1 đến 250/],
    ["workingDays empty", () => due("2025-01-24T10:00:00+07:00", ""), "workingDays", /từ 1 đến 250/],
    // Not plain decimal digits: Number() would read these as 16, 100, 5 and 3.
    ["workingDays in hexadecimal", () => due("2025-01-24T10:00:00+07:00", "0x10"), "workingDays", /từ 1 đến 250/],
    ["workingDays with an exponent", () => due("2025-01-24T10:00:00+07:00", "1e2"), "workingDays", /từ 1 đến 250/],
    ["workingDays with spaces around it", () => due("2025-01-24T10:00:00+07:00", " 5 "), "workingDays", /từ 1 đến 250/],
    ["workingDays with a plus sign", () => due("2025-01-24T10:00:00+07:00", "+3"), "workingDays", /từ 1 đến 250/],
    ["workingDays 3.0", () => due("2025-01-24T10:00:00+07:00", "3.0"), "workingDays", /từ 1 đến 250/],
    ["history of year 2e3", async () => call("/api/v1/calendar/history?year=2e3", { token: await tokenFor(USERS.admin) }), "year", /2000 đến 2100/],
    ["history of year 0x7D0", async () => call("/api/v1/calendar/history?year=0x7D0", { token: await tokenFor(USERS.admin) }), "year", /2000 đến 2100/],
    ["workingDays missing", async () => call("/api/v1/calendar/due?from=2025-01-24T10%3A00%3A00%2B07%3A00", { token: await tokenFor(USERS.quan6) }), "workingDays"],
    ["a due date after 2100", () => due("2100-12-20T10:00:00+07:00", 30), "workingDays", /sau năm 2100/],
  ];

  it.each(cases)("%s", async (_name, send, path, message) => {
    const before = await tables();
    await expectField(await send(), path, message);
    expect(await tables()).toEqual(before);
  });

  it("a PUT that is not JSON, or is malformed JSON, writes nothing either", async () => {
    const before = await tables();
    const token = await tokenFor(USERS.admin);
    await expectProblem(await call("/api/v1/calendar/days/2025-02-08", { method: "PUT", token, body: "working=true&name=x", headers: { "content-type": "application/x-www-form-urlencoded" } }), 415, "unsupported-media-type");
    await expectProblem(await call("/api/v1/calendar/days/2025-02-08", { method: "PUT", token, body: '{"working": true,', headers: { "content-type": "application/json" } }), 400, "malformed-request");
    expect(await tables()).toEqual(before);
  });
});

describe("callers who may not change the calendar", () => {
  const NON_ADMINS = [
    ["author", USERS.quan6],
    ["centre head", USERS.centreHead],
    ["specialist", USERS.specialist],
    ["director", USERS.director],
  ] as const;

  it("without a session every calendar route is a 401, and nothing is written", async () => {
    const before = await tables();
    for (const [method, path, body] of [
      ["GET", "/api/v1/calendar?year=2025"],
      ["GET", "/api/v1/calendar/due?from=2025-01-24T10%3A00%3A00Z&workingDays=3"],
      ["GET", "/api/v1/calendar/history"],
      ["PUT", "/api/v1/calendar/days/2025-02-08", { working: true, name: "Làm bù" }],
      ["DELETE", "/api/v1/calendar/days/2025-02-08"],
    ] as const) {
      await expectProblem(await call(path, { method, json: body }), 401, "unauthenticated");
    }
    expect(await tables()).toEqual(before);
  });

  it.each(NON_ADMINS)("a %s gets 403 for PUT, DELETE and the trail, and the calendar stays as it was", async (_role, email) => {
    // An override the refused DELETE aims at.
    expect((await put("2025-05-02", { working: false, name: "Nghỉ thêm sau 1/5" })).status).toBe(200);
    const before = await tables();
    await expectProblem(await put("2025-05-03", { working: true, name: "Làm bù lén" }, email), 403, "forbidden");
    await expectProblem(await put("2025-05-02", { working: true, name: "Đổi lén" }, email), 403, "forbidden");
    await expectProblem(await del("2025-05-02", email), 403, "forbidden");
    await expectProblem(await call("/api/v1/calendar/history?year=2025", { token: await tokenFor(email) }), 403, "forbidden");
    expect(await tables()).toEqual(before);
    // Reading stays open to them.
    expect((await year(2025, email)).status).toBe(200);
    expect((await due("2025-01-24T10:00:00+07:00", 1, email)).status).toBe(200);
    expect((await del("2025-05-02")).status).toBe(200);
  });
});

describe("overrides (admin) and their audit trail", () => {
  it("a working Saturday: answered as it now is, stored, audited with who and what, and listed with source override", async () => {
    const name = "Làm bù cho ngày 27/01/2025";
    const res = await put("2025-02-08", { working: true, name: `  ${name}  ` });
    expect(res.status).toBe(200);
    const day = await json(res);
    expect(day).toMatchObject({ date: "2025-02-08", working: true, name, source: "override", updatedBy: ADMIN });
    expect(Date.parse(day.updatedAt)).toBeGreaterThan(Date.now() - 60_000);
    const row = await env.DB.prepare("SELECT working, name, updated_by FROM calendar_overrides WHERE date = '2025-02-08'").first();
    expect(row).toEqual({ working: 1, name, updated_by: ADMIN.id });
    expect(await events("2025-02-08")).toEqual([{ action: "put", working: 1, name, actor_id: ADMIN.id, actor_name: ADMIN.name }]);

    const body = await json<{ days: Day[]; overrides: any[] }>(await year(2025, USERS.admin));
    expect(body.days.find((d) => d.date === "2025-02-08")).toEqual({ date: "2025-02-08", working: true, name, source: "override" });
    expect(body.overrides).toContainEqual({ date: "2025-02-08", working: true, name, updatedBy: ADMIN, updatedAt: day.updatedAt });
  });

  it("who set an override is shown to admins only, as the trail is: everyone else reads the date, what it is, why, and when", async () => {
    const forAdmin = await json<{ days: Day[]; overrides: any[] }>(await year(2025, USERS.admin));
    const mine = forAdmin.overrides.find((o) => o.date === "2025-02-08");
    expect(mine.updatedBy).toEqual(ADMIN);
    for (const email of [USERS.quan6, USERS.centreHead, USERS.specialist, USERS.deputy, USERS.director]) {
      const body = await json<{ days: Day[]; overrides: any[] }>(await year(2025, email));
      expect(body.overrides.length, email).toBe(forAdmin.overrides.length);
      for (const o of body.overrides) expect(Object.keys(o).sort(), email).toEqual(["date", "name", "updatedAt", "working"]);
      expect(body.overrides.find((o) => o.date === "2025-02-08")).toEqual({ date: "2025-02-08", working: true, name: mine.name, updatedAt: mine.updatedAt });
      expect(body.days).toEqual(forAdmin.days);
      expect(JSON.stringify(body)).not.toContain(ADMIN.id);
    }
  });

  it("a weekday off, and a law holiday made a working day: the first is listed, the second is an ordinary day again", async () => {
    expect((await put("2025-01-27", { working: false, name: "Nghỉ Tết Ất Tỵ (hoán đổi)" })).status).toBe(200);
    expect((await put("2025-02-03", { working: true, name: "Đi làm (đã nghỉ 27/01 thay)" })).status).toBe(200);
    const body = await json<{ days: Day[]; overrides: { date: string }[] }>(await year(2025));
    expect(body.days.find((d) => d.date === "2025-01-27")).toEqual({ date: "2025-01-27", working: false, name: "Nghỉ Tết Ất Tỵ (hoán đổi)", source: "override" });
    // A working Monday is no longer special, but the override that made it so is still listed.
    expect(body.days.find((d) => d.date === "2025-02-03")).toBeUndefined();
    expect(body.overrides.map((o) => o.date)).toEqual(["2025-01-27", "2025-02-03", "2025-02-08"]);
    // Another year's overrides are not this year's.
    expect((await json(await year(2024))).overrides).toEqual([]);
  });

  it("due across Tết 2025 with the overrides: 27/01 off, 03/02 and Saturday 08/02 worked", async () => {
    // 27/01 is now off too, and Monday 03/02 (the law's day in lieu) is worked instead.
    expect(await json(await due("2025-01-24T10:00:00+07:00", 3))).toEqual({ dueAt: "2025-02-05T10:00:00.000Z", workingDaysCounted: ["2025-02-03", "2025-02-04", "2025-02-05"] });
    expect((await json(await due("2025-01-24T10:00:00+07:00", 1))).dueAt).toBe("2025-02-03T10:00:00.000Z");
    // From Wednesday 05/02, four working days: Thu 06, Fri 07, Saturday 08 (worked), Mon 10.
    expect(await json(await due("2025-02-05T08:00:00+07:00", 4))).toEqual({ dueAt: "2025-02-10T10:00:00.000Z", workingDaysCounted: ["2025-02-06", "2025-02-07", "2025-02-08", "2025-02-10"] });
  });
});

describe("changing and dropping overrides", () => {
  it("the same PUT again changes nothing and records nothing; a new name is a new audit row", async () => {
    const first = await json(await put("2025-12-27", { working: true, name: "Làm bù" }));
    const again = await json(await put("2025-12-27", { working: true, name: "Làm bù" }));
    expect(again).toEqual(first);
    expect(await events("2025-12-27")).toHaveLength(1);
    const renamed = await json(await put("2025-12-27", { working: true, name: "Làm bù cho 02/01/2026" }));
    expect(renamed.name).toBe("Làm bù cho 02/01/2026");
    expect(renamed.updatedAt >= first.updatedAt).toBe(true);
    const flipped = await json(await put("2025-12-27", { working: false, name: "Làm bù cho 02/01/2026" }));
    expect(flipped.working).toBe(false);
    expect((await events("2025-12-27")).map((e: any) => [e.action, e.working, e.name])).toEqual([
      ["put", 1, "Làm bù"],
      ["put", 1, "Làm bù cho 02/01/2026"],
      ["put", 0, "Làm bù cho 02/01/2026"],
    ]);
  });

  it("DELETE gives the date back to the law, records what was dropped, and a second DELETE is a 404 writing nothing", async () => {
    const res = await del("2025-02-03");
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ date: "2025-02-03", working: false, name: "Nghỉ bù Tết Nguyên Đán (mùng 4 Tết)", source: "law" });
    expect((await events("2025-02-03")).at(-1)).toEqual({ action: "delete", working: 1, name: "Đi làm (đã nghỉ 27/01 thay)", actor_id: ADMIN.id, actor_name: ADMIN.name });
    const days = (await json<{ days: Day[] }>(await year(2025))).days;
    expect(days.find((d) => d.date === "2025-02-03")).toMatchObject({ working: false, source: "law" });

    const before = await tables();
    const again = await expectProblem(await del("2025-02-03"), 404, "not-found");
    expect(again.detail).toContain("2025-02-03");
    expect(await tables()).toEqual(before);
  });

  it("an ordinary date's DELETE answers what the law makes of it", async () => {
    await put("2026-03-10", { working: false, name: "Nghỉ đột xuất" });
    expect(await json(await del("2026-03-10"))).toEqual({ date: "2026-03-10", working: true, name: "Ngày làm việc", source: "law" });
    await put("2026-03-14", { working: true, name: "Làm bù" });
    expect(await json(await del("2026-03-14"))).toEqual({ date: "2026-03-14", working: false, name: "Nghỉ cuối tuần", source: "law" });
  });

  it("the trail: an admin reads a year's or a date's changes, by date then oldest first, a page at a time", async () => {
    const token = await tokenFor(USERS.admin);
    const all = await json(await call("/api/v1/calendar/history?year=2025&limit=100", { token }));
    const dates = all.items.map((e: any) => e.date);
    expect(dates).toEqual([...dates].sort());
    expect(all.items.every((e: any) => e.date.startsWith("2025-"))).toBe(true);
    expect(all.items.find((e: any) => e.date === "2025-02-03" && e.action === "delete")).toMatchObject({ working: true, name: "Đi làm (đã nghỉ 27/01 thay)", actor: ADMIN });

    const one = await json(await call("/api/v1/calendar/history?date=2025-12-27", { token }));
    expect(one.items.map((e: any) => e.name)).toEqual(["Làm bù", "Làm bù cho 02/01/2026", "Làm bù cho 02/01/2026"]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await json(await call(`/api/v1/calendar/history?year=2025&limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token }));
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((e: any) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((e: any) => e.id));

    await expectField(await call("/api/v1/calendar/history?date=2025-02-30", { token }), "date");
    await expectField(await call("/api/v1/calendar/history?year=1999", { token }), "year");
  });

  it("the OpenAPI document describes the calendar routes", async () => {
    const doc = await json(await call("/api/v1/openapi.json"));
    for (const path of ["/api/v1/calendar", "/api/v1/calendar/due", "/api/v1/calendar/history", "/api/v1/calendar/days/{date}"]) expect(doc.paths[path], path).toBeDefined();
    expect(Object.keys(doc.paths["/api/v1/calendar/days/{date}"])).toEqual(expect.arrayContaining(["put", "delete"]));
    expect(doc.components.schemas.CalendarDay.properties.source.enum).toEqual(["law", "override"]);
  });
});

describe("the audit trail is append-only", () => {
  it("the database itself refuses to change or remove a row of calendar_override_events", async () => {
    await put("2027-02-06", { working: true, name: "Làm bù (để thử nhật ký)" });
    const before = await tables();
    expect(before.events.length).toBeGreaterThan(0);
    await expect(env.DB.prepare("UPDATE calendar_override_events SET name = 'Sửa lén' WHERE date = '2027-02-06'").run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("UPDATE calendar_override_events SET actor_name = 'Người khác'").run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("DELETE FROM calendar_override_events WHERE date = '2027-02-06'").run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("DELETE FROM calendar_override_events").run()).rejects.toThrow(/append-only/);
    expect(await tables()).toEqual(before);
    // Appending stays possible: dropping the override adds its row.
    expect((await del("2027-02-06")).status).toBe(200);
    expect((await events("2027-02-06")).map((e: any) => e.action)).toEqual(["put", "delete"]);
  });
});
