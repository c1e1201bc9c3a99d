// The web pages through the Worker's fetch handler: sessions, CSRF, forms, scoping.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createReport, tokenFor, USERS } from "./helpers/api";
import { DEMO_PASSWORD } from "./helpers/seed";
import { openPeriod } from "./helpers/periods";
import { csrfOf, formPost as form, signIn } from "./helpers/web";




describe("web: sessions", () => {
  it("a page without a session leads to sign-in, remembering where the user was", async () => {
    const res = await call("/app/inbox?cursor=x");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/app/login?next=%2Fapp%2Finbox%3Fcursor%3Dx");
  });

  it("sign-in goes back to `next`, but never to another site", async () => {
    const ok = await call("/app/login", { body: new URLSearchParams({ email: USERS.quan6, password: DEMO_PASSWORD, next: "/app/reports?status=draft" }), headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "10.1.0.1" } });
    expect(ok.headers.get("location")).toBe("/app/reports?status=draft");
    expect(ok.headers.get("set-cookie")).toMatch(/HttpOnly; Secure; SameSite=Lax/i);
    const evil = await call("/app/login", { body: new URLSearchParams({ email: USERS.quan6, password: DEMO_PASSWORD, next: "//evil.example/x" }), headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "10.1.0.2" } });
    expect(evil.headers.get("location")).toBe("/app");
  });

  it("a wrong password re-renders the page with a Vietnamese message and keeps the email", async () => {
    const res = await call("/app/login", { body: new URLSearchParams({ email: USERS.quan6, password: "sai-mat-khau", next: "/app" }), headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "10.1.0.3" } });
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain("Email hoặc mật khẩu không đúng.");
    expect(html).toContain(`value="${USERS.quan6}"`);
  });

  it("sign-out ends the session", async () => {
    const cookie = await signIn(USERS.tanPhu, "10.1.0.4");
    const csrf = await csrfOf(cookie);
    expect((await call("/app/logout", form(cookie, { _csrf: csrf }))).status).toBe(303);
    expect((await call("/app/reports", { headers: { cookie } })).status).toBe(303);
  });
});

describe("web: CSRF", () => {
  it("a form post without the token, or with another session's token, is refused and writes nothing", async () => {
    const cookie = await signIn(USERS.quan6, "10.1.1.1");
    const other = await csrfOf(await signIn(USERS.quan6, "10.1.1.2"));
    const before = await env.DB.prepare("SELECT count(*) AS n FROM reports").first<{ n: number }>();
    const attempts: Record<string, string>[] = [{ kind: "news", title: "Không token", body: "x" }, { _csrf: other, kind: "news", title: "Token khác", body: "x" }];
    for (const fields of attempts) {
      expect((await call("/app/reports/new", form(cookie, fields))).status).toBe(403);
    }
    const after = await env.DB.prepare("SELECT count(*) AS n FROM reports").first<{ n: number }>();
    expect(after!.n).toBe(before!.n);
  });

  it("a cross-site form post is refused even with a token", async () => {
    const cookie = await signIn(USERS.quan6, "10.1.1.3");
    const csrf = await csrfOf(cookie);
    const res = await call("/app/reports/new", { body: new URLSearchParams({ _csrf: csrf, kind: "news", title: "Từ trang khác", body: "x" }), headers: { cookie, "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" } });
    expect(res.status).toBe(403);
  });
});

