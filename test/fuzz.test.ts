// Property-based fuzzing of every mutating API endpoint: over a thousand malformed requests each
// (arbitrary JSON, a valid payload with one field corrupted, non-JSON text labelled JSON, random
// or missing content types, bad headers; random non-image bytes for uploads), sent by a caller
// who is allowed to make the request, so that the payload and nothing else is what gets refused.
//
// For every run: a 4xx (never 2xx, never 5xx) application/problem+json body with string `type`
// and `title` and no stack trace. Around every property (a check after each run would cost a
// quarter of the time): no write, i.e. the same row counts, the same newest updated_at of reports,
// users and units and sum of report versions, the same target row(s), the same state of the
// report's ReportFlow Durable Object, and for uploads the same number of objects in R2.
//
// Generated payloads are never valid: each is checked against the route's own zod schema and
// dropped when it would pass.
import { env } from "cloudflare:workers";
import { z } from "@hono/zod-openapi";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sniffImage } from "../src/domain/images";
import { Reorder } from "../src/routes/attachments/reorder";
import { CaptionPatch } from "../src/routes/attachments/update";
import { LoginRequest } from "../src/routes/auth/login";
import { Preferences } from "../src/routes/auth/preferences";
import { CreateReport, UpdateReport } from "../src/routes/reports/schemas";
import { Decision } from "../src/routes/review/decide";
import { Withdraw } from "../src/routes/review/submit";
import { Unpublish } from "../src/routes/review/unpublish";
import { CreateUnit } from "../src/routes/units/create";
import { UpdateUnit } from "../src/routes/units/update";
import { CreateUser } from "../src/routes/users/create";
import { SetGrants } from "../src/routes/users/set-grants";
import { UpdateUser } from "../src/routes/users/update";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { call, createReport, json, sampleReport, tokenFor, USERS } from "./helpers/api";
import { PNG, publishedReport } from "./helpers/publish";
import { flowStub, ok, submittedReport } from "./helpers/review";

const RUNS = 1000;
const TIMEOUT = 120_000;
const Q6 = DEMO_UNITS.quan6;

// ---------------------------------------------------------------------------------------------
// The routes' own request schemas, to throw away generated payloads that would be valid.

// ---------------------------------------------------------------------------------------------
// Requests and how they print in a counterexample (huge bodies are cut short).

type Body = string | Uint8Array | FormData;
type Case = {
  what: string;
  body?: Body;
  /** undefined: no content-type header at all (string bodies are then sent as bytes). */
  contentType?: string;
  headers?: Record<string, string>;
  /** For FormData: what the form holds, since files cannot be read synchronously. */
  form?: string;
};

const cut = (s: string, n = 240) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);
const hexHead = (b: Uint8Array) => Array.from(b.subarray(0, 16), (x) => x.toString(16).padStart(2, "0")).join(" ");

function show(c: Case): string {
  const b = c.body;
  const body =
    b === undefined ? "(none)" : typeof b === "string" ? JSON.stringify(cut(b)) : b instanceof Uint8Array ? `bytes[${b.length}] ${hexHead(b)}` : `FormData{${c.form ?? ""}}`;
  return `{${c.what} | content-type: ${c.contentType === undefined ? "(none)" : JSON.stringify(c.contentType)} | headers: ${cut(JSON.stringify(c.headers ?? {}))} | body: ${body}}`;
}

const mk = (c: Case): Case => Object.assign(c, { [fc.toStringMethod]: () => show(c) });

const enc = new TextEncoder();

function send(method: string, path: string, token: string | undefined, c: Case): Promise<Response> {
  const headers: Record<string, string> = { ...c.headers };
  if (c.contentType !== undefined) headers["content-type"] = c.contentType;
  const body = typeof c.body === "string" && c.contentType === undefined ? enc.encode(c.body) : c.body;
  return call(path, { method, token, body, headers });
}

// ---------------------------------------------------------------------------------------------
// Building blocks.

const printable = fc.integer({ min: 0x20, max: 0x7e }).map((n) => String.fromCharCode(n));
const asciiString = (min = 0, max = 40) => fc.string({ unit: printable, minLength: min, maxLength: max });

const mediaType = (t: string) => t.split(";")[0]!.trim().toLowerCase();

const JSON_TYPES = fc.constantFrom("application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8", "APPLICATION/JSON");

/** Content types other than `accepted` (compared as the server compares them). */
const otherType = (accepted: string) =>
  fc
    .oneof(
      fc.constantFrom(
        "text/plain",
        "text/plain; charset=utf-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "multipart/form-data; boundary=----fuzz",
        "application/xml",
        "text/html",
        "text/json",
        "application/jsonp",
        "application/json5",
        "application/json-seq",
        "application/problem+json",
        "application/vnd.api+json",
        "application/merge-patch+json",
        "application/octet-stream",
        "image/png",
        "json",
        "application",
        "application/",
        "application /json",
        "application/ json",
        "application/json/x",
        "*/*",
        "",
        ";",
      ),
      fc.stringMatching(/^[a-z]{1,12}\/[a-z0-9.+-]{1,20}(; ?[a-z]{1,8}=[a-z0-9-]{1,10})?$/),
      asciiString(0, 40),
    )
    .filter((t) => mediaType(t) !== accepted);

/** Idempotency-Key values the middleware refuses (8–200 printable ASCII, no spaces). */
const badIdempotencyKey = fc
  .oneof(asciiString(0, 7), asciiString(201, 240), fc.tuple(asciiString(3, 20), asciiString(3, 20)).map(([a, b]) => `${a} ${b}`))
  .filter((k) => !/^[\x21-\x7e]{8,200}$/.test(k.trim()));

const CONTROL = ["\u0000", "\u0001", "\u0007", "\b", "\t", "\n", "\u000b", "\f", "\r", "\u001b", "\u001f", "\u007f", "\u0085", "\u2028", "\u2029", "\u202e", "\ufeff", "\ud800", "\udfff"];
const controlString = fc.string({ unit: fc.constantFrom(...CONTROL, "a", "ộ", " "), minLength: 1, maxLength: 40 });

