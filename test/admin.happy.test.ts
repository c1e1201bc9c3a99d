import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { call, createReport, json, tokenFor, USERS } from "./helpers/api";

// Tests in this file share one database: every unit code, email and title is unique per test.
const PASSWORD = "Mật-khẩu-đủ-dài-2024";
const uniq = () => crypto.randomUUID().slice(0, 8);

let ip = 0;
const signIn = (email: string, password: string) =>
  call("/api/v1/auth/login", { json: { email, password }, headers: { "cf-connecting-ip": `10.20.${++ip}.7` } });

async function ok<T = any>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}

async function createUser(admin: string, overrides: Record<string, unknown> = {}) {
  const u = uniq();
  return ok(
    await call("/api/v1/users", {
      token: admin,
      json: {
        email: `nv-${u}@sogd.example`,
        name: `Nguyễn Văn Thử ${u}`,
        title: "Chuyên viên",
        unitId: DEMO_UNITS.gdtx,
        password: PASSWORD,
        grants: [{ role: "specialist", unitIds: [DEMO_UNITS.quan6] }],
        ...overrides,
      },
    }),
    201,
  );
}

async function createUnit(admin: string, overrides: Record<string, unknown> = {}) {
  const u = uniq();
  return ok(
    await call("/api/v1/units", {
      token: admin,
      json: { code: `TT-${u}`, name: `Trung tâm GDNN-GDTX thử ${u}`, type: "centre", parentId: DEMO_UNITS.department, ...overrides },
    }),
    201,
  );
}

