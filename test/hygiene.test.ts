// What typed text may contain, one rule wherever it enters (src/domain/text.ts): API JSON,
// multipart captions and the /app forms. Lone surrogates are refused everywhere; single-line
// fields refuse control characters; multi-line fields get LF line ends and lose other controls.
// Email subjects are one clean line whatever the stored title holds.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { NotificationMessage } from "../src/flow/effects";
import { renderNotification } from "../src/notifications/templates";
import { call, createReport, expectProblem, json, sampleReport, tokenFor, USERS } from "./helpers/api";
import { PNG } from "./helpers/publish";
import { d1Events, submittedReport } from "./helpers/review";
import { DEMO_PASSWORD } from "./helpers/seed";
import { csrfOf, formPost, ORIGIN, signIn } from "./helpers/web";

const uniq = () => crypto.randomUUID().slice(0, 8);
const CONTROL_MESSAGE = "Không được chứa ký tự điều khiển, tab hay xuống dòng";
const NOT_TEXT_MESSAGE = "Chứa ký tự không hợp lệ (nửa cặp UTF-16 hoặc ký tự không dùng được)";

async function refusedField(res: Response, path: string, message: string) {
  const body = await expectProblem(res, 422, "validation-failed");
  expect(body.errors).toContainEqual(expect.objectContaining({ path, message }));
}




const stored = (id: string) => env.DB.prepare("SELECT title, summary, body, location FROM reports WHERE id = ?").bind(id).first<{ title: string; summary: string | null; body: string; location: string | null }>();

describe("API JSON: single-line fields refuse control characters", () => {
  it.each([
    ["title", { title: "Hội nghị\r\nBcc: ai@example.com" }],
    ["title", { title: "Hội nghị\tsơ kết" }],
    ["title", { title: "Hội nghị\u0000sơ kết" }],
    ["title", { title: "Hội nghị\u0085sơ kết" }],
    ["location", { location: "Quận 6\nTân Phú" }],
    ["attendees.0.name", { attendees: [{ name: "Ông A\u0007", title: "" }] }],
    ["attendees.0.title", { attendees: [{ name: "Ông A", title: "Phó\nGiám đốc" }] }],
    ["sourceUrl", { sourceUrl: "https://hcm.edu.vn/bai\u0000viet" }],
    ["sourceUrl", { sourceUrl: "https://hcm.edu.vn/bai\u0085viet" }],
  ])("%s is refused with a 422 naming it", async (path, overrides) => {
    const token = await tokenFor(USERS.quan6);
    await refusedField(await call("/api/v1/reports", { token, json: { ...sampleReport, ...overrides } }), path, CONTROL_MESSAGE);
  });

  it("a URL's tab and line breaks are dropped, as the URL standard drops them", async () => {
    const r = await createReport(await tokenFor(USERS.quan6), { title: `Liên kết ${uniq()}`, sourceUrl: "https://hcm.edu.vn/bai\r\nviet" });
    expect(r.sourceUrl).toBe("https://hcm.edu.vn/baiviet");
  });

  it("leading and trailing whitespace (a tab or newline included) is trimmed, not refused", async () => {
    const r = await createReport(await tokenFor(USERS.quan6), { title: `\tHội nghị đầu cuối ${uniq()}\n` });
    expect(r.title).toMatch(/^Hội nghị đầu cuối [0-9a-f]{8}$/);
  });

  it("on edit too: PATCH with a CR in the title is a 422 and changes nothing", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token, { title: `Sửa tiêu đề ${uniq()}` });
    await refusedField(await call(`/api/v1/reports/${r.id}`, { method: "PATCH", token, json: { title: "Một\rHai" }, headers: { "if-match": '"1"' } }), "title", CONTROL_MESSAGE);
    expect((await stored(r.id))!.title).toBe(r.title);
  });

  it("users' and units' names and titles follow the same rule", async () => {
    const admin = await tokenFor(USERS.admin);
    const me = await json(await call("/api/v1/me", { token: admin }));
    const user = { email: `u${uniq()}@sogd.example`, unitId: me.unitId, password: "mat-khau-du-dai", grants: [] };
    await refusedField(await call("/api/v1/users", { token: admin, json: { ...user, name: "Nguyễn\nVăn A" } }), "name", CONTROL_MESSAGE);
    await refusedField(await call("/api/v1/users", { token: admin, json: { ...user, name: "Nguyễn Văn A", title: "Chuyên\u001bviên" } }), "title", CONTROL_MESSAGE);
    await refusedField(await call("/api/v1/users", { token: admin, json: { ...user, name: "Nguyễn Văn A", password: "mat-khau-\ud800-dai" } }), "password", NOT_TEXT_MESSAGE);
    await refusedField(await call("/api/v1/units", { token: admin, json: { code: `u-${uniq()}`, name: "Trung tâm\r\nmới", type: "centre", parentId: null } }), "name", CONTROL_MESSAGE);
  });
});

