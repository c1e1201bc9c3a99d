// For benchmarks only (BENCH_STATS = "1" and a request header `x-bench-stats: 1`): counts the
// Worker's D1 round trips and rows read for that request and reports them in `x-d1-stats`.
// `countingD1` is the same counter for other callers of D1 (the ReportFlow object wraps its own
// binding with it, src/flow/bench-stats.ts), and `GET /__bench/flow/<reportId>?op=arm|read|disarm`
// reads what a report's object counted, so a request's cost includes the work it set off there.
import type { MiddlewareHandler } from "hono";
import { ApiError } from "../../errors";
import type { HonoEnv } from "../../env";
import { flowOf } from "../../flow/client";

export type D1Stats = { trips: number; rowsRead: number };
type Meta = { meta?: { rows_read?: number } };

// A statement that only reads may be run twice (see raw() below); anything else must run once.
const READ_ONLY = /^\s*(select|with|values|pragma|explain)\b/i;
const WRITES = /\b(insert|update|delete|replace)\s/i;
const isReadOnly = (sql: string) => READ_ONLY.test(sql) && !WRITES.test(sql);

/**
 * `real`, with every round trip (a batch is one) and the rows read that D1 reports added to
 * `stats`. Results are unchanged. Sessions (`withSession`) are counted the same way, so a
 * middleware that opens a D1 session on top of this one is still seen.
 */
export function countingD1(real: D1Database, stats: D1Stats): D1Database {
  return countingSession(real, stats) as D1Database;
}

type Preparer = Pick<D1Database, "prepare" | "batch">;

function countingSession<T extends Preparer>(real: T, stats: D1Stats): T {
  const realOf = new WeakMap<object, D1PreparedStatement>();
  const add = (r: unknown) => {
    stats.rowsRead += (r as Meta | undefined)?.meta?.rows_read ?? 0;
  };
  const wrap = (stmt: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") return (...args: unknown[]) => wrap(target.bind(...args), sql);
        if (prop === "run" || prop === "all") {
          return async () => {
            stats.trips++;
            const r = await target[prop]();
            add(r);
            return r;
          };
        }
        if (prop === "first") {
          return async (column?: string) => {
            stats.trips++;
            const r = await target.all<Record<string, unknown>>();
            add(r);
            const row = r.results[0] ?? null;
            return column && row ? row[column] : row;
          };
        }
        if (prop === "raw") {
          // raw() carries no meta. A read is run once more through all() to learn its cost (only
          // on requests that asked for the stats, so load runs are not slowed); a write must not
          // run twice, so it runs once through all() and its rows are turned into arrays.
          return async (opts?: { columnNames?: boolean }) => {
            stats.trips++;
            if (isReadOnly(sql)) {
              add(await target.all());
              return opts?.columnNames ? target.raw({ columnNames: true }) : target.raw();
            }
            const r = await target.all<Record<string, unknown>>();
            add(r);
            const columns = r.results[0] ? Object.keys(r.results[0]) : [];
            const rows = r.results.map((o) => columns.map((c) => o[c]));
            return opts?.columnNames ? [columns, ...rows] : rows;
          };
        }
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    realOf.set(proxy, stmt);
    return proxy;
  };
  return new Proxy(real, {
    get(target, prop) {
      if (prop === "prepare") return (query: string) => wrap(target.prepare(query), query);
      if (prop === "batch") {
        return async (stmts: D1PreparedStatement[]) => {
          stats.trips++;
          const results = await target.batch(stmts.map((s) => realOf.get(s) ?? s));
          for (const r of results) add(r);
          return results;
        };
      }
      if (prop === "withSession" && "withSession" in target) {
        return (...args: Parameters<D1Database["withSession"]>) => countingSession((target as unknown as D1Database).withSession(...args), stats);
      }
      const v = Reflect.get(target, prop);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

export type FlowBenchCommand = "arm" | "read" | "disarm";
export type FlowBenchStats = D1Stats & { armed: boolean };

const FLOW_PATH = /^\/__bench\/flow\/([A-Za-z0-9-]{1,64})$/;
// Work due later than this (SLA reminders, hours away) is not part of the request's cost.
const SOON_MS = 60_000;

export function d1Stats(): MiddlewareHandler<HonoEnv> {
  return async function d1Stats(c, next) {
    if (String(c.env.BENCH_STATS) !== "1" || c.req.header("x-bench-stats") !== "1") return next();
    const flow = FLOW_PATH.exec(c.req.path);
    if (flow) {
      // What a report's ReportFlow object counted: `arm` resets and starts counting, `read` also
      // says how much of the object's work is still due soon, so the caller can wait for it.
      const op = c.req.query("op") ?? "read";
      if (op !== "arm" && op !== "read" && op !== "disarm") {
        throw new ApiError("validation_failed", { errors: [{ path: "op", in: "query", message: "Một trong: arm, read, disarm" }] });
      }
      const stub = flowOf(c.env, flow[1]!);
      const stats = await stub.benchStats(op);
      if (!stats) return c.json({ wired: false }, 501);
      const soon = new Date(Date.now() + SOON_MS).toISOString();
      const dueSoon = (await stub.work()).filter((w) => w.dueAt <= soon).map((w) => w.kind);
      return c.json({ wired: true, ...stats, dueSoon });
    }
    const stats: D1Stats = { trips: 0, rowsRead: 0 };
    c.env = { ...c.env, DB: countingD1(c.env.DB, stats) };
    await next();
    c.res.headers.set("x-d1-stats", `trips=${stats.trips}; rows_read=${stats.rowsRead}`);
  };
}
