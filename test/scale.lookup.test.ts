// Issue 10, point 2 (DESIGN.md section 15): the signed-in look-up reads O(1) rows whatever the
// coverage, because each grant's covered subtrees are stored on its row; and being stored does not
// make it stale: a revoked grant, a deactivated user and a new unit under a covered one take effect
// on the very next request.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { actorForToken } from "../src/queries/sessions";
import { call, createReport, json, tokenFor } from "./helpers/api";
import { capture, planOf, planProblems } from "./helpers/d1-capture";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { buildScale, type Persona, type Scale } from "./helpers/scale";
import { DEMO_PASSWORD } from "./helpers/seed";
import { signIn } from "./helpers/web";

let S: Scale;
let admin: string;

beforeAll(async () => {
  S = await buildScale("LK");
  admin = await tokenFor(S.emails.admin);
}, 300_000);

async function status(token: string, path: string): Promise<number> {
  const res = await call(path, { token });
  await res.arrayBuffer();
  return res.status;
}

async function ids(token: string, path: string): Promise<string[]> {
  const res = await call(path, { token });
  const text = await res.text();
  expect(res.status, `${path}: ${text.slice(0, 200)}`).toBe(200);
  return JSON.parse(text).items.map((r: any) => r.id);
}

/**
 * Another holder of a root grant: reports wait at every stage in the fixture, and an admin change
 * that would leave them with nobody to decide them is refused (test/routing.stall.test.ts).
 */
async function standby(role: string, email: string): Promise<void> {
  const res = await call("/api/v1/users", { token: admin, json: { email, name: `Dự phòng ${role}`, unitId: DEMO_UNITS.gdtx, password: DEMO_PASSWORD, grants: [{ role, unitIds: [DEMO_UNITS.department] }] } });
  expect(res.status, await res.clone().text()).toBe(201);
}

const putGrants = async (userId: string, grants: unknown) => {
  const res = await call(`/api/v1/users/${userId}/grants`, { method: "PUT", token: admin, json: { grants } });
  expect(res.status, await res.clone().text()).toBe(200);
};

describe("the signed-in look-up at 300 units", () => {
  it("reads the same few rows for an author, a root grant, 8 subtrees and 120 units", async () => {
    const cost = {} as Record<Persona, { rows: number; statements: number; params: number; units: number }>;
    for (const who of ["authorDeep", "centreHead", "rootSpecialist", "rootDirector", "reviewer8", "reviewer120", "admin"] as const) {
      const token = await tokenFor(S.emails[who]);
      const { value: actor, statements } = await capture(() => actorForToken(env.DB, token));
      expect(actor?.id).toBe(S.ids[who]);
      expect(statements.every((s) => s.rowsRead !== null), "every look-up statement reports its rows").toBe(true);
      cost[who] = {
        rows: statements.reduce((n, s) => n + (s.rowsRead ?? 0), 0),
        statements: statements.length,
        params: Math.max(...statements.map((s) => s.params.length)),
        units: actor!.grants.reduce((n, g) => n + g.unitIds.length, 0),
      };
      for (const s of statements) expect(planProblems(s, await planOf(s)), s.sql).toEqual([]);
    }
    console.log("actorForToken cost per persona:", JSON.stringify(cost));
    // The look-up still knows the whole grant: 120 granted units come back from one row.
    expect(cost.reviewer120.units).toBe(120);
    for (const who of Object.keys(cost) as Persona[]) {
      expect(cost[who].statements, who).toBe(cost.authorDeep.statements);
      expect(cost[who].params, who).toBeLessThanOrEqual(3);
      // One seek each for the session, the user, the unit and a grant (with the delegations arm: five).
      expect(cost[who].rows, who).toBeLessThanOrEqual(6);
      expect(Math.abs(cost[who].rows - cost.authorDeep.rows), `${who} reads ${cost[who].rows} rows, an author ${cost.authorDeep.rows}`).toBeLessThanOrEqual(2);
    }
  });

  it("a request's look-up costs the same through the API for the root grant and the 120 units", async () => {
    const lookupRows = async (who: Persona) => {
      const token = await tokenFor(S.emails[who]);
      const { value: res, statements } = await capture(() => call("/api/v1/me", { token }));
      expect(res.status).toBe(200);
      const lookups = statements.filter((s) => /\bsessions\b/i.test(s.sql));
      expect(lookups.length, who).toBeGreaterThan(0);
      return lookups.reduce((n, s) => n + (s.rowsRead ?? 0), 0);
    };
    const [author, root, long] = [await lookupRows("authorDeep"), await lookupRows("rootSpecialist"), await lookupRows("reviewer120")];
    expect(Math.abs(root - author)).toBeLessThanOrEqual(2);
    expect(Math.abs(long - author)).toBeLessThanOrEqual(2);
  });
});

