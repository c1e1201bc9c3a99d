// Where a submit's time goes (`npm run bench:writes`; not part of `npm run bench`): sequential
// submits on fresh and on woken ReportFlow objects beside /healthz and GET /me, then 10 concurrent
// submits with the CPU seconds each workerd thread spent on them. With PROFILE=1 it also takes a
// V8 CPU profile of the Worker's isolate through wrangler dev's inspector (port 9229), prints the
// functions with the most self time and writes the profile (open it in Chrome's DevTools).
// N (default 120) sets the number of sequential requests; the concurrent run uses 3 x N reports.
//
// On this 2-core machine everything local (the Worker, every ReportFlow object, D1's SQLite, the
// queue consumer) runs on ONE workerd thread, so a submit's throughput is 1 / its CPU time.
import { copyFileSync, existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { workerdThreadCpu } from "./workerd-cpu.mjs";

/** CPU seconds (user and system) used so far by each thread of each workerd process. */
const cpu = () => Object.fromEntries(Object.entries(workerdThreadCpu()).flatMap(([k, t]) => [[`${k} user`, t.user], [`${k} sys`, t.sys]]));
const cpuDelta = (a, b) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, +(v - (a[k] ?? 0)).toFixed(2)]).filter(([, v]) => v > 0.05));
import { startWorker } from "../scripts/local-worker.mjs";
import { api, signIn } from "./approval-to-page.mjs";

/** A CPU profile of the Worker's isolate through wrangler dev's inspector (port 9229). */
async function profiler() {
  const targets = await (await fetch("http://127.0.0.1:9229/json")).json();
  console.log("targets:", targets.map((t) => t.title).join(" | "));
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl, { headers: { Origin: "https://devtools.devprod.cloudflare.dev" } });
  await new Promise((r) => ws.addEventListener("open", r, { once: true }));
  let id = 0;
  const pending = new Map();
  ws.addEventListener("message", (m) => {
    const msg = JSON.parse(m.data);
    if (msg.id && pending.has(msg.id)) pending.get(msg.id)(msg.result);
  });
  const send = (method, params = {}) => new Promise((r) => { pending.set(++id, r); ws.send(JSON.stringify({ id, method, params })); });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 200 });
  await send("Profiler.start");
  return {
    async stop() {
      const { profile } = await send("Profiler.stop");
      const self = new Map();
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      const dt = profile.timeDeltas;
      const counts = new Map();
      profile.samples.forEach((s, k) => counts.set(s, (counts.get(s) ?? 0) + (dt[k] ?? 0)));
      let total = 0;
      for (const [nid, us] of counts) {
        const n = byId.get(nid);
        const f = n.callFrame;
        const key = `${f.functionName || "(anon)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber}`;
        self.set(key, (self.get(key) ?? 0) + us);
        total += us;
      }
      console.log(`profile: ${(total / 1000).toFixed(0)} ms sampled`);
      for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
      const file = join(tmpdir(), "submit.cpuprofile");
      writeFileSync(file, JSON.stringify(profile));
      console.log(`profile written to ${file}`);
      // The bundle wrangler dev runs (its tmp folder goes when it stops), to map the profile.
      const dev = (existsSync(".wrangler/tmp") ? readdirSync(".wrangler/tmp") : []).filter((d) => d.startsWith("dev-")).map((d) => join(".wrangler/tmp", d)).sort((x, y) => statSync(y).mtimeMs - statSync(x).mtimeMs)[0];
      if (dev) for (const f of ["index.js", "index.js.map"]) copyFileSync(join(dev, f), join(tmpdir(), `submit.${f}`));
      ws.close();
    },
  };
}

const N = Number(process.env.N ?? 120);
const server = await startWorker(8793, { vars: JSON.parse(process.env.VARS ?? "{}") });
const base = server.base;
try {
  const author = await signIn(base, "quan6@trungtam.example");
  const mk = async (n) => {
    const ids = [];
    for (let i = 0; i < n; i++) ids.push((await api(base, "/api/v1/reports", { token: author, method: "POST", json: { kind: "news", title: `Tin đo ${i}`, body: "Nội dung." } })).id);
    return ids;
  };
  const time = async (label, ids, fn) => {
    const t0 = performance.now();
    for (const id of ids) await fn(id);
    const ms = (performance.now() - t0) / ids.length;
    console.log(`${label}: ${ms.toFixed(1)} ms each (sequential, ${ids.length})`);
  };
  const submit = (id) => api(base, `/api/v1/reports/${id}/submit`, { token: author, method: "POST" });
  const withdraw = (id) => api(base, `/api/v1/reports/${id}/withdraw`, { token: author, method: "POST" });
  await time("healthz", Array.from({ length: N }), () => fetch(`${base}/healthz`).then((r) => r.text()));
  await time("me", Array.from({ length: N }), () => fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${author}` } }).then((r) => r.text()));
  const a = await mk(N);
  await time("submit, fresh object", a, submit);
  await new Promise((r) => setTimeout(r, 3000));
  await time("withdraw, woken object", a, withdraw);
  await time("submit again, woken object", a, submit);
  const b = await mk(N * 3);
  let i = 0;
  const run = (ids, label) =>
    new Promise((resolve) => {
      autocannon({
        url: base, connections: 10, amount: ids.length, method: "POST",
        headers: { authorization: `Bearer ${author}` },
        requests: [{ setupRequest: (req) => ({ ...req, path: `/api/v1/reports/${ids[i++ % ids.length]}/submit` }) }],
      }, (err, res) => { console.log(`${label}: ${res.requests.average} req/s, p50 ${res.latency.p50} ms, p99 ${res.latency.p99} ms, non2xx ${res.non2xx}`); resolve(); });
    });
  const hello = () => new Promise((resolve) => autocannon({ url: `${base}/healthz`, connections: 10, amount: N * 3 }, (e, r) => { console.log(`healthz x10: ${r.requests.average} req/s p99 ${r.latency.p99}`); resolve(); }));
  let c0 = cpu();
  await hello();
  console.log("cpu s, healthz x10:", JSON.stringify(cpuDelta(c0, cpu())));
  c0 = cpu();
  const t0 = performance.now();
  const prof = process.env.PROFILE ? await profiler() : null;
  i = 0; await run(b, "submit x10 fresh objects");
  if (prof) await prof.stop();
  console.log(`wall ${((performance.now() - t0) / 1000).toFixed(1)} s; cpu s:`, JSON.stringify(cpuDelta(c0, cpu())));
  await new Promise((r) => setTimeout(r, 5000));
  console.log("cpu s, 5 s after:", JSON.stringify(cpuDelta(c0, cpu())));
} finally {
  await server.stop();
}
