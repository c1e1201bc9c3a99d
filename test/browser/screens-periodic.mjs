// Screenshots of a periodic report in a reporting period (issue 12): the author's form built from
// the indicator set with the previous period's values and a note under each value that moved a lot,
// and the report's page as the centre's head reads it (figures, previous values, warnings, notes),
// at phone and office widths (not a test: for people to look at).
// PATH=node_modules/.bin:$PATH node test/browser/screens-periodic.mjs -> test/artifacts/issue12-periodic-*.png
import { chromium } from "playwright-core";
import { startWorker } from "../../scripts/local-worker.mjs";

const PASSWORD = "demo-password";
const worker = await startWorker(8797);
const api = async (path, token, body) => {
  const res = await fetch(`${worker.base}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", origin: worker.base },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`);
  return JSON.parse(text);
};
let ip = 0;
const token = async (email) => {
  const res = await fetch(`${worker.base}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json", "cf-connecting-ip": `10.77.0.${++ip}` }, body: JSON.stringify({ email, password: PASSWORD }) });
  return (await res.json()).token;
};
const FIGURES = { classes: 412, enrolled: 13184, completed: 13001, completionRate: 98.6, dropouts: 95, adultLearners: 5210, teachers: 640 };

try {
  const [admin, author, head, specialist, deputy, director] = await Promise.all(
    ["admin@sogd.example", "quan6@trungtam.example", "giamdoc.quan6@trungtam.example", "chuyenvien@sogd.example", "photruongphong@sogd.example", "truongphong@sogd.example"].map(token),
  );
  const first = await api("/api/v1/periods", admin, { title: "Học kì I năm học 2025 – 2026", indicatorSetId: "gdtx-hoc-ki", opensAt: "2026-01-05", dueAt: "2026-01-23" });
  const done = await api("/api/v1/reports", author, { kind: "periodic", periodId: first.id, title: "Báo cáo kết quả học kì I năm học 2025 – 2026", body: "Trung tâm báo cáo kết quả học kì I.", figures: FIGURES });
  await api(`/api/v1/reports/${done.id}/submit`, author, {});
  for (const [who, stage] of [[head, "centre_head"], [specialist, "specialist"], [deputy, "deputy_head"], [director, "director"]]) {
    await api(`/api/v1/reports/${done.id}/decisions`, who, { action: "approve", stage });
  }
  const second = await api("/api/v1/periods", admin, { title: "Học kì II năm học 2025 – 2026", indicatorSetId: "gdtx-hoc-ki", opensAt: "2026-05-25", dueAt: "2026-12-18" });
  const grown = { ...FIGURES, enrolled: 17250, completed: 16940, completionRate: 98.2, teachers: 700 };
  const report = await api("/api/v1/reports", author, { kind: "periodic", periodId: second.id, title: "Báo cáo kết quả học kì II năm học 2025 – 2026", body: "Trung tâm báo cáo kết quả học kì II.", figures: grown });

  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"] });
  const shoot = async (email, path, name) => {
    for (const [w, h] of [[390, 844], [1366, 900]]) {
      const ctx = await browser.newContext({ viewport: { width: w, height: h }, locale: "vi-VN" });
      const page = await ctx.newPage();
      await page.goto(`${worker.base}/app/login`);
      await page.fill("#email", email);
      await page.fill("#password", PASSWORD);
      await page.click("main button[type=submit]");
      await page.waitForURL((url) => !url.pathname.startsWith("/app/login"));
      await page.goto(`${worker.base}${path}`);
      await page.screenshot({ path: `test/artifacts/issue12-periodic-${name}-${w}.png`, fullPage: true });
      await ctx.close();
    }
  };
  await shoot("quan6@trungtam.example", `/app/reports/${report.id}/edit`, "form");
  // app.js: typing a value past its threshold shows the warning and the note field at once.
  {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "vi-VN" });
    const page = await ctx.newPage();
    await page.goto(`${worker.base}/app/login`);
    await page.fill("#email", "quan6@trungtam.example");
    await page.fill("#password", PASSWORD);
    await page.click("main button[type=submit]");
    await page.waitForURL((url) => !url.pathname.startsWith("/app/login"));
    await page.goto(`${worker.base}/app/reports/${report.id}/edit`);
    if (await page.isVisible("#figureNotes\\.teachers")) throw new Error("the teachers note should start hidden");
    await page.fill("#figures\\.teachers", "900");
    await page.waitForSelector("#figureNotes\\.teachers", { state: "visible" });
    const warning = await page.textContent("#figureNotes\\.teachers-hint");
    if (!warning.includes("Số giáo viên tăng 40,6% so với kỳ trước (640 giáo viên → 900 giáo viên), vượt ngưỡng 25%")) throw new Error(`warning: ${warning}`);
    await page.locator("#figureNotes\\.teachers-block").screenshot({ path: "test/artifacts/issue12-periodic-live-warning-390.png" });
    await page.fill("#figures\\.teachers", "650");
    await page.waitForSelector("#figureNotes\\.teachers", { state: "hidden" });
    await ctx.close();
  }
  const version = (await api(`/api/v1/reports/${report.id}`, author)).version;
  const res = await fetch(`${worker.base}/api/v1/reports/${report.id}`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${author}`, "content-type": "application/json", "if-match": `"${version}"` },
    body: JSON.stringify({ figureNotes: { enrolled: "Trung tâm mở thêm 12 lớp liên kết với các doanh nghiệp trong quận.", completed: "Tăng theo số học viên." } }),
  });
  if (!res.ok) throw new Error(await res.text());
  await api(`/api/v1/reports/${report.id}/submit`, author, {});
  await shoot("giamdoc.quan6@trungtam.example", `/app/reports/${report.id}`, "review");
  await browser.close();
} finally {
  await worker.stop();
}
