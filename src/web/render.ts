import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { toDocument } from "../portal/views/layout";
import type { WebEnv } from "./session";
import { Shell } from "./views/shell";

/** A page inside the app shell, never cached (it shows one user's work). */
export async function page(c: Context<WebEnv>, title: string, body: Child, status: ContentfulStatusCode = 200): Promise<Response> {
  const html = await toDocument(Shell({ title, actor: c.get("actor") ?? null, csrf: c.get("csrf"), path: new URL(c.req.url).pathname, children: body }));
  return c.html(html, status, { "cache-control": "no-store" });
}

/** After a POST, back to a page (303 so the browser GETs it), with a one-line notice. */
export const seeOther = (c: Context, to: string, notice?: string) =>
  c.redirect(notice ? `${to}${to.includes("?") ? "&" : "?"}tb=${encodeURIComponent(notice)}` : to, 303);
