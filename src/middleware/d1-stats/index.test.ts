import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { HonoEnv } from "../../env";
import { benchFlowEnv, benchFlowStats } from "../../flow/bench-stats";
import { onError } from "../../errors";
import { countingD1, d1Stats } from ".";

function app() {
  const a = new Hono<HonoEnv>();
  a.onError(onError);
  a.use(d1Stats());
  a.get("/one", async (c) => c.json(await c.env.DB.prepare("SELECT id FROM units LIMIT 3").all()));
  a.get("/batch", async (c) => {
    const db = c.env.DB;
    await db.batch([db.prepare("SELECT id FROM units"), db.prepare("SELECT id FROM users WHERE email = ?").bind("admin@sogd.example")]);
    const first = await db.prepare("SELECT count(*) AS n FROM units").first<{ n: number }>("n");
    return c.json({ first });
  });
  return a;
}

describe("d1Stats (benchmarks only)", () => {
  it("is silent unless BENCH_STATS is 1", async () => {
    const res = await app().request("/one", {}, env);
    expect(res.headers.get("x-d1-stats")).toBeNull();
  });

  it("counts round trips (a batch is one) and rows read, without changing results", async () => {
    const on = { ...env, BENCH_STATS: "1" };
    expect((await app().request("/one", {}, on)).headers.get("x-d1-stats")).toBeNull(); // not asked for
    const asked = { headers: { "x-bench-stats": "1" } };
    const one = await app().request("/one", asked, on);
    expect(one.headers.get("x-d1-stats")).toMatch(/^trips=1; rows_read=\d+$/);
    const batch = await app().request("/batch", asked, on);
    const [, trips, rows] = /^trips=(\d+); rows_read=(\d+)$/.exec(batch.headers.get("x-d1-stats")!)!;
    expect(Number(trips)).toBe(2);
    expect(Number(rows)).toBeGreaterThan(0);
    expect((await batch.json<{ first: number }>()).first).toBeGreaterThanOrEqual(8);
  });
});

describe("the bench's ReportFlow route", () => {
  const on = { ...env, BENCH_STATS: "1" };
  const asked = { headers: { "x-bench-stats": "1" } };

  it("refuses an unknown op with a problem naming the field, and touches no object", async () => {
    const res = await app().request("/__bench/flow/r1?op=reset", asked, on);
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const body = await res.json<{ errors: { path: string; in: string }[] }>();
    expect(body.errors).toEqual([expect.objectContaining({ path: "op", in: "query" })]);
  });

  it("answers 501 when the object does not count (its own BENCH_STATS is off), and is silent without the switch", async () => {
    expect((await app().request("/__bench/flow/r1?op=read", asked, on)).status).toBe(501);
    expect((await app().request("/__bench/flow/r1?op=read", asked, env)).status).toBe(404);
  });
});

describe("countingD1", () => {
  it("runs a write through raw() once, and counts D1 sessions", async () => {
    const stats = { trips: 0, rowsRead: 0 };
    const db = countingD1(env.DB, stats);
    const key = `bench-${crypto.randomUUID()}`;
    const rows = await db
      .prepare("INSERT INTO login_throttle (key, failures, window_start) VALUES (?, 1, 'x') ON CONFLICT (key) DO UPDATE SET failures = failures + 1 RETURNING failures")
      .bind(key)
      .raw();
    expect(rows).toEqual([[1]]);
    expect(stats.trips).toBe(1);
    const read = await db.prepare("SELECT key, failures FROM login_throttle WHERE key = ?").bind(key).raw({ columnNames: true });
    expect(read).toEqual([["key", "failures"], [key, 1]]);
    expect(stats.trips).toBe(2);
    const session = db.withSession("first-unconstrained");
    const before = stats.rowsRead;
    await session.prepare("SELECT id FROM units").all();
    expect(stats.trips).toBe(3);
    expect(stats.rowsRead).toBeGreaterThan(before);
  });

  it("counts a flow object's D1 work only while armed, and only with BENCH_STATS", async () => {
    expect(benchFlowEnv(env)).toBe(env);
    expect(benchFlowStats(env, "read")).toBeNull();
    const wrapped = benchFlowEnv({ ...env, BENCH_STATS: "1" });
    await wrapped.DB.prepare("SELECT id FROM units").all();
    expect(benchFlowStats(wrapped, "read")).toEqual({ armed: false, trips: 0, rowsRead: 0 });
    benchFlowStats(wrapped, "arm");
    await wrapped.DB.batch([wrapped.DB.prepare("SELECT id FROM units"), wrapped.DB.prepare("SELECT 1")]);
    const armed = benchFlowStats(wrapped, "disarm")!;
    expect(armed.trips).toBe(1);
    expect(armed.rowsRead).toBeGreaterThan(0);
    await wrapped.DB.prepare("SELECT id FROM units").all();
    expect(benchFlowStats(wrapped, "read")).toEqual({ ...armed, armed: false });
  });
});
