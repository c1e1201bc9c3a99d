// Delegation in review, end to end (DESIGN.md section 13), with delegations made through the API
// (POST /api/v1/delegations, PUT /api/v1/me/absence): a director away for a week whose deputy
// head signs for them ("KT. <role label>"), separation of duties across the delegation, a
// delegation ended mid-review, and the delegations the API refuses.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ROLE_LABELS, signedFor } from "../src/domain/roles";
import worker from "../src/index";
import { releaseRunOutDelegations } from "../src/services/delegation-endings";
import { DEMO_UNITS, demoUsers } from "../src/seed/demo-data";
import { call, createReport, expectProblem, json, tokenFor, USERS } from "./helpers/api";
import { decide, flowStub, ok, submit } from "./helpers/review";

const PASSWORD = "Mật-khẩu-đủ-dài-2024";
const GDTX_COVERS = [DEMO_UNITS.quan6, DEMO_UNITS.tanPhu, DEMO_UNITS.leQuyDon, DEMO_UNITS.caoDangKinhTe];
const DAY = 86_400_000;
const demo = (email: string) => {
  const u = demoUsers.find((x) => x.email === email)!;
  return { id: u.id, name: u.name };
};
const SPECIALIST = demo(USERS.specialist);
const DEPUTY = demo(USERS.deputy);
const DIRECTOR = demo(USERS.director);

type Person = { id: string; name: string; token: string };
/** A second deputy head over the GDTX centres: the deputy stage then has two holders. */
let phong: Person;

let ip = 0;
async function newUser(name: string, grants: { role: string; unitIds: string[] }[]): Promise<Person> {
  const email = `uq-${crypto.randomUUID().slice(0, 8)}@sogd.example`;
  const res = await call("/api/v1/users", { token: await tokenFor(USERS.admin), json: { email, name, unitId: DEMO_UNITS.gdtx, password: PASSWORD, grants } });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  const login = await ok(await call("/api/v1/auth/login", { json: { email, password: PASSWORD }, headers: { "cf-connecting-ip": `10.83.${++ip}.1` } }));
  return { id: JSON.parse(text).id, name, token: login.token };
}

beforeAll(async () => {
  phong = await newUser("Nguyễn Văn Phong", [{ role: "deputy_head", unitIds: GDTX_COVERS }]);
});

const iso = (ms: number) => new Date(Date.now() + ms).toISOString();
const delegations = () => env.DB.prepare("SELECT count(*) AS n FROM delegations").first<{ n: number }>().then((r) => r!.n);
const postDelegation = async (who: string, body: Record<string, unknown>) => call("/api/v1/delegations", { token: await tokenFor(who), json: body });

async function history(id: string): Promise<any[]> {
  return (await json(await call(`/api/v1/reports/${id}/history`, { token: await tokenFor(USERS.admin) }))).items;
}

async function inboxHas(token: string, id: string, scope: "mine" | "all"): Promise<any | undefined> {
  const body = await ok(await call(`/api/v1/inbox?limit=100&scope=${scope}`, { token }));
  return body.items.find((i: any) => i.id === id);
}

/** A Quận 6 news report taken to the director's stage: the specialist approves, then `deputy` the deputy stage. */
async function atDirector(title: string, deputy: string | Person): Promise<string> {
  const author = await tokenFor(USERS.quan6);
  const r = await createReport(author, { kind: "news", title });
  await ok(await submit(author, r.id));
  await ok(await decide(await tokenFor(USERS.specialist), r.id, { action: "approve", stage: "specialist" }));
  const token = typeof deputy === "string" ? await tokenFor(deputy) : deputy.token;
  const view = await ok(await decide(token, r.id, { action: "approve", stage: "deputy_head" }));
  // The director is the stage's only holder: it is theirs as it starts.
  expect(view).toMatchObject({ stage: { id: "director" }, assignee: { userId: DIRECTOR.id, name: DIRECTOR.name } });
  return r.id;
}

