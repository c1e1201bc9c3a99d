// A period's reminders (DESIGN.md section 11 "Reminders"): the PERIOD_REMINDERS Workflow started
// when a period is opened, the reminder to the authors of units that have not submitted (a working
// day before the due day, 08:00), the late notices to centre heads and the opener, each one row of
// the notifications log sent once; a closed period sends nothing; the hourly sweep starts a timer
// that is missing. Storage is shared by the tests of this file: each opens its own period.
import { createScheduledController, introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { vnDateOf, WorkingCalendar } from "../src/domain/calendar";
import worker from "../src/index";
import { viDateTime } from "../src/portal/format";
import { periodNoticeId } from "../src/reminders/messages";
import { periodReminderAt, periodReminderPlan } from "../src/reminders/moments";
import { remindAuthors, tellLate } from "../src/reminders/notices";
import { sweepPeriodReminders } from "../src/reminders/start";
import { renderPeriodNotification } from "../src/reminders/templates";
import type { PeriodRemindersOutput } from "../src/reminders/workflow";
import { demoUsers, DEMO_UNITS } from "../src/seed/demo-data";
import { call, createReport, json, tokenFor, USERS } from "./helpers/api";
import { periodicInput } from "./helpers/periods";
import { ok, submit } from "./helpers/review";

const U = DEMO_UNITS;
const demoUser = (email: string) => demoUsers.find((u) => u.email === email)!;
const SPECIALIST = demoUser(USERS.specialist);
const QUAN6_AUTHOR = demoUser(USERS.quan6);
const TANPHU_AUTHOR = demoUser(USERS.tanPhu);
const QUAN6_HEAD = demoUser(USERS.centreHead);
const MINHKHAI_AUTHOR = demoUser(USERS.minhKhai);

// People this file adds: a second unit's author (active and not), and Tân Phú's centre head.
const LQD_AUTHOR = { id: "00000000-0000-7000-8000-00000000a001", email: "lequydon@trungtam.example", name: "Võ Thị Lan", unitId: U.leQuyDon };
const LQD_RETIRED = { id: "00000000-0000-7000-8000-00000000a002", email: "nghihuu.lqd@trungtam.example", name: "Hồ Văn Cũ", unitId: U.leQuyDon, active: 0 };
const TANPHU_HEAD = { id: "00000000-0000-7000-8000-00000000a003", email: "giamdoc.tanphu@trungtam.example", name: "Phan Minh Tâm", unitId: U.tanPhu };

async function addUser(u: { id: string; email: string; name: string; unitId: string; active?: number }, role: string) {
  const now = new Date().toISOString();
  await env.DB.batch([
    env.DB.prepare(
      "INSERT OR IGNORE INTO users (id, email, name, title, unit_id, password_hash, active, email_opt_out, created_at, updated_at) VALUES (?, ?, ?, NULL, ?, 'x', ?, 0, ?, ?)",
    ).bind(u.id, u.email, u.name, u.unitId, u.active ?? 1, now, now),
    env.DB.prepare("INSERT OR IGNORE INTO role_grants (id, user_id, role, created_at) VALUES (?, ?, ?, ?)").bind(`${u.id}-g`, u.id, role, now),
  ]);
}
await addUser(LQD_AUTHOR, "author");
await addUser(LQD_RETIRED, "author");
await addUser(TANPHU_HEAD, "centre_head");

type Period = { id: string; title: string; dueAt: string; unitIds: string[] };

/** 17:00 of a working day about three weeks ahead: the reminder is still to come. */
const futureDue = () => new WorkingCalendar().due(new Date(), 15).dueAt;

let seq = 0;
async function openPeriod(over: Record<string, unknown> = {}): Promise<Period> {
  const body = { title: `Kết quả học kì I năm học 2025 – 2026 (đợt ${++seq})`, indicatorSetId: "gdtx-hoc-ki", opensAt: vnDateOf(new Date()), dueAt: futureDue(), ...over };
  const res = await call("/api/v1/periods", { token: await tokenFor(USERS.specialist), json: body });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text);
}

