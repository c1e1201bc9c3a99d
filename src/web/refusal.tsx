/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import { ApiError } from "../errors";
import { notFoundPage } from "./not-found";
import { page, seeOther } from "./render";
import type { WebEnv } from "./session";

/**
 * A service's refusal, shown as a notice on the page the form came from: a report the user may
 * not see is a 404 page, and (for admin pages) a refusal of the role a 403 page.
 */
export function refusal(c: Context<WebEnv>, err: unknown, back: string, opts: { labels?: Record<string, string>; forbiddenPage?: boolean } = {}) {
  if (!(err instanceof ApiError)) throw err;
  if (err.code === "not_found") return notFoundPage(c);
  if (err.code === "forbidden" && opts.forbiddenPage) return forbiddenPage(c);
  const label = (path: string) => (opts.labels ? `${opts.labels[path.split(".")[0]!] ?? path}: ` : "");
  const message = err.errors?.map((e) => `${label(e.path)}${e.message}`).join("; ") || err.detail || err.message;
  return seeOther(c, back, `Không thực hiện được: ${message}`, "error");
}

export const forbiddenPage = (c: Context<WebEnv>) =>
  page(
    c,
    "Không có quyền",
    <>
      <h1>Không có quyền</h1>
      <p>Bạn không có quyền xem trang này. Nếu công việc cần, đề nghị quản trị viên phân quyền.</p>
      <p>
        <a href="/app">Về trang chính</a>
      </p>
    </>,
    403,
  );
