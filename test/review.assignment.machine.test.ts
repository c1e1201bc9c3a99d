// Assignment and delegation in the pure state machine (DESIGN.md section 13): who may claim, give
// or hand back a stage; who may decide an assigned stage; deciding on a delegator's behalf (ký
// thay), with its time bounds and coverage; separation of duties across delegation.
import { describe, expect, it } from "vitest";
import { WORKFLOWS, type WorkflowDefinition } from "../workflows";
import { WorkingCalendar } from "../src/domain/calendar";
import { INITIAL_STATE, transition, type ActingFor, type Assignee, type Command, type FlowState, type ReviewActor } from "../src/domain/review";
import { ApiError } from "../src/errors";

const UNIT = "unit-a";
const OTHER_UNIT = "unit-b";
const report = { unitId: UNIT, authorId: "author-1" };
const now = new Date("2026-03-02T08:00:00Z"); // Monday 15:00 in Viet Nam
const calendar = new WorkingCalendar();
const noDeciders = new Map<string, string>();

type Role = ReviewActor["roles"][number];
const reviewer = (id: string, role: Role, unitId = "dept"): ReviewActor => ({ id, name: `Người ${id}`, unitId, roles: [role], coverage: { [role]: [UNIT] } });
const who = (a: ReviewActor): Assignee => ({ userId: a.id, name: a.name });
/** A running delegation (an hour either side of now) of `role` from `from`, covering the report's unit. */
const actingFor = (from: ReviewActor, role: Role, patch: Partial<ActingFor> = {}): ActingFor => ({
  userId: from.id,
  name: from.name,
  role,
  unitId: from.unitId,
  covers: true,
  startsAt: new Date(now.getTime() - 3_600_000).toISOString(),
  endsAt: new Date(now.getTime() + 3_600_000).toISOString(),
  ...patch,
});
/** Someone with no reviewer role of their own, holding the given delegations. */
const delegate = (id: string, delegations: ActingFor[], unitId = "dept"): ReviewActor => ({ id, name: `Người ${id}`, unitId, roles: [], coverage: {}, delegations });

/** A report of `def` waiting at `stageId`, at version 7 of revision 1. */
function atStage(stageId: string, assignee: Assignee | null = null, def: WorkflowDefinition = WORKFLOWS.news): FlowState {
  const stageIndex = def.stages.findIndex((s) => s.id === stageId);
  expect(stageIndex).toBeGreaterThanOrEqual(0);
  return { ...INITIAL_STATE, status: "in_review", stageIndex, revision: 1, version: 7, stageDueAt: "2026-03-04T10:00:00.000Z", definition: def, assignee };
}

const apply = (state: FlowState, cmd: Command, actor: ReviewActor | null, deciders: ReadonlyMap<string, string> = noDeciders, at = now) =>
  transition(state, cmd, actor, report, deciders, at, calendar);

/** The ApiError a transition throws (fails the test if it does not throw one). */
function refusal(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error("expected the transition to be refused");
}

const sp = reviewer("sp-1", "specialist");
const sp2 = reviewer("sp-2", "specialist");
const dh = reviewer("dh-1", "deputy_head");
const dh2 = reviewer("dh-2", "deputy_head");
const dir = reviewer("dir-1", "director");
const admin: ReviewActor = { id: "admin-1", name: "Quản trị", unitId: "dept", roles: ["admin"], coverage: {} };

