// Request and response shapes of the delegations and absence API (DESIGN.md section 13).
import { z } from "@hono/zod-openapi";
import { addDays, CALENDAR_MESSAGES, parseCalendarDate, parseZonedDateTime, vnMoment } from "../../domain/calendar";
import { REVIEWER_ROLES } from "../../domain/roles";
import { multiLineText } from "../../domain/text";
import { DELEGATION_MESSAGES } from "../../services/delegations";

/**
 * An ISO 8601 date-time with its zone, or a date alone, as an instant ("…Z"). A date is a whole
 * day in Asia/Ho_Chi_Minh: as a start, 00:00 that day; as an end, 00:00 the day after, so that
 * "until 2025-03-14" includes the 14th.
 */
function instant(edge: "start" | "end") {
  return z.string({ error: DELEGATION_MESSAGES.when }).max(64, DELEGATION_MESSAGES.when).transform((s, ctx) => {
    if (!s.includes("T")) {
      const d = parseCalendarDate(s);
      if ("value" in d) return vnMoment(edge === "start" ? d.value : addDays(d.value, 1), 0);
      ctx.addIssue({ code: "custom", message: d.error === CALENDAR_MESSAGES.dateFormat ? DELEGATION_MESSAGES.when : d.error });
      return z.NEVER;
    }
    const t = parseZonedDateTime(s);
    if ("at" in t) return t.at.toISOString();
    ctx.addIssue({ code: "custom", message: t.error === CALENDAR_MESSAGES.fromFormat ? DELEGATION_MESSAGES.when : t.error });
    return z.NEVER;
  });
}

const userId = (description: string) => z.string().min(1).max(64).openapi({ description });
const note = multiLineText(500).optional().openapi({ description: "Up to 500 characters" });

export const CreateDelegation = z
  .strictObject({
    toUserId: userId("The delegate: holds a reviewer role, or belongs to the delegator's unit"),
    role: z
      .string()
      .max(32)
      .refine((r) => (REVIEWER_ROLES as readonly string[]).includes(r), DELEGATION_MESSAGES.notReviewerRole)
      .openapi({ type: "string", enum: [...REVIEWER_ROLES] }),
    startsAt: instant("start")
      .optional()
      .openapi({ type: "string", example: "2025-03-10", description: "ISO 8601 with a zone; a date alone is 00:00 Asia/Ho_Chi_Minh that day. Default now" }),
    endsAt: instant("end").openapi({
      type: "string",
      example: "2025-03-14",
      description: "ISO 8601 with a zone; a date alone is the end of that day (00:00 Asia/Ho_Chi_Minh the next day). At most 366 days after startsAt",
    }),
    note,
    fromUserId: userId("The delegator: required for an admin, otherwise the caller (or left out)").optional(),
  })
  .openapi("CreateDelegation");

const Person = z.object({ userId: z.string(), name: z.string() });

export const DelegationSchema = z
  .object({
    id: z.string(),
    from: Person,
    to: Person,
    role: z.string(),
    roleLabel: z.string().openapi({ example: "Trưởng phòng" }),
    kind: z.enum(["delegation", "absence"]),
    startsAt: z.string().openapi({ example: "2025-03-09T17:00:00.000Z" }),
    endsAt: z.string().openapi({ example: "2025-03-14T17:00:00.000Z" }),
    note: z.string().nullable(),
    createdBy: Person,
    createdAt: z.string(),
    endedAt: z.string().nullable(),
    state: z.enum(["scheduled", "active", "ended"]),
  })
  .openapi("Delegation");

export const ListDelegationsQuery = z.strictObject({
  scope: z.enum(["mine", "given", "received", "all"]).default("mine").openapi({ description: "mine: given and received by the caller; all: admin only" }),
  state: z.enum(["active", "scheduled", "ended"]).optional(),
  cursor: z.string().max(500).optional().openapi({ description: "nextCursor from the previous page" }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const PutAbsence = z
  .strictObject({
    from: instant("start")
      .optional()
      .openapi({ type: "string", example: "2025-03-10", description: "ISO 8601 with a zone; a date alone is 00:00 Asia/Ho_Chi_Minh that day. Default now" }),
    until: instant("end").openapi({ type: "string", example: "2025-03-14", description: "ISO 8601 with a zone; a date alone is the end of that day" }),
    // Its own message when missing, rather than the generic "Bắt buộc".
    substituteId: z
      .string({ error: DELEGATION_MESSAGES.noSubstitute })
      .min(1, DELEGATION_MESSAGES.noSubstitute)
      .max(64)
      .openapi({ description: "Who decides the caller's stages meanwhile: holds a reviewer role, or belongs to the caller's unit" }),
    note,
  })
  .openapi("PutAbsence");

export const AbsenceSchema = z
  .object({
    from: z.string(),
    until: z.string(),
    substitute: Person,
    roles: z.array(z.string()),
    note: z.string().nullable(),
    delegations: z.array(DelegationSchema),
  })
  .openapi("Absence");

export const AbsenceAnswer = z.object({ absence: AbsenceSchema.nullable() }).openapi("AbsenceAnswer");
