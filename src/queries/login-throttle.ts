// Temporary lock-outs after repeated sign-in attempts, per account and per client address.
//
// Every attempt is counted BEFORE its password is verified, in one D1 batch (a transaction), so
// parallel attempts cannot all pass a check that none of them has yet recorded: the first
// `accountLimit` (or `clientLimit`) attempts in a window are verified, every later one is refused
// without verifying and locks the key. A successful sign-in then clears the account's count and
// gives the client back the attempt it used, so sign-ins that succeed never lock an address.

export const THROTTLE = {
  windowMinutes: 15,
  lockMinutes: 15,
  accountLimit: 5,
  clientLimit: 20,
} as const;

/** `client` is null when the request carries no trusted client address: then only the account counts. */
export type ThrottleKeys = { account: string; client: string | null };

export const throttleKeys = (email: string, clientIp: string | null): ThrottleKeys => ({
  account: `account:${email}`,
  client: clientIp ? `client:${clientIp}` : null,
});

/** What counting one attempt gave: go ahead and verify, or refused for this many seconds. */
export type Attempt =
  | { allowed: true; client: { key: string; windowStart: string } | null }
  | { allowed: false; retryAfter: number };

type Row = { key: string; failures: number; window_start: string; locked_until: string | null };

// Over one row's columns (?2 now, ?3 window cutoff, ?5 this key's limit). A lock that has run out,
// or a window older than the cutoff, starts the count afresh.
const LOCKED = "locked_until > ?2";
const FRESH = "(window_start <= ?3 OR locked_until <= ?2)";
const NEXT = `(CASE WHEN ${FRESH} THEN 1 ELSE failures + 1 END)`;
/** This attempt is refused because of this row: it is locked, or the attempt would pass the limit. */
const OVER = `(${LOCKED} OR ${NEXT} > ?5)`;

/**
 * Counts one attempt against a key unless the attempt is refused because of the other key
 * (`otherRefuses`, SQL over ?6/?7), in which case this key is left alone. When this key itself
 * refuses, it is locked until ?4 (an existing lock is kept as it is). RETURNING gives the row.
 */
const countStatement = (otherRefuses: string) => `
  INSERT INTO login_throttle (key, failures, window_start, locked_until)
  SELECT ?1, 1, ?2, CASE WHEN 1 > ?5 THEN ?4 END
  WHERE NOT (${otherRefuses}) OR EXISTS (SELECT 1 FROM login_throttle WHERE key = ?1 AND ${OVER})
  ON CONFLICT (key) DO UPDATE SET
    failures = CASE WHEN ${LOCKED} THEN failures ELSE ${NEXT} END,
    window_start = CASE WHEN ${LOCKED} THEN window_start WHEN ${FRESH} THEN ?2 ELSE window_start END,
    locked_until = CASE WHEN ${LOCKED} THEN locked_until WHEN ${NEXT} > ?5 THEN ?4 ELSE NULL END
  RETURNING key, failures, window_start, locked_until`;

// The account is counted first: it is left alone when the client (as it stands) refuses the attempt.
const ACCOUNT_WITH_CLIENT = countStatement(
  `EXISTS (SELECT 1 FROM login_throttle WHERE key = ?6 AND (locked_until > ?2 OR (CASE WHEN window_start <= ?3 OR locked_until <= ?2 THEN 1 ELSE failures + 1 END) > ?7))`,
);
const ACCOUNT_ALONE = countStatement("0");
// Then the client, in the same transaction: the account refused this attempt exactly when it is
// now locked (the statement above either counted it below its limit or locked it).
const CLIENT = countStatement("EXISTS (SELECT 1 FROM login_throttle WHERE key = ?6 AND locked_until > ?2)");

/**
 * Counts one sign-in attempt against the account (and the client, when known), atomically and
 * before any password is verified. Refused when either key is locked or has reached its limit.
 */
export async function countAttempt(db: D1Database, keys: ThrottleKeys, at = new Date()): Promise<Attempt> {
  const now = at.toISOString();
  const cutoff = new Date(at.getTime() - THROTTLE.windowMinutes * 60_000).toISOString();
  const lockUntil = new Date(at.getTime() + THROTTLE.lockMinutes * 60_000).toISOString();
  const statements = keys.client
    ? [
        db.prepare(ACCOUNT_WITH_CLIENT).bind(keys.account, now, cutoff, lockUntil, THROTTLE.accountLimit, keys.client, THROTTLE.clientLimit),
        db.prepare(CLIENT).bind(keys.client, now, cutoff, lockUntil, THROTTLE.clientLimit, keys.account),
      ]
    : [db.prepare(ACCOUNT_ALONE).bind(keys.account, now, cutoff, lockUntil, THROTTLE.accountLimit)];
  const results = await db.batch<Row>(statements);
  const rows = results.flatMap((r) => r.results);
  const lockedUntil = Math.max(0, ...rows.filter((r) => r.locked_until && r.locked_until > now).map((r) => Date.parse(r.locked_until!)));
  if (lockedUntil > 0) return { allowed: false, retryAfter: Math.max(1, Math.ceil((lockedUntil - at.getTime()) / 1000)) };
  const client = keys.client ? rows.find((r) => r.key === keys.client) : undefined;
  return { allowed: true, client: client ? { key: client.key, windowStart: client.window_start } : null };
}

/**
 * After a successful sign-in: the account's count is cleared (a lock that later, parallel attempts
 * have set since stays), and the client gets back the attempt this sign-in used, if it was counted
 * in the window that is still running.
 */
export async function settleSuccess(db: D1Database, keys: ThrottleKeys, client: { key: string; windowStart: string } | null): Promise<void> {
  const now = new Date().toISOString();
  const statements = [db.prepare("DELETE FROM login_throttle WHERE key = ? AND (locked_until IS NULL OR locked_until <= ?)").bind(keys.account, now)];
  if (client) {
    statements.push(
      db.prepare("UPDATE login_throttle SET failures = failures - 1 WHERE key = ? AND window_start = ? AND failures > 0").bind(client.key, client.windowStart),
    );
  }
  await db.batch(statements);
}
