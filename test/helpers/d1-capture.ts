// Records every D1 statement run in this isolate (the test and the Worker it calls share it), with
// its bound parameters and the rows D1 says it read, so a test sees whatever SQL the code runs
// without knowing which query module built it. Works under the D1 Sessions API too: the binding
// and its sessions build the same D1PreparedStatement class, and batches go through the session.
import { env } from "cloudflare:workers";

export type Captured = { sql: string; params: unknown[]; rowsRead: number | null; via: "all" | "first" | "run" | "raw" | "batch" };

type Stmt = { statement: string; params: unknown[] };
type Meta = { meta?: { rows_read?: number } };

let active: Captured[] | null = null;
let installed = false;

// The runtime's statement methods do not call one another, and the binding's batch() hands the
// statements to its always-primary session's batch(): patching the statement class and the
// session class sees each statement once, and concurrent statements of one request too.
function install(): void {
  if (installed) return;
  installed = true;
  const stmtProto = Object.getPrototypeOf(env.DB.prepare("SELECT 1")) as Record<string, (...a: unknown[]) => Promise<unknown>>;
  for (const method of ["all", "first", "run", "raw"] as const) {
    const original = stmtProto[method]!;
    stmtProto[method] = async function (this: Stmt, ...args: unknown[]) {
      const sink = active;
      const result = await original.apply(this, args);
      // first() and raw() carry no meta: their cost is unknown here.
      sink?.push({ sql: this.statement, params: [...(this.params ?? [])], rowsRead: method === "all" || method === "run" ? ((result as Meta)?.meta?.rows_read ?? null) : null, via: method });
      return result;
    };
  }
  const sessionProto = Object.getPrototypeOf(env.DB.withSession("first-unconstrained")) as Record<string, unknown>;
  const original = sessionProto.batch as (stmts: Stmt[]) => Promise<Meta[]>;
  sessionProto.batch = async function (this: unknown, stmts: Stmt[]) {
    const sink = active;
    const results = await original.call(this, stmts);
    stmts.forEach((s, i) => sink?.push({ sql: s.statement, params: [...(s.params ?? [])], rowsRead: results[i]?.meta?.rows_read ?? null, via: "batch" }));
    return results;
  };
}

/** Runs `work` and returns what it ran on D1 (statements finished while it ran). */
export async function capture<T>(work: () => Promise<T>): Promise<{ value: T; statements: Captured[] }> {
  install();
  if (active) throw new Error("capture() calls must not overlap");
  const statements: Captured[] = [];
  active = statements;
  try {
    const value = await work();
    return { value, statements };
  } finally {
    active = null;
  }
}

/** The query plan SQLite picks for a captured statement, one detail line per step. */
export async function planOf(s: Pick<Captured, "sql" | "params">): Promise<string[]> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${s.sql}`)
    .bind(...s.params)
    .all<{ detail: string }>();
  return results.map((r) => r.detail);
}

// Tables that grow with the department's size and history; reading one whole is O(data).
export const GROWING = ["reports", "report_events", "units", "users", "grant_units", "role_grants", "sessions", "portal_entries", "report_revisions", "attachments", "notifications"];

/** table names by the name a statement gives them (`FROM reports r`, `report_events "previous"`). */
export function aliasesOf(sql: string): Map<string, string> {
  const names = new Map<string, string>();
  const re = /\b(?:from|join)\s+[`"]?([a-z_][a-z0-9_]*)[`"]?(?:\s+(?:as\s+)?[`"]?([a-z_][a-z0-9_]*)[`"]?)?/gi;
  const keywords = new Set(["where", "on", "join", "left", "inner", "cross", "natural", "order", "group", "limit", "using", "set", "values", "select", "union", "and", "or", "outer"]);
  for (const m of sql.matchAll(re)) {
    const table = m[1]!.toLowerCase();
    names.set(table, table);
    const alias = m[2]?.toLowerCase();
    if (alias && !keywords.has(alias)) names.set(alias, table);
  }
  return names;
}

export const hasLimit = (sql: string) => /\blimit\s+(\?|\d+)/i.test(sql);
export const isRead = (sql: string) => /^\s*(select|with)\b/i.test(sql);

/**
 * What is wrong with a read's plan, if anything:
 * - a SCAN of a growing table with no index reads every row;
 * - a SCAN through an index is a walk in the index's order; with a LIMIT it stops after a page
 *   (the list is the index order), without one it reads the whole table too;
 * - a temporary B-tree for ORDER BY on a list sorts every matching row before the first is sent.
 */
export function planProblems(s: Pick<Captured, "sql">, plan: string[]): string[] {
  const names = aliasesOf(s.sql);
  const limited = hasLimit(s.sql);
  const problems: string[] = [];
  for (const line of plan) {
    const scan = /^SCAN (\S+)(.*)$/.exec(line);
    if (scan) {
      const table = names.get(scan[1]!.toLowerCase()) ?? scan[1]!.toLowerCase();
      if (!GROWING.includes(table)) continue;
      const viaIndex = /USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY/.test(scan[2]!);
      if (!viaIndex) problems.push(`full scan of ${table}: ${line}`);
      else if (!limited) problems.push(`index walk of ${table} without LIMIT: ${line}`);
    }
    if (limited && /USE TEMP B-TREE FOR ORDER BY/.test(line)) problems.push(`sorts before the first row: ${line}`);
  }
  return problems;
}
