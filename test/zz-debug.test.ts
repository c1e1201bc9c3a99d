import { env } from "cloudflare:workers";
import { it } from "vitest";
import { call, createReport, tokenFor, USERS } from "./helpers/api";
it("debug", async () => {
  const token = await tokenFor(USERS.quan6);
  const out: any[] = [];
  for (let i = 0; i < 30; i++) {
    const r = await createReport(token);
    const res = await call(`/api/v1/reports/${r.id}`, { method: "PATCH", token, json: { summary: "x" + i }, headers: { "if-match": "1" } });
    const row: any = await env.DB.prepare("SELECT version FROM reports WHERE id=?").bind(r.id).first();
    out.push([i, res.status, row.version, res.status === 200 ? "" : await res.text()]);
  }
  console.log(JSON.stringify(out));
});
