// Screenshots of the pages issue 10 changed underneath: /app/dashboard as the director (figures
// from counters), /app/reports and /app/inbox as the specialist (lists walked per covered unit, tab
// counts from the review queue's cells, the unit typed by name: one match, several), at phone and
// office widths, and the portal's front page before its first publication (not a test: for people
// to look at).
// PATH=node_modules/.bin:$PATH node test/browser/screens-dashboard.mjs -> test/artifacts/issue10-*.png
import { chromium } from "playwright-core";
import { startWorker } from "../../scripts/local-worker.mjs";

const uid = (n) => `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;
const UNITS = [uid(3), uid(4), uid(5)]; // Quận 6, Tân Phú, Lê Quý Đôn: covered by the director
const AUTHOR = uid(105);
const hours = (h) => new Date(Date.now() + h * 3600_000).toISOString();
// Reports written straight into the local D1 before the Worker starts; the triggers count them.
const SHAPES = [
  ["published", null, 4, -2000],
  ["published", null, 4, -900],
  ["published", null, 4, -300],
  ["in_review", "director", 4, -60],
  ["in_review", "director", 4, -30],
  ["in_review", "deputy_head", 3, -20],
  ["returned", null, 4, -100],
  ["unpublished", null, 4, -500],
  ["withdrawn", null, 2, -50],
  ["approved", null, 4, -40],
];
function prepareSql() {
  const q = (v) => (v === null ? "NULL" : typeof v === "number" ? String(v) : `'${String(v).replace(/'/g, "''")}'`);
  const out = [];
  let n = 0;
  for (const unit of UNITS) {
    for (const [status, stage, reach, ageHours] of SHAPES) {
      const id = `demo-dash-${n++}`;
      const created = hours(ageHours - 10);
      const due = status === "in_review" ? hours(-(n % 5) - 1) : null;
      out.push(
        `INSERT INTO reports (id, unit_id, author_id, kind, title, slug, body, attendees, status, stage, stage_role, stage_due_at, review_reach, created_at, updated_at) VALUES (${[id, unit, AUTHOR, n % 2 ? "news" : "event", `Hoạt động tháng ${(n % 9) + 1} của đơn vị`, `hoat-dong-${n}`, "Nội dung.", "[]", status, stage, stage, due, reach, created, created].map(q).join(", ")});`,
        `INSERT INTO report_events (id, report_id, seq, action, actor_role, to_status, revision, created_at) VALUES (${q(`${id}-0`)}, ${q(id)}, 0, 'create', 'author', 'draft', 0, ${q(created)});`,
        `INSERT INTO report_events (id, report_id, seq, action, actor_role, stage, to_status, revision, created_at) VALUES (${q(`${id}-1`)}, ${q(id)}, 1, 'submit', 'author', 'specialist', 'in_review', 1, ${q(hours(ageHours - 8))});`,
      );
      if (reach >= 3) {
        out.push(`INSERT INTO report_events (id, report_id, seq, action, actor_role, stage, to_status, revision, created_at) VALUES (${q(`${id}-2`)}, ${q(id)}, 2, 'approve', 'specialist', 'specialist', 'in_review', 1, ${q(hours(ageHours - 8 + (n % 7) * 5 + 2))});`);
        out.push(`INSERT INTO report_events (id, report_id, seq, action, actor_role, stage, to_status, revision, created_at) VALUES (${q(`${id}-3`)}, ${q(id)}, 3, 'approve', 'deputy_head', 'deputy_head', 'in_review', 1, ${q(hours(ageHours - 8 + (n % 7) * 5 + 2 + (n % 4) * 6 + 1))});`);
      }
    }
  }
  return out.join("\n");
}

const worker = await startWorker(8797, {
  prepare: async (state, run) => {
    const { writeFileSync } = await import("node:fs");
    const file = `${state}/dashboard-demo.sql`;
    writeFileSync(file, prepareSql());
    run("wrangler", ["d1", "execute", "DB", "--local", `--persist-to=${state}`, `--file=${file}`]);
  },
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  const shots = [
    ["truongphong@sogd.example", "/app/dashboard", "dashboard"],
    ["chuyenvien@sogd.example", "/app/reports", "reports"],
    ["photruongphong@sogd.example", "/app/inbox", "inbox"],
    // The inbox's tab counts from the review queue's cells; the unit filter typed by name.
    ["chuyenvien@sogd.example", "/app/inbox", "inbox-specialist"],
    ["chuyenvien@sogd.example", "/app/reports?donvi=quan+6", "reports-unit-one"],
    ["chuyenvien@sogd.example", "/app/reports?donvi=gdnn-gdtx", "reports-unit-several"],
    ["chuyenvien@sogd.example", "/app/reports?status=in_review", "reports-in-review"],
    // The portal before anything is published (nothing in R2 yet): the empty front page.
    [null, "/portal/", "portal-empty"],
  ];
  for (const [email, path, name] of shots) {
    for (const [w, h] of [
      [390, 844],
      [1366, 900],
    ]) {
      const ctx = await browser.newContext({ viewport: { width: w, height: h } });
      const page = await ctx.newPage();
      if (email) {
        await page.goto(`${worker.base}/app/login`);
        await page.fill("#email", email);
        await page.fill("#password", "demo-password");
        await page.click("main button[type=submit]");
        await page.waitForURL((url) => !url.pathname.startsWith("/app/login"));
      }
      await page.goto(`${worker.base}${path}`);
      await page.screenshot({ path: `test/artifacts/issue10-${name}-${w}.png`, fullPage: true });
      await ctx.close();
    }
  }
} finally {
  await browser.close();
  await worker.stop();
}
