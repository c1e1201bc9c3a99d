// The Worker's side of ReportFlow: RPC results back into problems, and the review state's schema.
import { z } from "@hono/zod-openapi";
import type { FlowView, TransitionView } from "../../flow/view";

// The stub and the answer's unwrapping live with the object (src/flow/client.ts), for services too.
export { flowOf, unwrap } from "../../flow/client";

/** The review state as the API answers it: the object's view without its D1 bookmark (sent in a header by the d1-session middleware). */
export function reviewState(view: TransitionView): FlowView {
  const { bookmark: _bookmark, ...state } = view;
  return state;
}

export const ReviewStateSchema = z
  .object({
    reportId: z.string(),
    status: z.string(),
    stage: z.object({ id: z.string(), label: z.string(), role: z.string() }).nullable(),
    stageDueAt: z.string().nullable(),
    version: z.number().int(),
    revision: z.number().int(),
    pendingProjection: z.boolean().openapi({ description: "True while D1 has not yet caught up (it will, by retry)" }),
    assignee: z.object({ userId: z.string(), name: z.string() }).nullable(),
  })
  .openapi("ReviewState");

export const IfMatchHeader = z.object({
  "if-match": z.string().max(40).optional().openapi({ description: "Optional: the version the caller saw, e.g. \"3\"" }),
});
