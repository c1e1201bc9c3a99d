import { describe, expect, it } from "vitest";
import { call, json, tokenFor, USERS } from "./helpers/api";
import { DEMO_PASSWORD } from "./helpers/seed";

describe("sign-in: happy paths", () => {
  it.each(Object.entries(USERS))("every demo user signs in (%s)", async (_who, email) => {
    const res = await call("/api/v1/auth/login", { json: { email, password: DEMO_PASSWORD } });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.user.email).toBe(email);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^sogd_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });

  it("GET /me with a bearer token returns the caller and their roles", async () => {
    const token = await tokenFor(USERS.specialist);
    const res = await call("/api/v1/me", { token });
    expect(res.status).toBe(200);
    const me = await json(res);
    expect(me).toMatchObject({ email: USERS.specialist, name: "Phạm Phương Bình", roles: ["specialist"] });
    expect(me.grants[0].unitIds.length).toBeGreaterThan(0);
  });

  it("the session cookie works in place of the bearer header", async () => {
    const login = await call("/api/v1/auth/login", { json: { email: USERS.quan6, password: DEMO_PASSWORD } });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
    const res = await call("/api/v1/me", { headers: { cookie } });
    expect(res.status).toBe(200);
    expect((await json(res)).email).toBe(USERS.quan6);
  });

  it("email is matched case-insensitively and trimmed", async () => {
    const res = await call("/api/v1/auth/login", { json: { email: "  Admin@SOGD.example ".trim(), password: DEMO_PASSWORD } });
    expect(res.status).toBe(200);
  });

  it("logout ends the session: the token stops working", async () => {
    const login = await json(await call("/api/v1/auth/login", { json: { email: USERS.tanPhu, password: DEMO_PASSWORD } }));
    const out = await call("/api/v1/auth/logout", { method: "POST", token: login.token });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/sogd_session=;/);
    expect((await call("/api/v1/me", { token: login.token })).status).toBe(401);
  });
});
