// Where a submit's CPU goes (`npm run bench:costs`; not part of `npm run bench`): the workerd CPU
// each request costs, for a submit and for the pieces it is built of, each under the same load
// (autocannon, 10 connections), in several rounds so that the spread shows.
//
// On this machine the Worker, every ReportFlow object, D1's SQLite and the queue consumer run on
// one workerd thread (wrangler dev's proxy runs in a second workerd process): that thread's CPU per
// request is what bounds throughput, and /healthz is bounded by latency instead (its thread is far
// from busy). A submit's CPU is counted until the system is quiet again (past the queue's batch
// wait), so the work it sets off after the answer (its letters: the recipients, the queue, the
// consumer, the send) is in it. What each thread burns at rest is measured first and taken off.
//
//   R (default 150) requests per round; ROUNDS (default 3).
import autocannon from "autocannon";
import { workerdThreadCpu } from "./workerd-cpu.mjs";
import { startWorker } from "../scripts/local-worker.mjs";
import { api, signIn } from "./approval-to-page.mjs";

const R = Number(process.env.R ?? 150);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
// A submit's letters wait for the queue consumer's batch (max_batch_timeout = 5 s), during which
// the thread is idle: it is counted until past that, and then until a whole second stays quiet.
const BATCH_WAIT_MS = 5_500;
const QUIET_CPU_MS = 20; // per second, on the busiest thread

/** CPU seconds (user + system) used so far by each workerd thread. */
const cpu = () => Object.fromEntries(Object.entries(workerdThreadCpu()).map(([k, t]) => [k, t.user + t.sys]));
/** CPU seconds per thread between two readings. */
const delta = (a, b) => Object.fromEntries(Object.keys(b).map((k) => [k, b[k] - (a[k] ?? 0)]));
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
  await sleep(BATCH_WAIT_MS);
  const pieces = [
    ["GET /healthz (the route alone)", () => ({ path: "/healthz" })],
    ["GET /api/v1/me (+ the sign-in look-up, 1 D1 round trip)", () => ({ path: "/api/v1/me", headers: auth })],
    ["GET /api/v1/reports/:id (+ the report read, 2 round trips)", () => ({ path: `/api/v1/reports/${read}`, headers: auth })],
    ["a new ReportFlow object woken (created with its storage) and asked twice", (round) => ({ paths: fresh.slice(round * R, (round + 1) * R).map((id) => `/__bench/flow/${id}?op=read`), headers: { "x-bench-stats": "1" } })],
    ["POST submit, its letters included (counted until quiet)", (round) => ({ paths: toSubmit.slice(round * R, (round + 1) * R).map((id) => `/api/v1/reports/${id}/submit`), method: "POST", headers: auth, quiet: true })],
  ];
  // What each thread burns doing nothing, per second, taken off every reading below.
  const i0 = cpu();
  await sleep(3_000);
  const idle = Object.fromEntries(Object.entries(delta(i0, cpu())).map(([k, v]) => [k, v / 3]));
  // Per piece and round: CPU seconds per thread, and the answers that were not 2xx. (No req/s here: runs
  // of a set number of requests ended on whole seconds, so their rates came out as exactly 150, 75
  // or 50 per second; `npm run bench` measures throughput over timed runs.)
  const runs = pieces.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [k, [, make]] of pieces.entries()) {
      const opts = make(round);
      const c0 = cpu();
      const t0 = performance.now();
      const res = await load(base, opts);
      const end = performance.now();
      if (opts.quiet) {
        for (;;) {
          const w0 = cpu();
          await sleep(1_000);
          const busiest = Math.max(...Object.values(delta(w0, cpu())));
          if (performance.now() - end >= BATCH_WAIT_MS && busiest * 1000 <= QUIET_CPU_MS) break;
        }
      }
      const seconds = (performance.now() - t0) / 1000;
      const threads = Object.fromEntries(Object.entries(delta(c0, cpu())).map(([t, v]) => [t, v - (idle[t] ?? 0) * seconds]));
      runs[k].push({ threads, non2xx: res.non2xx });
    }
  }
  // The runtime's thread (the Worker, the objects, D1, the consumer): the busiest over the whole run.
  const total = {};
  for (const r of runs.flat()) for (const [t, v] of Object.entries(r.threads)) total[t] = (total[t] ?? 0) + v;
  const main = Object.keys(total).sort((a, b) => total[b] - total[a])[0];
  const ms = (v) => ((Math.max(0, v) * 1000) / R).toFixed(1);
  console.log(`\nruntime thread ${main}; idle CPU taken off: ${(1000 * (idle[main] ?? 0)).toFixed(1)} ms/s`);
  console.log(`\n| request | runtime thread's CPU per request, ms (${ROUNDS} rounds of ${R}) | other workerd threads, ms | non-2xx |\n| --- | --- | --- | --- |`);
  for (const [k, [label]] of pieces.entries()) {
    const mine = runs[k].map((r) => ms(r.threads[main] ?? 0)).join(" / ");
    const others = runs[k].map((r) => ms(Object.entries(r.threads).filter(([t]) => t !== main).reduce((a, [, v]) => a + Math.max(0, v), 0))).join(" / ");
    console.log(`| ${label} | ${mine} | ${others} | ${runs[k].reduce((a, r) => a + r.non2xx, 0)} |`);
  }
} finally {
  await server.stop();
}
