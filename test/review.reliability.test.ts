// Races, injected D1 failures, SLA alarms and the publish hand-off: nothing skipped, lost or doubled.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { ReportFlow } from "../src/flow/report-flow";
import { publishInstanceId, type NotificationMessage } from "../src/flow/effects";
import { call, json, tokenFor, USERS } from "./helpers/api";
import { periodicInput } from "./helpers/periods";
import { approveAll, d1Events, d1Report, decide, DEFAULT_CHAIN, flowStub, ok, submit, submittedReport } from "./helpers/review";

type Flaky = { failures: number; commitThenFail?: boolean; reads?: boolean };

/** Statements that write (prepared through a flaky binding), once bound: only their batches fail. */
const writing = new WeakSet<object>();
const WRITES = /^\s*(insert|update|delete|replace)\b/i;

/**
 * A D1 binding whose write batches (a claim, a projection) fail the next `failures` times
 * (optionally after committing), in its sessions too. Reads batched before a transition (the
 * calendar and a stage's holders) are left alone: their failure is a plain refusal, tested apart.
 */
function flakyD1<D extends D1Database | D1DatabaseSession>(real: D, state: Flaky): D {
  return new Proxy(real, {
    get(target, prop) {
      if (prop === "prepare") {
        return (query: string) => {
          const stmt = target.prepare(query);
          if (!WRITES.test(query)) return stmt;
          const bind = stmt.bind.bind(stmt);
          stmt.bind = (...values: unknown[]) => {
            const bound = bind(...values);
            writing.add(bound);
            return bound;
          };
          writing.add(stmt);
          return stmt;
        };
      }
      if (prop === "batch") {
        return async (stmts: D1PreparedStatement[]) => {
          if (state.failures > 0 && (state.reads || stmts.some((s) => writing.has(s)))) {
            state.failures--;
            if (state.commitThenFail) await target.batch(stmts);
            throw new Error("D1_ERROR: injected failure");
          }
          return target.batch(stmts);
        };
      }
      // The object projects through a D1 session (for its bookmark): the failures reach it there.
      if (prop === "withSession" && "withSession" in target) return (arg?: string) => flakyD1(target.withSession(arg), state);
      const v = Reflect.get(target, prop);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

/** Replaces the DO's bindings; returns the notification messages it sends from then on. */
async function instrument(id: string, flaky?: Flaky): Promise<NotificationMessage[]> {
  const sent: NotificationMessage[] = [];
  await runInDurableObject(flowStub(id), (instance: ReportFlow) => {
    const queue = {
      send: async (body: NotificationMessage) => void sent.push(body),
      sendBatch: async (msgs: { body: NotificationMessage }[]) => void sent.push(...msgs.map((m) => m.body)),
    };
    (instance as unknown as { env: Env }).env = { ...env, DB: flaky ? flakyD1(env.DB, flaky) : env.DB, NOTIFICATIONS: queue as unknown as Queue };
  });
  return sent;
}

/** Makes every piece of due work due now, as if time had passed, then runs the alarm. */
async function timePasses(id: string): Promise<boolean> {
  await runInDurableObject(flowStub(id), (_i, state) => {
    state.storage.sql.exec("UPDATE work SET due_at = ?", new Date(Date.now() - 1000).toISOString());
  });
  return runDurableObjectAlarm(flowStub(id));
}

async function expectD1MatchesLog(id: string) {
  const log = await flowStub(id).log();
  const view = (await flowStub(id).view())!;
  const events = await d1Events(id);
  expect(events.map((e: any) => [e.id, e.seq, e.action, e.to_status])).toEqual(log.map((e) => [e.id, e.seq, e.action, e.toStatus]));
  expect(log.every((e) => e.projected)).toBe(true);
  const row = await d1Report(id);
  expect(row).toMatchObject({ status: view.status, stage: view.stage?.id ?? null, version: view.version, revision: view.revision });
}

describe("races", () => {
  it("ten simultaneous approvals of one stage: exactly one wins, the rest get 409 naming the current stage", async () => {
    const id = await submittedReport({ title: "Đua duyệt" });
    const token = await tokenFor(USERS.specialist);
    const results = await Promise.all(Array.from({ length: 10 }, () => decide(token, id, { action: "approve", stage: "specialist" })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    for (const r of results.filter((r) => r.status === 409)) {
      const p = await json(r);
      expect(p.currentStage.id).toBe("deputy_head");
    }
    await expectD1MatchesLog(id);
    expect((await d1Events(id)).filter((e: any) => e.action === "approve")).toHaveLength(1);
  });

  it("approve and return raced on one stage: one decision only", async () => {
    const id = await submittedReport({ title: "Đua duyệt và trả" });
    const token = await tokenFor(USERS.specialist);
    const [a, b] = await Promise.all([
      decide(token, id, { action: "approve", stage: "specialist" }),
      decide(token, id, { action: "return", stage: "specialist", comment: "Sửa lại" }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    await expectD1MatchesLog(id);
  });

  it("simultaneous submits of one draft freeze one revision", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await (await call("/api/v1/reports", { token: author, json: { kind: "news", title: "Gửi đồng thời", body: "Nội dung" } })).json<{ id: string }>();
    const results = await Promise.all(Array.from({ length: 5 }, () => submit(author, r.id)));
    expect(results.filter((x) => x.status === 200)).toHaveLength(1);
    const { results: revs } = await env.DB.prepare("SELECT number FROM report_revisions WHERE report_id = ?").bind(r.id).all();
    expect(revs).toHaveLength(1);
    await expectD1MatchesLog(r.id);
  });
});

describe("D1 failing during the projection", () => {
  it("the decision stands in the DO, stays pending, and the alarm converges D1 with nothing lost or doubled", async () => {
    const id = await submittedReport({ title: "D1 lỗi khi chiếu" });
    const flaky: Flaky = { failures: 3 };
    await instrument(id, flaky);

    const first = await ok(await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist" }));
    expect(first).toMatchObject({ stage: { id: "deputy_head" }, pendingProjection: true });
    expect((await d1Report(id)).stage).toBe("specialist"); // D1 has not caught up

    // The next decision is taken against the DO's state, while D1 still lags.
    const second = await ok(await decide(await tokenFor(USERS.deputy), id, { action: "approve", stage: "deputy_head" }));
    expect(second).toMatchObject({ stage: { id: "director" }, pendingProjection: true });

    // Each alarm retries; the third failure is used up by the first alarm, the next one lands.
    expect(await timePasses(id)).toBe(true);
    expect((await flowStub(id).view())!.pendingProjection).toBe(true);
    expect(await timePasses(id)).toBe(true);
    expect(flaky.failures).toBe(0);
    expect((await flowStub(id).view())!.pendingProjection).toBe(false);
    await expectD1MatchesLog(id);
    expect((await d1Report(id)).stage).toBe("director");

    // The failures stay visible with the history after D1 has caught up.
    const history = await (await call(`/api/v1/reports/${id}/history`, { token: await tokenFor(USERS.quan6) })).json<{ delivery: { pendingProjection: boolean; issues: { kind: string; detail: string }[] } }>();
    expect(history.delivery.pendingProjection).toBe(false);
    const projection = history.delivery.issues.filter((i) => i.kind === "projection");
    expect(projection).toHaveLength(3);
    expect(projection[0]!.detail).toMatch(/injected failure/);
  });

  it("a decision whose reads before it (the calendar and the next stage's holders) fail is a 503 that records nothing", async () => {
    const id = await submittedReport({ title: "D1 lỗi khi đọc lịch" });
    const before = await flowStub(id).log();
    await instrument(id, { failures: 1, reads: true });
    const refused = await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist" });
    expect(refused.status).toBe(503);
    expect((await flowStub(id).log()).map((e) => e.id)).toEqual(before.map((e) => e.id));
    expect((await d1Report(id)).stage).toBe("specialist");
    const again = await ok(await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist" }));
    expect(again.stage.id).toBe("deputy_head");
    await expectD1MatchesLog(id);
  });

  it("a projection retried after it had in fact committed doubles nothing", async () => {
    const id = await submittedReport({ title: "D1 ghi rồi mới lỗi" });
    await instrument(id, { failures: 1, commitThenFail: true });
    const res = await ok(await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist" }));
    expect(res.pendingProjection).toBe(true);
    await timePasses(id);
    await expectD1MatchesLog(id);
    expect((await d1Events(id)).filter((e: any) => e.action === "approve")).toHaveLength(1);
  });

  it("a submit whose D1 write fails is refused with 503 and recorded nowhere; trying again works", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await (await call("/api/v1/reports", { token: author, json: { kind: "news", title: "Gửi khi D1 lỗi", body: "Nội dung" } })).json<{ id: string }>();
    await ok(await call(`/api/v1/reports/${r.id}/history`, { token: author })); // the DO does not exist yet
    // First call creates the DO; make its D1 fail from then on.
    await flowStub(r.id).view();
    await instrument(r.id, { failures: 1 });
    const failed = await submit(author, r.id);
    expect(failed.status).toBe(503);
    expect((await d1Report(r.id)).status).toBe("draft");
    expect(await flowStub(r.id).log()).toHaveLength(0);
    const again = await ok(await submit(author, r.id));
    expect(again).toMatchObject({ status: "in_review", revision: 1 });
    await expectD1MatchesLog(r.id);
  });

  it("a submit whose D1 write committed but whose answer was lost is adopted on the retry", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await (await call("/api/v1/reports", { token: author, json: { kind: "news", title: "Gửi mất trả lời", body: "Nội dung" } })).json<{ id: string }>();
    await flowStub(r.id).view();
    await instrument(r.id, { failures: 1, commitThenFail: true });
    expect((await submit(author, r.id)).status).toBe(503);
    expect((await d1Report(r.id)).status).toBe("in_review"); // D1 committed
    const again = await ok(await submit(author, r.id));
    expect(again).toMatchObject({ status: "in_review", revision: 1, stage: { id: "specialist" } });
    await expectD1MatchesLog(r.id);
    const { results: revs } = await env.DB.prepare("SELECT number FROM report_revisions WHERE report_id = ?").bind(r.id).all();
    expect(revs).toHaveLength(1);
  });
});

describe("notifications and SLAs", () => {
  it("each state change puts its message on the queue: awaiting review, returned, approved", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await (await call("/api/v1/reports", { token: author, json: { kind: "news", title: "Thông báo", body: "Nội dung" } })).json<{ id: string }>();
    await flowStub(r.id).view();
    const sent = await instrument(r.id);
    await ok(await submit(author, r.id));
    await flowStub(r.id).settled(); // the messages go out after the answer
    expect(sent.map((m) => [m.template, m.email])).toEqual([["awaiting_review", USERS.specialist]]);
    expect(sent[0]).toMatchObject({ reportTitle: "Thông báo", stage: { id: "specialist", label: "Chuyên viên" } });

    await ok(await decide(await tokenFor(USERS.specialist), r.id, { action: "return", stage: "specialist", comment: "Thiếu ảnh" }));
    await flowStub(r.id).settled();
    expect(sent.at(-1)).toMatchObject({ template: "returned", email: USERS.quan6, comment: "Thiếu ảnh" });

    await ok(await submit(author, r.id));
    await approveAll(r.id, DEFAULT_CHAIN);
    await flowStub(r.id).settled();
    const templates = sent.map((m) => `${m.template}:${m.email}`);
    expect(templates).toContain(`awaiting_review:${USERS.deputy}`);
    expect(templates).toContain(`awaiting_review:${USERS.director}`);
    expect(templates.at(-1)).toBe(`approved:${USERS.quan6}`);
    // Message ids are stable per event, template and recipient.
    expect(new Set(sent.map((m) => m.id)).size).toBe(sent.length);
  });

  it("the alarm reminds the stage's reviewers at 08:00 of the due day and escalates to them and the deputy head after it", async () => {
    // A fixed clock: whether a reminder may go out depends on the day (none on a day off).
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(new Date("2026-03-02T02:00:00Z")); // Monday 09:00 in Viet Nam
      const id = await submittedReport({ title: "Nhắc hạn" });
      await flowStub(id).settled(); // the specialist's "awaiting review" email has gone
      const sent = await instrument(id);
      // The specialist has two working days: due Wednesday 17:00, reminded Wednesday 08:00.
      expect((await flowStub(id).view())!.stageDueAt).toBe("2026-03-04T10:00:00.000Z");
      const sla = Object.fromEntries((await flowStub(id).work()).map((w) => [w.kind, w.dueAt]));
      expect(sla).toEqual({ remind: "2026-03-04T01:00:00.000Z", escalate: "2026-03-04T10:00:00.000Z" });

      // Only the reminder is due.
      vi.setSystemTime(new Date("2026-03-04T01:00:00Z"));
      expect(await runDurableObjectAlarm(flowStub(id))).toBe(true);
      expect(sent.map((m) => `${m.template}:${m.email}`)).toEqual([`reminder:${USERS.specialist}`]);

      vi.setSystemTime(new Date("2026-03-04T10:00:01Z"));
      await runDurableObjectAlarm(flowStub(id));
      expect(sent.map((m) => `${m.template}:${m.email}:${m.oversight}`)).toEqual([
        `reminder:${USERS.specialist}:false`,
        `escalation:${USERS.specialist}:false`,
        `escalation:${USERS.deputy}:true`,
      ]);
      expect(await flowStub(id).work()).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a decision clears the old stage's reminders; the new stage gets its own", async () => {
    const id = await submittedReport({ title: "Đổi bước" });
    await ok(await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist" }));
    await flowStub(id).settled(); // the deputy head's email goes out after the answer
    const kinds = (await flowStub(id).work()).map((w) => w.id).sort();
    expect(kinds).toEqual(["escalate:1:deputy_head", "remind:1:deputy_head"]);
  });
});

describe("publication hand-off", () => {
  it("the final approval starts PUBLISH once, with an id derived from report and revision", async () => {
    const id = await submittedReport({ title: "Đăng bài", kind: "news" });
    await approveAll(id, DEFAULT_CHAIN);
    await flowStub(id).settled(); // PUBLISH is started after the answer
    const instance = await env.PUBLISH.get(publishInstanceId(id, 1));
    expect(instance.id).toBe(`${id}-r1`);
    // A second attempt (a retried hand-off) finds the running instance and does not fail.
    const { ensurePublication } = await import("../src/flow/effects");
    await expect(ensurePublication(env, id, 1)).resolves.toBe(false); // found going: nothing started
  });

  it("a kind that is not public is approved without publication", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await (
      await call("/api/v1/reports", {
        token: author,
        json: await periodicInput({ title: "Báo cáo định kỳ không đăng", body: "Số liệu" }),
      })
    ).json<{ id: string }>();
    await ok(await submit(author, r.id));
    await ok(await decide(await tokenFor(USERS.centreHead), r.id, { action: "approve", stage: "centre_head" }));
    await approveAll(r.id, DEFAULT_CHAIN);
    await expect(env.PUBLISH.get(publishInstanceId(r.id, 1))).rejects.toThrow();
  });
});