describe("assign: claim, give, hand back", () => {
  it("a holder claims an unassigned stage: the assignee is set, the version moves, an assign event in the holder's role", () => {
    const { next, event } = apply(atStage("specialist"), { type: "assign", stage: "specialist", assignee: who(sp) }, sp);
    expect(next.assignee).toEqual(who(sp));
    expect(next.version).toBe(8);
    expect(next.status).toBe("in_review");
    expect(next.stageIndex).toBe(0);
    expect(event).toMatchObject({ action: "assign", actorRole: "specialist", stage: "specialist", fromStatus: "in_review", toStatus: "in_review", comment: null });
  });

  it("a holder gives an unassigned stage to another holder", () => {
    const { next } = apply(atStage("specialist"), { type: "assign", stage: "specialist", assignee: who(sp2) }, sp);
    expect(next.assignee).toEqual(who(sp2));
  });

  it("the assignee passes the stage on, or hands it back to all its holders", () => {
    const passed = apply(atStage("specialist", who(sp)), { type: "assign", stage: "specialist", assignee: who(sp2) }, sp);
    expect(passed.next.assignee).toEqual(who(sp2));
    const back = apply(atStage("specialist", who(sp)), { type: "assign", stage: "specialist", assignee: null }, sp);
    expect(back.next.assignee).toBeNull();
    expect(back.next.version).toBe(8);
    expect(back.event).toMatchObject({ action: "assign", actorRole: "specialist", comment: null });
  });

  it("handing back a stage nobody has is a 409", () => {
    const err = refusal(() => apply(atStage("specialist"), { type: "assign", stage: "specialist", assignee: null }, sp));
    expect(err.code).toBe("conflict");
  });

  it("a claim of a stage assigned to someone else is a 409 naming them (extra.assignee)", () => {
    const err = refusal(() => apply(atStage("specialist", who(sp)), { type: "assign", stage: "specialist", assignee: who(sp2) }, sp2));
    expect(err.code).toBe("conflict");
    expect(err.detail).toContain(sp.name);
    expect(err.extra?.assignee).toEqual(who(sp));
    // Nor may the other holder hand it back.
    const back = refusal(() => apply(atStage("specialist", who(sp)), { type: "assign", stage: "specialist", assignee: null }, sp2));
    expect(back.code).toBe("conflict");
    expect(back.extra?.assignee).toEqual(who(sp));
  });

  it("giving the stage to whoever already has it is a 409 (the DO answers a repeat before the machine)", () => {
    const err = refusal(() => apply(atStage("specialist", who(sp)), { type: "assign", stage: "specialist", assignee: who(sp) }, sp));
    expect(err.code).toBe("conflict");
  });

  it("an admin moves an assigned stage (an assignee who left), recorded in the admin's role", () => {
    const { next, event } = apply(atStage("specialist", who(sp)), { type: "assign", stage: "specialist", assignee: who(sp2) }, admin);
    expect(next.assignee).toEqual(who(sp2));
    expect(event.actorRole).toBe("admin");
  });

  it("the assignee's delegate may pass the stage on", () => {
    const d = delegate("d-1", [actingFor(sp, "specialist")]);
    const { next } = apply(atStage("specialist", who(sp)), { type: "assign", stage: "specialist", assignee: who(sp2) }, d);
    expect(next.assignee).toEqual(who(sp2));
  });

  it("someone who holds another role, or the role without the unit, may not assign (403)", () => {
    expect(refusal(() => apply(atStage("specialist"), { type: "assign", stage: "specialist", assignee: who(dh) }, dh)).code).toBe("forbidden");
    const elsewhere: ReviewActor = { ...sp2, coverage: { specialist: [OTHER_UNIT] } };
    expect(refusal(() => apply(atStage("specialist"), { type: "assign", stage: "specialist", assignee: who(elsewhere) }, elsewhere)).code).toBe("forbidden");
    expect(refusal(() => apply(atStage("specialist"), { type: "assign", stage: "specialist", assignee: who(sp) }, null)).code).toBe("forbidden");
  });

  it("an assign for a stage that is not the current one, or of a report not in review, is a 409", () => {
    expect(refusal(() => apply(atStage("specialist"), { type: "assign", stage: "director", assignee: who(sp) }, sp)).code).toBe("conflict");
    expect(refusal(() => apply({ ...INITIAL_STATE, status: "returned" }, { type: "assign", stage: "specialist", assignee: who(sp) }, sp)).code).toBe("conflict");
  });

  it("the system's own assignment keeps the version (part of the transition that started the stage); a manual one bumps it", () => {
    const auto = apply(atStage("specialist"), { type: "assign", stage: "specialist", assignee: who(sp), auto: true }, null);
    expect(auto.next.assignee).toEqual(who(sp));
    expect(auto.next.version).toBe(7);
    expect(auto.event).toMatchObject({ action: "assign", actorRole: null, comment: "auto" });
    const manual = apply(atStage("specialist"), { type: "assign", stage: "specialist", assignee: who(sp) }, sp);
    expect(manual.next.version).toBe(8);
    // The system handing a stage back (its assignee can no longer decide it) is a change: it bumps.
    const released = apply(atStage("specialist", who(sp)), { type: "assign", stage: "specialist", assignee: null, auto: true }, null);
    expect(released.next.assignee).toBeNull();
    expect(released.next.version).toBe(8);
    expect(released.event.comment).toBe("released");
  });

  it("the report's author cannot be given the stage: 422 naming userId", () => {
    const author: Assignee = { userId: report.authorId, name: "Tác giả" };
    const err = refusal(() => apply(atStage("specialist"), { type: "assign", stage: "specialist", assignee: author }, sp));
    expect(err.code).toBe("validation_failed");
    expect(err.errors?.[0]).toMatchObject({ path: "userId", in: "json" });
    expect(err.errors?.[0]?.message).toContain("Tác giả");
    // Not even by the system.
    expect(refusal(() => apply(atStage("specialist"), { type: "assign", stage: "specialist", assignee: author, auto: true }, null)).code).toBe("validation_failed");
  });

  it("someone who decided an earlier stage of this revision cannot be given a later one: 422 naming userId", () => {
    // sp also holds the deputy role, and signed the specialist stage.
    const both: ReviewActor = { ...sp, roles: ["specialist", "deputy_head"], coverage: { specialist: [UNIT], deputy_head: [UNIT] } };
    const deciders = new Map([[both.id, "specialist"]]);
    const err = refusal(() => apply(atStage("deputy_head"), { type: "assign", stage: "deputy_head", assignee: who(both) }, dh, deciders));
    expect(err.code).toBe("validation_failed");
    expect(err.errors?.[0]?.path).toBe("userId");
    // One who decided this same stage (a return, then a resubmission resumed here) is not barred.
    const same = new Map([[dh2.id, "deputy_head"]]);
    expect(apply(atStage("deputy_head"), { type: "assign", stage: "deputy_head", assignee: who(dh2) }, dh, same).next.assignee).toEqual(who(dh2));
  });
});

