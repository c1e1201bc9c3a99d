// Issue 15 points 2, 4 and 9 in a real browser (Debian's Chromium through playwright-core): the
// review page's header and order, keyboard-only review, the change view as text, and the
// "phiếu trình" (print media and the ?in=1 sheet), with axe-core at 1366 and 390 px. Screenshots
// go to test/artifacts/review-page-*.png.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { startWorker } from "../../scripts/local-worker.mjs";
import { ARTIFACTS, assertNoSeriousAxe, launchBrowser, signIn } from "./harness.mjs";

const TITLE = "Hội nghị tổng kết công tác phổ cập giáo dục năm 2024";
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const WIDTHS = [1366, 390];

let server;
let browser;
let reportUrl;

/** A signed-in page; `bypassCSP` so that axe (ours, not the page's) can be injected. */
const signedIn = (email, width = 1366) => signIn(browser, server.base, email, { viewport: { width, height: 900 }, locale: "vi-VN", timezoneId: "Asia/Ho_Chi_Minh", bypassCSP: true });

const shot = (page, name, fullPage = true) => page.screenshot({ path: `${ARTIFACTS}review-page-${name}.png`, fullPage });

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startWorker(8791);
  browser = await launchBrowser("vi-VN");
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe("the review page", () => {
  it("the author writes and 'Trình'; the specialist returns it with an 'Ý kiến xử lý'; the author fixes it and 'Trình lại'", async () => {
    const author = await signedIn("quan6@trungtam.example");
    await author.goto(`${server.base}/app/reports/new?kind=news`);
    await author.fill("#title", TITLE);
    await author.fill("#summary", "Sở Giáo dục và Đào tạo tổng kết công tác phổ cập giáo dục năm 2024.");
    await author.fill("#body", "Hội nghị có **120 đại biểu** tham dự.\n\n- Đánh giá kết quả phổ cập\n- Triển khai nhiệm vụ năm 2025");
    await author.click("main button[type=submit]");
    await author.waitForURL(/\/app\/reports\/[0-9a-f-]{36}/);
    reportUrl = author.url().split("?")[0];
    await author.getByRole("button", { name: "Trình", exact: true }).click();
    await author.waitForURL(/tb=/);
    await author.context().close();

    const specialist = await signedIn("chuyenvien@sogd.example");
    await specialist.goto(reportUrl);
    await specialist.getByLabel("Ý kiến xử lý").fill("Đề nghị ghi rõ số đại biểu là 150.");
    await specialist.getByRole("button", { name: "Trả lại cho đơn vị" }).click();
    await specialist.waitForURL(/\/app\/inbox/);
    await specialist.context().close();

    const again = await signedIn("quan6@trungtam.example", 390);
    await again.goto(reportUrl);
    assert.match(await again.textContent(".returned-note"), /Đề nghị ghi rõ số đại biểu là 150/);
    await again.getByRole("link", { name: "Sửa nội dung" }).click();
    await again.fill("#body", "Hội nghị có **150 đại biểu** tham dự.\n\n- Đánh giá kết quả phổ cập\n- Triển khai nhiệm vụ năm 2025");
    await again.click("main button[type=submit]");
    await again.waitForURL(/tb=/);
    await again.getByRole("button", { name: "Trình lại", exact: true }).click();
    await again.waitForURL(/tb=/);
    await assertNoSeriousAxe(again, "author's page at 390");
    await shot(again, "author-390");
    await again.context().close();
  });

  it("at 1366 and 390: the header facts, the article before the decision, the change as text; axe clean", async () => {
    for (const width of WIDTHS) {
      const page = await signedIn("chuyenvien@sogd.example", width);
      await page.goto(reportUrl);
      const facts = await page.textContent("dl.report-facts");
      assert.match(facts, /Đơn vị gửiTrung tâm GDNN-GDTX Quận 6/);
      assert.match(facts, /Người soạnNguyễn Thanh Hoàng/);
      assert.match(facts, /Trình lúc\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
      assert.match(facts, /Hạn xử lý\d{2}\/\d{2}\/\d{4} 17:00 \((còn|quá hạn) (\d+|dưới 1) giờ làm việc\)/);
      assert.ok(await page.getByRole("link", { name: "← Về hộp thư" }).isVisible());
      // Reading order and the page's order: the article, then the decision.
      const article = await page.locator("#noi-dung-bai").boundingBox();
      const decision = await page.locator("#quyet-dinh").boundingBox();
      if (width < 1000) assert.ok(decision.y > article.y, "the decision comes after the article on a phone");
      const order = await page.evaluate(() => document.querySelector("#noi-dung-bai").compareDocumentPosition(document.querySelector("#quyet-dinh")) & Node.DOCUMENT_POSITION_FOLLOWING);
      assert.ok(order, "the article precedes the decision in the page");
      // The change view: the rendered text, word by word; no Markdown, JSON or ids.
      const diff = await page.textContent("section.diff");
      assert.equal(await page.textContent("section.diff .diff-body del"), "120");
      assert.equal(await page.textContent("section.diff .diff-body ins"), "150");
      assert.doesNotMatch(diff, /\*\*|\{|\}/);
      assert.doesNotMatch(diff, UUID);
      // The glossary opens from its summary.
      await page.click(".glossary summary");
      assert.ok(await page.getByText("Ký thay: người được uỷ quyền").isVisible());
      await assertNoSeriousAxe(page, `review page at ${width}`);
      await shot(page, `specialist-${width}`);
      if (width < 1000) {
        // Viewport-sized views of the phone page, to look at (the full page is too tall to read).
        await page.evaluate(() => window.scrollTo(0, 0));
        await shot(page, "specialist-390-top", false);
        await page.locator("#thay-doi").scrollIntoViewIfNeeded();
        await page.evaluate(() => window.scrollBy(0, document.querySelector("#thay-doi").getBoundingClientRect().top - 10));
        await shot(page, "specialist-390-decision", false);
      }
      if (width >= 1000) {
        // The decision stays in view while the reviewer scrolls through the article.
        await page.evaluate(() => window.scrollTo(0, document.querySelector("section.diff").getBoundingClientRect().top + window.scrollY - 100));
        const box = await page.locator("#quyet-dinh").boundingBox();
        // boundingBox() is relative to the viewport.
        const inView = box.y >= 0 && box.y + 40 < 900;
        assert.ok(inView, "the decision bar stays in view at 1366");
        await shot(page, "specialist-1366-scrolled", false);
      }
      await page.context().close();
    }
  });

  it("keyboard only: Tab to the comment, type it, Tab to 'Duyệt', Enter approves", async () => {
    const page = await signedIn("chuyenvien@sogd.example");
    await page.goto(reportUrl);
    const focused = () => page.evaluate(() => ({ id: document.activeElement?.id ?? "", text: document.activeElement?.textContent?.trim() ?? "", value: document.activeElement?.getAttribute("value") ?? "" }));
    let f;
    for (let i = 0; i < 200; i++) {
      await page.keyboard.press("Tab");
      f = await focused();
      if (f.id === "comment") break;
    }
    assert.equal(f.id, "comment", "Tab reaches the 'Ý kiến xử lý' field");
    await page.keyboard.type("Đồng ý, trình Phó Trưởng phòng.");
    await page.keyboard.press("Tab");
    f = await focused();
    assert.deepEqual([f.text, f.value], ["Duyệt", "approve"]);
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/app\/inbox/);
    assert.match(await page.textContent("[role=status]"), /Đã duyệt/);
    await page.context().close();
  });

  it("print: the page printed is the phiếu trình (no menu, buttons or forms); 'In phiếu trình' opens the sheet; axe clean", async () => {
    for (const width of WIDTHS) {
      const page = await signedIn("photruongphong@sogd.example", width);
      await page.goto(reportUrl);
      await page.emulateMedia({ media: "print" });
      for (const hidden of ["body > header", "#quyet-dinh", ".page-actions", ".glossary", "section.diff", ".assignment"]) {
        const shown = await page.locator(hidden).first().isVisible().catch(() => false);
        assert.equal(shown, false, `${hidden} is not printed`);
      }
      assert.ok(await page.locator("article").first().isVisible(), "the article is printed");
      assert.ok(await page.locator("#lich-su").isVisible(), "the history is printed");
      assert.ok(await page.getByText("PHIẾU TRÌNH", { exact: true }).isVisible());
      await shot(page, `print-media-${width}`);
      await page.emulateMedia({ media: "screen" });

      await page.getByRole("link", { name: "In phiếu trình" }).click();
      await page.waitForURL(/\?in=1/);
      const sheet = await page.textContent("main");
      assert.match(sheet, /PHIẾU TRÌNH/);
      assert.match(sheet, /150 đại biểu/);
      assert.match(sheet, /Đề nghị ghi rõ số đại biểu là 150\./);
      assert.match(sheet, /Đồng ý, trình Phó Trưởng phòng\./);
      assert.equal(await page.locator("form").count(), 0);
      // The page script shows the print button (window.print()); the way back is a link.
      assert.ok(await page.getByRole("button", { name: "In phiếu trình" }).isVisible());
      assert.ok(await page.getByRole("link", { name: "← Về trang báo cáo" }).isVisible());
      await assertNoSeriousAxe(page, `print sheet at ${width}`);
      await shot(page, `sheet-${width}`);
      await page.emulateMedia({ media: "print" });
      assert.equal(await page.getByRole("button", { name: "In phiếu trình" }).isVisible(), false, "the print button is not printed");
      await shot(page, `sheet-print-${width}`);
      await page.context().close();
    }
  });
});
