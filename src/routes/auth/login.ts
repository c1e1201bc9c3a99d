import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { setCookie } from "hono/cookie";
import { ApiError } from "../../errors";
import type { HonoEnv } from "../../env";
import { SESSION_COOKIE } from "../../middleware/auth";
import { limitBody, requireMediaType } from "../../middleware/request-guards";
import { actorForToken } from "../../queries/sessions";
import { signIn, trustedClientAddress } from "../../services/sign-in";
import { jsonBody, jsonContent, problems } from "../shared";
import { meOf } from "./me";
import { MeSchema } from "./schemas";

export const LoginRequest = z
  .strictObject({
    email: z.email().max(254),
    password: z.string().min(1).max(256),
  })
  .openapi("LoginRequest");

const LoginResponse = z.object({ token: z.string(), expiresAt: z.string(), user: MeSchema }).openapi("LoginResponse");

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/login",
  tags: ["auth"],
  summary: "Sign in; returns a bearer token and sets the session cookie",
  middleware: [limitBody(), requireMediaType("application/json")] as const,
  request: jsonBody(LoginRequest),
  responses: {
    200: jsonContent(LoginResponse, "Signed in"),
    ...problems(400, 401, 413, 415, 422, 429),
  },
});

export function registerLogin(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const { email, password } = c.req.valid("json");
    const result = await signIn(c.env, { email, password, clientIp: trustedClientAddress((name) => c.req.header(name)), userAgent: c.req.header("user-agent") ?? null });
    if (!result.ok && result.reason === "locked") throw new ApiError("too_many_requests", { headers: { "retry-after": String(result.retryAfter) } });
    if (!result.ok) throw new ApiError("invalid_credentials");
    const actor = await actorForToken(c.env.DB, result.token);
    if (!actor) throw new ApiError("internal");
    setCookie(c, SESSION_COOKIE, result.token, { httpOnly: true, secure: true, sameSite: "Lax", path: "/", maxAge: result.ttlHours * 3600 });
    c.header("cache-control", "no-store");
    return c.json({ token: result.token, expiresAt: result.expiresAt, user: meOf(actor) }, 200);
  });
}