/** Rarely: a string past every field cap (up to ~300 KB; over 256 KiB the body limit answers 413). */
const hugeString = fc.tuple(fc.integer({ min: 2_001, max: 300_000 }), fc.constantFrom("a", "ộ", "\u0000", "<")).map(([n, ch]) => ch.repeat(n));

const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  fc.string({ maxLength: 20 }),
);

const badDate = fc.constantFrom("2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "23/01/2024", "2024-1-1", "1999-12-31", "2101-01-01", "0000-00-00", "9999-99-99", "2024-01-23T00:00:00Z", "yesterday", "", " ");

const serializable = (v: unknown) => {
  try {
    return typeof JSON.stringify(v) === "string";
  } catch {
    return false;
  }
};

const DEEP = "__fuzz_deep_value__";
const nested = (depth: number, kind: "array" | "object") => (kind === "array" ? `${"[".repeat(depth)}${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}null${"}".repeat(depth)}`);

type Path = (string | number)[];

function pathsOf(v: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(v)) v.forEach((x, i) => out.push([...prefix, i], ...pathsOf(x, [...prefix, i])));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) out.push([...prefix, k], ...pathsOf(x, [...prefix, k]));
  return out;
}

const setOwn = (o: Record<string, unknown>, k: string, value: unknown) => Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });

type Corruption =
  | { k: "set"; label: string; value: unknown }
  | { k: "remove" }
  | { k: "extra"; key: string; value: unknown }
  | { k: "deep"; depth: number; shape: "array" | "object" };

const corruption = (knownKeys: string[]): fc.Arbitrary<Corruption> =>
  fc.oneof(
    { weight: 6, arbitrary: wrongType.map((value) => ({ k: "set" as const, label: "wrong type", value })) },
    { weight: 3, arbitrary: fc.constant({ k: "set" as const, label: "null", value: null }) },
    { weight: 1, arbitrary: hugeString.map((value) => ({ k: "set" as const, label: "huge string", value })) },
    { weight: 3, arbitrary: badDate.map((value) => ({ k: "set" as const, label: "invalid date", value })) },
    { weight: 3, arbitrary: controlString.map((value) => ({ k: "set" as const, label: "control characters", value })) },
    { weight: 3, arbitrary: fc.constant({ k: "remove" as const }) },
    {
      weight: 4,
      arbitrary: fc
        .record({
          key: fc.oneof(fc.constantFrom("__proto__", "constructor", "status", "version", "id", "authorId", "role", "isAdmin", "toString", ""), fc.string({ minLength: 1, maxLength: 12 })),
          value: fc.jsonValue({ maxDepth: 1 }),
        })
        .filter(({ key }) => !knownKeys.includes(key))
        .map(({ key, value }) => ({ k: "extra" as const, key, value })),
    },
    { weight: 1, arbitrary: fc.record({ depth: fc.integer({ min: 20, max: 3000 }), shape: fc.constantFrom("array" as const, "object" as const) }).map((d) => ({ k: "deep" as const, ...d })) },
  );

/** The JSON text of `valid` with one corruption at `path`. */
function corrupt(valid: unknown, path: Path, c: Corruption): { label: string; text: string } {
  const root = structuredClone(valid) as Record<string, unknown>;
  let parent: any = root;
  for (const p of path.slice(0, -1)) parent = parent[p];
  const last = path.at(-1)!;
  const where = path.join(".");
  switch (c.k) {
    case "set":
      if (Array.isArray(parent)) parent[last as number] = c.value;
      else setOwn(parent, String(last), c.value);
      return { label: `${c.label} at ${where}`, text: JSON.stringify(root) };
    case "remove":
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
      return { label: `missing ${where}`, text: JSON.stringify(root) };
    case "extra": {
      const here = parent[last];
      const obj = here && typeof here === "object" && !Array.isArray(here) ? here : !Array.isArray(parent) ? parent : root;
      setOwn(obj, c.key, c.value);
      return { label: `unknown key ${JSON.stringify(c.key)} near ${where}`, text: JSON.stringify(root) };
    }
    case "deep":
      if (Array.isArray(parent)) parent[last as number] = DEEP;
      else setOwn(parent, String(last), DEEP);
      return { label: `${c.shape} nested ${c.depth} deep at ${where}`, text: JSON.stringify(root).replace(JSON.stringify(DEEP), nested(c.depth, c.shape)) };
  }
}

