// Every error leaves the API as RFC 9457 application/problem+json, shaped here and only here.
import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import type { HonoEnv } from "../env";

export const ERROR_CODES = {
  malformed_request: { status: 400, title: "Yêu cầu không đọc được (JSON sai cú pháp hoặc tham số sai)" },
  unauthenticated: { status: 401, title: "Chưa đăng nhập hoặc phiên đăng nhập đã hết hạn" },
  invalid_credentials: { status: 401, title: "Email hoặc mật khẩu không đúng" },
  forbidden: { status: 403, title: "Bạn không có quyền thực hiện thao tác này" },
  not_found: { status: 404, title: "Không tìm thấy" },
  conflict: { status: 409, title: "Xung đột với trạng thái hiện tại" },
  no_reviewer: { status: 409, title: "Chưa có người thẩm định cho báo cáo này" },
  stage_stranded: { status: 409, title: "Thay đổi này khiến báo cáo đang chờ không còn người thẩm định" },
  idempotency_in_progress: { status: 409, title: "Yêu cầu với Idempotency-Key này đang được xử lý" },
  precondition_failed: { status: 412, title: "Phiên bản đã cũ: dữ liệu đã được người khác thay đổi" },
  payload_too_large: { status: 413, title: "Nội dung gửi lên quá lớn" },
  unsupported_media_type: { status: 415, title: "Kiểu nội dung không được hỗ trợ" },
  validation_failed: { status: 422, title: "Dữ liệu không hợp lệ" },
  idempotency_key_reused: { status: 422, title: "Idempotency-Key đã dùng cho một yêu cầu khác" },
  precondition_required: { status: 428, title: "Thiếu tiêu đề If-Match với phiên bản hiện tại" },
  too_many_requests: { status: 429, title: "Quá nhiều lần thử, vui lòng thử lại sau" },
  internal: { status: 500, title: "Lỗi hệ thống" },
  unavailable: { status: 503, title: "Hệ thống tạm thời không ghi được, vui lòng thử lại" },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export type FieldError = { path: string; message: string; in?: string };

export const problemType = (code: ErrorCode) => `urn:sogd:problem:${code.replaceAll("_", "-")}`;

export class ApiError extends HTTPException {
  readonly code: ErrorCode;
  readonly detail?: string;
  readonly errors?: FieldError[];
  readonly extra?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(
    code: ErrorCode,
    opts: { detail?: string; errors?: FieldError[]; extra?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(ERROR_CODES[code].status, { message: opts.detail ?? ERROR_CODES[code].title });
    this.code = code;
    this.detail = opts.detail;
    this.errors = opts.errors;
    this.extra = opts.extra;
    this.headers = opts.headers;
  }
}

export function problemResponse(c: Context, err: ApiError): Response {
  const { status, title } = ERROR_CODES[err.code];
  const body: Record<string, unknown> = {
    type: problemType(err.code),
    title,
    status,
    ...(err.detail ? { detail: err.detail } : {}),
    instance: new URL(c.req.url).pathname,
    ...(err.errors ? { errors: err.errors } : {}),
    ...err.extra,
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/problem+json; charset=utf-8", ...err.headers },
  });
}

/** Zod issues -> field errors with dotted paths; unknown keys get one entry each. */
export function fieldErrors(issues: readonly z.core.$ZodIssue[], location?: string): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    const base = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        out.push({ path: base ? `${base}.${key}` : key, message: "Trường không được phép", ...(location ? { in: location } : {}) });
      }
      continue;
    }
    out.push({ path: base || "(root)", message: issue.message, ...(location ? { in: location } : {}) });
  }
  return out;
}

/** @hono/zod-openapi defaultHook: validation failures take the same problem shape as every other error. */
export function validationHook(
  result: { success: true } | { success: false; error: z.ZodError; target: string },
  _c: Context,
): void {
  if (!result.success) {
    throw new ApiError("validation_failed", { errors: fieldErrors(result.error.issues, result.target) });
  }
}

export const onError: ErrorHandler<HonoEnv> = (err, c) => {
  if (err instanceof ApiError) return problemResponse(c, err);
  if (err instanceof HTTPException) {
    // Errors raised by Hono itself (malformed JSON, body limits) keep their status, in our shape.
    const code = codeForStatus(err.status);
    return problemResponse(c, new ApiError(code, code === "malformed_request" ? { detail: err.message } : {}));
  }
  console.error(JSON.stringify({ level: "error", requestId: c.get("requestId"), message: String(err), stack: (err as Error)?.stack }));
  return problemResponse(c, new ApiError("internal", { extra: { requestId: c.get("requestId") } }));
};

function codeForStatus(status: number): ErrorCode {
  const found = (Object.keys(ERROR_CODES) as ErrorCode[]).find((k) => ERROR_CODES[k].status === status);
  return found ?? (status >= 500 ? "internal" : "malformed_request");
}
