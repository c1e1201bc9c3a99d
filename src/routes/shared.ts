// Pieces every route definition shares: the problem schema, security, middleware chains.
import { z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { ApiError } from "../errors";
import type { HonoEnv } from "../env";
import { requireSession } from "../middleware/auth";
import { idempotency } from "../middleware/idempotency";
import { limitBody, noBody, requireMediaType, wellFormedJson } from "../middleware/request-guards";

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "urn:sogd:problem:validation-failed" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string(), in: z.string().optional() })).optional(),
  })
  .openapi("Problem");

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed request",
  401: "Not signed in",
  403: "Not allowed",
  404: "Not found (or not visible to the caller)",
  409: "Conflict",
  412: "Stale version (If-Match)",
  413: "Body too large",
  415: "Unsupported media type",
  422: "Validation failed",
  428: "If-Match required",
  429: "Too many attempts",
};

export function problems(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: PROBLEM_DESCRIPTIONS[s] ?? "Error", content: { "application/problem+json": { schema: ProblemSchema } } }]),
  );
}

export const security: Record<string, string[]>[] = [{ bearerAuth: [] }, { cookieAuth: [] }];

const session = requireSession();
const idem = idempotency();
const jsonOnly = requireMediaType("application/json");
const smallBody = limitBody();
const json = wellFormedJson();

/** Signed-in reads. */
export const readMiddleware: MiddlewareHandler<HonoEnv>[] = [session];
/** Signed-in writes with a JSON body (or none): bounded, JSON-only and well-formed, idempotent on a key. */
export const writeMiddleware: MiddlewareHandler<HonoEnv>[] = [smallBody, jsonOnly, json, session, idem];
/** Signed-in actions that take no body at all. */
export const actionMiddleware: MiddlewareHandler<HonoEnv>[] = [smallBody, jsonOnly, noBody(), session, idem];

export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return { body: { required: true, description, content: { "application/json": { schema } } } } as const;
}

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } } as const;
}

/** Opaque keyset cursor over (sort key, id): base64url of UTF-8 JSON (sort keys are Vietnamese names). */
export const cursorCodec = {
  encode(sortKey: string, id: string): string {
    const bytes = new TextEncoder().encode(JSON.stringify([sortKey, id]));
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  },
  decode(cursor: string): [string, string] {
    try {
      const bytes = Uint8Array.from(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));
      const v: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
      if (Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && typeof v[1] === "string") return [v[0], v[1]];
    } catch {
      // fall through to the problem below
    }
    throw new ApiError("validation_failed", { errors: [{ path: "cursor", in: "query", message: "Con trỏ trang không hợp lệ" }] });
  },
  /** For pages: an unreadable cursor just means the first page. */
  decodeOrFirst(cursor: string | undefined): [string, string] | undefined {
    try {
      return cursor ? cursorCodec.decode(cursor) : undefined;
    } catch {
      return undefined;
    }
  },
};

/** A page from rows fetched with limit + 1: the extra row only says whether there is a next page. */
export function pageOf<T>(rows: T[], limit: number, key: (row: T) => [string, string]): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? cursorCodec.encode(...key(last)) : null };
}

export const ListQueryBase = {
  cursor: z.string().max(500).optional().openapi({ description: "nextCursor from the previous page" }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
};

export const IdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }) });

// RFC 5987 attr-char: what encodeURIComponent leaves alone, less ' ( ) *.
const rfc5987 = (s: string) => encodeURIComponent(s).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);

/** A download's Content-Disposition: an ASCII name for old clients, the Vietnamese one in filename* (RFC 6266 / 5987). */
export const attachmentDisposition = (ascii: string, vi: string) => `attachment; filename="${ascii}"; filename*=UTF-8''${rfc5987(vi)}`;
