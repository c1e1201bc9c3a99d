/** @jsxImportSource hono/jsx */
// Web pages: /app/periods/:id/rollup, the roll-up of a period (DESIGN.md section 11). The same
// service and rules as GET /api/v1/periods/:id/rollup: a period the user may not read is the 404
// page, one they read without monitoring any of its units (an author, a centre head) the 403
// page. The export buttons link to the API's export, which takes the page's session cookie.
import type { Hono } from "hono";
import { ApiError } from "../errors";
import { periodRollup } from "../services/period-rollup";
import { notFoundPage } from "./not-found";
import { forbiddenPage } from "./refusal";
import { page } from "./render";
import { webSession, type WebEnv } from "./session";
import { PeriodRollupPage } from "./views/period-rollup";

export function registerWebPeriodRollup(web: Hono<WebEnv>) {
  const auth = webSession();

  web.get("/app/periods/:id/rollup", auth, async (c) => {
    let data;
    try {
      data = await periodRollup(c.env.DB, c.get("actor"), c.req.param("id"));
    } catch (err) {
      if (err instanceof ApiError && err.code === "not_found") return notFoundPage(c);
      if (err instanceof ApiError && err.code === "forbidden") return forbiddenPage(c);
      throw err;
    }
    return page(c, `Tổng hợp số liệu — ${data.period.title}`, <PeriodRollupPage data={data} />);
  });
}
