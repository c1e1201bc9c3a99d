/// <reference types="vite/client" />
// The admin's calendar page (/app/admin/calendar): the year's days, adding and removing an
// override through the forms (audited like the API's), the due helper, and who may do what.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, USERS } from "./helpers/api";
import { csrfOf, formPost, ORIGIN, signIn } from "./helpers/web";

const PAGE = "/app/admin/calendar";
const ADMIN_ID = "00000000-0000-7000-8000-000000000101";

let ip = 0;
const session = async (email: string) => {
  const cookie = await signIn(email, `10.77.${++ip}.1`);
  return { cookie, csrf: await csrfOf(cookie, email === USERS.admin ? PAGE : "/app/reports") };
};

async function tables() {
  const overrides = await env.DB.prepare("SELECT * FROM calendar_overrides ORDER BY date").all();
  const events = await env.DB.prepare("SELECT * FROM calendar_override_events ORDER BY id").all();
  return { overrides: overrides.results, events: events.results };
}

const html = async (cookie: string, path: string) => {
  const res = await call(path, { headers: { cookie } });
  expect(res.status, path).toBe(200);
  return res.text();
};

/** The text of the page's notice after a redirect. */
const noticeOf = (res: Response) => new URL(res.headers.get("location")!, ORIGIN).searchParams.get("tb");