/** True when the server could not accept this text as the body (not JSON, or fails the schema). */
function rejects(schema: z.ZodType, text: string): boolean {
  let value: unknown;
  try {
    // Request.json() drops a UTF-8 byte order mark before parsing.
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch {
    return true;
  }
  return !schema.safeParse(value).success;
}

const parses = (text: string) => {
  try {
    JSON.parse(text.replace(/^\uFEFF/, ""));
    return true;
  } catch {
    return false;
  }
};

const notJson = (valid: unknown) => {
  const whole = JSON.stringify(valid);
  return fc
    .oneof(
      fc.string({ minLength: 1, maxLength: 60 }),
      fc.string({ unit: "binary", minLength: 1, maxLength: 60 }),
      fc.integer({ min: 1, max: Math.max(1, whole.length - 1) }).map((n) => whole.slice(0, n)),
      fc.string({ minLength: 1, maxLength: 10 }).map((s) => whole + s),
      fc.constantFrom("{", "}", "[1,]", "{'a':1}", "NaN", "undefined", "{a:1}", '{"a":1}}', "\u0000", "<xml/>", "kind=news&title=x", "/* c */ {}", "  ", "\n", "0x10", "tru", "{\"a\" 1}", "\ufeff\ufeff{}"),
    )
    .filter((t) => t.trim().length > 0 && !parses(t));
};

const deepRoot = fc.record({ depth: fc.integer({ min: 20, max: 5000 }), shape: fc.constantFrom("array" as const, "object" as const) }).map(({ depth, shape }) => nested(depth, shape));

// ---------------------------------------------------------------------------------------------
// Case generators per kind of endpoint.

type JsonTarget = {
  schema: z.ZodType;
  /** A valid payload: the starting point of single-field corruptions (and of wrong-type bodies). */
  valid: unknown;
  /** POST endpoints run the Idempotency-Key middleware. */
  idempotent?: boolean;
  /** Headers every request carries (a valid If-Match). */
  headers?: Record<string, string>;
  /** Further payloads that pass zod but that the handler must refuse (deliberate corruptions). */
  semanticallyInvalid?: fc.Arbitrary<{ label: string; value: unknown }>;
};

function jsonCases(t: JsonTarget): fc.Arbitrary<Case> {
  const h = t.headers ?? {};
  const known = pathsOf(t.valid).map((p) => String(p.at(-1)));
  const paths = pathsOf(t.valid);
  const invalid = (text: string) => rejects(t.schema, text);
  const arbs: fc.WeightedArbitrary<Case>[] = [
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          fc.oneof(
            fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
            fc
              .anything({ maxDepth: 3, withBoxedValues: true, withMap: true, withSet: true, withDate: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true, withBigInt: true, withObjectString: true })
              .filter(serializable)
              .map((v) => JSON.stringify(v)),
            deepRoot,
          ),
          JSON_TYPES,
        )
        .filter(([text]) => invalid(text))
        .map(([text, contentType]) => mk({ what: "arbitrary JSON", body: text, contentType, headers: h })),
    },
    {
      weight: 6,
      arbitrary: fc
        .tuple(fc.constantFrom(...paths), corruption(known), JSON_TYPES)
        .map(([path, c, contentType]) => ({ ...corrupt(t.valid, path, c), contentType }))
        .filter(({ text }) => invalid(text))
        .map(({ label, text, contentType }) => mk({ what: `valid payload, ${label}`, body: text, contentType, headers: h })),
    },
    {
      weight: 3,
      arbitrary: fc.tuple(notJson(t.valid), JSON_TYPES).map(([text, contentType]) => mk({ what: "not JSON, labelled JSON", body: text, contentType, headers: h })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.uint8Array({ minLength: 1, maxLength: 200 }), JSON_TYPES)
        .filter(([bytes]) => invalid(new TextDecoder().decode(bytes)))
        .map(([bytes, contentType]) => mk({ what: "random bytes, labelled JSON", body: bytes, contentType, headers: h })),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.oneof(fc.constant(JSON.stringify(t.valid)), fc.string({ minLength: 1, maxLength: 60 })), fc.option(otherType("application/json"), { nil: undefined, freq: 4 }))
        .map(([text, contentType]) => mk({ what: contentType === undefined ? "body without a content type" : "wrong content type", body: text, contentType, headers: h })),
    },
  ];
  if (t.idempotent) {
    arbs.push({
      weight: 1,
      arbitrary: badIdempotencyKey.map((key) => mk({ what: "valid payload, bad Idempotency-Key", body: JSON.stringify(t.valid), contentType: "application/json", headers: { ...h, "idempotency-key": key } })),
    });
  }
  if (t.semanticallyInvalid) {
    arbs.push({
      weight: 2,
      arbitrary: fc.tuple(t.semanticallyInvalid, JSON_TYPES).map(([{ label, value }, contentType]) => mk({ what: label, body: JSON.stringify(value), contentType, headers: h })),
    });
  }
  return fc.oneof(...arbs);
}

/** Versions an If-Match header names, as the server reads it (reports/access.ts optionalVersion). */
const ifMatchVersion = (v: string) => /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(v)?.[1];

/** If-Match values that are not the current version: malformed, too long, or another number. */
const badIfMatch = (current: number) =>
  fc
    .oneof(
      asciiString(0, 60),
      asciiString(41, 80),
      fc.constantFrom("*", '""', "W/", '"1', "v1", "1.0", "-1", "0x1", "1e0", " ", '"0"'),
      fc.tuple(fc.integer({ min: 0, max: 2_000_000_000 }), fc.constantFrom((n: number) => `${n}`, (n: number) => `"${n}"`, (n: number) => `W/"${n}"`)).map(([n, f]) => f(n)),
    )
    // An empty If-Match reaches the Worker as no header at all (the runtime drops empty values),
    // and submit takes a missing If-Match as "any version": not a malformed request.
    .filter((v) => v.trim() !== "")
    .filter((v) => {
      const n = ifMatchVersion(v.trim());
      return n === undefined || Number(n) !== current;
    });

/** Endpoints that take no body (submit, logout, activate, deactivate): the headers and the envelope are the payload. */
function bodilessCases(opts: { ifMatch?: { current: number } }): fc.Arbitrary<Case> {
  const goodIfMatch = opts.ifMatch
    ? fc.constantFrom<Record<string, string>>({}, { "if-match": `"${opts.ifMatch.current}"` }, { "if-match": String(opts.ifMatch.current) })
    : fc.constant<Record<string, string>>({});
  const anyBody = fc.oneof(
    fc.constant("{}"),
    fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
    fc.string({ minLength: 1, maxLength: 60 }),
    fc.uint8Array({ minLength: 1, maxLength: 100 }),
  );
  const arbs: fc.WeightedArbitrary<Case>[] = [
    {
      weight: 5,
      arbitrary: fc
        .tuple(anyBody, fc.option(otherType("application/json"), { nil: undefined, freq: 4 }), goodIfMatch)
        .map(([body, contentType, headers]) => mk({ what: contentType === undefined ? "a body without a content type" : "a body with a wrong content type", body, contentType, headers })),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(badIdempotencyKey, goodIfMatch).map(([key, headers]) => mk({ what: "bad Idempotency-Key", headers: { ...headers, "idempotency-key": key } })),
    },
  ];
  if (opts.ifMatch) {
    const current = opts.ifMatch.current;
    arbs.push({
      weight: 5,
      arbitrary: fc
        .tuple(badIfMatch(current), fc.option(fc.tuple(anyBody, fc.option(fc.oneof(JSON_TYPES, otherType("application/json")), { nil: undefined })), { nil: undefined }))
        .map(([ifMatch, body]) => mk({ what: "If-Match that is not the current version", headers: { "if-match": ifMatch }, body: body?.[0], contentType: body?.[1] })),
    });
  }
  return fc.oneof(...arbs);
}

