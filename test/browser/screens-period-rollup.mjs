// Screenshots of a period's roll-up page (/app/periods/:id/rollup) at phone and office widths, as
// the GDTX division's specialist, with a period and its reports written into the local D1 (not a
// test: for people to look at). It also downloads the page's XLSX link with the page's cookie, to
// open by hand (LibreOffice: soffice --headless --convert-to csv <file>).
// PATH=node_modules/.bin:$PATH node test/browser/screens-period-rollup.mjs -> test/artifacts/period-rollup-*.png
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startWorker } from "../../scripts/local-worker.mjs";

const uid = (n) => `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;
const [QUAN6, TANPHU, LEQUYDON, CDKT] = [uid(3), uid(4), uid(5), uid(6)];
const SPECIALIST = [uid(102), "Phạm Phương Bình"];
const PERIOD = "demo-rollup-period";

function prepareSql() {
  const q = (v) => (v === null ? "NULL" : typeof v === "number" ? String(v) : `'${String(v).replace(/'/g, "''")}'`);
  const out = [
    `INSERT INTO periods (id, title, indicator_set_id, opens_at, due_at, status, opened_by, opened_by_name, created_at) VALUES (${[PERIOD, "Kết quả học kỳ I năm học 2024 – 2025", "gdtx-hoc-ki", "2025-01-05T17:00:00.000Z", "2025-01-24T10:00:00.000Z", "open", ...SPECIALIST, "2025-01-03T02:00:00.000Z"].map(q).join(", ")});`,
    ...[QUAN6, TANPHU, LEQUYDON, CDKT].map((u) => `INSERT INTO period_units (period_id, unit_id) VALUES (${q(PERIOD)}, ${q(u)});`),
  ];
  const reports = [
    [QUAN6, "approved", { classes: 12, enrolled: 480, completed: 455, completionRate: 94.8, dropouts: 10, adultLearners: 200, teachers: 25 }, "2025-01-20T02:15:00.000Z"],
    [TANPHU, "approved", { classes: 30, enrolled: 1250, completed: 1180, completionRate: 94.4, dropouts: 40, teachers: 60 }, "2025-01-24T09:59:00.000Z"],
    [LEQUYDON, "approved", { classes: 5, enrolled: 95, completed: 60, completionRate: 63.2, dropouts: 20, adultLearners: 30, teachers: 9 }, "2025-01-23T03:00:00.000Z"],
    [CDKT, "in_review", { classes: 40, enrolled: 1600, completed: 1500, completionRate: 93.8, dropouts: 12, adultLearners: 900, teachers: 70 }, "2025-01-27T01:30:00.000Z"],
  ];
  reports.forEach(([unit, status, figures, submitted], i) => {
    out.push(
      `INSERT INTO reports (id, unit_id, author_id, kind, title, slug, body, attendees, figures, period_id, submitted_at, status, stage, stage_role, review_reach, revision, created_at, updated_at) VALUES (${[`demo-rollup-${i}`, unit, uid(105), "periodic", "Kết quả học kỳ I năm học 2024 – 2025", `ket-qua-hk1-${i}`, "Số liệu học kỳ.", "[]", JSON.stringify(figures), PERIOD, submitted, status, status === "in_review" ? "specialist" : null, status === "in_review" ? "specialist" : null, status === "in_review" ? 2 : 4, 1, submitted, submitted].map(q).join(", ")});`,
    );
  });
  return out.join("\n");
}

const worker = await startWorker(8821, {
  prepare: async (state, run) => {
    const file = `${state}/rollup-demo.sql`;
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
    await page.fill("#email", "chuyenvien@sogd.example");
    await page.fill("#password", "demo-password");
    await page.click("main button[type=submit]");
    await page.waitForURL((url) => !url.pathname.startsWith("/app/login"));
    const res = await page.goto(`${worker.base}/app/periods/${PERIOD}/rollup`);
    if (res?.status() !== 200) throw new Error(`roll-up page: HTTP ${res?.status()}`);
    await page.screenshot({ path: `test/artifacts/period-rollup-${w}.png`, fullPage: true });
    if (w === 1366) {
      const href = await page.getAttribute('a[href$="/export?format=xlsx"]', "href");
      const file = await page.request.get(`${worker.base}${href}`);
      const out = join(tmpdir(), "period-rollup.xlsx");
      writeFileSync(out, await file.body());
      console.log(`${file.status()} ${file.headers()["content-disposition"]} -> ${out}`);
    }
    await ctx.close();
  }
} finally {
  await browser.close();
  await worker.stop();
}