describe("the page", () => {
  it("shows the year's days off by the law, dated dd/mm/yyyy with the weekday, in tables that fold on a phone", async () => {
    const { cookie } = await session(USERS.admin);
    const page = await html(cookie, `${PAGE}?nam=2025`);
    expect(page).toContain("Lịch làm việc năm 2025");
    expect(page).toMatch(/<td data-label="Ngày">28\/01\/2025<\/td><td data-label="Thứ">Thứ Ba<\/td><td data-label="Tên ngày \/ lý do">Tết Nguyên Đán \(ngày cuối năm Âm lịch\)<\/td>/);
    expect(page).toContain("Nghỉ bù Tết Nguyên Đán (mùng 4 Tết)");
    expect(page).toContain("Theo luật");
    expect(page).toContain("Chưa có điều chỉnh nào cho năm 2025");
    // Every cell of every table says which column it is.
    const cells = page.match(/<td[ >]/g) ?? [];
    expect(cells.length).toBeGreaterThan(20);
    expect(page.match(/<td data-label="[^"]+"/g)).toHaveLength(cells.length);
    // The admin's navigation leads here, marked as the current page.
    expect(page).toContain('<a href="/app/admin/calendar" aria-current="page">Lịch làm việc</a>');
  });

  it("opens on the current year in Viet Nam; a year out of range says so and shows the current one", async () => {
    const { cookie } = await session(USERS.admin);
    const vnYear = new Date(Date.now() + 7 * 3600_000).getUTCFullYear();
    expect(await html(cookie, PAGE)).toContain(`Lịch làm việc năm ${vnYear}`);
    const page = await html(cookie, `${PAGE}?nam=1999`);
    expect(page).toContain(`Lịch làm việc năm ${vnYear}`);
    expect(page).toContain("Năm phải là số nguyên từ 2000 đến 2100");
    expect(page).toContain('aria-invalid="true"');
  });

  it.each(["2e3", "0x7D0", "%2B2025", "%202025", "2025.0"])("nam=%s is no year (only plain digits are): the message, and the current year", async (nam) => {
    const { cookie } = await session(USERS.admin);
    const vnYear = new Date(Date.now() + 7 * 3600_000).getUTCFullYear();
    const page = await html(cookie, `${PAGE}?nam=${nam}`);
    expect(page).toContain(`Lịch làm việc năm ${vnYear}`);
    expect(page).toContain(`Năm phải là số nguyên từ 2000 đến 2100; đang hiện năm ${vnYear}.`);
  });
});

describe("adding and removing an override through the forms", () => {
  it("a working Saturday is saved, audited, and listed with its reason, who set it and a remove button", async () => {
    const { cookie, csrf } = await session(USERS.admin);
    const res = await call(`${PAGE}/days`, formPost(cookie, { _csrf: csrf, date: "2025-02-08", working: "1", name: "Làm bù cho ngày 27/01/2025" }));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^\/app\/admin\/calendar\?nam=2025&tb=/);
    expect(noticeOf(res)).toBe("Đã lưu: Thứ Bảy, 08/02/2025: ngày làm việc (Làm bù cho ngày 27/01/2025).");
    expect(await env.DB.prepare("SELECT working, name, updated_by FROM calendar_overrides WHERE date = '2025-02-08'").first()).toEqual({ working: 1, name: "Làm bù cho ngày 27/01/2025", updated_by: ADMIN_ID });
    const audit = await env.DB.prepare("SELECT action, working, name, actor_id, actor_name FROM calendar_override_events WHERE date = '2025-02-08'").all();
    expect(audit.results).toEqual([{ action: "put", working: 1, name: "Làm bù cho ngày 27/01/2025", actor_id: ADMIN_ID, actor_name: "Quản trị hệ thống" }]);

    const page = await html(cookie, res.headers.get("location")!);
    expect(page).toContain("Đã lưu: Thứ Bảy, 08/02/2025");
    expect(page).toMatch(/<td data-label="Ngày">08\/02\/2025<\/td><td data-label="Thứ">Thứ Bảy<\/td><td data-label="Tên ngày \/ lý do">Làm bù cho ngày 27\/01\/2025<\/td><td data-label="Loại">Làm việc \(làm bù\)<\/td><td data-label="Nguồn">Điều chỉnh<\/td>/);
    expect(page).toMatch(/<td data-label="Người đặt, lúc">Quản trị hệ thống, \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}<\/td>/);
    expect(page).toContain('action="/app/admin/calendar/days/2025-02-08/xoa"');
    // The trail on the page.
    expect(page).toMatch(/<td data-label="Thao tác">Đặt thành ngày làm việc<\/td><td data-label="Lý do">Làm bù cho ngày 27\/01\/2025<\/td><td data-label="Người thực hiện">Quản trị hệ thống<\/td>/);
  });

  it("the same form again changes nothing and says so", async () => {
    const { cookie, csrf } = await session(USERS.admin);
    const before = await tables();
    const res = await call(`${PAGE}/days`, formPost(cookie, { _csrf: csrf, date: "2025-02-08", working: "1", name: "Làm bù cho ngày 27/01/2025" }));
    expect(noticeOf(res)).toMatch(/^Không có gì thay đổi/);
    expect(await tables()).toEqual(before);
  });

  it.each([
    [{ date: "2025-02-30", working: "0", name: "Nghỉ" }, "Chưa lưu được: Ngày: Ngày này không có trên lịch"],
    [{ date: "2101-01-03", working: "0", name: "Nghỉ" }, "Chưa lưu được: Ngày: Lịch chỉ có các năm từ 2000 đến 2100"],
    [{ date: "", working: "0", name: "Nghỉ" }, "Chưa lưu được: Ngày: Chọn ngày cần điều chỉnh"],
    [{ date: "2025-03-01", working: "", name: "Làm bù" }, "Chưa lưu được: Đặt thành: Chọn ngày nghỉ hoặc ngày làm việc"],
    [{ date: "2025-03-01", working: "1", name: "   " }, "Chưa lưu được: Lý do: Cần ghi lý do (tên ngày nghỉ hoặc căn cứ làm bù)"],
  ])("%j is refused with a message, writing nothing", async (fields, message) => {
    const { cookie, csrf } = await session(USERS.admin);
    const before = await tables();
    const res = await call(`${PAGE}/days`, formPost(cookie, { _csrf: csrf, ...fields }));
    expect(res.status).toBe(303);
    expect(noticeOf(res)).toBe(message);
    expect(await tables()).toEqual(before);
  });

  it("remove: the date goes back to the law, the removal is audited, and a second click is told there is nothing left", async () => {
    const { cookie, csrf } = await session(USERS.admin);
    await call(`${PAGE}/days`, formPost(cookie, { _csrf: csrf, date: "2025-02-03", working: "1", name: "Đi làm, đã nghỉ 27/01 thay" }));
    const res = await call(`${PAGE}/days/2025-02-03/xoa`, formPost(cookie, { _csrf: csrf }));
    expect(res.status).toBe(303);
    expect(noticeOf(res)).toBe("Đã xoá điều chỉnh Thứ Hai, 03/02/2025; ngày này nay theo luật: ngày nghỉ (Nghỉ bù Tết Nguyên Đán (mùng 4 Tết)).");
    expect(await env.DB.prepare("SELECT count(*) AS n FROM calendar_overrides WHERE date = '2025-02-03'").first("n")).toBe(0);
    const last = await env.DB.prepare("SELECT action, working, name, actor_id FROM calendar_override_events WHERE date = '2025-02-03' ORDER BY created_at DESC, id DESC").first();
    expect(last).toEqual({ action: "delete", working: 1, name: "Đi làm, đã nghỉ 27/01 thay", actor_id: ADMIN_ID });

    const before = await tables();
    const again = await call(`${PAGE}/days/2025-02-03/xoa`, formPost(cookie, { _csrf: csrf }));
    expect(noticeOf(again)).toBe("Thứ Hai, 03/02/2025 không có điều chỉnh nào để xoá (có thể vừa được xoá).");
    expect(await tables()).toEqual(before);
    const bad = await call(`${PAGE}/days/2025-02-30/xoa`, formPost(cookie, { _csrf: csrf }));
    expect(noticeOf(bad)).toBe("Chưa xoá được: Ngày: Ngày này không có trên lịch");
    expect(await tables()).toEqual(before);
  });
});

