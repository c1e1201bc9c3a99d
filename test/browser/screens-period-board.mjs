// Screenshots of a period's board (/app/periods/:id) at phone and office widths, as the GDTX
// division's specialist, with ten centres, a period past its due time and reports in every state
// written into the local D1 (not a test: for people to look at). The first run of each width is
// the board's own order (missing units first); at 1366 px also the order by first submission.
// PATH=node_modules/.bin:$PATH node test/browser/screens-period-board.mjs -> test/artifacts/period-board-*.png
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startWorker } from "../../scripts/local-worker.mjs";

const uid = (n) => `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;
const DEPARTMENT = uid(1);
const [QUAN6, TANPHU, LEQUYDON, CDKT] = [uid(3), uid(4), uid(5), uid(6)];
const SPECIALIST = [uid(102), "Phạm Phương Bình"];
const SPECIALIST_GRANT = uid(202);
const PERIOD = "demo-board-period";
// Six more centres beside the demo's four, granted to the specialist like the others.
const MORE = [
  ["demo-board-q1", "TT-Q1", "Trung tâm GDNN-GDTX Quận 1"],
  ["demo-board-q3", "TT-Q3", "Trung tâm GDNN-GDTX Quận 3"],
  ["demo-board-q8", "TT-Q8", "Trung tâm GDNN-GDTX Quận 8"],
  ["demo-board-bt", "TT-BT", "Trung tâm GDNN-GDTX quận Bình Thạnh"],
  ["demo-board-gv", "TT-GV", "Trung tâm GDNN-GDTX quận Gò Vấp"],
  ["demo-board-td", "TT-TD", "Trung tâm GDTX thành phố Thủ Đức"],
];

function prepareSql() {
  const q = (v) => (v === null ? "NULL" : typeof v === "number" ? String(v) : `'${String(v).replace(/'/g, "''")}'`);
  const now = "2025-01-02T02:00:00.000Z";
  const out = [];
  for (const [id, code, name] of MORE) {
    out.push(
      `INSERT INTO units (id, parent_id, type, code, name, path, active, created_at, updated_at) VALUES (${[id, DEPARTMENT, "centre", code, name, `/${DEPARTMENT}/${id}/`, 1, now, now].map(q).join(", ")});`,
      `INSERT INTO grant_units (grant_id, unit_id) VALUES (${q(SPECIALIST_GRANT)}, ${q(id)});`,
    );
  }
  // Due 24/01/2025 17:00 in Viet Nam: long past, so the units that sent nothing are late.
  out.push(
    `INSERT INTO periods (id, title, indicator_set_id, opens_at, due_at, status, opened_by, opened_by_name, created_at) VALUES (${[PERIOD, "Kết quả học kỳ I năm học 2024 – 2025", "gdtx-hoc-ki", "2025-01-05T17:00:00.000Z", "2025-01-24T10:00:00.000Z", "open", ...SPECIALIST, "2025-01-03T02:00:00.000Z"].map(q).join(", ")});`,
    ...[QUAN6, TANPHU, LEQUYDON, CDKT, ...MORE.map(([id]) => id)].map((u) => `INSERT INTO period_units (period_id, unit_id) VALUES (${q(PERIOD)}, ${q(u)});`),
  );
  // unit, status, stage, review reach, first submission
  const reports = [
    [QUAN6, "approved", null, 4, "2025-01-20T02:15:00.000Z"],
    [TANPHU, "in_review", "specialist", 2, "2025-01-24T09:59:00.000Z"],
    [LEQUYDON, "returned", null, 2, "2025-01-23T03:00:00.000Z"],
    [CDKT, "in_review", "centre_head", 1, "2025-01-27T01:30:00.000Z"],
    ["demo-board-q1", "in_review", "deputy_head", 3, "2025-01-25T04:10:00.000Z"],
    ["demo-board-q3", "draft", null, 0, null],
    ["demo-board-q8", "withdrawn", null, 1, "2025-01-22T08:45:00.000Z"],
  ];
  reports.forEach(([unit, status, stage, reach, submitted], i) => {
    const created = submitted ?? "2025-01-21T02:00:00.000Z";
    out.push(
      `INSERT INTO reports (id, unit_id, author_id, kind, title, slug, body, attendees, figures, period_id, submitted_at, status, stage, stage_role, review_reach, revision, created_at, updated_at) VALUES (${[`demo-board-${i}`, unit, uid(105), "periodic", "Kết quả học kỳ I năm học 2024 – 2025", `bang-theo-doi-${i}`, "Số liệu học kỳ.", "[]", "{}", PERIOD, submitted, status, stage, stage, reach, submitted ? 1 : 0, created, created].map(q).join(", ")});`,
    );
  });
  return out.join("\n");
}

const worker = await startWorker(8823, {
  prepare: async (state, run) => {
    const file = `${state}/board-demo.sql`;
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
    const res = await page.goto(`${worker.base}/app/periods/${PERIOD}`);
    if (res?.status() !== 200) throw new Error(`board page: HTTP ${res?.status()}`);
    await page.screenshot({ path: `test/artifacts/period-board-${w}.png`, fullPage: true });
    if (process.env.SCREENS_ALL) {
      // Screen-sized views of the top and of the table, to look at closely (not kept).
      await page.screenshot({ path: join(tmpdir(), `period-board-${w}-top.png`) });
      await page.locator("#don-vi").scrollIntoViewIfNeeded();
      await page.evaluate(() => document.getElementById("don-vi").scrollIntoView());
      await page.screenshot({ path: join(tmpdir(), `period-board-${w}-table.png`) });
    }
    if (w === 1366) {
      // The column header link, as a user would sort.
      await page.click('th a[href$="?sort=submitted"]');
      await page.waitForURL((url) => url.search === "?sort=submitted");
      await page.screenshot({ path: `test/artifacts/period-board-${w}-submitted.png`, fullPage: true });
    }
    await ctx.close();
  }
} finally {
  await browser.close();
  await worker.stop();
}
