// GET /api/v1/metrics/export?format=xlsx|csv: the same rows as GET /api/v1/metrics, same access
// rules and period, as a file with Vietnamese headers (DESIGN.md sections 11 and 12).
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { vnDateOf } from "../../domain/calendar";
import { FIGURE_HEADERS, FIGURE_KEYS, GROUP_HEADERS, type GroupBy } from "../../domain/metrics";
import type { HonoEnv } from "../../env";
import { stageMetrics, type Metrics } from "../../services/metrics";
import { attachmentDisposition, problems, readMiddleware, security } from "../shared";
import { csvOf } from "../../domain/csv";
import { MetricsQueryFields, PERIOD_RULE, periodOf } from "./schemas";
import { xlsxOf, type XlsxColumn } from "./xlsx";

export const EXPORT_FORMATS = ["xlsx", "csv"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

const route = createRoute({
  method: "get",
  path: "/api/v1/metrics/export",
  tags: ["metrics"],
  summary: "The stage metrics as an XLSX or CSV file (UTF-8 with BOM), Vietnamese headers",
  description: `Same rows, access rules and period as GET /api/v1/metrics (${PERIOD_RULE}).`,
  security,
  middleware: readMiddleware,
  request: { query: z.strictObject({ format: z.enum(EXPORT_FORMATS).openapi({ description: "xlsx or csv" }), ...MetricsQueryFields }) },
  responses: {
    200: {
      description: "The file, as an attachment",
      content: {
        [XLSX_TYPE]: { schema: z.string().openapi({ format: "binary" }) },
        "text/csv": { schema: z.string() },
      },
    },
    ...problems(401, 403, 422),
  },
});

const GROUP_SLUG: Record<GroupBy, { ascii: string; vi: string }> = {
  stage: { ascii: "theo-buoc", vi: "theo bước" },
  reviewer: { ascii: "theo-nguoi-tham-dinh", vi: "theo người thẩm định" },
  unit: { ascii: "theo-don-vi", vi: "theo đơn vị" },
};

/** The days the period covers, in Viet Nam: `to` is exclusive, so its last day is the one before. */
export function periodDays(m: Pick<Metrics, "from" | "to">): { first: string; last: string } {
  const first = vnDateOf(m.from);
  const last = vnDateOf(new Date(Date.parse(m.to) - 1));
  return { first, last: last < first ? first : last };
}

/**
 * An attachment's Content-Disposition: an ASCII name for old clients and the Vietnamese one in
 * filename* (RFC 6266 / 5987), e.g. "Thời gian xử lý theo bước 01-01-2025 đến 31-01-2025.xlsx".
 */
export function contentDisposition(m: Pick<Metrics, "from" | "to" | "groupBy">, format: ExportFormat): string {
  const { first, last } = periodDays(m);
  const dmy = (d: string) => d.split("-").reverse().join("-");
  const ascii = `thoi-gian-xu-ly-${GROUP_SLUG[m.groupBy].ascii}-${first}-den-${last}.${format}`;
  const vi = `Thời gian xử lý ${GROUP_SLUG[m.groupBy].vi} ${dmy(first)} đến ${dmy(last)}.${format}`;
  return attachmentDisposition(ascii, vi);
}

/** The metrics as a file: the group's column, then the figures, one row per group. */
export function metricsFile(m: Metrics, format: ExportFormat): { body: Uint8Array | string; contentType: string } {
  const headers = [GROUP_HEADERS[m.groupBy], ...FIGURE_KEYS.map((k) => FIGURE_HEADERS[k])];
  const rows = m.rows.map((r) => [r.label, ...FIGURE_KEYS.map((k) => r[k])]);
  if (format === "csv") return { body: csvOf(headers, rows), contentType: "text/csv; charset=utf-8" };
  const columns: XlsxColumn[] = headers.map((header, i) => ({ header, format: i <= 1 ? "int" : "1dp" }));
  return { body: xlsxOf("Thời gian xử lý", columns, rows), contentType: XLSX_TYPE };
}

export function registerExportMetrics(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const q = c.req.valid("query");
    const metrics = await stageMetrics(c.env.DB, c.get("actor"), periodOf(q), q.groupBy);
    const file = metricsFile(metrics, q.format);
    return new Response(file.body, {
      headers: {
        "content-type": file.contentType,
        "content-disposition": contentDisposition(metrics, q.format),
        "x-content-type-options": "nosniff",
      },
    });
  });
}