describe("the due helper", () => {
  it("answers 17:00 on the n-th working day with the days counted, the overrides included", async () => {
    const { cookie } = await session(USERS.admin);
    // With Saturday 08/02/2025 worked (saved above): Thu 06, Fri 07, Sat 08, Mon 10.
    const page = await html(cookie, `${PAGE}?nam=2025&tu=2025-02-05T08:00&so-ngay=4`);
    expect(page).toContain("Hạn: <strong>10/02/2025 17:00</strong> (Thứ Hai).");
    expect(page).toContain("Tính từ Thứ Tư, 05/02/2025 (ngày này không tính), 4 ngày làm việc:");
    expect(page).toMatch(/<li>Thứ Năm, 06\/02\/2025<\/li><li>Thứ Sáu, 07\/02\/2025<\/li><li>Thứ Bảy, 08\/02\/2025<\/li><li>Thứ Hai, 10\/02\/2025<\/li>/);
    // Across Tết by the law alone.
    const tet = await html(cookie, `${PAGE}?nam=2025&tu=2025-01-24T10:00&so-ngay=3`);
    expect(tet).toContain("Hạn: <strong>05/02/2025 17:00</strong> (Thứ Tư).");
    expect(tet).toMatch(/<li>Thứ Hai, 27\/01\/2025<\/li><li>Thứ Ba, 04\/02\/2025<\/li><li>Thứ Tư, 05\/02\/2025<\/li>/);
    // What was asked stays in the form.
    expect(tet).toContain('value="2025-01-24T10:00"');
    expect(tet).toContain('value="3"');
  });

  it.each([
    ["tu=2025-01-24T10:00&so-ngay=0", "so-ngay", "Số ngày làm việc phải là số nguyên từ 1 đến 250"],
    ["tu=2025-01-24T10:00&so-ngay=ba", "so-ngay", "Số ngày làm việc phải là số nguyên từ 1 đến 250"],
    ["tu=2025-01-24T10:00&so-ngay=", "so-ngay", "Số ngày làm việc phải là số nguyên từ 1 đến 250"],
    ["tu=2025-01-24T10:00&so-ngay=0x10", "so-ngay", "Số ngày làm việc phải là số nguyên từ 1 đến 250"],
    ["tu=2025-01-24T10:00&so-ngay=1e2", "so-ngay", "Số ngày làm việc phải là số nguyên từ 1 đến 250"],
    ["tu=2025-01-24T10:00&so-ngay=%205%20", "so-ngay", "Số ngày làm việc phải là số nguyên từ 1 đến 250"],
    ["tu=2025-01-24T10:00&so-ngay=%2B3", "so-ngay", "Số ngày làm việc phải là số nguyên từ 1 đến 250"],
    ["tu=2025-01-24T10:00&so-ngay=3.0", "so-ngay", "Số ngày làm việc phải là số nguyên từ 1 đến 250"],
    ["tu=2025-02-30T10:00&so-ngay=3", "tu", "Ngày giờ này không có thật"],
    ["tu=&so-ngay=3", "tu", "Nhập ngày và giờ bắt đầu, ví dụ 24/01/2025 10:00"],
    ["tu=1999-12-31T10:00&so-ngay=3", "tu", "Lịch chỉ có các năm từ 2000 đến 2100"],
    ["tu=2100-12-20T10:00&so-ngay=30", "so-ngay", "Hạn tính ra rơi sau năm 2100, ngoài phạm vi của lịch"],
  ])("%s: the message beside its field, and no answer", async (query, field, message) => {
    const { cookie } = await session(USERS.admin);
    const page = await html(cookie, `${PAGE}?nam=2025&${query}`);
    expect(page).toContain(`<p class="error" id="${field}-error">${message}</p>`);
    expect(page).toMatch(new RegExp(`id="${field}"[^>]*aria-invalid="true"`));
    expect(page).not.toContain("Hạn: <strong>");
  });
});

