// Assignment through the Worker (DESIGN.md section 13): POST /api/v1/reports/:id/assignee (claim,
// give, hand back), assignee-only decisions, automatic assignment to the only holder, the assign
// events in the history, GET /api/v1/inbox?scope=mine|unassigned|all, and every refusal (which
// changes nothing: same version, same history).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_UNITS, demoUsers } from "../src/seed/demo-data";
import { call, createReport, expectProblem, json, tokenFor, USERS } from "./helpers/api";
import { decide, flowStub, ok, submit } from "./helpers/review";

const PASSWORD = "Mật-khẩu-đủ-dài-2024";
const GDTX_COVERS = [DEMO_UNITS.quan6, DEMO_UNITS.tanPhu, DEMO_UNITS.leQuyDon, DEMO_UNITS.caoDangKinhTe];
const demo = (email: string) => {
  const u = demoUsers.find((x) => x.email === email)!;
  return { id: u.id, name: u.name };
};
const SPECIALIST = demo(USERS.specialist);
const DEPUTY = demo(USERS.deputy);
const DIRECTOR = demo(USERS.director);

type Person = { id: string; name: string; email: string; token: string };

let ip = 0;
async function signIn(email: string): Promise<string> {
  const res = await call("/api/v1/auth/login", { json: { email, password: PASSWORD }, headers: { "cf-connecting-ip": `10.81.${++ip}.1` } });
  return (await ok(res)).token;
}

/** A user created through the admin API (signed in unless asked not to). */
async function newUser(name: string, unitId: string, grants: { role: string; unitIds: string[] }[], opts: { signIn?: boolean } = {}): Promise<Person> {
  const email = `nd-${crypto.randomUUID().slice(0, 8)}@sogd.example`;
  const res = await call("/api/v1/users", { token: await tokenFor(USERS.admin), json: { email, name, unitId, password: PASSWORD, grants } });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  const { id } = JSON.parse(text) as { id: string };
  return { id, name, email, token: opts.signIn === false ? "" : await signIn(email) };
}

const assign = (token: string, id: string, userId: string | null) => call(`/api/v1/reports/${id}/assignee`, { token, json: { userId } });

async function submitted(title = "Tin phân công"): Promise<string> {
  const author = await tokenFor(USERS.quan6);
  const r = await createReport(author, { kind: "news", title });
  await ok(await submit(author, r.id));
  return r.id;
}

async function history(id: string): Promise<any[]> {
  // From the submit on (the report's "create" event left out): the review's own events.
  const items: any[] = (await json(await call(`/api/v1/reports/${id}/history`, { token: await tokenFor(USERS.admin) }))).items;
  return items.filter((e) => e.action !== "create");
}

async function getReport(id: string): Promise<any> {
  return ok(await call(`/api/v1/reports/${id}`, { token: await tokenFor(USERS.admin) }));
}

/** What a refusal must leave alone: D1's row, the history, the DO's view. */
async function state(id: string) {
  const row = await env.DB.prepare("SELECT status, stage, version, assignee_id, assignee_name FROM reports WHERE id = ?").bind(id).first();
  const view = await flowStub(id).view();
  return { row, events: (await history(id)).length, view: { version: view!.version, assignee: view!.assignee, status: view!.status } };
}

async function inboxIds(token: string, scope?: string): Promise<Map<string, any>> {
  const res = await call(`/api/v1/inbox?limit=100${scope ? `&scope=${scope}` : ""}`, { token });
  const body = await ok(res);
  return new Map(body.items.map((i: any) => [i.id, i]));
}

