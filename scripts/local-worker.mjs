// Starts the real Worker (wrangler dev: local D1, R2, DOs, Workflows, Queues) on its own port and
// state folder, with the migrations applied and the demo data loaded: for the browser tests and
// the benchmarks. `prepare(state, run)` may load more data before the Worker starts.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ENV = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_HIDE_BANNER: "true" };

export async function startWorker(port = 8790, { vars = {}, prepare } = {}) {
  const state = mkdtempSync(join(tmpdir(), "sogd-browser-"));
  const run = (cmd, args, extra = {}) => execFileSync(cmd, args, { env: { ...ENV, ...extra }, stdio: ["ignore", "ignore", "inherit"] });
  run("node", ["scripts/vendor-assets.mjs"]);
  run("wrangler", ["d1", "migrations", "apply", "DB", "--local", `--persist-to=${state}`]);
  run("node", ["scripts/seed.ts"], { PERSIST_TO: state });
  if (prepare) await prepare(state, run);
  const varArgs = Object.entries({ PORTAL_BASE_URL: `http://127.0.0.1:${port}/portal`, ...vars }).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  const child = spawn("wrangler", ["dev", "--ip", "127.0.0.1", "--port", String(port), `--persist-to=${state}`, ...varArgs], {
    env: ENV,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/app/login`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`wrangler dev did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    base,
    log: () => log,
    async stop() {
      // SIGTERM first, then SIGKILL: a workerd left behind would keep answering on the port
      // with old state for the next run.
      for (const signal of ["SIGTERM", "SIGKILL"]) {
        try {
          process.kill(-child.pid, signal);
        } catch {
          // already gone
        }
        await new Promise((r) => setTimeout(r, 500));
      }
      rmSync(state, { recursive: true, force: true });
    },
  };
}