/** Non-JSON text labelled application/json on an endpoint that takes no body. */
function jsonLabelledGarbage(opts: { ifMatch?: { current: number } }): fc.Arbitrary<Case> {
  const headers: Record<string, string> = opts.ifMatch ? { "if-match": `"${opts.ifMatch.current}"` } : {};
  return fc.tuple(notJson({ a: 1 }), JSON_TYPES).map(([body, contentType]) => mk({ what: "not JSON, labelled JSON", body, contentType, headers }));
}

/** Bytes that are not a JPEG, PNG or WebP by their first bytes (near misses included). */
const nonImageBytes = fc
  .oneof(
    { weight: 8, arbitrary: fc.uint8Array({ minLength: 0, maxLength: 2048 }) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.constantFrom([0xff, 0xd8], [0xff, 0xd9, 0xff], [0x89, 0x50, 0x4e, 0x47], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x00], [0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x51], [0x52, 0x49, 0x46], [0x47, 0x49, 0x46, 0x38, 0x39, 0x61], [0x25, 0x50, 0x44, 0x46], [0x3c, 0x73, 0x76, 0x67]),
          fc.uint8Array({ maxLength: 256 }),
        )
        .map(([head, rest]) => Uint8Array.from([...head, ...rest])),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.integer({ min: 20_000, max: 300_000 }), fc.integer({ min: 1, max: 250 })).map(([n, k]) => Uint8Array.from({ length: n }, (_, i) => (i * k + 7) & 0xff)),
    },
  )
  .filter((b) => sniffImage(b.subarray(0, 16)) === null);

