import { departmentStages } from "./default-chain";
import type { WorkflowDefinition } from "./schema";

export default {
  id: "event",
  // 2: stage service levels in working days on the calendar (version 1 counted hours).
  version: 2,
  kind: "event",
  label: "Hội nghị, sự kiện",
  stages: departmentStages,
  returnTo: "author",
  resubmission: "restart",
  // An event write-up may be held until a set time (publishAt); without one it goes out at once.
  afterApproval: "publish_at",
  requiresFigures: false,
} satisfies WorkflowDefinition;