/** The unit's report in the period, created through the API by its author, and submitted unless `draft`. */
async function reportIn(periodId: string, authorEmail: string, opts: { draft?: boolean } = {}) {
  const author = await tokenFor(authorEmail);
  const r = await createReport(author, await periodicInput({ periodId }));
  if (!opts.draft) await ok(await submit(author, r.id));
  return r.id as string;
}

/** Runs the period's timer once more, by hand, with its waits skipped; its output. */
async function runTimer(periodId: string, run: string, modify?: (m: Parameters<Parameters<Awaited<ReturnType<typeof introspectWorkflowInstance>>["modify"]>[0]>[0]) => Promise<void>) {
  const id = `${periodId}-${run}`;
  const instance = await introspectWorkflowInstance(env.PERIOD_REMINDERS, id);
  await instance.modify(async (m) => {
    await m.disableSleeps();
    if (modify) await modify(m);
  });
  await env.PERIOD_REMINDERS.create({ id, params: { periodId } });
  await instance.waitForStatus("complete");
  const output = (await instance.getOutput()) as PeriodRemindersOutput;
  await instance.dispose();
  return output;
}

type Row = { id: string; user_id: string; report_id: string | null; to_email: string; template: string; subject: string; status: string; attempts: number };

const rowsOf = async (periodId: string) =>
  (await env.DB.prepare("SELECT * FROM notifications WHERE id LIKE ? ORDER BY template, to_email").bind(`%:${periodId}:%`).all<Row>()).results;

