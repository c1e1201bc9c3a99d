// Issue 15 points 2, 4 and 9: the review page says who sent the report and when, where it stands
// and how long the stage has left in working hours; the article comes before the decision; the
// wording is the office's ("Trình", "Ý kiến xử lý") and explained in one place; the change view
// reads as text (no Markdown, no JSON, no ids); "In phiếu trình" gives the sheet without the menu.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import readme from "../README.md?raw";
import { WorkingCalendar } from "../src/domain/calendar";
import { GLOSSARY, timeLeftText } from "../src/web/views/report-detail";
import { call, createReport, tokenFor, USERS } from "./helpers/api";
import { decide, ok, submit } from "./helpers/review";
import { signIn } from "./helpers/web";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
let ip = 0;
const nextIp = () => `10.151.${++ip}.1`;
const pageOf = async (cookie: string, path: string) => {
  const res = await call(path, { headers: { cookie } });
  expect(res.status).toBe(200);
  return res.text();
};
/** The change view's section: from its heading to the end of its <section>. */
const diffSection = (html: string) => html.slice(html.indexOf('id="thay-doi"'), html.indexOf("</section>", html.indexOf('id="thay-doi"')));
const textOf = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

describe("review page: the header, the order, the wording", () => {
  it("unit, author, 'Trình lúc', step and due with working hours left; the article before the decision; back to the inbox", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await createReport(author, { title: "Hội nghị có đầu trang" });
    await ok(await submit(author, r.id));
    const cookie = await signIn(USERS.specialist, nextIp());
    const html = await pageOf(cookie, `/app/reports/${r.id}`);
    const text = textOf(html);
    expect(text).toContain("Đơn vị gửi Trung tâm GDNN-GDTX Quận 6");
    expect(text).toContain("Người soạn Nguyễn Thanh Hoàng");
    expect(text).toMatch(/Trình lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    expect(text).toContain("Bước hiện tại Chuyên viên");
    expect(text).toMatch(/Hạn xử lý \d{2}\/\d{2}\/\d{4} 17:00 \(còn (\d+|dưới 1) giờ làm việc\)/);
    expect(html).toContain('<a href="/app/inbox">← Về hộp thư</a>');
    // The article, then the decision; the comment field is "Ý kiến xử lý".
    const article = html.indexOf('id="noi-dung-bai"');
    const decision = html.indexOf('id="quyet-dinh"');
    expect(article).toBeGreaterThan(0);
    expect(decision).toBeGreaterThan(article);
    expect(html).toMatch(/<label for="comment">Ý kiến xử lý <span class="hint">\(bắt buộc khi trả lại\)<\/span><\/label>/);
    expect(html).toMatch(/<button type="submit" name="action" value="approve">Duyệt<\/button>/);
    // The assignment panel is still there.
    expect(text).toContain("Người xử lý:");
    // One glossary, on the page, with every term.
    const glossary = html.slice(html.indexOf('<details class="glossary">'), html.indexOf("</details>") + 10);
    expect(glossary).toContain("<summary>Thuật ngữ</summary>");
    for (const g of GLOSSARY) expect(glossary).toContain(`<dt>${g.term}</dt>`);
    expect(html.match(/class="glossary"/g)).toHaveLength(1);
  });

  it("an overdue stage says by how many working hours, and is marked overdue", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await createReport(author, { title: "Quá hạn từ lâu" });
    await ok(await submit(author, r.id));
    await env.DB.prepare("UPDATE reports SET stage_due_at = ? WHERE id = ?").bind("2024-03-01T10:00:00.000Z", r.id).run();
    const cookie = await signIn(USERS.specialist, nextIp());
    const text = textOf(await pageOf(cookie, `/app/reports/${r.id}`));
    expect(text).toMatch(/Hạn xử lý 01\/03\/2024 17:00 \(quá hạn \d+ giờ làm việc\)/);
    expect(text).toContain("Quá hạn");
  });

  it("working hours left follow the calendar: 08:00-17:00 of working days, days off skipped, overrides counted", () => {
    const vn = (local: string) => new Date(`${local}:00+07:00`).toISOString();
    const plain = new WorkingCalendar();
    expect(timeLeftText(plain, vn("2025-03-10T11:00"), vn("2025-03-10T17:00"))).toEqual({ text: "còn 6 giờ làm việc", overdue: false });
    // Friday 16:00 to Monday 17:00: one hour on Friday, nine on Monday.
    expect(timeLeftText(plain, vn("2025-03-14T16:00"), vn("2025-03-17T17:00")).text).toBe("còn 10 giờ làm việc");
    // A Saturday worked (an override) counts.
    const worked = new WorkingCalendar([{ date: "2025-03-15", working: true, name: "Làm bù" }]);
    expect(timeLeftText(worked, vn("2025-03-14T16:00"), vn("2025-03-17T17:00")).text).toBe("còn 19 giờ làm việc");
    expect(timeLeftText(plain, vn("2025-03-10T16:30"), vn("2025-03-10T17:00")).text).toBe("còn dưới 1 giờ làm việc");
    // Due Friday 17:00, now Monday 11:00: three working hours late (the weekend does not count).
    expect(timeLeftText(plain, vn("2025-03-17T11:00"), vn("2025-03-14T17:00"))).toEqual({ text: "quá hạn 3 giờ làm việc", overdue: true });
    expect(timeLeftText(plain, vn("2025-03-14T20:00"), vn("2025-03-14T17:00")).text).toBe("quá hạn dưới 1 giờ làm việc");
  });

  it("the author 'Trình' and 'Trình lại'; the history says 'Trình'; the author goes back to the list", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await createReport(author, { title: "Nháp để trình" });
    const cookie = await signIn(USERS.quan6, nextIp());
    let html = await pageOf(cookie, `/app/reports/${r.id}`);
    expect(html).toContain('<button type="submit">Trình</button>');
    expect(html).toContain('<a href="/app/reports">← Danh sách báo cáo</a>');
    expect(html).not.toContain("Gửi thẩm định");
    await ok(await submit(author, r.id));
    await ok(await decide(await tokenFor(USERS.specialist), r.id, { action: "return", stage: "specialist", comment: "Bổ sung ảnh" }));
    html = await pageOf(cookie, `/app/reports/${r.id}`);
    expect(html).toContain('<button type="submit">Trình lại</button>');
    expect(html).toContain('<td data-label="Thao tác">Trình</td>');
    expect(html).toContain('<td data-label="Ý kiến xử lý">Bổ sung ảnh</td>');
    expect(textOf(html)).toContain("Ý kiến xử lý của Phạm Phương Bình (Chuyên viên)");
  });

  it("the README's 'Thuật ngữ trên giao diện' is the page's glossary, word for word", () => {
    const section = readme.slice(readme.indexOf("### Thuật ngữ trên giao diện"));
    expect(section.length).toBeGreaterThan(0);
    for (const g of GLOSSARY) expect(section).toContain(`- **${g.term}**: ${g.meaning}`);
    expect([...section.split("\n### ")[0]!.matchAll(/^- \*\*/gm)]).toHaveLength(GLOSSARY.length);
  });
});

