import { describe, expect, it } from "vitest";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { call, expectProblem, json, tokenFor, USERS } from "./helpers/api";

const PASSWORD = "Mật-khẩu-đủ-dài-2024";
const ADMIN_ID = "00000000-0000-7000-8000-000000000101";
const NO_SUCH_ID = "00000000-0000-7000-8000-00000000dead";
const uniq = () => crypto.randomUUID().slice(0, 8);

const paths = (problem: any): string[] => (problem.errors ?? []).map((e: any) => e.path);

const userBody = (overrides: Record<string, unknown> = {}) => ({
  email: `loi-${uniq()}@sogd.example`,
  name: "Hoàng Văn Lỗi",
  unitId: DEMO_UNITS.gdtx,
  password: PASSWORD,
  grants: [{ role: "specialist", unitIds: [DEMO_UNITS.quan6] }],
  ...overrides,
});

async function createUser(admin: string, overrides: Record<string, unknown> = {}) {
  const res = await call("/api/v1/users", { token: admin, json: userBody(overrides) });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text);
}

async function createUnit(admin: string) {
  const res = await call("/api/v1/units", {
    token: admin,
    json: { code: `TT-E-${uniq()}`, name: "Trung tâm thử lỗi", type: "centre", parentId: DEMO_UNITS.department },
  });
  expect(res.status).toBe(201);
  return json(res);
}

/** How many users have this email (through the API, as the admin sees it). */
async function usersWithEmail(admin: string, email: string): Promise<number> {
  const { items } = await json(await call(`/api/v1/users?q=${encodeURIComponent(email)}&limit=100`, { token: admin }));
  return items.filter((u: any) => u.email === email.toLowerCase()).length;
}

describe("units: errors", () => {
  it("a duplicate unit code -> 409 conflict naming code", async () => {
    const admin = await tokenFor(USERS.admin);
    const res = await call("/api/v1/units", { token: admin, json: { code: "TT-GDNN-GDTX-Q6", name: "Bản sao Quận 6", type: "centre", parentId: DEMO_UNITS.department } });
    const problem = await expectProblem(res, 409, "conflict");
    expect(paths(problem)).toEqual(["code"]);
  });

  it("recoding a unit to a code in use -> 409 conflict naming code, and the unit keeps its code", async () => {
    const admin = await tokenFor(USERS.admin);
    const unit = await createUnit(admin);
    const res = await call(`/api/v1/units/${unit.id}`, { method: "PATCH", token: admin, json: { code: "SGDDT" } });
    expect(paths(await expectProblem(res, 409, "conflict"))).toEqual(["code"]);
    const still = await json(await call(`/api/v1/units?q=${unit.code}`, { token: admin }));
    expect(still.items).toEqual([expect.objectContaining({ id: unit.id, code: unit.code })]);
  });

  it("an unknown parentId -> 422 naming parentId; nothing is created", async () => {
    const admin = await tokenFor(USERS.admin);
    const code = `TT-P-${uniq()}`;
    const res = await call("/api/v1/units", { token: admin, json: { code, name: "Trung tâm mồ côi", type: "centre", parentId: NO_SUCH_ID } });
    expect(paths(await expectProblem(res, 422, "validation-failed"))).toEqual(["parentId"]);
    expect((await json(await call(`/api/v1/units?q=${code}`, { token: admin }))).items).toEqual([]);
  });

  it("a centre without a parent -> 422 naming parentId", async () => {
    const admin = await tokenFor(USERS.admin);
    const res = await call("/api/v1/units", { token: admin, json: { code: `TT-N-${uniq()}`, name: "Trung tâm không cấp trên", type: "centre" } });
    expect(paths(await expectProblem(res, 422, "validation-failed"))).toEqual(["parentId"]);
  });

  it("a bad code, an unknown type, a one-letter name or an unknown field -> 422 naming that field", async () => {
    const admin = await tokenFor(USERS.admin);
    const base = { code: `TT-X-${uniq()}`, name: "Trung tâm", type: "centre", parentId: DEMO_UNITS.department };
    const cases: [Record<string, unknown>, string][] = [
      [{ code: "TT Q 6" }, "code"],
      [{ code: "-TT" }, "code"],
      [{ type: "ministry" }, "type"],
      [{ name: "A" }, "name"],
      [{ path: "/x/" }, "path"],
    ];
    for (const [change, field] of cases) {
      const problem = await expectProblem(await call("/api/v1/units", { token: admin, json: { ...base, ...change } }), 422, "validation-failed");
      expect(paths(problem), JSON.stringify(change)).toContain(field);
    }
    expect((await json(await call(`/api/v1/units?q=${base.code}`, { token: admin }))).items).toEqual([]);
  });

  it("an empty or unknown-field PATCH on a unit -> 422", async () => {
    const admin = await tokenFor(USERS.admin);
    const unit = await createUnit(admin);
    await expectProblem(await call(`/api/v1/units/${unit.id}`, { method: "PATCH", token: admin, json: {} }), 422, "validation-failed");
    const problem = await expectProblem(await call(`/api/v1/units/${unit.id}`, { method: "PATCH", token: admin, json: { parentId: DEMO_UNITS.gdtx } }), 422, "validation-failed");
    expect(paths(problem)).toContain("parentId");
  });

  it("PATCH on an unknown unit -> 404", async () => {
    const admin = await tokenFor(USERS.admin);
    await expectProblem(await call(`/api/v1/units/${NO_SUCH_ID}`, { method: "PATCH", token: admin, json: { name: "Không có" } }), 404, "not-found");
  });

  it("a list query with an unknown filter value, a bad limit or a forged cursor -> 422", async () => {
    const admin = await tokenFor(USERS.admin);
    await expectProblem(await call("/api/v1/units?type=ministry", { token: admin }), 422, "validation-failed");
    await expectProblem(await call("/api/v1/units?limit=0", { token: admin }), 422, "validation-failed");
    await expectProblem(await call("/api/v1/units?limit=101", { token: admin }), 422, "validation-failed");
    expect(paths(await expectProblem(await call("/api/v1/units?cursor=not-a-cursor", { token: admin }), 422, "validation-failed"))).toEqual(["cursor"]);
    await expectProblem(await call("/api/v1/users?role=superuser", { token: admin }), 422, "validation-failed");
    await expectProblem(await call("/api/v1/users?active=yes", { token: admin }), 422, "validation-failed");
  });
});

