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

type SessionRow = { id: string; email: string; name: string; unit_id: string; unit_path: string; unit_name: string; role: Role | null; coverage: string | null };

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
 * The actor behind a live session, or null: one statement reading the session, the user, their
 * unit and one row per grant. Each grant's coverage is precomputed (role_grants.coverage, kept by
 * triggers), so the cost does not grow with the units a grant covers. A deactivated user, an
 * expired or a revoked session, a revoked grant take effect on the next request.
 */
export async function actorForToken(db: D1Database, token: string): Promise<Actor | null> {
  const tokenHash = await hashToken(token);
  const { results } = await db
    .prepare(
      `SELECT u.id, u.email, u.name, u.unit_id, un.path AS unit_path, un.name AS unit_name, g.role, g.coverage
       FROM sessions s JOIN users u ON u.id = s.user_id JOIN units un ON un.id = u.unit_id
       LEFT JOIN role_grants g ON g.user_id = u.id
       WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND u.active = 1`,
    )
    .bind(tokenHash, nowIso())
    .all<SessionRow>();
  const user = results[0];
  if (!user) return null;
  const grants: Grant[] = [];
  for (const row of results) {
    if (!row.role) continue;
    const granted = grantedPaths(row.coverage);
    grants.push({ role: row.role, unitIds: granted.map(unitOfPath), paths: outermostPaths(granted) });
  }
  return { id: user.id, email: user.email, name: user.name, unitId: user.unit_id, unitPath: user.unit_path, unitName: user.unit_name, grants, sessionTokenHash: tokenHash };
}