describe("review page: what changed reads as text", () => {
  it("the body as a word diff of the rendered text (no Markdown marks), guests by name; no JSON, no ids", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await createReport(author, {
      title: "Hội nghị có sửa nội dung",
      body: "Hội nghị có **120 đại biểu** tham dự.\n\n- Đánh giá học kì I\n- Triển khai học kì II",
    });
    await ok(await submit(author, r.id));
    await ok(await decide(await tokenFor(USERS.specialist), r.id, { action: "return", stage: "specialist", comment: "Sửa số đại biểu" }));
    const now = await (await call(`/api/v1/reports/${r.id}`, { token: author })).json<{ version: number }>();
    const attendees = [
      { name: "Ông Dương Trí Dũng", title: "Giám đốc Sở Giáo dục và Đào tạo" },
      { name: "Bà Trần Thị Kim Thanh", title: "Phó Trưởng phòng GDTX-CN&ĐH" },
    ];
    const edit = await call(`/api/v1/reports/${r.id}`, {
      method: "PATCH",
      token: author,
      json: { body: "Hội nghị có **150 đại biểu** tham dự.\n\n- Đánh giá học kì I\n- Triển khai _nhiệm vụ_ học kì II", attendees },
      headers: { "if-match": `"${now.version}"` },
    });
    expect(edit.status, await edit.clone().text()).toBe(200);
    await ok(await submit(author, r.id));
    const cookie = await signIn(USERS.specialist, nextIp());
    const html = await pageOf(cookie, `/app/reports/${r.id}`);
    const diff = diffSection(html);
    expect(diff).toContain("Thay đổi từ phiên bản 1 đến 2");
    expect(diff).toContain("<del>120</del>");
    expect(diff).toContain("<ins>150</ins>");
    expect(diff).toContain("<ins>nhiệm vụ </ins>");
    expect(diff).not.toMatch(/\*\*|_nhiệm|^- /m);
    expect(diff).not.toContain("- Đánh giá");
    // A guest whose title changed: named once, old and new title.
    expect(diff).toContain('<td data-label="Mục">Đại biểu: đổi chức danh</td>');
    expect(diff).toContain("<del>Ông Dương Trí Dũng – Phó Giám đốc Sở Giáo dục và Đào tạo</del>");
    expect(diff).toContain("<ins>Ông Dương Trí Dũng – Giám đốc Sở Giáo dục và Đào tạo</ins>");
    expect(diff).not.toContain("{");
    expect(diff).not.toContain("&quot;");
    expect(diff).not.toMatch(UUID);
    // The API keeps comparing the source (a client may want markup changes).
    const api = await (await call(`/api/v1/reports/${r.id}/diff`, { token: await tokenFor(USERS.specialist) })).json<{ body: { op: string; text: string }[] }>();
    expect(api.body.map((p) => p.text).join("")).toContain("**");
  });

  it("a change of formatting only is said in words, not shown as markup", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await createReport(author, { title: "Chỉ đổi định dạng", body: "Hội nghị có 120 đại biểu tham dự." });
    await ok(await submit(author, r.id));
    await ok(await decide(await tokenFor(USERS.specialist), r.id, { action: "return", stage: "specialist", comment: "In đậm số đại biểu" }));
    const now = await (await call(`/api/v1/reports/${r.id}`, { token: author })).json<{ version: number }>();
    await call(`/api/v1/reports/${r.id}`, { method: "PATCH", token: author, json: { body: "Hội nghị có **120 đại biểu** tham dự." }, headers: { "if-match": `"${now.version}"` } });
    await ok(await submit(author, r.id));
    const cookie = await signIn(USERS.specialist, nextIp());
    const diff = diffSection(await pageOf(cookie, `/app/reports/${r.id}`));
    expect(diff).toContain("chỉ đổi cách trình bày");
    expect(diff).not.toContain("**");
    expect(diff).not.toContain("<ins>");
  });
});