describe("users: errors", () => {
  it("a duplicate email (in any case) -> 409 conflict naming email", async () => {
    const admin = await tokenFor(USERS.admin);
    for (const email of [USERS.quan6, "Quan6@TrungTam.example"]) {
      const problem = await expectProblem(await call("/api/v1/users", { token: admin, json: userBody({ email }) }), 409, "conflict");
      expect(paths(problem)).toEqual(["email"]);
    }
    expect(await usersWithEmail(admin, USERS.quan6)).toBe(1);
  });

  it("an unknown unitId -> 422 naming unitId; nothing is created", async () => {
    const admin = await tokenFor(USERS.admin);
    const body = userBody({ unitId: NO_SUCH_ID });
    expect(paths(await expectProblem(await call("/api/v1/users", { token: admin, json: body }), 422, "validation-failed"))).toEqual(["unitId"]);
    expect(await usersWithEmail(admin, body.email as string)).toBe(0);
  });

  it("an unknown covered unit -> 422 naming its exact path (grants.i.unitIds.j); nothing is created", async () => {
    const admin = await tokenFor(USERS.admin);
    const first = userBody({ grants: [{ role: "specialist", unitIds: [NO_SUCH_ID] }] });
    expect(paths(await expectProblem(await call("/api/v1/users", { token: admin, json: first }), 422, "validation-failed"))).toEqual(["grants.0.unitIds.0"]);
    expect(await usersWithEmail(admin, first.email as string)).toBe(0);

    const second = userBody({
      grants: [
        { role: "author", unitIds: [] },
        { role: "director", unitIds: [DEMO_UNITS.quan6, NO_SUCH_ID] },
      ],
    });
    expect(paths(await expectProblem(await call("/api/v1/users", { token: admin, json: second }), 422, "validation-failed"))).toEqual(["grants.1.unitIds.1"]);
  });

  it("PUT grants with an unknown covered unit -> 422 naming grants.0.unitIds.0, and the grants stay as they were", async () => {
    const admin = await tokenFor(USERS.admin);
    const user = await createUser(admin);
    const res = await call(`/api/v1/users/${user.id}/grants`, { method: "PUT", token: admin, json: { grants: [{ role: "deputy_head", unitIds: [NO_SUCH_ID] }] } });
    expect(paths(await expectProblem(res, 422, "validation-failed"))).toEqual(["grants.0.unitIds.0"]);
    expect((await json(await call(`/api/v1/users/${user.id}`, { token: admin }))).grants).toEqual(user.grants);
  });

  it("invalid grants -> 422 naming the grant's field; nothing is created", async () => {
    const admin = await tokenFor(USERS.admin);
    const cases: [string, string, unknown[]][] = [
      ["a reviewer role without unitIds", "grants.0.unitIds", [{ role: "specialist" }]],
      ["a director with an empty unitIds", "grants.1.unitIds", [{ role: "author", unitIds: [] }, { role: "director", unitIds: [] }]],
      ["an author with unitIds", "grants.0.unitIds", [{ role: "author", unitIds: [DEMO_UNITS.quan6] }]],
      ["an admin with unitIds", "grants.0.unitIds", [{ role: "admin", unitIds: [DEMO_UNITS.department] }]],
      ["a duplicated role", "grants.1.role", [{ role: "author", unitIds: [] }, { role: "author", unitIds: [] }]],
      ["an unknown role", "grants.0.role", [{ role: "superuser", unitIds: [] }]],
      ["an unknown field in a grant", "grants.0.scope", [{ role: "author", unitIds: [], scope: "all" }]],
    ];
    for (const [what, field, grants] of cases) {
      const body = userBody({ grants });
      const problem = await expectProblem(await call("/api/v1/users", { token: admin, json: body }), 422, "validation-failed");
      expect(paths(problem), what).toContain(field);
      expect(await usersWithEmail(admin, body.email as string), what).toBe(0);
    }
  });

  it("creating a user with a unit listed twice in one grant: 422 naming it, or listed once (not a 409 about the email)", async () => {
    const admin = await tokenFor(USERS.admin);
    const grants = [{ role: "specialist", unitIds: [DEMO_UNITS.quan6, DEMO_UNITS.quan6] }];
    const create = await call("/api/v1/users", { token: admin, json: userBody({ grants }) });
    const createText = await create.text();
    expect([201, 422], createText).toContain(create.status);
    if (create.status === 422) expect(paths(JSON.parse(createText))).toEqual(["grants.0.unitIds.1"]);
    else expect(JSON.parse(createText).grants).toEqual([{ role: "specialist", unitIds: [DEMO_UNITS.quan6] }]);
  });

  it("PUT grants with a unit listed twice in one grant: 422 naming it, or listed once (not a 500)", async () => {
    const admin = await tokenFor(USERS.admin);
    const grants = [{ role: "specialist", unitIds: [DEMO_UNITS.quan6, DEMO_UNITS.quan6] }];
    const user = await createUser(admin);
    const put = await call(`/api/v1/users/${user.id}/grants`, { method: "PUT", token: admin, json: { grants } });
    const putText = await put.text();
    expect([200, 422], putText).toContain(put.status);
    if (put.status === 422) expect(paths(JSON.parse(putText))).toEqual(["grants.0.unitIds.1"]);
    else expect(JSON.parse(putText).grants).toEqual([{ role: "specialist", unitIds: [DEMO_UNITS.quan6] }]);
  });

  it("PUT grants with a reviewer role without units or a duplicated role -> 422", async () => {
    const admin = await tokenFor(USERS.admin);
    const user = await createUser(admin);
    const put = (grants: unknown) => call(`/api/v1/users/${user.id}/grants`, { method: "PUT", token: admin, json: { grants } });
    expect(paths(await expectProblem(await put([{ role: "deputy_head", unitIds: [] }]), 422, "validation-failed"))).toContain("grants.0.unitIds");
    expect(
      paths(await expectProblem(await put([{ role: "specialist", unitIds: [DEMO_UNITS.quan6] }, { role: "specialist", unitIds: [DEMO_UNITS.tanPhu] }]), 422, "validation-failed")),
    ).toContain("grants.1.role");
    expect((await json(await call(`/api/v1/users/${user.id}`, { token: admin }))).grants).toEqual(user.grants);
  });

  it("a password shorter than 10 characters -> 422 naming password, on create and on PATCH", async () => {
    const admin = await tokenFor(USERS.admin);
    const body = userBody({ password: "ngan-9kt!" });
    expect(paths(await expectProblem(await call("/api/v1/users", { token: admin, json: body }), 422, "validation-failed"))).toEqual(["password"]);
    expect(await usersWithEmail(admin, body.email as string)).toBe(0);

    const user = await createUser(admin);
    const res = await call(`/api/v1/users/${user.id}`, { method: "PATCH", token: admin, json: { password: "123456789" } });
    expect(paths(await expectProblem(res, 422, "validation-failed"))).toEqual(["password"]);
  });

  it("unknown fields -> 422 naming each of them (create and PATCH)", async () => {
    const admin = await tokenFor(USERS.admin);
    const body = { ...userBody(), active: false, passwordHash: "pbkdf2-sha256$1$AAAA$AAAA" };
    const problem = await expectProblem(await call("/api/v1/users", { token: admin, json: body }), 422, "validation-failed");
    expect(paths(problem).sort()).toEqual(["active", "passwordHash"]);

    const user = await createUser(admin);
    const patch = await call(`/api/v1/users/${user.id}`, { method: "PATCH", token: admin, json: { name: "Tên mới", email: "khac@sogd.example" } });
    expect(paths(await expectProblem(patch, 422, "validation-failed"))).toEqual(["email"]);
    expect((await json(await call(`/api/v1/users/${user.id}`, { token: admin }))).name).toBe(user.name);
  });

  it("an invalid email or a missing name -> 422 naming the field", async () => {
    const admin = await tokenFor(USERS.admin);
    expect(paths(await expectProblem(await call("/api/v1/users", { token: admin, json: userBody({ email: "khong-phai-email" }) }), 422, "validation-failed"))).toContain("email");
    const { name: _n, ...noName } = userBody();
    expect(paths(await expectProblem(await call("/api/v1/users", { token: admin, json: noName }), 422, "validation-failed"))).toContain("name");
  });

  it("an empty PATCH -> 422; a PATCH to an unknown unit -> 422 naming unitId", async () => {
    const admin = await tokenFor(USERS.admin);
    const user = await createUser(admin);
    await expectProblem(await call(`/api/v1/users/${user.id}`, { method: "PATCH", token: admin, json: {} }), 422, "validation-failed");
    const res = await call(`/api/v1/users/${user.id}`, { method: "PATCH", token: admin, json: { unitId: NO_SUCH_ID } });
    expect(paths(await expectProblem(res, 422, "validation-failed"))).toEqual(["unitId"]);
    expect((await json(await call(`/api/v1/users/${user.id}`, { token: admin }))).unitId).toBe(user.unitId);
  });

  it("GET, PATCH, PUT grants, deactivate and activate for an unknown user -> 404", async () => {
    const admin = await tokenFor(USERS.admin);
    const cases: [string, string, unknown][] = [
      ["GET", `/api/v1/users/${NO_SUCH_ID}`, undefined],
      ["PATCH", `/api/v1/users/${NO_SUCH_ID}`, { name: "Không ai cả" }],
      ["PUT", `/api/v1/users/${NO_SUCH_ID}/grants`, { grants: [{ role: "author", unitIds: [] }] }],
      ["POST", `/api/v1/users/${NO_SUCH_ID}/deactivate`, undefined],
      ["POST", `/api/v1/users/${NO_SUCH_ID}/activate`, undefined],
    ];
    for (const [method, path, body] of cases) {
      await expectProblem(await call(path, { method, token: admin, json: body }), 404, "not-found");
    }
  });

  it("the admin cannot deactivate themself -> 409, and stays signed in", async () => {
    const admin = await tokenFor(USERS.admin);
    await expectProblem(await call(`/api/v1/users/${ADMIN_ID}/deactivate`, { method: "POST", token: admin }), 409, "conflict");
    const me = await call("/api/v1/me", { token: admin });
    expect(me.status).toBe(200);
    expect((await json(await call(`/api/v1/users/${ADMIN_ID}`, { token: admin }))).active).toBe(true);
  });

  it("the admin cannot take away their own admin role -> 409, and keeps it", async () => {
    const admin = await tokenFor(USERS.admin);
    const res = await call(`/api/v1/users/${ADMIN_ID}/grants`, { method: "PUT", token: admin, json: { grants: [{ role: "author", unitIds: [] }] } });
    await expectProblem(res, 409, "conflict");
    expect((await json(await call("/api/v1/me", { token: admin }))).roles).toEqual(["admin"]);
  });

  it("a body that is not JSON -> 415; malformed JSON -> 400", async () => {
    const admin = await tokenFor(USERS.admin);
    await expectProblem(
      await call("/api/v1/users", { token: admin, body: "email=a@b.c", headers: { "content-type": "application/x-www-form-urlencoded" } }),
      415,
      "unsupported-media-type",
    );
    await expectProblem(await call("/api/v1/units", { token: admin, body: "{\"code\":", headers: { "content-type": "application/json" } }), 400, "malformed-request");
  });
});
