// What changed between two frozen revisions: field by field, and word by word in the body.
import { diffWords } from "diff";

export const DIFFED_FIELDS = ["title", "summary", "eventDate", "location", "sourceUrl", "publishAt", "attendees", "figures", "figureNotes", "attachments"] as const;

export type FieldChange = { field: string; before: unknown; after: unknown };
export type BodyPart = { op: "equal" | "insert" | "delete"; text: string };

// Attachment identity and caption and order matter to a reviewer; storage keys do not.
const comparable = (field: string, v: unknown) =>
  field === "attachments" && Array.isArray(v) ? v.map((a: { id: string; caption: string }) => ({ id: a.id, caption: a.caption })) : (v ?? null);

/**
 * `bodyAs` turns the stored body (Markdown) into what is compared word by word. The API keeps the
 * source (a client may want to see markup changes); the review page passes the rendered plain text
 * (portal/plain.ts), so a reviewer reads "120 -> 150", not "**120** -> **150**" or list markers.
 * The domain takes it as a function so that it does not depend on the portal's renderer.
 */
export function diffRevisions(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  bodyAs: (body: string) => string = (body) => body,
): { fields: FieldChange[]; body: BodyPart[]; bodyChanged: boolean } {
  const fields: FieldChange[] = [];
  for (const field of DIFFED_FIELDS) {
    const a = comparable(field, before[field]);
    const b = comparable(field, after[field]);
    if (JSON.stringify(a) !== JSON.stringify(b)) fields.push({ field, before: a, after: b });
  }
  const parts = diffWords(bodyAs(String(before.body ?? "")), bodyAs(String(after.body ?? "")));
  const body: BodyPart[] = parts.map((p) => ({ op: p.added ? "insert" : p.removed ? "delete" : "equal", text: p.value }));
  return { fields, body, bodyChanged: body.some((p) => p.op !== "equal") };
}
