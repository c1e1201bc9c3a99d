// Sessions: opaque random tokens; only their SHA-256 is stored.
import type { Role } from "../db/schema";
import { unitOfPath } from "../domain/policy";
import { nowIso, sha256Hex } from "../domain/ids";
import type { Actor, Grant } from "../env";

export function newSessionToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export const hashToken = (token: string) => sha256Hex(token);

export async function createSession(
  db: D1Database,
  userId: string,
  ttlHours: number,
  userAgent: string | null,
): Promise<{ token: string; expiresAt: string }> {
  const token = newSessionToken();
  const expiresAt = new Date(Date.now() + ttlHours * 3600_000).toISOString();
  await db
    .prepare("INSERT INTO sessions (token_hash, user_id, created_at, expires_at, user_agent) VALUES (?, ?, ?, ?, ?)")
    .bind(await hashToken(token), userId, nowIso(), expiresAt, userAgent?.slice(0, 200) ?? null)
    .run();
  return { token, expiresAt };
}

export async function revokeSession(db: D1Database, tokenHash: string): Promise<void> {
  await db.prepare("UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL").bind(nowIso(), tokenHash).run();
}

type SessionRow = {
  id: string;
  email: string;
  name: string;
  unit_id: string;
  unit_path: string;
  unit_name: string;
  /** On the user's row: users.grants, JSON [[role, coverage], ...]. */
  grants: string | null;
  // Set on a row that is a delegator's grant, held for now by the caller (a running delegation).
  role: Role | null;
  coverage: string | null;
  d_id: string | null;
  d_kind: "delegation" | "absence" | null;
  d_starts_at: string | null;
  d_ends_at: string | null;
  d_user_id: string | null;
  d_user_name: string | null;
  d_unit_id: string | null;
  d_unit_path: string | null;
};

/** users.grants: [[role, coverage], ...]; anything else (never written by the triggers) is none. */
function ownGrants(json: string | null): [Role, string | null][] {
  try {
    const parsed: unknown = JSON.parse(json ?? "[]");
    return Array.isArray(parsed) ? parsed.filter((g): g is [Role, string | null] => Array.isArray(g) && typeof g[0] === "string") : [];
  } catch {
    return [];
  }
}

/** A grant's stored coverage: a JSON array of the granted units' paths. */
function grantedPaths(coverage: string | null): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(coverage ?? "[]");
  } catch {
    return [];
  }
  return (Array.isArray(parsed) ? parsed : []).filter((p): p is string => typeof p === "string" && p.startsWith("/") && p.endsWith("/")).sort();
}

/** The subtrees to test against, none inside another (a grant of the root and a school is the root). */
export function outermostPaths(paths: readonly string[]): string[] {
  const sorted = [...paths].sort();
  return sorted.filter((p, i) => !sorted.slice(0, i).some((outer) => p.startsWith(outer)));
}


/**
 * The actor behind a live session, or null: one statement reading the session, the user (their
 * grants are the row's copy, users.grants) and their unit, then one row per delegation running
 * now that they received (the delegator's grant of that role, DESIGN.md section 13). Each grant's
 * coverage is precomputed (role_grants.coverage, kept by triggers), so the cost does not grow with
 * the units a grant covers. A deactivated user, an expired or a revoked session, a revoked grant,
 * an ended delegation or a deactivated delegator take effect on the next request.
 */
export async function actorForToken(db: D1Database, token: string): Promise<Actor | null> {
  const tokenHash = await hashToken(token);
  const { results } = await db
    .prepare(
      // The signed-in user once, as a view both arms join (NOT MATERIALIZED: each arm seeks the
      // session by its token itself; a materialized copy would make SQLite find the running
      // delegations by their end alone, every delegation still running). The user's own grants
      // are their row's copy (users.grants), so the first arm reads the session, the user and the
      // unit, and nothing per grant.
      `WITH me AS NOT MATERIALIZED (
         SELECT u.id, u.email, u.name, u.unit_id, un.path AS unit_path, un.name AS unit_name, u.grants
         FROM sessions s JOIN users u ON u.id = s.user_id JOIN units un ON un.id = u.unit_id
         WHERE s.token_hash = ?1 AND s.revoked_at IS NULL AND s.expires_at > ?2 AND u.active = 1)
       SELECT me.id, me.email, me.name, me.unit_id, me.unit_path, me.unit_name, me.grants, NULL AS role, NULL AS coverage,
         NULL AS d_id, NULL AS d_kind, NULL AS d_starts_at, NULL AS d_ends_at, NULL AS d_user_id, NULL AS d_user_name, NULL AS d_unit_id, NULL AS d_unit_path
       FROM me
       UNION ALL
       SELECT me.id, NULL, NULL, NULL, NULL, NULL, NULL, g.role, g.coverage,
         d.id, d.kind, d.starts_at, d.ends_at, f.id, f.name, f.unit_id, fu.path
       FROM me JOIN delegations d ON d.to_user_id = me.id AND d.ends_at > ?2
         JOIN users f ON f.id = d.from_user_id JOIN units fu ON fu.id = f.unit_id
         JOIN role_grants g ON g.user_id = f.id AND g.role = d.role
       WHERE d.starts_at <= ?2 AND d.ended_at IS NULL AND f.active = 1`,
    )
    .bind(tokenHash, nowIso())
    .all<SessionRow>();
  // Only the first arm's rows carry the user; without them (no live session, or an inactive user)
  // the delegations are nothing.
  const user = results.find((r) => r.d_id === null);
  if (!user) return null;
  const grantOf = (role: Role, coverage: string | null): Grant => {
    const granted = grantedPaths(coverage);
    return { role, unitIds: granted.map(unitOfPath), paths: outermostPaths(granted) };
  };
  const grants: Grant[] = ownGrants(user.grants).map(([role, coverage]) => grantOf(role, coverage));
  for (const row of results) {
    if (!row.role || row.d_id === null) continue;
    grants.push({
      ...grantOf(row.role, row.coverage),
      delegatedBy: {
        delegationId: row.d_id,
        userId: row.d_user_id!,
        name: row.d_user_name!,
        unitId: row.d_unit_id!,
        unitPath: row.d_unit_path!,
        kind: row.d_kind!,
        startsAt: row.d_starts_at!,
        endsAt: row.d_ends_at!,
      },
    });
  }
  return { id: user.id, email: user.email, name: user.name, unitId: user.unit_id, unitPath: user.unit_path, unitName: user.unit_name, grants, sessionTokenHash: tokenHash };
}
