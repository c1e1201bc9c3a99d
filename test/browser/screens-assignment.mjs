// Screenshots of assignment and delegation on the web pages (issue 13 point 5), at phone and office
// widths: a report's page with its stage claimed (Người xử lý, Trả lại nhóm, Giao cho), a report's
// page seen by the director's delegate (KT.), the inbox's tabs, and the settings page with a
// delegation given, one received and an absence to come (not a test: for people to look at). The
// data goes in through the running Worker's own API, as people would make it.
// PATH=node_modules/.bin:$PATH node test/browser/screens-assignment.mjs -> test/artifacts/assignment-*.png
import { chromium } from "playwright-core";
import { startWorker } from "../../scripts/local-worker.mjs";

// Demo ids: 102 Phạm Phương Bình (specialist), 103 Trần Thị Kim Thanh (deputy head), 104 Cao Minh Quý (director).
const uid = (n) => `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;
const GDTX_COVERS = [uid(3), uid(4), uid(5), uid(6)];
const PASSWORD = "Mật-khẩu-đủ-dài-2024";
const DAY = 86_400_000;
/** Viet Nam's calendar day `days` from today, YYYY-MM-DD (the API takes a date alone as that whole day). */
const vnDay = (days) => new Date(Date.now() + 7 * 3600_000 + days * DAY).toISOString().slice(0, 10);

const worker = await startWorker(8821);
let ip = 0;

async function api(path, { token, method, json } = {}) {
  const res = await fetch(`${worker.base}${path}`, {
    method: method ?? (json === undefined ? "GET" : "POST"),
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(json === undefined ? {} : { "content-type": "application/json" }), "cf-connecting-ip": `10.77.${++ip}.1` },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method ?? "POST"} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
const login = async (email, password = "demo-password") => (await api("/api/v1/auth/login", { json: { email, password } })).token;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});

async function signedIn(w, h, email, password = "demo-password") {
  const ctx = await browser.newContext({ viewport: { width: w, height: h }, locale: "vi-VN" });
  const page = await ctx.newPage();
  await page.goto(`${worker.base}/app/login`);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("main button[type=submit]");
  await page.waitForURL((url) => !url.pathname.startsWith("/app/login"));
  return { ctx, page };
}

try {
  const admin = await login("admin@sogd.example");
  const author = await login("quan6@trungtam.example");
  const binh = await login("chuyenvien@sogd.example");
  const thanh = await login("photruongphong@sogd.example");
  const quy = await login("truongphong@sogd.example");
  // A second specialist covering the same centres: the specialist's stage then starts unassigned.
  const haEmail = "pham.thu.ha@sogd.example";
  const ha = (await api("/api/v1/users", { token: admin, json: { email: haEmail, name: "Phạm Thu Hà", unitId: uid(2), password: PASSWORD, grants: [{ role: "specialist", unitIds: GDTX_COVERS }] } })).id;
  const haToken = await login(haEmail, PASSWORD);

  const titles = [
    "Hội nghị tổng kết công tác giáo dục thường xuyên năm học 2024 – 2025",
    "Trung tâm GDNN-GDTX Quận 6 khai giảng lớp tin học ứng dụng cho người lớn tuổi",
    "Ngày hội tư vấn tuyển sinh và hướng nghiệp năm 2025",
    "Tập huấn chuyển đổi số cho giáo viên các trung tâm",
    "Lễ trao bằng tốt nghiệp cho học viên khoá 2022 – 2025",
    "Hội thảo đổi mới phương pháp dạy học môn Ngữ văn",
  ];
  const ids = [];
  for (const title of titles) {
    const r = await api("/api/v1/reports", {
      token: author,
      json: { kind: "event", title, summary: "Tin do Trung tâm GDNN-GDTX Quận 6 gửi.", body: `${title}.\n\nNội dung chi tiết của tin bài.`, eventDate: vnDay(-3), location: "Trung tâm GDNN-GDTX Quận 6", attendees: [] },
    });
    await api(`/api/v1/reports/${r.id}/submit`, { token: author, json: {} });
    ids.push(r.id);
  }
  const me = uid(102);
  // Bình claims the first, gives the second to Hà; the third to fifth stay open to both.
  await api(`/api/v1/reports/${ids[0]}/assignee`, { token: binh, json: { userId: me } });
  await api(`/api/v1/reports/${ids[1]}/assignee`, { token: binh, json: { userId: ha } });

  // The director is away part of the week: Hà signs for him, and the last report reaches his stage.
  await api("/api/v1/delegations", { token: quy, json: { toUserId: ha, role: "director", endsAt: vnDay(5), note: "Đi công tác Hà Nội" } });
  // The deputy head delegates to the director for a week later on; the director is absent after that.
  await api("/api/v1/delegations", { token: thanh, json: { toUserId: uid(104), role: "deputy_head", startsAt: vnDay(6), endsAt: vnDay(8) } });
  await api("/api/v1/me/absence", { token: quy, method: "PUT", json: { from: vnDay(10), until: vnDay(14), substituteId: uid(103) } });
  const last = ids.at(-1);
  await api(`/api/v1/reports/${last}/decisions`, { token: binh, json: { action: "approve", stage: "specialist" } });
  await api(`/api/v1/reports/${last}/decisions`, { token: thanh, json: { action: "approve", stage: "deputy_head" } });

  for (const [w, h] of [
    [390, 844],
    [1366, 900],
  ]) {
    const b = await signedIn(w, h, "chuyenvien@sogd.example");
    await b.page.goto(`${worker.base}/app/reports/${ids[0]}`);
    await b.page.screenshot({ path: `test/artifacts/assignment-review-${w}.png`, fullPage: true });
    await b.page.goto(`${worker.base}/app/inbox`);
    await b.page.screenshot({ path: `test/artifacts/assignment-inbox-${w}.png`, fullPage: true });
    await b.page.goto(`${worker.base}/app/inbox?scope=all`);
    await b.page.screenshot({ path: `test/artifacts/assignment-inbox-all-${w}.png`, fullPage: true });
    await b.ctx.close();

    const h2 = await signedIn(w, h, haEmail, PASSWORD);
    await h2.page.goto(`${worker.base}/app/reports/${last}`);
    await h2.page.screenshot({ path: `test/artifacts/assignment-review-delegate-${w}.png`, fullPage: true });
    await h2.ctx.close();

    const q = await signedIn(w, h, "truongphong@sogd.example");
    await q.page.goto(`${worker.base}/app/settings`);
    await q.page.screenshot({ path: `test/artifacts/assignment-settings-${w}.png`, fullPage: true });
    // A form sent with a date typed wrongly comes back with the error beside its field.
    await q.page.selectOption("#toUserId", uid(103));
    await q.page.fill("#endsDate", "31/02/2030");
    await q.page.click("#delegation button[type=submit]");
    await q.page.waitForSelector("#loi");
    await q.page.screenshot({ path: `test/artifacts/assignment-settings-error-${w}.png`, fullPage: false });
    await q.ctx.close();
  }
  // The delegate decides: the history then reads "Duyệt — KT. Trưởng phòng: Phạm Thu Hà".
  await api(`/api/v1/reports/${last}/decisions`, { token: haToken, json: { action: "approve", stage: "director", comment: "Đồng ý đăng." } });
  for (const [w, h] of [
    [390, 844],
    [1366, 900],
  ]) {
    const b = await signedIn(w, h, "chuyenvien@sogd.example");
    await b.page.goto(`${worker.base}/app/reports/${last}`);
    await b.page.locator("#lich-su").scrollIntoViewIfNeeded();
    await b.page.locator("section[aria-labelledby=lich-su]").screenshot({ path: `test/artifacts/assignment-history-${w}.png` });
    await b.ctx.close();
  }
} finally {
  await browser.close();
  await worker.stop();
}
