import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { call, expectProblem, json, tokenFor, USERS } from "./helpers/api";

const PASSWORD = "Mật-khẩu-đủ-dài-2024";
const uniq = () => crypto.randomUUID().slice(0, 8);
const NON_ADMINS = [
  ["author", USERS.quan6],
  ["centre head", USERS.centreHead],
  ["specialist", USERS.specialist],
  ["director", USERS.director],
] as const;

// A user and a unit that the refused requests aim at; they must come out of the test untouched.
let victim: any;
let unit: any;
const attemptedEmails: string[] = [];

beforeAll(async () => {
  const admin = await tokenFor(USERS.admin);
  const u = uniq();
  const res = await call("/api/v1/users", {
    token: admin,
    json: { email: `nan-nhan-${u}@sogd.example`, name: "Nạn Nhân Thử", unitId: DEMO_UNITS.quan6, password: PASSWORD, grants: [{ role: "author", unitIds: [] }] },
  });
  expect(res.status).toBe(201);
  victim = await json(res);
  const unitRes = await call("/api/v1/units", {
    token: admin,
    json: { code: `TT-SEC-${u}`, name: "Trung tâm bảo mật", type: "centre", parentId: DEMO_UNITS.department },
  });
  expect(unitRes.status).toBe(201);
  unit = await json(unitRes);
});

type AdminRoute = { name: string; method: string; path: () => string; body?: () => unknown };

const ADMIN_ROUTES: AdminRoute[] = [
  { name: "list users", method: "GET", path: () => "/api/v1/users" },
  { name: "get a user", method: "GET", path: () => `/api/v1/users/${victim.id}` },
  {
    name: "create a user",
    method: "POST",
    path: () => "/api/v1/users",
    body: () => {
      const email = `leo-thang-${uniq()}@sogd.example`;
      attemptedEmails.push(email);
      return { email, name: "Tài khoản lén", unitId: DEMO_UNITS.department, password: PASSWORD, grants: [{ role: "admin", unitIds: [] }] };
    },
  },
  { name: "update a user", method: "PATCH", path: () => `/api/v1/users/${victim.id}`, body: () => ({ name: "Bị đổi tên", password: "mat-khau-cua-ke-gian" }) },
  { name: "replace grants", method: "PUT", path: () => `/api/v1/users/${victim.id}/grants`, body: () => ({ grants: [{ role: "admin", unitIds: [] }] }) },
  { name: "deactivate a user", method: "POST", path: () => `/api/v1/users/${victim.id}/deactivate` },
  { name: "activate a user", method: "POST", path: () => `/api/v1/users/${victim.id}/activate` },
  {
    name: "create a unit",
    method: "POST",
    path: () => "/api/v1/units",
    body: () => ({ code: `TT-LEN-${uniq()}`, name: "Đơn vị lén", type: "centre", parentId: DEMO_UNITS.department }),
  },
  { name: "update a unit", method: "PATCH", path: () => `/api/v1/units/${unit.id}`, body: () => ({ name: "Bị đổi tên", active: false }) },
];

let ip = 0;

/** Nothing a refused request asked for happened. */
async function expectUntouched() {
  const admin = await tokenFor(USERS.admin);
  const now = await json(await call(`/api/v1/users/${victim.id}`, { token: admin }));
  expect(now).toMatchObject({ name: victim.name, active: true, roles: ["author"], grants: victim.grants });
  const login = await call("/api/v1/auth/login", { json: { email: victim.email, password: PASSWORD }, headers: { "cf-connecting-ip": `10.30.${++ip}.1` } });
  expect(login.status, "the victim still signs in with their own password").toBe(200);
  for (const email of attemptedEmails) {
    const row = await env.DB.prepare("SELECT count(*) AS n FROM users WHERE email = ?").bind(email).first<{ n: number }>();
    expect(row?.n, email).toBe(0);
  }
  const sneaky = await env.DB.prepare("SELECT count(*) AS n FROM units WHERE code LIKE 'TT-LEN-%'").first<{ n: number }>();
  expect(sneaky?.n).toBe(0);
  const unitNow = await json(await call(`/api/v1/units?q=${unit.code}`, { token: admin }));
  expect(unitNow.items).toEqual([expect.objectContaining({ id: unit.id, name: unit.name, active: true })]);
}
describe("admin routes refuse everyone but the admin", () => {
  it.each(NON_ADMINS.map(([role, email]) => [role, email]))("%s: every admin route answers 403", async (role, email) => {
    const token = await tokenFor(email);
    for (const route of ADMIN_ROUTES) {
      const res = await call(route.path(), { method: route.method, token, json: route.body?.() });
      const text = await res.text();
      expect(res.status, `${role} -> ${route.name}: ${text}`).toBe(403);
      expect(JSON.parse(text).type, route.name).toBe("urn:sogd:problem:forbidden");
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    }
    await expectUntouched();
  });

  it("without a session (or with a forged token) every admin route answers 401", async () => {
    for (const route of ADMIN_ROUTES) {
      const anonymous = await call(route.path(), { method: route.method, json: route.body?.() });
      expect(anonymous.status, route.name).toBe(401);
      expect((await json(anonymous)).type).toBe("urn:sogd:problem:unauthenticated");
      expect(anonymous.headers.get("www-authenticate"), route.name).toMatch(/^Bearer/);
      const forged = await call(route.path(), { method: route.method, token: "x".repeat(43), json: route.body?.() });
      expect(forged.status, route.name).toBe(401);
    }
    await expectUntouched();
  });

  it("a director cannot make themself admin through their own grants", async () => {
    const director = await tokenFor(USERS.director);
    const me = await json(await call("/api/v1/me", { token: director }));
    const res = await call(`/api/v1/users/${me.id}/grants`, { method: "PUT", token: director, json: { grants: [{ role: "admin", unitIds: [] }] } });
    await expectProblem(res, 403, "forbidden");
    expect((await json(await call("/api/v1/me", { token: director }))).roles).toEqual(["director"]);
  });

  it("a non-admin probing an unknown user id gets 403, as for a real one (no enumeration)", async () => {
    const author = await tokenFor(USERS.tanPhu);
    await expectProblem(await call("/api/v1/users/00000000-0000-7000-8000-00000000dead", { token: author }), 403, "forbidden");
    await expectProblem(await call(`/api/v1/users/${victim.id}`, { token: author }), 403, "forbidden");
  });
});

