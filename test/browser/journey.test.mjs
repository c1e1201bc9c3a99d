// The whole journey in a real browser (Debian's Chromium through playwright-core) against the
// running Worker: author -> specialist returns it -> author fixes -> three approvals -> the page
// on the portal. Screenshots of each main page go to test/artifacts/.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { startWorker } from "../../scripts/local-worker.mjs";
import { ARTIFACTS, assertNoSeriousAxe, launchBrowser, PASSWORD, signIn } from "./harness.mjs";

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const TITLE = "Hội nghị sơ kết học kì I giáo dục thường xuyên";

let server;
let browser;
/** This run's report page (set by the first step). */
let reportUrl;

const signedIn = (email, { width = 1280 } = {}) => signIn(browser, server.base, email, { viewport: { width, height: 900 }, locale: "vi-VN", timezoneId: "Asia/Ho_Chi_Minh" });

const shot = (page, name) => page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });

async function decide(email, action, comment) {
  const page = await signedIn(email);
  await page.goto(`${server.base}/app/inbox`);
  // This run's report (a worker's local state may keep earlier runs' reports of the same title).
  await page.click(`a[href="${new URL(reportUrl).pathname}"]`);
  if (comment) await page.fill("#comment", comment);
  await page.click(`button[name=action][value=${action}]`);
  await page.waitForURL(/\/app\/inbox/);
  const notice = await page.textContent("[role=status]");
  await page.context().close();
  return notice;
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startWorker(8790);
  browser = await launchBrowser("vi-VN");
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe("the whole journey", () => {

  it("an author signs in, writes a draft with a live preview and an image, and submits it", async () => {
    const page = await signedIn("quan6@trungtam.example");
    await shot(page, "01-author-reports");
    await page.goto(`${server.base}/app/reports/new`);
    await page.click("a[href='/app/reports/new?kind=event']");
    await page.fill("#title", TITLE);
    await page.fill("#summary", "Sở Giáo dục và Đào tạo tổ chức Hội nghị sơ kết học kì I.");
    await page.fill("#body", "Ngày 23 tháng 01 năm 2024, Hội nghị có **120 đại biểu** tham dự.\n\n- Đánh giá kết quả học kì I\n- Triển khai nhiệm vụ học kì II");
    await page.fill("#eventDate", "2024-01-23");
    await page.fill("#location", "Trường Cao đẳng Kinh tế Thành phố Hồ Chí Minh");
    await page.fill("#attendees", "Ông Dương Trí Dũng – Phó Giám đốc Sở Giáo dục và Đào tạo\nBà Trần Thị Kim Thanh – Phó Trưởng phòng GDTX-CN&ĐH");
    await page.waitForFunction(() => [...document.querySelectorAll("#xem-truoc strong")].some((e) => e.textContent === "120 đại biểu"));
    await page.waitForFunction(() => document.querySelector("#xem-truoc h2")?.textContent?.startsWith("Hội nghị sơ kết"));
    await shot(page, "02-author-editor");
    await page.click("main button[type=submit]");
    await page.waitForURL(/\/app\/reports\/[0-9a-f-]{36}/);
    reportUrl = page.url().split("?")[0];

    await page.setInputFiles("#file", { name: "van-nghe.png", mimeType: "image/png", buffer: PNG });
    await page.fill("#caption", "Văn nghệ chào mừng Hội nghị của TT GDNN – GDTX Quận 6");
    await page.click("form[enctype='multipart/form-data'] button[type=submit]");
    await page.waitForSelector("text=Hình 1: Văn nghệ chào mừng Hội nghị");
    await page.click("button:text-is('Trình')");
    await page.waitForSelector("text=/Đã (gửi thẩm định|trình)/");
    assert.match(await page.textContent("main"), /Bước hiện tại\s*Chuyên viên/);
    await shot(page, "03-author-submitted");
    await page.context().close();
  });

  it("the specialist finds it in the inbox and returns it with a comment", async () => {
    const page = await signedIn("chuyenvien@sogd.example");
    await page.goto(`${server.base}/app/inbox`);
    assert.match(await page.textContent("main"), new RegExp(TITLE));
    await shot(page, "04-specialist-inbox");
    await page.click(`a[href="${new URL(reportUrl).pathname}"]`);
    await shot(page, "05-specialist-review");
    await page.context().close();
    const notice = await decide("chuyenvien@sogd.example", "return", "Đề nghị ghi rõ số đại biểu là 150.");
    assert.match(notice, /Đã trả lại/);
  });

  it("the author sees the comment inline, fixes the text and resubmits", async () => {
    const page = await signedIn("quan6@trungtam.example");
    await page.goto(reportUrl);
    assert.match(await page.textContent(".returned-note"), /Đề nghị ghi rõ số đại biểu là 150/);
    await shot(page, "06-author-returned");
    await page.click("a:text('Sửa nội dung')");
    await page.fill("#body", "Ngày 23 tháng 01 năm 2024, Hội nghị có **150 đại biểu** tham dự.\n\n- Đánh giá kết quả học kì I\n- Triển khai nhiệm vụ học kì II");
    await page.click("main button[type=submit]");
    await page.waitForSelector("text=Đã lưu thay đổi");
    await page.click("button:text-is('Trình lại')");
    await page.waitForSelector("text=/Đã (gửi thẩm định|trình)/");
    await page.context().close();
  });

  it("the specialist sees what changed since they returned it, then three approvals publish it", async () => {
    const page = await signedIn("chuyenvien@sogd.example");
    await page.goto(reportUrl);
    assert.match(await page.textContent("#thay-doi"), /Thay đổi từ phiên bản 1 đến 2/);
    // The word added, marked in the body's diff (the legend above it has its own sample).
    assert.ok((await page.locator("section.diff ins").allTextContents()).includes("150"));
    await shot(page, "07-specialist-diff");
    await page.context().close();
    assert.match(await decide("chuyenvien@sogd.example", "approve"), /Đã duyệt/);
    assert.match(await decide("photruongphong@sogd.example", "approve"), /Đã duyệt/);
    assert.match(await decide("truongphong@sogd.example", "approve"), /Đã duyệt bước cuối/);
  });

  it("the page is on the portal, with the image, attendees and the approval stamp", async () => {
    const page = await signedIn("quan6@trungtam.example");
    let portalHref = null;
    for (let i = 0; i < 60 && !portalHref; i++) {
      await page.goto(reportUrl);
      portalHref = await page.getAttribute("a[href^='/portal/bai-viet/']", "href").catch(() => null);
      if (!portalHref) await page.waitForTimeout(500);
    }
    assert.ok(portalHref, "the report got a published address");
    await page.goto(`${server.base}${portalHref}`);
    assert.equal(await page.textContent("h1"), TITLE);
    const text = await page.textContent("main");
    assert.match(text, /150 đại biểu/);
    assert.match(text, /Ngày 23\/01\/2024/);
    assert.match(text, /Hình 1: Văn nghệ chào mừng Hội nghị/);
    assert.match(text, /Trưởng phòng: Cao Minh Quý/);
    await shot(page, "08-portal-article");
    await page.goto(`${server.base}/portal/`);
    assert.match(await page.textContent("main"), new RegExp(TITLE));
    await shot(page, "09-portal-index");
    await page.context().close();
  });

  it("the portal's pages pass axe-core (no serious or critical violation) at office and phone widths", async () => {
    const pages = ["/portal/", "/portal/don-vi/", `/portal/search?q=${encodeURIComponent("hoi nghi")}`];
    const article = await (async () => {
      const page = await signedIn("quan6@trungtam.example");
      await page.goto(reportUrl);
      const href = await page.getAttribute("a[href^='/portal/bai-viet/']", "href");
      await page.context().close();
      return href;
    })();
    assert.ok(article, "the article's address");
    pages.push(article);
    for (const width of [1366, 390]) {
      // The page's CSP forbids injected scripts; axe is ours, not the page's.
      const context = await browser.newContext({ viewport: { width, height: 900 }, locale: "vi-VN", bypassCSP: true });
      const page = await context.newPage();
      for (const path of pages) {
        const res = await page.goto(`${server.base}${path}`);
        assert.equal(res.status(), 200, path);
        await assertNoSeriousAxe(page, `${path} at ${width}px`);
      }
      await shot(page, `portal-search-${width}`);
      await context.close();
    }
  });

  it("the director's dashboard counts it; the admin sees the emails sent", async () => {
    const director = await signedIn("truongphong@sogd.example");
    await director.goto(`${server.base}/app/dashboard`);
    assert.match(await director.textContent("main"), /Thời gian xử lý ở mỗi bước/);
    await shot(director, "10-director-dashboard");
    await director.context().close();
    const admin = await signedIn("admin@sogd.example");
    await admin.goto(`${server.base}/app/notifications`);
    assert.match(await admin.textContent("main"), /\[Chờ thẩm định\]/);
    await shot(admin, "11-admin-notifications");
    await admin.goto(`${server.base}/app/users`);
    await shot(admin, "12-admin-users");
    await admin.context().close();
  });
});

describe("bad input and sessions", () => {
  it("a specialist opens a reporting period; the centre enters its figures, an error comes back beside the field with what was typed", async () => {
    const specialist = await signedIn("chuyenvien@sogd.example");
    await specialist.goto(`${server.base}/app/periods/new`);
    await specialist.fill("#title", "Kết quả học kỳ I năm học 2026 – 2027");
    await specialist.fill("#opensDate", "01/01/2026");
    await specialist.fill("#dueDate", "31/12/2030");
    await specialist.click("main button[type=submit]");
    await specialist.waitForURL(/\/app\/periods\/[0-9a-f-]{36}(\?|$)/);
    await specialist.context().close();

    const page = await signedIn("tanphu@trungtam.example");
    await page.goto(`${server.base}/app/periods`);
    await page.click('a:text("Nhập số liệu")');
    await page.waitForSelector("#figures\\.enrolled");
    await page.fill("#title", "Báo cáo học kì I");
    await page.fill("#body", "Kết quả học kì I.");
    const typed = { classes: "412", enrolled: "13.184", completed: "13.001", completionRate: "99,6", dropouts: "95", teachers: "640" };
    for (const [id, value] of Object.entries(typed)) await page.fill(`#figures\\.${id}`, value);
    await page.click("main button[type=submit]");
    await page.waitForSelector("#figures\\.completionRate-error");
    assert.match(await page.textContent("#figures\\.completionRate-error"), /13\.001 \/ 13\.184 = 98,6%/);
    assert.equal(await page.inputValue("#title"), "Báo cáo học kì I");
    assert.equal(await page.inputValue("#figures\\.enrolled"), "13.184");
    assert.equal(await page.getAttribute("#figures\\.completionRate", "aria-invalid"), "true");
    await shot(page, "13-form-errors");
    await page.fill("#figures\\.completionRate", "98,6");
    await page.click("main button[type=submit]");
    await page.waitForSelector("text=Đã lưu bản nháp");
    assert.match(await page.textContent("main"), /13\.184 học viên/);
    await shot(page, "14-periodic-report");
    await page.context().close();
  });

  it("an expired session leads to sign-in and then back to where the user was", async () => {
    const context = await browser.newContext({ locale: "vi-VN" });
    const page = await context.newPage();
    await page.goto(`${server.base}/app/inbox`);
    assert.match(page.url(), /\/app\/login\?next=%2Fapp%2Finbox/);
    await page.fill("#email", "photruongphong@sogd.example");
    await page.fill("#password", PASSWORD);
    await page.click("main button[type=submit]");
    await page.waitForURL(/\/app\/inbox$/);
    await context.clearCookies();
    await page.goto(`${server.base}/app/dashboard?x=1`);
    assert.match(page.url(), /next=%2Fapp%2Fdashboard%3Fx%3D1/);
    await context.close();
  });

  it("pages work at phone width", async () => {
    const page = await signedIn("chuyenvien@sogd.example", { width: 390 });
    await page.goto(`${server.base}/app/reports`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `no sideways scrolling (overflow ${overflow}px)`);
    await shot(page, "14-phone-reports");
    await page.context().close();
  });
});