describe("web: forms", () => {
  it("a valid draft is saved and the page shows it", async () => {
    const cookie = await signIn(USERS.quan6, "10.1.2.1");
    const csrf = await csrfOf(cookie);
    const res = await call("/app/reports/new", form(cookie, { _csrf: csrf, kind: "event", title: "Hội nghị qua biểu mẫu", body: "Nội dung", attendees: "Ông Dương Trí Dũng – Phó Giám đốc Sở\nBà A, Chuyên viên", eventDate: "2024-01-23" }));
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    const id = /\/app\/reports\/([0-9a-f-]{36})/.exec(location)![1]!;
    const row = await env.DB.prepare("SELECT title, attendees, event_date FROM reports WHERE id = ?").bind(id).first<{ title: string; attendees: string; event_date: string }>();
    expect(row).toMatchObject({ title: "Hội nghị qua biểu mẫu", event_date: "2024-01-23" });
    expect(JSON.parse(row!.attendees)).toEqual([{ name: "Ông Dương Trí Dũng", title: "Phó Giám đốc Sở" }, { name: "Bà A", title: "Chuyên viên" }]);
    const html = await (await call(location, { headers: { cookie } })).text();
    expect(html).toContain("Đã lưu bản nháp.");
    expect(html).toContain('<button type="submit">Trình</button>');
  });

  it("errors come back beside each field, in Vietnamese, with what was typed", async () => {
    const cookie = await signIn(USERS.quan6, "10.1.2.2");
    const csrf = await csrfOf(cookie);
    const res = await call("/app/reports/new", form(cookie, { _csrf: csrf, kind: "news", title: "ab", body: "", sourceUrl: "javascript:alert(1)", summary: "Tóm tắt đã gõ" }));
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toMatch(/id="title-error">Cần ít nhất 3 ký tự</);
    expect(html).toMatch(/id="body-error">/);
    expect(html).toMatch(/id="sourceUrl-error">/);
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain(">Tóm tắt đã gõ</textarea>");
    expect(html).toContain('value="ab"');
  });

  it("figures typed the Vietnamese way are read as numbers and checked", async () => {
    const periodId = await openPeriod();
    const cookie = await signIn(USERS.quan6, "10.1.2.3");
    const csrf = await csrfOf(cookie, `/app/reports/new?kind=periodic&periodId=${periodId}`);
    const figures = {
      "figures.classes": "412",
      "figures.enrolled": "13.184",
      "figures.completed": "13.001",
      "figures.dropouts": "95",
      "figures.adultLearners": "5.210",
      "figures.teachers": "640",
    };
    const fields = { _csrf: csrf, kind: "periodic", periodId, title: "Báo cáo định kỳ qua biểu mẫu", body: "Số liệu", ...figures };
    const wrong = await call("/app/reports/new", form(cookie, { ...fields, "figures.completionRate": "97,5" }));
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain("13.001 / 13.184 = 98,6%");
    const right = await call("/app/reports/new", form(cookie, { ...fields, "figures.completionRate": "98,6" }));
    expect(right.status, await right.clone().text()).toBe(303);
  });
});

describe("web: the department's mark", () => {
  it("every page links the SVG mark, and /favicon.ico leads to it instead of a 404", async () => {
    const res = await call("/favicon.ico");
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toMatch(/\/favicon\.svg$/);
    const login = await (await call("/app/login")).text();
    expect(login).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml"/>');
    const portal = await (await call("/portal/")).text();
    expect(portal).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml"/>');
  });
});

describe("web: scoping", () => {
  it("another unit's report, or a draft to a reviewer, is a 404 page", async () => {
    const r = await createReport(await tokenFor(USERS.quan6), { title: "Bản nháp riêng của Quận 6" });
    for (const [email, ip] of [[USERS.tanPhu, "10.1.3.1"], [USERS.specialist, "10.1.3.2"]] as const) {
      const res = await call(`/app/reports/${r.id}`, { headers: { cookie: await signIn(email, ip) } });
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain("Bản nháp riêng của Quận 6");
    }
  });

  it("admin pages refuse other roles", async () => {
    const cookie = await signIn(USERS.director, "10.1.3.3");
    for (const path of ["/app/users", "/app/units", "/app/notifications"]) expect((await call(path, { headers: { cookie } })).status).toBe(403);
    expect((await call("/app/dashboard", { headers: { cookie } })).status).toBe(200);
  });

  it("the reviewer decides through the page form; a return without a comment is refused", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await createReport(author, { title: "Duyệt qua trang" });
    await call(`/api/v1/reports/${r.id}/submit`, { method: "POST", token: author });
    const cookie = await signIn(USERS.specialist, "10.1.3.4");
    const csrf = await csrfOf(cookie, `/app/reports/${r.id}`);
    const noComment = await call(`/app/reports/${r.id}/decide`, form(cookie, { _csrf: csrf, action: "return", stage: "specialist", comment: "" }));
    expect(decodeURIComponent(noComment.headers.get("location")!)).toContain("Trả lại cần có ý kiến");
    // The refusal reads as an error on the page it leads back to, not as news.
    const refused = await (await call(noComment.headers.get("location")!, { headers: { cookie } })).text();
    expect(refused).toMatch(/<div class="errors" role="alert"><p>Không thực hiện được: [^<]*Trả lại cần có ý kiến<\/p><\/div>/);
    expect(refused).not.toMatch(/<p class="notice" role="status">Không thực hiện được/);
    const ok = await call(`/app/reports/${r.id}/decide`, form(cookie, { _csrf: csrf, action: "approve", stage: "specialist" }));
    expect(ok.headers.get("location")).toMatch(/^\/app\/inbox\?tb=/);
    expect(ok.headers.get("location")).not.toContain("loi=");
    const row = await env.DB.prepare("SELECT stage FROM reports WHERE id = ?").bind(r.id).first<{ stage: string }>();
    expect(row!.stage).toBe("deputy_head");
  });
});

