// The NOTIFICATIONS queue consumer (render, send through MAIL, record in D1), the opt-out
// preference and the admin's notifications log. Storage is shared by every test in this file:
// each test makes its own report and message ids and looks only at those.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { NotificationMessage, NotificationTemplate } from "../src/flow/effects";
import worker from "../src/index";
import { countingD1 } from "../src/middleware/d1-stats";
import { MAX_ATTEMPTS } from "../src/notifications/consumer";
import { demoUsers } from "../src/seed/demo-data";
import { call, createReport, expectProblem, json, tokenFor, USERS } from "./helpers/api";

const PORTAL_ORIGIN = new URL(env.PORTAL_BASE_URL).origin;
const XSS_SCRIPT = "<script>alert(1)</script>";
const XSS_ATTR = '"><img src=x onerror=alert(1)>';

const queueHandler: ExportedHandlerQueueHandler<Env> = worker.queue;

const demoUser = (email: string) => {
  const u = demoUsers.find((d) => d.email === email);
  if (!u) throw new Error(`no demo user ${email}`);
  return u;
};

const uniq = () => crypto.randomUUID().slice(0, 8);

type Report = { id: string; title: string; unitId: string };

/** A real draft (so the notifications -> reports foreign key holds) with a title unique to the test. */
async function newReport(title = `Thông báo thử ${uniq()}`): Promise<Report> {
  const r = await createReport(await tokenFor(USERS.quan6), { title });
  expect(r.title).toBe(title);
  return { id: r.id, title: r.title, unitId: r.unitId };
}

function message(report: Report, template: NotificationTemplate, over: Partial<NotificationMessage> = {}, to = demoUser(USERS.quan6)): NotificationMessage {
  const eventId = crypto.randomUUID();
  return {
    id: `${eventId}:${template}:${to.id}`,
    eventId,
    template,
    revision: 1,
    reportId: report.id,
    reportTitle: report.title,
    unitId: report.unitId,
    userId: to.id,
    email: to.email,
    name: to.name,
    audience: { type: "author" },
    stage: { id: "specialist", label: "Chuyên viên" },
    comment: null,
    dueAt: "2026-03-02T03:00:00.000Z",
    ...over,
  };
}

