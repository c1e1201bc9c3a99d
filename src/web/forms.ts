// Web forms -> the same inputs the API validates, with the same zod schemas; errors keyed by field.
import type { Context } from "hono";
import type { z } from "zod";
import { ApiError } from "../errors";
import { mediaTypeOf } from "../middleware/request-guards";
import { dateInput } from "./periods";
import type { WebEnv } from "./session";
import type { FieldErrors } from "./views/shell";

export type FormBody = Record<string, string | File | (string | File)[]>;

/**
 * Hard bounds on a form before any page looks at it. The schemas each field then goes through
 * bound it more tightly (a stage id is 40 characters); these only make sure that nothing a page
 * echoes (into a notice, a redirect, the form shown again) can be of any size. Decomposed (NFD)
 * text is longer than it will be once stored, hence the room above the schemas' limits.
 */
const FIELD_LIMITS: Record<string, number> = { body: 300_000, attendees: 120_000, summary: 10_000 };
const DEFAULT_FIELD_LIMIT = 10_000;
const MAX_FIELDS = 500;
const MAX_NAME = 100;

const MEDIA_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);

/**
 * The posted form, read once per request (the guard in ./index.ts reads it for every POST under
 * /app, and pages then get the same object). A body that is not a form is an empty form, which
 * the CSRF check refuses; a form that cannot be parsed (a bogus or missing multipart boundary, a
 * truncated body) is a 400, and a field past its bound a 422 naming it.
 */
export async function readForm(c: Context<WebEnv>): Promise<FormBody> {
  const known = c.get("form");
  if (known) return known;
  let form: FormBody = {};
  if (MEDIA_TYPES.has(mediaTypeOf(c))) {
    try {
      form = await c.req.parseBody({ all: true });
    } catch {
      throw new ApiError("malformed_request", { detail: "Biểu mẫu gửi lên không đọc được" });
    }
  }
  const names = Object.keys(form);
  if (names.length > MAX_FIELDS) throw new ApiError("malformed_request", { detail: `Biểu mẫu có quá nhiều trường (tối đa ${MAX_FIELDS})` });
  for (const name of names) {
    const values = ([] as (string | File)[]).concat(form[name] ?? []);
    const limit = FIELD_LIMITS[name] ?? DEFAULT_FIELD_LIMIT;
    const tooLong = name.length > MAX_NAME || values.length > MAX_FIELDS || values.some((v) => typeof v === "string" && v.length > limit);
    if (tooLong) {
      throw new ApiError("validation_failed", { errors: [{ path: name.slice(0, MAX_NAME), in: "form", message: `Tối đa ${limit} ký tự` }] });
    }
  }
  c.set("form", form);
  return form;
}

export const str = (form: FormBody, key: string): string => {
  const v = form[key];
  return typeof v === "string" ? v : "";
};

/** "13.184" or "13184" -> 13184; "98,6" -> 98.6; empty -> undefined; other text stays text for zod to refuse. */
export function viNumberInput(s: string): number | string | undefined {
  const t = s.trim();
  if (t === "") return undefined;
  const normalised = t.replace(/\.(?=\d{3}(\D|$))/g, "").replace(",", ".").replace(/%$/, "");
  const n = Number(normalised);
  return Number.isFinite(n) ? n : t;
}

/** Attendees typed one per line as "Name – Title" (en dash or hyphen between spaces, or a comma). */
export function parseAttendees(text: string): { name: string; title: string }[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((l) => l.replace(/^[–\-•*\s]+/, "").trim())
    .filter(Boolean)
    .map((line) => {
      const m = /^(.*?)\s+[–-]\s+(.*)$/.exec(line) ?? /^(.*?),\s*(.*)$/.exec(line);
      return m ? { name: m[1]!.trim(), title: m[2]!.trim() } : { name: line, title: "" };
    });
}

export const attendeesText = (list: { name: string; title: string }[]) => list.map((a) => (a.title ? `${a.name} – ${a.title}` : a.name)).join("\n");

export const DATE_TIME_MESSAGES = {
  dateTime: "Nhập ngày giờ dạng dd/mm/yyyy HH:mm, ví dụ 24/01/2025 17:00",
  timeImpossible: "Giờ phải từ 00:00 đến 23:59",
} as const;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * "24/01/2025", "24.1.2025", "24012025" (a phone's number pad) -> "2025-01-24" unchecked (the
 * calendar's parser says what is wrong with it); anything else as it came.
 */
export function isoDayOf(typed: string): string {
  const t = typed.trim();
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t) ?? /^(\d{2})(\d{2})(\d{4})$/.exec(t);
  return m ? `${m[3]}-${m[2]!.padStart(2, "0")}-${m[1]!.padStart(2, "0")}` : t;
}

/** "24/01/2025 10:00" (or "10h00", or twelve digits) -> "2025-01-24T10:00" unchecked; anything else as it came. */
export function isoLocalDateTimeOf(typed: string): string {
  const t = typed.trim();
  const m = /^(\S+)\s+(\d{1,2})[:hH](\d{2})$/.exec(t) ?? /^(\d{8})(\d{2})(\d{2})$/.exec(t);
  if (!m) return t;
  const day = isoDayOf(m[1]!);
  return ISO_DATE.test(day) ? `${day}T${m[2]!.padStart(2, "0")}:${m[3]}` : t;
}

/**
 * A day typed the Vietnamese way ("24/01/2025", "24/1/2025") -> "2025-01-24". The ISO form is
 * taken too: it cannot be misread, and pages or scripts saved before the text fields send it.
 * "31/02/2025" is refused with the calendar's own message.
 */
