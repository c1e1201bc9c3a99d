// Issue 15 points 5-7 on the web pages: dates typed and shown dd/mm/yyyy (24-hour), unknown
// addresses as a Vietnamese page, images added while writing, confirmation steps without script,
// and a "new user" form with no role chosen for the admin.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, USERS } from "./helpers/api";
import { PNG } from "./helpers/publish";
import { csrfOf, formPost, ORIGIN, signIn } from "./helpers/web";

let ip = 0;
const nextIp = () => `10.15.3.${++ip}`;

const EVENT = { kind: "event", title: "Hội nghị sơ kết học kì I", body: "Nội dung hội nghị.", location: "Hội trường Sở" };

const idOf = (location: string) => /\/app\/reports\/([0-9a-f-]{36})/.exec(location)![1]!;
const noticeOf = (location: string) => new URL(location, ORIGIN).searchParams.get("tb");
const page = async (cookie: string, path: string) => (await call(path, { headers: { cookie } })).text();
/** The value of the input with this id. */
const valueOf = (html: string, id: string) => new RegExp(`<input[^>]* id="${id}"[^>]* value="([^"]*)"`).exec(html)?.[1] ?? new RegExp(`<input id="${id}"[^>]*value="([^"]*)"`).exec(html)?.[1];

function multipart(cookie: string, fields: Record<string, string>, files: Record<string, { bytes: Uint8Array; name: string; type: string }> = {}) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  for (const [k, f] of Object.entries(files)) body.append(k, new File([f.bytes], f.name, { type: f.type }));
  return { body, headers: { cookie, origin: ORIGIN } };
}

describe("dates: typed and shown dd/mm/yyyy and 24-hour", () => {
  it("the form has text fields for them (never a native date field), and a round trip keeps dd/mm/yyyy", async () => {
    const cookie = await signIn(USERS.quan6, nextIp());
    const form = await page(cookie, "/app/reports/new?kind=event");
    expect(form).not.toMatch(/type="date"|type="datetime-local"/);
    expect(form).toMatch(/<input id="eventDate" name="eventDate" type="text"[^>]*inputmode="numeric" placeholder="dd\/mm\/yyyy"/);
    expect(form).toMatch(/<input id="publishAt" name="publishAt" type="text"[^>]*placeholder="dd\/mm\/yyyy HH:mm"/);
    const csrf = await csrfOf(cookie);
    const res = await call("/app/reports/new", formPost(cookie, { _csrf: csrf, ...EVENT, eventDate: "23/01/2025", publishAt: "24/01/2025 17:30" }));
    expect(res.status).toBe(303);
    const id = idOf(res.headers.get("location")!);
    const row = await env.DB.prepare("SELECT event_date, publish_at FROM reports WHERE id = ?").bind(id).first<{ event_date: string; publish_at: string }>();
    expect(row!.event_date).toBe("2025-01-23");
    // 17:30 in Viet Nam is 10:30 UTC.
    expect(Date.parse(row!.publish_at)).toBe(Date.parse("2025-01-24T10:30:00Z"));
    const edit = await page(cookie, `/app/reports/${id}/edit`);
    expect(valueOf(edit, "eventDate")).toBe("23/01/2025");
    expect(valueOf(edit, "publishAt")).toBe("24/01/2025 17:30");
  });

  it("digits alone (a phone's number pad) and one-digit days are read too", async () => {
    const cookie = await signIn(USERS.quan6, nextIp());
    const csrf = await csrfOf(cookie);
    const res = await call("/app/reports/new", formPost(cookie, { _csrf: csrf, ...EVENT, eventDate: "5/2/2025", publishAt: "060220250805" }));
    expect(res.status).toBe(303);
    const row = await env.DB.prepare("SELECT event_date, publish_at FROM reports WHERE id = ?").bind(idOf(res.headers.get("location")!)).first<{ event_date: string; publish_at: string }>();
    expect(row!.event_date).toBe("2025-02-05");
    expect(Date.parse(row!.publish_at)).toBe(Date.parse("2025-02-06T01:05:00Z"));
  });

  it.each([
    ["eventDate", "31/02/2025", "Ngày này không có trên lịch"],
    ["eventDate", "02/31/2025", "Ngày này không có trên lịch"],
    ["eventDate", "hôm qua", "Nhập ngày dạng dd/mm/yyyy, ví dụ 24/01/2025"],
    ["publishAt", "24/01/2025 5:30 PM", "Nhập ngày giờ dạng dd/mm/yyyy HH:mm, ví dụ 24/01/2025 17:00"],
    ["publishAt", "24/01/2025 24:10", "Giờ phải từ 00:00 đến 23:59"],
    ["publishAt", "30/02/2025 10:00", "Ngày này không có trên lịch"],
  ])("%s = %j is refused beside its field, kept as typed, nothing saved", async (field, typed, message) => {
    const cookie = await signIn(USERS.quan6, nextIp());
    const csrf = await csrfOf(cookie);
    const before = await env.DB.prepare("SELECT count(*) AS n FROM reports").first<{ n: number }>();
    const res = await call("/app/reports/new", formPost(cookie, { _csrf: csrf, ...EVENT, [field]: typed }));
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain(`<p class="error" id="${field}-error">${message}</p>`);
    expect(html).toMatch(new RegExp(`<input id="${field}"[^>]*aria-invalid="true"[^>]*aria-describedby="${field}-hint ${field}-error"`));
    // The summary links to the field.
    expect(html).toMatch(new RegExp(`<div class="errors" role="alert" tabindex="-1" id="loi">.*<a href="#${field}">`, "s"));
    expect(valueOf(html, field)).toBe(typed);
    const after = await env.DB.prepare("SELECT count(*) AS n FROM reports").first<{ n: number }>();
    expect(after!.n).toBe(before!.n);
  });

  it("the calendar's forms take dd/mm/yyyy too: a day override and the due helper", async () => {
    const cookie = await signIn(USERS.admin, nextIp());
    const html = await page(cookie, "/app/admin/calendar?nam=2025");
    expect(html).not.toMatch(/type="date"|type="datetime-local"/);
    const csrf = /name="_csrf" value="([0-9a-f]{64})"/.exec(html)![1]!;
    const res = await call("/app/admin/calendar/days", formPost(cookie, { _csrf: csrf, date: "15/03/2025", working: "1", name: "Làm bù thử" }));
    expect(noticeOf(res.headers.get("location")!)).toContain("15/03/2025");
    const due = await page(cookie, `/app/admin/calendar?nam=2025&tu=${encodeURIComponent("05/02/2025 08:00")}&so-ngay=4`);
    expect(due).toContain("Hạn: <strong>11/02/2025 17:00</strong>");
    expect(valueOf(due, "tu")).toBe("05/02/2025 08:00");
    await call("/app/admin/calendar/days/2025-03-15/xoa", formPost(cookie, { _csrf: csrf }));
  });
});