/** One delivery of these bodies through the Worker's real queue handler. */
async function deliver(bodies: unknown[], attempts = 1, bindings: Env = env) {
  const msgs = bodies.map((body) => ({ id: `msg-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body }));
  const batch = createMessageBatch("sogd-notifications", msgs);
  // getQueueResult() reports which messages were retried but not their delay: watch retry() itself.
  const delays = new Map<string, number | undefined>();
  for (const m of batch.messages) {
    const original = m.retry.bind(m);
    m.retry = (options?: QueueRetryOptions) => {
      delays.set(m.id, options?.delaySeconds);
      original(options);
    };
  }
  const ctx = createExecutionContext();
  await queueHandler(batch, bindings, ctx);
  const result = await getQueueResult(batch, ctx);
  return { ids: msgs.map((m) => m.id), result, delays };
}

type Row = {
  id: string;
  user_id: string;
  report_id: string;
  to_email: string;
  template: string;
  subject: string;
  status: string;
  attempts: number;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
};

const row = (id: string) => env.DB.prepare("SELECT * FROM notifications WHERE id = ?").bind(id).first<Row>();
const rowCount = async (id: string) => (await env.DB.prepare("SELECT count(*) AS n FROM notifications WHERE id = ?").bind(id).first<{ n: number }>())!.n;

const mailOk = () => vi.spyOn(env.MAIL, "send").mockResolvedValue({ messageId: `<${uniq()}@test>` } as EmailSendResult);
const mailDown = (reason = "SMTP relay unavailable") => vi.spyOn(env.MAIL, "send").mockRejectedValue(new Error(reason));

type Sent = { from: string; to: string; subject: string; text: string; html: string };
const sentArg = (spy: { mock: { calls: unknown[][] } }, i = 0) => spy.mock.calls[i]![0] as Sent;

/** The elements an email client would build from this HTML: tag names and attribute names. */
async function elementsOf(html: string): Promise<{ tag: string; attrs: string[] }[]> {
  const out: { tag: string; attrs: string[] }[] = [];
  await new HTMLRewriter()
    .on("*", {
      element(e) {
        out.push({ tag: e.tagName, attrs: [...e.attributes].map(([name]) => String(name).toLowerCase()) });
      },
    })
    .transform(new Response(html))
    .text();
  return out;
}

async function expectNoActiveContent(html: string) {
  const els = await elementsOf(html);
  expect(els.map((e) => e.tag)).toContain("a");
  expect(els.filter((e) => ["script", "img", "iframe", "svg"].includes(e.tag))).toEqual([]);
  expect(els.flatMap((e) => e.attrs).filter((a) => a.startsWith("on"))).toEqual([]);
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<img/i);
}

const setOptOut = (token: string, emailOptOut: unknown) => call("/api/v1/me/preferences", { method: "PATCH", token, json: { emailOptOut } });

afterEach(() => {
  vi.restoreAllMocks();
});

describe("notifications happy: the consumer", () => {
  it("a valid message is sent through MAIL.send (structured), acked, and recorded as sent", async () => {
    const report = await newReport();
    const m = message(report, "awaiting_review");
    const send = mailOk();
    const before = Date.now();
    const { ids, result } = await deliver([m]);

    expect(send).toHaveBeenCalledTimes(1);
    const mail = sentArg(send);
    expect(mail.from).toBe(env.MAIL_FROM);
    expect(mail.to).toBe(USERS.quan6);
    expect(mail.subject).toBe(`[Chờ thẩm định] ${report.title}`);
    expect(mail.text).toContain(report.title);
    expect(mail.text).toContain("Kính gửi Nguyễn Thanh Hoàng,");
    expect(mail.text).toContain("Chuyên viên");
    expect(mail.text).toContain(`${PORTAL_ORIGIN}/app/reports/${report.id}`);
    expect(mail.html).toMatch(/^<!doctype html>/);
    expect(mail.html).toContain(report.title);
    expect(mail.html).toContain(`href="${PORTAL_ORIGIN}/app/reports/${report.id}"`);

    expect(result.explicitAcks).toEqual(ids);
    expect(result.retryMessages).toEqual([]);
    expect(result.retryBatch.retry).toBe(false);

    const r = await row(m.id);
    expect(r).toMatchObject({
      user_id: m.userId,
      report_id: report.id,
      to_email: USERS.quan6,
      template: "awaiting_review",
      subject: mail.subject,
      status: "sent",
      attempts: 1,
      last_error: null,
    });
    expect(r!.sent_at).not.toBeNull();
    expect(Date.parse(r!.sent_at!)).toBeGreaterThanOrEqual(before - 1000);
  });

  const cases: { template: NotificationTemplate; prefix: string; comment?: string; expectText?: (r: Report) => string[] }[] = [
    { template: "awaiting_review", prefix: "[Chờ thẩm định] " },
    { template: "reminder", prefix: "[Nhắc hạn] ", expectText: () => ["sắp đến hạn"] },
    { template: "escalation", prefix: "[Quá hạn] ", expectText: () => ["quá hạn", "Đề nghị đôn đốc xử lý."] },
    { template: "returned", prefix: "[Trả lại] ", comment: "Sửa tên đại biểu và bổ sung ảnh", expectText: () => ["Ý kiến: Sửa tên đại biểu và bổ sung ảnh"] },
    { template: "approved", prefix: "[Đã duyệt] ", expectText: () => ["đã được phê duyệt"] },
    {
      template: "published",
      prefix: "[Đã đăng] ",
      comment: "/portal/2024/01/hoi-nghi-so-ket/",
      expectText: () => [`Xem bài đăng: ${PORTAL_ORIGIN}/portal/2024/01/hoi-nghi-so-ket/`],
    },
    { template: "unpublished", prefix: "[Đã gỡ] ", comment: "Sai số liệu tuyển sinh", expectText: () => ["Lý do: Sai số liệu tuyển sinh"] },
  ];

  it.each(cases)("template $template: Vietnamese subject prefix, title and details in text and html", async ({ template, prefix, comment, expectText }) => {
    const report = await newReport(`Mẫu ${template} ${uniq()}`);
    const m = message(report, template, { comment: comment ?? null });
    const send = mailOk();
    const { ids, result } = await deliver([m]);

    expect(send).toHaveBeenCalledTimes(1);
    const mail = sentArg(send);
    expect(mail.subject).toBe(`${prefix}${report.title}`);
    expect(mail.text).toContain(`“${report.title}”`);
    expect(mail.html).toContain(`“${report.title}”`);
    for (const part of expectText?.(report) ?? []) expect(mail.text).toContain(part);
    if (comment) expect(mail.html).toContain(comment);
    if (template === "published") {
      expect(mail.html).toContain(`href="${PORTAL_ORIGIN}${comment}"`);
      expect(mail.text).not.toContain("/app/reports/");
    }
    expect(result.explicitAcks).toEqual(ids);
    expect(await row(m.id)).toMatchObject({ template, status: "sent", subject: mail.subject });
  });

  it("an escalation asks the stage's holder to act and the overseer to see it done", async () => {
    const report = await newReport();
    const holder = message(report, "escalation", { audience: { type: "reviewers", role: "specialist", scope: "covered_units" }, oversight: false }, demoUser(USERS.specialist));
    const overseer = message(report, "escalation", { audience: { type: "reviewers", role: "deputy_head", scope: "covered_units" }, oversight: true }, demoUser(USERS.deputy));
    const send = mailOk();
    await deliver([holder, overseer]);
    const byTo = new Map(send.mock.calls.map((c) => [(c[0] as Sent).to, (c[0] as Sent).text]));
    expect(byTo.get(USERS.specialist)).toContain("Đề nghị khẩn trương xử lý.");
    expect(byTo.get(USERS.specialist)).not.toContain("đôn đốc");
    expect(byTo.get(USERS.deputy)).toContain("Đề nghị đôn đốc xử lý.");
  });

  it("a batch of several messages: each is sent once, acked and recorded", async () => {
    const report = await newReport();
    const ms = [
      message(report, "awaiting_review", {}, demoUser(USERS.specialist)),
      message(report, "awaiting_review", {}, demoUser(USERS.deputy)),
      message(report, "approved"),
    ];
    const send = mailOk();
    const { ids, result } = await deliver(ms);
    expect(send).toHaveBeenCalledTimes(3);
    expect(send.mock.calls.map((c) => (c[0] as Sent).to).sort()).toEqual([USERS.deputy, USERS.quan6, USERS.specialist].sort());
    expect([...result.explicitAcks].sort()).toEqual([...ids].sort());
    for (const m of ms) expect((await row(m.id))?.status).toBe("sent");
  });

  it("a batch reads what decides its letters once: one round trip, then one record per letter (was two per letter)", async () => {
    const report = await newReport();
    const ms = Array.from({ length: 8 }, (_, i) => message(report, "approved", {}, demoUser(i % 2 ? USERS.specialist : USERS.quan6)));
    // Recorded as queued first, as the flow does before putting them on the queue.
    const queued = env.DB.prepare("INSERT INTO notifications (id, user_id, report_id, to_email, template, subject, status, attempts, created_at) VALUES (?, ?, ?, ?, ?, 'Chờ gửi', 'queued', 0, ?)");
    await env.DB.batch(ms.map((m) => queued.bind(m.id, m.userId, m.reportId, m.email, m.template, new Date().toISOString())));
    const send = mailOk();
    const stats = { trips: 0, rowsRead: 0 };
    const { ids, result } = await deliver(ms, 1, { ...env, DB: countingD1(env.DB, stats) });
    expect(send).toHaveBeenCalledTimes(8);
    expect([...result.explicitAcks].sort()).toEqual([...ids].sort());
    expect(stats.trips).toBe(1 + 8);
    for (const m of ms) expect((await row(m.id))?.status).toBe("sent");
  });

  it("a later successful attempt after failures is recorded as sent with its attempt count", async () => {
    const report = await newReport();
    const m = message(report, "approved");
    mailDown("timeout");
    await deliver([m], 1);
    await deliver([m], 2);
    vi.restoreAllMocks();
    expect(await row(m.id)).toMatchObject({ status: "queued", attempts: 2 });

    const send = mailOk();
    const { ids, result } = await deliver([m], 3);
    expect(send).toHaveBeenCalledTimes(1);
    expect(result.explicitAcks).toEqual(ids);
    expect(result.retryMessages).toEqual([]);
    const r = await row(m.id);
    expect(r).toMatchObject({ status: "sent", attempts: 3 });
    expect(r!.sent_at).not.toBeNull();
    expect(await rowCount(m.id)).toBe(1);
  });

  it("redelivery of an already-sent message is acked without sending again; one row only", async () => {
    const report = await newReport();
    const m = message(report, "returned", { comment: "Thiếu ảnh" });
    const first = mailOk();
    await deliver([m]);
    expect(first).toHaveBeenCalledTimes(1);
    const sentAt = (await row(m.id))!.sent_at;
    vi.restoreAllMocks();

    const again = mailOk();
    const { ids, result } = await deliver([m], 2);
    expect(again).not.toHaveBeenCalled();
    expect(result.explicitAcks).toEqual(ids);
    expect(result.retryMessages).toEqual([]);
    expect(await rowCount(m.id)).toBe(1);
    expect(await row(m.id)).toMatchObject({ status: "sent", attempts: 1, sent_at: sentAt });
  });

  it("the same message twice in one batch is sent once", async () => {
    const report = await newReport();
    const m = message(report, "approved");
    const send = mailOk();
    const { ids, result } = await deliver([m, m]);
    expect(send).toHaveBeenCalledTimes(1);
    expect([...result.explicitAcks].sort()).toEqual([...ids].sort());
    expect(await rowCount(m.id)).toBe(1);
  });
});

describe("notifications happy: opt-out", () => {
  // Đặng Thị Hạnh opts out; nobody else in this file writes to her.
  const optedOut = demoUser(USERS.minhKhai);

  it("PATCH /me/preferences saves the choice for the caller only", async () => {
    const token = await tokenFor(USERS.minhKhai);
    const res = await setOptOut(token, true);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await json(res)).toEqual({ emailOptOut: true });
    const mine = await env.DB.prepare("SELECT email_opt_out FROM users WHERE id = ?").bind(optedOut.id).first<{ email_opt_out: number }>();
    expect(mine?.email_opt_out).toBe(1);
    const other = await env.DB.prepare("SELECT email_opt_out FROM users WHERE id = ?").bind(demoUser(USERS.quan6).id).first<{ email_opt_out: number }>();
    expect(other?.email_opt_out).toBe(0);
  });

  it.each(["approved", "published", "reminder"] as const)("%s (non-essential) to an opted-out user is skipped: acked, not sent, recorded", async (template) => {
    expect((await setOptOut(await tokenFor(USERS.minhKhai), true)).status).toBe(200);
    const report = await newReport();
    const m = message(report, template, { comment: template === "published" ? "/portal/x/" : null }, optedOut);
    const send = mailOk();
    const { ids, result } = await deliver([m]);
    expect(send).not.toHaveBeenCalled();
    expect(result.explicitAcks).toEqual(ids);
    expect(result.retryMessages).toEqual([]);
    expect(await row(m.id)).toMatchObject({ status: "skipped", to_email: optedOut.email, template, sent_at: null });
  });

  it.each(["awaiting_review", "returned"] as const)("%s (essential) is still sent to an opted-out user", async (template) => {
    expect((await setOptOut(await tokenFor(USERS.minhKhai), true)).status).toBe(200);
    const report = await newReport();
    const m = message(report, template, { comment: "Bổ sung số liệu" }, optedOut);
    const send = mailOk();
    const { ids, result } = await deliver([m]);
    expect(send).toHaveBeenCalledTimes(1);
    expect(sentArg(send).to).toBe(optedOut.email);
    expect(result.explicitAcks).toEqual(ids);
    expect((await row(m.id))?.status).toBe("sent");
  });

  it("opting back in sends non-essential messages again", async () => {
    const token = await tokenFor(USERS.minhKhai);
    expect((await setOptOut(token, true)).status).toBe(200);
    expect(await json(await setOptOut(token, false))).toEqual({ emailOptOut: false });
    const report = await newReport();
    const m = message(report, "approved", {}, optedOut);
    const send = mailOk();
    await deliver([m]);
    expect(send).toHaveBeenCalledTimes(1);
    expect((await row(m.id))?.status).toBe("sent");
  });

  it("another user's opt-out does not silence messages to this one", async () => {
    expect((await setOptOut(await tokenFor(USERS.minhKhai), true)).status).toBe(200);
    const report = await newReport();
    const m = message(report, "approved");
    const send = mailOk();
    await deliver([m]);
    expect(send).toHaveBeenCalledTimes(1);
    expect((await row(m.id))?.status).toBe("sent");
  });
});

describe("notifications happy: the admin log", () => {
  it("lists rows newest first, filters by status, template and reportId, and pages with a cursor", async () => {
    const report = await newReport();
    const other = await newReport();
    const a = message(report, "awaiting_review", {}, demoUser(USERS.specialist));
    const b = message(report, "approved");
    const c = message(report, "returned", { comment: "Sửa" });
    const d = message(report, "published", { comment: "/portal/a/" });
    const elsewhere = message(other, "approved");

    let send = mailOk();
    await deliver([a]);
    await new Promise((r) => setTimeout(r, 5));
    await deliver([b]);
    await new Promise((r) => setTimeout(r, 5));
    await deliver([elsewhere]);
    await new Promise((r) => setTimeout(r, 5));
    vi.restoreAllMocks();
    mailDown("relay down");
    await deliver([c]);
    await new Promise((r) => setTimeout(r, 5));
    vi.restoreAllMocks();
    send = mailOk();
    await deliver([d]);
    expect(send).toHaveBeenCalledTimes(1);

    const admin = await tokenFor(USERS.admin);
    const all = await json(await call(`/api/v1/notifications?reportId=${report.id}`, { token: admin }));
    expect(all.items.map((i: any) => i.id)).toEqual([d.id, c.id, b.id, a.id]);
    expect(all.nextCursor).toBeNull();
    expect(all.items[1]).toMatchObject({
      id: c.id,
      to: USERS.quan6,
      userId: c.userId,
      reportId: report.id,
      template: "returned",
      subject: `[Trả lại] ${report.title}`,
      status: "queued",
      attempts: 1,
      sentAt: null,
    });
    expect(all.items[1].lastError).toContain("relay down");
    expect(all.items[3]).toMatchObject({ to: USERS.specialist, status: "sent", lastError: null });
    expect(typeof all.items[3].sentAt).toBe("string");

    const queued = await json(await call(`/api/v1/notifications?reportId=${report.id}&status=queued`, { token: admin }));
    expect(queued.items.map((i: any) => i.id)).toEqual([c.id]);
    const approved = await json(await call(`/api/v1/notifications?reportId=${report.id}&template=approved`, { token: admin }));
    expect(approved.items.map((i: any) => i.id)).toEqual([b.id]);
    const sentApproved = await json(await call(`/api/v1/notifications?status=sent&template=approved&limit=100`, { token: admin }));
    const sentIds = sentApproved.items.map((i: any) => i.id);
    expect(sentIds).toContain(b.id);
    expect(sentIds).toContain(elsewhere.id);
    expect(sentApproved.items.every((i: any) => i.status === "sent" && i.template === "approved")).toBe(true);

    // Page by one: every row exactly once, in the same order, then no cursor.
    const paged: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const qs: string = `reportId=${report.id}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const res = await call(`/api/v1/notifications?${qs}`, { token: admin });
      expect(res.status).toBe(200);
      const body = await json(res);
      expect(body.items.length).toBeLessThanOrEqual(1);
      paged.push(...body.items.map((i: any) => i.id));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(paged).toEqual([d.id, c.id, b.id, a.id]);
  });

  it("the unfiltered log is ordered newest first (created_at, then id)", async () => {
    const report = await newReport();
    mailOk();
    await deliver([message(report, "approved"), message(report, "reminder")]);
    const res = await call("/api/v1/notifications?limit=100", { token: await tokenFor(USERS.admin) });
    expect(res.status).toBe(200);
    const { items } = await json(res);
    expect(items.length).toBeGreaterThanOrEqual(2);
    const keys = items.map((i: any) => [i.createdAt, i.id] as [string, string]);
    const sorted = [...keys].sort((x, y) => (x[0] === y[0] ? (x[1] < y[1] ? 1 : -1) : x[0] < y[0] ? 1 : -1));
    expect(keys).toEqual(sorted);
  });
});