const anyCaption = fc.oneof(
  { weight: 5, arbitrary: fc.string({ maxLength: 80 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  { weight: 2, arbitrary: controlString },
  { weight: 1, arbitrary: fc.constantFrom("", "   ", "\n\t", "Hình 1: Văn nghệ chào mừng Hội nghị", "<script>alert(1)</script>") },
  { weight: 1, arbitrary: fc.integer({ min: 501, max: 300_000 }).map((n) => "ả".repeat(n)) },
);

const fileName = fc.constantFrom("anh.png", "photo.jpg", "x.webp", "../../etc/passwd", 'a"b.png', "ảnh đẹp.jpg", "no-extension", "");
const declaredType = fc.constantFrom("image/png", "image/jpeg", "image/webp", "application/octet-stream", "text/html", "");

type FormPlan = { file?: Uint8Array[]; fileAsText?: string; caption?: string; captionAsFile?: boolean; extra?: [string, string][] };

function formOf(plan: FormPlan, name: string, type: string): { form: FormData; desc: string } {
  const form = new FormData();
  const desc: string[] = [];
  for (const bytes of plan.file ?? []) {
    form.append("file", new File([bytes], name, { type }));
    desc.push(`file=File(${JSON.stringify(name)}, ${JSON.stringify(type)}, ${bytes.length} B: ${hexHead(bytes)})`);
  }
  if (plan.fileAsText !== undefined) {
    form.append("file", plan.fileAsText);
    desc.push(`file=${JSON.stringify(cut(plan.fileAsText, 60))}`);
  }
  if (plan.caption !== undefined) {
    if (plan.captionAsFile) form.append("caption", new File([plan.caption], "caption.txt", { type: "text/plain" }));
    else form.append("caption", plan.caption);
    desc.push(`caption${plan.captionAsFile ? "(as a file)" : ""}=${JSON.stringify(cut(plan.caption, 60))}`);
  }
  for (const [k, v] of plan.extra ?? []) {
    form.append(k, v);
    desc.push(`${k}=${JSON.stringify(cut(v, 40))}`);
  }
  return { form, desc: desc.join(", ") };
}

function uploadCases(): fc.Arbitrary<Case> {
  // (FormData itself refuses to serialise a field name ending in a backslash.)
  const fieldName = fc.oneof(fc.constantFrom("position", "reportId", "contentType", "file[]", "caption[]"), fc.string({ maxLength: 10 }).filter((k) => !k.endsWith("\\")));
  const extra = fc.array(fc.tuple(fieldName, fc.string({ maxLength: 20 })), { maxLength: 2 });
  const plan: fc.Arbitrary<{ plan: FormPlan; what: string }> = fc.oneof(
    { weight: 10, arbitrary: fc.record({ bytes: nonImageBytes, caption: anyCaption, extra }).map(({ bytes, caption, extra }) => ({ what: "non-image file", plan: { file: [bytes], caption, extra } })) },
    { weight: 1, arbitrary: anyCaption.map((caption) => ({ what: "no file", plan: { caption } })) },
    { weight: 1, arbitrary: nonImageBytes.map((bytes) => ({ what: "no caption", plan: { file: [bytes] } })) },
    { weight: 1, arbitrary: fc.record({ text: fc.string({ maxLength: 100 }), caption: anyCaption }).map(({ text, caption }) => ({ what: "file as a text field", plan: { fileAsText: text, caption } })) },
    { weight: 1, arbitrary: fc.record({ a: nonImageBytes, b: nonImageBytes, caption: anyCaption }).map(({ a, b, caption }) => ({ what: "two files", plan: { file: [a, b], caption } })) },
    { weight: 1, arbitrary: fc.record({ bytes: nonImageBytes, caption: anyCaption }).map(({ bytes, caption }) => ({ what: "caption as a file", plan: { file: [bytes], caption, captionAsFile: true } })) },
  );
  const formCase = fc.tuple(plan, fileName, declaredType).map(([{ plan, what }, name, type]) => {
    const { form, desc } = formOf(plan, name, type);
    return mk({ what: `multipart: ${what}`, body: form, form: desc });
  });
  const boundary = "----fuzzboundary";
  const rawMultipart = fc
    .tuple(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        nonImageBytes.map((b) => `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n${String.fromCharCode(...b.subarray(0, 200))}\r\n--${boundary}--\r\n`),
        fc.constant(`--other\r\nContent-Disposition: form-data; name="caption"\r\n\r\nabc\r\n--other--\r\n`),
        fc.constant(`--${boundary}\r\nContent-Disposition: form-data; name="caption"\r\n\r\nabc`),
      ),
      fc.constantFrom(`multipart/form-data; boundary=${boundary}`, "multipart/form-data", "multipart/form-data; boundary=", 'multipart/form-data; boundary="unterminated', "MULTIPART/FORM-DATA; boundary=x"),
    )
    .map(([body, contentType]) => mk({ what: "malformed multipart", body, contentType }));
  const wrongType = fc
    .tuple(
      fc.oneof(
        fc.constant(JSON.stringify({ file: "iVBORw0KGgo=", caption: "Hình 1" })),
        fc.constant("file=abc&caption=H%C3%ACnh"),
        fc.string({ minLength: 1, maxLength: 60 }),
        nonImageBytes.filter((b) => b.length > 0),
      ),
      fc.option(otherType("multipart/form-data"), { nil: undefined, freq: 4 }),
    )
    .map(([body, contentType]) => mk({ what: contentType === undefined ? "body without a content type" : "wrong content type", body, contentType }));
  const formWithWrongType = fc
    .tuple(fc.record({ bytes: nonImageBytes, caption: anyCaption }), otherType("multipart/form-data"))
    .map(([{ bytes, caption }, contentType]) => {
      const { form, desc } = formOf({ file: [bytes], caption }, "anh.png", "image/png");
      return mk({ what: "multipart form under another content type", body: form, form: desc, contentType });
    });
  const badKey = fc.tuple(nonImageBytes, badIdempotencyKey).map(([bytes, key]) => {
    const { form, desc } = formOf({ file: [bytes], caption: "Hình 1" }, "anh.png", "image/png");
    return mk({ what: "bad Idempotency-Key", body: form, form: desc, headers: { "idempotency-key": key } });
  });
  return fc.oneof(
    { weight: 12, arbitrary: formCase },
    { weight: 2, arbitrary: rawMultipart },
    { weight: 2, arbitrary: wrongType },
    { weight: 1, arbitrary: formWithWrongType },
    { weight: 1, arbitrary: badKey },
  );
}

// ---------------------------------------------------------------------------------------------
// What a refusal must look like, and what must not change.

const STACK = /\n\s+at |\bat \w+ \(|\.(?:ts|js|mjs):\d+|node_modules/;

async function expectRefused(res: Response): Promise<void> {
  const text = await res.text();
  const seen = `${res.status} ${res.headers.get("content-type")} ${cut(text, 600)}`;
  if (res.status < 400 || res.status > 499) throw new Error(`expected a 4xx, got ${seen}`);
  if (!/^application\/problem\+json/.test(res.headers.get("content-type") ?? "")) throw new Error(`expected application/problem+json, got ${seen}`);
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`problem body is not JSON: ${seen}`);
  }
  if (!body || typeof body !== "object" || typeof body.type !== "string" || typeof body.title !== "string") throw new Error(`problem without string type/title: ${seen}`);
  if (STACK.test(text) || "stack" in body) throw new Error(`stack trace in the problem: ${seen}`);
}

/** One query: the tables the API writes, and the newest change to reports, users and units. */
async function fingerprint(opts: { sessions: boolean }) {
  const row = await env.DB.prepare(
    `SELECT (SELECT count(*) FROM reports) AS reports,
            (SELECT count(*) FROM report_events) AS report_events,
            (SELECT count(*) FROM report_revisions) AS report_revisions,
            (SELECT count(*) FROM attachments) AS attachments,
            (SELECT count(*) FROM attachments WHERE deleted_at IS NOT NULL) AS attachments_deleted,
            (SELECT count(*) FROM units) AS units,
            (SELECT count(*) FROM users) AS users,
            (SELECT count(*) FROM role_grants) AS role_grants,
            (SELECT count(*) FROM grant_units) AS grant_units,
            (SELECT count(*) FROM sessions) AS sessions,
            (SELECT count(*) FROM sessions WHERE revoked_at IS NOT NULL) AS sessions_revoked,
            (SELECT count(*) FROM notifications) AS notifications,
            (SELECT coalesce(sum(version), 0) FROM reports) AS report_versions,
            (SELECT max(updated_at) FROM reports) AS reports_updated,
            (SELECT max(updated_at) FROM users) AS users_updated,
            (SELECT max(updated_at) FROM units) AS units_updated`,
  ).first<Record<string, unknown>>();
  const out = { ...row };
  if (!opts.sessions) {
    delete out.sessions;
    delete out.sessions_revoked;
  }
  return out;
}

const reportRow = (id: string) => env.DB.prepare("SELECT * FROM reports WHERE id = ?").bind(id).first();
const userRow = (id: string) => env.DB.prepare("SELECT * FROM users WHERE id = ?").bind(id).first();
const unitRow = (id: string) => env.DB.prepare("SELECT * FROM units WHERE id = ?").bind(id).first();
const attachmentRows = (reportId: string) => env.DB.prepare("SELECT * FROM attachments WHERE report_id = ? ORDER BY id").bind(reportId).all().then((r) => r.results);
const grantRows = (userId: string) =>
  env.DB.prepare("SELECT g.role, gu.unit_id FROM role_grants g LEFT JOIN grant_units gu ON gu.grant_id = g.id WHERE g.user_id = ? ORDER BY g.role, gu.unit_id").bind(userId).all().then((r) => r.results);
/**
 * The report's ReportFlow object: its view, log and pending work. An object that has not yet
 * loaded a draft stands for the D1 row (loading it on first contact is a cache fill, not a write).
 */
const flowState = async (id: string) => {
  const stub = flowStub(id);
  const row = await env.DB.prepare("SELECT status, stage_due_at, version, revision FROM reports WHERE id = ?").bind(id).first<any>();
  const view = (await stub.view()) ?? { reportId: id, status: row.status, stage: null, stageDueAt: row.stage_due_at, version: row.version, revision: row.revision, pendingProjection: false, assignee: null };
  return { view, log: (await stub.log()).length, work: (await stub.work()).map((w) => w.kind).sort() };
};
async function uploadsInR2(): Promise<number> {
  let n = 0;
  let cursor: string | undefined;
  do {
    const page = await env.BUCKET.list({ prefix: "uploads/", cursor });
    n += page.objects.length;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return n;
}

const runs: Record<string, { n: number; seen: Record<number, number> }> = {};

async function fuzz(name: string, o: { method: string; path: string; token?: string; cases: fc.Arbitrary<Case>; target?: () => Promise<unknown>; sessions?: boolean; r2?: boolean }) {
  const sessions = o.sessions ?? true;
  const snapshot = async () => ({
    tables: await fingerprint({ sessions }),
    target: o.target ? await o.target() : null,
    r2: o.r2 ? await uploadsInR2() : null,
  });
  const before = await snapshot();
  let n = 0;
  const seen: Record<number, number> = {};
  await fc.assert(
    fc.asyncProperty(o.cases, async (c) => {
      n++;
      const res = await send(o.method, o.path, o.token, c);
      seen[res.status] = (seen[res.status] ?? 0) + 1;
      await expectRefused(res);
    }),
    { numRuns: RUNS },
  );
  runs[name] = { n, seen };
  expect(await snapshot()).toEqual(before);
}

// ---------------------------------------------------------------------------------------------
// Fixtures: one of each thing the endpoints act on, each used by one property only.

const PASSWORD = "Mật-khẩu-đủ-dài-2024";
let ipCount = 0;

async function signIn(email: string, password: string): Promise<string> {
  const res = await call("/api/v1/auth/login", { json: { email, password }, headers: { "cf-connecting-ip": `10.77.${++ipCount}.1` } });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text).token;
}

async function newUser(admin: string, label: string): Promise<string> {
  const u = crypto.randomUUID().slice(0, 8);
  const res = await call("/api/v1/users", {
    token: admin,
    json: { email: `fuzz-${label}-${u}@sogd.example`, name: `Người Thử ${u}`, title: "Thử nghiệm", unitId: Q6, password: PASSWORD, grants: [{ role: "author", unitIds: [] }] },
  });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text).id;
}

