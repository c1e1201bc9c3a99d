import { ApiError } from "../../errors";

// The access rule lives with the services that use it; routes import it from here too.
export { reportFor } from "../../services/report-access";

/** `If-Match: 3`, `"3"` or `W/"3"` -> 3; absent -> undefined; unreadable -> 412. */
export function optionalVersion(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!m) throw new ApiError("precondition_failed", { detail: "If-Match phải là số phiên bản, ví dụ \"3\"" });
  return Number(m[1]);
}

export const etagOf = (version: number) => `"${version}"`;
