// Benchmarks only: counts the D1 work a ReportFlow object does for its report, so that
// `npm run bench` can add it to the cost of the request that set it off (a submit or a decision
// answers before, or while, the object projects, notifies and publishes).
//
// Wiring in ReportFlow (src/flow/report-flow.ts):
//   constructor, right after super():  this.env = benchFlowEnv(env);
//   an RPC method:                     benchStats(cmd: FlowBenchCommand) { return benchFlowStats(this.env, cmd); }
//
// Without BENCH_STATS = "1" the env is returned untouched and benchStats answers null. With it,
// nothing is counted until the bench arms the object (GET /__bench/flow/<id>?op=arm, handled in
// src/middleware/d1-stats), so load runs pay only a property look-up per D1 call.
import { countingD1, type D1Stats, type FlowBenchCommand, type FlowBenchStats } from "../middleware/d1-stats";

export type { FlowBenchCommand, FlowBenchStats };

type Counter = { armed: boolean; stats: D1Stats };

// Keyed by the env object benchFlowEnv returned: one object per report, so one counter per report.
const counters = new WeakMap<object, Counter>();

export function benchFlowEnv<E extends { DB: D1Database; BENCH_STATS?: unknown }>(env: E): E {
  if (String(env.BENCH_STATS) !== "1") return env;
  const counter: Counter = { armed: false, stats: { trips: 0, rowsRead: 0 } };
  const counted = countingD1(env.DB, counter.stats);
  const DB = new Proxy(env.DB, {
    get(target, prop) {
      // Decided per call, so arming takes effect for the next statement prepared.
      const source = counter.armed ? counted : target;
      const v = Reflect.get(source, prop);
      return typeof v === "function" ? v.bind(source) : v;
    },
  });
  const wrapped = { ...env, DB };
  counters.set(wrapped, counter);
  return wrapped;
}

/** `arm`: reset and count from now on; `read`: the counts so far; `disarm`: stop counting. */
export function benchFlowStats(env: object, cmd: FlowBenchCommand): FlowBenchStats | null {
  const counter = counters.get(env);
  if (!counter) return null;
  if (cmd === "arm") {
    counter.stats.trips = 0;
    counter.stats.rowsRead = 0;
    counter.armed = true;
  } else if (cmd === "disarm") {
    counter.armed = false;
  }
  return { armed: counter.armed, ...counter.stats };
}
