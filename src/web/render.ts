import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { toDocument } from "../portal/views/layout";
import type { WebEnv } from "./session";
import { Shell } from "./views/shell";
import { database } from "../db/client";
import { menuCounts, type MenuCounts } from "../queries/web-lists";

/** A page inside the app shell, never cached (it shows one user's work). */
export async function page(c: Context<WebEnv>, title: string, body: Child, status: ContentfulStatusCode = 200, known: MenuCounts = {}): Promise<Response> {
  const actor = c.get("actor") ?? null;
  const url = new URL(c.req.url);
  // The menu's "Chờ thẩm định (3)" and "Bị trả lại (2)": two bounded reads at most (queries/web-lists.ts),
  // none for a figure the page has already counted (`known`).
  const counts = actor ? await menuCounts(database(c.env.DB), actor, known) : {};
  const html = await toDocument(Shell({ title, actor, csrf: c.get("csrf"), path: url.pathname, search: url.search, counts, children: body }));
  return c.html(html, status, { "cache-control": "no-store" });
}

/** After a POST, back to a page (303 so the browser GETs it), with a one-line notice. */
/**
 * A redirect after a form, carrying what happened as a notice (`tb`) for the next page to show;
 * `error` marks it as a refusal (`loi=1`), shown as an error rather than as news.
 */
export const seeOther = (c: Context, to: string, notice?: string, kind: "info" | "error" = "info") => {
  if (!notice) return c.redirect(to, 303);
  // The notice goes in the query, before any #fragment (after it, the browser would never send it).
  const hash = to.indexOf("#");
  const [path, fragment] = hash < 0 ? [to, ""] : [to.slice(0, hash), to.slice(hash)];
  return c.redirect(`${path}${path.includes("?") ? "&" : "?"}tb=${encodeURIComponent(notice)}${kind === "error" ? "&loi=1" : ""}${fragment}`, 303);
};
