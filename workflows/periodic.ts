import { departmentStages } from "./default-chain";
import type { WorkflowDefinition } from "./schema";

export default {
  id: "periodic",
  // 2: stage service levels in working days on the calendar (version 1 counted hours).
  version: 2,
  kind: "periodic",
  label: "Báo cáo định kỳ",
  // The centre's own head signs off before the department sees the figures.
  stages: [
    { id: "centre_head", role: "centre_head", label: "Lãnh đạo đơn vị", slaWorkingDays: 2, actions: ["approve", "return"], scope: "own_unit" },
    ...departmentStages,
  ],
  returnTo: "author",
  // A corrected report goes back to whoever returned it rather than through the whole chain.
  resubmission: "resume",
  afterApproval: "not_public",
  requiresFigures: true,
} satisfies WorkflowDefinition;