describe("units are readable by every signed-in user (forms need them)", () => {
  it("authors, centre heads and reviewers may GET /api/v1/units, their own unit included", async () => {
    for (const [role, email] of NON_ADMINS) {
      const token = await tokenFor(email);
      const res = await call("/api/v1/units?limit=100", { token });
      expect(res.status, role).toBe(200);
      const body = await json(res);
      const me = await json(await call("/api/v1/me", { token }));
      expect(body.items.map((u: any) => u.id), role).toContain(me.unitId);
      expect(body.items.length, role).toBeGreaterThanOrEqual(8);
    }
  });

  it("without a session GET /api/v1/units -> 401", async () => {
    await expectProblem(await call("/api/v1/units"), 401, "unauthenticated");
  });
});

describe("password hashes never leave the server", () => {
  it("no user answer (create, get, list, update, grants, (de)activate, sign-in, me) carries a hash or a password", async () => {
    const admin = await tokenFor(USERS.admin);
    const texts: string[] = [];
    const keep = async (res: Response) => {
      const text = await res.text();
      expect(res.status, text).toBeLessThan(300);
      texts.push(text);
      return JSON.parse(text);
    };
    const email = `bi-mat-${uniq()}@sogd.example`;
    const user = await keep(
      await call("/api/v1/users", { token: admin, json: { email, name: "Bí Mật", unitId: DEMO_UNITS.gdtx, password: PASSWORD, grants: [{ role: "specialist", unitIds: [DEMO_UNITS.quan6] }] } }),
    );
    await keep(await call(`/api/v1/users/${user.id}`, { token: admin }));
    await keep(await call("/api/v1/users?limit=100", { token: admin }));
    await keep(await call(`/api/v1/users?q=${encodeURIComponent(email)}`, { token: admin }));
    await keep(await call(`/api/v1/users/${user.id}`, { method: "PATCH", token: admin, json: { password: `${PASSWORD}-moi` } }));
    await keep(await call(`/api/v1/users/${user.id}/grants`, { method: "PUT", token: admin, json: { grants: [{ role: "author", unitIds: [] }] } }));
    await keep(await call(`/api/v1/users/${user.id}/deactivate`, { method: "POST", token: admin }));
    await keep(await call(`/api/v1/users/${user.id}/activate`, { method: "POST", token: admin }));
    const login = await keep(await call("/api/v1/auth/login", { json: { email, password: `${PASSWORD}-moi` }, headers: { "cf-connecting-ip": "10.30.0.2" } }));
    await keep(await call("/api/v1/me", { token: login.token }));
    // An error about a user must not carry it either.
    const conflict = await call("/api/v1/users", { token: admin, json: { email, name: "Trùng", unitId: DEMO_UNITS.gdtx, password: PASSWORD } });
    expect(conflict.status).toBe(409);
    texts.push(await conflict.text());

    const hashes = (await env.DB.prepare("SELECT password_hash FROM users").all<{ password_hash: string }>()).results.map((r) => r.password_hash);
    expect(hashes.length).toBeGreaterThan(8);
    for (const text of texts) {
      expect(text).not.toMatch(/pbkdf2/i);
      expect(text).not.toMatch(/"password(_?hash)?"\s*:/i);
      expect(text).not.toContain(PASSWORD);
      for (const h of hashes) {
        expect(text).not.toContain(h.split("$").at(-1)!);
        expect(text).not.toContain(h.split("$")[2]!);
      }
    }
  });
});