describe("API JSON: lone surrogates are refused everywhere", () => {
  it.each([
    ["title", { title: "Hội nghị \ud800 sơ kết" }],
    ["title", { title: "Hội nghị \udc00 sơ kết" }],
    ["body", { body: "Nội dung \udfff cuối" }],
    ["summary", { summary: "Tóm tắt \ud83d" }],
    ["body", { body: "Nội dung \uffff" }],
  ])("%s with a lone surrogate or a noncharacter is a 422", async (path, overrides) => {
    const token = await tokenFor(USERS.quan6);
    await refusedField(await call("/api/v1/reports", { token, json: { ...sampleReport, ...overrides } }), path, NOT_TEXT_MESSAGE);
  });

  it("a whole surrogate pair (an emoji) is text and is stored as sent", async () => {
    const r = await createReport(await tokenFor(USERS.quan6), { title: `Chúc mừng 🎉 ${uniq()}`, body: "Nội dung 🎓" });
    expect((await stored(r.id))!.title).toBe(r.title);
    expect((await stored(r.id))!.body).toBe("Nội dung 🎓");
  });
});

describe("API JSON: multi-line fields are cleaned", () => {
  it("CRLF and CR become LF, tab stays, other controls go; NFC as before", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token, {
      title: `Làm sạch ${uniq()}`,
      summary: "Dòng 1\r\nDòng 2\u0000\rDòng 3",
      body: `Đoạn một\r\n\r\nĐoạn hai\u000b có\u0008 ký tự lạ\u007f\u0085.\n\tThụt lề. ${"Hội nghị".normalize("NFD")}`,
    });
    const row = await stored(r.id);
    expect(row!.summary).toBe("Dòng 1\nDòng 2\nDòng 3");
    expect(row!.body).toBe("Đoạn một\n\nĐoạn hai có ký tự lạ.\n\tThụt lề. Hội nghị");
    expect(r.body).toBe(row!.body);
  });

  it("review comments: CRLF becomes LF and controls go; a lone surrogate is refused", async () => {
    const id = await submittedReport({ title: `Ý kiến ${uniq()}` });
    const reviewer = await tokenFor(USERS.specialist);
    await refusedField(await call(`/api/v1/reports/${id}/decisions`, { token: reviewer, json: { action: "return", stage: "specialist", comment: "Sửa \ud800" } }), "comment", NOT_TEXT_MESSAGE);
    const res = await call(`/api/v1/reports/${id}/decisions`, { token: reviewer, json: { action: "return", stage: "specialist", comment: "Ghi rõ số đại biểu.\r\nBổ sung ảnh.\u0000" } });
    expect(res.status, await res.clone().text()).toBe(200);
    const events = await d1Events(id);
    expect(events.at(-1).comment).toBe("Ghi rõ số đại biểu.\nBổ sung ảnh.");
  });

  it("a withdrawal comment follows the same rule", async () => {
    const id = await submittedReport({ title: `Rút lại ${uniq()}` });
    const author = await tokenFor(USERS.quan6);
    const res = await call(`/api/v1/reports/${id}/withdraw`, { token: author, json: { comment: "Rút\r\nđể sửa\u0007" } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await d1Events(id)).at(-1).comment).toBe("Rút\nđể sửa");
  });
});

describe("captions (multipart and JSON) are single-line", () => {
  const upload = (token: string, id: string, caption: string) => {
    const form = new FormData();
    form.set("file", new File([PNG], "anh.png", { type: "image/png" }));
    form.set("caption", caption);
    return call(`/api/v1/reports/${id}/attachments`, { token, body: form });
  };

  it("an upload with a line break, a control character or a lone surrogate in its caption is a 422 and stores nothing", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token, { title: `Chú thích ${uniq()}` });
    await refusedField(await upload(token, r.id, "Hình 1\r\nHình 2"), "caption", CONTROL_MESSAGE);
    await refusedField(await upload(token, r.id, "Hình\u00001"), "caption", CONTROL_MESSAGE);
    expect((await env.BUCKET.list({ prefix: `uploads/${r.id}/` })).objects).toHaveLength(0);
  });

  it("PATCH of a caption follows the same rule", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token, { title: `Sửa chú thích ${uniq()}` });
    const img = await json(await upload(token, r.id, "Hình 1"));
    const path = `/api/v1/reports/${r.id}/attachments/${img.id}`;
    await refusedField(await call(path, { method: "PATCH", token, json: { caption: "Hình\n1" } }), "caption", CONTROL_MESSAGE);
    await refusedField(await call(path, { method: "PATCH", token, json: { caption: "Hình \udbff" } }), "caption", NOT_TEXT_MESSAGE);
    const ok = await call(path, { method: "PATCH", token, json: { caption: "  Hình 1: Hội nghị  " } });
    expect((await json(ok)).caption).toBe("Hình 1: Hội nghị");
  });
});

