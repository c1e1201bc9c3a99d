// Stage due times, reminders and escalations on the working calendar (DESIGN.md section 12), with
// fixed clocks: the Date the Worker and ReportFlow see is set by each test (vi.setSystemTime), so
// Tết, the holidays and the weekends fall where the law and the overrides put them.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { NotificationMessage } from "../src/flow/effects";
import { call, createReport, json, tokenFor, USERS } from "./helpers/api";
import { d1Report, decide, flowStub, ok, submit } from "./helpers/review";

const at = (iso: string) => vi.setSystemTime(new Date(iso));

beforeAll(async () => {
  // Signed in on the real clock: the sessions outlive every moment the tests go back to.
  for (const email of [USERS.quan6, USERS.specialist, USERS.deputy, USERS.director, USERS.admin]) await tokenFor(email);
});
beforeEach(() => void vi.useFakeTimers({ toFake: ["Date"] }));
afterEach(() => void vi.useRealTimers());

/** A Quận 6 news report submitted at `when`; its id once the submit's follow-up has run. */
async function submittedAt(when: string, title: string): Promise<string> {
  at(when);
  const author = await tokenFor(USERS.quan6);
  const r = await createReport(author, { kind: "news", title, summary: null, eventDate: null, location: null, attendees: [], sourceUrl: null });
  await ok(await submit(author, r.id));
  await flowStub(r.id).settled();
  return r.id;
}

async function approveAt(when: string, id: string, who: keyof typeof USERS, stage: string) {
  at(when);
  const res = await ok(await decide(await tokenFor(USERS[who]), id, { action: "approve", stage }));
  await flowStub(id).settled();
  return res;
}

/** The stage's due time as the object and D1 hold it (they must agree). */
async function dueOf(id: string): Promise<string> {
  const view = (await flowStub(id).view())!;
  expect((await d1Report(id)).stage_due_at).toBe(view.stageDueAt);
  return view.stageDueAt!;
}

/** The reminder and escalation waiting, by kind. */
async function slaWork(id: string): Promise<Record<string, string>> {
  const work = (await flowStub(id).work()).filter((w) => w.kind === "remind" || w.kind === "escalate");
  return Object.fromEntries(work.map((w) => [w.kind, w.dueAt]));
}

/** Captures what the object puts on the notifications queue from now on. */
async function listen(id: string): Promise<string[]> {
  const sent: string[] = [];
  await runInDurableObject(flowStub(id), (instance) => {
    const push = (m: NotificationMessage) => sent.push(`${m.template}:${m.email}${m.oversight ? " (oversight)" : ""}`);
    const queue = { send: async (m: NotificationMessage) => push(m), sendBatch: async (ms: { body: NotificationMessage }[]) => ms.forEach((m) => push(m.body)) };
    (instance as unknown as { env: Env }).env = { ...env, NOTIFICATIONS: queue as unknown as Queue };
  });
  return sent;
}

/** The alarm fires at `when`: whatever is due by then runs. */
async function alarm(id: string, when: string) {
  at(when);
  await runDurableObjectAlarm(flowStub(id));
}

async function inboxOverdue(id: string): Promise<boolean | undefined> {
  const res = await call("/api/v1/inbox?limit=100", { token: await tokenFor(USERS.specialist) });
  expect(res.status).toBe(200);
  const { items } = await json<{ items: { id: string; overdue: boolean }[] }>(res);
  return items.find((i) => i.id === id)?.overdue;
}

async function override(date: string, working: boolean, name: string) {
  const admin = await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(USERS.admin).first<{ id: string }>();
  await env.DB.prepare("INSERT INTO calendar_overrides (date, working, name, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)")
    .bind(date, working ? 1 : 0, name, admin!.id, new Date().toISOString())
    .run();
}
const dropOverride = (date: string) => env.DB.prepare("DELETE FROM calendar_overrides WHERE date = ?").bind(date).run();

