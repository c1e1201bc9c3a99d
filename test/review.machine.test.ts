// The state machine as a pure function: it follows the definition a report was submitted under.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { WORKFLOWS, workflowDefinitionSchema, type WorkflowDefinition } from "../workflows";
import { WorkingCalendar } from "../src/domain/calendar";
import { INITIAL_STATE, transition, type FlowState, type ReviewActor } from "../src/domain/review";
import { ApiError } from "../src/errors";
import { call, tokenFor, USERS } from "./helpers/api";
import { periodicInput } from "./helpers/periods";
import { d1Report, decide, flowStub, ok, submit } from "./helpers/review";

const UNIT = "unit-a";
const report = { unitId: UNIT, authorId: "author-1" };
const now = new Date("2026-03-02T08:00:00Z"); // Monday 15:00 in Viet Nam
const calendar = new WorkingCalendar();
const reviewer = (id: string, role: ReviewActor["roles"][number], unitId = "dept"): ReviewActor => ({ id, name: id, unitId, roles: [role], coverage: { [role]: [UNIT] } });

// A department that trims its chain to two stages: a new version of the news definition.
const twoStage: WorkflowDefinition = workflowDefinitionSchema.parse({ ...WORKFLOWS.news, version: WORKFLOWS.news.version + 1, stages: WORKFLOWS.news.stages.filter((s) => s.id !== "deputy_head") });

function run(state: FlowState, steps: Parameters<typeof transition>[1][], actors: (ReviewActor | null)[]) {
  let s = state;
  const deciders = new Map<string, string>();
  steps.forEach((cmd, i) => {
    const r = transition(s, cmd, actors[i] ?? null, report, deciders, now, calendar);
    if (r.event.action === "approve" || r.event.action === "return") deciders.set(actors[i]!.id, r.event.stage!);
    s = r.next;
  });
  return s;
}

describe("review state machine", () => {
  it("runs whatever chain the submitted definition carries, not the one in force", () => {
    const s = run(INITIAL_STATE, [{ type: "submit", definition: twoStage, claimedVersion: 2 }, { type: "approve", stage: "specialist" }], [null, reviewer("sp", "specialist")]);
    expect(s.definition!.version).toBe(WORKFLOWS.news.version + 1);
    expect(s.definition!.stages[s.stageIndex!]!.id).toBe("director");
    const done = transition(s, { type: "approve", stage: "director" }, reviewer("dir", "director"), report, new Map(), now, calendar);
    expect(done.next.status).toBe("approved");
  });

  it("the due time of a stage is 17:00 on the n-th working day after the day it starts", () => {
    const s = run(INITIAL_STATE, [{ type: "submit", definition: WORKFLOWS.news, claimedVersion: 2 }], [null]);
    expect(s.stageDueAt).toBe("2026-03-04T10:00:00.000Z"); // specialist, 2 working days: Wednesday 17:00
    const next = run(s, [{ type: "approve", stage: "specialist" }], [reviewer("sp", "specialist")]);
    expect(next.stageDueAt).toBe("2026-03-03T10:00:00.000Z"); // deputy head, 1 working day: Tuesday 17:00
  });

  it("a stage starts only on a submit or an approval with a stage after it, and then needs the calendar", () => {
    const submitted = run(INITIAL_STATE, [{ type: "submit", definition: twoStage, claimedVersion: 2 }], [null]);
    expect(() => transition(submitted, { type: "approve", stage: "specialist" }, reviewer("sp", "specialist"), report, new Map(), now, null)).toThrow(/calendar/);
    const atLast = run(submitted, [{ type: "approve", stage: "specialist" }], [reviewer("sp", "specialist")]);
    // The last approval starts no stage: no calendar is needed.
    expect(transition(atLast, { type: "approve", stage: "director" }, reviewer("dir", "director"), report, new Map(), now, null).next.status).toBe("approved");
    expect(() => transition(INITIAL_STATE, { type: "submit", definition: twoStage, claimedVersion: 2 }, null, report, new Map(), now, null)).toThrow(/calendar/);
  });

  it("restart policy: a resubmission starts again at the first stage", () => {
    const s = run(
      INITIAL_STATE,
      [
        { type: "submit", definition: WORKFLOWS.news, claimedVersion: 2 },
        { type: "approve", stage: "specialist" },
        { type: "return", stage: "deputy_head", comment: "Sửa" },
        { type: "submit", definition: WORKFLOWS.news, claimedVersion: 5 },
      ],
      [null, reviewer("sp", "specialist"), reviewer("dh", "deputy_head"), null],
    );
    expect(s.definition!.stages[s.stageIndex!]!.id).toBe("specialist");
    expect(s.revision).toBe(2);
  });

  it("resume policy: a resubmission goes back to the stage that returned it", () => {
    const s = run(
      INITIAL_STATE,
      [
        { type: "submit", definition: WORKFLOWS.periodic, claimedVersion: 2 },
        { type: "approve", stage: "centre_head" },
        { type: "approve", stage: "specialist" },
        { type: "return", stage: "deputy_head", comment: "Số liệu chưa khớp" },
        { type: "submit", definition: WORKFLOWS.periodic, claimedVersion: 6 },
      ],
      [null, { ...reviewer("ch", "centre_head", UNIT), coverage: {} }, reviewer("sp", "specialist"), reviewer("dh", "deputy_head"), null],
    );
    expect(s.definition!.stages[s.stageIndex!]!.id).toBe("deputy_head");
  });

  it.each([
    ["unpublish without a reason", { status: "published" as const }, { type: "unpublish" as const, reason: "  " }, "validation_failed"],
    ["publish of a draft", {}, { type: "publish" as const, publishedUrl: "/portal/x" }, "conflict"],
    ["schedule of an in-review report", { status: "in_review" as const }, { type: "schedule" as const, publishAt: "2026-04-01T00:00:00Z" }, "conflict"],
  ])("%s is refused", (_what, patch, cmd, code) => {
    try {
      transition({ ...INITIAL_STATE, ...patch }, cmd, null, report, new Map(), now, null);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).code).toBe(code);
    }
  });
});