describe("notifications error", () => {
  it("MAIL.send failing: the message is retried with a delay, recorded as queued with attempts and last_error", async () => {
    const report = await newReport();
    const m = message(report, "awaiting_review");
    const send = mailDown("550 mailbox unavailable");
    const { ids, result, delays } = await deliver([m], 1);
    expect(send).toHaveBeenCalledTimes(1);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toHaveLength(1);
    expect(result.retryMessages[0]!.msgId).toBe(ids[0]);
    expect(delays.get(ids[0]!)).toBeGreaterThan(0);
    const r = await row(m.id);
    expect(r).toMatchObject({ status: "queued", attempts: 1, sent_at: null, subject: `[Chờ thẩm định] ${report.title}` });
    expect(r!.last_error).toContain("550 mailbox unavailable");
  });

  it("repeated failures: attempts follow the delivery, the delay never shrinks", async () => {
    const report = await newReport();
    const m = message(report, "escalation");
    mailDown("still down");
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const { ids, result, delays: d } = await deliver([m], attempt);
      expect(result.retryMessages).toHaveLength(1);
      delays.push(d.get(ids[0]!)!);
      expect(await row(m.id)).toMatchObject({ status: "queued", attempts: attempt });
    }
    expect(delays.every((d) => d > 0)).toBe(true);
    expect([...delays].sort((x, y) => x - y)).toEqual(delays);
    expect(delays[2]).toBeGreaterThan(delays[0]!);
    expect(await rowCount(m.id)).toBe(1);
  });

  it("the last attempt (MAX_ATTEMPTS = max_retries + 1 = 6) still retries (to the dead-letter queue) and records failed", async () => {
    expect(MAX_ATTEMPTS).toBe(6);
    const report = await newReport();
    const m = message(report, "returned", { comment: "Sửa" });
    mailDown("final failure");
    await deliver([m], MAX_ATTEMPTS - 1);
    expect((await row(m.id))?.status).toBe("queued");
    const { ids, result, delays } = await deliver([m], MAX_ATTEMPTS);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((r) => r.msgId)).toEqual(ids);
    expect(delays.get(ids[0]!)).toBeGreaterThan(0);
    const r = await row(m.id);
    expect(r).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, sent_at: null });
    expect(r!.last_error).toContain("final failure");
  });

  it("a message recorded failed that comes back (e.g. replayed from the DLQ) and succeeds is sent", async () => {
    const report = await newReport();
    const m = message(report, "awaiting_review");
    mailDown();
    await deliver([m], MAX_ATTEMPTS);
    expect((await row(m.id))?.status).toBe("failed");
    vi.restoreAllMocks();
    const send = mailOk();
    const { ids, result } = await deliver([m], 1);
    expect(send).toHaveBeenCalledTimes(1);
    expect(result.explicitAcks).toEqual(ids);
    expect(await row(m.id)).toMatchObject({ status: "sent", attempts: MAX_ATTEMPTS });
  });

  const malformed: [string, (r: Report) => unknown][] = [
    ["missing email and userId", (r) => { const { email: _e, userId: _u, ...rest } = message(r, "approved"); return rest; }],
    ["unknown template", (r) => ({ ...message(r, "approved"), template: "newsletter" })],
    ["email that is not an address", (r) => ({ ...message(r, "approved"), email: "not-an-email" })],
    ["wrong audience", (r) => ({ ...message(r, "approved"), audience: { type: "everyone" } })],
    ["revision as a string", (r) => ({ ...message(r, "approved"), revision: "1" })],
    ["a plain string", () => "hello"],
    ["null", () => null],
  ];

  it("malformed bodies (missing fields, unknown template, bad email, wrong types): acked, nothing sent, nothing recorded", async () => {
    const report = await newReport();
    const send = mailOk();
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    for (const [name, build] of malformed) {
      const body = build(report);
      const { ids, result } = await deliver([body]);
      expect(result.explicitAcks, name).toEqual(ids);
      expect(result.retryMessages, name).toEqual([]);
      if (body && typeof body === "object" && "id" in body) expect(await rowCount(String((body as { id: string }).id)), name).toBe(0);
    }
    expect(send).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledTimes(malformed.length); // each one is logged, not silently dropped
    const { n } = (await env.DB.prepare("SELECT count(*) AS n FROM notifications WHERE report_id = ?").bind(report.id).first<{ n: number }>())!;
    expect(n).toBe(0);
  });

  it("a malformed message does not hold up a valid one in the same batch", async () => {
    const report = await newReport();
    const good = message(report, "approved");
    const bad = { ...message(report, "approved"), template: "spam" };
    const send = mailOk();
    vi.spyOn(console, "error").mockImplementation(() => {});
    const { ids, result } = await deliver([bad, good]);
    expect(send).toHaveBeenCalledTimes(1);
    expect([...result.explicitAcks].sort()).toEqual([...ids].sort());
    expect((await row(good.id))?.status).toBe("sent");
    expect(await rowCount(bad.id)).toBe(0);
  });

  it("one failing send retries only that message; the others in the batch are acked", async () => {
    const report = await newReport();
    const ok1 = message(report, "approved");
    const failing = message(report, "awaiting_review", {}, demoUser(USERS.specialist));
    const send = vi.spyOn(env.MAIL, "send").mockImplementation(async (msg: any) => {
      if (msg.to === USERS.specialist) throw new Error("recipient rejected");
      return { messageId: "<ok@test>" } as EmailSendResult;
    });
    const { ids, result } = await deliver([ok1, failing]);
    expect(send).toHaveBeenCalledTimes(2);
    expect(result.explicitAcks).toEqual([ids[0]]);
    expect(result.retryMessages.map((r) => r.msgId)).toEqual([ids[1]]);
    expect((await row(ok1.id))?.status).toBe("sent");
    expect((await row(failing.id))?.status).toBe("queued");
  });

  it("PATCH /me/preferences with a bad body -> 422 and the preference is unchanged", async () => {
    const token = await tokenFor(USERS.tanPhu);
    const bodies: [string, unknown][] = [
      ["empty body", {}],
      ["a string", { emailOptOut: "yes" }],
      ["a number", { emailOptOut: 1 }],
      ["null", { emailOptOut: null }],
      ["an unknown field", { emailOptOut: true, digest: "weekly" }],
      ["an array", [true]],
    ];
    for (const [name, body] of bodies) {
      const res = await call("/api/v1/me/preferences", { method: "PATCH", token, json: body });
      expect(res.status, name).toBe(422);
      await expectProblem(res, 422, "validation-failed");
    }
    const u = await env.DB.prepare("SELECT email_opt_out FROM users WHERE id = ?").bind(demoUser(USERS.tanPhu).id).first<{ email_opt_out: number }>();
    expect(u?.email_opt_out).toBe(0);
  });

  it("GET /notifications with a bad filter, limit, cursor or unknown parameter -> 422", async () => {
    const token = await tokenFor(USERS.admin);
    for (const qs of ["status=bogus", "template=newsletter", "reportId=" + "x".repeat(65), "limit=0", "limit=101", "cursor=not-a-cursor", "to=someone%40example.com"]) {
      const res = await call(`/api/v1/notifications?${qs}`, { token });
      expect(res.status, qs).toBe(422);
      const body = await expectProblem(res, 422, "validation-failed");
      expect(JSON.stringify(body)).not.toContain("@sogd.example");
    }
  });
});

