import { z } from "@hono/zod-openapi";
import { REPORT_STATUSES } from "../../db/schema";
import { REPORT_KINDS } from "../../../workflows";
import { hasControlCharacter, isWellFormedText, multiLineText, singleLineText, TEXT_MESSAGES } from "../../domain/text";

// Text fields follow the one rule in src/domain/text.ts: single-line fields refuse control
// characters, multi-line ones (summary, body) keep LF and tab and drop other controls.
const text = singleLineText;

const isRealDate = (s: string) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

export const EventDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Ngày theo dạng YYYY-MM-DD")
  .refine(isRealDate, "Ngày không tồn tại")
  .refine((s) => s >= "2000-01-01" && s <= "2100-12-31", "Ngày phải trong khoảng 2000–2100")
  .openapi({ example: "2024-01-23" });

export const Attendee = z
  .strictObject({
    name: text(120).min(1),
    title: text(200).default(""),
  })
  .openapi("Attendee");

// A periodic report's figures and notes are checked against its period's indicator set in the
// service (src/services/period-reports.ts), which names each bad `figures.<indicatorId>`: here they
// are only objects (any JSON value passes to that check, so a wrong shape is named there too).
export const Figures = z
  .unknown()
  .openapi({
    type: "object",
    additionalProperties: { type: "number" },
    description: "{<indicatorId>: number} for the indicators of the period's set (GET /api/v1/indicator-sets/{id})",
    example: { classes: 12, enrolled: 13184, completed: 13001, completionRate: 98.6, dropouts: 120, adultLearners: 4200, teachers: 85 },
  });

export const FigureNotes = z.unknown().openapi({
  type: "object",
  additionalProperties: { type: "string" },
  description: "{<indicatorId>: text} explaining a figure that moved more than its indicator's maxChangePct since the previous period",
  example: { enrolled: "Trung tâm mở thêm 4 lớp liên kết với doanh nghiệp" },
});

export const FigureCheckSchema = z
  .object({
    indicatorId: z.string(),
    previous: z.number(),
    current: z.number(),
    changePct: z.number().nullable(),
    severity: z.literal("warning"),
  })
  .openapi("FigureCheck");

export const SourceUrl = z
  .url({ protocol: /^https?$/, hostname: z.regexes.domain })
  .max(2000)
  // The URL parser accepts (and drops or escapes) tabs, newlines and other controls, but the
  // string itself is what is stored and shown.
  .refine((s) => isWellFormedText(s) && !hasControlCharacter(s), TEXT_MESSAGES.control)
  .openapi({ example: "https://hcm.edu.vn/bai-viet" });

const content = {
  title: text(300).min(3),
  summary: multiLineText(2000).nullable().optional(),
  body: multiLineText(100_000, { trim: false }).refine((s) => s.trim().length > 0, "Nội dung không được để trống"),
  eventDate: EventDate.nullable().optional(),
  location: text(300).nullable().optional(),
  attendees: z.array(Attendee).max(300).optional(),
  sourceUrl: SourceUrl.nullable().optional(),
  figures: Figures.optional(),
  figureNotes: FigureNotes.optional(),
  publishAt: z.iso.datetime({ offset: true }).nullable().optional().openapi({ description: "For kinds published at a set time" }),
  correctionNote: multiLineText(2000)
    .min(5, "Nội dung đính chính cần ít nhất 5 ký tự")
    .nullable()
    .optional()
    .openapi({
      description: "What a correction of a published article changes, shown to readers as “Đính chính ngày …: <note>”; required to resubmit a report that has been published",
      example: "Sửa số học viên tốt nghiệp từ 1.250 thành 1.205.",
    }),
};

export const CreateReport = z
  .strictObject({
    kind: z.enum(REPORT_KINDS),
    periodId: z.string().max(64).optional().openapi({ description: "The reporting period of a periodic report (required for that kind)" }),
    ...content,
  })
  .openapi("CreateReport");

export const UpdateReport = z
  .strictObject({ ...content, title: content.title.optional(), body: content.body.optional() })
  .refine((v) => Object.keys(v).length > 0, { message: "Cần ít nhất một trường để cập nhật" })
  .openapi("UpdateReport");

export const AttachmentSchema = z
  .object({
    id: z.string(),
    caption: z.string(),
    position: z.number().int(),
    contentType: z.string(),
    size: z.number().int(),
    url: z.string(),
    createdAt: z.string(),
  })
  .openapi("Attachment");

export const ReportSchema = z
  .object({
    id: z.string(),
    kind: z.enum(REPORT_KINDS),
    unitId: z.string(),
    authorId: z.string(),
    title: z.string(),
    slug: z.string(),
    summary: z.string().nullable(),
    body: z.string(),
    eventDate: z.string().nullable(),
    location: z.string().nullable(),
    attendees: z.array(z.object({ name: z.string(), title: z.string() })),
    sourceUrl: z.string().nullable(),
    periodId: z.string().nullable(),
    figures: z.record(z.string(), z.unknown()).nullable(),
    figureNotes: z.record(z.string(), z.string()).nullable(),
    checks: z.array(FigureCheckSchema).openapi({ description: "Warnings against the unit's approved figures of the previous period of the same set" }),
    submittedAt: z.string().nullable(),
    publishAt: z.string().nullable(),
    correctionNote: z.string().nullable(),
    status: z.enum(REPORT_STATUSES),
    stage: z.string().nullable(),
    assignee: z
      .object({ userId: z.string(), name: z.string() })
      .nullable()
      .openapi({ description: "Who the current stage is assigned to (DESIGN.md section 13); null when it is open to all its holders" }),
    version: z.number().int(),
    revision: z.number().int(),
    workflowVersion: z.number().int().nullable(),
    publishedUrl: z.string().nullable(),
    attachments: z.array(AttachmentSchema),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Report");

export const ReportListItem = ReportSchema.omit({ body: true, attendees: true, figures: true, figureNotes: true, checks: true, attachments: true }).openapi("ReportListItem");
