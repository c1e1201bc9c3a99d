// The periods list reads O(page) rows (DESIGN.md section 15): each period's unit count is stored
// when it is opened, not counted from period_units for every period on the page.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { call, json, tokenFor, USERS } from "./helpers/api";
import { capture } from "./helpers/d1-capture";
import { openPeriod } from "./helpers/periods";

describe("GET /api/v1/periods", () => {
  it("reads no more rows for periods of many units than of one, and shows each period's unit count", async () => {
    const token = await tokenFor(USERS.admin);
    const measure = async () => {
      const { value, statements } = await capture(() => call("/api/v1/periods?limit=10", { token }));
      const body = await json(value);
      const listing = statements.find((s) => /from "periods"/i.test(s.sql) && /order by/i.test(s.sql));
      expect(listing, statements.map((s) => s.sql).join("\n")).toBeTruthy();
      // Drizzle reads through raw(), which carries no row count: run the same statement again to get it.
      const again = await env.DB.prepare(listing!.sql).bind(...listing!.params).all();
      return { body, rows: again.meta.rows_read };
    };
    for (let i = 0; i < 12; i++) await openPeriod({ unitIds: [DEMO_UNITS.quan6] });
    const few = await measure();
    expect(few.body.items.every((p: { unitCount: number }) => p.unitCount === 1)).toBe(true);
    // Twelve more, each expecting every active centre and school.
    for (let i = 0; i < 12; i++) await openPeriod();
    const many = await measure();
    expect(many.body.items[0].unitCount).toBeGreaterThan(1);
    expect(many.rows).toBeLessThanOrEqual(2 * 10 + 10);
    expect(many.rows).toBeLessThanOrEqual(few.rows + 2);
  });
});
