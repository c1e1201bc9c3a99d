// Time from the director's approval to the published page answering 200, against a running
// local Worker (`npm start`). Only 127.0.0.1; 20 reports; bounded polling.
//   node bench/approval-to-page.mjs [count] > bench/approval-to-page.md
import os from "node:os";

const BASE = process.env.BENCH_BASE ?? "http://127.0.0.1:8787";
if (!/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(BASE)) throw new Error("benchmarks run against 127.0.0.1 only");
const COUNT = Math.min(Number(process.argv[2] ?? 20), 100);
const PASSWORD = process.env.DEMO_PASSWORD ?? "demo-password";
const POLL_MS = 5;
const TIMEOUT_MS = 30_000;

async function api(path, { token, method = "GET", json } = {}) {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(json ? { "content-type": "application/json" } : {}) },
    body: json ? JSON.stringify(json) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const signIn = async (email) => (await api("/api/v1/auth/login", { method: "POST", json: { email, password: PASSWORD } })).token;
const author = await signIn("quan6@trungtam.example");
const specialist = await signIn("chuyenvien@sogd.example");
const deputy = await signIn("photruongphong@sogd.example");
const director = await signIn("truongphong@sogd.example");

const samples = [];
for (let i = 0; i < COUNT; i++) {
  const r = await api("/api/v1/reports", {
    token: author,
    method: "POST",
    json: { kind: "news", title: `Đo thời gian đăng bài ${Date.now()}-${i}`, summary: "Bài đo thời gian từ phê duyệt đến khi trang đăng.", body: "Nội dung **thử** đo.\n\nĐoạn hai." },
  });
  await api(`/api/v1/reports/${r.id}/submit`, { token: author, method: "POST" });
  await api(`/api/v1/reports/${r.id}/decisions`, { token: specialist, method: "POST", json: { action: "approve", stage: "specialist" } });
  await api(`/api/v1/reports/${r.id}/decisions`, { token: deputy, method: "POST", json: { action: "approve", stage: "deputy_head" } });
  const t0 = performance.now();
  await api(`/api/v1/reports/${r.id}/decisions`, { token: director, method: "POST", json: { action: "approve", stage: "director" } });
  let url = null;
  for (;;) {
    if (performance.now() - t0 > TIMEOUT_MS) throw new Error(`report ${r.id} not published within ${TIMEOUT_MS} ms`);
    if (!url) url = (await api(`/api/v1/reports/${r.id}`, { token: author })).publishedUrl;
    if (url && (await fetch(`${BASE}${url}`)).status === 200) break;
    await new Promise((res) => setTimeout(res, POLL_MS));
  }
  samples.push(performance.now() - t0);
}

samples.sort((a, b) => a - b);
const median = samples.length % 2 ? samples[(samples.length - 1) / 2] : (samples[samples.length / 2 - 1] + samples[samples.length / 2]) / 2;
const fmt = (ms) => `${ms.toFixed(0)} ms`;
console.log(`# Approval -> page live

Measured ${new Date().toISOString()} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? "CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, against \`npm start\` (wrangler dev, local D1/R2/DO/Workflows) at ${BASE}.

Command: \`node bench/approval-to-page.mjs ${COUNT}\` (time from sending the director's approval until \`GET <publishedUrl>\` answers 200; polling every ${POLL_MS} ms).

| reports | median | worst | best |
| --- | --- | --- | --- |
| ${samples.length} | ${fmt(median)} | ${fmt(samples.at(-1))} | ${fmt(samples[0])} |

All samples (ms, sorted): ${samples.map((s) => s.toFixed(0)).join(", ")}
`);