describe("due times come from the working calendar", () => {
  it("Tết 2025: submitted Friday 24 January, due Tuesday 4 February 17:00; not overdue and nothing sent during Tết", async () => {
    const id = await submittedAt("2025-01-24T03:00:00Z", "Trước Tết 2025"); // Friday 10:00 in Viet Nam
    const sent = await listen(id);
    // Two working days: Monday 27 January, then (Tết 28/1-1/2, and Monday 3/2 in lieu of the Saturday) Tuesday 4 February.
    expect(await dueOf(id)).toBe("2025-02-04T10:00:00.000Z");
    expect(await slaWork(id)).toEqual({ remind: "2025-02-04T01:00:00.000Z", escalate: "2025-02-04T10:00:00.000Z" });

    for (const during of ["2025-01-29T03:00:00Z", "2025-02-01T03:00:00Z", "2025-02-03T10:30:00Z"]) {
      await alarm(id, during);
      expect(await inboxOverdue(id), during).toBe(false);
    }
    expect(sent).toEqual([]);

    // 08:00 on the due day: the reminder, to the specialist.
    await alarm(id, "2025-02-04T01:00:00Z");
    expect(sent).toEqual([`reminder:${USERS.specialist}`]);
    expect(await inboxOverdue(id)).toBe(false);

    // 17:00 has passed: overdue, and escalated to the specialist and the deputy head.
    await alarm(id, "2025-02-04T10:00:01Z");
    expect(await inboxOverdue(id)).toBe(true);
    expect(sent).toEqual([`reminder:${USERS.specialist}`, `escalation:${USERS.specialist}`, `escalation:${USERS.deputy} (oversight)`]);
    expect(await slaWork(id)).toEqual({});
  });

  it("30/4 and 1/5 2025: the specialist's two days and the deputy head's one skip both holidays", async () => {
    const id = await submittedAt("2025-04-29T02:00:00Z", "Trước 30/4"); // Tuesday 09:00
    expect(await dueOf(id)).toBe("2025-05-05T10:00:00.000Z"); // Friday 2/5, Monday 5/5
    await approveAt("2025-04-29T07:00:00Z", id, "specialist", "specialist"); // Tuesday 14:00
    expect(await dueOf(id)).toBe("2025-05-02T10:00:00.000Z"); // deputy head: Friday 2/5
    expect(await slaWork(id)).toEqual({ remind: "2025-05-02T01:00:00.000Z", escalate: "2025-05-02T10:00:00.000Z" });

    // The deputy head's stage is escalated to the deputy heads alone (no stage above is told).
    const sent = await listen(id);
    await alarm(id, "2025-05-02T01:00:00Z");
    await alarm(id, "2025-05-02T10:00:01Z");
    expect(sent).toEqual([`reminder:${USERS.deputy}`, `escalation:${USERS.deputy}`]);
  });

  it("2/9 and 3/9 2025: submitted Monday 1 September, due Friday 5 September", async () => {
    const id = await submittedAt("2025-09-01T02:00:00Z", "Trước Quốc khánh");
    expect(await dueOf(id)).toBe("2025-09-05T10:00:00.000Z"); // Thursday 4/9, Friday 5/9
  });

  it("a weekend holiday's day in lieu: 30/4/2022 (Saturday) and 1/5 (Sunday) take Monday 2 and Tuesday 3 May", async () => {
    const id = await submittedAt("2022-04-29T02:00:00Z", "Nghỉ bù 2022"); // Friday
    expect(await dueOf(id)).toBe("2022-05-05T10:00:00.000Z"); // Wednesday 4/5, Thursday 5/5
  });

  it("an override making a Saturday a working day shortens the wait; a stage already started keeps its due time", async () => {
    const before = await submittedAt("2025-03-06T02:00:00Z", "Trước khi làm bù"); // Thursday
    expect(await dueOf(before)).toBe("2025-03-10T10:00:00.000Z"); // Friday 7, Monday 10
    await override("2025-03-08", true, "Làm bù (thử nghiệm)");
    try {
      const after = await submittedAt("2025-03-06T02:30:00Z", "Sau khi làm bù");
      expect(await dueOf(after)).toBe("2025-03-08T10:00:00.000Z"); // Friday 7, Saturday 8
      expect(await dueOf(before)).toBe("2025-03-10T10:00:00.000Z");
    } finally {
      await dropOverride("2025-03-08");
    }
  });

  it("across the year boundary: submitted 30 December 2025, due 2 January 2026 (1/1 is off)", async () => {
    const id = await submittedAt("2025-12-30T02:00:00Z", "Cuối năm 2025"); // Tuesday
    expect(await dueOf(id)).toBe("2026-01-02T10:00:00.000Z"); // Wednesday 31/12, Friday 2/1
    await approveAt("2025-12-31T08:00:00Z", id, "specialist", "specialist"); // Wednesday 15:00
    expect(await dueOf(id)).toBe("2026-01-02T10:00:00.000Z"); // deputy head: Friday 2/1
  });

  it("Tết 2007 by the Vietnamese lunar calendar: a stage started Thursday 15 February is due after 22 February", async () => {
    const id = await submittedAt("2007-02-15T02:00:00Z", "Tết Đinh Hợi");
    // Off: 16/2 (the last day of the year in Viet Nam), 19-20/2 (mùng 3-4), 21-22/2 in lieu of the weekend's mùng 1-2.
    expect(await dueOf(id)).toBe("2007-02-26T10:00:00.000Z"); // Friday 23, Monday 26
    await approveAt("2007-02-15T03:00:00Z", id, "specialist", "specialist");
    // One working day: Friday 23 February. By the Chinese calendar (Tết on the 18th) it would be Friday 16.
    expect(await dueOf(id)).toBe("2007-02-23T10:00:00.000Z");
  });
});