describe("an assigned stage is decided by its assignee (or their delegate) only", () => {
  it("another holder is refused with 403 naming the assignee (extra.assignee)", () => {
    for (const type of ["approve", "return"] as const) {
      const err = refusal(() => apply(atStage("specialist", who(sp)), { type, stage: "specialist", comment: "Ý kiến" }, sp2));
      expect(err.code).toBe("forbidden");
      expect(err.detail).toContain(sp.name);
      expect(err.extra?.assignee).toEqual(who(sp));
    }
  });

  it("the assignee decides in their own name", () => {
    const { next, event } = apply(atStage("specialist", who(sp)), { type: "approve", stage: "specialist" }, sp);
    expect(event.onBehalfOf).toBeNull();
    expect(event.actorRole).toBe("specialist");
    expect(next.stageIndex).toBe(1);
  });

  it("a delegate of the assignee decides, recorded on the assignee's behalf", () => {
    const d = delegate("d-1", [actingFor(sp, "specialist")]);
    const { next, event } = apply(atStage("specialist", who(sp)), { type: "approve", stage: "specialist", comment: "Đồng ý" }, d);
    expect(event.onBehalfOf).toEqual({ userId: sp.id, name: sp.name, role: "specialist" });
    expect(event).toMatchObject({ action: "approve", actorRole: "specialist", comment: "Đồng ý" });
    expect(next.stageIndex).toBe(1);
  });

  it("a delegate of another holder is refused at an assigned stage, told who has it", () => {
    const d = delegate("d-2", [actingFor(sp2, "specialist")]);
    const err = refusal(() => apply(atStage("specialist", who(sp)), { type: "approve", stage: "specialist" }, d));
    expect(err.code).toBe("forbidden");
    expect(err.extra?.assignee).toEqual(who(sp));
  });

  it("an assignee who holds the role only under a delegation decides on their delegator's behalf", () => {
    const d = delegate("d-3", [actingFor(sp2, "specialist")]);
    const { event } = apply(atStage("specialist", who(d)), { type: "approve", stage: "specialist" }, d);
    expect(event.onBehalfOf).toMatchObject({ userId: sp2.id, role: "specialist" });
  });
});