describe("automatic assignment: a unit covered by exactly one holder of the stage's role", () => {
  // The demo data has one specialist, one deputy head and one director covering Quận 6.
  it("each stage is assigned to its only holder as it starts, without a version of its own", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await createReport(author, { kind: "news", title: "Tự động phân công" });
    const view = await ok(await submit(author, r.id));
    expect(view.assignee).toEqual({ userId: SPECIALIST.id, name: SPECIALIST.name });
    const report = await getReport(r.id);
    expect(report.assignee).toEqual({ userId: SPECIALIST.id, name: SPECIALIST.name });
    // The system's assignment is part of the submit: the report's version is the submit's.
    expect(report.version).toBe(view.version);
    const events = await history(r.id);
    expect(events.map((e) => e.action)).toEqual(["submit", "assign"]);
    expect(events[1]).toMatchObject({ action: "assign", actor: null, comment: "auto", stage: { id: "specialist" }, assignee: { userId: SPECIALIST.id, name: SPECIALIST.name }, onBehalfOf: null });

    const next = await ok(await decide(await tokenFor(USERS.specialist), r.id, { action: "approve", stage: "specialist" }));
    expect(next.assignee).toEqual({ userId: DEPUTY.id, name: DEPUTY.name });
    expect(next.version).toBe(view.version + 1);
    const after = await history(r.id);
    expect(after.slice(2).map((e) => [e.action, e.stage?.id, e.actor?.id ?? null])).toEqual([
      ["approve", "specialist", SPECIALIST.id],
      ["assign", "deputy_head", null],
    ]);
    expect(after.at(-1)).toMatchObject({ comment: "auto", assignee: { userId: DEPUTY.id, name: DEPUTY.name } });
  });

  it("the stage's letter goes to its assignee alone", async () => {
    const id = await submitted("Thư báo phân công");
    await flowStub(id).settled();
    const { results } = await env.DB.prepare("SELECT to_email, template FROM notifications WHERE report_id = ? AND template IN ('awaiting_review', 'assigned')").bind(id).all<{ to_email: string }>();
    expect(results.length).toBeGreaterThan(0);
    expect(new Set(results.map((r) => r.to_email))).toEqual(new Set([USERS.specialist]));
  });

  it("the only holder's claim of what is already theirs changes nothing", async () => {
    const id = await submitted();
    const before = await state(id);
    const view = await ok(await assign(await tokenFor(USERS.specialist), id, SPECIALIST.id));
    expect(view.assignee?.userId).toBe(SPECIALIST.id);
    expect(await state(id)).toEqual(before);
  });
});

