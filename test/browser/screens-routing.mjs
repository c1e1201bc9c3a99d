// Screenshots of routing that cannot stall (issue 13) on the admin's pages: the units page with
// the stages nobody can decide for each centre and school, and the users page refusing to lock the
// only centre head of Quận 6 while a Quận 6 report waits for them (not a test: for people to look at).
// PATH=node_modules/.bin:$PATH node test/browser/screens-routing.mjs -> test/artifacts/routing-*.png
import { writeFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { startWorker } from "../../scripts/local-worker.mjs";

const uid = (n) => `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;

// A Quận 6 news report waiting at the centre head's stage would be a periodic one; any kind will do for the screenshot.
const prepareSql = () =>
  `INSERT INTO reports (id, unit_id, author_id, kind, title, slug, body, attendees, status, stage, stage_role, stage_due_at, review_reach, revision, workflow_id, workflow_version, created_at, updated_at) VALUES ('demo-waiting', '${uid(3)}', '${uid(105)}', 'periodic', 'Báo cáo kết quả học kì I', 'bao-cao-hk1', 'Số liệu.', '[]', 'in_review', 'centre_head', 'centre_head', '2026-12-01T10:00:00.000Z', 1, 1, 'periodic', 2, '2026-11-20T02:00:00.000Z', '2026-11-20T02:00:00.000Z');`;

const worker = await startWorker(8817, {
  prepare: async (state, run) => {
    const file = `${state}/routing-demo.sql`;
    writeFileSync(file, prepareSql());
    run("wrangler", ["d1", "execute", "DB", "--local", `--persist-to=${state}`, `--file=${file}`]);
  },
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});

try {
  for (const [w, h] of [
    [390, 844],
    [1366, 900],
  ]) {
    const ctx = await browser.newContext({ viewport: { width: w, height: h }, locale: "vi-VN" });
    const page = await ctx.newPage();
    await page.goto(`${worker.base}/app/login`);
    await page.fill("#email", "admin@sogd.example");
    await page.fill("#password", "demo-password");
    await page.click("main button[type=submit]");
    await page.waitForURL((url) => !url.pathname.startsWith("/app/login"));
    await page.goto(`${worker.base}/app/units`);
    await page.screenshot({ path: `test/artifacts/routing-units-${w}.png`, fullPage: true });
    if (w === 390) await page.locator("tr", { hasText: "Nguyễn Thị Minh Khai" }).screenshot({ path: "test/artifacts/routing-units-390-row.png" });
    await page.goto(`${worker.base}/app/users`);
    await page.locator("tr", { hasText: "Lê Văn Đức" }).locator("button", { hasText: "Khoá" }).click();
    await page.waitForSelector("[role=alert]");
    await page.screenshot({ path: `test/artifacts/routing-users-refused-${w}.png`, fullPage: false });
    await ctx.close();
  }
} finally {
  await browser.close();
  await worker.stop();
}
