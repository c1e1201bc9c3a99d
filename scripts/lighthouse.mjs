// Lighthouse performance of an article page with images, at phone width (Lighthouse's default
// mobile profile: 412 px wide, simulated slow 4G and a 4x slower CPU), against the real Worker
// under `wrangler dev` (local D1, R2, Workflows and the Images binding).
//
//   npm run lighthouse            # starts its own Worker, publishes an article with three photos
//   npm run lighthouse -- URL     # measures that page instead (a Worker you started)
//
// Prints the performance score and the metrics behind it; exits 1 below the target (90).
// Chrome: CHROME_PATH, else /usr/bin/chromium.
import { existsSync } from "node:fs";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import sharp from "sharp";
import { startWorker } from "./local-worker.mjs";

const TARGET = 90;
const PORT = Number(process.env.LIGHTHOUSE_PORT ?? 8796);
const CHROME = process.env.CHROME_PATH ?? "/usr/bin/chromium";

async function api(base, path, { token, method = "GET", json, form } = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(json ? { "content-type": "application/json" } : {}) },
    body: json ? JSON.stringify(json) : form,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const signIn = async (base, email) => (await api(base, "/api/v1/auth/login", { method: "POST", json: { email, password: process.env.DEMO_PASSWORD ?? "demo-password" } })).token;

/**
 * A photo as a phone takes it: 4032×3024 JPEG with texture (blurred noise over a gradient), so it
 * compresses like a real scene rather than like a flat colour.
 */
async function phonePhoto(seed) {
  const width = 4032;
  const height = 3024;
  const noise = await sharp({ create: { width: width / 8, height: height / 8, channels: 3, background: { r: 40 + seed * 60, g: 120, b: 200 - seed * 50 }, noise: { type: "gaussian", mean: 128, sigma: 40 } } })
    .png()
    .toBuffer();
  return sharp(noise).resize(width, height, { kernel: "cubic" }).blur(1.5).jpeg({ quality: 88 }).toBuffer();
}

/** Publishes a news article with three phone photos (the second placed in the text) and returns its URL. */
async function publishArticle(base) {
  const author = await signIn(base, "quan6@trungtam.example");
  const body = [
    "Sáng nay, Trung tâm Giáo dục nghề nghiệp – Giáo dục thường xuyên tổ chức hội nghị sơ kết học kì I năm học với sự tham dự của đại diện lãnh đạo Sở, các phòng chuyên môn và giáo viên chủ nhiệm các lớp.",
    "Báo cáo tại hội nghị cho thấy tỉ lệ học viên hoàn thành chương trình tăng so với cùng kỳ; công tác vận động học viên ra lớp được duy trì đều đặn; các lớp bồi dưỡng kỹ năng nghề cho người lao động được mở thêm theo nhu cầu của địa phương.",
    "[Hình 2]",
    "Phát biểu chỉ đạo, lãnh đạo Sở ghi nhận kết quả và đề nghị Trung tâm tiếp tục đổi mới phương pháp dạy học, tăng cường ứng dụng công nghệ thông tin, phối hợp chặt chẽ với doanh nghiệp trong đào tạo nghề.",
    "Hội nghị cũng đã khen thưởng các tập thể và cá nhân có thành tích xuất sắc trong học kì I.",
  ].join("\n\n");
  const r = await api(base, "/api/v1/reports", {
    token: author,
    method: "POST",
    json: { kind: "news", title: `Hội nghị sơ kết học kì I — đo Lighthouse ${Date.now()}`, summary: "Trung tâm tổng kết kết quả học kì I và triển khai nhiệm vụ học kì II.", body },
  });
  const captions = ["Toàn cảnh hội nghị sơ kết học kì I", "Lãnh đạo Sở phát biểu chỉ đạo", "Khen thưởng tập thể, cá nhân xuất sắc"];
  for (let i = 0; i < captions.length; i++) {
    const form = new FormData();
    form.set("file", new File([await phonePhoto(i)], `IMG_00${i + 1}.jpg`, { type: "image/jpeg" }));
    form.set("caption", captions[i]);
    await api(base, `/api/v1/reports/${r.id}/attachments`, { token: author, method: "POST", form });
  }
  await api(base, `/api/v1/reports/${r.id}/submit`, { token: author, method: "POST" });
  for (const [email, stage] of [["chuyenvien@sogd.example", "specialist"], ["photruongphong@sogd.example", "deputy_head"], ["truongphong@sogd.example", "director"]]) {
    await api(base, `/api/v1/reports/${r.id}/decisions`, { token: await signIn(base, email), method: "POST", json: { action: "approve", stage } });
  }
  const deadline = Date.now() + 120_000;
  for (;;) {
    const url = (await api(base, `/api/v1/reports/${r.id}`, { token: author })).publishedUrl;
    if (url && (await fetch(`${base}${url}`)).status === 200) return `${base}${url}`;
    if (Date.now() > deadline) throw new Error(`report ${r.id} was not published within 2 minutes`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

async function measure(url) {
  if (!existsSync(CHROME)) throw new Error(`no Chrome at ${CHROME} (set CHROME_PATH)`);
  const chrome = await chromeLauncher.launch({ chromePath: CHROME, chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  try {
    // The default config is the mobile one: phone width, simulated throttling.
    const result = await lighthouse(url, { port: chrome.port, onlyCategories: ["performance"], logLevel: "error", output: "json" });
    return result.lhr;
  } finally {
    await chrome.kill();
  }
}

const given = process.argv[2];
const worker = given ? null : await startWorker(PORT);
let code = 0;
try {
  const url = given ?? (await publishArticle(worker.base));
  const lhr = await measure(url);
  const score = Math.round((lhr.categories.performance.score ?? 0) * 100);
  const a = lhr.audits;
  const num = (id, unit = "ms") => (a[id]?.numericValue === undefined ? "?" : unit === "ms" ? `${Math.round(a[id].numericValue)} ms` : unit === "kB" ? `${Math.round(a[id].numericValue / 1024)} KiB` : a[id].numericValue.toFixed(3));
  console.log(`Lighthouse ${lhr.lighthouseVersion}, ${lhr.configSettings.formFactor} (${lhr.configSettings.screenEmulation.width} px), ${url}`);
  console.log(`performance score: ${score} (target ${TARGET})`);
  console.log(`  FCP ${num("first-contentful-paint")} · LCP ${num("largest-contentful-paint")} · TBT ${num("total-blocking-time")} · CLS ${num("cumulative-layout-shift", "")} · Speed Index ${num("speed-index")}`);
  console.log(`  total bytes ${num("total-byte-weight", "kB")}`);
  const images = (a["network-requests"]?.details?.items ?? []).filter((r) => r.resourceType === "Image");
  for (const r of images) console.log(`  image ${r.url.replace(/^https?:\/\/[^/]+/, "")}: ${Math.round((r.transferSize ?? 0) / 1024)} KiB`);
  if (score < TARGET) code = 1;
} catch (err) {
  console.error(err);
  if (worker) console.error(worker.log().slice(-4000));
  code = 2;
} finally {
  await worker?.stop();
}
process.exit(code);