describe("deciding on a delegator's behalf (ký thay)", () => {
  it("a delegate decides an unassigned stage with the delegator's coverage, onBehalfOf set", () => {
    const d = delegate("d-1", [actingFor(dir, "director")]);
    const { next, event } = apply(atStage("director"), { type: "approve", stage: "director" }, d);
    expect(next.status).toBe("approved");
    expect(event.onBehalfOf).toEqual({ userId: dir.id, name: dir.name, role: "director" });
  });

  it("a delegation whose grant does not cover the report's unit (covers: false) gives nothing: 403", () => {
    const d = delegate("d-1", [actingFor(dir, "director", { covers: false })]);
    expect(refusal(() => apply(atStage("director"), { type: "approve", stage: "director" }, d)).code).toBe("forbidden");
  });

  it("a delegation of another role gives nothing at this stage: 403", () => {
    const d = delegate("d-1", [actingFor(dh, "deputy_head")]);
    expect(refusal(() => apply(atStage("director"), { type: "approve", stage: "director" }, d)).code).toBe("forbidden");
  });

  it("own_unit stage: a delegated centre head decides only a report of the delegator's unit", () => {
    const head = reviewer("ch-1", "centre_head", UNIT);
    const deputyOfCentre = delegate("ch-deputy", [actingFor(head, "centre_head", { unitId: UNIT, covers: false })], UNIT);
    // The deputy is of the centre, but no author: the centre head's own-unit rule is by the delegator's unit.
    const at = atStage("centre_head", null, WORKFLOWS.periodic);
    const { next, event } = apply(at, { type: "approve", stage: "centre_head" }, deputyOfCentre);
    expect(event.onBehalfOf).toMatchObject({ userId: head.id, role: "centre_head" });
    expect(next.stageIndex).toBe(1);
    // The head of another centre delegating to someone: not this report's unit.
    const otherHead = reviewer("ch-2", "centre_head", OTHER_UNIT);
    const d = delegate("x", [actingFor(otherHead, "centre_head", { unitId: OTHER_UNIT, covers: true })], OTHER_UNIT);
    expect(refusal(() => apply(at, { type: "approve", stage: "centre_head" }, d)).code).toBe("forbidden");
  });

  describe("time bounds: startsAt inclusive, endsAt exclusive", () => {
    const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
    const decideWith = (bounds: Partial<ActingFor>) => () => apply(atStage("director"), { type: "approve", stage: "director" }, delegate("d-1", [actingFor(dir, "director", bounds)]));

    it("now = endsAt: refused", () => {
      expect(refusal(decideWith({ endsAt: at(0) })).code).toBe("forbidden");
    });
    it("now = endsAt - 1 ms: allowed", () => {
      expect(decideWith({ endsAt: at(1) })().event.onBehalfOf?.userId).toBe(dir.id);
    });
    it("now = startsAt: allowed", () => {
      expect(decideWith({ startsAt: at(0) })().event.onBehalfOf?.userId).toBe(dir.id);
    });
    it("now = startsAt - 1 ms: refused", () => {
      expect(refusal(decideWith({ startsAt: at(1) })).code).toBe("forbidden");
    });
    it("an ended delegation at an assigned stage: refused, naming the assignee", () => {
      const d = delegate("d-1", [actingFor(dir, "director", { endsAt: at(0) })]);
      const err = refusal(() => apply(atStage("director", who(dir)), { type: "approve", stage: "director" }, d));
      expect(err.code).toBe("forbidden");
      expect(err.extra?.assignee).toEqual(who(dir));
    });
  });
});

