// A repeated mutating POST with the same Idempotency-Key gets the first answer back.
import type { Context, MiddlewareHandler } from "hono";
import { ApiError } from "../../errors";
import type { HonoEnv } from "../../env";
import { nowIso, sha256Hex } from "../../domain/ids";
import { mediaTypeOf } from "../request-guards";

const KEY_PATTERN = /^[\x21-\x7e]{8,200}$/;
const KEEP_HOURS = 24;
const REPLAYED_HEADERS = ["content-type", "etag", "location"];

type StoredKey = { request_hash: string; status: number | null; response_body: string | null; response_headers: string | null; created_at: string };

export function idempotency(): MiddlewareHandler<HonoEnv> {
  return async function idempotency(c, next) {
    const key = c.req.header("idempotency-key");
    if (key === undefined || c.req.method !== "POST") return next();
    if (!KEY_PATTERN.test(key)) {
      throw new ApiError("validation_failed", {
        errors: [{ path: "Idempotency-Key", in: "header", message: "Từ 8 đến 200 ký tự ASCII in được" }],
      });
    }
    const actor = c.get("actor");
    const db = c.env.DB;
    const requestHash = await sha256Hex(`${c.req.method} ${new URL(c.req.url).pathname}\n${await bodyDigest(c)}`);
    const staleBefore = new Date(Date.now() - KEEP_HOURS * 3600_000).toISOString();

    // Claim the key; an expired claim is taken over.
    const claimed = await db
      .prepare(
        `INSERT INTO idempotency_keys (user_id, key, request_hash, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (user_id, key) DO UPDATE SET request_hash = ?3, created_at = ?4, status = NULL, response_body = NULL, response_headers = NULL
         WHERE idempotency_keys.created_at < ?5`,
      )
      .bind(actor.id, key, requestHash, nowIso(), staleBefore)
      .run();

    if (claimed.meta.changes === 0) {
      const prior = await db
        .prepare("SELECT request_hash, status, response_body, response_headers, created_at FROM idempotency_keys WHERE user_id = ? AND key = ?")
        .bind(actor.id, key)
        .first<StoredKey>();
      if (!prior) throw new ApiError("idempotency_in_progress");
      if (prior.request_hash !== requestHash) throw new ApiError("idempotency_key_reused");
      if (prior.status === null) throw new ApiError("idempotency_in_progress", { headers: { "retry-after": "1" } });
      const headers = new Headers(prior.response_headers ? (JSON.parse(prior.response_headers) as Record<string, string>) : {});
      headers.set("idempotent-replayed", "true");
      return new Response(prior.response_body, { status: prior.status, headers });
    }

    await next();

    if (c.res.status >= 500) {
      // A failure is not an answer: let the client try again with the same key.
      await db.prepare("DELETE FROM idempotency_keys WHERE user_id = ? AND key = ?").bind(actor.id, key).run();
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const v = c.res.headers.get(name);
      if (v) headers[name] = v;
    }
    const text = await c.res.clone().text();
    await db
      .prepare("UPDATE idempotency_keys SET status = ?, response_body = ?, response_headers = ? WHERE user_id = ? AND key = ?")
      .bind(c.res.status, text, JSON.stringify(headers), actor.id, key)
      .run();
  };
}

/**
 * What the request asks for, as a digest. A multipart body is hashed as its parsed parts (field
 * names, values, file names, content types and file bytes, in order), not as bytes: a client
 * that retries an upload gets a new random boundary, and that must not count as another request.
 * Any other body is hashed as its bytes. Both are read through the request's body cache, so the
 * route's validator reads the same body again.
 */
async function bodyDigest(c: Context): Promise<string> {
  if (mediaTypeOf(c) !== "multipart/form-data") return sha256Hex(await c.req.arrayBuffer());
  let form: FormData;
  try {
    form = await c.req.formData();
  } catch {
    throw new ApiError("malformed_request", { detail: "Nội dung multipart/form-data không đọc được" });
  }
  const parts: string[] = [];
  for (const [name, value] of form) {
    parts.push(
      typeof value === "string"
        ? JSON.stringify(["field", name, value])
        : JSON.stringify(["file", name, value.name, value.type, await sha256Hex(await value.arrayBuffer())]),
    );
  }
  return sha256Hex(parts.join("\n"));
}