describe("review page: the phiếu trình", () => {
  it("'In phiếu trình' links to ?in=1: the article, the figures, the whole history with comments; no menu, no form", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await createReport(author, { title: "Báo cáo để in phiếu trình", body: "Hội nghị có **150 đại biểu** tham dự." });
    await ok(await submit(author, r.id));
    await ok(await decide(await tokenFor(USERS.specialist), r.id, { action: "return", stage: "specialist", comment: "Ghi rõ thời gian" }));
    await ok(await submit(author, r.id));
    await ok(await decide(await tokenFor(USERS.specialist), r.id, { action: "approve", stage: "specialist", comment: "Đồng ý trình lãnh đạo" }));
    const cookie = await signIn(USERS.deputy, nextIp());
    const html = await pageOf(cookie, `/app/reports/${r.id}`);
    expect(html).toContain(`<a class="button secondary" href="/app/reports/${r.id}?in=1">In phiếu trình</a>`);
    // The ordinary page carries the sheet's heading for when it is printed as it is.
    expect(html).toMatch(/<header class="sheet-head print-only">/);

    const sheet = await pageOf(cookie, `/app/reports/${r.id}?in=1`);
    const text = textOf(sheet);
    expect(text).toContain("PHIẾU TRÌNH");
    expect(text).toContain("Báo cáo để in phiếu trình");
    expect(text).toContain("Đơn vị gửi Trung tâm GDNN-GDTX Quận 6");
    expect(sheet).toContain("<strong>150 đại biểu</strong>");
    expect(text).toContain("Lịch sử xử lý và ý kiến");
    expect(sheet).toContain('<td data-label="Ý kiến xử lý">Ghi rõ thời gian</td>');
    expect(sheet).toContain('<td data-label="Ý kiến xử lý">Đồng ý trình lãnh đạo</td>');
    expect(sheet.match(/<td data-label="Thao tác">Trình<\/td>/g)).toHaveLength(2);
    expect(sheet).not.toContain("<form");
    expect(sheet).not.toContain('aria-label="Chức năng"');
    expect(sheet).not.toContain("Đăng xuất");
    // The print button is the page script's (hidden until it runs); the way back is a plain link.
    expect(sheet).toMatch(/<button type="button" data-print="" hidden="">In phiếu trình<\/button>/);
    expect(sheet).toContain(`<a href="/app/reports/${r.id}">← Về trang báo cáo</a>`);
  });

  it("a periodic report's sheet has its figures table", async () => {
    const { openPeriod, periodicInput } = await import("./helpers/periods");
    await openPeriod();
    const author = await tokenFor(USERS.quan6);
    const r = await (await call("/api/v1/reports", { token: author, json: await periodicInput() })).json<{ id: string }>();
    const cookie = await signIn(USERS.quan6, nextIp());
    const sheet = await pageOf(cookie, `/app/reports/${r.id}?in=1`);
    expect(sheet).toContain('id="so-lieu"');
    expect(textOf(sheet)).toContain("Số giáo viên");
  });
});
