// reports.unit_name: the copy of the unit's name that the inbox and the report lists show without a
// look-up per row (migration 0020). It must be right whoever wrote the row, and follow a rename.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, json, tokenFor, USERS } from "./helpers/api";
import { ok, submittedReport } from "./helpers/review";
import { signIn } from "./helpers/web";

const unitNameOf = async (id: string) => (await env.DB.prepare("SELECT unit_name FROM reports WHERE id = ?").bind(id).first<{ unit_name: string }>())?.unit_name;
const unitOf = async (id: string) => (await env.DB.prepare("SELECT u.id, u.name FROM reports r JOIN units u ON u.id = r.unit_id WHERE r.id = ?").bind(id).first<{ id: string; name: string }>())!;

describe("a report carries its unit's name", () => {
  it("a report created through the API has its unit's name", async () => {
    const id = await submittedReport({ title: "Báo cáo mang tên đơn vị" });
    const unit = await unitOf(id);
    expect(unit.name.length).toBeGreaterThan(1);
    expect((await unitNameOf(id))).toBe(unit.name);
  });

  it("a writer that leaves the name out, or gets it wrong, is corrected by the database", async () => {
    const id = await submittedReport({ title: "Báo cáo để chép lại" });
    const unit = await unitOf(id);
    for (const [suffix, name] of [["a", ""], ["b", "Tên sai"]] as const) {
      // 'z' is not a hex digit: the copy's id never equals the original's (an id ending in 'a' did).
      const copy = `${id.slice(0, -2)}z${suffix}`;
      await env.DB.prepare(
        `INSERT INTO reports (id, unit_id, unit_name, author_id, kind, title, slug, body, attendees, status, created_at, updated_at)
         SELECT ?, unit_id, ?, author_id, kind, title, slug || ?, body, attendees, 'draft', created_at, updated_at FROM reports WHERE id = ?`,
      )
        .bind(copy, name, suffix, id)
        .run();
      expect((await unitNameOf(copy)), `inserted with ${JSON.stringify(name)}`).toBe(unit.name);
      await env.DB.prepare("UPDATE reports SET unit_name = 'Sửa tay' WHERE id = ?").bind(copy).run();
      expect((await unitNameOf(copy)), "updated by hand").toBe(unit.name);
    }
  });

  it("renaming a unit renames it on its reports, in the inbox and on the report list page", async () => {
    const id = await submittedReport({ title: "Báo cáo trước khi đổi tên đơn vị" });
    const unit = await unitOf(id);
    const admin = await tokenFor(USERS.admin);
    const renamed = `${unit.name} (tên mới)`;
    await ok(await call(`/api/v1/units/${unit.id}`, { method: "PATCH", token: admin, json: { name: renamed } }));

    expect((await unitNameOf(id))).toBe(renamed);
    const { n } = (await env.DB.prepare("SELECT count(*) AS n FROM reports WHERE unit_id = ? AND unit_name <> ?").bind(unit.id, renamed).first<{ n: number }>())!;
    expect(n, "every report of the unit follows the rename").toBe(0);

    const inbox = await json(await call("/api/v1/inbox?limit=100", { token: await tokenFor(USERS.specialist) }));
    const row = inbox.items.find((r: { id: string }) => r.id === id);
    expect(row?.unit).toEqual({ id: unit.id, name: renamed });

    const cookie = await signIn(USERS.quan6, "10.7.0.1");
    const page = await (await call("/app/reports", { headers: { cookie } })).text();
    expect(page).toContain(renamed);
  });
});