describe("stored coverage takes effect at once", () => {
  it("revoking a root grant hides the reports on the very next request; granting it again shows them", async () => {
    const deputy = await tokenFor(S.emails.rootDeputy);
    await standby("deputy_head", "lk-standby-deputy@scale.example");
    const report = `/api/v1/reports/${S.marker.apiApproved}`;
    expect(await status(deputy, report)).toBe(200);
    expect(await ids(deputy, "/api/v1/inbox?limit=100")).toContain(S.marker.apiApproved);

    await putGrants(S.ids.rootDeputy, [{ role: "deputy_head", unitIds: [S.level2[0]!.id] }]);
    expect(await status(deputy, report)).toBe(404);
    expect(await ids(deputy, "/api/v1/inbox?limit=100")).not.toContain(S.marker.apiApproved);
    expect(await ids(deputy, `/api/v1/reports?unit=${S.level3[70]!.id}`)).toEqual([]);

    await putGrants(S.ids.rootDeputy, []);
    expect(await status(deputy, report)).toBe(404);
    expect(await ids(deputy, "/api/v1/reports?limit=100")).toEqual([]);
    expect(await ids(deputy, "/api/v1/inbox?limit=100")).toEqual([]);

    // The root and a unit inside it: the root's range alone decides.
    await putGrants(S.ids.rootDeputy, [{ role: "deputy_head", unitIds: [S.level2[0]!.id, DEMO_UNITS.department] }]);
    expect(await status(deputy, report)).toBe(200);
    expect(await ids(deputy, "/api/v1/inbox?limit=100")).toContain(S.marker.apiApproved);
  });

  it("taking one unit off a 120-unit list hides that unit's reports at once", async () => {
    const reviewer = await tokenFor(S.emails.reviewer120);
    const report = `/api/v1/reports/${S.marker.deepCovered}`; // level3[70], under level2[70]
    expect(await status(reviewer, report)).toBe(200);
    await putGrants(S.ids.reviewer120, [{ role: "specialist", unitIds: S.granted120.filter((u) => u.id !== S.level2[70]!.id).map((u) => u.id) }]);
    expect(await status(reviewer, report)).toBe(404);
    expect(await ids(reviewer, "/api/v1/inbox?limit=100")).not.toContain(S.marker.deepCovered);
    const res = await call("/api/v1/reports?limit=100", { token: reviewer });
    const units = new Set((await json(res)).items.map((r: any) => r.unitId));
    expect(units.size).toBeGreaterThan(5);
    expect(units.has(S.level2[70]!.id) || units.has(S.level3[70]!.id)).toBe(false);
  });

  it("a unit created under a covered one is covered at once, four levels down", async () => {
    const parent = S.level3[70]!; // covered by the root grants and, through level2[70], by the 120
    const created = await call("/api/v1/units", { token: admin, json: { code: "LK-L4-NEW", name: "Đơn vị cấp bốn mới", type: "school", parentId: parent.id } });
    expect(created.status).toBe(201);
    const unit = await json(created);
    const email = "lk-new-author@scale.example";
    const user = await call("/api/v1/users", { token: admin, json: { email, name: "Tác giả đơn vị mới", unitId: unit.id, password: DEMO_PASSWORD, grants: [{ role: "author", unitIds: [] }] } });
    expect(user.status, await user.clone().text()).toBe(201);
    const author = await tokenFor(email);
    const report = await createReport(author, { kind: "news", title: "Tin đầu tiên của đơn vị cấp bốn" });
    const submitted = await call(`/api/v1/reports/${report.id}/submit`, { method: "POST", token: author });
    expect(submitted.status, await submitted.clone().text()).toBe(200);

    const specialist = await tokenFor(S.emails.rootSpecialist);
    expect(await ids(specialist, `/api/v1/reports?unit=${unit.id}`)).toEqual([report.id]);
    expect(await ids(specialist, "/api/v1/inbox?limit=100")).toContain(report.id);
    // Not yet at the deputy's stage: the root deputy does not see it.
    expect(await status(await tokenFor(S.emails.rootDeputy), `/api/v1/reports/${report.id}`)).toBe(404);
  });

  // Last: the root director goes (a standby director keeps the reports waiting at their stage decidable).
  it("deactivating a user ends their API and web sessions on the next request", async () => {
    const director = await tokenFor(S.emails.rootDirector);
    await standby("director", "lk-standby-director@scale.example");
    const cookie = await signIn(S.emails.rootDirector, "10.88.1.1");
    expect(await status(director, "/api/v1/me")).toBe(200);
    const res = await call(`/api/v1/users/${S.ids.rootDirector}/deactivate`, { method: "POST", token: admin });
    expect(res.status, await res.text()).toBe(200);
    expect(await status(director, "/api/v1/me")).toBe(401);
    expect(await status(director, "/api/v1/reports")).toBe(401);
    const page = await call("/app/dashboard", { headers: { cookie } });
    expect([302, 303]).toContain(page.status);
    expect(page.headers.get("location")).toMatch(/\/app\/login/);
  });
});
