/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { SESSION_COOKIE } from "../middleware/auth";
import { onPrimary } from "../middleware/d1-session";
import { actorForToken } from "../queries/sessions";
import { page } from "./render";
import { csrfTokenFor, type WebEnv } from "./session";

export const notFoundPage = (c: Context<WebEnv>) =>
  page(
    c,
    "Không tìm thấy",
    <>
      <h1>Không tìm thấy trang</h1>
      <p>Trang hoặc báo cáo này không có, đã bị xoá, hoặc bạn không có quyền xem. Nếu bạn gõ địa chỉ, hãy kiểm tra lại.</p>
      <ul class="way-back">
        <li>
          <a href="/app">Về trang chính</a>
        </li>
        <li>
          <a href="/app/reports">Xem danh sách báo cáo</a>
        </li>
      </ul>
    </>,
    404,
  );

/**
 * An /app address no route answers: the 404 page, inside the menu when the visitor is signed in
 * (so the way back is the usual one), without it otherwise. No sign-in redirect: there is nothing
 * here to come back to after signing in.
 */
export async function unknownAddress(c: Context<WebEnv>) {
  const token = getCookie(c, SESSION_COOKIE);
  const actor = token && /^[A-Za-z0-9_-]{20,200}$/.test(token) ? await onPrimary(c, c.env.DB, (db) => actorForToken(db, token)) : null;
  if (actor) {
    c.set("actor", actor);
    c.set("csrf", await csrfTokenFor(actor.sessionTokenHash));
  }
  return notFoundPage(c);
}