describe("reminders and escalations are never sent on a day off", () => {
  it("an override declared after scheduling: the reminder is dropped and the escalation waits for 08:00 of the next working day", async () => {
    const id = await submittedAt("2025-03-17T02:00:00Z", "Ngày nghỉ mới"); // Monday
    expect(await dueOf(id)).toBe("2025-03-19T10:00:00.000Z"); // Wednesday
    const sent = await listen(id);
    await override("2025-03-19", false, "Nghỉ đột xuất (thử nghiệm)");
    try {
      // 08:00 on the due day, now a day off: a reminder on Thursday would come after the due time, so none.
      await alarm(id, "2025-03-19T01:00:00Z");
      expect(sent).toEqual([]);
      expect(await slaWork(id)).toEqual({ escalate: "2025-03-19T10:00:00.000Z" });

      // The due time passes on the day off: overdue, but the escalation waits for Thursday 08:00.
      await alarm(id, "2025-03-19T10:00:01Z");
      expect(sent).toEqual([]);
      expect(await slaWork(id)).toEqual({ escalate: "2025-03-20T01:00:00.000Z" });
      expect(await inboxOverdue(id)).toBe(true);
      expect(await dueOf(id)).toBe("2025-03-19T10:00:00.000Z"); // the due time itself stays

      await alarm(id, "2025-03-20T00:59:59Z");
      expect(sent).toEqual([]);
      await alarm(id, "2025-03-20T01:00:00Z");
      expect(sent).toEqual([`escalation:${USERS.specialist}`, `escalation:${USERS.deputy} (oversight)`]);
      expect(await slaWork(id)).toEqual({});
    } finally {
      await dropOverride("2025-03-19");
    }
  });

  it("a report already in review keeps the due time it was given under hours, and its escalation on a Sunday waits for Monday 08:00", async () => {
    const id = await submittedAt("2025-03-07T07:00:00Z", "Đang thẩm định từ trước"); // Friday 14:00
    // As the code before working days left it: definition version 1 in hours, due 48 h later (Sunday
    // 14:00), a reminder 8 h before, the escalation at the due time; D1 as its projection wrote it.
    const oldDue = "2025-03-09T07:00:00.000Z";
    await runInDurableObject(flowStub(id), async (_i, state) => {
      const sql = state.storage.sql;
      const def = JSON.parse(sql.exec<{ definition: string }>("SELECT definition FROM flow").one().definition);
      const hours: Record<string, [number, number]> = { specialist: [48, 8], deputy_head: [24, 4], director: [24, 4] };
      def.version = 1;
      def.stages = def.stages.map(({ slaWorkingDays: _d, ...s }: { id: string; slaWorkingDays: number }) => ({ ...s, slaHours: hours[s.id]![0], remindBeforeHours: hours[s.id]![1] }));
      sql.exec("UPDATE flow SET definition = ?, stage_due_at = ?", JSON.stringify(def), oldDue);
      sql.exec("UPDATE work SET due_at = ? WHERE kind = 'remind'", "2025-03-08T23:00:00.000Z");
      sql.exec("UPDATE work SET due_at = ? WHERE kind = 'escalate'", oldDue);
      await state.storage.sync();
      state.abort("restart"); // the new code wakes on the old state
    }).catch(() => undefined);
    await env.DB.prepare("UPDATE reports SET stage_due_at = ?, workflow_version = 1 WHERE id = ?").bind(oldDue, id).run();

    // Woken by the new code: nothing recomputed.
    expect(await dueOf(id)).toBe(oldDue);
    expect(await slaWork(id)).toEqual({ remind: "2025-03-08T23:00:00.000Z", escalate: oldDue });
    const sent = await listen(id);

    // Sunday 06:00: the old reminder comes due on a day off, and Monday 08:00 is past the due time: dropped.
    await alarm(id, "2025-03-08T23:00:00Z");
    // Sunday 14:00: the escalation waits for Monday 08:00.
    await alarm(id, "2025-03-09T07:00:01Z");
    expect(sent).toEqual([]);
    expect(await slaWork(id)).toEqual({ escalate: "2025-03-10T01:00:00.000Z" });
    await alarm(id, "2025-03-10T01:00:00Z");
    expect(sent).toEqual([`escalation:${USERS.specialist}`, `escalation:${USERS.deputy} (oversight)`]);

    // The next stage of the version-1 report: its 24 hours read as one working day (Tuesday 17:00).
    await approveAt("2025-03-10T02:00:00Z", id, "specialist", "specialist");
    expect(await dueOf(id)).toBe("2025-03-11T10:00:00.000Z");
    expect((await env.DB.prepare("SELECT workflow_version FROM reports WHERE id = ?").bind(id).first<{ workflow_version: number }>())!.workflow_version).toBe(1);
  });
});

