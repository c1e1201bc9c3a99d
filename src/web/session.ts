// Sign-in state for the web pages: the same session cookie as the API; an expired or missing
// session leads to the sign-in page and back to where the user was. Forms carry a CSRF token
// derived from the session, checked on every POST.
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { sha256Hex } from "../domain/ids";
import type { HonoEnv } from "../env";
import { crossSiteCookieWrite, SESSION_COOKIE } from "../middleware/auth";
import { onPrimary } from "../middleware/d1-session";
import { actorForToken } from "../queries/sessions";
import { readForm, type FormBody } from "./forms";

export const csrfTokenFor = (sessionTokenHash: string) => sha256Hex(`csrf|${sessionTokenHash}`);

/** Only our own pages are places to come back to after signing in. */
export function safeNext(next: string | undefined | null): string {
  return next && next.length <= 1000 && /^\/app(\/[\w\-/?=&%.]*)?$/.test(next) && !next.startsWith("//") ? next : "/app";
}

/** The page a form was posted from, when the Referer names one of ours (it may be relative, or anything at all). */
function refererPath(c: Context, url: URL): string {
  const referer = c.req.header("referer");
  if (!referer) return "/app";
  try {
    const from = new URL(referer, url);
    return from.origin === url.origin ? from.pathname : "/app";
  } catch {
    return "/app";
  }
}

export function loginRedirect(c: Context): Response {
  const url = new URL(c.req.url);
  const next = c.req.method === "GET" ? `${url.pathname}${url.search}` : refererPath(c, url);
  return c.redirect(`/app/login?next=${encodeURIComponent(safeNext(next))}`, 303);
}

/** Sets `actor` and a CSRF token for the page, or sends the visitor to sign in. */
export function webSession(): MiddlewareHandler<WebEnv> {
  return async function webSession(c, next) {
    const token = getCookie(c, SESSION_COOKIE);
    const actor = token && /^[A-Za-z0-9_-]{20,200}$/.test(token) ? await onPrimary(c, c.env.DB, (db) => actorForToken(db, token)) : null;
    if (!actor) return loginRedirect(c);
    c.set("actor", actor);
    const csrf = await csrfTokenFor(actor.sessionTokenHash);
    c.set("csrf", csrf);
    if (c.req.method === "POST") {
      if (crossSiteCookieWrite(c)) return c.text("Yêu cầu từ trang khác bị từ chối", 403);
      const sent = (await readForm(c))["_csrf"];
      if (typeof sent !== "string" || sent !== csrf) {
        return c.html("<!doctype html><html lang=vi><meta charset=utf-8><title>Phiên làm việc đã hết hạn</title><p>Biểu mẫu đã hết hạn hoặc không hợp lệ. <a href=\"/app\">Tải lại trang</a> và thử lại.</p></html>", 403);
      }
    }
    await next();
  };
}

export type WebEnv = HonoEnv & { Variables: { csrf: string; form?: FormBody } };