describe("the /app forms share the rule", () => {
  it("a title with a tab inside is refused on the form, with the same message; a body's CRLF and junk are cleaned", async () => {
    const cookie = await signIn(USERS.quan6, "10.61.0.1");
    const csrf = await csrfOf(cookie, "/app/reports/new?kind=news");
    const refused = await call("/app/reports/new", formPost(cookie, { _csrf: csrf, kind: "news", title: "Hội nghị\tsơ kết", body: "Nội dung" }));
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain(CONTROL_MESSAGE);
    const title = `Qua biểu mẫu ${uniq()}`;
    const saved = await call("/app/reports/new", formPost(cookie, { _csrf: csrf, kind: "news", title, body: "Đoạn một\r\n\r\nĐoạn hai\u0000\u000c." }));
    expect(saved.status).toBe(303);
    const row = await env.DB.prepare("SELECT body FROM reports WHERE title = ?").bind(title).first<{ body: string }>();
    expect(row!.body).toBe("Đoạn một\n\nĐoạn hai.");
  });

  it("attendees typed with lone CR line ends are split into lines, not refused", async () => {
    const cookie = await signIn(USERS.quan6, "10.61.0.2");
    const csrf = await csrfOf(cookie, "/app/reports/new?kind=event");
    const title = `Đại biểu ${uniq()}`;
    const res = await call("/app/reports/new", formPost(cookie, { _csrf: csrf, kind: "event", title, body: "Nội dung", eventDate: "2024-01-23", attendees: "Ông A – Giám đốc\rBà B – Phó Giám đốc" }));
    expect(res.status).toBe(303);
    const row = await env.DB.prepare("SELECT attendees FROM reports WHERE title = ?").bind(title).first<{ attendees: string }>();
    expect(JSON.parse(row!.attendees)).toEqual([
      { name: "Ông A", title: "Giám đốc" },
      { name: "Bà B", title: "Phó Giám đốc" },
    ]);
  });

  it("a caption typed on the page with a control character is refused, as in the API", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token, { title: `Ảnh qua trang ${uniq()}` });
    const cookie = await signIn(USERS.quan6, "10.61.0.3");
    const csrf = await csrfOf(cookie, `/app/reports/${r.id}`);
    const form = new FormData();
    form.set("_csrf", csrf);
    form.set("file", new File([PNG], "anh.png", { type: "image/png" }));
    form.set("caption", "Hình\u00071");
    const res = await call(`/app/reports/${r.id}/images`, { body: form, headers: { cookie, origin: ORIGIN } });
    expect(res.status).toBe(303);
    expect(decodeURIComponent(res.headers.get("location")!)).toContain(CONTROL_MESSAGE);
    expect((await env.BUCKET.list({ prefix: `uploads/${r.id}/` })).objects).toHaveLength(0);
  });

  it("a decision comment typed on the page is cleaned as in the API", async () => {
    const id = await submittedReport({ title: `Ý kiến qua trang ${uniq()}` });
    const cookie = await signIn(USERS.specialist, "10.61.0.4");
    const csrf = await csrfOf(cookie, `/app/reports/${id}`);
    const res = await call(`/app/reports/${id}/decide`, formPost(cookie, { _csrf: csrf, action: "return", stage: "specialist", comment: "Dòng một\r\nDòng hai\u0000" }));
    expect(res.status).toBe(303);
    expect((await d1Events(id)).at(-1).comment).toBe("Dòng một\nDòng hai");
  });
});

describe("email subjects are one clean line", () => {
  const message = (reportTitle: string): NotificationMessage => ({
    id: "e:awaiting_review:u",
    eventId: "e",
    template: "awaiting_review",
    revision: 1,
    reportId: "r",
    reportTitle,
    unitId: "u",
    userId: "u",
    email: "a@sogd.example",
    name: "Người nhận",
    audience: { type: "author" },
    stage: { id: "specialist", label: "Chuyên viên" },
    comment: null,
    dueAt: null,
  });

  it("a stored title with CR/LF or controls never makes a second header line", () => {
    const { subject } = renderNotification(message("Hội nghị\r\nBcc: ai@example.com\u0000\u2028x"), "https://app.example");
    expect(subject).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(subject).toBe("[Chờ thẩm định] Hội nghị Bcc: ai@example.com x");
  });

  it("a long title is cut short, and never inside a surrogate pair", () => {
    const { subject } = renderNotification(message("🎉".repeat(400)), "https://app.example");
    expect(Array.from(subject).length).toBeLessThanOrEqual(200);
    expect(subject.endsWith("…")).toBe(true);
    expect(subject).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });
});