async function upload(token: string, reportId: string, caption: string): Promise<string> {
  const form = new FormData();
  form.set("file", new File([PNG], "anh.png", { type: "image/png" }));
  form.set("caption", caption);
  const res = await call(`/api/v1/reports/${reportId}/attachments`, { method: "POST", token, body: form });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text).id;
}

/** Waits until no notification arrives for a while (the queue delivers in batches, up to 5 s late). */
async function settleNotifications(): Promise<void> {
  const count = async () => (await env.DB.prepare("SELECT count(*) AS n FROM notifications").first<{ n: number }>())!.n;
  let last = await count();
  let stableSince = Date.now();
  const deadline = Date.now() + 30_000;
  while (Date.now() - stableSince < 6_500 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    const n = await count();
    if (n !== last) {
      last = n;
      stableSince = Date.now();
    }
  }
}

const T = {} as {
  author: string;
  admin: string;
  specialist: string;
  director: string;
  logoutToken: string;
  garbageLogoutToken: string;
  authorId: string;
  adminId: string;
  draftPatch: { id: string; version: number };
  draftSubmit: { id: string; version: number };
  draftGarbageSubmit: { id: string; version: number };
  draftImages: { id: string; images: [string, string] };
  inReview: string;
  inReviewWithdraw: string;
  published: string;
  unit: string;
  userPatch: string;
  userGrants: string;
  userDeactivate: string;
  userActivate: string;
  userGarbageDeactivate: string;
  userGarbageActivate: string;
};

beforeAll(async () => {
  T.author = await tokenFor(USERS.quan6);
  T.admin = await tokenFor(USERS.admin);
  T.specialist = await tokenFor(USERS.specialist);
  T.director = await tokenFor(USERS.director);
  T.authorId = (await json(await call("/api/v1/me", { token: T.author }))).id;
  T.adminId = (await json(await call("/api/v1/me", { token: T.admin }))).id;
  T.logoutToken = await signIn(USERS.quan6, "demo-password");
  T.garbageLogoutToken = await signIn(USERS.quan6, "demo-password");

  const draft = async (title: string) => {
    const r = await createReport(T.author, { title });
    return { id: r.id as string, version: r.version as number };
  };
  T.draftPatch = await draft("Fuzz: sửa bản nháp");
  T.draftSubmit = await draft("Fuzz: gửi duyệt");
  T.draftGarbageSubmit = await draft("Fuzz: gửi duyệt với thân JSON hỏng");
  const images = await draft("Fuzz: ảnh");
  T.draftImages = { id: images.id, images: [await upload(T.author, images.id, "Hình 1: Khai mạc"), await upload(T.author, images.id, "Hình 2: Bế mạc")] };
  T.inReview = await submittedReport({ title: "Fuzz: đang thẩm định" });
  T.inReviewWithdraw = await submittedReport({ title: "Fuzz: rút lại" });
  T.published = (await publishedReport({ title: "Fuzz: đã đăng" })).id;

  const unit = await call("/api/v1/units", { token: T.admin, json: { code: "FUZZ-UNIT", name: "Đơn vị thử nghiệm", type: "centre", parentId: DEMO_UNITS.department } });
  expect(unit.status).toBe(201);
  T.unit = (await json(unit)).id;
  T.userPatch = await newUser(T.admin, "patch");
  T.userGrants = await newUser(T.admin, "grants");
  T.userDeactivate = await newUser(T.admin, "deactivate");
  T.userActivate = await newUser(T.admin, "activate");
  T.userGarbageDeactivate = await newUser(T.admin, "garbage-deactivate");
  T.userGarbageActivate = await newUser(T.admin, "garbage-activate");
  for (const id of [T.userActivate, T.userGarbageActivate]) await ok(await call(`/api/v1/users/${id}/deactivate`, { method: "POST", token: T.admin }));

  await settleNotifications();
}, TIMEOUT);

afterAll(() => {
  const total = Object.values(runs).reduce((a, b) => a + b.n, 0);
  const lines = Object.entries(runs).map(([k, { n, seen }]) => `  ${n}\t${k}\t${Object.entries(seen).map(([s, c]) => `${s}×${c}`).join(" ")}`);
  console.log(`fuzz: ${Object.keys(runs).length} properties passed, ${total} requests\n${lines.join("\n")}`);
});