/** Every item of a listing, following nextCursor with small pages. */
async function pageThrough(token: string, path: string, limit: number) {
  const pages: any[][] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const page: any = await ok(await call(`${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { token }));
    pages.push(page.items);
    cursor = page.nextCursor;
    expect(pages.length).toBeLessThan(100);
  } while (cursor);
  return pages;
}

describe("units: admin happy paths", () => {
  it("lists units in name order, filtered by type, parentId and q", async () => {
    const admin = await tokenFor(USERS.admin);
    const centres = await ok(await call("/api/v1/units?type=centre&limit=100", { token: admin }));
    expect(centres.items.length).toBeGreaterThanOrEqual(3);
    expect(centres.items.every((u: any) => u.type === "centre")).toBe(true);
    expect(centres.items.map((u: any) => u.code)).toEqual(expect.arrayContaining(["TT-GDNN-GDTX-Q6", "TT-GDNN-GDTX-TP", "TT-GDTX-LQD"]));
    const names = centres.items.map((u: any) => u.name);
    expect(names).toEqual([...names].sort());

    const children = await ok(await call(`/api/v1/units?parentId=${DEMO_UNITS.department}&limit=100`, { token: admin }));
    expect(children.items.every((u: any) => u.parentId === DEMO_UNITS.department)).toBe(true);
    expect(children.items.map((u: any) => u.id)).toContain(DEMO_UNITS.gdtx);
    expect(children.items.map((u: any) => u.id)).not.toContain(DEMO_UNITS.department);

    const byName = await ok(await call(`/api/v1/units?q=${encodeURIComponent("Tân Phú")}`, { token: admin }));
    expect(byName.items.map((u: any) => u.id)).toEqual([DEMO_UNITS.tanPhu]);
    const byCode = await ok(await call("/api/v1/units?q=LQD", { token: admin }));
    expect(byCode.items.map((u: any) => u.id)).toEqual([DEMO_UNITS.leQuyDon]);
  });

  it("pages through units with a keyset cursor (filtered, equal names broken by id)", async () => {
    const admin = await tokenFor(USERS.admin);
    const tag = `KS${uniq()}`;
    const made = [];
    for (const name of ["Unit C", "Unit A", "Unit B", "Unit A", "Unit D"]) made.push(await createUnit(admin, { code: `${tag}-${made.length}`, name: `${name} ${tag}` }));
    const pages = await pageThrough(admin, `/api/v1/units?q=${tag}`, 2);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    const seen = pages.flat();
    expect(seen.map((u) => u.name)).toEqual([`Unit A ${tag}`, `Unit A ${tag}`, `Unit B ${tag}`, `Unit C ${tag}`, `Unit D ${tag}`]);
    expect(new Set(seen.map((u) => u.id)).size).toBe(5);
    expect(seen[0].id < seen[1].id).toBe(true);
  });

  it("pages through all units with a keyset cursor, Vietnamese names included: every unit exactly once", async () => {
    const admin = await tokenFor(USERS.admin);
    const all = await ok(await call("/api/v1/units?limit=100", { token: admin }));
    expect(all.nextCursor).toBeNull();
    const pages = await pageThrough(admin, "/api/v1/units", 2);
    expect(pages.length).toBeGreaterThan(1);
    for (const p of pages) expect(p.length).toBeLessThanOrEqual(2);
    expect(pages.flat().map((u) => u.id)).toEqual(all.items.map((u: any) => u.id));
  });

  it("creates a unit under a parent; it is listed under that parent", async () => {
    const admin = await tokenFor(USERS.admin);
    const code = `TT-NEW-${uniq()}`;
    const res = await call("/api/v1/units", {
      token: admin,
      json: { code, name: "Trung tâm GDNN-GDTX Quận Bình Thạnh", type: "centre", parentId: DEMO_UNITS.department },
    });
    const unit = await ok(res, 201);
    expect(unit).toMatchObject({ code, name: "Trung tâm GDNN-GDTX Quận Bình Thạnh", type: "centre", parentId: DEMO_UNITS.department, active: true });
    expect(unit.id).toEqual(expect.any(String));

    const list = await ok(await call(`/api/v1/units?parentId=${DEMO_UNITS.department}&q=${encodeURIComponent(code)}`, { token: admin }));
    expect(list.items.map((u: any) => u.id)).toEqual([unit.id]);

    // The new unit can itself be a parent.
    const child = await createUnit(admin, { type: "school", parentId: unit.id });
    expect(child.parentId).toBe(unit.id);
  });

  it("PATCH renames and recodes a unit", async () => {
    const admin = await tokenFor(USERS.admin);
    const unit = await createUnit(admin);
    const code = `TT-RE-${uniq()}`;
    const updated = await ok(await call(`/api/v1/units/${unit.id}`, { method: "PATCH", token: admin, json: { name: "Trung tâm đã đổi tên", code } }));
    expect(updated).toMatchObject({ id: unit.id, name: "Trung tâm đã đổi tên", code, active: true, parentId: DEMO_UNITS.department });
    expect(updated.updatedAt >= unit.updatedAt).toBe(true);

    const found = await ok(await call(`/api/v1/units?q=${code}`, { token: admin }));
    expect(found.items).toEqual([expect.objectContaining({ id: unit.id, name: "Trung tâm đã đổi tên" })]);
    const old = await ok(await call(`/api/v1/units?q=${unit.code}`, { token: admin }));
    expect(old.items).toEqual([]);
  });

  it("PATCH active:false deactivates a unit (listed only under active=false) and active:true brings it back", async () => {
    const admin = await tokenFor(USERS.admin);
    const unit = await createUnit(admin);
    const off = await ok(await call(`/api/v1/units/${unit.id}`, { method: "PATCH", token: admin, json: { active: false } }));
    expect(off).toMatchObject({ id: unit.id, active: false, code: unit.code, name: unit.name });

    const ids = async (active: string) =>
      (await ok(await call(`/api/v1/units?active=${active}&q=${unit.code}`, { token: admin }))).items.map((u: any) => u.id);
    expect(await ids("false")).toEqual([unit.id]);
    expect(await ids("true")).toEqual([]);

    const on = await ok(await call(`/api/v1/units/${unit.id}`, { method: "PATCH", token: admin, json: { active: true } }));
    expect(on.active).toBe(true);
    expect(await ids("true")).toEqual([unit.id]);
  });
});

describe("users: admin happy paths", () => {
  it("creates a specialist covering a unit: 201 with the roles and covered units", async () => {
    const admin = await tokenFor(USERS.admin);
    const email = `chuyenvien-${uniq()}@sogd.example`;
    const res = await call("/api/v1/users", {
      token: admin,
      json: {
        email,
        name: "Trần Văn Khoa",
        title: "Chuyên viên Phòng GDTX-CN&ĐH",
        unitId: DEMO_UNITS.gdtx,
        password: PASSWORD,
        grants: [{ role: "specialist", unitIds: [DEMO_UNITS.tanPhu] }],
      },
    });
    const user = await ok(res, 201);
    expect(user).toMatchObject({
      email,
      name: "Trần Văn Khoa",
      title: "Chuyên viên Phòng GDTX-CN&ĐH",
      unitId: DEMO_UNITS.gdtx,
      active: true,
      emailOptOut: false,
      roles: ["specialist"],
      grants: [{ role: "specialist", unitIds: [DEMO_UNITS.tanPhu] }],
    });
    expect(Object.keys(user).some((k) => /password/i.test(k))).toBe(false);

    // The email is stored in lower case.
    const u = uniq();
    expect((await createUser(admin, { email: `Ky.Thuat-${u}@SoGD.Example` })).email).toBe(`ky.thuat-${u}@sogd.example`);
  });

  it("a new user signs in with the given password and /me shows their roles and covered units", async () => {
    const admin = await tokenFor(USERS.admin);
    const user = await createUser(admin, {
      unitId: DEMO_UNITS.gdtx,
      grants: [
        { role: "specialist", unitIds: [DEMO_UNITS.quan6, DEMO_UNITS.tanPhu] },
        { role: "deputy_head", unitIds: [DEMO_UNITS.leQuyDon] },
      ],
    });
    const login = await signIn(user.email, PASSWORD);
    const { token } = await ok(login);
    const me = await ok(await call("/api/v1/me", { token }));
    expect(me).toMatchObject({ id: user.id, email: user.email, name: user.name, unitId: DEMO_UNITS.gdtx });
    expect([...me.roles].sort()).toEqual(["deputy_head", "specialist"]);
    const specialist = me.grants.find((g: any) => g.role === "specialist");
    expect(specialist.unitIds).toEqual(expect.arrayContaining([DEMO_UNITS.quan6, DEMO_UNITS.tanPhu]));
    expect(me.grants.find((g: any) => g.role === "deputy_head").unitIds).toEqual([DEMO_UNITS.leQuyDon]);
    // ... and a wrong password does not.
    expect((await signIn(user.email, "mat-khau-sai-hoan-toan")).status).toBe(401);
  });

  it("lists users filtered by role, unitId, active and q", async () => {
    const admin = await tokenFor(USERS.admin);
    const tag = uniq();
    const author = await createUser(admin, { name: `Tác giả ${tag}`, unitId: DEMO_UNITS.leQuyDon, grants: [{ role: "author", unitIds: [] }] });
    const reviewer = await createUser(admin, { name: `Thẩm định ${tag}`, grants: [{ role: "specialist", unitIds: [DEMO_UNITS.leQuyDon] }] });

    const specialists = await ok(await call("/api/v1/users?role=specialist&limit=100", { token: admin }));
    expect(specialists.items.every((u: any) => u.roles.includes("specialist"))).toBe(true);
    const specialistEmails = specialists.items.map((u: any) => u.email);
    expect(specialistEmails).toEqual(expect.arrayContaining([USERS.specialist, reviewer.email]));
    expect(specialistEmails).not.toContain(author.email);

    const inLqd = await ok(await call(`/api/v1/users?unitId=${DEMO_UNITS.leQuyDon}&limit=100`, { token: admin }));
    expect(inLqd.items.every((u: any) => u.unitId === DEMO_UNITS.leQuyDon)).toBe(true);
    expect(inLqd.items.map((u: any) => u.id)).toContain(author.id);

    const byQ = await ok(await call(`/api/v1/users?q=${tag}`, { token: admin }));
    expect(byQ.items.map((u: any) => u.id).sort()).toEqual([author.id, reviewer.id].sort());
    const byEmail = await ok(await call(`/api/v1/users?q=${encodeURIComponent(author.email)}`, { token: admin }));
    expect(byEmail.items.map((u: any) => u.id)).toEqual([author.id]);
    const combined = await ok(await call(`/api/v1/users?q=${tag}&role=author&unitId=${DEMO_UNITS.leQuyDon}`, { token: admin }));
    expect(combined.items.map((u: any) => u.id)).toEqual([author.id]);

    await ok(await call(`/api/v1/users/${author.id}/deactivate`, { method: "POST", token: admin }));
    const inactive = await ok(await call(`/api/v1/users?q=${tag}&active=false`, { token: admin }));
    expect(inactive.items.map((u: any) => u.id)).toEqual([author.id]);
    const active = await ok(await call(`/api/v1/users?q=${tag}&active=true`, { token: admin }));
    expect(active.items.map((u: any) => u.id)).toEqual([reviewer.id]);
  });

  it("pages through users with a keyset cursor (filtered by q)", async () => {
    const admin = await tokenFor(USERS.admin);
    const tag = `ks${uniq()}`;
    for (const name of ["Tran Van C", "Le Thi A", "Pham Van B", "Vo Thi D"]) await createUser(admin, { name: `${name} ${tag}` });
    const pages = await pageThrough(admin, `/api/v1/users?q=${tag}`, 3);
    expect(pages.map((p) => p.length)).toEqual([3, 1]);
    expect(pages.flat().map((u) => u.name)).toEqual([`Le Thi A ${tag}`, `Pham Van B ${tag}`, `Tran Van C ${tag}`, `Vo Thi D ${tag}`]);
  });

  it("pages through all users with a keyset cursor, Vietnamese names included: every user exactly once", async () => {
    const admin = await tokenFor(USERS.admin);
    // Names with Vietnamese letters outside Latin-1 must page like any other.
    await createUser(admin, { name: `Đặng Thị Hồng ${uniq()}` });
    await createUser(admin, { name: `Đặng Thị Hồng ${uniq()}` });
    const all = await ok(await call("/api/v1/users?limit=100", { token: admin }));
    expect(all.nextCursor).toBeNull();
    const names = all.items.map((u: any) => u.name);
    expect(names).toEqual([...names].sort());
    const pages = await pageThrough(admin, "/api/v1/users", 3);
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.flat().map((u) => u.id)).toEqual(all.items.map((u: any) => u.id));
  });

  it("GET /users/:id returns the user with their grants", async () => {
    const admin = await tokenFor(USERS.admin);
    const created = await createUser(admin, { grants: [{ role: "director", unitIds: [DEMO_UNITS.caoDangKinhTe] }] });
    const got = await ok(await call(`/api/v1/users/${created.id}`, { token: admin }));
    expect(got).toEqual(created);

    const demo = await ok(await call("/api/v1/users/00000000-0000-7000-8000-000000000102", { token: admin }));
    expect(demo).toMatchObject({ email: USERS.specialist, roles: ["specialist"] });
    expect(demo.grants[0].unitIds).toHaveLength(4);
  });

  it("PATCH changes name, title and emailOptOut; title can be cleared with null", async () => {
    const admin = await tokenFor(USERS.admin);
    const user = await createUser(admin);
    const { token } = await ok(await signIn(user.email, PASSWORD));
    const updated = await ok(
      await call(`/api/v1/users/${user.id}`, { method: "PATCH", token: admin, json: { name: "Lê Thị Mỹ Duyên", title: "Phó Trưởng phòng", emailOptOut: true } }),
    );
    expect(updated).toMatchObject({ id: user.id, name: "Lê Thị Mỹ Duyên", title: "Phó Trưởng phòng", emailOptOut: true, email: user.email, unitId: user.unitId });
    expect(updated.grants).toEqual(user.grants);
    // Neither a new name nor a preference ends the user's session.
    expect((await call("/api/v1/me", { token })).status).toBe(200);

    const cleared = await ok(await call(`/api/v1/users/${user.id}`, { method: "PATCH", token: admin, json: { title: null, emailOptOut: false } }));
    expect(cleared).toMatchObject({ name: "Lê Thị Mỹ Duyên", title: null, emailOptOut: false });
    expect(await ok(await call(`/api/v1/users/${user.id}`, { token: admin }))).toMatchObject({ title: null, emailOptOut: false });
  });

  it("PATCH password: the new password signs in, the old one and the old sessions stop working", async () => {
    const admin = await tokenFor(USERS.admin);
    const user = await createUser(admin);
    const { token } = await ok(await signIn(user.email, PASSWORD));
    const newPassword = "Mật-khẩu-mới-rất-dài-2025";
    await ok(await call(`/api/v1/users/${user.id}`, { method: "PATCH", token: admin, json: { password: newPassword } }));
    expect((await call("/api/v1/me", { token })).status).toBe(401);
    expect((await signIn(user.email, PASSWORD)).status).toBe(401);
    const again = await ok(await signIn(user.email, newPassword));
    expect(again.user.id).toBe(user.id);
  });

  it("PATCH unitId moves the user: their sessions end and /me shows the new unit", async () => {
    const admin = await tokenFor(USERS.admin);
    const user = await createUser(admin, { unitId: DEMO_UNITS.quan6, grants: [{ role: "author", unitIds: [] }] });
    const { token } = await ok(await signIn(user.email, PASSWORD));
    const moved = await ok(await call(`/api/v1/users/${user.id}`, { method: "PATCH", token: admin, json: { unitId: DEMO_UNITS.tanPhu } }));
    expect(moved.unitId).toBe(DEMO_UNITS.tanPhu);
    expect((await call("/api/v1/me", { token })).status).toBe(401);
    const login = await ok(await signIn(user.email, PASSWORD));
    expect(login.user.unitId).toBe(DEMO_UNITS.tanPhu);
    // An author writes for their (new) unit.
    const report = await createReport(login.token, { title: `Báo cáo sau khi chuyển đơn vị ${uniq()}` });
    expect(report.unitId).toBe(DEMO_UNITS.tanPhu);
  });

  it("PUT /users/:id/grants replaces roles and covered units, and the user's reach changes at once", async () => {
    const admin = await tokenFor(USERS.admin);
    const user = await createUser(admin, { grants: [{ role: "specialist", unitIds: [DEMO_UNITS.quan6] }] });
    const { token } = await ok(await signIn(user.email, PASSWORD));

    // A Tân Phú report under review: not covered by the new specialist yet.
    const report = await createReport(await tokenFor(USERS.tanPhu), { title: `Báo cáo Tân Phú chờ thẩm định ${uniq()}` });
    await env.DB.prepare("UPDATE reports SET status = 'in_review', stage = 'specialist', stage_role = 'specialist', review_reach = 2 WHERE id = ?").bind(report.id).run();
    expect((await call(`/api/v1/reports/${report.id}`, { token })).status).toBe(404);

    const replaced = await ok(
      await call(`/api/v1/users/${user.id}/grants`, {
        method: "PUT",
        token: admin,
        json: { grants: [{ role: "specialist", unitIds: [DEMO_UNITS.tanPhu] }, { role: "deputy_head", unitIds: [DEMO_UNITS.leQuyDon] }] },
      }),
    );
    expect([...replaced.roles].sort()).toEqual(["deputy_head", "specialist"]);
    expect(replaced.grants.find((g: any) => g.role === "specialist").unitIds).toEqual([DEMO_UNITS.tanPhu]);
    expect(await ok(await call(`/api/v1/users/${user.id}`, { token: admin }))).toMatchObject({ grants: replaced.grants });

    // Same token, new reach.
    expect((await call(`/api/v1/reports/${report.id}`, { token })).status).toBe(200);
    const me = await ok(await call("/api/v1/me", { token }));
    expect([...me.roles].sort()).toEqual(["deputy_head", "specialist"]);

    // Replacing with an author grant removes every reviewer role.
    const author = await ok(await call(`/api/v1/users/${user.id}/grants`, { method: "PUT", token: admin, json: { grants: [{ role: "author", unitIds: [] }] } }));
    expect(author.roles).toEqual(["author"]);
    expect(author.grants).toEqual([{ role: "author", unitIds: [] }]);
    expect((await call(`/api/v1/reports/${report.id}`, { token })).status).toBe(404);
    expect((await ok(await call("/api/v1/me", { token }))).roles).toEqual(["author"]);
  });

  it("deactivate: the user's token gets 401 at once and they cannot sign in; activate: they can again", async () => {
    const admin = await tokenFor(USERS.admin);
    const user = await createUser(admin);
    const { token } = await ok(await signIn(user.email, PASSWORD));
    expect((await call("/api/v1/me", { token })).status).toBe(200);

    const off = await ok(await call(`/api/v1/users/${user.id}/deactivate`, { method: "POST", token: admin }));
    expect(off).toMatchObject({ id: user.id, active: false });
    expect((await call("/api/v1/me", { token })).status).toBe(401);
    expect((await call("/api/v1/reports", { token })).status).toBe(401);
    const refused = await signIn(user.email, PASSWORD);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("set-cookie")).toBeNull();

    const on = await ok(await call(`/api/v1/users/${user.id}/activate`, { method: "POST", token: admin }));
    expect(on).toMatchObject({ id: user.id, active: true });
    const again = await ok(await signIn(user.email, PASSWORD));
    expect((await call("/api/v1/me", { token: again.token })).status).toBe(200);
    // The session that was cut off stays cut off.
    expect((await call("/api/v1/me", { token })).status).toBe(401);
  });
});