/** The period's rows once the queue consumer has sent every one of them. */
async function sentRows(periodId: string, expected: number): Promise<Row[]> {
  let rows: Row[] = [];
  for (let i = 0; i < 300; i++) {
    rows = await rowsOf(periodId);
    if (rows.length === expected && rows.every((r) => r.status === "sent")) return rows;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(rows.map((r) => [r.id, r.status])).toEqual("all sent");
  return rows;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("period reminders: when", () => {
  const law = new WorkingCalendar();

  it("a due day on a Monday: the reminder goes at 08:00 the Friday before", async () => {
    // Monday 10/3/2025, 17:00 in Viet Nam.
    expect(periodReminderAt(law, "2025-03-10T10:00:00.000Z")).toBe("2025-03-07T01:00:00.000Z");
    // A Tuesday: the Monday.
    expect(periodReminderAt(law, "2025-03-11T10:00:00.000Z")).toBe("2025-03-10T01:00:00.000Z");
  });

  it("due the first working day after Tết: the reminder goes on the last working day before Tết", async () => {
    // Tết Ất Tỵ 2025 by the law: 28/1 (the year's last day) to 1/2 (Saturday), given back on Monday 3/2.
    const afterTet = law.nextWorkingDay("2025-01-28");
    expect(afterTet).toBe("2025-02-04");
    expect(periodReminderAt(law, `${afterTet}T10:00:00.000Z`)).toBe("2025-01-27T01:00:00.000Z");
    // An override (a day off the government adds) moves it too: Monday 27/1 off -> Friday 24/1.
    const shifted = new WorkingCalendar([{ date: "2025-01-27", working: false, name: "Nghỉ bù Tết" }]);
    expect(periodReminderAt(shifted, `${afterTet}T10:00:00.000Z`)).toBe("2025-01-24T01:00:00.000Z");
  });

  it("no reminder once its moment has passed, nor before the period opens; no late notice for a period opened after its due time", async () => {
    const p = { opensAt: "2025-03-02T17:00:00.000Z", dueAt: "2025-03-10T10:00:00.000Z", createdAt: "2025-03-01T02:00:00.000Z" };
    expect(periodReminderPlan(law, p, new Date("2025-03-03T00:00:00Z"))).toEqual({ remindAt: "2025-03-07T01:00:00.000Z", lateAt: p.dueAt });
    expect(periodReminderPlan(law, p, new Date("2025-03-07T02:00:00Z"))).toEqual({ remindAt: null, lateAt: p.dueAt });
    expect(periodReminderPlan(law, { ...p, opensAt: "2025-03-07T03:00:00.000Z" }, new Date("2025-03-03T00:00:00Z")).remindAt).toBeNull();
    expect(periodReminderPlan(law, { ...p, createdAt: "2025-03-11T00:00:00.000Z" }, new Date("2025-03-11T00:00:00Z"))).toEqual({ remindAt: null, lateAt: null });
    // Due on Saturday 8/3 at 17:00: who is late is told at 08:00 on Monday 10/3, the reminder went Friday.
    const saturday = { ...p, dueAt: "2025-03-08T10:00:00.000Z" };
    expect(periodReminderPlan(law, saturday, new Date("2025-03-03T00:00:00Z"))).toEqual({ remindAt: "2025-03-07T01:00:00.000Z", lateAt: "2025-03-10T01:00:00.000Z" });
  });
});

describe("period reminders: the timer", () => {
  it("opening a period starts its timer (instance id = period id), which waits for the reminder and has sent nothing", async () => {
    const p = await openPeriod();
    const instance = await env.PERIOD_REMINDERS.get(p.id);
    // Asleep until the reminder time, weeks ahead (the local runtime reports a sleeping instance as running).
    await new Promise((r) => setTimeout(r, 300));
    expect(["running", "waiting"]).toContain((await instance.status()).status);
    expect(await rowsOf(p.id)).toEqual([]);
  });

  it("the reminder goes to the active authors of units that have not submitted, and only to them", async () => {
    const p = await openPeriod();
    await reportIn(p.id, USERS.tanPhu); // submitted: not reminded
    await reportIn(p.id, USERS.quan6, { draft: true }); // a draft: reminded
    const out = await runTimer(p.id, "remind-only", (m) => m.mockStepResult({ name: "late" }, { addressed: 0, queued: 0, skipped: "mocked" }));
    expect(out.remindAt).toBe(periodReminderAt(new WorkingCalendar(), p.dueAt));
    expect(out.remind).toEqual({ addressed: 2, queued: 2 });

    const rows = await sentRows(p.id, 2);
    expect(rows.map((r) => [r.id, r.to_email, r.template, r.report_id])).toEqual([
      [periodNoticeId("period_reminder", p.id, LQD_AUTHOR.id), LQD_AUTHOR.email, "period_reminder", null],
      [periodNoticeId("period_reminder", p.id, QUAN6_AUTHOR.id), QUAN6_AUTHOR.email, "period_reminder", null],
    ]);
    for (const r of rows) expect(r.subject).toBe(`[Nhắc nộp báo cáo] ${p.title}`);
    // Not the author of the unit that submitted, nor a retired author, nor an author of a unit outside the period.
    const to = rows.map((r) => r.user_id);
    for (const who of [TANPHU_AUTHOR.id, LQD_RETIRED.id, MINHKHAI_AUTHOR.id]) expect(to).not.toContain(who);
  });

  it("after the due time: each late unit's centre head and the opener (with the list of late units); run twice, each is sent once", async () => {
    const p = await openPeriod();
    await reportIn(p.id, USERS.tanPhu); // on time: its head hears nothing
    // Quận 6 submitted only after the due time (the clock cannot be moved, the time can): still late, not reminded.
    const late6 = await reportIn(p.id, USERS.quan6);
    await env.DB.prepare("UPDATE reports SET submitted_at = ? WHERE id = ?").bind(new Date(Date.parse(p.dueAt) + 60_000).toISOString(), late6).run();
    const send = vi.spyOn(env.MAIL, "send");
    const first = await runTimer(p.id, "first");
    // The author of Lê Quý Đôn; Quận 6's head and the opener.
    expect(first.remind).toEqual({ addressed: 1, queued: 1 });
    expect(first.late).toEqual({ addressed: 2, queued: 2 });
    const rows = await sentRows(p.id, 3);
    expect(rows.map((r) => [r.id, r.to_email, r.subject])).toEqual([
      [periodNoticeId("period_late", p.id, QUAN6_HEAD.id), QUAN6_HEAD.email, `[Quá hạn nộp báo cáo] ${p.title}`],
      [periodNoticeId("period_late_summary", p.id, SPECIALIST.id), SPECIALIST.email, `[Quá hạn nộp báo cáo] ${p.title}: 3 đơn vị chưa nộp`],
      [periodNoticeId("period_reminder", p.id, LQD_AUTHOR.id), LQD_AUTHOR.email, `[Nhắc nộp báo cáo] ${p.title}`],
    ]);
    expect(rows.map((r) => r.user_id)).not.toContain(TANPHU_HEAD.id);
    // What the opener reads: the late units by name, the due time the Vietnamese way.
    const mails = send.mock.calls.map((c) => c[0] as { to: string; subject: string; text: string });
    const summary = mails.find((m) => m.subject.endsWith("3 đơn vị chưa nộp"));
    expect(summary?.to).toBe(SPECIALIST.email);
    expect(summary?.text).toContain(`(hạn ${viDateTime(p.dueAt)}). 3/4 đơn vị chưa gửi báo cáo đúng hạn:\n– Trung tâm GDNN-GDTX Quận 6\n– Trung tâm GDTX Lê Quý Đôn\n– Trường Cao đẳng Kinh tế Thành phố Hồ Chí Minh\n`);

    // The admin's log shows them, filtered by a period template, about no report.
    const log = await json<{ items: { id: string; reportId: string | null; to: string }[] }>(
      await call("/api/v1/notifications?template=period_late_summary", { token: await tokenFor(USERS.admin) }),
    );
    expect(log.items.find((i) => i.id === periodNoticeId("period_late_summary", p.id, SPECIALIST.id))).toMatchObject({ reportId: null, to: SPECIALIST.email });

    // The same steps again (a retry, a restarted instance): the same ids, nothing queued, nothing sent twice.
    const again = await runTimer(p.id, "again");
    expect(again.remind).toEqual({ addressed: 1, queued: 0 });
    expect(again.late).toEqual({ addressed: 2, queued: 0 });
    const after = await sentRows(p.id, 3);
    expect(after.map((r) => [r.id, r.status, r.attempts])).toEqual(rows.map((r) => [r.id, "sent", r.attempts]));
    expect(send.mock.calls.filter((c) => (c[0] as { subject: string }).subject.includes(p.title))).toHaveLength(3);
  });

  it("the letters: Vietnamese, with the due time as dd/mm/yyyy HH:mm and the late units by name", async () => {
    const base = { kind: "period" as const, periodId: "p1", periodTitle: "Kết quả học kì I", dueAt: "2025-03-10T10:00:00.000Z", userId: "u", email: "a@b.example", name: "Nguyễn Văn A" };
    const remind = renderPeriodNotification({ ...base, id: "r", template: "period_reminder", units: ["Trung tâm GDTX Lê Quý Đôn"] }, "https://app.example");
    expect(remind.text).toContain("Kính gửi Nguyễn Văn A,");
    expect(remind.text).toContain("hết hạn nộp lúc 10/03/2025 17:00");
    expect(remind.text).toContain("Trung tâm GDTX Lê Quý Đôn chưa gửi báo cáo");
    expect(remind.text).toContain("https://app.example/app/periods/p1");
    const summary = renderPeriodNotification(
      { ...base, id: "s", template: "period_late_summary", units: ["Trung tâm A", "Trường <B>"], moreUnits: 1, expected: 1234 },
      "https://app.example",
    );
    expect(summary.subject).toBe("[Quá hạn nộp báo cáo] Kết quả học kì I: 3 đơn vị chưa nộp");
    expect(summary.text).toContain("(hạn 10/03/2025 17:00). 3/1.234 đơn vị chưa gửi báo cáo đúng hạn:\n– Trung tâm A\n– Trường <B>\nvà 1 đơn vị khác.");
    expect(summary.html).toContain("Trường &lt;B&gt;");
  });

  it("a closed period sends nothing, before or after its due time", async () => {
    const p = await openPeriod();
    const closed = await call(`/api/v1/periods/${p.id}/close`, { method: "POST", token: await tokenFor(USERS.specialist) });
    expect(closed.status).toBe(200);
    const out = await runTimer(p.id, "closed");
    expect(out.remind).toEqual({ addressed: 0, queued: 0, skipped: "closed" });
    expect(out.late).toEqual({ addressed: 0, queued: 0, skipped: "closed" });
    expect(await rowsOf(p.id)).toEqual([]);
  });

  it("a period closed at or after its due time still has its late units told (closed before it: nothing)", async () => {
    const p = await openPeriod();
    const closeAt = async (ms: number) =>
      env.DB.prepare("UPDATE periods SET status = 'closed', closed_at = ?, closed_by = opened_by WHERE id = ?").bind(new Date(ms).toISOString(), p.id).run();
    await closeAt(Date.parse(p.dueAt) - 60_000);
    expect(await tellLate(env, p.id)).toEqual({ addressed: 0, queued: 0, skipped: "closed" });
    await closeAt(Date.parse(p.dueAt) + 3_600_000);
    const told = await tellLate(env, p.id);
    expect(told.skipped).toBeUndefined();
    expect(told.addressed).toBeGreaterThan(0);
    expect((await rowsOf(p.id)).length).toBe(told.addressed);
  });

  it("a reminder step that runs only after the due time sends nothing (the late notice says what is true)", async () => {
    const p = await openPeriod();
    expect(await remindAuthors(env, p.id, new Date(Date.parse(p.dueAt) + 60_000))).toEqual({ addressed: 0, queued: 0, skipped: "past due" });
    expect(await rowsOf(p.id)).toEqual([]);
  });

  it("every unit on time: nobody is told anyone is late", async () => {
    const p = await openPeriod({ unitIds: [U.tanPhu] });
    await reportIn(p.id, USERS.tanPhu);
    const out = await runTimer(p.id, "on-time");
    expect(out.remind).toEqual({ addressed: 0, queued: 0 });
    expect(out.late).toEqual({ addressed: 0, queued: 0, skipped: "nobody late" });
    expect(await rowsOf(p.id)).toEqual([]);
  });
});

describe("period reminders: recovery", () => {
  it("a timer that could not be started does not stop the period from opening; the hourly sweep starts it", async () => {
    vi.spyOn(env.PERIOD_REMINDERS, "create").mockRejectedValueOnce(new Error("Workflows unavailable"));
    const p = await openPeriod();
    expect(await env.DB.prepare("SELECT status FROM periods WHERE id = ?").bind(p.id).first()).toEqual({ status: "open" });
    await expect(env.PERIOD_REMINDERS.get(p.id)).rejects.toThrow();
    vi.restoreAllMocks();

    const instance = await introspectWorkflowInstance(env.PERIOD_REMINDERS, p.id);
    await instance.modify(async (m) => {
      await m.disableSleeps();
    });
    await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: "17 * * * *" }), env);
    await instance.waitForStatus("complete");
    const out = (await instance.getOutput()) as PeriodRemindersOutput;
    expect(out.remind?.addressed).toBe(3);
    // Running the sweep again starts nothing new: the instance exists.
    expect((await sweepPeriodReminders(env)).created).not.toContain(p.id);
    await instance.dispose();
  });
});

describe("period reminders: the calendar in D1", () => {
  it("the timer plans on the admin's calendar: the working day before the due day declared off moves the reminder a working day earlier", async () => {
    const law = new WorkingCalendar();
    const p = await openPeriod();
    const dayBefore = vnDateOf(periodReminderAt(law, p.dueAt));
    const admin = await tokenFor(USERS.admin);
    const put = await call(`/api/v1/calendar/days/${dayBefore}`, { method: "PUT", token: admin, json: { working: false, name: "Nghỉ bù" } });
    expect(put.status, await put.text()).toBe(200);
    try {
      const out = await runTimer(p.id, "override", (m) => m.mockStepResult({ name: "late" }, { addressed: 0, queued: 0, skipped: "mocked" }));
      const shifted = new WorkingCalendar([{ date: dayBefore, working: false, name: "Nghỉ bù" }]);
      expect(out.remindAt).toBe(periodReminderAt(shifted, p.dueAt));
      expect(vnDateOf(out.remindAt!) < dayBefore).toBe(true);
    } finally {
      await call(`/api/v1/calendar/days/${dayBefore}`, { method: "DELETE", token: admin });
    }
  });
});
