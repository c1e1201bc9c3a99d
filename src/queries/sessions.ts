// Sessions: opaque random tokens; only their SHA-256 is stored.
import type { Role } from "../db/schema";
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

type SessionRow = { id: string; email: string; name: string; unit_id: string };
type GrantRow = { grant_id: string; role: Role; unit_id: string | null };

/**
 * The actor behind a live session, or null: one round trip for the user and their grants, with
 * each grant's covered units expanded to their descendants (units.path is a materialised path).
 * A deactivated user, an expired or a revoked session resolve to null at once.
 */
export async function actorForToken(db: D1Database, token: string): Promise<Actor | null> {
  const tokenHash = await hashToken(token);
  const now = nowIso();
  const [sessionRes, grantRes] = await db.batch([
    db
      .prepare(
        `SELECT u.id, u.email, u.name, u.unit_id FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND u.active = 1`,
      )
      .bind(tokenHash, now),
    db
      .prepare(
        `SELECT g.id AS grant_id, g.role, d.id AS unit_id FROM role_grants g
         LEFT JOIN grant_units gu ON gu.grant_id = g.id
         LEFT JOIN units cu ON cu.id = gu.unit_id
         LEFT JOIN units d ON d.path >= cu.path AND d.path < cu.path || '~'
         WHERE g.user_id = (SELECT user_id FROM sessions WHERE token_hash = ?)`,
      )
      .bind(tokenHash),
  ]);
  const user = (sessionRes?.results as SessionRow[] | undefined)?.[0];
  if (!user) return null;
  const grants = new Map<string, Grant>();
  for (const row of (grantRes?.results ?? []) as GrantRow[]) {
    const grant = grants.get(row.grant_id) ?? { role: row.role, unitIds: [] };
    if (row.unit_id && !grant.unitIds.includes(row.unit_id)) grant.unitIds.push(row.unit_id);
    grants.set(row.grant_id, grant);
  }
  return { id: user.id, email: user.email, name: user.name, unitId: user.unit_id, grants: [...grants.values()], sessionTokenHash: tokenHash };
}