// ---------------------------------------------------------------------------------------------

describe("auth", () => {
  it("POST /api/v1/auth/login: malformed sign-ins are refused and start no session", async () => {
    await fuzz("POST /auth/login", {
      method: "POST",
      path: "/api/v1/auth/login",
      cases: jsonCases({ schema: LoginRequest, valid: { email: "khong-ton-tai@sogd.example", password: "demo-password" } }).map((c) =>
        mk({ ...c, headers: { ...c.headers, "cf-connecting-ip": "10.78.0.1" } }),
      ),
    });
  }, TIMEOUT);

  it("POST /api/v1/auth/logout: bodies and bad headers are refused; the session survives", async () => {
    await fuzz("POST /auth/logout", { method: "POST", path: "/api/v1/auth/logout", token: T.logoutToken, cases: bodilessCases({}), sessions: false });
    expect((await call("/api/v1/me", { token: T.logoutToken })).status).toBe(200);
  }, TIMEOUT);

  it("PATCH /api/v1/me/preferences", async () => {
    await fuzz("PATCH /me/preferences", {
      method: "PATCH",
      path: "/api/v1/me/preferences",
      token: T.author,
      cases: jsonCases({ schema: Preferences, valid: { emailOptOut: true } }),
      target: () => userRow(T.authorId),
    });
  }, TIMEOUT);
});

describe("reports", () => {
  const { kind: _kind, ...content } = sampleReport;

  it("POST /api/v1/reports", async () => {
    await fuzz("POST /reports", { method: "POST", path: "/api/v1/reports", token: T.author, cases: jsonCases({ schema: CreateReport, valid: sampleReport, idempotent: true }) });
  }, TIMEOUT);

  it("PATCH /api/v1/reports/:id with a valid If-Match", async () => {
    const { id, version } = T.draftPatch;
    await fuzz("PATCH /reports/:id", {
      method: "PATCH",
      path: `/api/v1/reports/${id}`,
      token: T.author,
      cases: jsonCases({ schema: UpdateReport, valid: content, headers: { "if-match": `"${version}"` } }),
      target: () => reportRow(id),
    });
  }, TIMEOUT);
});

describe("attachments", () => {
  it("POST /api/v1/reports/:id/attachments: random non-image bytes and captions", async () => {
    const { id } = T.draftImages;
    await fuzz("POST /reports/:id/attachments", {
      method: "POST",
      path: `/api/v1/reports/${id}/attachments`,
      token: T.author,
      cases: uploadCases(),
      target: () => Promise.all([reportRow(id), attachmentRows(id)]),
      r2: true,
    });
  }, TIMEOUT);

  it("PUT /api/v1/reports/:id/attachments/order", async () => {
    const { id, images } = T.draftImages;
    const [a, b] = images;
    // Passes zod, but is not every live image exactly once.
    const notAPermutation = fc
      .array(fc.oneof(fc.constantFrom(a, b), fc.uuid(), fc.string({ minLength: 1, maxLength: 64 })), { maxLength: 6 })
      .filter((ids) => !(ids.length === 2 && new Set(ids).size === 2 && ids.includes(a) && ids.includes(b)))
      .map((ids) => ({ label: "ids that are not a permutation of the images", value: { ids } }));
    await fuzz("PUT /reports/:id/attachments/order", {
      method: "PUT",
      path: `/api/v1/reports/${id}/attachments/order`,
      token: T.author,
      cases: jsonCases({ schema: Reorder, valid: { ids: [b, a] }, semanticallyInvalid: notAPermutation }),
      target: () => Promise.all([reportRow(id), attachmentRows(id)]),
    });
  }, TIMEOUT);

  it("PATCH /api/v1/reports/:id/attachments/:attachmentId", async () => {
    const { id, images } = T.draftImages;
    await fuzz("PATCH /reports/:id/attachments/:attachmentId", {
      method: "PATCH",
      path: `/api/v1/reports/${id}/attachments/${images[0]}`,
      token: T.author,
      cases: jsonCases({ schema: CaptionPatch, valid: { caption: "Hình 1: Đại biểu tham dự Hội nghị" } }),
      target: () => Promise.all([reportRow(id), attachmentRows(id)]),
    });
  }, TIMEOUT);
});

describe("review", () => {
  it("POST /api/v1/reports/:id/submit: If-Match and bodies with content types", async () => {
    const { id, version } = T.draftSubmit;
    await fuzz("POST /reports/:id/submit", {
      method: "POST",
      path: `/api/v1/reports/${id}/submit`,
      token: T.author,
      cases: bodilessCases({ ifMatch: { current: version } }),
      target: () => Promise.all([reportRow(id), flowState(id)]),
    });
  }, TIMEOUT);

  it("POST /api/v1/reports/:id/decisions (the specialist, at the specialist stage)", async () => {
    const id = T.inReview;
    const wrongButWellFormed = fc.oneof(
      fc
        .option(fc.constantFrom("", " ", "\n\t", "\u00a0", "\u3000"), { nil: undefined })
        .map((comment) => ({ label: "return without a comment", value: { action: "return", stage: "specialist", ...(comment === undefined ? {} : { comment }) } })),
      fc
        .tuple(fc.constantFrom("approve", "return"), fc.stringMatching(/^[a-z][a-z0-9_]{0,39}$/).filter((s) => s !== "specialist"))
        .map(([action, stage]) => ({ label: "a stage that is not the current one", value: { action, stage, comment: "Cần bổ sung số liệu." } })),
    );
    await fuzz("POST /reports/:id/decisions", {
      method: "POST",
      path: `/api/v1/reports/${id}/decisions`,
      token: T.specialist,
      cases: jsonCases({ schema: Decision, valid: { action: "return", stage: "specialist", comment: "Cần bổ sung số liệu." }, idempotent: true, semanticallyInvalid: wrongButWellFormed }),
      target: () => Promise.all([reportRow(id), flowState(id)]),
    });
  }, TIMEOUT);

  it("POST /api/v1/reports/:id/withdraw", async () => {
    const id = T.inReviewWithdraw;
    await fuzz("POST /reports/:id/withdraw", {
      method: "POST",
      path: `/api/v1/reports/${id}/withdraw`,
      token: T.author,
      cases: jsonCases({ schema: Withdraw, valid: { comment: "Rút lại để bổ sung ảnh." }, idempotent: true }),
      target: () => Promise.all([reportRow(id), flowState(id)]),
    });
  }, TIMEOUT);

  it("POST /api/v1/reports/:id/unpublish (the director)", async () => {
    const id = T.published;
    await fuzz("POST /reports/:id/unpublish", {
      method: "POST",
      path: `/api/v1/reports/${id}/unpublish`,
      token: T.director,
      cases: jsonCases({ schema: Unpublish, valid: { reason: "Số liệu trong bài chưa chính xác, đơn vị sẽ hiệu chỉnh." }, idempotent: true }),
      target: () => Promise.all([reportRow(id), flowState(id)]),
    });
  }, TIMEOUT);
});

