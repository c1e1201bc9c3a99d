// Bounds on what a request may carry, before any handler reads it.
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "../../errors";
import type { HonoEnv } from "../../env";

export const JSON_BODY_LIMIT = 256 * 1024;

/** Rejects bodies over `maxSize` bytes with a 413 problem, whether or not Content-Length is sent. */
export function limitBody(maxSize: number = JSON_BODY_LIMIT): MiddlewareHandler<HonoEnv> {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError("payload_too_large", { detail: `Tối đa ${maxSize} byte` });
    },
  });
}

/** A request that carries a body must say it is of one of these media types. */
export function requireMediaType(...types: string[]): MiddlewareHandler<HonoEnv> {
  return async function requireMediaType(c, next) {
    const hasBody = c.req.header("content-length") ? c.req.header("content-length") !== "0" : c.req.raw.body !== null;
    if (hasBody) {
      const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      if (!types.includes(type)) {
        throw new ApiError("unsupported_media_type", { detail: `Chấp nhận: ${types.join(", ")}` });
      }
    }
    await next();
  };
}

/**
 * For actions that take no body (submit, logout, (de)activate): nothing, or an empty JSON object,
 * is accepted; anything else is refused before the action runs, as a malformed body would be
 * anywhere else.
 */
export function noBody(): MiddlewareHandler<HonoEnv> {
  return async function noBody(c, next) {
    if (c.req.raw.body !== null) {
      const text = await c.req.raw.clone().text();
      if (text !== "" && !isEmptyJsonObject(text)) {
        throw new ApiError("malformed_request", { detail: "Yêu cầu này không nhận nội dung (chỉ để trống hoặc {})" });
      }
    }
    await next();
  };
}

function isEmptyJsonObject(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
  } catch {
    return false;
  }
}
