// Password sign-in, shared by the API and the web page.
import { DUMMY_PASSWORD_HASH, verifyPassword } from "../domain/password";
import { countAttempt, settleSuccess, throttleKeys } from "../queries/login-throttle";
import { createSession } from "../queries/sessions";

export type SignIn = { ok: true; token: string; expiresAt: string; ttlHours: number } | { ok: false; reason: "locked"; retryAfter: number } | { ok: false; reason: "invalid" };

/**
 * The client's address for the per-client sign-in count. Only `CF-Connecting-IP` is trusted: on
 * Cloudflare it is set by the edge and a client cannot forge it; `X-Forwarded-For`, `X-Real-IP`
 * and the like are whatever the client sent. Without it (a request that did not come through the
 * edge, e.g. local tools) there is no address: every such client in one shared bucket would let
 * one of them lock out all the others, so only the account is counted then.
 */
export function trustedClientAddress(header: (name: string) => string | undefined): string | null {
  const ip = header("cf-connecting-ip")?.trim();
  return ip ? ip.slice(0, 64) : null;
}

export async function signIn(env: Env, input: { email: string; password: string; clientIp: string | null; userAgent: string | null }): Promise<SignIn> {
  const db = env.DB;
  const email = input.email.trim().toLowerCase();
  const keys = throttleKeys(email, input.clientIp);
  // Counted before the (slow) verification, so parallel attempts cannot all slip under the limit.
  const attempt = await countAttempt(db, keys);
  if (!attempt.allowed) return { ok: false, reason: "locked", retryAfter: attempt.retryAfter };
  const user = await db.prepare("SELECT id, password_hash, active FROM users WHERE email = ?").bind(email).first<{ id: string; password_hash: string; active: number }>();
  // Verify even when there is no such user, so timing does not tell whether the email exists.
  const ok = await verifyPassword(input.password, user?.password_hash ?? DUMMY_PASSWORD_HASH);
  if (!user || !ok || !user.active) return { ok: false, reason: "invalid" };
  await settleSuccess(db, keys, attempt.client);
  const ttlHours = Number(env.SESSION_TTL_HOURS) || 12;
  const session = await createSession(db, user.id, ttlHours, input.userAgent);
  return { ok: true, token: session.token, expiresAt: session.expiresAt, ttlHours };
}
