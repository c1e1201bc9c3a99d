import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { and, desc, eq, lt, or } from "drizzle-orm";
import { database } from "../../db/client";
import { notifications } from "../../db/schema";
import { mayDo } from "../../domain/policy";
import { ApiError } from "../../errors";
import type { HonoEnv } from "../../env";
import { NOTIFICATION_TEMPLATES } from "../../flow/effects";
import { PERIOD_TEMPLATES } from "../../reminders/messages";
import { cursorCodec, jsonContent, ListQueryBase, pageOf, problems, readMiddleware, security } from "../shared";

const NotificationSchema = z
  .object({
    id: z.string(),
    to: z.string(),
    userId: z.string().nullable(),
    reportId: z.string().nullable(),
    template: z.string(),
    subject: z.string(),
    status: z.enum(["queued", "sent", "failed", "skipped"]),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .openapi("Notification");

const route = createRoute({
  method: "get",
  path: "/api/v1/notifications",
  tags: ["notifications"],
  summary: "The notifications log: every email, its status and attempts, newest first (admin)",
  security,
  middleware: readMiddleware,
  request: {
    query: z.strictObject({
      status: z.enum(["queued", "sent", "failed", "skipped"]).optional(),
      template: z.enum([...NOTIFICATION_TEMPLATES, ...PERIOD_TEMPLATES]).optional(),
      reportId: z.string().max(64).optional(),
      ...ListQueryBase,
    }),
  },
  responses: {
    200: jsonContent(z.object({ items: z.array(NotificationSchema), nextCursor: z.string().nullable() }), "A page of the log"),
    ...problems(401, 403, 422),
  },
});

export function registerNotifications(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    if (!mayDo(c.get("actor"), "notification.read")) throw new ApiError("forbidden");
    const q = c.req.valid("query");
    const after = q.cursor ? cursorCodec.decode(q.cursor) : undefined;
    const rows = await database(c.env.DB)
      .select()
      .from(notifications)
      .where(
        and(
          q.status ? eq(notifications.status, q.status) : undefined,
          q.template ? eq(notifications.template, q.template) : undefined,
          q.reportId ? eq(notifications.reportId, q.reportId) : undefined,
          after ? or(lt(notifications.createdAt, after[0]), and(eq(notifications.createdAt, after[0]), lt(notifications.id, after[1]))) : undefined,
        ),
      )
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(q.limit + 1)
      .all();
    const page = pageOf(rows, q.limit, (r) => [r.createdAt, r.id]);
    return c.json(
      {
        items: page.items.map((r) => ({
          id: r.id,
          to: r.toEmail,
          userId: r.userId,
          reportId: r.reportId,
          template: r.template,
          subject: r.subject,
          status: r.status,
          attempts: r.attempts,
          lastError: r.lastError,
          createdAt: r.createdAt,
          sentAt: r.sentAt,
        })),
        nextCursor: page.nextCursor,
      },
      200,
    );
  });
}
