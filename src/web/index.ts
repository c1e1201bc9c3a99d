// The web interface under /app: server-rendered pages over the same services as the API.
import { Hono, type MiddlewareHandler } from "hono";
import { MAX_IMAGE_BYTES } from "../domain/images";
import { limitBody, mediaTypeOf } from "../middleware/request-guards";
import { registerWebAdmin } from "./admin";
import { registerWebAuth } from "./auth";
import { registerWebCalendar } from "./calendar";
import { registerWebPeriodBoard } from "./period-board";
import { registerWebPeriodRollup } from "./period-rollup";
import { registerWebPeriods } from "./periods";
import { readForm } from "./forms";
import { notFoundPage, unknownAddress } from "./not-found";
import { IMAGE_SLOTS, registerWebReports } from "./reports";
import { registerWebReview } from "./review";
import { registerWebSettings } from "./settings";
import type { WebEnv } from "./session";

/** Every page's form, the article included (a 100,000-character body, percent-encoded). */
export const WEB_FORM_LIMIT = 1024 * 1024;
/** The image upload: room for the multipart envelope around the largest image. */
export const WEB_UPLOAD_LIMIT = MAX_IMAGE_BYTES + 64 * 1024;

/** Every path of ours is ASCII letters, digits and `-._~`: ids are UUIDs, names are fixed. */
const APP_PATH = /^\/app(?:\/[A-Za-z0-9._~-]*)*$/;
const UPLOAD_PATH = /^\/app\/reports\/[^/]+\/images$/;
/** The report form, which carries its images (IMAGE_SLOTS of them, src/web/reports.tsx) with the text. */
const REPORT_FORM_PATH = /^\/app\/reports\/(?:new|[^/]+\/edit)$/;
export const WEB_REPORT_FORM_LIMIT = WEB_FORM_LIMIT + IMAGE_SLOTS * WEB_UPLOAD_LIMIT;

const formLimit = limitBody<WebEnv>(WEB_FORM_LIMIT);
const uploadLimit = limitBody<WebEnv>(WEB_UPLOAD_LIMIT);
const reportFormLimit = limitBody<WebEnv>(WEB_REPORT_FORM_LIMIT);

/**
 * In front of every /app route. A path that cannot be one of ours (a decoded CR/LF or NUL would
 * otherwise reach the Location of a redirect) is a 404 page. A POST's body is bounded (counted as
 * it streams, so a chunked body too), then read as a form once, with every field bounded, before
 * any page or the session check looks at it.
 */
function webGuard(): MiddlewareHandler<WebEnv> {
  return async function webGuard(c, next) {
    if (!APP_PATH.test(c.req.path)) return notFoundPage(c);
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    // The report form's room for images only when it can carry files (multipart): its text alone keeps the form limit.
    const withImages = REPORT_FORM_PATH.test(c.req.path) && mediaTypeOf(c) === "multipart/form-data";
    const limit = UPLOAD_PATH.test(c.req.path) ? uploadLimit : withImages ? reportFormLimit : formLimit;
    await limit(c, async () => {
      await readForm(c);
      await next();
    });
  };
}

export function webApp(): Hono<WebEnv> {
  const web = new Hono<WebEnv>();
  // "/app/*" covers "/app" itself too.
  web.use("/app/*", webGuard());
  registerWebAuth(web);
  registerWebReports(web);
  registerWebReview(web);
  registerWebAdmin(web);
  registerWebCalendar(web);
  // /app/periods/new before /app/periods/:id.
  registerWebPeriods(web);
  registerWebPeriodRollup(web);
  registerWebPeriodBoard(web);
  registerWebSettings(web);
  // Served by the static asset router in production; here when the Worker is called directly.
  web.get("/app/assets/:file{[a-z-]+\\.(?:js|css)}", async (c) => {
    const asset = await c.env.ASSETS.fetch(c.req.raw);
    return new Response(asset.body, asset);
  });
  // Last: an /app address no page answers is a Vietnamese page with a way back, not the API's JSON.
  web.all("/app/*", unknownAddress);
  return web;
}
