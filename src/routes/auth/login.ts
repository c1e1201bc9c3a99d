import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { setCookie } from "hono/cookie";
import { verifyPassword, DUMMY_PASSWORD_HASH } from "../../domain/password";
import { ApiError } from "../../errors";
import type { HonoEnv } from "../../env";
import { SESSION_COOKIE } from "../../middleware/auth";
import { limitBody, requireMediaType } from "../../middleware/request-guards";
import { clearAccount, lockedFor, recordFailure, throttleKeys } from "../../queries/login-throttle";
import { actorForToken, createSession } from "../../queries/sessions";
import { jsonBody, jsonContent, problems } from "../shared";
import { meOf } from "./me";
import { MeSchema } from "./schemas";

const LoginRequest = z
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
    const { password } = c.req.valid("json");
    const email = c.req.valid("json").email.trim().toLowerCase();
    const db = c.env.DB;
    const keys = throttleKeys(email, c.req.header("cf-connecting-ip") ?? "local");

    const wait = await lockedFor(db, keys);
    if (wait > 0) throw new ApiError("too_many_requests", { headers: { "retry-after": String(wait) } });

    const user = await db
      .prepare("SELECT id, password_hash, active FROM users WHERE email = ?")
      .bind(email)
      .first<{ id: string; password_hash: string; active: number }>();
    // Verify even when there is no such user, so timing does not tell whether the email exists.
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_PASSWORD_HASH);
    if (!user || !ok || !user.active) {
      await recordFailure(db, keys);
      throw new ApiError("invalid_credentials");
    }
    await clearAccount(db, keys);

    const ttlHours = Number(c.env.SESSION_TTL_HOURS) || 12;
    const session = await createSession(db, user.id, ttlHours, c.req.header("user-agent") ?? null);
    const actor = await actorForToken(db, session.token);
    if (!actor) throw new ApiError("internal");
    setCookie(c, SESSION_COOKIE, session.token, {
      httpOnly: true,
      secure: true,
      sameSite: "Lax",
      path: "/",
      maxAge: ttlHours * 3600,
    });
    c.header("cache-control", "no-store");
    return c.json({ token: session.token, expiresAt: session.expiresAt, user: meOf(actor) }, 200);
  });
}