/** What a refused decision must leave alone. */
async function snapshot(id: string) {
  const row = await env.DB.prepare("SELECT status, stage, version, assignee_id FROM reports WHERE id = ?").bind(id).first();
  const view = await flowStub(id).view();
  return { row, events: (await history(id)).length, version: view!.version, status: view!.status };
}

describe("a director away for a week", () => {
  let absence: any;

  it("the director sets an absence with a deputy head as substitute", async () => {
    const res = await call("/api/v1/me/absence", { method: "PUT", token: await tokenFor(USERS.director), json: { until: iso(7 * DAY), substituteId: phong.id, note: "Đi công tác một tuần" } });
    absence = (await ok(res)).absence;
    expect(absence).toMatchObject({ substitute: { userId: phong.id, name: phong.name }, roles: ["director"] });
    expect(absence.delegations).toEqual([expect.objectContaining({ role: "director", state: "active", from: { userId: DIRECTOR.id, name: DIRECTOR.name } })]);
  });

  it("a deputy who did not decide the deputy stage signs the director's for them: onBehalfOf and 'KT.' in the history", async () => {
    const id = await atDirector("Ký thay Trưởng phòng", USERS.deputy);
    // The report is in the substitute's inbox, as the director's (assigned to whom they sign for).
    expect((await inboxHas(phong.token, id, "mine"))?.assignee).toEqual({ userId: DIRECTOR.id, name: DIRECTOR.name });
    const view = await ok(await decide(phong.token, id, { action: "approve", stage: "director", comment: "Đồng ý đăng" }));
    expect(view.status).toMatch(/^(approved|published)$/);
    const approval = (await history(id)).filter((e) => e.action === "approve").at(-1);
    expect(approval).toMatchObject({
      actor: { id: phong.id, name: phong.name, role: "director" },
      stage: { id: "director" },
      comment: "Đồng ý đăng",
      onBehalfOf: { userId: DIRECTOR.id, name: DIRECTOR.name, role: "director", signedAs: signedFor("director") },
    });
    // "KT. <role label>": the director's stage is labelled "Trưởng phòng" in the workflows.
    expect(approval.onBehalfOf.signedAs).toBe(`KT. ${ROLE_LABELS.director}`);
    // Both people are in D1's event row.
    const row = await env.DB.prepare("SELECT actor_id, on_behalf_of_id, on_behalf_of_role FROM report_events WHERE report_id = ? AND action = 'approve' AND stage = 'director'").bind(id).first();
    expect(row).toEqual({ actor_id: phong.id, on_behalf_of_id: DIRECTOR.id, on_behalf_of_role: "director" });
  });

  it("a deputy who already decided the deputy stage cannot sign the director's (403); nothing changes", async () => {
    const id = await atDirector("Không ký hai bước", phong);
    // It is not in their inbox either.
    expect(await inboxHas(phong.token, id, "all")).toBeUndefined();
    const before = await snapshot(id);
    const refused = await expectProblem(await decide(phong.token, id, { action: "approve", stage: "director" }), 403, "forbidden");
    expect(refused.detail).toMatch(/hai bước/);
    // The other deputy holds no delegation: the stage is the director's.
    const other = await expectProblem(await decide(await tokenFor(USERS.deputy), id, { action: "approve", stage: "director" }), 403, "forbidden");
    expect(other.detail).toContain(DIRECTOR.name);
    expect(await snapshot(id)).toEqual(before);
    // The director, away or not, may still decide in their own name.
    await ok(await decide(await tokenFor(USERS.director), id, { action: "approve", stage: "director" }));
    expect((await history(id)).filter((e) => e.action === "approve").at(-1).onBehalfOf).toBeNull();
  });

  it("the absence ends (DELETE /api/v1/me/absence): the substitute signs no more", async () => {
    const id = await atDirector("Hết vắng mặt", USERS.deputy);
    await ok(await call("/api/v1/me/absence", { method: "DELETE", token: await tokenFor(USERS.director) }));
    const before = await snapshot(id);
    await expectProblem(await decide(phong.token, id, { action: "approve", stage: "director" }), 403, "forbidden");
    expect(await snapshot(id)).toEqual(before);
    expect(await inboxHas(phong.token, id, "all")).toBeUndefined();
  });
});

