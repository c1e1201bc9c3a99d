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
