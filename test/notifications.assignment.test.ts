// The emails of assignment and delegation (DESIGN.md section 13): the "assigned" letter (who gave
// the stage, or that it went to the only holder automatically; essential), who decided a returned
// or approved report ("KT. <role>" under a delegation), and the routing of a stage's emails while
// a reviewer is away (their substitute is told instead) or has delegated the role (the delegate is
// told as well). Delegations and absences are made through the API.
//
// Each report's messages are captured as its ReportFlow puts them on the queue (the D1 records are
// written by the flow as in production), then delivered through the Worker's real queue handler,
// which renders and sends them through MAIL (watched, not sent). Storage is shared by the whole
// file: users made for one describe stay for the next, so the order of the blocks matters.
import { createExecutionContext, createMessageBatch, getQueueResult, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ROLE_LABELS, signedFor } from "../src/domain/roles";
import { viDateTime } from "../src/domain/vi-format";
import type { NotificationMessage } from "../src/flow/effects";
import worker from "../src/index";
import { DEMO_UNITS, demoUsers } from "../src/seed/demo-data";
import { call, createReport, tokenFor, USERS } from "./helpers/api";
import { decide, flowStub, ok, submit } from "./helpers/review";

const PASSWORD = "Mật-khẩu-đủ-dài-2024";
const GDTX_COVERS = [DEMO_UNITS.quan6, DEMO_UNITS.tanPhu, DEMO_UNITS.leQuyDon, DEMO_UNITS.caoDangKinhTe];
const QUAN6_NAME = "Trung tâm GDNN-GDTX Quận 6";
const DAY = 86_400_000;
const demo = (email: string) => {
  const u = demoUsers.find((x) => x.email === email)!;
  return { id: u.id, name: u.name, email: u.email };
};
const SPECIALIST = demo(USERS.specialist);
const DEPUTY = demo(USERS.deputy);
const DIRECTOR = demo(USERS.director);
const AUTHOR = demo(USERS.quan6);

type Person = { id: string; name: string; email: string; token: string };

let ip = 0;
async function newUser(name: string, unitId: string, grants: { role: string; unitIds: string[] }[]): Promise<Person> {
  const email = `na-${crypto.randomUUID().slice(0, 8)}@sogd.example`;
  const res = await call("/api/v1/users", { token: await tokenFor(USERS.admin), json: { email, name, unitId, password: PASSWORD, grants } });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  const login = await ok(await call("/api/v1/auth/login", { json: { email, password: PASSWORD }, headers: { "cf-connecting-ip": `10.84.${++ip}.1` } }));
  return { id: JSON.parse(text).id, name, email, token: login.token };
}

/**
 * A specialist of another division (Trường THPT Nguyễn Thị Minh Khai only): a reviewer, so they may
 * stand in for anyone, but no holder of any stage of a Quận 6 report in their own right.
 */
