import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { database } from "../../db/client";
import type { HonoEnv } from "../../env";
import { signedFor } from "../../domain/roles";
import { history, stageLabel } from "../../queries/review";
import { IdParam, jsonContent, problems, readMiddleware, security } from "../shared";
import { reportFor } from "../reports/access";
import { flowOf } from "./flow";

const HistoryEvent = z
  .object({
    seq: z.number().int(),
    action: z.string(),
    actor: z.object({ id: z.string(), name: z.string().nullable(), role: z.string().nullable() }).nullable(),
    stage: z.object({ id: z.string(), label: z.string().nullable() }).nullable(),
    fromStatus: z.string().nullable(),
    toStatus: z.string(),
    revision: z.number().int(),
    comment: z.string().nullable(),
    at: z.string(),
    onBehalfOf: z
      .object({ userId: z.string(), name: z.string(), role: z.string(), signedAs: z.string().openapi({ example: "KT. Trưởng phòng" }) })
      .nullable()
      .openapi({ description: "Set when the decision was made under a delegation (ký thay): whose role it exercised" }),
    assignee: z
      .object({ userId: z.string(), name: z.string() })
      .nullable()
      .openapi({ description: "Who the stage is assigned to after this event (an assign event's new assignee; null when handed back)" }),
  })
  .openapi("HistoryEvent");

const route = createRoute({
  method: "get",
  path: "/api/v1/reports/{id}/history",
  tags: ["review"],
  summary: "The audit trail: every event, with actor, stage, comment, revision and time (append-only)",
  security,
  middleware: readMiddleware,
  request: { params: IdParam },
  responses: {
    200: jsonContent(
      z.object({
        items: z.array(HistoryEvent),
        delivery: z
          .object({ pendingProjection: z.boolean(), issues: z.array(z.object({ at: z.string(), kind: z.string(), detail: z.string() })) })
          .openapi({ description: "Failures met on the way and retried (D1 projection, notifications, publication steps), newest first" }),
      }),
      "Oldest first",
    ),
    ...problems(401, 404),
  },
});

export function registerHistory(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const report = await reportFor(database(c.env.DB), c.get("actor"), c.req.valid("param").id, "report.read");
    const [rows, delivery] = await Promise.all([history(c.env.DB, report.id), flowOf(c.env, report.id).delivery()]);
    return c.json(
      {
        items: rows.map((r) => ({
          seq: r.seq,
          action: r.action,
          actor: r.actor_id ? { id: r.actor_id, name: r.actor_name, role: r.actor_role } : null,
          stage: r.stage ? { id: r.stage, label: stageLabel(report.kind, r.stage) } : null,
          fromStatus: r.from_status,
          toStatus: r.to_status,
          revision: r.revision,
          comment: r.comment,
          at: r.created_at,
          onBehalfOf: r.on_behalf_of_id
            ? { userId: r.on_behalf_of_id, name: r.on_behalf_of_name ?? "", role: r.on_behalf_of_role ?? "", signedAs: signedFor(r.on_behalf_of_role ?? "") }
            : null,
          assignee: r.assignee_id ? { userId: r.assignee_id, name: r.assignee_name ?? "" } : null,
        })),
        delivery: { pendingProjection: delivery.pendingProjection, issues: delivery.issues },
      },
      200,
    );
  });
}
