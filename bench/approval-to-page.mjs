// Time from the director's approval to the published page answering 200, against a running local
// Worker. Only 127.0.0.1; bounded count and polling.
//   node bench/approval-to-page.mjs [count]   (with `npm start` running)
import os from "node:os";

const POLL_MS = 5;
const TIMEOUT_MS = 30_000;

export async function api(base, path, { token, method = "GET", json } = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(json ? { "content-type": "application/json" } : {}) },
    body: json ? JSON.stringify(json) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export const signIn = async (base, email, password = process.env.DEMO_PASSWORD ?? "demo-password") =>
  (await api(base, "/api/v1/auth/login", { method: "POST", json: { email, password } })).token;

/** Median, worst and best milliseconds from approval to page over `count` reports. */
export async function approvalToPage(base, count) {
  const author = await signIn(base, "quan6@trungtam.example");
  const specialist = await signIn(base, "chuyenvien@sogd.example");
  const deputy = await signIn(base, "photruongphong@sogd.example");
  const director = await signIn(base, "truongphong@sogd.example");
  const samples = [];
  for (let i = 0; i < count; i++) {
    const r = await api(base, "/api/v1/reports", {
      token: author,
      method: "POST",
      json: { kind: "news", title: `Đo thời gian đăng bài ${Date.now()}-${i}`, summary: "Bài đo thời gian từ phê duyệt đến khi trang đăng.", body: "Nội dung **thử** đo.\n\nĐoạn hai." },
    });
    await api(base, `/api/v1/reports/${r.id}/submit`, { token: author, method: "POST" });
    await api(base, `/api/v1/reports/${r.id}/decisions`, { token: specialist, method: "POST", json: { action: "approve", stage: "specialist" } });
    await api(base, `/api/v1/reports/${r.id}/decisions`, { token: deputy, method: "POST", json: { action: "approve", stage: "deputy_head" } });
    const t0 = performance.now();
    await api(base, `/api/v1/reports/${r.id}/decisions`, { token: director, method: "POST", json: { action: "approve", stage: "director" } });
    let url = null;
    for (;;) {
      if (performance.now() - t0 > TIMEOUT_MS) throw new Error(`report ${r.id} not published within ${TIMEOUT_MS} ms`);
      if (!url) url = (await api(base, `/api/v1/reports/${r.id}`, { token: author })).publishedUrl;
      if (url && (await fetch(`${base}${url}`)).status === 200) break;
      await new Promise((res) => setTimeout(res, POLL_MS));
    }
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const median = samples.length % 2 ? samples[(samples.length - 1) / 2] : (samples[samples.length / 2 - 1] + samples[samples.length / 2]) / 2;
  return { count, median, worst: samples.at(-1), best: samples[0], samples };
}

export const machine = () => `${os.cpus().length} × ${os.cpus()[0]?.model ?? "CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const base = process.env.BENCH_BASE ?? "http://127.0.0.1:8787";
  if (!/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(base)) throw new Error("benchmarks run against 127.0.0.1 only");
  const r = await approvalToPage(base, Math.min(Number(process.argv[2] ?? 20), 100));
  console.log(`# Approval -> page live

Measured ${new Date().toISOString()} on ${machine()}, against \`npm start\` at ${base}.

Command: \`node bench/approval-to-page.mjs ${r.count}\` (from sending the director's approval until \`GET <publishedUrl>\` answers 200; polling every ${POLL_MS} ms).

| reports | median | worst | best |
| --- | --- | --- | --- |
| ${r.count} | ${r.median.toFixed(0)} ms | ${r.worst.toFixed(0)} ms | ${r.best.toFixed(0)} ms |

All samples (ms, sorted): ${r.samples.map((s) => s.toFixed(0)).join(", ")}
`);
}