let tu: Person;
beforeAll(async () => {
  tu = await newUser("Lâm Văn Tú", DEMO_UNITS.trungHoc, [{ role: "specialist", unitIds: [DEMO_UNITS.minhKhai] }]);
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Takes a user made for one test out again, so later tests see the demo's holders. */
const deactivate = async (id: string) => ok(await call(`/api/v1/users/${id}/deactivate`, { method: "POST", token: await tokenFor(USERS.admin) }));

const iso = (ms: number) => new Date(Date.now() + ms).toISOString();

/** Captures what the report's ReportFlow puts on the notifications queue from now on (its D1 records are still written). */
async function listen(id: string): Promise<NotificationMessage[]> {
  const sent: NotificationMessage[] = [];
  await runInDurableObject(flowStub(id), (instance) => {
    const queue = {
      send: async (m: NotificationMessage) => void sent.push(m),
      sendBatch: async (ms: { body: NotificationMessage }[]) => void sent.push(...ms.map((m) => m.body)),
    };
    (instance as unknown as { env: Env }).env = { ...env, NOTIFICATIONS: queue as unknown as Queue };
  });
  return sent;
}

/** A Quận 6 draft whose flow is listened to before it is submitted. */
async function draft(title: string): Promise<{ id: string; sent: NotificationMessage[] }> {
  const r = await createReport(await tokenFor(USERS.quan6), { kind: "news", title });
  return { id: r.id, sent: await listen(r.id) };
}

async function submitted(title: string): Promise<{ id: string; sent: NotificationMessage[] }> {
  const d = await draft(title);
  await ok(await submit(await tokenFor(USERS.quan6), d.id));
  await flowStub(d.id).settled();
  return d;
}

const queueHandler: ExportedHandlerQueueHandler<Env> = worker.queue;

type Mail = { from: string; to: string; subject: string; text: string; html: string };

/** Delivers the messages through the Worker's queue handler; the mails it sends, in order. */
async function deliver(messages: NotificationMessage[]): Promise<Mail[]> {
  const spy = vi.spyOn(env.MAIL, "send").mockResolvedValue({ messageId: `<${crypto.randomUUID()}@test>` } as EmailSendResult);
  const batch = createMessageBatch(
    "sogd-notifications",
    messages.map((body) => ({ id: `msg-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await queueHandler(batch, env, ctx);
  const result = await getQueueResult(batch, ctx);
  expect(result.retryMessages).toEqual([]);
  const mails = spy.mock.calls.map((c) => c[0] as unknown as Mail);
  spy.mockRestore();
  return mails;
}

/** The one letter of `template` to `email` among the messages, delivered; fails unless there is exactly one. */
async function letterTo(sent: NotificationMessage[], template: string, email: string): Promise<Mail> {
  const ms = sent.filter((m) => m.template === template && m.email === email);
  expect(ms, `${template} to ${email}`).toHaveLength(1);
  const [mail] = await deliver(ms);
  expect(mail).toMatchObject({ to: email });
  return mail!;
}

/** Who D1's notifications log says was written to about the report, by template. */
async function logged(id: string, template: string): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT to_email FROM notifications WHERE report_id = ? AND template = ? ORDER BY to_email").bind(id, template).all<{ to_email: string }>();
  return results.map((r) => r.to_email);
}

const recipientsOf = (sent: NotificationMessage[], template: string) => sent.filter((m) => m.template === template).map((m) => m.email).sort();

/** Makes every piece of due work due now, as if time had passed, then runs the alarm. */
async function timePasses(id: string): Promise<void> {
  await runInDurableObject(flowStub(id), (_i, state) => {
    state.storage.sql.exec("UPDATE work SET due_at = ? WHERE kind IN ('remind', 'escalate')", new Date(Date.now() - 1000).toISOString());
  });
  await runDurableObjectAlarm(flowStub(id));
  await flowStub(id).settled();
}

const putAbsence = async (token: string, substituteId: string) =>
  (await ok(await call("/api/v1/me/absence", { method: "PUT", token, json: { until: iso(7 * DAY), substituteId } }))).absence;
const endAbsence = async (token: string) => ok(await call("/api/v1/me/absence", { method: "DELETE", token }));

describe("automatic assignment: the only holder is told it is theirs", () => {
  it("a submitted report's letter goes to the only specialist covering the unit, saying why", async () => {
    const { id, sent } = await submitted("Giao tự động cho người duy nhất");
    const view = await flowStub(id).view();
    expect(view!.assignee).toEqual({ userId: SPECIALIST.id, name: SPECIALIST.name });
    // One letter, to the assignee alone (nobody else holds the stage), recorded in D1.
    expect(recipientsOf(sent, "awaiting_review")).toEqual([USERS.specialist]);
    expect(await logged(id, "awaiting_review")).toEqual([USERS.specialist]);
    const m = sent.find((x) => x.template === "awaiting_review")!;
    expect(m.audience).toEqual({ type: "user", userId: SPECIALIST.id, role: "specialist" });
    expect(m.id).toBe(`${m.eventId}:awaiting_review:${SPECIALIST.id}`);
    expect(m.standsInFor).toBeNull();

    const mail = await letterTo(sent, "awaiting_review", USERS.specialist);
    expect(mail.subject).toBe("[Chờ thẩm định] Giao tự động cho người duy nhất");
    expect(mail.text).toContain("được giao cho bạn thẩm định ở bước Chuyên viên");
    expect(mail.text).toContain(`Hạn xử lý: ${viDateTime(view!.stageDueAt!)}.`);
    expect(mail.text).toMatch(/Hạn xử lý: \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}\./);
    expect(mail.text).toContain(`Bạn là người duy nhất phụ trách bước này cho đơn vị ${QUAN6_NAME}, nên báo cáo được giao tự động.`);
    expect(mail.html).toContain("người duy nhất phụ trách bước này");
  });

  it("an 'assigned' letter with nobody who gave it (the system's) says so too, and is sent to someone who opted out", async () => {
    const { id, sent } = await submitted("Thư giao tự động");
    const m = sent.find((x) => x.template === "awaiting_review")!;
    await ok(await call("/api/v1/me/preferences", { method: "PATCH", token: await tokenFor(USERS.specialist), json: { emailOptOut: true } }));
    try {
      const assigned: NotificationMessage = { ...m, template: "assigned", id: `${m.eventId}:assigned:${SPECIALIST.id}`, by: null };
      const [mail] = await deliver([assigned]);
      // Essential: without it the review stops, so the opt-out does not hold.
      expect(mail).toMatchObject({ to: USERS.specialist, subject: "[Được giao] Thư giao tự động" });
      expect(mail!.text).toContain("Báo cáo “Thư giao tự động” được giao cho bạn thẩm định ở bước Chuyên viên.");
      expect(mail!.text).toContain(`cho đơn vị ${QUAN6_NAME}`);
      const row = await env.DB.prepare("SELECT status, report_id FROM notifications WHERE id = ?").bind(assigned.id).first();
      expect(row).toEqual({ status: "sent", report_id: id });
    } finally {
      await ok(await call("/api/v1/me/preferences", { method: "PATCH", token: await tokenFor(USERS.specialist), json: { emailOptOut: false } }));
    }
  });
});

describe("who decided: returned and approved letters name them", () => {
  it("a return in one's own name: 'Người xử lý: <name>'", async () => {
    const { id, sent } = await submitted("Trả lại chính danh");
    await ok(await decide(await tokenFor(USERS.specialist), id, { action: "return", stage: "specialist", comment: "Bổ sung ảnh" }));
    await flowStub(id).settled();
    expect(recipientsOf(sent, "returned")).toEqual([USERS.quan6]);
    const mail = await letterTo(sent, "returned", USERS.quan6);
    expect(mail.text).toContain(`Người xử lý: ${SPECIALIST.name}.`);
    expect(mail.text).not.toContain("KT.");
    expect(mail.text).toContain("Ý kiến: Bổ sung ảnh");
  });

  describe("the director away, Tú signing for them", () => {
    beforeAll(async () => {
      await putAbsence(await tokenFor(USERS.director), tu.id);
    });

    async function atDirector(title: string) {
      const d = await submitted(title);
      await ok(await decide(await tokenFor(USERS.specialist), d.id, { action: "approve", stage: "specialist" }));
      await ok(await decide(await tokenFor(USERS.deputy), d.id, { action: "approve", stage: "deputy_head" }));
      await flowStub(d.id).settled();
      return d;
    }

    it("the director's stage is told to Tú, not to the director", async () => {
      const { id, sent } = await atDirector("Chờ ký thay");
      const director = sent.filter((m) => m.template === "awaiting_review" && m.stage?.id === "director");
      expect(director.map((m) => m.email)).toEqual([tu.email]);
      expect(director[0]!.standsInFor).toMatchObject({ userId: DIRECTOR.id, name: DIRECTOR.name, kind: "absence" });
      expect(director[0]!.id).toBe(`${director[0]!.eventId}:awaiting_review:${tu.id}`);
      const rows = await env.DB.prepare("SELECT to_email FROM notifications WHERE id = ?").bind(director[0]!.id).all();
      expect(rows.results).toEqual([{ to_email: tu.email }]);
      const [mail] = await deliver(director);
      expect(mail!.text).toContain(`được giao cho ${DIRECTOR.name} thẩm định ở bước Trưởng phòng`);
      expect(mail!.text).toContain(`Bạn nhận thư này vì đang xử lý thay ${DIRECTOR.name} trong thời gian vắng mặt`);
      expect(await logged(id, "awaiting_review")).not.toContain(USERS.director);
    });

    it("a return signed for the director names 'KT. <role>' and the one who signed", async () => {
      const { id, sent } = await atDirector("Trả lại ký thay");
      await ok(await decide(tu.token, id, { action: "return", stage: "director", comment: "Sửa tiêu đề" }));
      await flowStub(id).settled();
      const m = sent.find((x) => x.template === "returned")!;
      expect(m.by).toEqual({ name: tu.name, role: "director", onBehalfOf: { userId: DIRECTOR.id, name: DIRECTOR.name, role: "director" } });
      const mail = await letterTo(sent, "returned", USERS.quan6);
      expect(mail.text).toContain(`Người xử lý: ${signedFor("director")} ${tu.name}.`);
      expect(mail.text).toContain(`Người xử lý: KT. ${ROLE_LABELS.director} Lâm Văn Tú.`);
      expect(mail.html).toContain(`Người xử lý: KT. ${ROLE_LABELS.director} Lâm Văn Tú.`);
      expect(mail.text).toContain("được trả lại ở bước Trưởng phòng");
    });

    it("an approval signed for the director names them the same way", async () => {
      const { id, sent } = await atDirector("Duyệt ký thay");
      await ok(await decide(tu.token, id, { action: "approve", stage: "director" }));
      await flowStub(id).settled();
      const mail = await letterTo(sent, "approved", USERS.quan6);
      expect(mail.subject).toBe("[Đã duyệt] Duyệt ký thay");
      expect(mail.text).toContain(`Người xử lý: KT. ${ROLE_LABELS.director} ${tu.name}.`);
    });

    it("the decider's name is escaped in the HTML part", async () => {
      const { sent } = await atDirector("Tên người xử lý được thoát");
      const m = sent.find((x) => x.template === "awaiting_review" && x.stage?.id === "director")!;
      const returned: NotificationMessage = {
        ...m,
        template: "returned",
        id: `${m.eventId}:returned:${AUTHOR.id}`,
        userId: AUTHOR.id,
        email: AUTHOR.email,
        name: AUTHOR.name,
        audience: { type: "author" },
        standsInFor: null,
        comment: "Ý kiến",
        by: { name: "<script>alert(1)</script>", role: "director", onBehalfOf: { userId: DIRECTOR.id, name: DIRECTOR.name, role: "director" } },
      };
      const [mail] = await deliver([returned]);
      expect(mail!.html).not.toContain("<script");
      expect(mail!.html).toContain("KT. Trưởng phòng &lt;script&gt;alert(1)&lt;/script&gt;");
    });

    it("the director back (absence ended): their stage is told to them again, not to Tú", async () => {
      await endAbsence(await tokenFor(USERS.director));
      const { sent } = await atDirector("Trưởng phòng đã về");
      const director = sent.filter((m) => m.template === "awaiting_review" && m.stage?.id === "director");
      expect(director.map((m) => [m.email, m.standsInFor])).toEqual([[USERS.director, null]]);
    });
  });
});

describe("a specialist away: their substitute gets the stage's emails, they get none", () => {
  let spec: string;
  beforeAll(async () => {
    spec = await tokenFor(USERS.specialist);
    const absence = await putAbsence(spec, tu.id);
    expect(absence).toMatchObject({ substitute: { userId: tu.id }, roles: ["specialist"] });
  });

  it("awaiting review, reminder and escalation go to the substitute; the deputy heads still oversee", async () => {
    const { id, sent } = await submitted("Chuyên viên vắng mặt");
    // Still the specialist's stage (the only holder); the letter reaches Tú, who may decide it for them.
    expect((await flowStub(id).view())!.assignee).toEqual({ userId: SPECIALIST.id, name: SPECIALIST.name });
    expect(recipientsOf(sent, "awaiting_review")).toEqual([tu.email]);
    const mail = await letterTo(sent, "awaiting_review", tu.email);
    expect(mail.text).toContain(`Báo cáo “Chuyên viên vắng mặt” được giao cho ${SPECIALIST.name} thẩm định ở bước Chuyên viên.`);
    expect(mail.text).toContain(`Bạn nhận thư này vì đang xử lý thay ${SPECIALIST.name} trong thời gian vắng mặt`);
    // The only-holder sentence is about the specialist, not the substitute.
    expect(mail.text).toContain(`${SPECIALIST.name} là người duy nhất phụ trách bước này cho đơn vị ${QUAN6_NAME}`);

    await timePasses(id);
    expect(recipientsOf(sent, "reminder")).toEqual([tu.email]);
    const escalation = sent.filter((m) => m.template === "escalation");
    expect(escalation.map((m) => [m.email, m.oversight]).sort()).toEqual([[USERS.deputy, true], [tu.email, false]].sort());
    const reminder = await letterTo(sent, "reminder", tu.email);
    expect(reminder.text).toContain("đang xử lý thay");
    // Every letter of this report is in D1's log; none to the absent specialist.
    for (const t of ["awaiting_review", "reminder", "escalation"]) expect(await logged(id, t)).not.toContain(USERS.specialist);
    expect(await logged(id, "reminder")).toEqual([tu.email]);

    // The substitute decides for them.
    await ok(await decide(tu.token, id, { action: "approve", stage: "specialist" }));
    await flowStub(id).settled();
    expect(sent.filter((m) => m.template === "awaiting_review" && m.stage?.id === "deputy_head").map((m) => m.email)).toEqual([USERS.deputy]);
  });

  it("a stage given to the absent specialist by hand: 'assigned' goes to the substitute, once", async () => {
    // A second specialist over Quận 6 makes the stage open; they give it to the absent one.
    const ha = await newUser("Phạm Thu Hà", DEMO_UNITS.gdtx, [{ role: "specialist", unitIds: GDTX_COVERS }]);
    try {
      const { id, sent } = await submitted("Giao cho người vắng mặt");
      // Open: both holders are asked, the absent one through Tú.
      expect(recipientsOf(sent, "awaiting_review")).toEqual([ha.email, tu.email].sort());
      await ok(await call(`/api/v1/reports/${id}/assignee`, { token: ha.token, json: { userId: SPECIALIST.id } }));
      await flowStub(id).settled();
      const assigned = sent.filter((m) => m.template === "assigned");
      expect(assigned.map((m) => [m.email, m.standsInFor?.userId])).toEqual([[tu.email, SPECIALIST.id]]);
      expect(await logged(id, "assigned")).toEqual([tu.email]);
      const [mail] = await deliver(assigned);
      expect(mail!.subject).toBe("[Được giao] Giao cho người vắng mặt");
      expect(mail!.text).toContain(`được giao cho ${SPECIALIST.name} thẩm định ở bước Chuyên viên`);
      expect(mail!.text).toContain(`Người giao: ${ha.name}.`);
    } finally {
      await deactivate(ha.id);
    }
  });

  it("the substitute who also holds the stage is told once", async () => {
    // Tú's absence is replaced by one to Hoa, who holds the specialist stage herself.
    const hoa = await newUser("Đỗ Thị Hoa", DEMO_UNITS.gdtx, [{ role: "specialist", unitIds: GDTX_COVERS }]);
    try {
      await putAbsence(spec, hoa.id);
      const { id, sent } = await submitted("Người thay cũng phụ trách");
      const letters = sent.filter((m) => m.template === "awaiting_review");
      expect(letters.map((m) => m.email)).toEqual([hoa.email]);
      expect(await logged(id, "awaiting_review")).toEqual([hoa.email]);
    } finally {
      await putAbsence(spec, tu.id);
      await deactivate(hoa.id);
    }
  });

  it("ending the absence (DELETE /api/v1/me/absence) restores the specialist's emails", async () => {
    await endAbsence(spec);
    const { id, sent } = await submitted("Chuyên viên đã về");
    expect(sent.filter((m) => m.template === "awaiting_review").map((m) => [m.email, m.standsInFor])).toEqual([[USERS.specialist, null]]);
    await timePasses(id);
    expect(recipientsOf(sent, "reminder")).toEqual([USERS.specialist]);
    expect(await logged(id, "awaiting_review")).toEqual([USERS.specialist]);
    expect(await logged(id, "reminder")).toEqual([USERS.specialist]);
  });
});

describe("a delegation (not an absence): the delegate is told as well as the delegator", () => {
  it("both get the stage's letters; ended, only the delegator", async () => {
    const spec = await tokenFor(USERS.specialist);
    const created = await call("/api/v1/delegations", { token: spec, json: { toUserId: tu.id, role: "specialist", endsAt: iso(3 * DAY) } });
    const text = await created.text();
    expect(created.status, text).toBe(201);
    const delegation = JSON.parse(text);

    const { id, sent } = await submitted("Ủy quyền ký thay");
    expect(recipientsOf(sent, "awaiting_review")).toEqual([USERS.specialist, tu.email].sort());
    expect(await logged(id, "awaiting_review")).toEqual([USERS.specialist, tu.email].sort());
    const own = sent.find((m) => m.email === USERS.specialist)!;
    expect(own.standsInFor).toBeNull();
    const mail = await letterTo(sent, "awaiting_review", tu.email);
    expect(mail.text).toContain(`Bạn nhận thư này vì được ${SPECIALIST.name} ủy quyền ký thay`);
    await timePasses(id);
    expect(recipientsOf(sent, "reminder")).toEqual([USERS.specialist, tu.email].sort());

    await ok(await call(`/api/v1/delegations/${delegation.id}`, { method: "DELETE", token: spec }));
    const after = await submitted("Hết ủy quyền");
    expect(recipientsOf(after.sent, "awaiting_review")).toEqual([USERS.specialist]);
  });
});

describe("manual assignment: the assignee is told who gave it", () => {
  it("POST /api/v1/reports/:id/assignee emails the assignee ('assigned'), naming the giver and the due time", async () => {
    const ha = await newUser("Trịnh Thu Hà", DEMO_UNITS.gdtx, [{ role: "specialist", unitIds: GDTX_COVERS }]);
    const { id, sent } = await submitted("Giao tay");
    expect((await flowStub(id).view())!.assignee).toBeNull();
    const view = await ok(await call(`/api/v1/reports/${id}/assignee`, { token: await tokenFor(USERS.specialist), json: { userId: ha.id } }));
    expect(view.assignee).toEqual({ userId: ha.id, name: ha.name });
    await flowStub(id).settled();
    const assigned = sent.filter((m) => m.template === "assigned");
    expect(assigned.map((m) => m.email)).toEqual([ha.email]);
    expect(assigned[0]!.id).toBe(`${assigned[0]!.eventId}:assigned:${ha.id}`);
    expect(assigned[0]!.by).toMatchObject({ name: SPECIALIST.name, onBehalfOf: null });
    expect(await logged(id, "assigned")).toEqual([ha.email]);

    // Essential: sent though the assignee switched emails off.
    await ok(await call("/api/v1/me/preferences", { method: "PATCH", token: ha.token, json: { emailOptOut: true } }));
    const [mail] = await deliver(assigned);
    expect(mail!.subject).toBe("[Được giao] Giao tay");
    expect(mail!.text).toContain("Báo cáo “Giao tay” được giao cho bạn thẩm định ở bước Chuyên viên.");
    expect(mail!.text).toContain(`Hạn xử lý: ${viDateTime(view.stageDueAt ?? (await flowStub(id).view())!.stageDueAt!)}.`);
    expect(mail!.text).toContain(`Người giao: ${SPECIALIST.name}.`);
    expect(mail!.text).not.toContain("người duy nhất");
    expect(mail!.text).toContain(`/app/reports/${id}`);
    const row = await env.DB.prepare("SELECT status FROM notifications WHERE id = ?").bind(assigned[0]!.id).first();
    expect(row).toEqual({ status: "sent" });
  });
});
