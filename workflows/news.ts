import { departmentStages } from "./default-chain";
import type { WorkflowDefinition } from "./schema";

export default {
  id: "news",
  // 2: stage service levels in working days on the calendar (version 1 counted hours).
  version: 2,
  kind: "news",
  label: "Tin tức",
  stages: departmentStages,
  returnTo: "author",
  resubmission: "restart",
  afterApproval: "publish_now",
  requiresFigures: false,
} satisfies WorkflowDefinition;
