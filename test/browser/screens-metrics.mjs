// Screenshots of the dashboard's "Thời gian xử lý" section (issue 11: stage metrics in working
// hours) as the director of Phòng GDTX-CN&ĐH, with a month of decisions written into the local D1,
// at phone and office widths (not a test: for people to look at). It also downloads the section's
// XLSX link as the page offers it, to open by hand (LibreOffice: soffice --headless --convert-to csv).
// PATH=node_modules/.bin:$PATH node test/browser/screens-metrics.mjs -> test/artifacts/issue11-metrics-*.png
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startWorker } from "../../scripts/local-worker.mjs";

const uid = (n) => `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;
// Quận 6, Tân Phú, Lê Quý Đôn, the college: covered by the director. The high school is not.
const UNITS = [uid(3), uid(4), uid(5), uid(6), uid(8)];
const AUTHOR = uid(105);
const REVIEWERS = { specialist: [uid(102), "Phạm Phương Bình"], deputy_head: [uid(103), "Trần Thị Kim Thanh"], director: [uid(104), "Cao Minh Quý"] };
const HOUR = 3600_000;
const VN = 7 * HOUR;

/** Moves `ms` on by `hours` of office time (08:00-17:00 in Viet Nam, Monday to Friday). */
function afterWorkingHours(ms, hours) {
  let t = ms;
  let left = hours * HOUR;
  while (left > 0) {
    t += HOUR / 4;
    const vn = new Date(t + VN);
    const h = vn.getUTCHours() + vn.getUTCMinutes() / 60;
    if (vn.getUTCDay() !== 0 && vn.getUTCDay() !== 6 && h > 8 && h <= 17) left -= HOUR / 4;
  }
  return t;
}

/** 09:00 in Viet Nam, `days` working days before today. */
function morning(days) {
  let t = Date.parse(`${new Date(Date.now() + VN).toISOString().slice(0, 10)}T02:00:00Z`);
  for (let n = 0; n < days; ) {
    t -= 24 * HOUR;
    const d = new Date(t + VN).getUTCDay();
    if (d !== 0 && d !== 6) n++;
  }
  return t;
}

function prepareSql() {
  const q = (v) => (v === null ? "NULL" : typeof v === "number" ? String(v) : `'${String(v).replace(/'/g, "''")}'`);
  const out = [];
  // How long each stage took, in working hours: mostly within the day, some over the due time.
  // Lengths prime to the five units, so each unit gets a mix; some over the due time.
  const SPECIALIST = [2, 6, 11, 3.5, 30, 7, 22];
  const DEPUTY = [1.5, 4, 12, 2, 3, 8, 0.5, 5, 13, 2.5, 1];
  const DIRECTOR = [3, 1, 12, 5.5, 2, 16, 4];
  for (let i = 0; i < 40; i++) {
    const id = `demo-metrics-${i}`;
    const unit = UNITS[i % UNITS.length];
    const submitted = morning(2 + (i % 19)) + (i % 4) * HOUR;
    const steps = [["specialist", SPECIALIST[i % SPECIALIST.length], i % 6 === 0 ? "return" : "approve"]];
    if (i % 6 !== 0) steps.push(["deputy_head", DEPUTY[i % DEPUTY.length], i % 9 === 0 ? "return" : "approve"]);
    if (i % 6 !== 0 && i % 9 !== 0) steps.push(["director", DIRECTOR[i % DIRECTOR.length], i % 8 === 3 ? "return" : "approve"]);
    const events = [["submit", "specialist", null, submitted]];
    let at = submitted;
    for (const [stage, hours, action] of steps) {
      at = afterWorkingHours(at, hours);
      if (at > Date.now()) break;
      events.push([action, stage, REVIEWERS[stage], at]);
    }
    const last = events.at(-1);
    const returned = last[0] === "return";
    const reach = { specialist: 2, deputy_head: 3, director: 4 }[last[1]] + (last[0] === "approve" && last[1] !== "director" ? 1 : 0);
    const status = returned ? "returned" : last[1] === "director" && last[0] === "approve" ? "published" : "in_review";
    const stage = status === "in_review" ? ["specialist", "deputy_head", "director"][reach - 2] : null;
    const created = new Date(submitted - HOUR).toISOString();
    out.push(
      `INSERT INTO reports (id, unit_id, author_id, kind, title, slug, body, attendees, status, stage, stage_role, stage_due_at, review_reach, revision, created_at, updated_at) VALUES (${[id, unit, AUTHOR, "news", `Tin hoạt động số ${i + 1} của đơn vị`, `tin-${i}`, "Nội dung.", "[]", status, stage, stage, stage ? new Date(Date.now() + 24 * HOUR).toISOString() : null, reach, 1, created, created].map(q).join(", ")});`,
      `INSERT INTO report_events (id, report_id, seq, action, actor_role, to_status, revision, created_at) VALUES (${q(`${id}-0`)}, ${q(id)}, 0, 'create', 'author', 'draft', 0, ${q(created)});`,
    );
    events.forEach(([action, stage, who, ms], n) => {
      out.push(
        `INSERT INTO report_events (id, report_id, seq, action, actor_id, actor_name, actor_role, stage, to_status, revision, created_at) VALUES (${[`${id}-${n + 1}`, id, n + 1, action, who?.[0] ?? AUTHOR, who?.[1] ?? "Nguyễn Thanh Hoàng", who ? stage : "author", stage, action === "return" ? "returned" : "in_review", 1, new Date(ms).toISOString()].map(q).join(", ")});`,
      );
    });
  }
  return out.join("\n");
}

