// Screenshots of the reporting periods pages (/app/periods, /app/periods/new, the close step) at
// phone and office widths, with a few periods written into the local D1 (not a test: for people to
// look at). PATH=node_modules/.bin:$PATH node test/browser/screens-periods.mjs -> test/artifacts/periods-*.png
import { writeFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { startWorker } from "../../scripts/local-worker.mjs";

const uid = (n) => `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;
const GDTX = [uid(3), uid(4), uid(5), uid(6)];
const SPECIALIST = [uid(102), "Phạm Phương Bình"];
const DIRECTOR = [uid(104), "Cao Minh Quý"];

function prepareSql() {
  const q = (v) => (v === null ? "NULL" : typeof v === "number" ? String(v) : `'${String(v).replace(/'/g, "''")}'`);
  const periods = [
    // id, title, set, opens, due, status, opener, created, units
    ["demo-period-1", "Kết quả năm học 2023 – 2024", "gdtx-nam-hoc", "2024-05-31T17:00:00.000Z", "2024-06-28T10:00:00.000Z", "closed", DIRECTOR, "2024-05-30T02:00:00.000Z", GDTX],
    ["demo-period-2", "Kết quả học kỳ I năm học 2024 – 2025", "gdtx-hoc-ki", "2025-01-05T17:00:00.000Z", "2025-01-24T10:00:00.000Z", "closed", SPECIALIST, "2025-01-03T02:00:00.000Z", GDTX],
    ["demo-period-3", "Kết quả học kỳ II năm học 2024 – 2025 (các trung tâm GDNN-GDTX)", "gdtx-hoc-ki", "2025-05-25T17:00:00.000Z", "2026-06-20T02:30:00.000Z", "open", SPECIALIST, "2025-05-20T02:00:00.000Z", GDTX.slice(0, 3)],
    ["demo-period-4", "Báo cáo nhanh quy mô học viên", "gdtx-hoc-ki", "2025-09-01T17:00:00.000Z", "2026-09-15T10:00:00.000Z", "open", DIRECTOR, "2025-09-01T02:00:00.000Z", GDTX],
  ];
  const out = [];
  for (const [id, title, set, opens, due, status, [by, byName], created, units] of periods) {
    out.push(
      `INSERT INTO periods (id, title, indicator_set_id, opens_at, due_at, status, opened_by, opened_by_name, created_at, closed_at, closed_by) VALUES (${[id, title, set, opens, due, status, by, byName, created, status === "closed" ? due : null, status === "closed" ? by : null].map(q).join(", ")});`,
    );
    for (const u of units) out.push(`INSERT INTO period_units (period_id, unit_id) VALUES (${q(id)}, ${q(u)});`);
  }
  // Quận 6 has its report in the second period; in the third it has yet to start.
  out.push(
    `INSERT INTO reports (id, unit_id, author_id, kind, title, slug, body, attendees, figures, period_id, status, stage, stage_role, review_reach, revision, created_at, updated_at) VALUES ('demo-period-report', ${q(uid(3))}, ${q(uid(105))}, 'periodic', 'Kết quả học kỳ I năm học 2024 – 2025', 'ket-qua-hk1', 'Số liệu học kỳ.', '[]', '{"classes":12}', 'demo-period-2', 'approved', NULL, NULL, 4, 1, '2025-01-10T02:00:00.000Z', '2025-01-20T02:00:00.000Z');`,
  );
  return out.join("\n");
}

const worker = await startWorker(8813, {
  prepare: async (state, run) => {
    const file = `${state}/periods-demo.sql`;
    writeFileSync(file, prepareSql());
    run("wrangler", ["d1", "execute", "DB", "--local", `--persist-to=${state}`, `--file=${file}`]);
  },
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});

async function signedIn(w, h, email) {
  const ctx = await browser.newContext({ viewport: { width: w, height: h }, locale: "vi-VN" });
  const page = await ctx.newPage();
  await page.goto(`${worker.base}/app/login`);
  await page.fill("#email", email);
  await page.fill("#password", "demo-password");
  await page.click("main button[type=submit]");
  await page.waitForURL((url) => !url.pathname.startsWith("/app/login"));
  return { ctx, page };
}

try {
  for (const [w, h] of [
    [390, 844],
    [1366, 900],
  ]) {
    const { ctx, page } = await signedIn(w, h, "chuyenvien@sogd.example");
    await page.goto(`${worker.base}/app/periods`);
    await page.screenshot({ path: `test/artifacts/periods-list-${w}.png`, fullPage: true });
    await page.goto(`${worker.base}/app/periods/new`);
    await page.screenshot({ path: `test/artifacts/periods-form-${w}.png`, fullPage: true });
    // The form sent back: a due date before the opening, a bad time, no unit ticked.
    await page.fill("#title", "Kết quả học kỳ I năm học 2025 – 2026");
    await page.fill("#opensDate", "05/01/2026");
    await page.fill("#dueDate", "31/12/2025");
    await page.fill("#dueTime", "25:00");
    for (const box of await page.locator("input[name=unitIds]").all()) await box.uncheck();
    await page.click("form.period-form button[type=submit]");
    await page.waitForSelector("#loi");
    await page.screenshot({ path: `test/artifacts/periods-form-errors-${w}.png`, fullPage: true });
    await page.goto(`${worker.base}/app/periods/demo-period-3/close`);
    await page.screenshot({ path: `test/artifacts/periods-close-${w}.png`, fullPage: true });
    await ctx.close();

    const author = await signedIn(w, h, "quan6@trungtam.example");
    await author.page.goto(`${worker.base}/app/periods`);
    await author.page.screenshot({ path: `test/artifacts/periods-author-${w}.png`, fullPage: true });
    await author.ctx.close();
  }
} finally {
  await browser.close();
  await worker.stop();
}
