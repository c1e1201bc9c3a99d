// Bounds on what a request may carry, before any handler reads it.
import type { Context, MiddlewareHandler } from "hono";
import { ApiError } from "../../errors";
import type { HonoEnv } from "../../env";

export const JSON_BODY_LIMIT = 256 * 1024;

/**
 * How much of a body that is already known to be too large is still read (and thrown away)
 * before answering 413. An HTTP/1.1 server that answers and closes while the client is still
 * sending makes the kernel reset the connection, and the client then often never sees the 413.
 * Reading the rest costs no CPU to speak of; past this much the sender is not a browser or a
 * client that will read the answer, and the body is cancelled.
 */
const DRAIN_LIMIT = 32 * 1024 * 1024;

const tooLarge = (maxSize: number) => new ApiError("payload_too_large", { detail: `Tối đa ${maxSize} byte` });

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, alreadyRead: number): Promise<void> {
  let read = alreadyRead;
  try {
    for (;;) {
      if (read > DRAIN_LIMIT) {
        await reader.cancel();
        return;
      }
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
  } catch {
    // The client went away: nothing left to wait for.
  }
}

/**
 * Rejects bodies over `maxSize` bytes with a 413 problem, whether or not Content-Length is sent:
 * the body is read as a stream and its bytes counted, so a chunked upload cannot go past the
 * limit either. Up to the limit the body is kept and put back on the request for the handlers.
 */
export function limitBody<E extends HonoEnv = HonoEnv>(maxSize: number = JSON_BODY_LIMIT): MiddlewareHandler<E> {
  return async function limitBody(c, next) {
    const body = c.req.raw.body;
    // A body already read (by an earlier, tighter limit) was counted there.
    if (!body || c.req.raw.bodyUsed || c.req.method === "GET" || c.req.method === "HEAD") return next();
    const reader = body.getReader();
    const declared = Number(c.req.header("content-length"));
    if (Number.isFinite(declared) && declared > maxSize) {
      await drain(reader, 0);
      throw tooLarge(maxSize);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxSize) {
        await drain(reader, size);
        throw tooLarge(maxSize);
      }
      chunks.push(value);
    }
    const buffer = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      buffer.set(chunk, offset);
      offset += chunk.byteLength;
    }
    c.req.raw = new Request(c.req.raw, { body: buffer });
    await next();
  };
}

/** The request's media type, lower case, without parameters ("" when none is sent). */
export const mediaTypeOf = (c: Context) => (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
const hasBody = (c: Context) => (c.req.header("content-length") ? c.req.header("content-length") !== "0" : c.req.raw.body !== null);

/** A request that carries a body must say it is of one of these media types. */
export function requireMediaType(...types: string[]): MiddlewareHandler<HonoEnv> {
  return async function requireMediaType(c, next) {
    if (hasBody(c) && !types.includes(mediaTypeOf(c))) {
      throw new ApiError("unsupported_media_type", { detail: `Chấp nhận: ${types.join(", ")}` });
    }
    await next();
  };
}

/**
 * A JSON body must be JSON, whether or not the route reads one (a DELETE with `{bad` is as
 * malformed as a POST with it). The text is read through the request's body cache, so the route's
 * validator and the idempotency hash read the same bytes again without another stream.
 */
export function wellFormedJson(): MiddlewareHandler<HonoEnv> {
  return async function wellFormedJson(c, next) {
    if (mediaTypeOf(c) === "application/json" && c.req.raw.body !== null) {
      const text = await c.req.text();
      if (text !== "") {
        try {
          JSON.parse(text);
        } catch {
          throw new ApiError("malformed_request", { detail: "Nội dung JSON sai cú pháp" });
        }
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
      const text = await c.req.text();
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
