// CPU used so far by every thread of every workerd process on this machine, from /proc (Linux):
// the local runtime's threads, for the scripts that price a request in CPU (bench:writes, bench:costs).
import { readdirSync, readFileSync } from "node:fs";

/**
 * { "<pid>/<thread name>:<tid>": { user, sys } } in CPU seconds. A thread or process gone while
 * it is read is left out.
 */
export function workerdThreadCpu() {
  const out = {};
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (!/workerd/.test(stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")))) continue;
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const t = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        const name = t.slice(t.indexOf("(") + 1, t.lastIndexOf(")"));
        const f = t.slice(t.lastIndexOf(")") + 2).split(" ");
        out[`${pid}/${name}:${tid}`] = { user: Number(f[11]) / 100, sys: Number(f[12]) / 100 };
      }
    } catch {}
  }
  return out;
}
