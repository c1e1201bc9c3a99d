/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import { page } from "./render";
import type { WebEnv } from "./session";

export const notFoundPage = (c: Context<WebEnv>) =>
  page(
    c,
    "Không tìm thấy",
    <>
      <h1>Không tìm thấy</h1>
      <p>Trang hoặc báo cáo này không có, hoặc bạn không có quyền xem.</p>
      <p>
        <a href="/app">Về trang chính</a>
      </p>
    </>,
    404,
  );
