import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";

export type PublishParams = { reportId: string; revision: number };

/** Publication of an approved revision to the portal; its steps come with the portal issue. */
export class PublishWorkflow extends WorkflowEntrypoint<Env, PublishParams> {
  override async run(event: WorkflowEvent<PublishParams>, step: WorkflowStep): Promise<{ reportId: string; revision: number }> {
    return step.do("acknowledge", async () => ({ reportId: event.payload.reportId, revision: event.payload.revision }));
  }
}
