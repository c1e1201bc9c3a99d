// The caller's own absence (vắng mặt): every reviewer role they hold, delegated to one substitute.
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { absenceOf } from "../../services/delegations";
import { endAbsence, setAbsence } from "../../services/delegation-endings";
import { actionMiddleware, jsonBody, jsonContent, problems, readMiddleware, security, writeMiddleware } from "../shared";
import { AbsenceAnswer, PutAbsence } from "./schemas";

const path = "/api/v1/me/absence";

const getRoute = createRoute({
  method: "get",
  path,
  tags: ["delegations"],
  summary: "The caller's absence running now or next (not ended), or null",
  security,
  middleware: readMiddleware,
  responses: { 200: jsonContent(AbsenceAnswer, "The absence, or null"), ...problems(401) },
});

const putRoute = createRoute({
  method: "put",
  path,
  tags: ["delegations"],
  summary:
    "Set the caller's absence: every reviewer role they hold goes to the substitute for that time (one delegation of kind 'absence' per role), replacing their previous absence. A manual delegation of one of those roles meeting that time is a 409 naming it",
  security,
  middleware: writeMiddleware,
  request: jsonBody(PutAbsence),
  responses: { 200: jsonContent(AbsenceAnswer, "The absence as set"), ...problems(401, 409, 413, 415, 422) },
});

const deleteRoute = createRoute({
  method: "delete",
  path,
  tags: ["delegations"],
  summary: "End the caller's absence early (or call off one to come); 404 when there is none",
  security,
  middleware: actionMiddleware,
  responses: { 200: jsonContent(AbsenceAnswer, "No absence any more"), ...problems(400, 401, 404, 415) },
});

export function registerAbsence(app: OpenAPIHono<HonoEnv>) {
  app.openapi(getRoute, async (c) => c.json({ absence: await absenceOf(c.env.DB, c.get("actor")) }, 200));
  app.openapi(putRoute, async (c) => c.json({ absence: await setAbsence(c.env, c.get("actor"), c.req.valid("json")) }, 200));
  app.openapi(deleteRoute, async (c) => {
    await endAbsence(c.env, c.get("actor"));
    return c.json({ absence: null }, 200);
  });
}
