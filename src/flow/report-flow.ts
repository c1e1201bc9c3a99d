import { DurableObject } from "cloudflare:workers";
import { transition, type Assignee, type Command, type EventDraft, type ReviewActor } from "../domain/review";
import { ApiError } from "../errors";
import { benchFlowEnv, benchFlowStats, type FlowBenchCommand, type FlowBenchStats } from "./bench-stats";
import { backoffMs, publishInstanceId } from "./effects";
import { recordTransition } from "./record";
import { LAW_CALENDAR, stageStartReads, type StageStartFacts } from "./sla";
import { projectInSession, reportSnapshot } from "./projection";
import { assignToOnlyHolder, HOLDERS_PAST_DECIDERS, preReadOf, stageOf } from "./stage-start";
import { claimSubmit, landedClaim, type ClaimHost, type SubmitPlan } from "./submit-claim";
import {
  addWork,
  allEvents,
  allWork,
  decidersOf,
  getRevision,
  initialFlow,
  loadFlow,
  markProjected,
  nextDue,
  pendingEvents,
  removeWork,
  retryWork,
  saveFlow,
  saveRevision,
  deferWorkUntil,
  addIssue,
  markPublicationBegun,
  publicationBegun,
  recentIssues,
  type FlowEvent,
  type FlowRecord,
  type Issue,
} from "./storage";
import { migrate, schemaVersion } from "./schema";
import { viewOf, type FlowResult, type FlowView } from "./view";
import { runDueWork } from "./work";

export { FLOW_SCHEMA_VERSION } from "./schema";
export type { FlowResult, FlowView, Problem, TransitionView } from "./view";

type Base = { reportId: string; actor: ReviewActor };
/** Workflow instance states after which it writes nothing more. */
const ENDED_INSTANCE = new Set(["complete", "errored", "terminated", "unknown"]);

/** What never changes about a report (its version aside, which the submit's claim sets anyway). */
export type ReportFacts = { kind: string; unitId: string; authorId: string; version: number };

// When the alarm armed with each transition fires if the follow-up did not finish (the process
// died, or a step failed and was rescheduled sooner or later by runDue).
const RECOVERY_DELAY_MS = 5_000;

/**
 * One per report (named by its id): the single writer of its review state. Every transition is
 * checked and appended to this object's own log first, then projected to D1; a projection that
 * fails stays pending and the alarm retries it until D1 matches.
 */
export class ReportFlow extends DurableObject<Env> {
  private sql: SqlStorage;
  private tail: Promise<unknown> = Promise.resolve();

