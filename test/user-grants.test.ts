// users.grants (migrations 0036, 0037) is the signed-in look-up's copy of a user's grants: after
// every way a grant changes (the admin's API, a direct insert, a unit whose path is rewritten, a
// revocation) it equals what role_grants holds, and the very next look-up sees the change.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { actorForToken } from "../src/queries/sessions";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { call, tokenFor, USERS } from "./helpers/api";

type Copy = { id: string; grants: string };

/** Every user's copy beside a recount from role_grants, each as sorted [role, coverage] pairs. */
async function copiesAndRecount() {
  const users = (await env.DB.prepare("SELECT id, grants FROM users ORDER BY id").all<Copy>()).results;
  const grants = (await env.DB.prepare("SELECT user_id, role, coverage FROM role_grants").all<{ user_id: string; role: string; coverage: string }>()).results;
  const sorted = (pairs: [string, string][]) => pairs.map((p) => JSON.stringify(p)).sort();
  return {
    copies: Object.fromEntries(users.map((u) => [u.id, sorted(JSON.parse(u.grants))])),
    recount: Object.fromEntries(users.map((u) => [u.id, sorted(grants.filter((g) => g.user_id === u.id).map((g) => [g.role, g.coverage]))])),
  };
}

async function expectCopiesRight(step: string) {
  const { copies, recount } = await copiesAndRecount();
  expect(copies, step).toEqual(recount);
}

const userId = async (email: string) => (await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(email).first<string>("id"))!;
const putGrants = async (id: string, grants: unknown) => {
  const res = await call(`/api/v1/users/${id}/grants`, { method: "PUT", token: await tokenFor(USERS.admin), json: { grants } });
  expect(res.status, await res.clone().text()).toBe(200);
};
const pathOf = async (unitId: string) => (await env.DB.prepare("SELECT path FROM units WHERE id = ?").bind(unitId).first<string>("path"))!;

describe("users.grants follows role_grants", () => {
  it("after the demo data, an admin's change, a direct insert, a unit moved and a revocation", async () => {
    await expectCopiesRight("demo data");

    // The admin gives the specialist a second subtree and a second role.
    const specialist = await userId(USERS.specialist);
    const token = await tokenFor(USERS.specialist);
    await putGrants(specialist, [
      { role: "specialist", unitIds: [DEMO_UNITS.gdtx, DEMO_UNITS.trungHoc] },
      { role: "deputy_head", unitIds: [DEMO_UNITS.trungHoc] },
    ]);
    await expectCopiesRight("grants replaced through the API");
    const actor = (await actorForToken(env.DB, token))!;
    expect(actor.grants.map((g) => g.role).sort()).toEqual(["deputy_head", "specialist"]);
    expect(actor.grants.find((g) => g.role === "specialist")!.unitIds.sort()).toEqual([DEMO_UNITS.gdtx, DEMO_UNITS.trungHoc].sort());

    // A grant written straight into the table (as the seed and the bench's loader do).
    const director = await userId(USERS.director);
    await env.DB.prepare("INSERT INTO role_grants (id, user_id, role, created_at) VALUES ('direct-grant', ?, 'specialist', '2026-01-01T00:00:00.000Z')").bind(director).run();
    await env.DB.prepare("INSERT INTO grant_units (grant_id, unit_id) VALUES ('direct-grant', ?)").bind(DEMO_UNITS.minhKhai).run();
    await expectCopiesRight("a grant and its unit inserted directly");
    const directorActor = (await actorForToken(env.DB, await tokenFor(USERS.director)))!;
    expect(directorActor.grants.find((g) => g.role === "specialist")?.unitIds).toEqual([DEMO_UNITS.minhKhai]);

    // A covered unit's path rewritten (units_path_au rewrites the grants' coverage, and so the copy).
    const before = await pathOf(DEMO_UNITS.trungHoc);
    const moved = `${before.slice(0, -1)}-moved/`;
    await env.DB.prepare("UPDATE units SET path = ? WHERE id = ?").bind(moved, DEMO_UNITS.trungHoc).run();
    await expectCopiesRight("a covered unit's path rewritten");
    expect(JSON.parse((await env.DB.prepare("SELECT grants FROM users WHERE id = ?").bind(specialist).first<string>("grants"))!).flat().join(" ")).toContain(moved);
    await env.DB.prepare("UPDATE units SET path = ? WHERE id = ?").bind(before, DEMO_UNITS.trungHoc).run();
    await expectCopiesRight("the path put back");

    // Revoked: gone from the copy and from the next look-up.
    await putGrants(specialist, []);
    await expectCopiesRight("every grant revoked");
    expect((await env.DB.prepare("SELECT grants FROM users WHERE id = ?").bind(specialist).first<string>("grants"))).toBe("[]");
    expect((await actorForToken(env.DB, token))!.grants).toEqual([]);
    await env.DB.prepare("DELETE FROM grant_units WHERE grant_id = 'direct-grant'").run();
    await env.DB.prepare("DELETE FROM role_grants WHERE id = 'direct-grant'").run();
    await expectCopiesRight("the direct grant deleted");
  });
});
