// Web sessions for tests of the /app pages through the Worker's fetch handler.
import { expect } from "vitest";
import { call } from "./api";
import { DEMO_PASSWORD } from "./seed";

export const ORIGIN = "http://127.0.0.1:8787";

/** Signs in through the web form; returns the session cookie (`name=value`). */
export async function signIn(email: string, ip: string): Promise<string> {
  const res = await call("/app/login", { body: new URLSearchParams({ email, password: DEMO_PASSWORD, next: "/app" }), headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": ip } });
  expect(res.status).toBe(303);
  return (res.headers.get("set-cookie") ?? "").split(";")[0]!;
}

/** The CSRF token a page's forms carry for this session. */
export async function csrfOf(cookie: string, path = "/app/reports/new?kind=news"): Promise<string> {
  const html = await (await call(path, { headers: { cookie } })).text();
  return /name="_csrf" value="([0-9a-f]{64})"/.exec(html)![1]!;
}

/** A same-origin form post with the session cookie. */
export const formPost = (cookie: string, fields: Record<string, string>) => ({
  body: new URLSearchParams(fields),
  headers: { cookie, "content-type": "application/x-www-form-urlencoded", origin: ORIGIN },
});