describe("a delegation that ends mid-review", () => {
  it("DELETE it: the delegate's next decision is refused and the report leaves their inbox", async () => {
    const created = await postDelegation(USERS.director, { toUserId: phong.id, role: "director", endsAt: iso(2 * DAY), note: "Họp ở Bộ" });
    const text = await created.text();
    expect(created.status, text).toBe(201);
    const delegation = JSON.parse(text);
    expect(delegation).toMatchObject({ from: { userId: DIRECTOR.id }, to: { userId: phong.id }, role: "director", state: "active", kind: "delegation" });

    const id = await atDirector("Ủy quyền kết thúc giữa chừng", USERS.deputy);
    expect(await inboxHas(phong.token, id, "mine")).toBeDefined();
    expect(await inboxHas(phong.token, id, "all")).toBeDefined();

    const ended = await ok(await call(`/api/v1/delegations/${delegation.id}`, { method: "DELETE", token: await tokenFor(USERS.director) }));
    expect(ended.state).toBe("ended");
    const before = await snapshot(id);
    const refused = await expectProblem(await decide(phong.token, id, { action: "approve", stage: "director" }), 403, "forbidden");
    expect(refused.detail).toContain(DIRECTOR.name);
    expect(await snapshot(id)).toEqual(before);
    expect(await inboxHas(phong.token, id, "mine")).toBeUndefined();
    expect(await inboxHas(phong.token, id, "all")).toBeUndefined();
    // Nor may they take the stage.
    const claim = await call(`/api/v1/reports/${id}/assignee`, { token: phong.token, json: { userId: phong.id } });
    expect([403, 404, 409, 422]).toContain(claim.status);
    expect(await snapshot(id)).toEqual(before);
  });
});

describe("separation of duties across delegation, through the API", () => {
  it("whoever signed the specialist's stage for the specialist cannot decide the deputy stage in their own name", async () => {
    // The specialist hands their role to the (demo) deputy head for a day.
    const created = await postDelegation(USERS.specialist, { toUserId: DEPUTY.id, role: "specialist", endsAt: iso(DAY) });
    const text = await created.text();
    expect(created.status, text).toBe(201);
    const author = await tokenFor(USERS.quan6);
    const r = await createReport(author, { kind: "news", title: "Ký thay chuyên viên" });
    await ok(await submit(author, r.id));
    // Assigned to the specialist (only holder); the deputy signs for them.
    await ok(await decide(await tokenFor(USERS.deputy), r.id, { action: "approve", stage: "specialist" }));
    const signed = (await history(r.id)).find((e) => e.action === "approve");
    expect(signed).toMatchObject({ actor: { id: DEPUTY.id }, onBehalfOf: { userId: SPECIALIST.id, role: "specialist", signedAs: signedFor("specialist") } });
    const before = await snapshot(r.id);
    await expectProblem(await decide(await tokenFor(USERS.deputy), r.id, { action: "approve", stage: "deputy_head" }), 403, "forbidden");
    expect(await snapshot(r.id)).toEqual(before);
    // The other deputy head decides it.
    await ok(await decide(phong.token, r.id, { action: "approve", stage: "deputy_head" }));
    await ok(await call(`/api/v1/delegations/${JSON.parse(text).id}`, { method: "DELETE", token: await tokenFor(USERS.specialist) }));
  });
});

