// Every request's D1 queries go through one D1 session (the Sessions API), so that on Cloudflare,
// with read replication enabled, reads may be served by a replica near the user while each client
// still reads its own writes: the session starts from the newest bookmark the client has seen, and
// the session's newest bookmark is handed back at the end of the request.
//
// - API clients carry it in the `x-d1-bookmark` header (sent on each answer, echoed on the next
//   request); browsers in the `sogd_d1` cookie.
// - A request without a bookmark starts "first-unconstrained" (any replica); a request that may
//   write (anything but GET/HEAD) starts "first-primary", which is where the writes go anyway.
// - Bookmarks sort lexicographically, oldest first (D1 glossary; the local runtime's sessions keep
//   the larger one too), so "the later of two" is a string comparison.
//
// Work outside requests (queue consumer, ReportFlow, the PUBLISH workflow) keeps using env.DB.
import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { sessionAsDatabase } from "../../db/client";
import type { HonoEnv } from "../../env";
import { SESSION_COOKIE } from "../auth/cookie";

export const BOOKMARK_HEADER = "x-d1-bookmark";
export const BOOKMARK_COOKIE = "sogd_d1";

// D1 bookmarks are groups of lowercase hex separated by dashes (e.g.
// `00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683`). The shape is checked loosely,
// so a change of the group widths does not silently turn sessions off, and the length is capped.
// Anything else — garbage, constraint names, oversized values — is ignored, never passed on.
const BOOKMARK_SHAPE = /^[0-9a-f]{8}(?:-[0-9a-f]{8,64}){1,7}$/;
const BOOKMARK_MAX_LENGTH = 128;

// The cookie only has to outlive replica lag; a day keeps it from riding along for ever.
const COOKIE_MAX_AGE_SECONDS = 24 * 3600;

export function isBookmark(value: string | null | undefined): value is string {
  return typeof value === "string" && value.length <= BOOKMARK_MAX_LENGTH && BOOKMARK_SHAPE.test(value);
}

/** The later of two bookmarks (either may be missing). */
export function laterBookmark(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}

type State = {
  session: D1DatabaseSession;
  /** Some D1 query ran (or a bookmark was noted): only then is a bookmark sent back. */
  touched: boolean;
  /** The newest valid bookmark the client sent, if any. */
  incoming: string | null;
  /** Bookmarks of writes made elsewhere for this request (the ReportFlow object's). */
  noted: string | null;
};

const states = new WeakMap<Context, State>();

/**
 * Adds a bookmark obtained outside this request's session — the bookmark of the D1 write a
 * ReportFlow object made for submit/decide — so the client's next read sees that write too. The
 * later of this and the session's own bookmark is the one sent. Malformed values are ignored.
 */
export function noteBookmark(c: Context, bookmark: string | null): void {
  const state = states.get(c);
  if (!state || !isBookmark(bookmark)) return;
  state.noted = laterBookmark(state.noted, bookmark);
  state.touched = true;
}

/**
 * Runs `fn` on a session that starts at the primary, never on a read replica, and carries its
 * bookmark back like the request's own. For the signed-in look-up: a sign-out, a revoked grant or
 * a deactivated user takes effect on the very next request, whatever bookmark the client sends.
 */
export async function onPrimary<T>(c: Context, db: D1Database, fn: (db: D1Database) => Promise<T>): Promise<T> {
  const session = db.withSession("first-primary");
  const result = await fn(sessionAsDatabase(session));
  noteBookmark(c, session.getBookmark());
  return result;
}

/** The bookmark this request would send back now (for tests and diagnostics). */
export function currentBookmark(c: Context): string | null {
  const state = states.get(c);
  if (!state) return null;
  return laterBookmark(laterBookmark(state.session.getBookmark(), state.noted), state.incoming);
}

function incomingBookmark(c: Context): string | null {
  const header = c.req.header(BOOKMARK_HEADER);
  const cookie = getCookie(c, BOOKMARK_COOKIE);
  return laterBookmark(isBookmark(header) ? header : null, isBookmark(cookie) ? cookie : null);
}

/**
 * Browsers keep the bookmark in a cookie: pages, requests signed in by the session cookie, a
 * sign-in that sets that cookie, and clients that already hold one. Bearer clients use the header.
 */
function wantsCookie(c: Context): boolean {
  if (c.req.header("authorization")) return false;
  const path = c.req.path;
  if (path === "/app" || path.startsWith("/app/")) return true;
  if (getCookie(c, SESSION_COOKIE) !== undefined || getCookie(c, BOOKMARK_COOKIE) !== undefined) return true;
  return c.res.headers.getSetCookie().some((v) => v.startsWith(`${SESSION_COOKIE}=`));
}

export function d1Session(): MiddlewareHandler<HonoEnv> {
  return async function d1Session(c, next) {
    const incoming = incomingBookmark(c);
    const reads = c.req.method === "GET" || c.req.method === "HEAD";
    const primary = c.env.DB;
    const session = primary.withSession(reads ? (incoming ?? "first-unconstrained") : "first-primary");
    const state: State = { session, touched: false, incoming, noted: null };
    states.set(c, state);
    const tracked: D1DatabaseSession = {
      prepare: (query) => {
        state.touched = true;
        return session.prepare(query);
      },
      batch: <T = unknown>(statements: D1PreparedStatement[]) => {
        state.touched = true;
        return session.batch<T>(statements);
      },
      getBookmark: () => session.getBookmark(),
    };
    // Everything after this middleware (d1Stats included, which wraps whatever DB it finds) sees
    // the session in place of the binding.
    c.env = { ...c.env, DB: sessionAsDatabase(tracked, primary) };

    await next();

    // Only answers that used D1 carry a bookmark: public, cacheable answers (the portal, the API
    // description, static assets) stay free of per-client headers and cookies.
    if (!state.touched) return;
    const bookmark = currentBookmark(c);
    if (!bookmark) return;
    // c.header, not c.res.headers: it copies an answer whose headers are immutable (a fetched one).
    c.header(BOOKMARK_HEADER, bookmark);
    if (bookmark !== getCookie(c, BOOKMARK_COOKIE) && wantsCookie(c)) {
      setCookie(c, BOOKMARK_COOKIE, bookmark, {
        httpOnly: true,
        sameSite: "Lax",
        secure: new URL(c.req.url).protocol === "https:",
        path: "/",
        maxAge: COOKIE_MAX_AGE_SECONDS,
      });
    }
  };
}
