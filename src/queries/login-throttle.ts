// Temporary lock-outs after repeated failed sign-ins, per account and per client address.
import { nowIso } from "../domain/ids";

export const THROTTLE = {
  windowMinutes: 15,
  lockMinutes: 15,
  accountLimit: 5,
  clientLimit: 20,
} as const;

export type ThrottleKeys = { account: string; client: string };

export const throttleKeys = (email: string, clientIp: string): ThrottleKeys => ({
  account: `account:${email}`,
  client: `client:${clientIp}`,
});

/** Seconds until the later lock on either key ends, or 0 when neither is locked. */
export async function lockedFor(db: D1Database, keys: ThrottleKeys): Promise<number> {
  const { results } = await db
    .prepare("SELECT locked_until FROM login_throttle WHERE key IN (?, ?) AND locked_until > ?")
    .bind(keys.account, keys.client, nowIso())
    .all<{ locked_until: string }>();
  const until = Math.max(0, ...results.map((r) => Date.parse(r.locked_until)));
  return until ? Math.ceil((until - Date.now()) / 1000) : 0;
}

/** Counts one failure against both keys; a key that reaches its limit in the window is locked. */
export async function recordFailure(db: D1Database, keys: ThrottleKeys): Promise<void> {
  const now = new Date();
  const cutoff = new Date(now.getTime() - THROTTLE.windowMinutes * 60_000).toISOString();
  const lockUntil = new Date(now.getTime() + THROTTLE.lockMinutes * 60_000).toISOString();
  const upsert = `INSERT INTO login_throttle (key, failures, window_start, locked_until) VALUES (?1, 1, ?2, CASE WHEN ?5 <= 1 THEN ?4 END)
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN window_start < ?3 THEN 1 ELSE failures + 1 END,
      window_start = CASE WHEN window_start < ?3 THEN ?2 ELSE window_start END,
      locked_until = CASE WHEN (CASE WHEN window_start < ?3 THEN 1 ELSE failures + 1 END) >= ?5 THEN ?4 ELSE locked_until END`;
  const stmt = db.prepare(upsert);
  await db.batch([
    stmt.bind(keys.account, now.toISOString(), cutoff, lockUntil, THROTTLE.accountLimit),
    stmt.bind(keys.client, now.toISOString(), cutoff, lockUntil, THROTTLE.clientLimit),
  ]);
}

/** A successful sign-in clears the account's count (the client's stays: it may be guessing others). */
export async function clearAccount(db: D1Database, keys: ThrottleKeys): Promise<void> {
  await db.prepare("DELETE FROM login_throttle WHERE key = ?").bind(keys.account).run();
}
