import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../src/domain/ids";
import { THROTTLE } from "../src/queries/login-throttle";
import { call, expectProblem, json } from "./helpers/api";
import { DEMO_PASSWORD } from "./helpers/seed";

const login = (email: string, password: string, ip: string) =>
  call("/api/v1/auth/login", { json: { email, password }, headers: { "cf-connecting-ip": ip } });

describe("sign-in: lock-outs", () => {
  it("repeated failures lock the account for a while, even for the right password", async () => {
    const email = "tanphu@trungtam.example";
    for (let i = 0; i < THROTTLE.accountLimit; i++) {
      // Each try from another address: the account's own count is what locks it.
      expect((await login(email, "wrong-password", `203.0.113.${i + 1}`)).status).toBe(401);
    }
    const locked = await login(email, DEMO_PASSWORD, "203.0.113.200");
    await expectProblem(locked, 429, "too-many-requests");
    const retryAfter = Number(locked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(THROTTLE.lockMinutes * 60);

    // When the lock has run out, the right password works again and the count starts afresh.
    await env.DB.prepare("UPDATE login_throttle SET locked_until = ?, window_start = ? WHERE key = ?")
      .bind(new Date(Date.now() - 1000).toISOString(), new Date(Date.now() - 3600_000).toISOString(), `account:${email}`)
      .run();
    expect((await login(email, DEMO_PASSWORD, "203.0.113.201")).status).toBe(200);
  });

  it("one client failing against many accounts is locked out", async () => {
    const ip = "192.0.2.99";
    for (let i = 0; i < THROTTLE.clientLimit; i++) {
      expect((await login(`guess${i}@trungtam.example`, "wrong-password", ip)).status).toBe(401);
    }
    await expectProblem(await login("quan6@trungtam.example", DEMO_PASSWORD, ip), 429, "too-many-requests");
    // Another client is not affected.
    expect((await login("quan6@trungtam.example", DEMO_PASSWORD, "192.0.2.100")).status).toBe(200);
  });
});

describe("sessions", () => {
  it("the token is stored only as its SHA-256", async () => {
    const { token } = await json(await login("admin@sogd.example", DEMO_PASSWORD, "198.18.0.1"));
    const stored = await env.DB.prepare("SELECT token_hash FROM sessions WHERE token_hash = ?").bind(await sha256Hex(token)).first();
    expect(stored).not.toBeNull();
    const raw = await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE token_hash = ?").bind(token).first<{ n: number }>();
    expect(raw?.n).toBe(0);
  });

  it("passwords are stored as salted PBKDF2-SHA256: two users with one password have different hashes", async () => {
    const { results } = await env.DB.prepare("SELECT password_hash FROM users WHERE email IN ('admin@sogd.example', 'quan6@trungtam.example')").all<{ password_hash: string }>();
    for (const r of results) expect(r.password_hash).toMatch(/^pbkdf2-sha256\$100000\$/);
  });

  it("an expired session is refused", async () => {
    const { token } = await json(await login("quan6@trungtam.example", DEMO_PASSWORD, "198.18.0.2"));
    expect((await call("/api/v1/me", { token })).status).toBe(200);
    await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE token_hash = ?").bind(new Date(Date.now() - 1000).toISOString(), await sha256Hex(token)).run();
    await expectProblem(await call("/api/v1/me", { token }), 401, "unauthenticated");
  });

  it.each([
    ["no credentials", {}],
    ["a made-up token", { authorization: "Bearer aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" }],
    ["a malformed header", { authorization: "Basic YWRtaW46ZGVtbw==" }],
    ["a made-up cookie", { cookie: "sogd_session=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" }],
  ])("%s -> 401 with WWW-Authenticate", async (_what, headers) => {
    const res = await call("/api/v1/me", { headers });
    await expectProblem(res, 401, "unauthenticated");
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("security headers are on API answers, errors included", async () => {
    for (const res of [await call("/api/v1/me"), await call("/api/v1/nowhere")]) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    }
  });
});

describe("cross-site requests riding on the session cookie", () => {
  const cookieOf = async () => {
    const res = await login("quan6@trungtam.example", DEMO_PASSWORD, "198.18.0.3");
    return (res.headers.get("set-cookie") ?? "").split(";")[0]!;
  };
  const draft = { kind: "news", title: "Tin thử CSRF", body: "Nội dung" };

  it("a write from another origin with only the cookie is refused, and nothing is written", async () => {
    const cookie = await cookieOf();
    const before = await env.DB.prepare("SELECT count(*) AS n FROM reports").first<{ n: number }>();
    const res = await call("/api/v1/reports", { json: draft, headers: { cookie, origin: "https://evil.example" } });
    await expectProblem(res, 403, "forbidden");
    const res2 = await call("/api/v1/reports", { json: draft, headers: { cookie, "sec-fetch-site": "cross-site" } });
    await expectProblem(res2, 403, "forbidden");
    const after = await env.DB.prepare("SELECT count(*) AS n FROM reports").first<{ n: number }>();
    expect(after!.n).toBe(before!.n);
  });

  it("the same write from our own origin, or with a bearer token, goes through", async () => {
    const cookie = await cookieOf();
    const same = await call("/api/v1/reports", { json: draft, headers: { cookie, origin: "http://127.0.0.1:8787" } });
    expect(same.status).toBe(201);
    const { token } = await json(await login("quan6@trungtam.example", DEMO_PASSWORD, "198.18.0.4"));
    const bearer = await call("/api/v1/reports", { json: draft, token, headers: { origin: "https://tool.example" } });
    expect(bearer.status).toBe(201);
  });

  it("reads with the cookie from elsewhere are not writes and still answer", async () => {
    const cookie = await cookieOf();
    expect((await call("/api/v1/me", { headers: { cookie, origin: "https://evil.example" } })).status).toBe(200);
  });
});
