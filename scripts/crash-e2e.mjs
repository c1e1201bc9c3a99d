// End to end: `kill -9` the local runtime (wrangler dev and its workerd) while directors approve,
// restart it on the same --persist-to state, and check that no report is stranded: each one is
// published (or, if the approval never landed, can be approved again and then is), D1 agrees with
// the report's Durable Object, and every message of the approval is in the notifications log.
//   npm run test:crash     (ROUNDS=5 REPORTS=6 KILL_AFTER_MS=0,15,40,120,400 by default; only 127.0.0.1)
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PORT = Number(process.env.CRASH_PORT ?? 8792);
const BASE = `http://127.0.0.1:${PORT}`;
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const REPORTS = Number(process.env.REPORTS ?? 6);
// When to kill, after the approvals are sent: from before the first commit to after the last.
const KILL_AFTER_MS = (process.env.KILL_AFTER_MS ?? "0,15,40,120,400").split(",").map(Number);
const CONVERGE_MS = 90_000;
const ENV = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_HIDE_BANNER: "true" };

const state = mkdtempSync(join(tmpdir(), "sogd-crash-"));
const run = (cmd, args, extra = {}) => execFileSync(cmd, args, { env: { ...ENV, ...extra }, stdio: ["ignore", "ignore", "inherit"] });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let child = null;
let log = "";

async function start() {
  log = "";
  child = spawn("wrangler", ["dev", "--ip", "127.0.0.1", "--port", String(PORT), `--persist-to=${state}`, "--var", `PORTAL_BASE_URL:${BASE}/portal`,
    // A publication lost with the killed process is restarted after this long (300 s in production).
    "--var", "PUBLICATION_STALE_SECONDS:15"], {
    env: ENV,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group: kill -9 takes wrangler and workerd together
  });
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`wrangler dev did not start:\n${log}`);
    await sleep(300);
  }
}

/** wrangler and every process below it (workerd), even one that left the process group. */
function descendants(pid) {
  const table = execFileSync("ps", ["-e", "-o", "pid=,ppid="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number));
  const out = [];
  const walk = (p) => {
    for (const [c, pp] of table) if (pp === p) (out.push(c), walk(c));
  };
  walk(pid);
  return out;
}

function kill9() {
  if (!child) return;
  const all = [child.pid, ...descendants(child.pid)];
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
  for (const pid of all) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

async function waitGone() {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`${BASE}/healthz`, { signal: AbortSignal.timeout(200) });
    } catch {
      return;
    }
    await sleep(100);
  }
  throw new Error("the runtime did not die");
}

