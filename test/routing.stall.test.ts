// Routing that cannot stall (issue 13, point 2): an admin change to a person that would leave
// reports already waiting at a stage with nobody to decide them is refused, naming the stage, the
// unit and how many wait, and nothing is written; once the reports move on, the same change is fine.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { call, createReport, expectProblem, json, tokenFor, USERS } from "./helpers/api";
import { DEMO_PASSWORD } from "./helpers/seed";
import { periodicInput } from "./helpers/periods";
import { d1Report, decide, ok, submit } from "./helpers/review";

const CENTRE_HEAD_ID = "00000000-0000-7000-8000-000000000107";
const SPECIALIST_ID = "00000000-0000-7000-8000-000000000102";
const GDTX_COVERS = [DEMO_UNITS.quan6, DEMO_UNITS.tanPhu, DEMO_UNITS.leQuyDon, DEMO_UNITS.caoDangKinhTe];
const QUAN6_NAME = "Trung tâm GDNN-GDTX Quận 6";

const setGrants = async (who: string, id: string, grants: { role: string; unitIds: string[] }[]) =>
  call(`/api/v1/users/${id}/grants`, { method: "PUT", token: await tokenFor(who), json: { grants } });
const activation = async (who: string, id: string, action: "deactivate" | "activate") => call(`/api/v1/users/${id}/${action}`, { method: "POST", token: await tokenFor(who) });

/** A Quận 6 periodic report submitted: it waits at the centre head's stage. */
async function waitingAtCentreHead(): Promise<string> {
  const author = await tokenFor(USERS.quan6);
  const report = await createReport(author, await periodicInput());
  await ok(await submit(author, report.id));
  expect((await d1Report(report.id)).stage_role).toBe("centre_head");
  return report.id;
}

/** A Quận 6 news report submitted: it waits at the specialist's stage. */
async function waitingAtSpecialist(): Promise<string> {
  const author = await tokenFor(USERS.quan6);
  const report = await createReport(author);
  await ok(await submit(author, report.id));
  expect((await d1Report(report.id)).stage_role).toBe("specialist");
  return report.id;
}

let ip = 0;
/** A new sign-in (deactivating a user ends their sessions, so a cached token may be dead). */
async function freshToken(email: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await call("/api/v1/auth/login", { json: { email, password }, headers: { "cf-connecting-ip": `10.77.${++ip}.1` } });
  return (await ok(res)).token;
}

async function userRow(id: string) {
  const user = await env.DB.prepare("SELECT active, updated_at FROM users WHERE id = ?").bind(id).first<{ active: number; updated_at: string }>();
  const { results } = await env.DB.prepare("SELECT g.role, gu.unit_id FROM role_grants g LEFT JOIN grant_units gu ON gu.grant_id = g.id WHERE g.user_id = ? ORDER BY g.role, gu.unit_id")
    .bind(id)
    .all();
  const sessions = await env.DB.prepare("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ? AND revoked_at IS NULL").bind(id).first<{ n: number }>();
  return { user, grants: results, liveSessions: sessions?.n };
}

async function newUser(unitId: string, grants: { role: string; unitIds: string[] }[]) {
  const res = await call("/api/v1/users", {
    token: await tokenFor(USERS.admin),
    json: { email: `nguoi-${crypto.randomUUID().slice(0, 8)}@sogd.example`, name: "Người Thay Thế", unitId, password: "Mật-khẩu-đủ-dài-2024", grants },
  });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text) as { id: string; email: string };
}

