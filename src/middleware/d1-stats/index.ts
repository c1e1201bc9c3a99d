// For benchmarks only (BENCH_STATS = "1" and a request header `x-bench-stats: 1`): counts the
// Worker's D1 round trips and rows read for that request and reports them in `x-d1-stats`.
import type { MiddlewareHandler } from "hono";
import type { HonoEnv } from "../../env";

type Stats = { trips: number; rowsRead: number };
type Meta = { meta?: { rows_read?: number } };

function countingD1(real: D1Database, stats: Stats): D1Database {
  const realOf = new WeakMap<object, D1PreparedStatement>();
  const add = (r: unknown) => {
    stats.rowsRead += (r as Meta | undefined)?.meta?.rows_read ?? 0;
  };
  const wrap = (stmt: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") return (...args: unknown[]) => wrap(target.bind(...args));
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
          // raw() carries no meta: run the statement once more through all() to learn its cost.
          // Only on requests that ask for the stats, so load runs are not slowed.
          return async (opts?: { columnNames?: boolean }) => {
            stats.trips++;
            add(await target.all());
            return opts?.columnNames ? target.raw({ columnNames: true }) : target.raw();
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
      if (prop === "prepare") return (query: string) => wrap(target.prepare(query));
      if (prop === "batch") {
        return async (stmts: D1PreparedStatement[]) => {
          stats.trips++;
          const results = await target.batch(stmts.map((s) => realOf.get(s) ?? s));
          for (const r of results) add(r);
          return results;
        };
      }
      const v = Reflect.get(target, prop);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

export function d1Stats(): MiddlewareHandler<HonoEnv> {
  return async function d1Stats(c, next) {
    if (String(c.env.BENCH_STATS) !== "1" || c.req.header("x-bench-stats") !== "1") return next();
    const stats: Stats = { trips: 0, rowsRead: 0 };
    c.env = { ...c.env, DB: countingD1(c.env.DB, stats) };
    await next();
    c.res.headers.set("x-d1-stats", `trips=${stats.trips}; rows_read=${stats.rowsRead}`);
  };
}
