// GET /api/v1/periods/:id/export?format=xlsx|csv (DESIGN.md section 11): one row per unit the
// period expects (as many as the caller monitors), a totals row with the roll-up, Vietnamese
// headers. The table is built in src/domain/rollup.ts; here it only becomes a file.
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { csvOf } from "../../domain/csv";
import { slugify } from "../../domain/text";
import type { HonoEnv } from "../../env";
import { periodExport, type PeriodExport } from "../../services/period-rollup";
import { xlsxOf } from "../../services/xlsx";
import { attachmentDisposition, IdParam, problems, readMiddleware, security } from "../shared";

export const PERIOD_EXPORT_FORMATS = ["xlsx", "csv"] as const;
type Format = (typeof PERIOD_EXPORT_FORMATS)[number];

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

const route = createRoute({
  method: "get",
  path: "/api/v1/periods/{id}/export",
  tags: ["periods"],
  summary: "The period as an XLSX or CSV file (UTF-8 with BOM): one row per expected unit, then the totals",
  description:
    "Columns: Đơn vị, Trạng thái, each indicator (label and unit), Nộp lúc (dd/mm/yyyy HH:mm, Viet Nam time). Figures are given for approved reports only; the others' cells are empty and their state says why. A 'Tổng cộng' row holds the roll-up (GET /api/v1/periods/{id}/rollup), a last row the note. Same access as the roll-up.",
  security,
  middleware: readMiddleware,
  request: {
    params: IdParam,
    query: z.strictObject({ format: z.enum(PERIOD_EXPORT_FORMATS).openapi({ description: "xlsx or csv" }) }),
  },
  responses: {
    200: {
      description: "The file, as an attachment",
      content: {
        [XLSX_TYPE]: { schema: z.string().openapi({ format: "binary" }) },
        "text/csv": { schema: z.string() },
      },
    },
    ...problems(401, 403, 404, 422),
  },
});

/**
 * "Tổng hợp Kết quả học kì I năm học 2024 – 2025.xlsx" in filename* (RFC 6266 / 5987), an ASCII
 * name for old clients. Characters no file system takes (/ \ : * ? " < > |, controls) become "-".
 */
export function periodFileName(title: string, format: Format): string {
  const vi = `Tổng hợp ${title}`.replace(/[\\/:*?"<>|\u0000-\u001F\u007F]+/g, "-").slice(0, 150);
  const ascii = `tong-hop-${slugify(title, 100)}.${format}`;
  return attachmentDisposition(ascii, `${vi}.${format}`);
}

async function fileOf(x: PeriodExport, format: Format): Promise<{ body: Uint8Array | string; contentType: string }> {
  const { headers, formats, rows, totalsRow, noteRow } = x.table;
  if (format === "csv") return { body: csvOf(headers, rows), contentType: "text/csv; charset=utf-8" };
  const body = await xlsxOf({ name: x.period.title, headers, formats, rows, boldRows: [totalsRow], unmeasuredRows: [noteRow] });
  return { body, contentType: XLSX_TYPE };
}

export function registerPeriodExport(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const format = c.req.valid("query").format;
    const x = await periodExport(c.env.DB, c.get("actor"), c.req.valid("param").id);
    const file = await fileOf(x, format);
    return new Response(file.body, {
      headers: {
        "content-type": file.contentType,
        "content-disposition": periodFileName(x.period.title, format),
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  });
}