describe("delegations the API refuses (nothing written)", () => {
  async function refused(who: string, body: Record<string, unknown>, status: number, path?: string) {
    const before = await delegations();
    const code = status === 422 ? "validation-failed" : "conflict";
    const problem = await expectProblem(await postDelegation(who, body), status, code);
    if (path) expect(problem.errors?.map((e: any) => e.path)).toContain(path);
    expect(await delegations()).toBe(before);
    return problem;
  }

  it("to oneself: 422 toUserId", async () => {
    await refused(USERS.director, { toUserId: DIRECTOR.id, role: "director", endsAt: iso(DAY) }, 422, "toUserId");
  });

  it("to an inactive user: 422 toUserId", async () => {
    const gone = await newUser("Trần Văn Nghỉ", [{ role: "deputy_head", unitIds: GDTX_COVERS }]);
    const off = await call(`/api/v1/users/${gone.id}/deactivate`, { method: "POST", token: await tokenFor(USERS.admin) });
    expect(off.status, await off.clone().text()).toBe(200);
    await refused(USERS.director, { toUserId: gone.id, role: "director", endsAt: iso(DAY) }, 422, "toUserId");
  });

  it("a role the delegator does not hold: 422 role", async () => {
    await refused(USERS.director, { toUserId: phong.id, role: "deputy_head", endsAt: iso(DAY) }, 422, "role");
    await refused(USERS.director, { toUserId: phong.id, role: "admin", endsAt: iso(DAY) }, 422, "role");
  });

  it("endsAt before startsAt: 422 endsAt", async () => {
    await refused(USERS.director, { toUserId: phong.id, role: "director", startsAt: iso(3 * DAY), endsAt: iso(2 * DAY) }, 422, "endsAt");
    await refused(USERS.director, { toUserId: phong.id, role: "director", startsAt: iso(2 * DAY), endsAt: iso(2 * DAY) }, 422, "endsAt");
  });

  it("longer than a year: 422 endsAt", async () => {
    await refused(USERS.director, { toUserId: phong.id, role: "director", startsAt: iso(DAY), endsAt: iso(DAY + 367 * DAY) }, 422, "endsAt");
  });

  it("overlapping a running delegation of the same role by the same person: 409 naming it", async () => {
    const first = await postDelegation(USERS.director, { toUserId: phong.id, role: "director", endsAt: iso(3 * DAY) });
    const text = await first.text();
    expect(first.status, text).toBe(201);
    const problem = await refused(USERS.director, { toUserId: DEPUTY.id, role: "director", startsAt: iso(DAY), endsAt: iso(5 * DAY) }, 409);
    expect(problem.conflicting?.id).toBe(JSON.parse(text).id);
    await ok(await call(`/api/v1/delegations/${JSON.parse(text).id}`, { method: "DELETE", token: await tokenFor(USERS.director) }));
    // Once ended, the same delegation may be made again.
    const again = await postDelegation(USERS.director, { toUserId: DEPUTY.id, role: "director", startsAt: iso(DAY), endsAt: iso(5 * DAY) });
    expect(again.status, await again.clone().text()).toBe(201);
  });
});

