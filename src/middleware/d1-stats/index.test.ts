import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { HonoEnv } from "../../env";
import { d1Stats } from ".";

function app() {
  const a = new Hono<HonoEnv>();
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
