import { departmentStages } from "./default-chain";
import type { WorkflowDefinition } from "./schema";

export default {
  id: "news",
  version: 1,
  kind: "news",
  label: "Tin tức",
  stages: departmentStages,
  returnTo: "author",
  resubmission: "restart",
  afterApproval: "publish_now",
  requiresFigures: false,
} satisfies WorkflowDefinition;
