// Issue 15 points 5-7 in a real browser (Debian's Chromium) set to American English, at office and
// phone widths: dates typed and shown dd/mm/yyyy and 24-hour, errors marked and cleared as the
// user fixes them, images added while writing with a confirmation after upload and before delete,
// the unknown-address page, the "new user" form without a preselected role and the lock dialog.
// axe-core on every page (no serious or critical violation); screenshots in test/artifacts/forms-*.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { startWorker } from "../../scripts/local-worker.mjs";
import { ARTIFACTS, assertNoSeriousAxe, launchBrowser, signIn } from "./harness.mjs";

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const WIDTHS = [1366, 390];

let server;
let browser;

/** A context as an English-language office PC would have it: the page must not follow its locale. */
const signedIn = (email, width, { javaScriptEnabled = true } = {}) =>
  signIn(browser, server.base, email, { viewport: { width, height: 900 }, locale: "en-US", timezoneId: "America/New_York", bypassCSP: true, javaScriptEnabled });

const shot = (page, name) => page.screenshot({ path: `${ARTIFACTS}forms-${name}.png`, fullPage: true });

async function axe(page, label) {
  // Nothing wider than the screen (a phone would scroll sideways).
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${label}: the page is ${overflow}px wider than the screen`);
  await assertNoSeriousAxe(page, label);
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startWorker(8793);
  browser = await launchBrowser("en-US");
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

for (const width of WIDTHS) {
  describe(`forms at ${width} px, browser in en-US`, () => {
    let reportUrl;

    it("dates are typed as digits and shown dd/mm/yyyy HH:mm; images go up with the first save", async () => {
      const page = await signedIn("quan6@trungtam.example", width);
      await page.goto(`${server.base}/app/reports/new?kind=event`);
      assert.equal(await page.evaluate(() => navigator.language), "en-US");
      await page.fill("#title", `Hội nghị chuyên đề ${width}`);
      await page.fill("#body", "Hội nghị có **120 đại biểu** tham dự.");
      // As on a phone's number pad: digits only; the separators come by themselves.
      await page.click("#eventDate");
      await page.keyboard.type("23012025");
      assert.equal(await page.inputValue("#eventDate"), "23/01/2025");
      await page.click("#publishAt");
      await page.keyboard.type("240120251730");
      assert.equal(await page.inputValue("#publishAt"), "24/01/2025 17:30");
      await page.setInputFiles("#image1", { name: "hoi-truong.png", mimeType: "image/png", buffer: PNG });
      await page.fill("#caption1", "Toàn cảnh hội trường");
      await page.setInputFiles("#image2", { name: "dai-bieu.png", mimeType: "image/png", buffer: PNG });
      await page.fill("#caption2", "Đại biểu phát biểu");
      await axe(page, `new report form at ${width}`);
      await shot(page, `01-new-report-${width}`);
      await page.click("main button[type=submit]");
      await page.waitForURL(/\/app\/reports\/[0-9a-f-]{36}/);
      reportUrl = page.url().split("?")[0];
      assert.match(await page.textContent("[role=status]"), /Đã lưu bản nháp\. Đã tải lên 2 hình\./);
      assert.match(await page.textContent("main"), /Hình 2: Đại biểu phát biểu/);
      await axe(page, `report page at ${width}`);
      await shot(page, `02-saved-with-images-${width}`);
      // Shown back the same way, whatever the browser's language.
      await page.goto(`${reportUrl}/edit`);
      assert.equal(await page.inputValue("#eventDate"), "23/01/2025");
      assert.equal(await page.inputValue("#publishAt"), "24/01/2025 17:30");
      await page.context().close();
    });

    it("a field in error is marked, linked from the summary, and its error goes as the user types", async () => {
      const page = await signedIn("quan6@trungtam.example", width);
      await page.goto(`${server.base}/app/reports/new?kind=event`);
      await page.fill("#body", "Nội dung.");
      await page.fill("#eventDate", "31/02/2025");
      await page.click("main button[type=submit]");
      await page.waitForSelector("#loi");
      assert.equal(await page.getAttribute("#title", "aria-invalid"), "true");
      assert.equal(await page.getAttribute("#eventDate", "aria-invalid"), "true");
      assert.match(await page.textContent("#eventDate-error"), /Ngày này không có trên lịch/);
      assert.equal(await page.inputValue("#eventDate"), "31/02/2025");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "loi");
      assert.match(await page.textContent("#loi"), /Vui lòng sửa 2 lỗi/);
      await axe(page, `form with errors at ${width}`);
      await shot(page, `03-errors-${width}`);
      // The summary's link takes the user to the field.
      await page.click("#loi a[href='#eventDate']");
      await page.fill("#eventDate", "");
      await page.keyboard.type("28022025");
      assert.equal(await page.inputValue("#eventDate"), "28/02/2025");
      assert.equal(await page.$("#eventDate-error"), null);
      assert.equal(await page.getAttribute("#eventDate", "aria-invalid"), null);
      assert.match(await page.textContent("#loi"), /Vui lòng sửa 1 lỗi/);
      await page.fill("#title", "Đã có tiêu đề");
      assert.equal(await page.$("#loi"), null);
      assert.equal(await page.$("#title-error"), null);
      await shot(page, `04-errors-cleared-${width}`);
      await page.click("main button[type=submit]");
      await page.waitForURL(/\/app\/reports\/[0-9a-f-]{36}/);
      await page.context().close();
    });

    it("deleting an image asks first: 'Cancel' keeps it, 'OK' deletes it; without script a page asks", async () => {
      const page = await signedIn("quan6@trungtam.example", width);
      await page.goto(reportUrl);
      const count = () => page.locator("ol.images > li").count();
      assert.equal(await count(), 2);
      let asked = "";
      page.once("dialog", (d) => {
        asked = d.message();
        d.dismiss();
      });
      await page.click("button[aria-label='Xoá hình 2']");
      assert.match(asked, /Xoá hình 2\?/);
      await page.waitForTimeout(300);
      assert.equal(await count(), 2);
      page.once("dialog", (d) => d.accept());
      await page.click("button[aria-label='Xoá hình 2']");
      await page.waitForSelector("text=Đã xoá hình.");
      assert.equal(await count(), 1);
      await page.context().close();

      const plain = await signedIn("quan6@trungtam.example", width, { javaScriptEnabled: false });
      await plain.goto(reportUrl);
      await plain.click("button[aria-label='Xoá hình 1']");
      await plain.waitForSelector("h1:text('Xoá hình 1?')");
      await shot(plain, `05-confirm-delete-no-script-${width}`);
      await plain.click("text=Không xoá, quay lại");
      await plain.waitForURL(new RegExp(`${reportUrl}#hinh-anh`));
      assert.equal(await plain.locator("ol.images > li").count(), 1);
      await plain.context().close();
    });

    it("an unknown address is a Vietnamese page with a way back", async () => {
      const page = await signedIn("quan6@trungtam.example", width);
      for (const path of ["/app/khong-co", "/app/reports/00000000-0000-4000-8000-000000000000"]) {
        const res = await page.goto(`${server.base}${path}`);
        assert.equal(res.status(), 404);
        assert.equal(await page.textContent("h1"), "Không tìm thấy trang");
        await axe(page, `${path} at ${width}`);
      }
      await shot(page, `06-not-found-${width}`);
      await page.click("text=Về trang chính");
      await page.waitForURL((url) => url.pathname !== "/app/khong-co" && !url.pathname.startsWith("/app/reports/0000"));
      await page.context().close();
    });

    it("the new user form has no role chosen, says so if sent without one, and locking a user asks first", async () => {
      const page = await signedIn("admin@sogd.example", width);
      await page.goto(`${server.base}/app/users`);
      assert.equal(await page.inputValue("#role"), "");
      await page.fill("#name", "Người Dùng Mới");
      await page.fill("#email", `moi-${width}@truong.example`);
      await page.fill("#password", "mat-khau-dai-10");
      await page.click("#them button[type=submit]");
      await page.waitForSelector("#role-error");
      assert.equal(await page.getAttribute("#role", "aria-invalid"), "true");
      assert.equal(await page.inputValue("#name"), "Người Dùng Mới");
      await axe(page, `users page with errors at ${width}`);
      await shot(page, `07-new-user-no-role-${width}`);
      await page.selectOption("#role", "author");
      assert.equal(await page.$("#role-error"), null);

      let asked = "";
      page.once("dialog", (d) => {
        asked = d.message();
        d.dismiss();
      });
      await page.click("tr:has-text('tanphu@trungtam.example') button:text('Khoá')");
      assert.match(asked, /^Khoá tài khoản của /);
      await page.waitForTimeout(300);
      assert.match(await page.textContent("tr:has-text('tanphu@trungtam.example')"), /Đang hoạt động/);
      await page.context().close();
    });
  });
}
