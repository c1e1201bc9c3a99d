// Races at scale, through the Worker: many reviewers' clicks on the same decision at the same
// moment. The ReportFlow DO is the single writer of a report's review state, so for each report and
// stage exactly one decision wins and every other gets a 409 naming where the report now is; D1
// (the query side) ends up equal to each DO's own log.
import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { publishInstanceId } from "../src/flow/effects";
import { tokenFor, USERS } from "./helpers/api";
import { d1Events, d1Report, decide, DEFAULT_CHAIN, flowStub, submittedReport } from "./helpers/review";

const REPORTS = 20;
const CLICKS = 50;
const STAGES = DEFAULT_CHAIN.map(([who, stage]) => ({ who, stage }));
// A thousand requests through one workerd take ~10 s on a quiet machine; leave room for a busy one.
const HEAVY = 120_000;

type Outcome = { id: string; action: "approve" | "return"; comment?: string; status: number; body: any };

/** Fires every request at once (one Promise.all); each answer is read in full. */
async function fireAll(requests: { id: string; token: string; action: "approve" | "return"; stage: string; comment?: string }[]): Promise<Outcome[]> {
  return Promise.all(
    requests.map(async (r) => {
      const res = await decide(r.token, r.id, { action: r.action, stage: r.stage, ...(r.comment ? { comment: r.comment } : {}) });
      const text = await res.text();
      let body: any = text;
      try {
        body = JSON.parse(text);
      } catch {
        // left as text: the assertion below shows it
      }
      return { id: r.id, action: r.action, comment: r.comment, status: res.status, body };
    }),
  );
}

const byReport = (outcomes: Outcome[]) => {
  const m = new Map<string, Outcome[]>();
  for (const o of outcomes) m.set(o.id, [...(m.get(o.id) ?? []), o]);
  return m;
};

/** The stage after `stage` in the default chain, or null after the last one. */
const nextStage = (stage: string) => STAGES[STAGES.findIndex((s) => s.stage === stage) + 1]?.stage ?? null;

/** A loser: 409 conflict whose currentStage is where the winner left the report. */
function expectLoser(o: Outcome, stageNow: string | null, statusNow: readonly string[]) {
  expect(o.status, JSON.stringify(o.body)).toBe(409);
  expect(o.body.type).toBe("urn:sogd:problem:conflict");
  expect(o.body).toHaveProperty("currentStage");
  expect(o.body.currentStage?.id ?? null).toBe(stageNow);
  expect(statusNow).toContain(o.body.currentStatus);
}

/** D1's history equals the DO's log, every event projected, and the report row equals the DO's view. */
async function expectD1MatchesFlow(id: string) {
  const log = await flowStub(id).log();
  const view = (await flowStub(id).view())!;
  const events = await d1Events(id);
  expect(events.map((e: any) => [e.id, e.seq, e.action, e.to_status])).toEqual(log.map((e) => [e.id, e.seq, e.action, e.toStatus]));
  expect(log.every((e) => e.projected)).toBe(true);
  expect(view.pendingProjection).toBe(false);
  expect(await d1Report(id)).toMatchObject({ status: view.status, stage: view.stage?.id ?? null, version: view.version, revision: view.revision });
  return { log, view, events };
}

type Introspector = Awaited<ReturnType<typeof introspectWorkflowInstance>>;

describe(`${REPORTS} reports, ${CLICKS} simultaneous approvals of each per stage`, () => {
  const ids: string[] = [];
  const publications = new Map<string, Introspector>();

  it(`${REPORTS} reports submitted`, async () => {
    ids.push(...(await Promise.all(Array.from({ length: REPORTS }, (_, i) => submittedReport({ kind: "news", title: `Đua duyệt số ${i + 1}` })))));
    for (const id of ids) expect(await d1Report(id)).toMatchObject({ status: "in_review", stage: "specialist", revision: 1 });
  }, HEAVY);

  it.each(STAGES)(`stage $stage: ${REPORTS * CLICKS} approvals at once, exactly one 200 per report, ${CLICKS - 1} x 409 naming the current stage`, async ({ who, stage }) => {
    const token = await tokenFor(USERS[who]);
    const after = nextStage(stage);
    // The final approval starts PUBLISH: watch each instance so the end state is settled.
    if (!after) for (const id of ids) publications.set(id, await introspectWorkflowInstance(env.PUBLISH, publishInstanceId(id, 1)));

    // Interleaved across reports, all in one Promise.all.
    const requests = Array.from({ length: CLICKS }, () => ids.map((id) => ({ id, token, action: "approve" as const, stage }))).flat();
    expect(requests).toHaveLength(REPORTS * CLICKS);
    const outcomes = byReport(await fireAll(requests));

    for (const id of ids) {
      const mine = outcomes.get(id)!;
      expect(mine).toHaveLength(CLICKS);
      const winners = mine.filter((o) => o.status === 200);
      expect(winners, `report ${id}: ${JSON.stringify(mine.filter((o) => o.status !== 200 && o.status !== 409).map((o) => o.body))}`).toHaveLength(1);
      expect(winners[0]!.body).toMatchObject(after ? { status: "in_review", stage: { id: after } } : { status: "approved", stage: null });
      const losers = mine.filter((o) => o.status !== 200);
      expect(losers).toHaveLength(CLICKS - 1);
      // After the last stage there is no current stage; PUBLISH may already have published it.
      for (const o of losers) expectLoser(o, after, after ? ["in_review"] : ["approved", "published"]);
    }
  }, HEAVY);

  it("at the end, for every report: D1 history = the DO's log, all projected, D1 row = DO view, exactly three approvals", async () => {
    for (const id of ids) {
      const instance = publications.get(id)!;
      await instance.waitForStatus("complete");
      await instance.dispose();
    }
    for (const id of ids) {
      const { view, events } = await expectD1MatchesFlow(id);
      expect(view).toMatchObject({ status: "published", stage: null, revision: 1 });
      const approvals = events.filter((e: any) => e.action === "approve");
      expect(approvals.map((e: any) => e.stage)).toEqual(STAGES.map((s) => s.stage));
      expect(events.map((e: any) => e.action)).toEqual(["submit", "assign", "approve", "assign", "approve", "assign", "approve", "publish"]);
    }
  }, HEAVY);
});

