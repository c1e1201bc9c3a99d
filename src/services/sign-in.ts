// Password sign-in, shared by the API and the web page.
import { DUMMY_PASSWORD_HASH, verifyPassword } from "../domain/password";
import { clearAccount, lockedFor, recordFailure, throttleKeys } from "../queries/login-throttle";
import { createSession } from "../queries/sessions";

export type SignIn = { ok: true; token: string; expiresAt: string; ttlHours: number } | { ok: false; reason: "locked"; retryAfter: number } | { ok: false; reason: "invalid" };

export async function signIn(env: Env, input: { email: string; password: string; clientIp: string; userAgent: string | null }): Promise<SignIn> {
  const db = env.DB;
  const email = input.email.trim().toLowerCase();
  const keys = throttleKeys(email, input.clientIp);
  const wait = await lockedFor(db, keys);
  if (wait > 0) return { ok: false, reason: "locked", retryAfter: wait };
  const user = await db.prepare("SELECT id, password_hash, active FROM users WHERE email = ?").bind(email).first<{ id: string; password_hash: string; active: number }>();
  // Verify even when there is no such user, so timing does not tell whether the email exists.
  const ok = await verifyPassword(input.password, user?.password_hash ?? DUMMY_PASSWORD_HASH);
  if (!user || !ok || !user.active) {
    await recordFailure(db, keys);
    return { ok: false, reason: "invalid" };
  }
  await clearAccount(db, keys);
  const ttlHours = Number(env.SESSION_TTL_HOURS) || 12;
  const session = await createSession(db, user.id, ttlHours, input.userAgent);
  return { ok: true, token: session.token, expiresAt: session.expiresAt, ttlHours };
}
