import event from "./event";
import news from "./news";
import periodic from "./periodic";
import { workflowDefinitionSchema, type WorkflowDefinition } from "./schema";

/** The definitions in force, one per report kind, parsed (and so checked) when first loaded. */
export const WORKFLOWS: Readonly<Record<WorkflowDefinition["kind"], WorkflowDefinition>> = Object.freeze({
  news: workflowDefinitionSchema.parse(news),
  event: workflowDefinitionSchema.parse(event),
  periodic: workflowDefinitionSchema.parse(periodic),
});

export const REPORT_KINDS = Object.keys(WORKFLOWS) as [WorkflowDefinition["kind"], ...WorkflowDefinition["kind"][]];

export type ReportKind = WorkflowDefinition["kind"];

export { workflowDefinitionSchema, type WorkflowDefinition, type Stage } from "./schema";
