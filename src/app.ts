import { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { ApiError, onError, problemResponse, validationHook } from "./errors";
import type { HonoEnv } from "./env";
import { configureMessages } from "./domain/messages";
import { registerAttachmentContent } from "./routes/attachments/content";
import { registerListAttachments } from "./routes/attachments/list";
import { registerReorderAttachments } from "./routes/attachments/reorder";
import { registerEditAttachment } from "./routes/attachments/update";
import { registerUploadAttachment } from "./routes/attachments/upload";
import { registerLogin } from "./routes/auth/login";
import { registerLogout } from "./routes/auth/logout";
import { registerMe } from "./routes/auth/me";
import { registerDocs } from "./routes/docs";
import { registerCreateReport } from "./routes/reports/create";
import { registerGetReport } from "./routes/reports/get";
import { registerListReports } from "./routes/reports/list";
import { registerUpdateReport } from "./routes/reports/update";
import { registerCreateUnit } from "./routes/units/create";
import { registerListUnits } from "./routes/units/list";
import { registerUpdateUnit } from "./routes/units/update";
import { registerUserActivation } from "./routes/users/activation";
import { registerCreateUser } from "./routes/users/create";
import { registerGetUser } from "./routes/users/get";
import { registerSetGrants } from "./routes/users/set-grants";
import { registerListUsers } from "./routes/users/list";
import { registerUpdateUser } from "./routes/users/update";
import { registerWorkflows } from "./routes/workflows";
import { registerCalendar } from "./routes/calendar";
import { registerMetrics } from "./routes/metrics";
import { registerIndicatorSets } from "./routes/indicator-sets";
import { registerPeriods } from "./routes/periods";
import { registerDelegations } from "./routes/delegations";
import { registerDecide } from "./routes/review/decide";
import { registerAssign } from "./routes/review/assign";
import { registerDiff } from "./routes/review/diff";
import { registerHistory } from "./routes/review/history";
import { registerInbox } from "./routes/review/inbox";
import { registerSubmit } from "./routes/review/submit";
import { registerUnpublish } from "./routes/review/unpublish";
import { registerPortal } from "./routes/portal";
import { webApp } from "./web";
import { d1Session } from "./middleware/d1-session";
import { d1Stats } from "./middleware/d1-stats";
import { registerNotifications } from "./routes/notifications/list";
import { registerPreferences } from "./routes/auth/preferences";

configureMessages();

/**
 * What only the caller may see: everything under /api/v1 but the public API description (the
 * OpenAPI document, the reference page and its assets), and every /app page but the static
 * script and styles.
 */
export function isPrivatePath(path: string): boolean {
  if (path === "/api/v1" || path.startsWith("/api/v1/")) {
    return path !== "/api/v1/openapi.json" && path !== "/api/v1/docs" && !path.startsWith("/api/v1/docs/");
  }
  return (path === "/app" || path.startsWith("/app/")) && !path.startsWith("/app/assets/");
}

/**
 * Private answers are never kept by a browser's cache or a proxy (a shared computer, a cache in
 * front of the Worker): `no-store`, set here once for every route, errors and redirects included,
 * over whatever a route set.
 */
function privateNoStore(): MiddlewareHandler<HonoEnv> {
  return async function privateNoStore(c, next) {
    await next();
    if (isPrivatePath(c.req.path)) c.header("cache-control", "no-store");
  };
}

export function createApp() {
  const app = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

  app.use(requestId());
  app.use(privateNoStore());
  // One D1 session per request, before anything that reads D1 (sign-in look-ups included); d1Stats
  // comes after it so that it counts the queries sent through the session.
  app.use(d1Session());
  app.use(d1Stats());
  app.use(
    secureHeaders({
      xFrameOptions: "DENY",
      referrerPolicy: "strict-origin-when-cross-origin",
      crossOriginResourcePolicy: "same-origin",
      // Scripts only from this origin, never inline; inline styles are allowed (pages carry theirs).
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Stylesheets are static files (public/): no inline <style> and no style attributes.
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    }),
  );

  for (const register of [
    registerLogin,
    registerLogout,
    registerMe,
    registerPreferences,
    registerListUnits,
    registerCreateUnit,
    registerUpdateUnit,
    registerListUsers,
    registerCreateUser,
    registerGetUser,
    registerUpdateUser,
    registerUserActivation,
    registerSetGrants,
    registerListReports,
    registerCreateReport,
    registerGetReport,
    registerUpdateReport,
    registerListAttachments,
    registerUploadAttachment,
    registerReorderAttachments,
    registerEditAttachment,
    registerAttachmentContent,
    registerSubmit,
    registerDecide,
    registerAssign,
    registerHistory,
    registerDiff,
    registerInbox,
    registerUnpublish,
    registerNotifications,
    registerWorkflows,
    registerCalendar,
    registerMetrics,
    registerIndicatorSets,
    registerPeriods,
    registerDelegations,
    registerDocs,
  ]) {
    register(app);
  }

  registerPortal(app);
  app.route("/", webApp());
  app.get("/", (c) => c.redirect("/portal/"));
  // Browsers ask for /favicon.ico on their own; the department's mark is an SVG (public/favicon.svg).
  app.get("/favicon.ico", (c) => c.redirect("/favicon.svg", 301));
  // A bare route through the same middleware: the benchmarks' baseline.
  app.get("/healthz", (c) => c.text("ok"));
  // Returned, not thrown: Hono calls this outside the error boundary of the middleware chain.
  app.notFound((c) => problemResponse(c, new ApiError("not_found", { detail: `Không có đường dẫn ${c.req.method} ${new URL(c.req.url).pathname}` })));
  app.onError(onError);
  return app;
}
