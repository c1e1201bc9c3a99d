import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import { getEntry, placeEntry } from "../portal/entries";
import { correctionsOf, recordCorrection } from "../portal/record";
import { articlePath } from "../portal/paths";
import { plainText } from "../portal/plain";
import type { FlowResult } from "../flow/report-flow";
import { copyImages, loadApproved, rebuildListings, removeReplacedImages, retract, writeArticle } from "../portal/publish";

export type PublishParams = { reportId: string; revision: number };

/** Runs a step's work; a failure is noted on the report (visible with its history) and rethrown for a retry. */
async function noted<T>(env: Env, reportId: string, step: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    await flowOf(env, reportId).noteIssue({ kind: "publication", detail: `${step}: ${String(err)}` }).catch(() => undefined);
    throw err;
  }
}

const RETRY = { retries: { limit: 5, delay: "5 seconds" as const, backoff: "exponential" as const }, timeout: "2 minutes" as const };

const flowOf = (env: Env, reportId: string) => env.REPORT_FLOW.get(env.REPORT_FLOW.idFromName(reportId));

/** A transition the DO refused as already made (409) is done; any other refusal fails the step. */
function settled(result: FlowResult): string {
  if (result.ok) return result.view.status;
  if (result.problem.code === "conflict") return "unchanged";
  throw new Error(result.problem.detail ?? result.problem.code);
}

/**
 * Publication of one approved revision. Every step is idempotent (same objects, same rows), so a
 * retried step or a re-run of the whole instance changes nothing and mails no one twice: the
 * "published" notification follows the DO's transition, which happens once.
 */
export class PublishWorkflow extends WorkflowEntrypoint<Env, PublishParams> {
  override async run(event: WorkflowEvent<PublishParams>, step: WorkflowStep): Promise<{ publishedUrl: string }> {
    const { reportId, revision } = event.payload;

    const approved = await step.do("load approved revision", RETRY, async () => {
      const view = await flowOf(this.env, reportId).view();
      const publishable = view && view.revision === revision && ["approved", "scheduled", "published"].includes(view.status);
      if (!publishable) throw new NonRetryableError(`revision ${revision} of ${reportId} is not approved for publication`);
      return loadApproved(this.env.DB, reportId, revision);
    });

    const publishAt = await step.do("decide publication time", RETRY, async () => {
      const at = approved.content.publishAt;
      if (!at || Date.parse(at) <= Date.now()) return null;
      settled(await flowOf(this.env, reportId).markScheduled({ reportId, publishAt: at }));
      return at;
    });
    if (publishAt) await step.sleepUntil("wait for publication time", new Date(publishAt));
    // Every run, a restart included, asks the report's object before writing anything. Called off
    // while asleep (withdrawn by the unit, cancelled by a director or admin): the instance is
    // normally terminated, but should it wake first, nothing is published. Still scheduled: the
    // object holds it from here on, so a withdrawal or cancellation arriving while the page is
    // written is refused, and a correction never half-replaces the live text, nor does a first
    // publication go live for a report back with its unit.
    const still = await step.do("claim publication", RETRY, () => flowOf(this.env, reportId).beginPublication({ reportId, revision }));
    if (!still) return { publishedUrl: "" };

    const figures = await step.do("copy images", RETRY, () => noted(this.env, reportId, "copy images", () => copyImages(this.env.BUCKET, this.env.IMAGES, approved)));

    const entry = await step.do("place on portal", RETRY, async () => {
      const existing = await getEntry(this.env.DB, reportId);
      const placed = await placeEntry(this.env.DB, {
        reportId,
        // A report keeps the address it was first published at.
        path: existing?.path ?? articlePath(approved.content.title, reportId),
        unitId: approved.unitId,
        kind: approved.kind,
        title: approved.content.title,
        summary: approved.content.summary,
        eventDate: approved.content.eventDate,
        revision,
        at: new Date().toISOString(),
        // What the portal's search finds and the feeds carry in full.
        bodyText: plainText(approved.content.body),
      });
      // A republication tells readers what it corrected (DESIGN.md section 14), once per revision.
      const note = approved.content.correctionNote?.trim();
      // A correction replaced an earlier revision (updated_at set); a first publication, even on a
      // retry that finds its own entry, has nothing to correct.
      if (placed.updated_at !== null && note) await recordCorrection(this.env.DB, reportId, revision, note, placed.updated_at);
      return placed;
    });

    const publishedUrl = await step.do("write page", RETRY, () =>
      noted(this.env, reportId, "write page", async () =>
        writeArticle(this.env.BUCKET, this.env.PORTAL_BASE_URL, approved, figures, entry, await correctionsOf(this.env.DB, reportId, revision)),
      ),
    );

    // Only once the page no longer shows them: images a correction removed leave the portal.
    await step.do("remove replaced images", RETRY, () =>
      noted(this.env, reportId, "remove replaced images", () => removeReplacedImages(this.env.BUCKET, this.env.DB, approved)),
    );

    // Already published (a re-run): the DO refuses a second transition, so no second email.
    const marked = await step.do("mark published", RETRY, async () => {
      const status = settled(await flowOf(this.env, reportId).markPublished({ reportId, publishedUrl, revision }));
      if (status !== "unchanged") return status;
      // Called off while its page was being written (possible only once the object's hold has
      // lapsed: see beginPublication): a first publication is taken down again at once rather
      // than left public for a report back with its unit.
      const view = await flowOf(this.env, reportId).view();
      if (view?.status === "withdrawn" && view.revision === revision && entry.updated_at === null) {
        await retract(this.env.BUCKET, this.env.DB, this.env.PORTAL_BASE_URL, reportId, "Lịch đăng đã được huỷ trước khi bài được đăng.", new Date().toISOString());
        return "called off";
      }
      return status;
    });
    if (marked === "called off") return { publishedUrl: "" };

    await step.do("update index and feeds", RETRY, () =>
      noted(this.env, reportId, "update index and feeds", () =>
        rebuildListings(this.env.BUCKET, this.env.DB, this.env.PORTAL_BASE_URL, entry, { name: approved.unitName, code: approved.unitCode }),
      ),
    );

    return { publishedUrl };
  }
}
