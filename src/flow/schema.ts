// ReportFlow's SQLite schema, versioned: checked each time the object wakes, brought up to date
// by the migrations below, or written out whole for a new object.
// Bumped with every change below.
export const FLOW_SCHEMA_VERSION = 4;

const MIGRATIONS: Record<number, string[]> = {
  1: [
    `CREATE TABLE flow (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      report_id TEXT NOT NULL, kind TEXT NOT NULL, unit_id TEXT NOT NULL, author_id TEXT NOT NULL,
      status TEXT NOT NULL, stage_index INTEGER, returned_at_index INTEGER,
      revision INTEGER NOT NULL, version INTEGER NOT NULL, stage_due_at TEXT, definition TEXT)`,
    `CREATE TABLE events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
      action TEXT NOT NULL, actor_id TEXT, actor_role TEXT, stage TEXT,
      from_status TEXT NOT NULL, to_status TEXT NOT NULL, revision INTEGER NOT NULL, comment TEXT,
      created_at TEXT NOT NULL,
      -- the report row as this event leaves it, so projecting the event needs nothing else
      post_stage TEXT, post_stage_role TEXT, post_due_at TEXT, post_version INTEGER NOT NULL,
      projected INTEGER NOT NULL DEFAULT 0)`,
    `CREATE INDEX events_pending ON events (projected, seq)`,
    `CREATE TABLE revisions (
      number INTEGER PRIMARY KEY, content TEXT NOT NULL, content_hash TEXT NOT NULL,
      created_by TEXT NOT NULL, created_at TEXT NOT NULL)`,
    `CREATE TABLE work (
      id TEXT PRIMARY KEY, kind TEXT NOT NULL, due_at TEXT NOT NULL, payload TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT)`,
    `CREATE INDEX work_due ON work (due_at)`,
  ],
  // Failures met on the way (a D1 projection, a notification, a publication step), kept so people
  // can see what was retried even after it converged.
  2: [
    `CREATE TABLE issues (
      id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL)`,
  ],
  // The actor's name as it was at the time: the audit trail does not change when a user is renamed.
  3: [`ALTER TABLE events ADD COLUMN actor_name TEXT`],
  // Assignment within a stage and decisions under a delegation (DESIGN.md section 13).
  4: [
    `ALTER TABLE flow ADD COLUMN assignee_id TEXT`,
    `ALTER TABLE flow ADD COLUMN assignee_name TEXT`,
    `ALTER TABLE events ADD COLUMN on_behalf_of_id TEXT`,
    `ALTER TABLE events ADD COLUMN on_behalf_of_name TEXT`,
    `ALTER TABLE events ADD COLUMN on_behalf_of_role TEXT`,
    `ALTER TABLE events ADD COLUMN post_assignee_id TEXT`,
    `ALTER TABLE events ADD COLUMN post_assignee_name TEXT`,
  ],
};

/**
 * What MIGRATIONS 1 to FLOW_SCHEMA_VERSION leave, written out: a new object (every report's first
 * submit) is created with it in seven statements rather than replaying fifteen, eight of them ALTER
 * TABLEs that each rewrite the schema. Columns in the order the ALTERs appended them;
 * test/platform.test.ts checks that both ways give the same tables and indexes.
 */
export const CURRENT_SCHEMA: string[] = [
  `CREATE TABLE flow (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    report_id TEXT NOT NULL, kind TEXT NOT NULL, unit_id TEXT NOT NULL, author_id TEXT NOT NULL,
    status TEXT NOT NULL, stage_index INTEGER, returned_at_index INTEGER,
    revision INTEGER NOT NULL, version INTEGER NOT NULL, stage_due_at TEXT, definition TEXT,
    assignee_id TEXT, assignee_name TEXT)`,
  `CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
    action TEXT NOT NULL, actor_id TEXT, actor_role TEXT, stage TEXT,
    from_status TEXT NOT NULL, to_status TEXT NOT NULL, revision INTEGER NOT NULL, comment TEXT,
    created_at TEXT NOT NULL,
    post_stage TEXT, post_stage_role TEXT, post_due_at TEXT, post_version INTEGER NOT NULL,
    projected INTEGER NOT NULL DEFAULT 0,
    actor_name TEXT, on_behalf_of_id TEXT, on_behalf_of_name TEXT, on_behalf_of_role TEXT,
    post_assignee_id TEXT, post_assignee_name TEXT)`,
  `CREATE INDEX events_pending ON events (projected, seq)`,
  `CREATE TABLE revisions (
    number INTEGER PRIMARY KEY, content TEXT NOT NULL, content_hash TEXT NOT NULL,
    created_by TEXT NOT NULL, created_at TEXT NOT NULL)`,
  `CREATE TABLE work (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, due_at TEXT NOT NULL, payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT)`,
  `CREATE INDEX work_due ON work (due_at)`,
  `CREATE TABLE issues (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL)`,
];

/** The statements that bring storage at `from` (0: nothing yet) to FLOW_SCHEMA_VERSION. */
export function migrationsFrom(from: number): string[] {
  if (from === 0) return CURRENT_SCHEMA;
  const out: string[] = [];
  for (let v = from + 1; v <= FLOW_SCHEMA_VERSION; v++) out.push(...(MIGRATIONS[v] ?? []));
  return out;
}

/** Every version's statements in turn, from nothing: what an object made by older code went through. */
export const stepwiseFromScratch = (): string[] => Array.from({ length: FLOW_SCHEMA_VERSION }, (_, i) => MIGRATIONS[i + 1] ?? []).flat();

export function migrate(sql: SqlStorage): void {
  sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  const row = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").toArray()[0];
  const current = row ? Number(row.value) : 0;
  if (current > FLOW_SCHEMA_VERSION) throw new Error(`ReportFlow storage is at schema ${current}; this code knows ${FLOW_SCHEMA_VERSION}`);
  if (current === FLOW_SCHEMA_VERSION) return;
  for (const stmt of migrationsFrom(current)) sql.exec(stmt);
  sql.exec(
    "INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    String(FLOW_SCHEMA_VERSION),
  );
}

export function schemaVersion(sql: SqlStorage): number {
  const row = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").toArray()[0];
  return row ? Number(row.value) : 0;
}