describe("separation of duties across delegation", () => {
  it("a deputy who approved the deputy stage cannot approve the director stage on the director's behalf", () => {
    const deputyActing: ReviewActor = { ...dh, delegations: [actingFor(dir, "director")] };
    const deciders = new Map([[sp.id, "specialist"], [dh.id, "deputy_head"]]);
    for (const assignee of [null, who(dir)]) {
      const err = refusal(() => apply(atStage("director", assignee), { type: "approve", stage: "director" }, deputyActing, deciders));
      expect(err.code).toBe("forbidden");
      expect(err.detail).toMatch(/hai bước/);
    }
    // Another deputy, who did not decide the deputy stage, may.
    const other: ReviewActor = { ...dh2, delegations: [actingFor(dir, "director")] };
    expect(apply(atStage("director", who(dir)), { type: "approve", stage: "director" }, other, deciders).event.onBehalfOf?.userId).toBe(dir.id);
  });

  it("a decision on behalf of X counts X as a decider: X's delegate cannot sign a later stage for X", () => {
    // X holds both deputy and director roles; X already decided the deputy stage (here: in their own name).
    const x: ReviewActor = { ...dir, roles: ["deputy_head", "director"], coverage: { deputy_head: [UNIT], director: [UNIT] } };
    const deciders = new Map([[x.id, "deputy_head"]]);
    const d = delegate("d-1", [actingFor(x, "director")]);
    const err = refusal(() => apply(atStage("director"), { type: "approve", stage: "director" }, d, deciders));
    expect(err.code).toBe("forbidden");
  });

  it("a delegate who signed one stage for someone cannot decide the next in their own name", () => {
    // The caller records the delegate and the delegator as deciders of the deputy stage.
    const both: ReviewActor = { ...dir, delegations: [actingFor(dh, "deputy_head")] };
    let state = atStage("deputy_head");
    const signed = apply(state, { type: "approve", stage: "deputy_head" }, both);
    expect(signed.event.onBehalfOf?.userId).toBe(dh.id);
    const deciders = new Map([[both.id, "deputy_head"], [dh.id, "deputy_head"]]);
    state = signed.next;
    expect(refusal(() => apply(state, { type: "approve", stage: "director" }, both, deciders)).code).toBe("forbidden");
  });

  it("nobody signs for the report's author", () => {
    const authorAsDirector: ReviewActor = { ...dir, id: report.authorId };
    const d = delegate("d-1", [actingFor(authorAsDirector, "director")]);
    expect(refusal(() => apply(atStage("director"), { type: "approve", stage: "director" }, d)).code).toBe("forbidden");
  });
});

describe("a stage's assignee goes with the stage", () => {
  it("approve, return and withdraw clear the assignee", () => {
    const approved = apply(atStage("specialist", who(sp)), { type: "approve", stage: "specialist" }, sp);
    expect(approved.next.assignee).toBeNull();
    const last = apply(atStage("director", who(dir)), { type: "approve", stage: "director" }, dir);
    expect(last.next).toMatchObject({ status: "approved", assignee: null });
    const returned = apply(atStage("deputy_head", who(dh)), { type: "return", stage: "deputy_head", comment: "Sửa lại" }, dh);
    expect(returned.next).toMatchObject({ status: "returned", assignee: null });
    const withdrawn = apply(atStage("deputy_head", who(dh)), { type: "withdraw" }, null);
    expect(withdrawn.next).toMatchObject({ status: "withdrawn", assignee: null });
  });

  it("a resubmission starts unassigned", () => {
    const returned = { ...atStage("deputy_head", who(dh)), status: "returned" as const, stageIndex: null };
    const { next } = apply(returned, { type: "submit", definition: WORKFLOWS.news, claimedVersion: 9 }, null);
    expect(next.assignee).toBeNull();
  });
});