  /**
   * Tests only: the name of a point in the follow-up work (see `checkpoint`) at which to cut the
   * work short, as a crash of the runtime would. Never set outside tests.
   */
  crashAt: string | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Benchmarks only (BENCH_STATS = "1"): counts this object's D1 work; otherwise env unchanged.
    this.env = benchFlowEnv(env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => {
      migrate(this.sql);
      await this.reconcile();
    });
  }

  /**
   * On every wake: work left from before a crash (or from a version that armed the alarm only
   * after doing the work, for some later reminder) gets an alarm by its due time, so nothing waits
   * for a request that may never come.
   */
  private async reconcile(): Promise<void> {
    const due = nextDue(this.sql);
    if (!due) return;
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > Date.parse(due)) await this.ctx.storage.setAlarm(Math.max(Date.parse(due), Date.now()));
  }

  // ---- RPC ----

  schemaVersion(): number {
    return schemaVersion(this.sql);
  }

  /**
   * `facts`: the report's row as the Worker just read it, which spares a first contact its own D1
   * read; `known`: the calendar and the stages' holders it read in the same batch.
   */
  submit(input: Base & { expectedVersion?: number; facts?: ReportFacts; known?: StageStartFacts }): Promise<FlowResult> {
    return this.serial(
      input.reportId,
      async (flow) => {
        const { actor } = input;
        if (!(actor.roles.includes("author") && actor.unitId === flow.unitId)) throw new ApiError("forbidden");
        return this.submitClaimed(flow, actor, input.expectedVersion, input.known);
      },
      input.facts,
    );
  }

  decide(input: Base & { action: "approve" | "return"; stage: string; comment?: string; expectedVersion?: number }): Promise<FlowResult> {
    return this.serial(input.reportId, (flow) =>
      this.apply(flow, { type: input.action, stage: input.stage, comment: input.comment, expectedVersion: input.expectedVersion }, input.actor),
    );
  }

  /**
   * Gives the current stage to `assignee` (claiming: the caller themselves), or back to all its
   * holders (null). Giving it to whoever already has it changes nothing (a second click).
   */
  assign(input: Base & { stage: string; assignee: Assignee | null }): Promise<FlowResult> {
    return this.serial(input.reportId, async (flow) => {
      const current = flow.status === "in_review" && flow.definition ? flow.definition.stages[flow.stageIndex!] : undefined;
      if (input.assignee && current?.id === input.stage && flow.assignee?.userId === input.assignee.userId) {
        return { ok: true, view: { ...viewOf(this.sql, flow), bookmark: null } };
      }
      return this.apply(flow, { type: "assign", stage: input.stage, assignee: input.assignee }, input.actor);
    });
  }

  /**
   * Hands the current stage back to all its holders if it is still assigned to `userId`, who can no
   * longer decide it (an admin deactivated them or took their role or coverage): nothing waits for
   * someone who cannot act. No-op otherwise.
   */
  release(input: { reportId: string; userId: string }): Promise<FlowResult> {
    return this.serial(input.reportId, async (flow) => {
      const stage = flow.status === "in_review" && flow.definition ? flow.definition.stages[flow.stageIndex!] : undefined;
      if (!stage || flow.assignee?.userId !== input.userId) return { ok: true, view: { ...viewOf(this.sql, flow), bookmark: null } };
      return this.apply(flow, { type: "assign", stage: stage.id, assignee: null, auto: true }, null);
    });
  }

  withdraw(input: Base & { comment?: string; expectedVersion?: number }): Promise<FlowResult> {
    return this.serial(input.reportId, async (flow) => {
      const { actor } = input;
      if (!(actor.roles.includes("author") && actor.unitId === flow.unitId)) throw new ApiError("forbidden");
      await this.refuseIfPublishing(flow);
      return this.apply(flow, { type: "withdraw", comment: input.comment, expectedVersion: input.expectedVersion }, actor);
    });
  }

  /** Called by the PUBLISH workflow. */
  markScheduled(input: { reportId: string; publishAt: string }): Promise<FlowResult> {
    return this.serial(input.reportId, (flow) => this.apply(flow, { type: "schedule", publishAt: input.publishAt }, null));
  }

  /**
   * Called by every run of the PUBLISH workflow before it writes anything: true if the revision is
   * still to be published (approved, scheduled and its time come, or already published: a re-run),
   * false if it was called off or replaced (nothing to publish). A scheduled one is held from here
   * on: withdrawing or cancelling it is refused while this instance is going (refuseIfPublishing).
   */
  beginPublication(input: { reportId: string; revision: number }): Promise<boolean> {
    return this.serialRaw(async () => {
      const flow = loadFlow(this.sql);
      if (!flow || flow.reportId !== input.reportId || flow.revision !== input.revision) return false;
      if (flow.status === "scheduled") markPublicationBegun(this.sql, input.revision, new Date().toISOString());
      return flow.status === "scheduled" || flow.status === "approved" || flow.status === "published";
    });
  }

  markPublished(input: { reportId: string; publishedUrl: string; revision: number }): Promise<FlowResult> {
    return this.serial(input.reportId, async (flow) => {
      if (flow.revision !== input.revision) throw new ApiError("conflict", { detail: "Phiên bản đã duyệt đã thay đổi" });
      return this.apply(flow, { type: "publish", publishedUrl: input.publishedUrl }, null);
    });
  }

  /** Director covering the report's unit, or admin. */
  unpublish(input: Base & { reason: string }): Promise<FlowResult> {
    return this.serial(input.reportId, async (flow) => {
      const { actor } = input;
      const allowed = actor.roles.includes("admin") || (actor.roles.includes("director") && (actor.coverage.director ?? []).includes(flow.unitId));
      if (!allowed) throw new ApiError("forbidden");
      return this.apply(flow, { type: "unpublish", reason: input.reason }, actor);
    });
  }

  /** A scheduled publication called off (director covering the unit, or admin): back to the unit, nothing published. */
  cancelPublication(input: Base & { reason: string }): Promise<FlowResult> {
    return this.serial(input.reportId, async (flow) => {
      const { actor } = input;
      const allowed = actor.roles.includes("admin") || (actor.roles.includes("director") && (actor.coverage.director ?? []).includes(flow.unitId));
      if (!allowed) throw new ApiError("forbidden");
      await this.refuseIfPublishing(flow);
      return this.apply(flow, { type: "cancel", reason: input.reason }, actor);
    });
  }

  view(): FlowView | null {
    const flow = loadFlow(this.sql);
    return flow ? viewOf(this.sql, flow) : null;
  }

  /** The object's own log, for comparing with D1. */
  log(): FlowEvent[] {
    return allEvents(this.sql);
  }

  /** Failures met and retried (newest first), and whether D1 is still behind: shown with the history. */
  delivery(): { pendingProjection: boolean; issues: Issue[] } {
    return { pendingProjection: pendingEvents(this.sql).length > 0, issues: recentIssues(this.sql) };
  }

  /** A publication step that failed (it will be retried by the workflow). */
  noteIssue(input: { kind: string; detail: string }): void {
    addIssue(this.sql, input.kind, input.detail);
  }

  /** Pending work, without payloads (for tests and diagnostics). */
  work(): { id: string; kind: string; dueAt: string; attempts: number }[] {
    return allWork(this.sql).map(({ id, kind, dueAt, attempts }) => ({ id, kind, dueAt, attempts }));
  }

  revision(number: number) {
    return getRevision(this.sql, number);
  }

  /** Resolves once every transition and follow-up queued so far has run: for tests and diagnostics. */
  settled(): Promise<void> {
    return this.serialRaw(async () => undefined);
  }

  /** Benchmarks only: arm, read or disarm the count of this object's D1 work (null when not counting). */
  benchStats(cmd: FlowBenchCommand): FlowBenchStats | null {
    return benchFlowStats(this.env, cmd);
  }

  override async alarm(): Promise<void> {
    await this.serialRaw(async () => {
      await this.runDue(new Date());
    });
  }

  // ---- transitions ----

  /** Transitions run one at a time, D1 round trips included, so no two can interleave. */
  private serial(reportId: string, fn: (flow: FlowRecord) => Promise<FlowResult>, facts?: ReportFacts): Promise<FlowResult> {
    return this.serialRaw(async () => {
      try {
        return await fn(await this.flow(reportId, facts));
      } catch (err) {
        if (err instanceof ApiError) return { ok: false, problem: { code: err.code, detail: err.detail, errors: err.errors, extra: err.extra } };
        throw err;
      }
    });
  }

  /**
   * A scheduled publication whose instance has begun writing cannot be called off while that
   * instance is still going (409 saying what to do instead). Once it has ended (finished, failed for
   * good, terminated) or the hold has run out, calling off is allowed again.
   */
  private async refuseIfPublishing(flow: FlowRecord): Promise<void> {
    if (flow.status !== "scheduled" || !publicationBegun(this.sql, flow.revision, Date.now())) return;
    const instance = await this.env.PUBLISH.get(publishInstanceId(flow.reportId, flow.revision)).catch(() => null);
    const status = instance ? (await instance.status().catch(() => null))?.status : undefined;
    if (!status || ENDED_INSTANCE.has(status)) return;
    throw new ApiError("conflict", {
      detail: "Bài đang được đăng lên cổng thông tin nên không huỷ lịch đăng được nữa; sau khi bài lên, lãnh đạo có thể gỡ bài.",
    });
  }

  private serialRaw<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** This report's flow; the first call takes the report's facts from the caller or from D1. */
  private async flow(reportId: string, facts?: ReportFacts): Promise<FlowRecord> {
    const existing = loadFlow(this.sql);
    if (existing) {
      if (existing.reportId !== reportId) throw new ApiError("internal");
      return existing;
    }
    const known =
      facts ??
      (await reportSnapshot(this.env.DB, reportId).then(
        (snap) => snap && { kind: snap.kind, unitId: snap.unit_id, authorId: snap.author_id, version: snap.version },
        () => {
          throw new ApiError("unavailable");
        },
      ));
    if (!known) throw new ApiError("not_found");
    const flow = initialFlow({ reportId, kind: known.kind, unitId: known.unitId, authorId: known.authorId, status: "draft", version: known.version, revision: 0 });
    saveFlow(this.sql, flow);
    return flow;
  }

  private async submitClaimed(flow: FlowRecord, actor: ReviewActor, expectedVersion: number | undefined, known?: StageStartFacts): Promise<FlowResult> {
    return this.commitSubmit(flow, await claimSubmit(this.claimHost(), flow, actor, expectedVersion, known));
  }

  /** A submit whose D1 claim landed without being recorded here (see landedClaim), recorded now; null if none. */
  private async adoptLandedClaim(flow: FlowRecord, actor: ReviewActor | null): Promise<FlowResult | null> {
    const plan = await landedClaim(this.claimHost(), flow, actor);
    return plan && this.commitSubmit(flow, plan);
  }

  private claimHost(): ClaimHost {
    return { sql: this.sql, db: this.env.DB, project: () => this.project() };
  }

  private async commitSubmit(flow: FlowRecord, { next, event, actor, claim, now, calendar, holders }: SubmitPlan): Promise<FlowResult> {
    const settled = { ...next, version: claim.version, revision: claim.revision };
    const assigned = await assignToOnlyHolder(this.env.DB, flow, settled, new Map(), now, holders);
    this.commit(() => {
      saveRevision(this.sql, { number: claim.revision, content: claim.content, contentHash: claim.contentHash, createdBy: actor.id, createdAt: now.toISOString() });
      recordTransition(this.sql, flow, assigned.next, event, actor, now, calendar, assigned.then);
    });
    return this.afterRecord(flow.reportId);
  }

  private async apply(flow: FlowRecord, cmd: Command, actor: ReviewActor | null): Promise<FlowResult> {
    const now = new Date();
    const deciders = decidersOf(this.sql, flow.revision);
    let result;
    try {
      // Refusals first, decided without I/O (the law's calendar stands in for the stored one): a
      // caller who may not act is told so even while D1 cannot give the calendar's overrides.
      result = transition(flow, cmd, actor, flow, deciders, now, LAW_CALENDAR);
    } catch (err) {
      // The DO may have missed a submit whose D1 claim landed; adopt it and try once more.
      if (err instanceof ApiError && err.code === "conflict" && flow.status !== "in_review" && (cmd.type === "approve" || cmd.type === "return" || cmd.type === "withdraw")) {
        const adopted = await this.adoptLandedClaim(flow, null).catch(() => null);
        if (adopted?.ok) return this.apply(loadFlow(this.sql)!, cmd, actor);
      }
      throw err;
    }
    // The decision just made counts for separation of duties at the stage it starts.
    const decided = new Map(deciders);
    for (const id of [actor?.id, result.event.onBehalfOf?.userId]) if (id && result.event.stage) decided.set(id, result.event.stage);
    // The due time of a stage this starts comes from the stored calendar (the admin's overrides),
    // read with the stage's holders in one round trip (the stage does not depend on the calendar).
    const stage = stageOf(result.next);
    const reads = await stageStartReads(this.env.DB, { reportId: flow.reportId, state: flow, cmd, stage, limit: decided.size + HOLDERS_PAST_DECIDERS });
    const calendar = reads?.calendar ?? null;
    if (calendar) result = transition(flow, cmd, actor, flow, deciders, now, calendar);
    let then: EventDraft[] = [];
    if (calendar && result.next.status === "in_review") {
      ({ next: result.next, then } = await assignToOnlyHolder(this.env.DB, flow, result.next, decided, now, preReadOf(stage, reads?.holders)));
    }
    const { next, event } = result;
    this.commit(() => recordTransition(this.sql, flow, next, event, actor, now, calendar, then));
    return this.afterRecord(flow.reportId);
  }

  /**
   * Records a transition and the work it sets off in one storage transaction, and arms the alarm
   * in the same synchronous turn: the runtime commits writes made without an intervening await
   * atomically, so the event never exists without the alarm that will finish its work, whatever
   * happens to this process afterwards (before or after the answer). The alarm only fires for
   * what the follow-up (afterRecord) has not done by then.
   */
  private commit(record: () => void): void {
    this.ctx.storage.transactionSync(record);
    void this.ctx.storage.setAlarm(Date.now() + RECOVERY_DELAY_MS);
  }

  /**
   * Only the D1 projection is done before answering, so that a read right after the answer (this
   * client's, with the bookmark) shows the new state. Emails, publication and retraction follow
   * the answer: already durable in this object's storage, they need nobody to wait for them.
   */
  private async afterRecord(reportId: string): Promise<FlowResult> {
    if (this.crashAt) await this.checkpoint("committed");
    const bookmark = await this.projectNow();
    const flow = loadFlow(this.sql)!;
    if (flow.reportId !== reportId) throw new ApiError("internal");
    this.followUp();
    return { ok: true, view: { ...viewOf(this.sql, flow), bookmark } };
  }

  /** The due projection, at once; the bookmark of its batch, or null if D1 failed (retried by the alarm). */
  private async projectNow(): Promise<string | null> {
    if (this.crashAt) await this.checkpoint("before:project");
    const { done, bookmark } = await this.project();
    if (!done) {
      // Emails and publication read the report in D1: they wait for the projection's retry.
      deferWorkUntil(this.sql, "project");
      await this.reschedule();
      return null;
    }
    if (this.crashAt) await this.checkpoint("after:project");
    return bookmark;
  }

  /**
   * The rest of the due work, after the answer: queued behind the transition that set it off (so
   * never beside another run of the due work), and kept going by waitUntil. If the process dies
   * first, the alarm armed with the commit does it; every piece is idempotent.
   */
  private followUp(): void {
    const run = this.serialRaw(() => this.runDue(new Date()));
    this.ctx.waitUntil(run.catch((err) => console.error(JSON.stringify({ level: "error", message: "follow-up failed; the alarm retries it", error: String(err) }))));
  }

  // ---- projection and due work ----

  /** Projects pending events to D1 in one batch; done when none is left pending. */
  private async project(): Promise<{ done: boolean; bookmark: string | null }> {
    const pending = pendingEvents(this.sql);
    if (pending.length === 0) {
      removeWork(this.sql, "project");
      return { done: true, bookmark: null };
    }
    const flow = loadFlow(this.sql)!;
    const revisions = pending.filter((e) => e.action === "submit").flatMap((e) => getRevision(this.sql, e.revision) ?? []);
    let bookmark: string | null;
    try {
      bookmark = await projectInSession(this.env.DB, flow.reportId, pending, revisions);
    } catch (err) {
      addIssue(this.sql, "projection", String(err));
      const attempts = this.sql.exec<{ attempts: number }>("SELECT attempts FROM work WHERE id = 'project'").toArray()[0]?.attempts ?? 0;
      addWork(this.sql, { id: "project", kind: "project", dueAt: new Date().toISOString(), payload: {} });
      retryWork(this.sql, "project", new Date(Date.now() + backoffMs(attempts)).toISOString(), String(err));
      await this.reschedule();
      return { done: false, bookmark: null };
    }
    markProjected(this.sql, pending.map((e) => e.seq));
    removeWork(this.sql, "project");
    return { done: true, bookmark };
  }

  private async runDue(now: Date): Promise<void> {
    const checkpoint = this.crashAt ? (point: string) => this.checkpoint(point) : null;
    await runDueWork(this.env, this.sql, now, async () => (await this.project()).done, checkpoint);
    await this.reschedule();
  }

  private async reschedule(): Promise<void> {
    const due = nextDue(this.sql);
    if (due) await this.ctx.storage.setAlarm(Math.max(Date.parse(due), Date.now()));
    else await this.ctx.storage.deleteAlarm();
  }

  /**
   * Tests only: where `crashAt` names this point, end the object here as a killed process would,
   * once what it wrote so far is durable (a crash after the commit, not before it).
   */
  private async checkpoint(point: string): Promise<void> {
    if (this.crashAt !== point) return;
    this.crashAt = null;
    await this.ctx.storage.sync();
    this.ctx.abort(`crash injected at ${point}`);
  }
}
