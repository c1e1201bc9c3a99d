import { DurableObject } from "cloudflare:workers";

// Bumped with every change to the DO's own SQLite schema; checked each time the object wakes.
export const FLOW_SCHEMA_VERSION = 1;

/**
 * One per report: the single writer of its review state. The state machine itself comes with the
 * review engine; this holds the storage schema it will stand on.
 */
export class ReportFlow extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => this.migrate());
  }

  private migrate(): void {
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    const row = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").toArray()[0];
    const current = row ? Number(row.value) : 0;
    if (current > FLOW_SCHEMA_VERSION) throw new Error(`ReportFlow storage is at schema ${current}, code knows ${FLOW_SCHEMA_VERSION}`);
    if (current < 1) {
      sql.exec(`CREATE TABLE IF NOT EXISTS events (
        seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL,
        projected INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL)`);
    }
    sql.exec("INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", String(FLOW_SCHEMA_VERSION));
  }

  schemaVersion(): number {
    const row = this.ctx.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").toArray()[0];
    return row ? Number(row.value) : 0;
  }
}