describe("a stage held by a delegate whose delegation ends goes back (never stuck)", () => {
  /** The director's running or coming delegations of their role, ended: each test starts clean. */
  async function noDirectorDelegations() {
    const director = await tokenFor(USERS.director);
    for (const state of ["active", "scheduled"]) {
      const { items } = await ok(await call(`/api/v1/delegations?scope=given&state=${state}&limit=100`, { token: director }));
      for (const d of items) await ok(await call(`/api/v1/delegations/${d.id}`, { method: "DELETE", token: director }));
    }
    await call("/api/v1/me/absence", { method: "DELETE", token: director });
  }

  async function claimedByPhong(title: string): Promise<{ id: string; delegationId: string }> {
    await noDirectorDelegations();
    const created = await postDelegation(USERS.director, { toUserId: phong.id, role: "director", endsAt: iso(7 * DAY) });
    expect(created.status, await created.clone().text()).toBe(201);
    const d = await json(created);
    const id = await atDirector(title, USERS.deputy);
    const claim = await ok(await call(`/api/v1/reports/${id}/assignee`, { token: phong.token, json: { userId: phong.id, stage: "director" } }));
    expect(claim.assignee).toEqual({ userId: phong.id, name: phong.name });
    return { id, delegationId: d.id };
  }

  it("ended by the director: the stage goes back to its holders at once, and the director decides it", async () => {
    const { id, delegationId } = await claimedByPhong("Ủy quyền kết thúc giữa chừng");
    await ok(await call(`/api/v1/delegations/${delegationId}`, { method: "DELETE", token: await tokenFor(USERS.director) }));
    const row = await env.DB.prepare("SELECT assignee_id FROM reports WHERE id = ?").bind(id).first<{ assignee_id: string | null }>();
    expect(row?.assignee_id).toBeNull();
    expect((await history(id)).at(-1)).toMatchObject({ action: "assign", actor: null, comment: "released", assignee: null });
    const approved = await ok(await decide(await tokenFor(USERS.director), id, { action: "approve", stage: "director" }));
    expect(approved.status).toBe("approved");
  });

  it("run out (its end passed): the next one to act finds the stage handed back and decides it", async () => {
    const { id, delegationId } = await claimedByPhong("Ủy quyền hết hạn giữa chừng");
    // Time passing, as the clock would: the delegation's end is now behind us.
    await env.DB.prepare("UPDATE delegations SET ends_at = ? WHERE id = ?").bind(iso(-1000), delegationId).run();
    const approved = await ok(await decide(await tokenFor(USERS.director), id, { action: "approve", stage: "director" }));
    expect(approved.status).toBe("approved");
    const actions = (await history(id)).slice(-2).map((e) => [e.action, e.comment]);
    expect(actions).toEqual([["assign", "released"], ["approve", null]]);
  });

  it("run out with nobody acting: the hourly sweep hands the stage back, once, and the holders are told", async () => {
    const { id, delegationId } = await claimedByPhong("Ủy quyền hết hạn, không ai thao tác");
    await env.DB.prepare("UPDATE delegations SET ends_at = ? WHERE id = ?").bind(iso(-60_000), delegationId).run();
    const lettersBefore = (await env.DB.prepare("SELECT count(*) AS n FROM notifications WHERE report_id = ?").bind(id).first<{ n: number }>())!.n;
    // The cron trigger, as the platform calls it.
    await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: "17 * * * *" }), env);
    const row = await env.DB.prepare("SELECT assignee_id FROM reports WHERE id = ?").bind(id).first<{ assignee_id: string | null }>();
    expect(row?.assignee_id).toBeNull();
    expect((await history(id)).at(-1)).toMatchObject({ action: "assign", actor: null, comment: "released", assignee: null });
    // A second run hands nothing back twice.
    await releaseRunOutDelegations(env);
    expect((await history(id)).filter((e: { comment: string | null }) => e.comment === "released").length).toBe(1);
    await flowStub(id).settled();
    const lettersAfter = (await env.DB.prepare("SELECT count(*) AS n FROM notifications WHERE report_id = ?").bind(id).first<{ n: number }>())!.n;
    expect(lettersAfter).toBeGreaterThan(lettersBefore);
  });

  it("the sweep leaves alone a delegate whose delegation still runs, and walks only the delegations that ran out lately (by index)", async () => {
    const { id } = await claimedByPhong("Ủy quyền còn hiệu lực khi quét");
    const assignee = async () => (await env.DB.prepare("SELECT assignee_id FROM reports WHERE id = ?").bind(id).first<{ assignee_id: string | null }>())?.assignee_id;
    // (Earlier tests here left run-out delegations of Phong: the sweep hands back what those gave him.)
    await releaseRunOutDelegations(env);
    expect(await assignee(), "still signing for the director").toBe(phong.id);
    const plan = await env.DB.prepare(
      "EXPLAIN QUERY PLAN SELECT DISTINCT to_user_id FROM delegations INDEXED BY delegations_ends_idx WHERE ends_at > ? AND ends_at <= ? AND ended_at IS NULL",
    ).bind("a", "b").all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail).join("\n")).toMatch(/SEARCH delegations USING INDEX delegations_ends_idx \(ends_at>\? AND ends_at<\?\)/);
  });
});
