// Races on assignment (DESIGN.md section 13): the report's ReportFlow object serialises a claim
// and a decision, or two claims, sent at the same moment. Whatever order it picks, the outcome is
// one of the consistent ones, and D1 ends up saying what the object says.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_UNITS, demoUsers } from "../src/seed/demo-data";
import { call, createReport, tokenFor, USERS } from "./helpers/api";
import { decide, flowStub, ok, submit } from "./helpers/review";

const PASSWORD = "Mật-khẩu-đủ-dài-2024";
const GDTX_COVERS = [DEMO_UNITS.quan6, DEMO_UNITS.tanPhu, DEMO_UNITS.leQuyDon, DEMO_UNITS.caoDangKinhTe];
const spec = demoUsers.find((u) => u.email === USERS.specialist)!;
const ROUNDS = 8;

type Person = { id: string; name: string; token: string };
let ha: Person;
let binh: Person;

beforeAll(async () => {
  // A second specialist over the GDTX centres: a Quận 6 report's first stage then starts unassigned.
  const email = `cv-dua-${crypto.randomUUID().slice(0, 8)}@sogd.example`;
  const res = await call("/api/v1/users", {
    token: await tokenFor(USERS.admin),
    json: { email, name: "Phạm Thu Hà", unitId: DEMO_UNITS.gdtx, password: PASSWORD, grants: [{ role: "specialist", unitIds: GDTX_COVERS }] },
  });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  const login = await ok(await call("/api/v1/auth/login", { json: { email, password: PASSWORD }, headers: { "cf-connecting-ip": "10.82.0.1" } }));
  ha = { id: JSON.parse(text).id, name: "Phạm Thu Hà", token: login.token };
  binh = { id: spec.id, name: spec.name, token: await tokenFor(USERS.specialist) };
});

async function unassignedReport(title: string): Promise<string> {
  const author = await tokenFor(USERS.quan6);
  const r = await createReport(author, { kind: "news", title });
  const view = await ok(await submit(author, r.id));
  expect(view.assignee).toBeNull();
  return r.id;
}

const claim = (who: Person, id: string, stage?: string) => call(`/api/v1/reports/${id}/assignee`, { token: who.token, json: { userId: who.id, ...(stage ? { stage } : {}) } });

async function answer(res: Response): Promise<{ status: number; body: any }> {
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) };
}

/** D1's row and the object's view agree on status, stage, version and assignee. */
async function expectAgreement(id: string) {
  const view = (await flowStub(id).view())!;
  const row = await env.DB.prepare("SELECT status, stage, version, assignee_id, assignee_name FROM reports WHERE id = ?").bind(id).first<any>();
  expect(view.pendingProjection).toBe(false);
  expect({ status: row.status, stage: row.stage, version: row.version, assignee: row.assignee_id ? { userId: row.assignee_id, name: row.assignee_name } : null }).toEqual({
    status: view.status,
    stage: view.stage?.id ?? null,
    version: view.version,
    assignee: view.assignee,
  });
  return view;
}

describe("a claim and a decision at the same time", () => {
  it("either the decision lands and the claim is refused with a 409, or the claim lands and the decision is refused with a 403 naming the claimant", async () => {
    const ids = await Promise.all(Array.from({ length: ROUNDS }, (_, i) => unassignedReport(`Đua nhận việc và quyết định ${i}`)));
    const seen: string[] = [];
    await Promise.all(
      ids.map(async (id) => {
        const [c, d] = await Promise.all([claim(ha, id).then(answer), decide(binh.token, id, { action: "approve", stage: "specialist" }).then(answer)]);
        const view = await expectAgreement(id);
        if (d.status === 200) {
          seen.push("decision first");
          expect(c.status, JSON.stringify(c.body)).toBe(409);
          expect(view.stage?.id).toBe("deputy_head");
          // The claim left no trace: the only specialist-stage events are the submit and the approval.
          const { results } = await env.DB.prepare("SELECT action FROM report_events WHERE report_id = ? AND stage = 'specialist' AND action = 'assign'").bind(id).all();
          expect(results).toEqual([]);
        } else {
          seen.push("claim first");
          expect(c.status, JSON.stringify(c.body)).toBe(200);
          expect(d.status, JSON.stringify(d.body)).toBe(403);
          expect(d.body.detail).toContain(ha.name);
          expect(d.body.assignee).toEqual({ userId: ha.id, name: ha.name });
          expect(view).toMatchObject({ status: "in_review", stage: { id: "specialist" }, assignee: { userId: ha.id, name: ha.name } });
        }
      }),
    );
    expect(seen).toHaveLength(ROUNDS);
  });
});

