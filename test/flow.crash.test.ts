// A crash never strands a report: the runtime ends the ReportFlow object (ctx.abort, as a killed
// process would) at each point of the follow-up work of a director's approval, and the object,
// woken again, finishes that work by its alarm: D1 converges with the object's log, the emails
// are recorded and the publication starts, once.
import { introspectWorkflowInstance, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { publishInstanceId } from "../src/flow/effects";
import type { ReportFlow } from "../src/flow/report-flow";
import { call, tokenFor, USERS } from "./helpers/api";
import { d1Events, d1Report, decide, flowStub, ok, submittedReport } from "./helpers/review";

/** A Quận 6 news report waiting for the director. */
async function atDirector(title: string): Promise<string> {
  const id = await submittedReport({ title, kind: "news" });
  await ok(await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist" }));
  await ok(await decide(await tokenFor(USERS.deputy), id, { action: "approve", stage: "deputy_head" }));
  return id;
}

/** An event report approved to be published an hour from now: its PUBLISH instance sleeps. */
async function scheduledAnHourAhead(title: string): Promise<string> {
  const publishAt = new Date(Date.now() + 3600_000).toISOString();
  const id = await submittedReport({ title, kind: "event", publishAt });
  await ok(await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist" }));
  await ok(await decide(await tokenFor(USERS.deputy), id, { action: "approve", stage: "deputy_head" }));
  await ok(await decide(await tokenFor(USERS.director), id, { action: "approve", stage: "director" }));
  for (let i = 0; i < 50 && (await flowStub(id).view())!.status !== "scheduled"; i++) await new Promise((r) => setTimeout(r, 50));
  expect((await flowStub(id).view())!.status).toBe("scheduled");
  return id;
}

const crashAt = (id: string, point: string) =>
  runInDurableObject(flowStub(id), (instance: ReportFlow) => {
    instance.crashAt = point;
  });

const alarmOf = (id: string) => runInDurableObject(flowStub(id), (_i, state) => state.storage.getAlarm());

/** The alarm is set, and soon: not left at some later reminder's time. */
async function expectAlarmSoon(id: string) {
  const at = await alarmOf(id);
  expect(at, "alarm armed").not.toBeNull();
  expect(at! - Date.now(), "alarm due within a minute").toBeLessThan(60_000);
}

async function expectConverged(id: string) {
  const log = await flowStub(id).log();
  expect(log.every((e) => e.projected), "every event projected").toBe(true);
  expect((await d1Events(id)).map((e: any) => [e.id, e.action])).toEqual(log.map((e) => [e.id, e.action]));
  const view = (await flowStub(id).view())!;
  expect(await d1Report(id)).toMatchObject({ status: view.status, version: view.version, revision: view.revision });
  expect(await followUpWork(id)).toEqual([]);
}

/**
 * The work a transition's follow-up leaves (projection, emails, publication), without the stage's
 * reminder and escalation: those wait for their time on the calendar, days ahead.
 */
const followUpWork = async (id: string) => (await flowStub(id).work()).filter((w) => w.kind !== "remind" && w.kind !== "escalate");

/** Whatever the alarm left for later (a backoff), made due now and run, until no follow-up work is left. */
async function runAlarmsUntilIdle(id: string) {
  for (let i = 0; i < 5 && (await followUpWork(id)).length > 0; i++) {
    await runInDurableObject(flowStub(id), (_i, state) => {
      state.storage.sql.exec("UPDATE work SET due_at = ? WHERE kind NOT IN ('remind', 'escalate')", new Date(Date.now() - 1000).toISOString());
    });
    await runDurableObjectAlarm(flowStub(id));
  }
}

// Before the answer: the commit and the D1 projection. After it: the emails and the publication.
const BEFORE_ANSWER = ["committed", "before:project", "after:project"] as const;
const AFTER_ANSWER = ["before:notify", "after:notify", "before:publish", "after:publish"] as const;
const POINTS = [...BEFORE_ANSWER, ...AFTER_ANSWER] as const;

describe("a crash in the follow-up of the director's approval", () => {
  it.each(POINTS)("cut short at %s: the alarm is armed, and it converges D1, the emails and the publication", async (point) => {
    const id = await atDirector(`Sập giữa chừng: ${point}`);
    const publication = await introspectWorkflowInstance(env.PUBLISH, publishInstanceId(id, 1));
    await crashAt(id, point);
    const res = await decide(await tokenFor(USERS.director), id, { action: "approve", stage: "director" });
    if ((AFTER_ANSWER as readonly string[]).includes(point)) {
      // The director was answered (D1 already shows the approval); the object dies after that.
      expect(await ok(res)).toMatchObject({ status: "approved", pendingProjection: false });
      expect((await d1Report(id)).status).toBe("approved");
      await flowStub(id).settled().catch(() => undefined);
    } else {
      expect(res.status, await res.text()).toBeGreaterThanOrEqual(500);
    }

    // The approval was recorded before the crash: the object, woken again, knows it and has an alarm.
    expect((await flowStub(id).view())!.status).toBe("approved");
    await expectAlarmSoon(id);
    expect(await runDurableObjectAlarm(flowStub(id))).toBe(true);
    await runAlarmsUntilIdle(id);

    // The publication started (once: its id is derived from report and revision) and finished.
    await publication.waitForStatus("complete");
    await runAlarmsUntilIdle(id);
    await expectConverged(id);
    expect((await d1Report(id)).status).toBe("published");
    const { results } = await env.DB.prepare("SELECT template, status FROM notifications WHERE report_id = ? AND template = 'approved'").bind(id).all<{ template: string; status: string }>();
    expect(results.length, "the author's 'approved' email is in the log").toBe(1);

    // Nothing stuck for the people: the director is told it is done; the author sees it approved.
    const again = await decide(await tokenFor(USERS.director), id, { action: "approve", stage: "director" });
    expect(again.status).toBe(409);
    expect((await (await call(`/api/v1/reports/${id}`, { token: await tokenFor(USERS.quan6) })).json<{ status: string }>()).status).toBe("published");
    await publication.dispose();
  });

  it("an object woken with work left and no alarm (armed by an older version only after the work) re-arms it", async () => {
    const id = await atDirector("Thức dậy không có báo thức");
    await crashAt(id, "committed");
    await decide(await tokenFor(USERS.director), id, { action: "approve", stage: "director" });
    // As the old code left it: work in the table, no alarm.
    await runInDurableObject(flowStub(id), async (_i, state) => {
      await state.storage.deleteAlarm();
      await state.storage.sync();
      state.abort("restart");
    }).catch(() => undefined);
    await expectAlarmSoon(id);
    await runDurableObjectAlarm(flowStub(id));
    await runAlarmsUntilIdle(id);
    await expectConverged(id);
  });

  it("a crash right after a submit is committed still projects it and tells the specialist", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await (await call("/api/v1/reports", { token: author, json: { kind: "news", title: "Sập sau khi gửi", body: "Nội dung" } })).json<{ id: string }>();
    await flowStub(r.id).view(); // the object exists
    await crashAt(r.id, "committed");
    await call(`/api/v1/reports/${r.id}/submit`, { method: "POST", token: author });
    await expectAlarmSoon(r.id);
    await runDurableObjectAlarm(flowStub(r.id));
    await runAlarmsUntilIdle(r.id);
    await expectConverged(r.id);
    expect((await d1Report(r.id)).status).toBe("in_review");
    // The specialist's reminder and escalation still wait for their time.
    expect((await flowStub(r.id).work()).map((w) => w.id).sort()).toEqual(["escalate:1:specialist", "remind:1:specialist"]);
    const { results } = await env.DB.prepare("SELECT to_email FROM notifications WHERE report_id = ? AND template = 'awaiting_review'").bind(r.id).all<{ to_email: string }>();
    expect(results.map((n) => n.to_email)).toContain(USERS.specialist);
  });
});

describe("a publication lost or failed for good is started again", () => {
  it("a terminated PUBLISH instance of an approved report is restarted by the object's watch", async () => {
    // Scheduled an hour ahead: the instance waits, and is ended as a dying process would end it.
    const id = await scheduledAnHourAhead("Hẹn giờ đăng rồi mất tiến trình");
    const instance = await env.PUBLISH.get(publishInstanceId(id, 1));
    expect((await flowStub(id).work()).map((w) => w.kind)).toContain("publish");
    await instance.terminate();
    expect((await instance.status()).status).toBe("terminated");

    await runInDurableObject(flowStub(id), (_i, state) => {
      state.storage.sql.exec("UPDATE work SET due_at = ? WHERE kind = 'publish'", new Date(Date.now() - 1000).toISOString());
    });
    await runDurableObjectAlarm(flowStub(id));
    let status = (await instance.status()).status;
    for (let i = 0; i < 50 && status === "terminated"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await instance.status()).status;
    }
    expect(["queued", "running", "waiting"]).toContain(status);
    // Still watched until it is on the portal; the failure is not an issue shown to people.
    expect((await flowStub(id).work()).map((w) => w.kind)).toContain("publish");
    expect((await flowStub(id).delivery()).issues.filter((i) => i.kind === "publish")).toEqual([]);
  });

  it("once published, nothing is left to watch", async () => {
    const id = await atDirector("Đăng xong thì thôi theo dõi");
    const publication = await introspectWorkflowInstance(env.PUBLISH, publishInstanceId(id, 1));
    await ok(await decide(await tokenFor(USERS.director), id, { action: "approve", stage: "director" }));
    await publication.waitForStatus("complete");
    await publication.dispose();
    expect((await flowStub(id).view())!.status).toBe("published");
    expect((await flowStub(id).work()).filter((w) => w.kind === "publish")).toEqual([]);
  });
});

describe("while D1 lags, the follow-up waits for it", () => {
  it("a projection that fails holds back the emails and the publication until D1 has the approval", async () => {
    const id = await atDirector("D1 chậm thì chưa đăng");
    const failing = { on: true };
    await runInDurableObject(flowStub(id), (instance: ReportFlow) => {
      const db = new Proxy(env.DB, {
        get(target, prop) {
          if (prop === "batch" && failing.on) return async () => Promise.reject(new Error("D1_ERROR: injected failure"));
          // The projection goes through a D1 session (for its bookmark): it fails there too.
          if (prop === "withSession" && failing.on) return () => ({ prepare: (q: string) => target.prepare(q), batch: async () => Promise.reject(new Error("D1_ERROR: injected failure")), getBookmark: () => null });
          const v = Reflect.get(target, prop);
          return typeof v === "function" ? v.bind(target) : v;
        },
      });
      (instance as unknown as { env: Env }).env = { ...env, DB: db };
    });
    const res = await ok(await decide(await tokenFor(USERS.director), id, { action: "approve", stage: "director" }));
    expect(res).toMatchObject({ status: "approved", pendingProjection: true });
    // The alarm comes back at the projection's retry, not at once, and nothing else ran.
    await expectAlarmSoon(id);
    expect((await alarmOf(id))! - Date.now()).toBeGreaterThan(1000);
    await runDurableObjectAlarm(flowStub(id)); // too early for the retry: nothing is due
    await expect(env.PUBLISH.get(publishInstanceId(id, 1))).rejects.toThrow();
    const { results } = await env.DB.prepare("SELECT id FROM notifications WHERE report_id = ? AND template = 'approved'").bind(id).all();
    expect(results).toHaveLength(0);

    failing.on = false;
    const publication = await introspectWorkflowInstance(env.PUBLISH, publishInstanceId(id, 1));
    await runAlarmsUntilIdle(id);
    await publication.waitForStatus("complete");
    await publication.dispose();
    await runAlarmsUntilIdle(id);
    await expectConverged(id);
    const { publishedUrl } = await (await call(`/api/v1/reports/${id}`, { token: await tokenFor(USERS.quan6) })).json<{ publishedUrl: string }>();
    const page = await (await call(publishedUrl)).text();
    expect(page).toContain("Trưởng phòng: Cao Minh Quý"); // the director's approval is on the page
  });
});

describe("the publication watch does not disturb a publication that is on its way", () => {
  it("a scheduled publication asleep until its time is not restarted, however long ago it was approved", async () => {
    const id = await scheduledAnHourAhead("Hẹn giờ, đừng khởi động lại");
    const longAgo = new Date(Date.now() - 2 * 3600_000).toISOString();
    const since = () =>
      runInDurableObject(flowStub(id), (_i, state) => JSON.parse(state.storage.sql.exec<{ payload: string }>("SELECT payload FROM work WHERE kind = 'publish'").one().payload).since);
    await runInDurableObject(flowStub(id), (_i, state) => {
      state.storage.sql.exec("UPDATE work SET due_at = ?, payload = json_set(payload, '$.since', ?) WHERE kind = 'publish'", new Date(Date.now() - 1000).toISOString(), longAgo);
    });
    await runDurableObjectAlarm(flowStub(id));
    expect(await since(), "not restarted").toBe(longAgo);
    expect(((await (await env.PUBLISH.get(publishInstanceId(id, 1))).status()).status)).not.toBe("terminated");
  });
});

describe("a scheduled publication is looked at again from its time on", () => {
  it("the watch's next look is not before the publication time", async () => {
    const id = await scheduledAnHourAhead("Hẹn giờ, xem lại đúng giờ");
    await runInDurableObject(flowStub(id), (_i, state) => {
      state.storage.sql.exec("UPDATE work SET due_at = ? WHERE kind = 'publish'", new Date(Date.now() - 1000).toISOString());
    });
    await runDurableObjectAlarm(flowStub(id));
    const publish = (await flowStub(id).work()).find((w) => w.kind === "publish")!;
    expect(Date.parse(publish.dueAt) - Date.now()).toBeGreaterThan(50 * 60_000);
  });
});
