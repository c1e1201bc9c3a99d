// Screenshots of the admin's calendar page (issue 11) at phone and office widths (not a test: for
// people to look at). The overrides are made through the page's own forms, one is removed again
// (so the audit trail has a removal), then the due helper is asked across Tết 2025.
// PATH=node_modules/.bin:$PATH node test/browser/screens-calendar.mjs -> test/artifacts/issue11-calendar-*.png
import { chromium } from "playwright-core";
import { startWorker } from "../../scripts/local-worker.mjs";

const PAGE = "/app/admin/calendar?nam=2025";
const OVERRIDES = [
  ["2025-01-27", "0", "Nghỉ Tết Ất Tỵ, hoán đổi (Công văn 7295/BNV-TL ngày 14/11/2024)"],
  ["2025-02-08", "1", "Làm bù cho ngày 27/01/2025"],
  ["2025-02-03", "1", "Nhập nhầm, xoá lại"],
];

const worker = await startWorker(8798);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});

async function signedIn(width, height) {
  // As an admin's browser in Viet Nam. (The date pickers still draw mm/dd/yyyy here: they follow
  // the browser's installed locales, and Debian's Chromium on this machine has only en-US.)
  const ctx = await browser.newContext({ viewport: { width, height }, locale: "vi-VN", timezoneId: "Asia/Ho_Chi_Minh" });
  const page = await ctx.newPage();
  await page.goto(`${worker.base}/app/login`);
  await page.fill("#email", "admin@sogd.example");
  await page.fill("#password", "demo-password");
  await page.click("main button[type=submit]");
  await page.waitForURL((url) => !url.pathname.startsWith("/app/login"));
  return { ctx, page };
}

try {
  {
    const { ctx, page } = await signedIn(1366, 900);
    await page.goto(`${worker.base}${PAGE}`);
    for (const [date, working, name] of OVERRIDES) {
      await page.fill("#date", date);
      await page.check(`input[name=working][value="${working}"]`);
      await page.fill("#name", name);
      await page.click("text=Lưu điều chỉnh");
      await page.waitForURL(/tb=/);
    }
    // The remove button asks first (data-confirm); accept.
    page.once("dialog", (d) => d.accept());
    await page.click('form[action="/app/admin/calendar/days/2025-02-03/xoa"] button');
    await page.waitForURL(/tb=/);
    await ctx.close();
  }
  for (const [w, h] of [
    [390, 844],
    [1366, 900],
  ]) {
    const { ctx, page } = await signedIn(w, h);
    await page.goto(`${worker.base}${PAGE}`);
    await page.fill("#tu", "2025-01-24T10:00");
    await page.fill("#so-ngay", "5");
    await page.click("text=Tính hạn");
    await page.waitForSelector("#ket-qua-han");
    await page.screenshot({ path: `test/artifacts/issue11-calendar-${w}.png`, fullPage: true });
    await ctx.close();
  }
} finally {
  await browser.close();
  await worker.stop();
}
