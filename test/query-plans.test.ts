// Lists must walk an index in order, never sort or scan a whole growing table.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { database } from "../src/db/client";
import { actorForToken } from "../src/queries/sessions";
import { reportListQuery, type ReportFilter } from "../src/queries/reports";
import { tokenFor, USERS } from "./helpers/api";

async function planFor(who: keyof typeof USERS, f: ReportFilter): Promise<string> {
  const actor = await actorForToken(env.DB, await tokenFor(USERS[who]));
  const query = reportListQuery(database(env.DB), actor!, f);
  const { sql, params } = query!.toSQL();
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>();
  return results.map((r) => r.detail).join("\n");
}

describe("report list query plans", () => {
  it.each([
    ["quan6", {}],
    ["quan6", { status: "draft" }],
    ["specialist", {}],
    ["specialist", { unitId: "00000000-0000-7000-8000-000000000003" }],
    ["admin", { kind: "news" }],
    ["quan6", { after: ["2026-01-01T00:00:00.000Z", "zzz"] }],
  ] as const)("%s %j uses an index and no temporary sort", async (who, filter) => {
    const plan = await planFor(who, { limit: 20, ...filter } as ReportFilter);
    expect(plan).not.toMatch(/SCAN reports(?! USING)/);
    expect(plan).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
  });

  it("text search goes through the FTS index", async () => {
    const plan = await planFor("quan6", { limit: 20, q: "hội nghị" });
    expect(plan).toMatch(/VIRTUAL TABLE INDEX/);
  });
});

describe("inbox query plan", () => {
  it("walks report_scopes_inbox_idx (one covered subtree) in due order without a temporary sort", async () => {
    const { inbox } = await import("../src/queries/review");
    const actor = await actorForToken(env.DB, await tokenFor(USERS.specialist));
    let captured = "";
    let bound: unknown[] = [];
    const spy = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "prepare")
          return (q: string) => {
            captured = q;
            const stmt = target.prepare(q);
            return new Proxy(stmt, { get: (t, p) => (p === "bind" ? (...args: unknown[]) => ((bound = args), t.bind(...args)) : Reflect.get(t, p).bind?.(t) ?? Reflect.get(t, p)) });
          };
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    await inbox(spy, actor!, { limit: 20 });
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${captured}`).bind(...bound).all<{ detail: string }>();
    const plan = results.map((r) => r.detail).join("\n");
    expect(plan).toMatch(/SEARCH s USING COVERING INDEX report_scopes_inbox_idx \(unit_id=\? AND status=\? AND stage_role=\?/);
    expect(plan).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
    // The separation-of-duties check seeks by report, never through all of a reviewer's events.
    expect(plan).not.toMatch(/report_events_actor_idx/);
  });
});
