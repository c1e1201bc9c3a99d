/** @jsxImportSource hono/jsx */
import type { Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { SESSION_COOKIE } from "../middleware/auth";
import { revokeSession } from "../queries/sessions";
import { signIn, trustedClientAddress } from "../services/sign-in";
import { page } from "./render";
import { safeNext, webSession, type WebEnv } from "./session";
import { str } from "./forms";

function LoginForm(props: { next: string; email: string; error: string | null }) {
  return (
    <div class="card narrow">
      <h1>Đăng nhập</h1>
      {props.error ? (
        <p class="errors" role="alert">
          {props.error}
        </p>
      ) : null}
      <form method="post" action="/app/login">
        <input type="hidden" name="next" value={props.next} />
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="username" value={props.email} required />
        <label for="password">Mật khẩu</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <div class="actions">
          <button type="submit">Đăng nhập</button>
        </div>
      </form>
    </div>
  );
}

export function registerWebAuth(app: Hono<WebEnv>) {
  app.get("/app/login", (c) => page(c, "Đăng nhập", <LoginForm next={safeNext(c.req.query("next"))} email="" error={c.req.query("het-han") ? "Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại." : null} />));

  app.post("/app/login", async (c) => {
    // No session yet, so no CSRF token: the form must at least come from our own origin.
    const origin = c.req.header("origin");
    if (origin && origin !== new URL(c.req.url).origin) return c.text("Forbidden", 403);
    const form = await c.req.parseBody();
    const email = str(form, "email").trim().toLowerCase();
    const password = str(form, "password");
    const next = safeNext(str(form, "next"));
    const again = (error: string, status: 401 | 429 | 422) => page(c, "Đăng nhập", <LoginForm next={next} email={email} error={error} />, status);
    if (!email || !password) return again("Vui lòng nhập email và mật khẩu.", 422);
    const result = await signIn(c.env, { email, password, clientIp: trustedClientAddress((name) => c.req.header(name)), userAgent: c.req.header("user-agent") ?? null });
    if (!result.ok && result.reason === "locked") return again(`Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ${Math.ceil(result.retryAfter / 60)} phút.`, 429);
    if (!result.ok) return again("Email hoặc mật khẩu không đúng.", 401);
    setCookie(c, SESSION_COOKIE, result.token, { httpOnly: true, secure: true, sameSite: "Lax", path: "/", maxAge: result.ttlHours * 3600 });
    return c.redirect(next, 303);
  });

  app.post("/app/logout", webSession(), async (c) => {
    await revokeSession(c.env.DB, c.get("actor").sessionTokenHash);
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true, httpOnly: true, sameSite: "Lax" });
    return c.redirect("/app/login", 303);
  });
}