describe("notifications security", () => {
  it("title, name and comment are escaped in the html part", async () => {
    const report = await newReport(`Tin ${uniq()} ${XSS_SCRIPT} ${XSS_ATTR}`);
    const m = message(report, "returned", { name: `Ông ${XSS_SCRIPT}${XSS_ATTR}`, comment: `Sửa ${XSS_ATTR} ${XSS_SCRIPT}`, stage: { id: "specialist", label: XSS_ATTR } });
    const send = mailOk();
    await deliver([m]);
    expect(send).toHaveBeenCalledTimes(1);
    const { html, text, subject } = sentArg(send);
    await expectNoActiveContent(html);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
    // The plain-text part and the subject carry the text as it is (it is not HTML).
    expect(text).toContain(XSS_SCRIPT);
    expect(subject).toBe(`[Trả lại] ${report.title}`);
    expect((await row(m.id))?.status).toBe("sent");
  });

  it("a published link built from a hostile path cannot break out of the href attribute", async () => {
    const report = await newReport();
    const m = message(report, "published", { comment: `/portal/x${XSS_ATTR}` });
    const send = mailOk();
    await deliver([m]);
    const { html } = sentArg(send);
    await expectNoActiveContent(html);
    expect(html).toContain(`href="${PORTAL_ORIGIN}/portal/x&quot;&gt;&lt;img`);
  });

  it("a header-injection attempt in the recipient address is rejected as malformed and never sent", async () => {
    const report = await newReport();
    const m = { ...message(report, "approved"), email: "quan6@trungtam.example\r\nBcc: attacker@evil.example" };
    const send = mailOk();
    vi.spyOn(console, "error").mockImplementation(() => {});
    const { ids, result } = await deliver([m]);
    expect(send).not.toHaveBeenCalled();
    expect(result.explicitAcks).toEqual(ids);
    expect(await rowCount(m.id)).toBe(0);
  });

  it("GET /notifications as any non-admin role (author, centre head, specialist, deputy head, director) -> 403", async () => {
    // Make sure there is something in the log that must not leak.
    const report = await newReport();
    mailOk();
    await deliver([message(report, "approved")]);
    for (const email of [USERS.quan6, USERS.centreHead, USERS.specialist, USERS.deputy, USERS.director]) {
      const res = await call(`/api/v1/notifications?reportId=${report.id}`, { token: await tokenFor(email) });
      expect(res.status, email).toBe(403);
      const body = await expectProblem(res, 403, "forbidden");
      expect(JSON.stringify(body), email).not.toContain(report.title);
    }
  });

  it("GET /notifications without a token or with a forged one -> 401", async () => {
    await expectProblem(await call("/api/v1/notifications"), 401, "unauthenticated");
    await expectProblem(await call("/api/v1/notifications", { token: "forged-token-123" }), 401, "unauthenticated");
  });

  it("PATCH /me/preferences without a session -> 401 and nothing changes", async () => {
    const res = await call("/api/v1/me/preferences", { method: "PATCH", json: { emailOptOut: true } });
    await expectProblem(res, 401, "unauthenticated");
    const { n } = (await env.DB.prepare("SELECT count(*) AS n FROM users WHERE email_opt_out = 1 AND id != ?").bind(demoUser(USERS.minhKhai).id).first<{ n: number }>())!;
    expect(n).toBe(0);
  });
});
