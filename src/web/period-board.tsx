/** @jsxImportSource hono/jsx */
// Web pages: /app/periods/:id, the board of a period (DESIGN.md section 11). The same service and
// rules as GET /api/v1/periods/:id/board: a period the user may not read is the 404 page, one they
// read without monitoring any of its units (an author, a centre head) the 403 page.
import type { Hono } from "hono";
import { BOARD_SORTS, type BoardSort } from "../domain/period-board";
import { ApiError } from "../errors";
import { periodBoardFor } from "../services/period-board";
import { notFoundPage } from "./not-found";
import { forbiddenPage } from "./refusal";
import { page } from "./render";
import { webSession, type WebEnv } from "./session";
import { PeriodBoardPage } from "./views/period-board";

/** ?sort=, or the board's own order (missing units first, then by name) for anything else. */
const sortOf = (asked: string | undefined): BoardSort => BOARD_SORTS.find((s) => s === asked) ?? "unit";

export function registerWebPeriodBoard(web: Hono<WebEnv>) {
  const auth = webSession();

  web.get("/app/periods/:id", auth, async (c) => {
    const sort = sortOf(c.req.query("sort"));
    const now = new Date();
    let shown;
    try {
      shown = await periodBoardFor(c.env.DB, c.get("actor"), c.req.param("id"), { now, sort });
    } catch (err) {
      if (err instanceof ApiError && err.code === "not_found") return notFoundPage(c);
      if (err instanceof ApiError && err.code === "forbidden") return forbiddenPage(c);
      throw err;
    }
    return page(c, shown.board.period.title, <PeriodBoardPage board={shown.board} openable={shown.openable} sort={sort} now={now} notice={c.req.query("tb")} />);
  });
}