describe("every report's reminders and escalations reach the reviewer", () => {
  it("two reports waiting on the same specialist: each gets its own reminder and escalation record", async () => {
    const a = await submittedAt("2026-03-02T02:00:00Z", "Báo cáo thứ nhất chờ chuyên viên");
    const b = await submittedAt("2026-03-02T02:05:00Z", "Báo cáo thứ hai chờ chuyên viên");
    expect(await dueOf(a)).toBe(await dueOf(b));
    for (const when of ["2026-03-04T01:00:00Z", "2026-03-04T10:00:01Z"]) {
      await alarm(a, when);
      await alarm(b, when);
    }
    const specialist = await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(USERS.specialist).first<{ id: string }>();
    const { results } = await env.DB.prepare("SELECT report_id, template FROM notifications WHERE user_id = ? AND template IN ('reminder', 'escalation') AND report_id IN (?, ?) ORDER BY template, report_id")
      .bind(specialist!.id, a, b)
      .all<{ report_id: string; template: string }>();
    const seen = results.map((r) => `${r.template}:${r.report_id === a ? "a" : "b"}`).sort();
    expect(seen).toEqual(["escalation:a", "escalation:b", "reminder:a", "reminder:b"]);
  });
});

describe("when D1 cannot give the calendar", () => {
  const away = () => env.DB.prepare("ALTER TABLE calendar_overrides RENAME TO calendar_overrides_away").run();
  const back = () => env.DB.prepare("ALTER TABLE calendar_overrides_away RENAME TO calendar_overrides").run();

  it("a caller who may not decide is still refused (403), a stage cannot start (503, nothing recorded), and all is well once it is back", async () => {
    const id = await submittedAt("2026-03-02T02:00:00Z", "Báo cáo khi lịch tạm vắng");
    const before = (await flowStub(id).view())!;
    await away();
    try {
      at("2026-03-02T03:00:00Z");
      const author = await decide(await tokenFor(USERS.quan6), id, { action: "approve", stage: "specialist" });
      expect(author.status).toBe(403);
      const specialist = await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist" });
      expect(specialist.status).toBe(503);
      expect(specialist.headers.get("content-type")).toMatch(/problem\+json/);
      const after = (await flowStub(id).view())!;
      expect(after.stage?.id).toBe("specialist");
      expect(after.version).toBe(before.version);
      expect((await d1Report(id)).stage).toBe("specialist");
      // A return starts no stage: it needs no calendar.
    } finally {
      await back();
    }
    await approveAt("2026-03-02T03:05:00Z", id, "specialist", "specialist");
    expect((await flowStub(id).view())!.stage?.id).toBe("deputy_head");
  });
});

describe("sendVerdict", () => {
  it("a reminder whose run comes only after the due time is dropped, on a working day too; an escalation goes", async () => {
    const { sendVerdict } = await import("../src/flow/sla");
    const { WorkingCalendar } = await import("../src/domain/calendar");
    const cal = new WorkingCalendar();
    const due = "2026-03-04T10:00:00.000Z"; // Wednesday 17:00
    expect(sendVerdict(cal, "remind", new Date("2026-03-04T01:00:00Z"), due)).toEqual({ send: true });
    expect(sendVerdict(cal, "remind", new Date("2026-03-04T10:00:06Z"), due)).toEqual({ send: false, until: null });
    expect(sendVerdict(cal, "escalate", new Date("2026-03-04T10:00:06Z"), due)).toEqual({ send: true });
  });
});