describe("web: what changed between versions", () => {
  it("guests and dates read as text (who was added or taken off, dd/mm/yyyy), with no JSON and no ids", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await createReport(author, { title: "Hội nghị có đổi đại biểu" });
    await call(`/api/v1/reports/${r.id}/submit`, { method: "POST", token: author });
    const specialist = await tokenFor(USERS.specialist);
    const back = await call(`/api/v1/reports/${r.id}/decisions`, { token: specialist, json: { action: "return", stage: "specialist", comment: "Bổ sung đại biểu" } });
    expect(back.status).toBe(200);
    const now = await (await call(`/api/v1/reports/${r.id}`, { token: author })).json<{ version: number; attendees: { name: string; title: string }[] }>();
    const attendees = [now.attendees[0]!, { name: "Bà Lê Thị Cúc", title: "Chuyên viên Phòng GDTX" }];
    const edit = await call(`/api/v1/reports/${r.id}`, { method: "PATCH", token: author, json: { attendees, eventDate: "2024-01-24" }, headers: { "if-match": `"${now.version}"` } });
    expect(edit.status, await edit.clone().text()).toBe(200);
    await call(`/api/v1/reports/${r.id}/submit`, { method: "POST", token: author });
    const cookie = await signIn(USERS.specialist, "10.1.9.1");
    const page = await (await call(`/app/reports/${r.id}`, { headers: { cookie } })).text();
    const diff = page.slice(page.indexOf('id="thay-doi"'), page.indexOf("</section>", page.indexOf('id="thay-doi"')));
    expect(diff).toContain('<td data-label="Mục">Đại biểu: bỏ</td>');
    expect(diff).toContain("<del>Bà Trần Thị Kim Thanh – Phó Trưởng phòng GDTX-CN&amp;ĐH</del>");
    expect(diff).toContain('<td data-label="Mục">Đại biểu: thêm</td>');
    expect(diff).toContain("<ins>Bà Lê Thị Cúc – Chuyên viên Phòng GDTX</ins>");
    expect(diff).toContain("<del>23/01/2024</del>");
    expect(diff).toContain("<ins>24/01/2024</ins>");
    expect(diff).not.toMatch(/\[\{|&quot;name&quot;|"name"/);
  });
});

describe("web: what changed in the images", () => {
  it("images read by caption: added, taken off, re-captioned; never an id", async () => {
    const { PNG } = await import("./helpers/publish");
    const author = await tokenFor(USERS.quan6);
    const r = await createReport(author, { kind: "news", title: "Tin có đổi ảnh" });
    const upload = async (caption: string) => {
      const form = new FormData();
      form.set("file", new File([PNG], "anh.png", { type: "image/png" }));
      form.set("caption", caption);
      const res = await call(`/api/v1/reports/${r.id}/attachments`, { token: author, body: form });
      expect(res.status).toBe(201);
      return (await res.json<{ id: string }>()).id;
    };
    const kept = await upload("Toàn cảnh hội nghị");
    const dropped = await upload("Ảnh sẽ bỏ");
    await call(`/api/v1/reports/${r.id}/submit`, { method: "POST", token: author });
    await call(`/api/v1/reports/${r.id}/decisions`, { token: await tokenFor(USERS.specialist), json: { action: "return", stage: "specialist", comment: "Đổi ảnh" } });
    expect((await call(`/api/v1/reports/${r.id}/attachments/${dropped}`, { method: "DELETE", token: author })).status).toBeLessThan(300);
    expect((await call(`/api/v1/reports/${r.id}/attachments/${kept}`, { method: "PATCH", token: author, json: { caption: "Toàn cảnh hội nghị sơ kết" } })).status).toBe(200);
    await upload("Ảnh mới thêm");
    await call(`/api/v1/reports/${r.id}/submit`, { method: "POST", token: author });
    const cookie = await signIn(USERS.specialist, "10.1.9.2");
    const page = await (await call(`/app/reports/${r.id}`, { headers: { cookie } })).text();
    const diff = page.slice(page.indexOf('id="thay-doi"'), page.indexOf("</section>", page.indexOf('id="thay-doi"')));
    expect(diff).toContain('<td data-label="Mục">Hình ảnh: bỏ</td>');
    expect(diff).toContain("<del>Ảnh sẽ bỏ</del>");
    expect(diff).toContain('<td data-label="Mục">Hình ảnh: thêm</td>');
    expect(diff).toContain("<ins>Ảnh mới thêm</ins>");
    expect(diff).toContain("<del>Toàn cảnh hội nghị</del>");
    expect(diff).toContain("<ins>Toàn cảnh hội nghị sơ kết</ins>");
    expect(diff).not.toContain(kept);
    expect(diff).not.toContain(dropped);
  });
});
