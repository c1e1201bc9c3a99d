import { env } from "cloudflare:workers";
import { it } from "vitest";
import { call, createReport, tokenFor, USERS } from "./helpers/api";
it("debug", async () => {
  const token = await tokenFor(USERS.quan6);
  for (const h of ['1', '"1"', 'W/"1"', ' 1 ']) {
    const r = await createReport(token);
    const res = await call(`/api/v1/reports/${r.id}`, { method: "PATCH", token, json: { summary: "x" }, headers: { "if-match": h } });
    const row: any = await env.DB.prepare("SELECT version FROM reports WHERE id=?").bind(r.id).first();
    console.log(JSON.stringify([h, res.status, row.version, res.status === 200 ? "" : await res.text()]));
  }
});
