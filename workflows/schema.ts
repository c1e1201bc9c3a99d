import { z } from "zod";

export const STAGE_ACTIONS = ["approve", "return"] as const;

export const stageSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  role: z.enum(["centre_head", "specialist", "deputy_head", "director"]),
  // Shown to people; role labels are data, not strings in pages.
  label: z.string().min(1),
  // The stage's service level: due at 17:00 on the n-th working day after the day it starts
  // (DESIGN.md section 12). The reminder (08:00 of that day) and the escalation (when it passes)
  // follow from the due time, so a definition states nothing else about them.
  slaWorkingDays: z.number().int().min(1).max(30),
  actions: z.array(z.enum(STAGE_ACTIONS)).min(1),
  // The first stage of a centre-internal chain is reviewed inside the author's own unit.
  scope: z.enum(["own_unit", "covered_units"]),
});

export const workflowDefinitionSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9_-]*$/),
    version: z.number().int().positive(),
    kind: z.enum(["news", "event", "periodic"]),
    label: z.string().min(1),
    stages: z.array(stageSchema).min(1),
    returnTo: z.literal("author"),
    resubmission: z.enum(["restart", "resume"]),
    afterApproval: z.enum(["publish_now", "publish_at", "not_public"]),
    requiresFigures: z.boolean(),
  })
  .superRefine((def, ctx) => {
    const ids = new Set<string>();
    def.stages.forEach((s, i) => {
      if (ids.has(s.id)) ctx.addIssue({ code: "custom", path: ["stages", i, "id"], message: `duplicate stage ${s.id}` });
      ids.add(s.id);
    });
    const last = def.stages.at(-1);
    if (last && !last.actions.includes("approve"))
      ctx.addIssue({ code: "custom", path: ["stages"], message: "the last stage must be able to approve" });
  });

export type WorkflowDefinition = z.infer<typeof workflowDefinitionSchema>;
export type Stage = z.infer<typeof stageSchema>;
