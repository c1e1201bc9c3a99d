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

/** Figures of a periodic report; the stated rate must agree with the counts. */
export const Figures = z
  .strictObject({
    period: text(120).min(1).openapi({ example: "Học kì I năm học 2023 – 2024" }),
    enrolled: z.number().int().min(0).max(10_000_000).openapi({ example: 13184 }),
    completed: z.number().int().min(0).max(10_000_000).openapi({ example: 13001 }),
    rate: z.number().min(0).max(100).openapi({ description: "Stated completion rate in percent", example: 98.6 }),
  })
  .superRefine((f, ctx) => {
    if (f.completed > f.enrolled) {
      ctx.addIssue({ code: "custom", path: ["completed"], message: "Số hoàn thành không thể lớn hơn số tham gia" });
      return;
    }
    const computed = f.enrolled === 0 ? 0 : (f.completed / f.enrolled) * 100;
    // The stated rate is usually rounded to one decimal (98,6%): allow half a unit of that.
    if (Math.abs(computed - f.rate) > 0.05 + 1e-9) {
      ctx.addIssue({
        code: "custom",
        path: ["rate"],
        message: `Tỷ lệ ghi ${String(f.rate).replace(".", ",")}% không khớp với ${f.completed}/${f.enrolled} = ${computed.toFixed(1).replace(".", ",")}%`,
      });
    }
  })
  .openapi("Figures");

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
  figures: Figures.nullable().optional(),
  publishAt: z.iso.datetime({ offset: true }).nullable().optional().openapi({ description: "For kinds published at a set time" }),
};

export const CreateReport = z
  .strictObject({ kind: z.enum(REPORT_KINDS), ...content })
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
    figures: z.record(z.string(), z.unknown()).nullable(),
    publishAt: z.string().nullable(),
    status: z.enum(REPORT_STATUSES),
    stage: z.string().nullable(),
    version: z.number().int(),
    revision: z.number().int(),
    workflowVersion: z.number().int().nullable(),
    publishedUrl: z.string().nullable(),
    attachments: z.array(AttachmentSchema),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Report");

export const ReportListItem = ReportSchema.omit({ body: true, attendees: true, figures: true, attachments: true }).openapi("ReportListItem");
