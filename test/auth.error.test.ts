import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, expectProblem, json } from "./helpers/api";
import { DEMO_PASSWORD } from "./helpers/seed";

const login = (body: unknown, ip = "198.51.100.7", headers: Record<string, string> = {}) =>
  call("/api/v1/auth/login", { json: body, headers: { "cf-connecting-ip": ip, ...headers } });

describe("sign-in: bad input", () => {
  it.each([
    [{}, ["email", "password"]],
    [{ email: "not-an-email", password: "x" }, ["email"]],
    [{ email: "admin@sogd.example", password: "" }, ["password"]],
    [{ email: "admin@sogd.example", password: 42 }, ["password"]],
    [{ email: "admin@sogd.example", password: "x", remember: true }, ["remember"]],
    [{ email: `${"a".repeat(250)}@sogd.example`, password: "x" }, ["email"]],
    [{ email: "admin@sogd.example", password: "p".repeat(257) }, ["password"]],
  ])("%j -> 422 naming %j", async (body, paths) => {
    const problem = await expectProblem(await login(body, "198.51.100.1"), 422, "validation-failed");
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual([...paths].sort());
  });

  it("malformed JSON -> 400 problem", async () => {
    const res = await call("/api/v1/auth/login", { body: '{"email": "a@b.c",', headers: { "content-type": "application/json" } });
    await expectProblem(res, 400, "malformed-request");
  });

  it("a form post instead of JSON -> 415", async () => {
    const res = await call("/api/v1/auth/login", { body: "email=a@b.c&password=x", headers: { "content-type": "application/x-www-form-urlencoded" } });
    await expectProblem(res, 415, "unsupported-media-type");
  });

  it("an oversized body -> 413, with or without Content-Length", async () => {
    const big = JSON.stringify({ email: "a@b.c", password: "x".repeat(300 * 1024) });
    await expectProblem(await login(JSON.parse(big)), 413, "payload-too-large");
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const res = await call("/api/v1/auth/login", { body: stream, headers: { "content-type": "application/json" } });
    await expectProblem(res, 413, "payload-too-large");
  });

  it("GET on the login route and unknown routes -> 404 problem", async () => {
    await expectProblem(await call("/api/v1/auth/login"), 404, "not-found");
    await expectProblem(await call("/api/v1/no-such-thing"), 404, "not-found");
    await expectProblem(await call("/elsewhere"), 404, "not-found");
  });
});

describe("sign-in: what a failure reveals", () => {
  it("a wrong password and an unknown email get the same answer", async () => {
    const a = await login({ email: "quan6@trungtam.example", password: "wrong-password" }, "198.51.100.20");
    const b = await login({ email: "nobody@trungtam.example", password: "wrong-password" }, "198.51.100.21");
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    const [pa, pb] = [await json(a), await json(b)];
    expect(pa).toEqual(pb);
    expect(pa.type).toBe("urn:sogd:problem:invalid-credentials");
  });

  it("a deactivated account cannot sign in, with the same answer as a wrong password", async () => {
    await env.DB.prepare("UPDATE users SET active = 0 WHERE email = 'minhkhai@truong.example'").run();
    const res = await login({ email: "minhkhai@truong.example", password: DEMO_PASSWORD }, "198.51.100.22");
    await expectProblem(res, 401, "invalid-credentials");
    await env.DB.prepare("UPDATE users SET active = 1 WHERE email = 'minhkhai@truong.example'").run();
  });
});