export function dayInput(s: string): { value: string } | { error: string } {
  const iso = isoDayOf(s);
  return ISO_DATE.test(iso) ? dateInput(iso.split("-").reverse().join("/")) : dateInput(s);
}

/**
 * A moment typed as "24/01/2025 17:00" (24-hour, "17h00" too; the ISO "2025-01-24T17:00" as
 * well) -> "2025-01-24T17:00:00+07:00": the department works in Viet Nam's time, whatever zone
 * the browser is in.
 */
export function dateTimeInput(s: string): { value: string } | { error: string } {
  const t = s.trim();
  const m = /^(\S+)(?:\s+|T)(\d{1,2})[:hH](\d{2})(?::00)?$/.exec(t) ?? /^(\d{8})(\d{2})(\d{2})$/.exec(t);
  if (!m) return { error: DATE_TIME_MESSAGES.dateTime };
  const day = dayInput(m[1]!);
  if ("error" in day) return day;
  if (Number(m[2]) > 23 || Number(m[3]) > 59) return { error: DATE_TIME_MESSAGES.timeImpossible };
  return { value: `${day.value}T${m[2]!.padStart(2, "0")}:${m[3]}:00+07:00` };
}

/** Two digits. */
const two = (n: number) => String(n).padStart(2, "0");

/** A stored moment as the form shows it: "24/01/2025 17:00" in Viet Nam's time. */
export function dateTimeText(iso: string): string {
  const v = new Date(Date.parse(iso) + 7 * 3600_000);
  if (Number.isNaN(v.getTime())) return "";
  return `${two(v.getUTCDate())}/${two(v.getUTCMonth() + 1)}/${v.getUTCFullYear()} ${two(v.getUTCHours())}:${two(v.getUTCMinutes())}`;
}

/** A stored day ("2025-01-24") as the form shows it ("24/01/2025"). */
export const dayText = (iso: string) => (ISO_DATE.test(iso) ? iso.split("-").reverse().join("/") : iso);

/** The report fields of a form. `clear` gives null for emptied optional fields (an edit), else they are left out. */
export function reportFields(form: FormBody, clear: boolean) {
  return reportInput(form, clear).fields;
}

/**
 * The report fields of a form and the errors of its date fields: a date that cannot be read is
 * left out of the fields (so the schema does not refuse it a second time, in its own words) and
 * said beside its field, in the form the user is asked to type.
 */
export function reportInput(form: FormBody, clear: boolean) {
  const opt = (key: string) => {
    const v = str(form, key).trim();
    return v === "" ? (clear ? null : undefined) : v;
  };
  const errors: FieldErrors = {};
  const dated = (key: "eventDate" | "publishAt", read: (s: string) => { value: string } | { error: string }) => {
    const typed = opt(key);
    if (typeof typed !== "string") return typed;
    const r = read(typed);
    if ("error" in r) {
      errors[key] = r.error;
      return undefined;
    }
    return r.value;
  };
  // A periodic report's form has a field per indicator ("figures.<id>") and a note field for each
  // value that moved a lot ("figureNotes.<id>"); other kinds' forms have neither.
  const figures = prefixed(form, "figures.", viNumberInput);
  const figureNotes = prefixed(form, "figureNotes.", (v) => (v.trim() === "" ? undefined : v));
  const fields = {
    title: str(form, "title"),
    summary: opt("summary"),
    body: str(form, "body"),
    eventDate: dated("eventDate", dayInput),
    location: opt("location"),
    attendees: parseAttendees(str(form, "attendees")),
    sourceUrl: opt("sourceUrl"),
    figures,
    figureNotes,
    publishAt: dated("publishAt", dateTimeInput),
    // Only a published report's form has the field; other forms leave the stored note alone.
    correctionNote: "correctionNote" in form ? opt("correctionNote") : undefined,
  };
  return { fields, errors };
}

/** The fields named `<prefix><key>` as {key: value}, empty values left out; undefined when the form has none. */
function prefixed<T>(form: FormBody, prefix: string, read: (v: string) => T | undefined): Record<string, T> | undefined {
  const names = Object.keys(form).filter((k) => k.startsWith(prefix) && k.length > prefix.length);
  if (names.length === 0) return undefined;
  const out: Record<string, T> = {};
  for (const name of names) {
    const value = read(str(form, name));
    // Defined, not assigned: a field named "figures.__proto__" must stay a plain key.
    if (value !== undefined) Object.defineProperty(out, name.slice(prefix.length), { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export function issuesToFields(issues: readonly z.core.$ZodIssue[]): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const path = issue.path.map(String);
    // Attendees are one textarea; figures have a field each.
    const key = (path[0] === "figures" || path[0] === "figureNotes") && path[1] ? `${path[0]}.${path[1]}` : (path[0] ?? "form");
    out[key] ??= path[0] === "attendees" && path[1] !== undefined ? `Dòng ${Number(path[1]) + 1}: ${issue.message}` : issue.message;
  }
  return out;
}

/** An ApiError's field errors (or its title) as form errors. */
export function apiErrorToFields(err: ApiError): FieldErrors {
  if (err.errors?.length) {
    const out: FieldErrors = {};
    for (const e of err.errors) {
      const [head, second] = e.path.split(".");
      out[head === "figures" && second ? `figures.${second}` : head ?? "form"] ??= e.message;
    }
    return out;
  }
  return { form: err.detail ?? err.message };
}