describe("admin: units", () => {
  it("POST /api/v1/units", async () => {
    await fuzz("POST /units", {
      method: "POST",
      path: "/api/v1/units",
      token: T.admin,
      cases: jsonCases({ schema: CreateUnit, valid: { code: "FUZZ-NEW", name: "Trung tâm thử nghiệm", type: "centre", parentId: DEMO_UNITS.department }, idempotent: true }),
    });
  }, TIMEOUT);

  it("PATCH /api/v1/units/:id", async () => {
    await fuzz("PATCH /units/:id", {
      method: "PATCH",
      path: `/api/v1/units/${T.unit}`,
      token: T.admin,
      cases: jsonCases({ schema: UpdateUnit, valid: { code: "FUZZ-RENAMED", name: "Tên mới của đơn vị", active: false } }),
      target: () => unitRow(T.unit),
    });
  }, TIMEOUT);
});

describe("admin: users", () => {
  it("POST /api/v1/users", async () => {
    await fuzz("POST /users", {
      method: "POST",
      path: "/api/v1/users",
      token: T.admin,
      cases: jsonCases({
        schema: CreateUser,
        valid: { email: "fuzz-new@sogd.example", name: "Người Thử Mới", title: "Chuyên viên", unitId: Q6, password: PASSWORD, grants: [{ role: "specialist", unitIds: [Q6] }] },
        idempotent: true,
      }),
    });
  }, TIMEOUT);

  it("PATCH /api/v1/users/:id", async () => {
    await fuzz("PATCH /users/:id", {
      method: "PATCH",
      path: `/api/v1/users/${T.userPatch}`,
      token: T.admin,
      cases: jsonCases({ schema: UpdateUser, valid: { name: "Tên Mới", title: "Phó Giám đốc", unitId: DEMO_UNITS.tanPhu, password: "mat-khau-moi-2025", emailOptOut: true } }),
      target: () => Promise.all([userRow(T.userPatch), grantRows(T.userPatch)]),
    });
  }, TIMEOUT);

  it("PUT /api/v1/users/:id/grants", async () => {
    await fuzz("PUT /users/:id/grants", {
      method: "PUT",
      path: `/api/v1/users/${T.userGrants}/grants`,
      token: T.admin,
      cases: jsonCases({
        schema: SetGrants,
        valid: { grants: [{ role: "specialist", unitIds: [Q6] }, { role: "deputy_head", unitIds: [Q6, DEMO_UNITS.tanPhu] }] },
      }),
      target: () => Promise.all([userRow(T.userGrants), grantRows(T.userGrants)]),
    });
  }, TIMEOUT);

  it("POST /api/v1/users/:id/deactivate", async () => {
    const id = T.userDeactivate;
    await fuzz("POST /users/:id/deactivate", { method: "POST", path: `/api/v1/users/${id}/deactivate`, token: T.admin, cases: bodilessCases({}), target: () => userRow(id) });
  }, TIMEOUT);

  it("POST /api/v1/users/:id/activate", async () => {
    const id = T.userActivate;
    await fuzz("POST /users/:id/activate", { method: "POST", path: `/api/v1/users/${id}/activate`, token: T.admin, cases: bodilessCases({}), target: () => userRow(id) });
  }, TIMEOUT);
});

// A body that says it is JSON and is not must be refused (400 malformed-request), as it is on every
// endpoint that reads a body, before anything happens: an endpoint that takes no body is no
// exception. Last, on fixtures of their own: if these fail they change state (a submitted report,
// a revoked session, a (de)activated user), which must not leak into the properties above.
describe("endpoints without a body: text that is not JSON, labelled application/json", () => {
  it("POST /api/v1/reports/:id/submit", async () => {
    const { id, version } = T.draftGarbageSubmit;
    await fuzz("POST /reports/:id/submit (JSON-labelled garbage)", {
      method: "POST",
      path: `/api/v1/reports/${id}/submit`,
      token: T.author,
      cases: jsonLabelledGarbage({ ifMatch: { current: version } }),
      target: () => Promise.all([reportRow(id), flowState(id)]),
    });
  }, TIMEOUT);

  it("POST /api/v1/auth/logout", async () => {
    await fuzz("POST /auth/logout (JSON-labelled garbage)", { method: "POST", path: "/api/v1/auth/logout", token: T.garbageLogoutToken, cases: jsonLabelledGarbage({}), sessions: false });
  }, TIMEOUT);

  it("POST /api/v1/users/:id/deactivate", async () => {
    const id = T.userGarbageDeactivate;
    await fuzz("POST /users/:id/deactivate (JSON-labelled garbage)", { method: "POST", path: `/api/v1/users/${id}/deactivate`, token: T.admin, cases: jsonLabelledGarbage({}), target: () => userRow(id) });
  }, TIMEOUT);

  it("POST /api/v1/users/:id/activate", async () => {
    const id = T.userGarbageActivate;
    await fuzz("POST /users/:id/activate (JSON-labelled garbage)", { method: "POST", path: `/api/v1/users/${id}/activate`, token: T.admin, cases: jsonLabelledGarbage({}), target: () => userRow(id) });
  }, TIMEOUT);
});