describe("unknown addresses: a Vietnamese page with a way back", () => {
  it("an /app address no page answers is an HTML 404 in Vietnamese, inside the menu when signed in", async () => {
    const cookie = await signIn(USERS.quan6, nextIp());
    for (const path of ["/app/khong-co", "/app/reports/khong-co/sua-gi-do"]) {
      const res = await call(path, { headers: { cookie } });
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).toContain('<html lang="vi">');
      expect(html).toContain("<h1>Không tìm thấy trang</h1>");
      expect(html).toContain('<a href="/app">Về trang chính</a>');
      expect(html).toContain('aria-label="Chức năng"');
    }
    const anonymous = await call("/app/khong-co");
    expect(anonymous.status).toBe(404);
    expect(await anonymous.text()).toContain("Về trang chính");
  });

  it("a report id that does not exist is the same page", async () => {
    const cookie = await signIn(USERS.quan6, nextIp());
    for (const path of ["/app/reports/00000000-0000-4000-8000-000000000000", "/app/reports/khong-co"]) {
      const res = await call(path, { headers: { cookie } });
      expect(res.status).toBe(404);
      expect(await res.text()).toContain("Về trang chính");
    }
  });
});

describe("images while writing", () => {
  it("the new report's form takes images with captions; they are stored with the first save and the notice counts them", async () => {
    const cookie = await signIn(USERS.quan6, nextIp());
    const form = await page(cookie, "/app/reports/new?kind=news");
    expect(form).toContain('enctype="multipart/form-data"');
    expect(form).toMatch(/<input id="image1" name="image1" type="file"/);
    const csrf = await csrfOf(cookie);
    const png = { bytes: PNG, name: "anh.png", type: "image/png" };
    const res = await call("/app/reports/new", multipart(cookie, { _csrf: csrf, kind: "news", title: "Tin có hình", body: "Nội dung.", caption1: "Hình một", caption2: "Hình hai" }, { image1: png, image2: png }));
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    expect(noticeOf(location)).toBe("Đã lưu bản nháp. Đã tải lên 2 hình.");
    const rows = await env.DB.prepare("SELECT caption FROM attachments WHERE report_id = ? AND deleted_at IS NULL ORDER BY position").bind(idOf(location)).all<{ caption: string }>();
    expect(rows.results.map((r) => r.caption)).toEqual(["Hình một", "Hình hai"]);
    expect(await page(cookie, location)).toContain("Đã tải lên 2 hình.");
  });

  it("a refused image is an error beside its field while the draft (and the good image) is kept", async () => {
    const cookie = await signIn(USERS.quan6, nextIp());
    const csrf = await csrfOf(cookie);
    const before = await env.DB.prepare("SELECT count(*) AS n FROM reports").first<{ n: number }>();
    const res = await call(
      "/app/reports/new",
      multipart(cookie, { _csrf: csrf, kind: "news", title: "Tin có hình hỏng", body: "Nội dung.", caption1: "Hình tốt", caption2: "Không phải ảnh", caption3: "" }, {
        image1: { bytes: PNG, name: "tot.png", type: "image/png" },
        image2: { bytes: new TextEncoder().encode("không phải ảnh"), name: "hong.png", type: "image/png" },
        image3: { bytes: PNG, name: "khong-chu-thich.png", type: "image/png" },
      }),
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    const after = await env.DB.prepare("SELECT count(*) AS n FROM reports").first<{ n: number }>();
    expect(after!.n).toBe(before!.n + 1);
    const id = /action="\/app\/reports\/([0-9a-f-]{36})\/edit"/.exec(html)![1]!;
    expect(html).toContain("Đã lưu bản nháp. Đã tải lên 1 hình. 2 hình chưa tải lên được");
    // The failures, renumbered after the stored image: slots 1 and 2 are "Hình 2" and "Hình 3".
    expect(html).toMatch(/<p class="error" id="image1-error">hong\.png: [^<]+<\/p>/);
    expect(html).toContain('<p class="error" id="caption2-error">Ảnh cần có chú thích.</p>');
    expect(html).toMatch(/<input id="image1" name="image1" type="file"[^>]*aria-invalid="true"/);
    expect(valueOf(html, "caption1")).toBe("Không phải ảnh");
    expect(html).toContain('<label for="image1">Hình 2</label>');
    const rows = await env.DB.prepare("SELECT caption FROM attachments WHERE report_id = ? AND deleted_at IS NULL").bind(id).all<{ caption: string }>();
    expect(rows.results.map((r) => r.caption)).toEqual(["Hình tốt"]);
  });

  it("the edit form takes images too", async () => {
    const cookie = await signIn(USERS.quan6, nextIp());
    const csrf = await csrfOf(cookie);
    const created = await call("/app/reports/new", formPost(cookie, { _csrf: csrf, kind: "news", title: "Tin sửa thêm hình", body: "Nội dung." }));
    const id = idOf(created.headers.get("location")!);
    const edit = await page(cookie, `/app/reports/${id}/edit`);
    const version = /name="version" value="(\d+)"/.exec(edit)![1]!;
    const res = await call(`/app/reports/${id}/edit`, multipart(cookie, { _csrf: csrf, kind: "news", version, title: "Tin sửa thêm hình", body: "Nội dung.", caption1: "Thêm khi sửa" }, { image1: { bytes: PNG, name: "a.png", type: "image/png" } }));
    expect(res.status).toBe(303);
    expect(noticeOf(res.headers.get("location")!)).toBe("Đã lưu thay đổi. Đã tải lên 1 hình.");
  });
});

describe("confirmations without script", () => {
  it("deleting an image answers a confirmation page first; only its 'Xoá' deletes", async () => {
    const cookie = await signIn(USERS.quan6, nextIp());
    const csrf = await csrfOf(cookie);
    const res = await call("/app/reports/new", multipart(cookie, { _csrf: csrf, kind: "news", title: "Tin xoá hình", body: "Nội dung.", caption1: "Hình sẽ xoá" }, { image1: { bytes: PNG, name: "a.png", type: "image/png" } }));
    const id = idOf(res.headers.get("location")!);
    const aid = (await env.DB.prepare("SELECT id FROM attachments WHERE report_id = ?").bind(id).first<{ id: string }>())!.id;
    const ask = await call(`/app/reports/${id}/images/${aid}`, formPost(cookie, { _csrf: csrf, action: "delete", order: aid }));
    expect(ask.status).toBe(200);
    const html = await ask.text();
    expect(html).toContain("<h1>Xoá hình 1?</h1>");
    expect(html).toContain('<input type="hidden" name="confirmed" value="1"/>');
    expect(html).toContain(`<a class="button secondary" href="/app/reports/${id}#hinh-anh">Không xoá, quay lại</a>`);
    const live = async () => (await env.DB.prepare("SELECT count(*) AS n FROM attachments WHERE report_id = ? AND deleted_at IS NULL").bind(id).first<{ n: number }>())!.n;
    expect(await live()).toBe(1);
    const done = await call(`/app/reports/${id}/images/${aid}`, formPost(cookie, { _csrf: csrf, action: "delete", confirmed: "1" }));
    expect(noticeOf(done.headers.get("location")!)).toBe("Đã xoá hình.");
    expect(await live()).toBe(0);
  });

  it("locking a user answers a confirmation page first; the dialog's form carries data-confirm", async () => {
    const cookie = await signIn(USERS.admin, nextIp());
    const users = await page(cookie, "/app/users");
    const csrf = /name="_csrf" value="([0-9a-f]{64})"/.exec(users)![1]!;
    const target = (await env.DB.prepare("SELECT id, name FROM users WHERE email = ?").bind(USERS.tanPhu).first<{ id: string; name: string }>())!;
    expect(users).toMatch(new RegExp(`action="/app/users/${target.id}/deactivate" class="inline" data-confirm="Khoá tài khoản của `));
    const ask = await call(`/app/users/${target.id}/deactivate`, formPost(cookie, { _csrf: csrf }));
    expect(ask.status).toBe(200);
    expect(await ask.text()).toContain(`<h1>Khoá tài khoản của ${target.name}?</h1>`);
    const active = async () => (await env.DB.prepare("SELECT active FROM users WHERE id = ?").bind(target.id).first<{ active: number }>())!.active;
    expect(await active()).toBe(1);
    const done = await call(`/app/users/${target.id}/deactivate`, formPost(cookie, { _csrf: csrf, confirmed: "1" }));
    expect(noticeOf(done.headers.get("location")!)).toMatch(/^Đã khoá tài khoản/);
    expect(await active()).toBe(0);
    await call(`/app/users/${target.id}/activate`, formPost(cookie, { _csrf: csrf }));
    expect(await active()).toBe(1);
  });

  it("changing a user's role asks first, showing before and after; confirmed, it is made", async () => {
    const cookie = await signIn(USERS.admin, nextIp());
    const csrf = await csrfOf(cookie, "/app/users");
    const email = `doi-vai-tro-${Date.now()}@truong.example`;
    const unit = (await env.DB.prepare("SELECT unit_id FROM users WHERE email = ?").bind(USERS.minhKhai).first<{ unit_id: string }>())!.unit_id;
    const made = await call("/app/users", formPost(cookie, { _csrf: csrf, name: "Người Đổi Vai", email, unitId: unit, role: "author", password: "mat-khau-dai-10" }));
    expect(made.status).toBe(303);
    const user = (await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(email).first<{ id: string }>())!;
    const form = await page(cookie, `/app/users/${user.id}/vai-tro`);
    expect(form).toContain("data-confirm=");
    const ask = await call(`/app/users/${user.id}/vai-tro`, formPost(cookie, { _csrf: csrf, role: "centre_head" }));
    expect(ask.status).toBe(200);
    const html = await ask.text();
    expect(html).toContain("<h1>Đổi vai trò của Người Đổi Vai?</h1>");
    expect(html).toContain('<input type="hidden" name="role" value="centre_head"/>');
    const roles = async () => (await env.DB.prepare("SELECT role FROM role_grants WHERE user_id = ?").bind(user.id).all<{ role: string }>()).results.map((r) => r.role);
    expect(await roles()).toEqual(["author"]);
    const done = await call(`/app/users/${user.id}/vai-tro`, formPost(cookie, { _csrf: csrf, role: "centre_head", confirmed: "1" }));
    expect(noticeOf(done.headers.get("location")!)).toMatch(/^Đã đổi vai trò của Người Đổi Vai/);
    expect(await roles()).toEqual(["centre_head"]);
  });
});

describe("the new user form", () => {
  it("has no role chosen: a placeholder comes first and is selected", async () => {
    const cookie = await signIn(USERS.admin, nextIp());
    const html = await page(cookie, "/app/users");
    const select = /<select id="role" name="role"[^>]*>(.*?)<\/select>/s.exec(html)![1]!;
    expect(select).toMatch(/^<option value="" selected="">— Chọn vai trò —<\/option>/);
    expect((select.match(/selected/g) ?? []).length).toBe(1);
  });

  it("submitting without a role is an error beside the field; what was typed stays, nobody is created", async () => {
    const cookie = await signIn(USERS.admin, nextIp());
    const csrf = await csrfOf(cookie, "/app/users");
    const email = `chua-co-vai-tro-${Date.now()}@truong.example`;
    const res = await call("/app/users", formPost(cookie, { _csrf: csrf, name: "Chưa Chọn Vai", email, unitId: "", role: "", password: "mat-khau-dai-10" }));
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('<p class="error" id="role-error">Chọn vai trò cho người dùng.</p>');
    expect(html).toMatch(/<select id="role" name="role" required="" aria-invalid="true" aria-describedby="role-error">/);
    expect(html).toMatch(/<a href="#role">Vai trò<\/a>/);
    expect(html).toContain(`value="${email}"`);
    expect(await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(email).first()).toBeNull();
  });
});
