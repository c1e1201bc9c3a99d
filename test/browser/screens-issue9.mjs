// Screenshots of the pages this change touched, at phone and office widths (not a test: for people
// to look at). node test/browser/screens-issue9.mjs -> test/artifacts/issue9-*.png
import { chromium } from "playwright-core";
import { startWorker } from "../../scripts/local-worker.mjs";

const worker = await startWorker(8793);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  for (const [w, h] of [
    [390, 844],
    [1366, 900],
  ]) {
    const ctx = await browser.newContext({ viewport: { width: w, height: h } });
    const page = await ctx.newPage();
    const login = async (email) => {
      await ctx.clearCookies();
      await page.goto(`${worker.base}/app/login`);
      await page.fill("#email", email);
      await page.fill("#password", "demo-password");
      await page.click("main button[type=submit]");
      await page.waitForURL((url) => !url.pathname.startsWith("/app/login"));
    };
    // The high school has no reviewer: its author's submit is refused with a notice naming the stage.
    await login("minhkhai@truong.example");
    await page.goto(`${worker.base}/app/reports/new?kind=news`);
    await page.fill("#title", "Lễ khai giảng năm học mới");
    await page.fill("#body", "Sáng 5/9, trường tổ chức lễ khai giảng năm học 2026 – 2027.");
    await page.click("main button[type=submit]");
    await page.waitForURL(/\/app\/reports\/[0-9a-f-]{36}/);
    await page.click("button:text('Gửi thẩm định')");
    await page.waitForSelector("text=Không thực hiện được");
    await page.screenshot({ path: `test/artifacts/issue9-submit-refused-${w}.png`, fullPage: true });
    // Some work in progress for the dashboard: one report at each department stage, one returned.
    if (w === 390) {
      const api = async (token, path, json) => {
        const res = await fetch(`${worker.base}${path}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(json ?? {}) });
        if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
        return res.json();
      };
      const token = async (email) => (await api(null, "/api/v1/auth/login", { email, password: "demo-password" }).catch((err) => { throw new Error(`${email}: ${err.message}`); })).token;
      const [author, specialist, deputy] = [await token("quan6@trungtam.example"), await token("chuyenvien@sogd.example"), await token("photruongphong@sogd.example")];
      for (const [title, steps] of [
        ["Hội nghị sơ kết học kì I", 0],
        ["Ngày hội tuyển sinh 2026", 1],
        ["Lễ tốt nghiệp khóa 2023 – 2026", 2],
        ["Báo cáo kết quả tuyển sinh", -1],
      ]) {
        const r = await api(author, "/api/v1/reports", { kind: "news", title, body: "Nội dung." });
        await api(author, `/api/v1/reports/${r.id}/submit`);
        if (steps === -1) await api(specialist, `/api/v1/reports/${r.id}/decisions`, { action: "return", stage: "specialist", comment: "Bổ sung số liệu" });
        if (steps >= 1) await api(specialist, `/api/v1/reports/${r.id}/decisions`, { action: "approve", stage: "specialist" });
        if (steps >= 2) await api(deputy, `/api/v1/reports/${r.id}/decisions`, { action: "approve", stage: "deputy_head" });
      }
    }
    await login("truongphong@sogd.example");
    await page.goto(`${worker.base}/app/dashboard`);
    await page.screenshot({ path: `test/artifacts/issue9-dashboard-${w}.png`, fullPage: true });
    // Too many sign-in attempts: the lock-out message.
    await ctx.clearCookies();
    for (let i = 0; i < 6; i++) {
      await page.goto(`${worker.base}/app/login`);
      await page.fill("#email", "quan6@trungtam.example");
      await page.fill("#password", "sai-mat-khau");
      await page.click("main button[type=submit]");
      await page.waitForLoadState();
    }
    await page.screenshot({ path: `test/artifacts/issue9-login-locked-${w}.png`, fullPage: true });
    await ctx.close();
  }
} finally {
  await browser.close();
  await worker.stop();
}