describe("routing cannot stall: errors", () => {
  it("deactivating the only centre head of Quận 6 while a Quận 6 periodic report waits at their stage -> 409 naming it; nothing is written", async () => {
    await tokenFor(USERS.centreHead); // a live session, which must survive the refusal
    const id = await waitingAtCentreHead();
    const before = await userRow(CENTRE_HEAD_ID);
    const problem = await expectProblem(await activation(USERS.admin, CENTRE_HEAD_ID, "deactivate"), 409, "stage-stranded");
    expect(problem.stranded).toEqual([{ unitId: DEMO_UNITS.quan6, unitName: QUAN6_NAME, stage: "Lãnh đạo đơn vị", role: "centre_head", waiting: 1 }]);
    expect(problem.detail).toContain("Lãnh đạo đơn vị");
    expect(problem.detail).toContain(QUAN6_NAME);
    expect(problem.detail).toContain("1 báo cáo đang chờ");
    expect(await userRow(CENTRE_HEAD_ID)).toEqual(before);
    expect(before.liveSessions).toBeGreaterThan(0);
    // The centre head can still decide it.
    await ok(await call(`/api/v1/reports/${id}`, { token: await tokenFor(USERS.centreHead) }));
    // Two waiting: the count says so.
    await waitingAtCentreHead();
    const again = await expectProblem(await activation(USERS.admin, CENTRE_HEAD_ID, "deactivate"), 409, "stage-stranded");
    expect(again.stranded).toEqual([expect.objectContaining({ unitId: DEMO_UNITS.quan6, waiting: 2 })]);
  });

  it("set-grants removing the centre head's role -> 409 naming the stage and the unit; the grants stay", async () => {
    await waitingAtCentreHead();
    const before = await userRow(CENTRE_HEAD_ID);
    for (const grants of [[], [{ role: "specialist", unitIds: [DEMO_UNITS.quan6] }]]) {
      const problem = await expectProblem(await setGrants(USERS.admin, CENTRE_HEAD_ID, grants), 409, "stage-stranded");
      expect(problem.stranded).toEqual([expect.objectContaining({ unitId: DEMO_UNITS.quan6, stage: "Lãnh đạo đơn vị", role: "centre_head" })]);
    }
    // Becoming an author of the unit as well: an author never decides their own unit's reports.
    await expectProblem(await setGrants(USERS.admin, CENTRE_HEAD_ID, [{ role: "centre_head", unitIds: [] }, { role: "author", unitIds: [] }]), 409, "stage-stranded");
    // Moving them to another unit: they no longer sign Quận 6's reports.
    const moved = await call(`/api/v1/users/${CENTRE_HEAD_ID}`, { method: "PATCH", token: await tokenFor(USERS.admin), json: { unitId: DEMO_UNITS.tanPhu } });
    expect((await expectProblem(moved, 409, "stage-stranded")).stranded).toEqual([expect.objectContaining({ unitId: DEMO_UNITS.quan6 })]);
    expect(await userRow(CENTRE_HEAD_ID)).toEqual(before);
  });

  it("removing the specialist's coverage of Quận 6 while a Quận 6 report waits at the specialist stage -> 409; once it moves on, it no longer counts", async () => {
    const id = await waitingAtSpecialist();
    // Every Quận 6 report in review that is still to come to the specialist (at that stage, or at the centre head's before it).
    const toCome = async () =>
      (await env.DB.prepare("SELECT COUNT(*) AS n FROM reports WHERE unit_id = ? AND status = 'in_review' AND stage IN ('centre_head', 'specialist')").bind(DEMO_UNITS.quan6).first<{ n: number }>())!.n;
    const withoutQuan6 = [{ role: "specialist", unitIds: GDTX_COVERS.filter((u) => u !== DEMO_UNITS.quan6) }];
    const before = await userRow(SPECIALIST_ID);
    const waiting = await toCome();
    const problem = await expectProblem(await setGrants(USERS.admin, SPECIALIST_ID, withoutQuan6), 409, "stage-stranded");
    expect(problem.stranded).toEqual([{ unitId: DEMO_UNITS.quan6, unitName: QUAN6_NAME, stage: "Chuyên viên", role: "specialist", waiting }]);
    expect(problem.detail).toContain("Chuyên viên");
    expect(await userRow(SPECIALIST_ID)).toEqual(before);
    // Covering the whole department instead still covers Quận 6: allowed.
    await ok(await setGrants(USERS.admin, SPECIALIST_ID, [{ role: "specialist", unitIds: [DEMO_UNITS.department] }]));
    await ok(await setGrants(USERS.admin, SPECIALIST_ID, [{ role: "specialist", unitIds: GDTX_COVERS }]));
    // The report moves on to the deputy head: it no longer waits for the specialist.
    await ok(await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist" }));
    const left = await toCome();
    expect(left).toBe(waiting - 1);
    if (left === 0) {
      await ok(await setGrants(USERS.admin, SPECIALIST_ID, withoutQuan6));
      await ok(await setGrants(USERS.admin, SPECIALIST_ID, [{ role: "specialist", unitIds: GDTX_COVERS }]));
    } else {
      const again = await expectProblem(await setGrants(USERS.admin, SPECIALIST_ID, withoutQuan6), 409, "stage-stranded");
      expect(again.stranded[0].waiting).toBe(left);
    }
  });
});

describe("routing cannot stall: stages still to come", () => {
  it("deactivating the only director covering Quận 6 while a Quận 6 report waits at the specialist stage -> 409 naming the director's stage; nothing is written", async () => {
    await waitingAtSpecialist();
    const director = (await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(USERS.director).first<{ id: string }>())!.id;
    const before = await userRow(director);
    const problem = await expectProblem(await activation(USERS.admin, director, "deactivate"), 409, "stage-stranded");
    expect(problem.stranded).toContainEqual({ unitId: DEMO_UNITS.quan6, unitName: QUAN6_NAME, stage: "Trưởng phòng", role: "director", waiting: expect.any(Number) });
    expect(problem.detail).toContain("Trưởng phòng");
    expect(await userRow(director)).toEqual(before);
  });
});

describe("routing cannot stall: changes that leave someone", () => {
  it("with a second centre head in Quận 6, the first may be deactivated and regranted; a change to a role nothing waits at is fine", async () => {
    await waitingAtCentreHead();
    const second = await newUser(DEMO_UNITS.quan6, [{ role: "centre_head", unitIds: [] }]);
    await ok(await activation(USERS.admin, CENTRE_HEAD_ID, "deactivate"));
    await ok(await activation(USERS.admin, CENTRE_HEAD_ID, "activate"));
    await ok(await setGrants(USERS.admin, CENTRE_HEAD_ID, []));
    // Now the second is the only one: they may not go.
    const problem = await expectProblem(await activation(USERS.admin, second.id, "deactivate"), 409, "stage-stranded");
    expect(problem.stranded).toEqual([expect.objectContaining({ unitId: DEMO_UNITS.quan6, role: "centre_head" })]);
    await ok(await setGrants(USERS.admin, CENTRE_HEAD_ID, [{ role: "centre_head", unitIds: [] }]));
    await ok(await activation(USERS.admin, second.id, "deactivate"));
    // Nothing in review for Lê Quý Đôn: the director's coverage of it may change (Quận 6's may not:
    // its reports in review will come to the director's stage).
    const director = "00000000-0000-7000-8000-000000000104";
    await ok(await setGrants(USERS.admin, director, [{ role: "director", unitIds: GDTX_COVERS.filter((u) => u !== DEMO_UNITS.leQuyDon) }]));
    await ok(await setGrants(USERS.admin, director, [{ role: "director", unitIds: GDTX_COVERS }]));
    await expectProblem(await setGrants(USERS.admin, director, [{ role: "director", unitIds: [DEMO_UNITS.tanPhu] }]), 409, "stage-stranded");
  });

  it("after the centre head signs every waiting report, the only centre head may be deactivated", async () => {
    const head = await freshToken(USERS.centreHead);
    const { items } = await json(await call("/api/v1/inbox?limit=100", { token: head }));
    for (const r of items) await ok(await decide(head, r.id, { action: "approve", stage: "centre_head" }));
    const waiting = await env.DB.prepare("SELECT COUNT(*) AS n FROM reports WHERE status = 'in_review' AND stage_role = 'centre_head'").first<{ n: number }>();
    expect(waiting?.n).toBe(0);
    await ok(await activation(USERS.admin, CENTRE_HEAD_ID, "deactivate"));
    await ok(await activation(USERS.admin, CENTRE_HEAD_ID, "activate"));
  });
});

describe("routing cannot stall: many units", () => {
  it("a refusal over seven units names five in its detail and counts the rest; `stranded` lists all seven", async () => {
    const admin = await tokenFor(USERS.admin);
    const reviewer = await newUser(DEMO_UNITS.gdtx, [{ role: "specialist", unitIds: [DEMO_UNITS.department] }]);
    // The rest of the chain for the new centres (submit refuses a chain with a stage nobody decides).
    await newUser(DEMO_UNITS.gdtx, [{ role: "deputy_head", unitIds: [DEMO_UNITS.department] }]);
    await newUser(DEMO_UNITS.gdtx, [{ role: "director", unitIds: [DEMO_UNITS.department] }]);
    for (let i = 0; i < 7; i++) {
      const unit = await json(await call("/api/v1/units", { token: admin, json: { code: `TT-STALL-${i}`, name: `Trung tâm chờ ${i}`, type: "centre", parentId: DEMO_UNITS.department } }));
      const author = await newUser(unit.id, [{ role: "author", unitIds: [] }]);
      const token = await freshToken(author.email, "Mật-khẩu-đủ-dài-2024");
      const report = await createReport(token);
      await ok(await submit(token, report.id));
    }
    const problem = await expectProblem(await activation(USERS.admin, reviewer.id, "deactivate"), 409, "stage-stranded");
    expect(problem.stranded).toHaveLength(7);
    expect(problem.stranded.map((s: any) => s.unitName)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `Trung tâm chờ ${i}`));
    expect(problem.detail).toContain("Trung tâm chờ 4 (1 báo cáo đang chờ) và 2 mục khác.");
    expect(problem.detail).not.toContain("Trung tâm chờ 5");
  });
});