const worker = await startWorker(8798, {
  prepare: async (state, run) => {
    const file = `${state}/metrics-demo.sql`;
    writeFileSync(file, prepareSql());
    run("wrangler", ["d1", "execute", "DB", "--local", `--persist-to=${state}`, `--file=${file}`]);
  },
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  for (const [w, h, theo] of [
    [390, 844, "don-vi"],
    [1366, 900, "don-vi"],
  ]) {
    const ctx = await browser.newContext({ viewport: { width: w, height: h }, locale: "vi-VN" });
    const page = await ctx.newPage();
    await page.goto(`${worker.base}/app/login`);
    await page.fill("#email", "truongphong@sogd.example");
    await page.fill("#password", "demo-password");
    await page.click("main button[type=submit]");
    await page.waitForURL((url) => !url.pathname.startsWith("/app/login"));
    // Landing on the dashboard: the section offers the last 30 days and computes nothing yet.
    await page.goto(`${worker.base}/app/dashboard#thoi-gian-xu-ly`);
    await page.locator("section[aria-labelledby=thoi-gian-xu-ly]").screenshot({ path: `test/artifacts/issue11-metrics-landing-${w}.png` });
    await page.goto(`${worker.base}/app/dashboard?theo=${theo}#thoi-gian-xu-ly`);
    const section = page.locator("section[aria-labelledby=thoi-gian-xu-ly]");
    await section.screenshot({ path: `test/artifacts/issue11-metrics-${w}.png` });
    if (w === 1366) {
      const href = await page.getAttribute('a[href^="/api/v1/metrics/export?format=xlsx"]', "href");
      const file = await page.request.get(`${worker.base}${href}`);
      const out = join(tmpdir(), "issue11-metrics.xlsx");
      writeFileSync(out, await file.body());
      console.log(`${file.status()} ${file.headers()["content-disposition"]} -> ${out}`);
    }
    if (process.env.SCREENS_ALL) {
      // For a look at the other groupings and the whole page (not kept).
      await page.screenshot({ path: join(tmpdir(), `issue11-page-${w}.png`), fullPage: true });
      for (const other of ["buoc", "nguoi-tham-dinh"]) {
        await page.goto(`${worker.base}/app/dashboard?theo=${other}#thoi-gian-xu-ly`);
        await section.screenshot({ path: join(tmpdir(), `issue11-${other}-${w}.png`) });
      }
    }
    await ctx.close();
  }
} finally {
  await browser.close();
  await worker.stop();
}