async function api(path, { token, method = "GET", json } = {}) {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(json ? { "content-type": "application/json" } : {}) },
    body: json ? JSON.stringify(json) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function must(path, opts) {
  const res = await api(path, opts);
  if (res.status >= 300) throw new Error(`${opts?.method ?? "GET"} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const signIn = async (email) => (await must("/api/v1/auth/login", { method: "POST", json: { email, password: process.env.DEMO_PASSWORD ?? "demo-password" } })).token;

async function tokens() {
  return {
    author: await signIn("quan6@trungtam.example"),
    specialist: await signIn("chuyenvien@sogd.example"),
    deputy: await signIn("photruongphong@sogd.example"),
    director: await signIn("truongphong@sogd.example"),
    admin: await signIn("admin@sogd.example"),
  };
}

const decide = (t, id, stage) => api(`/api/v1/reports/${id}/decisions`, { token: t, method: "POST", json: { action: "approve", stage } });

/** Reports waiting for the director. */
async function prepare(t, round) {
  const ids = [];
  for (let i = 0; i < REPORTS; i++) {
    const r = await must("/api/v1/reports", { token: t.author, method: "POST", json: { kind: "news", title: `Thử sập nguồn vòng ${round} bài ${i}`, body: "Nội dung thử." } });
    await must(`/api/v1/reports/${r.id}/submit`, { token: t.author, method: "POST" });
    await must(`/api/v1/reports/${r.id}/decisions`, { token: t.specialist, method: "POST", json: { action: "approve", stage: "specialist" } });
    await must(`/api/v1/reports/${r.id}/decisions`, { token: t.deputy, method: "POST", json: { action: "approve", stage: "deputy_head" } });
    ids.push(r.id);
  }
  return ids;
}

/** After the restart: each report ends published, retrying the director's approval where it never landed. */
async function converge(t, ids) {
  const deadline = Date.now() + CONVERGE_MS;
  const pending = new Set(ids);
  const retried = new Set();
  while (pending.size && Date.now() < deadline) {
    for (const id of [...pending]) {
      const r = (await api(`/api/v1/reports/${id}`, { token: t.author })).body;
      if (r.status === "in_review" && r.stage === "director") {
        // Not approved as far as D1 knows: the director tries again. 200 (it never landed) or 409
        // (it landed, D1 is catching up) are both fine; the stranded case was 409 for good.
        const again = await decide(t.director, id, "director");
        if (again.status !== 200 && again.status !== 409) throw new Error(`retry of ${id}: ${again.status} ${JSON.stringify(again.body)}`);
        retried.add(id);
      }
      if (r.status === "published") {
        const page = await fetch(`${BASE}${r.publishedUrl}`);
        const history = (await api(`/api/v1/reports/${id}/history`, { token: t.author })).body;
        if (page.status === 200 && !history.delivery.pendingProjection) pending.delete(id);
      }
    }
    if (pending.size) await sleep(1000);
  }
  return { stranded: [...pending], retried: retried.size };
}

async function notificationsOf(t, ids) {
  const wanted = new Set(ids);
  const found = new Map();
  let cursor = null;
  for (let page = 0; page < 50; page++) {
    const body = await must(`/api/v1/notifications?template=approved&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { token: t.admin });
    for (const n of body.items) if (wanted.has(n.reportId) && n.template === "approved") found.set(n.reportId, n.status);
    if (!body.nextCursor) break;
    cursor = body.nextCursor;
  }
  return found;
}

let failures = 0;
try {
  run("node", ["scripts/vendor-assets.mjs"]);
  run("wrangler", ["d1", "migrations", "apply", "DB", "--local", `--persist-to=${state}`]);
  run("node", ["scripts/seed.ts"], { PERSIST_TO: state });
  await start();
  for (let round = 0; round < ROUNDS; round++) {
    let t = await tokens();
    const ids = await prepare(t, round);
    const killAfter = KILL_AFTER_MS[round % KILL_AFTER_MS.length];
    const sent = ids.map((id) => decide(t.director, id, "director").catch(() => ({ status: "lost" })));
    await sleep(killAfter);
    kill9();
    const answers = await Promise.all(sent);
    await waitGone();
    await start();
    t = await tokens();
    const { stranded, retried } = await converge(t, ids);
    const logged = await notificationsOf(t, ids);
    const unlogged = ids.filter((id) => !logged.has(id));
    const answered = answers.filter((a) => a.status === 200).length;
    console.log(
      `round ${round + 1}: killed ${killAfter} ms after ${ids.length} approvals (${answered} answered 200); ` +
        `published ${ids.length - stranded.length}/${ids.length}, approvals retried ${retried}, ` +
        `'approved' emails in the log ${ids.length - unlogged.length}/${ids.length} (${[...logged.values()].filter((s) => s === "sent").length} sent)`,
    );
    if (stranded.length || unlogged.length) {
      failures++;
      console.log(`  stranded: ${stranded.join(", ") || "none"}; not in the log: ${unlogged.join(", ") || "none"}`);
      for (const id of stranded) {
        const r = (await api(`/api/v1/reports/${id}`, { token: t.author })).body;
        const h = (await api(`/api/v1/reports/${id}/history`, { token: t.author })).body;
        console.log(`  ${id}: D1 ${r.status}/${r.stage ?? "-"}; events ${h.items.map((e) => e.action).join(",")}; delivery ${JSON.stringify(h.delivery)}`);
      }
    }
  }
} catch (err) {
  failures++;
  console.error(String(err?.stack ?? err));
  console.error(log.slice(-4000));
} finally {
  kill9();
  rmSync(state, { recursive: true, force: true });
}
console.log(`${ROUNDS - Math.min(failures, ROUNDS)} passed, ${Math.min(failures, ROUNDS)} failed`);
process.exit(failures ? 1 : 0);