describe("the page's own clock", () => {
  it("with nothing asked, the helper starts from now in Viet Nam, to the minute", async () => {
    const { cookie } = await session(USERS.admin);
    // Typed and shown as dd/mm/yyyy HH:mm (a text field, whatever the browser's language).
    const vn = () => new Date(Date.now() + 7 * 3600_000).toISOString().replace(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}).*$/, "$3/$2/$1 $4");
    const before = vn();
    const page = await html(cookie, PAGE);
    const after = vn();
    const value = /<input id="tu"[^>]* value="([^"]+)"/.exec(page)?.[1];
    expect([before, after]).toContain(value);
    expect(page).not.toContain("Hạn: <strong>");
  });
});

describe("layering: the page calls the calendar service, never the API's routes", () => {
  // The sources, as text (Vite reads them when the test is built).
  const sources = import.meta.glob(["../src/web/**/calendar*.tsx", "../src/routes/calendar/*.ts", "../src/services/calendar.ts"], { query: "?raw", import: "default", eager: true }) as Record<string, string>;
  const importsOf = (text: string) => [...text.matchAll(/from "([^"]+)"/g)].map((m) => m[1]!);

  it("no calendar file under src/web/ imports from src/routes/", () => {
    const web = Object.keys(sources).filter((f) => f.startsWith("../src/web/"));
    expect(web.sort()).toEqual(["../src/web/calendar.tsx", "../src/web/views/calendar-tools.tsx", "../src/web/views/calendar.tsx"]);
    for (const f of web) expect(importsOf(sources[f]!).filter((i) => i.includes("routes/")), f).toEqual([]);
  });

  it("the operations live in src/services/calendar.ts; the routes hold only their zod schemas and handlers", () => {
    expect(Object.keys(sources)).toContain("../src/services/calendar.ts");
    expect(Object.keys(sources)).not.toContain("../src/routes/calendar/operations.ts");
    for (const [f, text] of Object.entries(sources).filter(([f]) => f.startsWith("../src/routes/"))) {
      expect(importsOf(text).filter((i) => i.includes("queries/")), f).toEqual([]);
    }
    // Who may change the calendar is the policy table's answer, not a role compared by hand.
    const service = sources["../src/services/calendar.ts"]!;
    expect(service).toContain('mayDo(actor, "calendar.manage")');
    expect(service).not.toMatch(/role\s*===/);
  });
});

describe("who may use the page", () => {
  it("without a session: to the sign-in page, coming back here", async () => {
    const res = await call(`${PAGE}?nam=2025`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/app/login?next=%2Fapp%2Fadmin%2Fcalendar%3Fnam%3D2025");
  });

  it.each([
    ["author", USERS.quan6],
    ["specialist", USERS.specialist],
    ["director", USERS.director],
  ])("a %s gets the refusal page for the page and both forms, with a valid token, and nothing is written", async (_role, email) => {
    const admin = await session(USERS.admin);
    await call(`${PAGE}/days`, formPost(admin.cookie, { _csrf: admin.csrf, date: "2025-05-02", working: "0", name: "Nghỉ thêm" }));
    const { cookie, csrf } = await session(email);
    const before = await tables();
    const get = await call(PAGE, { headers: { cookie } });
    expect(get.status).toBe(403);
    expect(await get.text()).toContain("Bạn không có quyền xem trang này.");
    expect((await call(`${PAGE}/days`, formPost(cookie, { _csrf: csrf, date: "2025-05-03", working: "1", name: "Làm bù lén" }))).status).toBe(403);
    expect((await call(`${PAGE}/days/2025-05-02/xoa`, formPost(cookie, { _csrf: csrf }))).status).toBe(403);
    expect(await tables()).toEqual(before);
    // No link to it in their navigation either.
    expect(await (await call("/app/reports", { headers: { cookie } })).text()).not.toContain("/app/admin/calendar");
  });

  it("CSRF: without the token, with another session's, or from another site, the admin's forms are refused and write nothing", async () => {
    const { cookie, csrf } = await session(USERS.admin);
    const other = (await session(USERS.admin)).csrf;
    const before = await tables();
    const add = { date: "2025-06-07", working: "1", name: "Làm bù" };
    expect((await call(`${PAGE}/days`, formPost(cookie, add))).status).toBe(403);
    expect((await call(`${PAGE}/days`, formPost(cookie, { ...add, _csrf: other }))).status).toBe(403);
    expect((await call(`${PAGE}/days/2025-02-08/xoa`, formPost(cookie, {}))).status).toBe(403);
    const crossSite = await call(`${PAGE}/days`, { body: new URLSearchParams({ ...add, _csrf: csrf }), headers: { cookie, "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" } });
    expect(crossSite.status).toBe(403);
    expect(await tables()).toEqual(before);
  });
});
