// Where a submit's CPU goes (`npm run bench:costs`; not part of `npm run bench`): the workerd CPU
// each request costs, for a submit and for the pieces it is built of, each under the same load
// (autocannon, 10 connections), in several rounds so that the spread shows.
//
// On this machine the Worker, every ReportFlow object, D1's SQLite and the queue consumer run on
// one workerd thread (wrangler dev's proxy runs in a second workerd process): the busiest thread's
// CPU per request is what bounds throughput, and /healthz is bounded by latency instead (its thread
// is far from busy). A submit's CPU is counted until the system is quiet again, so the work it sets
// off after the answer (its letters: the recipients, the queue, the consumer, the send) is in it.
//
//   R (default 150) requests per round; ROUNDS (default 3).
import { readdirSync, readFileSync } from "node:fs";
import autocannon from "autocannon";
import { startWorker } from "../scripts/local-worker.mjs";
import { api, signIn } from "./approval-to-page.mjs";

const R = Number(process.env.R ?? 150);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const QUIET_MS = 7_000; // the queue consumer's batch timeout (5 s) and its sends

/** CPU seconds (user + system) used so far by each workerd process, per thread. */
function cpu() {
  const out = {};
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (!/workerd/.test(stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")))) continue;
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const t = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        const f = t.slice(t.lastIndexOf(")") + 2).split(" ");
        out[`${pid}/${tid}`] = (Number(f[11]) + Number(f[12])) / 100;
      }
    } catch {}
  }
  return out;
}
/** The busiest thread's CPU between two readings, in ms per request. */
const perRequest = (a, b, n) => (Math.max(0, ...Object.keys(b).map((k) => b[k] - (a[k] ?? 0))) * 1000) / n;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function load(base, { path, paths, method = "GET", headers = {} }) {
  let i = 0;
  return new Promise((resolve, reject) =>
    autocannon(
      {
        url: base + (path ?? ""), connections: 10, amount: R, method, headers,
        ...(paths ? { requests: [{ setupRequest: (req) => ({ ...req, path: paths[i++] }) }] } : {}),
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    ),
  );
}

const server = await startWorker(Number(process.env.PORT ?? 8796), { vars: { BENCH_STATS: "1" } });
const base = server.base;
try {
  const author = await signIn(base, "quan6@trungtam.example");
  const auth = { authorization: `Bearer ${author}` };
  const drafts = async (n) => {
    const ids = [];
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        while (ids.length < n) ids.push((await api(base, "/api/v1/reports", { token: author, method: "POST", json: { kind: "news", title: `Tin đo ${ids.length}`, body: "Nội dung." } })).id);
      }),
    );
    return ids.slice(0, n);
  };
  const read = (await drafts(1))[0];
  const fresh = await drafts(R * ROUNDS); // never sent to their objects: each wake below creates one
  const toSubmit = await drafts(R * ROUNDS);
  await sleep(QUIET_MS);
  const pieces = [
    ["GET /healthz (the route alone)", () => ({ path: "/healthz" })],
    ["GET /api/v1/me (+ the sign-in look-up, 1 D1 round trip)", () => ({ path: "/api/v1/me", headers: auth })],
    ["GET /api/v1/reports/:id (+ the report read, 2 round trips)", () => ({ path: `/api/v1/reports/${read}`, headers: auth })],
    ["a new ReportFlow object woken (created with its storage) and asked twice", (round) => ({ paths: fresh.slice(round * R, (round + 1) * R).map((id) => `/__bench/flow/${id}?op=read`), headers: { "x-bench-stats": "1" } })],
    ["POST submit, its letters included (counted until quiet)", (round) => ({ paths: toSubmit.slice(round * R, (round + 1) * R).map((id) => `/api/v1/reports/${id}/submit`), method: "POST", headers: auth, quiet: true })],
  ];
  const rows = pieces.map(([label]) => ({ label, ms: [], rps: [], non2xx: 0 }));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [k, [, make]] of pieces.entries()) {
      const opts = make(round);
      const c0 = cpu();
      const res = await load(base, opts);
      if (opts.quiet) await sleep(QUIET_MS);
      rows[k].ms.push(perRequest(c0, cpu(), R));
      rows[k].rps.push(R / res.duration);
      rows[k].non2xx += res.non2xx;
    }
  }
  const fmt = (xs) => xs.map((x) => x.toFixed(1)).join(" / ");
  console.log(`\n| request | workerd CPU per request, ms (${ROUNDS} rounds of ${R}) | req/s (R / the run's duration) | non-2xx |\n| --- | --- | --- | --- |`);
  for (const r of rows) console.log(`| ${r.label} | ${fmt(r.ms)} | ${r.rps.map((x) => Math.round(x)).join(" / ")} | ${r.non2xx} |`);
} finally {
  await server.stop();
}