describe("with two specialists covering the unit", () => {
  let ha: Person;
  beforeAll(async () => {
    ha = await newUser("Phạm Thu Hà", DEMO_UNITS.gdtx, [{ role: "specialist", unitIds: GDTX_COVERS }]);
  });

  it("a new report's first stage starts unassigned (two holders)", async () => {
    const id = await submitted();
    expect((await getReport(id)).assignee).toBeNull();
    expect((await history(id)).map((e) => e.action)).toEqual(["submit"]);
  });

  it("claim: the caller takes the stage; the report, the review state and the history show it", async () => {
    const id = await submitted();
    const before = await getReport(id);
    const res = await assign(ha.token, id, ha.id);
    const view = await ok(res);
    expect(view).toMatchObject({ status: "in_review", stage: { id: "specialist" }, assignee: { userId: ha.id, name: ha.name }, version: before.version + 1 });
    expect(res.headers.get("etag")).toBe(`"${before.version + 1}"`);
    expect((await getReport(id)).assignee).toEqual({ userId: ha.id, name: ha.name });
    expect((await history(id)).at(-1)).toMatchObject({ action: "assign", actor: { id: ha.id, role: "specialist" }, stage: { id: "specialist" }, comment: null, assignee: { userId: ha.id, name: ha.name } });
    const row = await env.DB.prepare("SELECT assignee_id, assignee_name FROM reports WHERE id = ?").bind(id).first();
    expect(row).toEqual({ assignee_id: ha.id, assignee_name: ha.name });
    // The assignee is emailed (DESIGN.md section 13).
    await flowStub(id).settled();
    const letters = await env.DB.prepare("SELECT to_email FROM notifications WHERE report_id = ? AND template = 'assigned'").bind(id).all<{ to_email: string }>();
    expect(letters.results.map((r) => r.to_email)).toEqual([ha.email]);
  });

  it("only the assignee decides: another holder gets 403 with the assignee's name, and nothing changes", async () => {
    const id = await submitted();
    await ok(await assign(ha.token, id, ha.id));
    const before = await state(id);
    for (const action of ["approve", "return"] as const) {
      const res = await decide(await tokenFor(USERS.specialist), id, { action, stage: "specialist", comment: "Ý kiến" });
      const problem = await expectProblem(res, 403, "forbidden");
      expect(problem.detail).toContain(ha.name);
      expect(problem.assignee).toEqual({ userId: ha.id, name: ha.name });
    }
    expect(await state(id)).toEqual(before);
    await ok(await decide(ha.token, id, { action: "approve", stage: "specialist" }));
  });

  it("give: a holder gives an unassigned stage to the other, who then decides it", async () => {
    const id = await submitted();
    const view = await ok(await assign(await tokenFor(USERS.specialist), id, ha.id));
    expect(view.assignee).toEqual({ userId: ha.id, name: ha.name });
    expect((await history(id)).at(-1)).toMatchObject({ action: "assign", actor: { id: SPECIALIST.id }, assignee: { userId: ha.id } });
    // Passed on by its assignee.
    const passed = await ok(await assign(ha.token, id, SPECIALIST.id));
    expect(passed.assignee?.userId).toBe(SPECIALIST.id);
    await ok(await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist" }));
    // The next stage (one deputy) is assigned automatically.
    expect((await getReport(id)).assignee?.userId).toBe(DEPUTY.id);
  });

  it("hand back: the assignee gives the stage back to all its holders", async () => {
    const id = await submitted();
    await ok(await assign(ha.token, id, ha.id));
    const view = await ok(await assign(ha.token, id, null));
    expect(view.assignee).toBeNull();
    expect((await getReport(id)).assignee).toBeNull();
    expect((await history(id)).at(-1)).toMatchObject({ action: "assign", actor: { id: ha.id }, assignee: null });
    // Anyone of its holders may decide it again.
    await ok(await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist" }));
  });

  it("a claim of a stage assigned to someone else is a 409 naming them; nothing changes", async () => {
    const id = await submitted();
    await ok(await assign(ha.token, id, ha.id));
    const before = await state(id);
    const spec = await tokenFor(USERS.specialist);
    for (const userId of [SPECIALIST.id, null]) {
      const problem = await expectProblem(await assign(spec, id, userId), 409, "conflict");
      expect(problem.detail).toContain(ha.name);
      expect(problem.assignee).toEqual({ userId: ha.id, name: ha.name });
    }
    expect(await state(id)).toEqual(before);
  });

  it("an admin moves an assigned stage", async () => {
    const id = await submitted();
    await ok(await assign(ha.token, id, ha.id));
    const view = await ok(await assign(await tokenFor(USERS.admin), id, SPECIALIST.id));
    expect(view.assignee?.userId).toBe(SPECIALIST.id);
    expect((await history(id)).at(-1)).toMatchObject({ action: "assign", actor: { role: "admin" }, assignee: { userId: SPECIALIST.id } });
  });

  it("inbox scopes: mine (mine and unassigned), unassigned, all; items carry the assignee", async () => {
    const open = await submitted("Hộp thư: chưa giao");
    const toHa = await submitted("Hộp thư: giao Hà");
    const toSpec = await submitted("Hộp thư: giao chuyên viên");
    await ok(await assign(ha.token, toHa, ha.id));
    await ok(await assign(ha.token, toSpec, SPECIALIST.id));
    const spec = await tokenFor(USERS.specialist);
    const ours = (m: Map<string, any>) => [open, toHa, toSpec].filter((id) => m.has(id));

    const mineDefault = await inboxIds(spec);
    expect(ours(await inboxIds(spec, "mine")).sort()).toEqual([open, toSpec].sort());
    expect(ours(mineDefault).sort()).toEqual([open, toSpec].sort());
    expect(ours(await inboxIds(spec, "unassigned"))).toEqual([open]);
    const all = await inboxIds(spec, "all");
    expect(ours(all).sort()).toEqual([open, toHa, toSpec].sort());
    expect(all.get(toHa).assignee).toEqual({ userId: ha.id, name: ha.name });
    expect(all.get(toSpec).assignee).toEqual({ userId: SPECIALIST.id, name: SPECIALIST.name });
    expect(all.get(open).assignee).toBeNull();
    // Every item of "unassigned" is unassigned, every item of "mine" is the caller's or nobody's.
    for (const item of (await inboxIds(spec, "unassigned")).values()) expect(item.assignee).toBeNull();
    for (const item of (await inboxIds(spec, "mine")).values()) expect([null, SPECIALIST.id]).toContain(item.assignee?.userId ?? null);

    expect(ours(await inboxIds(ha.token, "mine")).sort()).toEqual([open, toHa].sort());
    // A bad scope is a 422.
    await expectProblem(await call("/api/v1/inbox?scope=others", { token: spec }), 422, "validation-failed");
  });

  describe("bad input: 422 naming userId, nothing changed", () => {
    it("an unknown user", async () => {
      const id = await submitted();
      const before = await state(id);
      const problem = await expectProblem(await assign(ha.token, id, "khong-co-nguoi-nay"), 422, "validation-failed");
      expect(problem.errors).toEqual([expect.objectContaining({ path: "userId" })]);
      expect(await state(id)).toEqual(before);
    });

    it("an inactive user", async () => {
      const gone = await newUser("Lê Văn Nghỉ", DEMO_UNITS.gdtx, [{ role: "specialist", unitIds: GDTX_COVERS }], { signIn: false });
      const off = await call(`/api/v1/users/${gone.id}/deactivate`, { method: "POST", token: await tokenFor(USERS.admin) });
      expect(off.status, await off.clone().text()).toBe(200);
      const id = await submitted();
      const before = await state(id);
      const problem = await expectProblem(await assign(ha.token, id, gone.id), 422, "validation-failed");
      expect(problem.errors[0]).toMatchObject({ path: "userId" });
      expect(problem.errors[0].message).toContain(gone.name);
      expect(await state(id)).toEqual(before);
    });

    it("a user without the stage's role (the deputy head, the director, the author)", async () => {
      const id = await submitted();
      const before = await state(id);
      for (const who of [DEPUTY, DIRECTOR, demo(USERS.quan6)]) {
        const problem = await expectProblem(await assign(ha.token, id, who.id), 422, "validation-failed");
        expect(problem.errors[0]).toMatchObject({ path: "userId" });
        expect(problem.errors[0].message).toContain(who.name);
      }
      expect(await state(id)).toEqual(before);
    });

    it("a specialist who does not cover the report's unit", async () => {
      const elsewhere = await newUser("Võ Minh Trí", DEMO_UNITS.gdtx, [{ role: "specialist", unitIds: [DEMO_UNITS.minhKhai] }], { signIn: false });
      const id = await submitted();
      const before = await state(id);
      const problem = await expectProblem(await assign(ha.token, id, elsewhere.id), 422, "validation-failed");
      expect(problem.errors[0]).toMatchObject({ path: "userId" });
      expect(await state(id)).toEqual(before);
    });

    it("a malformed body", async () => {
      const id = await submitted();
      const before = await state(id);
      for (const body of [{}, { userId: 12 }, { userId: "" }, { userId: "x".repeat(65) }, { userId: ha.id, extra: 1 }]) {
        await expectProblem(await call(`/api/v1/reports/${id}/assignee`, { token: ha.token, json: body }), 422, "validation-failed");
      }
      expect(await state(id)).toEqual(before);
    });
  });

  describe("refusals: wrong state, wrong caller", () => {
    it("a report not in review: 409", async () => {
      const id = await submitted();
      await ok(await decide(ha.token, id, { action: "return", stage: "specialist", comment: "Bổ sung ảnh" }));
      const before = await state(id);
      expect(before.row).toMatchObject({ status: "returned" });
      await expectProblem(await assign(ha.token, id, ha.id), 409, "conflict");
      expect(await state(id)).toEqual(before);
    });

    it("no token: 401", async () => {
      const id = await submitted();
      const res = await call(`/api/v1/reports/${id}/assignee`, { json: { userId: ha.id } });
      expect(res.status).toBe(401);
    });

    it("callers who do not hold the stage: 404 where they may not read the report, else 403; nothing changes", async () => {
      const id = await submitted();
      const before = await state(id);
      // The deputy and the director read a report only from their own stage on; Tân Phú's author never.
      for (const email of [USERS.deputy, USERS.director, USERS.tanPhu, USERS.minhKhai]) {
        await expectProblem(await assign(await tokenFor(email), id, ha.id), 404, "not-found");
      }
      // The author and the centre's head read it, but hold no specialist role.
      for (const email of [USERS.quan6, USERS.centreHead]) {
        await expectProblem(await assign(await tokenFor(email), id, ha.id), 403, "forbidden");
      }
      expect(await state(id)).toEqual(before);
      await expectProblem(await assign(ha.token, "khong-co-bao-cao", ha.id), 404, "not-found");
    });

    it("a reader who holds no specialist role claiming the stage for themselves: 403 (the caller may not assign), nothing changes", async () => {
      const id = await submitted();
      const before = await state(id);
      for (const email of [USERS.quan6, USERS.centreHead]) {
        const me = demo(email);
        await expectProblem(await assign(await tokenFor(email), id, me.id), 403, "forbidden");
      }
      expect(await state(id)).toEqual(before);
    });
  });
});