describe("a report keeps its definition version", () => {
  it("the DO stores the definition it was submitted under, and D1 records its id and version", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await (await call("/api/v1/reports", { token: author, json: { kind: "event", title: "Giữ phiên bản quy trình", body: "Nội dung" } })).json<{ id: string }>();
    await ok(await submit(author, r.id));
    const row = await env.DB.prepare("SELECT workflow_id, workflow_version FROM reports WHERE id = ?").bind(r.id).first();
    expect(row).toEqual({ workflow_id: "event", workflow_version: WORKFLOWS.event.version });
    const stored = await flowStub(r.id).view();
    expect(stored!.stage).toMatchObject({ id: "specialist", label: "Chuyên viên" });
  });

  it("a periodic report returned at a later stage resumes there on resubmission (through the API)", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await (
      await call("/api/v1/reports", {
        token: author,
        json: await periodicInput({ title: "Báo cáo định kỳ trả lại", body: "Số liệu" }),
      })
    ).json<{ id: string }>();
    await ok(await submit(author, r.id));
    await ok(await decide(await tokenFor(USERS.centreHead), r.id, { action: "approve", stage: "centre_head" }));
    await ok(await decide(await tokenFor(USERS.specialist), r.id, { action: "return", stage: "specialist", comment: "Kiểm tra lại số hoàn thành" }));
    const again = await ok(await submit(author, r.id));
    expect(again.stage.id).toBe("specialist");
    expect((await d1Report(r.id)).stage).toBe("specialist");
  });
});

describe("the audit trail is append-only in the database itself", () => {
  it("events and revisions cannot be changed or deleted", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await (await call("/api/v1/reports", { token: author, json: { kind: "news", title: "Không xoá được", body: "Nội dung" } })).json<{ id: string }>();
    await ok(await submit(author, r.id));
    await expect(env.DB.prepare("UPDATE report_events SET comment = 'x' WHERE report_id = ?").bind(r.id).run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("DELETE FROM report_events WHERE report_id = ?").bind(r.id).run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("UPDATE report_revisions SET content = '{}' WHERE report_id = ?").bind(r.id).run()).rejects.toThrow(/immutable/);
    await expect(env.DB.prepare("DELETE FROM report_revisions WHERE report_id = ?").bind(r.id).run()).rejects.toThrow(/immutable/);
  });
});
