import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { ApiError } from "../../errors";
import type { HonoEnv } from "../../env";
import { actorForToken } from "../../queries/sessions";
import { onPrimary } from "../d1-session";

import { SESSION_COOKIE } from "./cookie";

export { SESSION_COOKIE };

/** The session token from `Authorization: Bearer` or the session cookie. */
export function sessionToken(c: Parameters<MiddlewareHandler<HonoEnv>>[0]): string | null {
  const header = c.req.header("authorization");
  if (header) {
    const m = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/.exec(header.trim());
    return m?.[1] ?? null;
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  return cookie && /^[A-Za-z0-9_-]{20,200}$/.test(cookie) ? cookie : null;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A cookie rides along on cross-site requests; a bearer header does not. So a state-changing
 * request authenticated by cookie must come from our own origin (SameSite=Lax is the first line).
 */
export function crossSiteCookieWrite(c: Context): boolean {
  if (SAFE_METHODS.has(c.req.method) || c.req.header("authorization")) return false;
  const origin = c.req.header("origin");
  if (origin) return origin !== new URL(c.req.url).origin;
  const site = c.req.header("sec-fetch-site");
  return site !== undefined && site !== "same-origin" && site !== "none";
}

/** Requires a live session; sets `actor`. */
export function requireSession(): MiddlewareHandler<HonoEnv> {
  return async function requireSession(c, next) {
    const token = sessionToken(c);
    const actor = token ? await onPrimary(c, c.env.DB, (db) => actorForToken(db, token)) : null;
    if (!actor) throw new ApiError("unauthenticated", { headers: { "www-authenticate": 'Bearer realm="sogd"' } });
    if (crossSiteCookieWrite(c)) throw new ApiError("forbidden", { detail: "Yêu cầu từ trang khác bị từ chối (CSRF)" });
    c.set("actor", actor);
    await next();
  };
}
