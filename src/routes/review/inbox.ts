import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { inbox, INBOX_SCOPES, stageLabel } from "../../queries/review";
import { cursorCodec, jsonContent, ListQueryBase, pageOf, problems, readMiddleware, security } from "../shared";

const InboxItem = z
  .object({
    id: z.string(),
    kind: z.string(),
    title: z.string(),
    unit: z.object({ id: z.string(), name: z.string() }),
    stage: z.object({ id: z.string(), label: z.string().nullable(), role: z.string() }),
    dueAt: z.string(),
    overdue: z.boolean(),
    revision: z.number().int(),
    version: z.number().int(),
    updatedAt: z.string(),
    assignee: z.object({ userId: z.string(), name: z.string() }).nullable(),
  })
  .openapi("InboxItem");

const InboxQuery = z.strictObject({
  ...ListQueryBase,
  scope: z.enum(INBOX_SCOPES).default("mine").openapi({
    description: "mine: assigned to the caller (or to someone they sign for now) and those assigned to nobody, which they may take; unassigned: only those; all: everything waiting at their stages",
  }),
});

const route = createRoute({
  method: "get",
  path: "/api/v1/inbox",
  tags: ["review"],
  summary: "Reports waiting for the caller's decision, due soonest first",
  security,
  middleware: readMiddleware,
  request: { query: InboxQuery },
  responses: { 200: jsonContent(z.object({ items: z.array(InboxItem), nextCursor: z.string().nullable() }), "The inbox"), ...problems(401, 422) },
});

export function registerInbox(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const q = c.req.valid("query");
    const rows = await inbox(c.env.DB, c.get("actor"), { after: q.cursor ? cursorCodec.decode(q.cursor) : undefined, limit: q.limit, scope: q.scope });
    const page = pageOf(rows, q.limit, (r) => [r.stage_due_at, r.id]);
    const now = new Date().toISOString();
    return c.json(
      {
        items: page.items.map((r) => ({
          id: r.id,
          kind: r.kind,
          title: r.title,
          unit: { id: r.unit_id, name: r.unit_name },
          stage: { id: r.stage, label: stageLabel(r.kind, r.stage), role: r.stage_role },
          dueAt: r.stage_due_at,
          overdue: r.stage_due_at < now,
          revision: r.revision,
          version: r.version,
          updatedAt: r.updated_at,
          assignee: r.assignee_id ? { userId: r.assignee_id, name: r.assignee_name ?? "" } : null,
        })),
        nextCursor: page.nextCursor,
      },
      200,
    );
  });
}
