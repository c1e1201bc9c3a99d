import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { database } from "../../db/client";
import { units } from "../../db/schema";
import type { HonoEnv } from "../../env";
import { d1Stats } from "../d1-stats";
import { BOOKMARK_HEADER, d1Session, isBookmark, laterBookmark, noteBookmark } from ".";

/** The binding, recording how each request's session was started. */
function recordingDb(starts: (string | undefined)[]): D1Database {
  return {
    prepare: (q) => env.DB.prepare(q),
    batch: (s) => env.DB.batch(s),
    exec: (q) => env.DB.exec(q),
    dump: () => env.DB.dump(),
    withSession: (constraint) => {
      starts.push(constraint);
      return env.DB.withSession(constraint);
    },
  };
}

function app() {
  const a = new Hono<HonoEnv>();
  a.use(d1Session());
  a.use(d1Stats());
  a.get("/one", async (c) => c.json(await c.env.DB.prepare("SELECT id FROM units LIMIT 3").all()));
  a.get("/drizzle", async (c) => c.json(await database(c.env.DB).select({ id: units.id }).from(units).limit(2)));
  a.get("/batch", async (c) => {
    const db = c.env.DB;
    await db.batch([db.prepare("SELECT id FROM units"), db.prepare("SELECT 1")]);
    return c.text("ok");
  });
  a.post("/write", async (c) => {
    await c.env.DB.prepare("UPDATE units SET name = name WHERE id = (SELECT id FROM units LIMIT 1)").run();
    return c.text("ok");
  });
  a.get("/noted", async (c) => {
    await c.env.DB.prepare("SELECT 1").all();
    noteBookmark(c, c.req.query("b") ?? null);
    return c.text("ok");
  });
  a.get("/exec", async (c) => {
    const refused = await c.env.DB.exec("SELECT 1").then(
      () => "ran",
      (e: unknown) => (e instanceof Error ? e.message : "?"),
    );
    const fresh = c.env.DB.withSession("first-primary");
    await fresh.prepare("SELECT 1").all();
    return c.json({ refused, fresh: fresh.getBookmark() });
  });
  a.get("/none", (c) => c.text("no D1 here"));
  return a;
}

const LATE = "7fffffff-00000000-00000000-00000000000000000000000000000000";

describe("d1Session", () => {
  it("bookmarks compare as strings, oldest first; only well-formed ones are accepted", () => {
    expect(laterBookmark("00000000-0000000f-00000000-00", "00000000-00000010-00000000-00")).toBe("00000000-00000010-00000000-00");
    expect(laterBookmark(null, "a")).toBe("a");
    expect(laterBookmark("a", null)).toBe("a");
    expect(isBookmark("00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683")).toBe(true);
    for (const bad of ["", "garbage", "first-unconstrained", "00000085", "00000085-0000024C-00004c6d-8e61", `00000085-${"a".repeat(200)}`, null, undefined]) {
      expect(isBookmark(bad), String(bad)).toBe(false);
    }
  });

  it("reads start from the client's bookmark or unconstrained; writes start at the primary", async () => {
    const starts: (string | undefined)[] = [];
    const e = { ...env, DB: recordingDb(starts) };
    const first = await app().request("/one", {}, e);
    const b = first.headers.get(BOOKMARK_HEADER)!;
    expect(isBookmark(b)).toBe(true);
    await app().request("/one", { headers: { [BOOKMARK_HEADER]: b } }, e);
    await app().request("/one", { headers: { cookie: `sogd_d1=${b}` } }, e);
    await app().request("/one", { headers: { [BOOKMARK_HEADER]: "garbage" } }, e);
    await app().request("/write", { method: "POST", headers: { [BOOKMARK_HEADER]: b } }, e);
    expect(starts).toEqual(["first-unconstrained", b, b, "first-unconstrained", "first-primary"]);
  });

  it("composes with d1Stats: every query through the session is counted, drizzle included", async () => {
    const on = { ...env, BENCH_STATS: "1" };
    const asked = { headers: { "x-bench-stats": "1" } };
    for (const [path, trips] of [["/one", 1], ["/drizzle", 1], ["/batch", 1]] as const) {
      const res = await app().request(path, asked, on);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("x-d1-stats"), path).toMatch(new RegExp(`^trips=${trips}; rows_read=\\d+$`));
      expect(isBookmark(res.headers.get(BOOKMARK_HEADER)), path).toBe(true);
    }
  });

  it("a noted bookmark is sent when it is the later one; a malformed one is ignored", async () => {
    const late = await app().request(`/noted?b=${LATE}`, {}, env);
    expect(late.headers.get(BOOKMARK_HEADER)).toBe(LATE);
    const early = await app().request("/noted?b=00000000-00000000-00000000-00000000000000000000000000000000", {}, env);
    expect(early.headers.get(BOOKMARK_HEADER)! > "00000000-00000000-00000000-00000000000000000000000000000000").toBe(true);
    const bad = await app().request("/noted?b=zzz", {}, env);
    expect(isBookmark(bad.headers.get(BOOKMARK_HEADER))).toBe(true);
  });

  it("exec is refused inside a session instead of bypassing it; withSession opens a new one on the binding", async () => {
    const res = await app().request("/exec", {}, env);
    expect(res.status).toBe(200);
    const body = await res.json<{ refused: string; fresh: string | null }>();
    expect(body.refused).toMatch(/exec\(\) is not available inside a session/);
    expect(isBookmark(body.fresh)).toBe(true);
  });

  it("an answer that did not use D1 carries no bookmark", async () => {
    const res = await app().request("/none", { headers: { [BOOKMARK_HEADER]: LATE, cookie: `sogd_d1=${LATE}` } }, env);
    expect(res.headers.get(BOOKMARK_HEADER)).toBeNull();
    expect(res.headers.get("set-cookie")).toBeNull();
  });
});
