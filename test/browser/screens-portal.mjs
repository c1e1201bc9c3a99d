// Screenshots of the portal's search page and unit directory (issue 14 points 4, 5) at phone and
// office widths (not a test: for people to look at). Three articles are published through the API
// (a Quận 6 author, then the three approvals), so the pages have something to show.
// PATH=node_modules/.bin:$PATH node test/browser/screens-portal.mjs -> test/artifacts/issue14-portal-*.png
import { chromium } from "playwright-core";
import { startWorker } from "../../scripts/local-worker.mjs";

const PASSWORD = "demo-password";
const ARTICLES = [
  {
    title: "Khai giảng lớp đào tạo nghề điện dân dụng khóa 12",
    summary: "Trung tâm khai giảng lớp đào tạo nghề điện dân dụng cho 45 học viên, học miễn phí theo chương trình hỗ trợ của Thành phố.",
    body: "Sáng ngày 05/09, Trung tâm tổ chức lễ khai giảng lớp **đào tạo nghề** điện dân dụng khóa 12.\n\nLớp học kéo dài ba tháng.",
  },
  {
    title: "Chuyến tham quan học tập tại Đà Lạt của học viên khối 11",
    summary: "Hơn 120 học viên tham gia chuyến trải nghiệm thực tế, kết hợp tìm hiểu mô hình đào tạo nông nghiệp công nghệ cao.",
    body: "Chuyến đi giúp học viên hiểu thêm về công tác đào tạo gắn với thực tiễn sản xuất tại Đà Lạt.",
  },
  {
    title: "Hội nghị sơ kết công tác đào tạo học kì I năm học 2024 – 2025",
    summary: "Hội nghị đánh giá kết quả đào tạo học kì I và triển khai nhiệm vụ học kì II.",
    body: "Ngày 15/01, Trung tâm tổ chức Hội nghị sơ kết học kì I.",
  },
];

const worker = await startWorker(8806);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});

async function api(path, { token, json, method } = {}) {
  const res = await fetch(`${worker.base}${path}`, {
    method: method ?? (json ? "POST" : "GET"),
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(json ? { "content-type": "application/json" } : {}) },
    body: json ? JSON.stringify(json) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const tokens = {};
const login = async (email) => (tokens[email] ??= (await api("/api/v1/auth/login", { json: { email, password: PASSWORD } })).token);

async function publish(article) {
  const author = await login("quan6@trungtam.example");
  const r = await api("/api/v1/reports", { token: author, json: { kind: "news", ...article } });
  await api(`/api/v1/reports/${r.id}/submit`, { token: author, method: "POST" });
  for (const [email, stage] of [
    ["chuyenvien@sogd.example", "specialist"],
    ["photruongphong@sogd.example", "deputy_head"],
    ["truongphong@sogd.example", "director"],
  ]) {
    await api(`/api/v1/reports/${r.id}/decisions`, { token: await login(email), json: { action: "approve", stage } });
  }
  return r.id;
}

try {
  for (const a of ARTICLES) await publish(a);
  // PUBLISH runs after the last approval: wait for the third article on the front page.
  const deadline = Date.now() + 60_000;
  while (!(await (await fetch(`${worker.base}/portal/`)).text()).includes("Hội nghị sơ kết công tác đào tạo")) {
    if (Date.now() > deadline) throw new Error("articles did not reach the portal");
    await new Promise((r) => setTimeout(r, 500));
  }
  for (const [w, h] of [
    [390, 844],
    [1366, 900],
  ]) {
    const ctx = await browser.newContext({ viewport: { width: w, height: h }, locale: "vi-VN", timezoneId: "Asia/Ho_Chi_Minh" });
    const page = await ctx.newPage();
    // Typed into the header's box, as a reader would.
    await page.goto(`${worker.base}/portal/`);
    await page.screenshot({ path: `test/artifacts/issue14-portal-front-${w}.png` });
    await page.fill("#tim-kiem", "dao tao");
    await page.press("#tim-kiem", "Enter");
    await page.waitForURL(/\/portal\/search\?q=/);
    await page.screenshot({ path: `test/artifacts/issue14-portal-search-${w}.png`, fullPage: true });
    await page.goto(`${worker.base}/portal/search?q=${encodeURIComponent('<script>alert(1)</script> NEAR OR "')}`);
    await page.screenshot({ path: `test/artifacts/issue14-portal-search-none-${w}.png`, fullPage: true });
    await page.goto(`${worker.base}/portal/search`);
    await page.screenshot({ path: `test/artifacts/issue14-portal-search-empty-${w}.png`, fullPage: true });
    await page.goto(`${worker.base}/portal/don-vi/`);
    await page.screenshot({ path: `test/artifacts/issue14-portal-directory-${w}.png`, fullPage: true });
    await ctx.close();
  }
} finally {
  await browser.close();
  await worker.stop();
}