describe("approve and return raced on the same stage", () => {
  const HALF = 25;
  // Four fresh reports waiting at each stage of the chain.
  const PER_STAGE = 4;

  it(`${HALF} approvals + ${HALF} returns per report at once: exactly one winner, and the report is where the winner sent it`, async () => {
    const reports = await Promise.all(
      STAGES.flatMap(({ stage }, stageIndex) =>
        Array.from({ length: PER_STAGE }, async (_, i) => {
          const id = await submittedReport({ kind: "news", title: `Đua duyệt và trả ${stage} ${i + 1}` });
          for (const prior of STAGES.slice(0, stageIndex)) {
            const res = await decide(await tokenFor(USERS[prior.who]), id, { action: "approve", stage: prior.stage });
            expect(res.status, await res.text()).toBe(200);
          }
          return { id, stage, who: STAGES[stageIndex]!.who, index: i };
        }),
      ),
    );
    const publications = new Map<string, Introspector>();
    for (const r of reports) if (!nextStage(r.stage)) publications.set(r.id, await introspectWorkflowInstance(env.PUBLISH, publishInstanceId(r.id, 1)));

    // Alternate approve / return; every other report starts with a return, so both can win.
    const requests = (
      await Promise.all(
        reports.map(async (r) => {
          const token = await tokenFor(USERS[r.who]);
          return Array.from({ length: 2 * HALF }, (_, k) => {
            const action = (k + r.index) % 2 === 0 ? ("approve" as const) : ("return" as const);
            return { id: r.id, token, action, stage: r.stage, ...(action === "return" ? { comment: `Trả lại lần ${k}: bổ sung ảnh` } : {}) };
          });
        }),
      )
    ).flat();
    const outcomes = byReport(await fireAll(requests));

    const won = { approve: 0, return: 0 };
    for (const r of reports) {
      const mine = outcomes.get(r.id)!;
      expect(mine.filter((o) => o.action === "approve")).toHaveLength(HALF);
      expect(mine.filter((o) => o.action === "return")).toHaveLength(HALF);
      const winners = mine.filter((o) => o.status === 200);
      expect(winners, JSON.stringify(mine.filter((o) => o.status !== 200 && o.status !== 409).map((o) => o.body))).toHaveLength(1);
      const winner = winners[0]!;
      won[winner.action]++;
      const after = nextStage(r.stage);
      const losers = mine.filter((o) => o !== winner);
      expect(losers).toHaveLength(2 * HALF - 1);

      if (winner.action === "return") {
        expect(winner.body).toMatchObject({ status: "returned", stage: null });
        for (const o of losers) expectLoser(o, null, ["returned"]);
        await publications.get(r.id)?.dispose();
      } else if (after) {
        expect(winner.body).toMatchObject({ status: "in_review", stage: { id: after } });
        for (const o of losers) expectLoser(o, after, ["in_review"]);
      } else {
        expect(winner.body).toMatchObject({ status: "approved", stage: null });
        for (const o of losers) expectLoser(o, null, ["approved", "published"]);
        await publications.get(r.id)!.waitForStatus("complete");
        await publications.get(r.id)!.dispose();
      }

      const { view, events } = await expectD1MatchesFlow(r.id);
      // One decision of the raced stage, and it is the winner's (with the winner's comment).
      const decisions = events.filter((e: any) => e.stage === r.stage && (e.action === "approve" || e.action === "return"));
      expect(decisions).toHaveLength(1);
      expect(decisions[0]).toMatchObject({ action: winner.action, comment: winner.comment ?? null });
      const d1 = await d1Report(r.id);
      if (winner.action === "return") expect(d1).toMatchObject({ status: "returned", stage: null });
      else if (after) expect(d1).toMatchObject({ status: "in_review", stage: after });
      else expect(view.status).toBe("published");
    }
    expect(won.approve + won.return).toBe(reports.length);
    console.info(`mixed race winners: ${won.approve} approvals, ${won.return} returns`);
  }, HEAVY);
});
