import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { CURRENT_SCHEMA, FLOW_SCHEMA_VERSION, migrate, stepwiseFromScratch } from "../src/flow/schema";
import { describe, expect, it } from "vitest";
import { call, json, tokenFor, USERS } from "./helpers/api";

describe("OpenAPI document and reference page", () => {
  it("serves an OpenAPI 3.1 document generated from the route schemas", async () => {
    const res = await call("/api/v1/openapi.json");
    expect(res.status).toBe(200);
    const doc = await json(res);
    expect(doc.openapi).toBe("3.1.0");
    for (const path of ["/api/v1/auth/login", "/api/v1/me", "/api/v1/reports", "/api/v1/reports/{id}", "/api/v1/reports/{id}/attachments", "/api/v1/units", "/api/v1/users", "/api/v1/users/{id}/grants"]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.components.schemas.Problem).toBeDefined();
    expect(doc.components.schemas.CreateReport.properties.kind.enum).toEqual(["news", "event", "periodic"]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("the reference page loads its assets from this Worker, not a CDN", async () => {
    const res = await call("/api/v1/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    const srcs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(srcs.length).toBeGreaterThanOrEqual(2);
    for (const src of srcs) expect(src).toMatch(/^\/api\/v1\/docs\/assets\//);
    for (const src of srcs) {
      const asset = await call(src);
      expect(asset.status, src).toBe(200);
      expect((await asset.text()).length, src).toBeGreaterThan(src.endsWith("init.js") ? 20 : 1000);
    }
    // No inline script: the page runs under the same CSP as every other page.
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
  });
});

describe("bindings declared for the later stages", () => {
  it("the ReportFlow Durable Object wakes with its versioned SQLite schema", async () => {
    const stub = env.REPORT_FLOW.get(env.REPORT_FLOW.idFromName("report-x"));
    expect(await stub.schemaVersion()).toBe(FLOW_SCHEMA_VERSION);
  });

  it("an object stored under an older schema is brought up to date on waking, keeping its data", async () => {
    const stub = env.REPORT_FLOW.get(env.REPORT_FLOW.idFromName("report-old-schema"));
    await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      // As version 1 left it: no issues table, no actor names on events yet, one piece of work pending.
      sql.exec("DROP TABLE issues");
      sql.exec("ALTER TABLE events DROP COLUMN actor_name");
      for (const column of ["on_behalf_of_id", "on_behalf_of_name", "on_behalf_of_role", "post_assignee_id", "post_assignee_name"]) sql.exec(`ALTER TABLE events DROP COLUMN ${column}`);
      for (const column of ["assignee_id", "assignee_name"]) sql.exec(`ALTER TABLE flow DROP COLUMN ${column}`);
      sql.exec("UPDATE meta SET value = '1' WHERE key = 'schema_version'");
      sql.exec("INSERT INTO work (id, kind, due_at, payload) VALUES ('project', 'project', '2026-01-01T00:00:00Z', '{}')");
      migrate(sql);
      expect(sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").one().value).toBe(String(FLOW_SCHEMA_VERSION));
      expect(sql.exec("SELECT count(*) AS n FROM issues").one().n).toBe(0);
      expect(sql.exec("SELECT count(*) AS n FROM work").one().n).toBe(1);
      const events = sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('events')").toArray().map((c) => c.name);
      expect(events).toEqual(expect.arrayContaining(["actor_name", "on_behalf_of_id", "post_assignee_id"]));
      expect(sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('flow')").toArray().map((c) => c.name)).toContain("assignee_id");
    });
  });

  it("a new object's schema, written out, is the one the migrations build step by step", async () => {
    const shape = (sql: SqlStorage) => {
      const tables = sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('meta', '_cf_KV', '_cf_METADATA') ORDER BY name").toArray();
      return tables.map(({ name }) => ({
        name,
        columns: sql.exec(`SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info('${name}')`).toArray(),
        indexes: sql
          .exec<{ name: string; unique: number }>(`SELECT name, "unique" FROM pragma_index_list('${name}') ORDER BY name`)
          .toArray()
          .map((i) => ({ ...i, columns: sql.exec(`SELECT name FROM pragma_index_info('${i.name}')`).toArray().map((c) => c.name) })),
      }));
    };
    const fresh = env.REPORT_FLOW.get(env.REPORT_FLOW.idFromName("report-fresh-schema"));
    const stepwise = env.REPORT_FLOW.get(env.REPORT_FLOW.idFromName("report-stepwise-schema"));
    const written = await runInDurableObject(fresh, (_i, state) => shape(state.storage.sql));
    const replayed = await runInDurableObject(stepwise, (_i, state) => {
      const sql = state.storage.sql;
      for (const { name } of sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('flow', 'events', 'revisions', 'work', 'issues')").toArray()) sql.exec(`DROP TABLE ${name}`);
      for (const stmt of stepwiseFromScratch()) sql.exec(stmt);
      return shape(sql);
    });
    expect(written.map((t) => t.name)).toEqual(["events", "flow", "issues", "revisions", "work"]);
    // What pragma_table_info does not show: the one-row check and the event log's AUTOINCREMENT.
    const tableSql = (stub: typeof fresh) =>
      runInDurableObject(stub, (_i, state) => Object.fromEntries(state.storage.sql.exec<{ name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE name IN ('flow', 'events', 'issues')").toArray().map((r) => [r.name, r.sql])));
    for (const tables of [await tableSql(fresh), await tableSql(stepwise)]) {
      expect(tables.flow).toMatch(/CHECK \(id = 1\)/);
      expect(tables.events).toMatch(/seq INTEGER PRIMARY KEY AUTOINCREMENT/);
      expect(tables.issues).toMatch(/id INTEGER PRIMARY KEY AUTOINCREMENT/);
    }
    expect(written).toEqual(replayed);
    expect(CURRENT_SCHEMA.length).toBeLessThan(stepwiseFromScratch().length);
  });

  it("an object stored by newer code refuses to run on older code", async () => {
    const stub = env.REPORT_FLOW.get(env.REPORT_FLOW.idFromName("report-new-schema"));
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec("UPDATE meta SET value = ? WHERE key = 'schema_version'", String(FLOW_SCHEMA_VERSION + 1));
      expect(() => migrate(state.storage.sql)).toThrow(/schema/);
      state.storage.sql.exec("UPDATE meta SET value = ? WHERE key = 'schema_version'", String(FLOW_SCHEMA_VERSION));
    });
  });

  it("R2, the queue and the workflow binding are present", async () => {
    await env.BUCKET.put("uploads/probe", "x");
    expect(await (await env.BUCKET.get("uploads/probe"))?.text()).toBe("x");
    expect(typeof env.NOTIFICATIONS.send).toBe("function");
    expect(typeof env.PUBLISH.create).toBe("function");
  });

  it("GET /api/v1/workflows answers the signed-in with the definitions", async () => {
    const res = await call("/api/v1/workflows", { token: await tokenFor(USERS.quan6) });
    expect(res.status).toBe(200);
    expect((await json(res)).items.map((d: { kind: string }) => d.kind)).toEqual(["news", "event", "periodic"]);
  });
});