describe("routing cannot stall: security", () => {
  it("non-admins still get 403 for deactivating and regranting, and nothing changes", async () => {
    await waitingAtCentreHead();
    const tokens = [];
    for (const email of [USERS.specialist, USERS.director, USERS.centreHead, USERS.quan6]) tokens.push(await freshToken(email));
    const before = await userRow(CENTRE_HEAD_ID);
    for (const token of tokens) {
      await expectProblem(await call(`/api/v1/users/${CENTRE_HEAD_ID}/deactivate`, { method: "POST", token }), 403, "forbidden");
      await expectProblem(await call(`/api/v1/users/${CENTRE_HEAD_ID}/grants`, { method: "PUT", token, json: { grants: [] } }), 403, "forbidden");
    }
    expect(await userRow(CENTRE_HEAD_ID)).toEqual(before);
  });
});

describe("routing cannot stall: cost", () => {
  /** The SQL and parameters `run` prepares on the database (the first statement). */
  async function captured(run: (d1: D1Database) => unknown): Promise<string> {
    let text = "";
    let bound: unknown[] = [];
    const spy = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "prepare")
          return (q: string) => {
            text ||= q;
            const stmt = target.prepare(q);
            return new Proxy(stmt, { get: (t, p) => (p === "bind" ? (...args: unknown[]) => (bound.length || (bound = args), t.bind(...args)) : Reflect.get(t, p).bind?.(t) ?? Reflect.get(t, p)) });
          };
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    await run(spy);
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${text}`).bind(...bound).all<{ detail: string }>();
    return results.map((r) => r.detail).join("\n");
  }

  it.each([
    ["centre_head", "own_unit", ["centre_head"], [{ kind: "periodic", stageIds: ["centre_head"] }]],
    ["director", "covered_units", ["director"], [{ kind: "news", stageIds: ["specialist", "deputy_head", "director"] }, { kind: "periodic", stageIds: ["centre_head", "specialist", "deputy_head", "director"] }]],
  ] as const)("the %s check reads the reports waiting at or before the stage from reports_inbox_idx, never the whole reports table", async (role, scope, stageIds, reachedFrom) => {
    const { strandedUnitsStatement } = await import("../src/queries/stage-holders");
    const plan = await captured(async (d1) => strandedUnitsStatement(d1, { role, scope, stageIds, reachedFrom }, { id: CENTRE_HEAD_ID, unitId: DEMO_UNITS.quan6 }, null).all());
    expect(plan).toMatch(/SEARCH reports USING (COVERING )?INDEX reports_inbox_idx \(status=\? AND stage_role=\?\)/);
    expect(plan).not.toMatch(/SCAN reports/);
    expect(plan).not.toMatch(/SCAN users(?! USING)/);
  });
});