describe("a claim that arrives just after the decision", () => {
  it("is a 409 (the stage it meant has moved on), not a refusal of the claimant", async () => {
    const id = await unassignedReport("Nhận việc sau khi đã quyết định");
    await ok(await decide(binh.token, id, { action: "approve", stage: "specialist" }));
    const before = await expectAgreement(id);
    // Saying which stage she meant (as the review page does): 409, the stage has moved on.
    const late = await claim(ha, id, "specialist").then(answer);
    expect(late.status, JSON.stringify(late.body)).toBe(409);
    expect(late.body.currentStage).toMatchObject({ id: "deputy_head" });
    // Without it, the claim is judged on the stage there is now, which she does not hold: 403.
    const blind = await claim(ha, id).then(answer);
    expect(blind.status, JSON.stringify(blind.body)).toBe(403);
    expect(await expectAgreement(id)).toEqual(before);
  });
});

describe("two claims at the same time", () => {
  it("exactly one wins; the other gets a 409 naming the winner; D1 and the object agree", async () => {
    const ids = await Promise.all(Array.from({ length: ROUNDS }, (_, i) => unassignedReport(`Đua nhận việc ${i}`)));
    await Promise.all(
      ids.map(async (id) => {
        const [a, b] = await Promise.all([claim(ha, id).then(answer), claim(binh, id).then(answer)]);
        const statuses = [a.status, b.status].sort();
        expect(statuses, JSON.stringify([a.body, b.body])).toEqual([200, 409]);
        const [winner, loser] = a.status === 200 ? [ha, b] : [binh, a];
        expect(loser.body.detail).toContain(winner.name);
        expect(loser.body.assignee).toEqual({ userId: winner.id, name: winner.name });
        const view = await expectAgreement(id);
        expect(view.assignee).toEqual({ userId: winner.id, name: winner.name });
        const { results } = await env.DB.prepare("SELECT actor_id, assignee_id FROM report_events WHERE report_id = ? AND action = 'assign'").bind(id).all();
        expect(results).toEqual([{ actor_id: winner.id, assignee_id: winner.id }]);
        // Only the winner decides.
        const loserPerson = winner === ha ? binh : ha;
        expect((await decide(loserPerson.token, id, { action: "approve", stage: "specialist" })).status).toBe(403);
        await ok(await decide(winner.token, id, { action: "approve", stage: "specialist" }));
        await expectAgreement(id);
      }),
    );
  });

  it("a claim and a hand-back by the assignee at once: the end state is one of the two orders, and D1 agrees", async () => {
    const ids = await Promise.all(Array.from({ length: ROUNDS }, (_, i) => unassignedReport(`Đua trả lại ${i}`)));
    await Promise.all(
      ids.map(async (id) => {
        await ok(await claim(ha, id));
        const [back, other] = await Promise.all([
          call(`/api/v1/reports/${id}/assignee`, { token: ha.token, json: { userId: null } }).then(answer),
          claim(binh, id).then(answer),
        ]);
        expect(back.status).toBe(200);
        const view = await expectAgreement(id);
        if (other.status === 200) expect(view.assignee).toEqual({ userId: binh.id, name: binh.name });
        else {
          // The claim came first and met Hà's assignment.
          expect(other.status).toBe(409);
          expect(other.body.assignee).toEqual({ userId: ha.id, name: ha.name });
          expect(view.assignee).toBeNull();
        }
      }),
    );
  });
});
