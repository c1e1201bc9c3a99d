// The authorisation matrix, GENERATED from the POLICY table (src/domain/policy.ts) rather than
// listed by hand: every role (one demo user each) x whose report (Quận 6, Tân Phú, Minh Khai's
// school, which the GDTX division does not cover) x report state x every endpoint that maps to a
// policy action. The expected status of each case is computed from POLICY by the small pure
// function `expected` below; the test calls the real Worker and compares.
//
// How each report gets into its state (keeping the test honest):
// - GET / PATCH / attachments are decided from the D1 row alone, so their reports have their D1
//   status set directly with env.DB (as test/policy.test.ts does).
// - submit / withdraw / unpublish are decided in two layers: reportFor (404 / 403, from D1) and,
//   past it, the ReportFlow DO, whose own state would start as "draft" on first contact whatever
//   D1 says. So a case whose expected answer comes from the policy layer (404 or 403) runs on the
//   D1-status report and never reaches the DO; a case the policy layer hands to the DO (expected
//   2xx, or 409 "could act in another state") runs on a fresh report of its own, driven into the
//   state through the real API (submit, decisions, withdraw, the PUBLISH workflow, unpublish), so
//   that the DO and D1 agree on the state being tested. Minh Khai's school has no reviewer in the
//   demo data, and only periodic reports rest in "approved"; the extra sign-ins needed to drive
//   those reports (a centre head for Tân Phú and for Minh Khai, a review chain covering Minh Khai)
//   are created through the admin API. They are drivers only, never a row of the matrix.
import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { REPORT_STATUSES, ROLES, type ReportStatus, type Role } from "../src/db/schema";
import { ACTIONS, allows, POLICY, rankOf, reachesUnit, type Action } from "../src/domain/policy";
import type { Actor } from "../src/env";
import { publishInstanceId } from "../src/flow/effects";
import { DEMO_UNITS, demoUnits, demoUsers } from "../src/seed/demo-data";
import { call, createReport, tokenFor, USERS } from "./helpers/api";
import { periodicInput } from "./helpers/periods";
import { DEMO_PASSWORD } from "./helpers/seed";
import { PNG } from "./helpers/publish";
import { decide, flowStub, ok, submit } from "./helpers/review";

// ---- who, whose report, which state ----

const PERSONAS = [
  { name: "admin", email: USERS.admin },
  { name: "author quan6", email: USERS.quan6 },
  { name: "author tanPhu", email: USERS.tanPhu },
  { name: "author minhKhai", email: USERS.minhKhai },
  { name: "centre_head quan6", email: USERS.centreHead },
  { name: "specialist", email: USERS.specialist },
  { name: "deputy_head", email: USERS.deputy },
  { name: "director", email: USERS.director },
] as const;
type Persona = (typeof PERSONAS)[number];

const UNITS = {
  quan6: { label: "Quận 6", id: DEMO_UNITS.quan6, author: USERS.quan6 },
  tanPhu: { label: "Tân Phú", id: DEMO_UNITS.tanPhu, author: USERS.tanPhu },
  minhKhai: { label: "Minh Khai", id: DEMO_UNITS.minhKhai, author: USERS.minhKhai },
} as const;
type UnitKey = keyof typeof UNITS;
const UNIT_KEYS = Object.keys(UNITS) as UnitKey[];

const STATES = ["draft", "returned", "withdrawn", "in_review", "approved", "published", "unpublished"] as const satisfies readonly ReportStatus[];
type State = (typeof STATES)[number];

/**
 * How far up the review chain each state's report has got (reports.review_reach), as the
 * fixtures make them: submitted reports wait at (or left from) the specialist's stage; approved
 * and later ones have passed the director. A reviewer reads a report only from their own stage on.
 */
const REACH: Record<State, number> = { draft: 0, returned: 2, withdrawn: 2, in_review: 2, approved: 4, published: 4, unpublished: 4 };
type Target = { unitId: string; unitPath: string; status: ReportStatus; reviewReach: number };

const ancestors = (id: string): string[] => {
  const unit = demoUnits.find((x) => x.id === id);
  return unit?.parentId ? [unit.parentId, ...ancestors(unit.parentId)] : [];
};
/** units.path as insertUnit builds it: "/root/.../self/". */
const pathOf = (id: string) => `/${[...ancestors(id).reverse(), id].join("/")}/`;

/** The caller as the policy sees it, built from the demo data (covered units as their subtrees' paths). */
function actorOf(email: string): Actor {
  const u = demoUsers.find((x) => x.email === email)!;
  return {
    id: u.id,
    email,
    name: u.name,
    unitId: u.unitId,
    unitPath: pathOf(u.unitId),
    unitName: demoUnits.find((x) => x.id === u.unitId)!.name,
    sessionTokenHash: "",
    grants: u.grants.map((g) => ({ role: g.role as Role, unitIds: g.unitIds, paths: g.unitIds.map(pathOf) })),
  };
}

// ---- the expected answer, from the table ----

/** Read straight from POLICY (independently of reachFor/allows, which are checked against it below). */
function permits(actor: Actor, action: Action, report?: Target, anyState = false): boolean {
  return actor.grants.some((g) =>
    POLICY.some((rule) => {
      if (rule.role !== g.role || rule.action !== action) return false;
      if (!report) return true;
      const unitOk = rule.scope === "all" || (rule.scope === "own_unit" ? actor.unitId === report.unitId : [report.unitId, ...ancestors(report.unitId)].some((id) => g.unitIds.includes(id)));
      // "In another state" includes further up the chain: reachFor ignores both.
      const reached = anyState || !rule.fromOwnStage || report.reviewReach >= rankOf(rule.role);
      return unitOk && reached && (anyState || !rule.states || rule.states.includes(report.status));
    }),
  );
}

/** 404 if not readable; else 2xx if allowed; else 409 if the role could act on that unit in another state; else 403. */
function expected(actor: Actor, action: Action, success: number, report?: Target): number {
  if (!report) return permits(actor, action) ? success : 403;
  if (!permits(actor, "report.read", report)) return 404;
  if (permits(actor, action, report)) return success;
  if (permits(actor, action, report, true)) return 409;
  return 403;
}

// ---- the endpoints that map to a policy action ----

const CAPTION = "Hình 1: Ảnh thử quyền";
let unitSeq = 0;

type ReportEndpoint = {
  name: string;
  action: Action;
  success: number;
  /** Decided past reportFor by the ReportFlow DO (its state must be real). */
  viaFlow: boolean;
  send: (token: string, id: string) => Promise<Response>;
};

const REPORT_ENDPOINTS: ReportEndpoint[] = [
  { name: "GET /reports/:id", action: "report.read", success: 200, viaFlow: false, send: (token, id) => call(`/api/v1/reports/${id}`, { token }) },
  {
    name: "PATCH /reports/:id",
    action: "report.update",
    success: 200,
    viaFlow: false,
    send: async (token, id) => {
      const row = await env.DB.prepare("SELECT version FROM reports WHERE id = ?").bind(id).first<{ version: number }>();
      return call(`/api/v1/reports/${id}`, { method: "PATCH", token, json: { summary: "Sửa trong ma trận quyền" }, headers: { "if-match": `"${row!.version}"` } });
    },
  },
  {
    name: "POST /reports/:id/attachments",
    action: "attachment.write",
    success: 201,
    viaFlow: false,
    send: (token, id) => {
      const form = new FormData();
      form.set("file", new File([PNG], "anh.png", { type: "image/png" }));
      form.set("caption", CAPTION);
      return call(`/api/v1/reports/${id}/attachments`, { token, body: form });
    },
  },
  { name: "POST /reports/:id/submit", action: "report.submit", success: 200, viaFlow: true, send: (token, id) => call(`/api/v1/reports/${id}/submit`, { method: "POST", token }) },
  { name: "POST /reports/:id/withdraw", action: "report.withdraw", success: 200, viaFlow: true, send: (token, id) => call(`/api/v1/reports/${id}/withdraw`, { method: "POST", token }) },
  {
    name: "POST /reports/:id/unpublish",
    action: "report.unpublish",
    success: 200,
    viaFlow: true,
    send: (token, id) => call(`/api/v1/reports/${id}/unpublish`, { token, json: { reason: "Gỡ bài để kiểm tra ma trận quyền" } }),
  },
];

/** What a successful call leaves in D1 (for the flow endpoints). */
const AFTER_SUCCESS: Partial<Record<Action, ReportStatus>> = { "report.submit": "in_review", "report.withdraw": "withdrawn", "report.unpublish": "unpublished" };

type GlobalEndpoint = {
  name: string;
  action: Action;
  success: number;
  send: (token: string) => Promise<Response>;
  /** What a successful answer holds; by default a list page (200) or a new unit (201). */
  check?: (body: any) => void;
};

const GLOBAL_ENDPOINTS: GlobalEndpoint[] = [
  // Every role holds unit.read ("forms need unit names"): see POLICY and test/admin.security.test.ts.
  { name: "GET /units", action: "unit.read", success: 200, send: (token) => call("/api/v1/units?limit=100", { token }) },
  {
    name: "POST /units",
    action: "unit.manage",
    success: 201,
    send: (token) => call("/api/v1/units", { token, json: { code: `TT-MATRAN-${++unitSeq}`, name: `Trung tâm thử quyền ${unitSeq}`, type: "centre", parentId: DEMO_UNITS.department } }),
  },
  { name: "GET /users", action: "user.manage", success: 200, send: (token) => call("/api/v1/users?limit=100", { token }) },
  { name: "GET /notifications", action: "notification.read", success: 200, send: (token) => call("/api/v1/notifications?limit=10", { token }) },
  {
    name: "PUT /calendar/days/:date",
    action: "calendar.manage",
    success: 200,
    // The same request from every persona: the admin's first one sets the date, a repeat changes nothing.
    send: (token) => call("/api/v1/calendar/days/2031-06-07", { method: "PUT", token, json: { working: true, name: "Làm bù (ma trận quyền)" } }),
    check: (body) => expect(body).toMatchObject({ date: "2031-06-07", working: true, source: "override" }),
  },
  // Reporting periods: the opener's default units (every active centre and school covered).
  {
    name: "POST /periods",
    action: "period.open",
    success: 201,
    send: (token) => call("/api/v1/periods", { token, json: { title: "Kỳ thử quyền", indicatorSetId: "gdtx-hoc-ki", opensAt: "2031-01-06", dueAt: "2031-01-24" } }),
    check: (body) => expect(body).toMatchObject({ status: "open", indicatorSetId: "gdtx-hoc-ki", dueAt: "2031-01-24T10:00:00.000Z" }),
  },
  { name: "GET /periods", action: "period.read", success: 200, send: (token) => call("/api/v1/periods?limit=10", { token }) },
];

/**
 * Endpoints on one period, opened by the admin for one unit. As for reports: a caller who may not
 * read the period gets 404; one who reads it but may not act, 403. Closing needs a period.close
 * rule covering every unit of the period (here its one unit).
 */
type PeriodEndpoint = {
  name: string;
  action: Action;
  success: number;
  send: (token: string, id: string) => Promise<Response>;
  /** What a success answers, for the period `id` of the one unit `unitId`; by default the period itself. */
  check?: (body: any, id: string, unitId: string) => void;
};

const PERIOD_ENDPOINTS: PeriodEndpoint[] = [
  { name: "GET /periods/:id", action: "period.read", success: 200, send: (token, id) => call(`/api/v1/periods/${id}`, { token }) },
  { name: "POST /periods/:id/close", action: "period.close", success: 200, send: (token, id) => call(`/api/v1/periods/${id}/close`, { method: "POST", token }) },
  {
    name: "GET /periods/:id/board",
    action: "period.monitor",
    success: 200,
    send: (token, id) => call(`/api/v1/periods/${id}/board`, { token }),
    check: (body, id, unitId) => expect(body).toMatchObject({ period: { id }, counts: { expected: 1, notStarted: 1 }, units: [{ unitId, state: "not_started" }] }),
  },
  {
    name: "GET /periods/:id/rollup",
    action: "period.monitor",
    success: 200,
    send: (token, id) => call(`/api/v1/periods/${id}/rollup`, { token }),
    check: (body, id) => expect(body).toMatchObject({ periodId: id, unitsReported: 0 }),
  },
  {
    name: "GET /periods/:id/export",
    action: "period.monitor",
    success: 200,
    send: (token, id) => call(`/api/v1/periods/${id}/export?format=csv`, { token }),
    // The header, the unit's row, the totals, and the note on what the totals count.
    check: (body) => {
      const lines = String(body).trim().split("\r\n");
      expect(lines).toHaveLength(4);
      expect(lines[2]).toMatch(/^"?Tổng cộng/);
    },
  },
];

/** A period's unit as the table sees it: period rules carry no states, so any state will do. */
const periodTarget = (unit: UnitKey): Target => ({ unitId: UNITS[unit].id, unitPath: pathOf(UNITS[unit].id), status: "draft", reviewReach: 0 });

function expectedOnPeriod(actor: Actor, action: Action, success: number, unit: UnitKey): number {
  if (!permits(actor, "period.read", periodTarget(unit))) return 404;
  return permits(actor, action, periodTarget(unit)) ? success : 403;
}

// ---- the generated cases ----

type ReportCase = {
  name: string;
  persona: Persona;
  unit: UnitKey;
  state: State;
  endpoint: ReportEndpoint;
  expected: number;
  /** Runs on a fresh report driven through the real API (the DO decides), else on the D1-status report. */
  real: boolean;
};

const reportCases: ReportCase[] = PERSONAS.flatMap((persona) =>
  UNIT_KEYS.flatMap((unit) =>
    STATES.flatMap((state) =>
      REPORT_ENDPOINTS.map((endpoint) => {
        const reviewReach = REACH[state];
        const want = expected(actorOf(persona.email), endpoint.action, endpoint.success, { unitId: UNITS[unit].id, unitPath: pathOf(UNITS[unit].id), status: state, reviewReach });
        const real = endpoint.viaFlow && (want === endpoint.success || want === 409);
        return {
          name: `${persona.name} · ${UNITS[unit].label} report · ${state} · ${endpoint.name} -> ${want}${real ? " (state via API)" : ""}`,
          persona,
          unit,
          state,
          endpoint,
          expected: want,
          real,
        };
      }),
    ),
  ),
);

const globalCases = PERSONAS.flatMap((persona) =>
  GLOBAL_ENDPOINTS.map((endpoint) => {
    const want = expected(actorOf(persona.email), endpoint.action, endpoint.success);
    return { name: `${persona.name} · ${endpoint.name} -> ${want}`, persona, endpoint, expected: want };
  }),
);

const periodCases = PERSONAS.flatMap((persona) =>
  UNIT_KEYS.flatMap((unit) =>
    PERIOD_ENDPOINTS.map((endpoint) => {
      const want = expectedOnPeriod(actorOf(persona.email), endpoint.action, endpoint.success, unit);
      return { name: `${persona.name} · ${UNITS[unit].label} period · ${endpoint.name} -> ${want}`, persona, unit, endpoint, expected: want };
    }),
  ),
);

/**
 * POST /reports/:id/assignee is no POLICY action: past the read rule (404 from POLICY's
 * report.read), ReportFlow decides it by the stage (DESIGN.md section 13): a holder of the stage's
 * role covering the unit, or an admin, may hand the stage back; anyone else who reads the report
 * gets 403. Each case hands back, on a fresh report of its own waiting at the specialist's stage
 * (assigned to the unit's only specialist as it started), so that a success is seen to change it.
 */
const ASSIGN_REACH = REACH.in_review;

function expectedAssign(actor: Actor, unit: UnitKey): number {
  const report: Target = { unitId: UNITS[unit].id, unitPath: pathOf(UNITS[unit].id), status: "in_review", reviewReach: ASSIGN_REACH };
  if (!permits(actor, "report.read", report)) return 404;
  const place = [report.unitId, ...ancestors(report.unitId)];
  const holds = actor.grants.some((g) => g.role === "admin" || (g.role === "specialist" && place.some((id) => g.unitIds.includes(id))));
  return holds ? 200 : 403;
}

const assignCases = PERSONAS.flatMap((persona) =>
  UNIT_KEYS.map((unit) => {
    const want = expectedAssign(actorOf(persona.email), unit);
    return { name: `${persona.name} · ${UNITS[unit].label} report · in_review · POST /reports/:id/assignee (hand back) -> ${want}`, persona, unit, expected: want };
  }),
);

// ---- fixtures ----

/** One open period per period case, opened by the admin for the case's unit: case name -> id. */
const periodFixture = new Map<string, string>();

/** Reports whose D1 status is set directly: [unit][state] -> id. */
const d1Fixture = {} as Record<UnitKey, Record<State, string>>;
/** Fresh reports driven through the API, one per case that reaches the DO: case name -> id (or why not). */
const realFixture = new Map<string, string | Error>();

/** One report per assignment case, waiting at the specialist's stage: case name -> id (or why not). */
const assignFixture = new Map<string, string | Error>();

/** Sign-ins that only drive reports into states (never rows of the matrix). */
const DRIVERS = {
  headTanPhu: { email: "giamdoc.tanphu@trungtam.example", name: "Giám đốc Tân Phú", unitId: DEMO_UNITS.tanPhu, grants: [{ role: "centre_head", unitIds: [] }] },
  headMinhKhai: { email: "hieutruong.minhkhai@truong.example", name: "Hiệu trưởng Minh Khai", unitId: DEMO_UNITS.minhKhai, grants: [{ role: "centre_head", unitIds: [] }] },
  specialistTrh: { email: "chuyenvien.trh@sogd.example", name: "Chuyên viên GDTrH", unitId: DEMO_UNITS.trungHoc, grants: [{ role: "specialist", unitIds: [DEMO_UNITS.minhKhai] }] },
  deputyTrh: { email: "photruongphong.trh@sogd.example", name: "Phó Trưởng phòng GDTrH", unitId: DEMO_UNITS.trungHoc, grants: [{ role: "deputy_head", unitIds: [DEMO_UNITS.minhKhai] }] },
  directorTrh: { email: "truongphong.trh@sogd.example", name: "Trưởng phòng GDTrH", unitId: DEMO_UNITS.trungHoc, grants: [{ role: "director", unitIds: [DEMO_UNITS.minhKhai] }] },
} as const;

const CHAIN: Record<UnitKey, { head: string; specialist: string; deputy: string; director: string }> = {
  quan6: { head: USERS.centreHead, specialist: USERS.specialist, deputy: USERS.deputy, director: USERS.director },
  tanPhu: { head: DRIVERS.headTanPhu.email, specialist: USERS.specialist, deputy: USERS.deputy, director: USERS.director },
  minhKhai: { head: DRIVERS.headMinhKhai.email, specialist: DRIVERS.specialistTrh.email, deputy: DRIVERS.deputyTrh.email, director: DRIVERS.directorTrh.email },
};

async function approveChain(unit: UnitKey, id: string) {
  const c = CHAIN[unit];
  await ok(await decide(await tokenFor(c.specialist), id, { action: "approve", stage: "specialist" }));
  await ok(await decide(await tokenFor(c.deputy), id, { action: "approve", stage: "deputy_head" }));
  await ok(await decide(await tokenFor(c.director), id, { action: "approve", stage: "director" }));
}

/** A fresh report of `unit`, taken to `state` through the real API; DO and D1 agree on it. */
async function driveTo(unit: UnitKey, state: State, label: string): Promise<string> {
  const author = await tokenFor(UNITS[unit].author);
  const title = `Ma trận quyền: ${label}`;
  let id: string;
  if (state === "approved") {
    // Only a kind that is not public rests in "approved" (the others go on to publication).
    const res = await call("/api/v1/reports", {
      token: author,
      json: await periodicInput({ title, body: "Số liệu học kì" }),
    });
    const text = await res.text();
    expect(res.status, text).toBe(201);
    id = JSON.parse(text).id;
  } else {
    id = (await createReport(author, { kind: "news", title })).id;
  }
  if (state !== "draft") await ok(await submit(author, id));
  switch (state) {
    case "returned":
      await ok(await decide(await tokenFor(CHAIN[unit].specialist), id, { action: "return", stage: "specialist", comment: "Bổ sung số liệu" }));
      break;
    case "withdrawn":
      await ok(await call(`/api/v1/reports/${id}/withdraw`, { method: "POST", token: author }));
      break;
    case "approved":
      await ok(await decide(await tokenFor(CHAIN[unit].head), id, { action: "approve", stage: "centre_head" }));
      await approveChain(unit, id);
      break;
    case "published":
    case "unpublished": {
      const instance = await introspectWorkflowInstance(env.PUBLISH, publishInstanceId(id, 1));
      await approveChain(unit, id);
      await instance.waitForStatus("complete");
      await instance.dispose();
      if (state === "unpublished") await ok(await call(`/api/v1/reports/${id}/unpublish`, { token: await tokenFor(USERS.admin), json: { reason: "Chuẩn bị trạng thái đã gỡ" } }));
      // A correction needs its note for readers (DESIGN §14); the matrix is about who may submit it.
      await env.DB.prepare("UPDATE reports SET correction_note = ? WHERE id = ?").bind("Đính chính để kiểm tra ma trận quyền", id).run();
      break;
    }
  }
  const view = await flowStub(id).view();
  const row = await env.DB.prepare("SELECT status FROM reports WHERE id = ?").bind(id).first<{ status: string }>();
  expect([row?.status, view?.status ?? "draft"], `driving ${label}`).toEqual([state, state]);
  return id;
}

async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

beforeAll(async () => {
  const admin = await tokenFor(USERS.admin);
  for (const d of Object.values(DRIVERS)) {
    const res = await call("/api/v1/users", { token: admin, json: { ...d, password: DEMO_PASSWORD } });
    const text = await res.text();
    expect(res.status, text).toBe(201);
  }
  for (const unit of UNIT_KEYS) {
    const author = await tokenFor(UNITS[unit].author);
    d1Fixture[unit] = {} as Record<State, string>;
    for (const state of STATES) {
      const r = await createReport(author, { title: `Ma trận quyền ${UNITS[unit].label} ${state}` });
      await env.DB.prepare("UPDATE reports SET status = ?, review_reach = ? WHERE id = ?").bind(state, REACH[state], r.id).run();
      d1Fixture[unit][state] = r.id;
    }
  }
  for (const c of periodCases) {
    const res = await call("/api/v1/periods", {
      token: admin,
      json: { title: `Kỳ thử quyền ${c.name}`, indicatorSetId: "gdtx-hoc-ki", unitIds: [UNITS[c.unit].id], opensAt: "2031-02-01", dueAt: "2031-02-20" },
    });
    const text = await res.text();
    expect(res.status, text).toBe(201);
    periodFixture.set(c.name, JSON.parse(text).id);
  }
  await inParallel(
    reportCases.filter((c) => c.real),
    12,
    // A report that cannot be driven fails its own case, not the whole file.
    async (c) => void realFixture.set(c.name, await driveTo(c.unit, c.state, c.name).catch((err: Error) => err)),
  );
  await inParallel(assignCases, 12, async (c) => void assignFixture.set(c.name, await driveTo(c.unit, "in_review", c.name).catch((err: Error) => err)));
}, 120_000);

// ---- the matrix ----

const PROBLEM: Record<number, string> = { 403: "forbidden", 404: "not-found", 409: "conflict" };

async function expectAnswer(res: Response, want: number): Promise<any> {
  const text = await res.text();
  expect(res.status, text.slice(0, 300)).toBe(want);
  // A CSV export is the one success that is not JSON.
  const body = res.headers.get("content-type")?.startsWith("text/csv") ? text : JSON.parse(text);
  if (PROBLEM[want]) {
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(body.type).toBe(`urn:sogd:problem:${PROBLEM[want]}`);
  }
  return body;
}

async function snapshot(id: string) {
  return env.DB.prepare(
    "SELECT r.status, r.version, r.revision, r.summary, (SELECT count(*) FROM attachments a WHERE a.report_id = r.id AND a.deleted_at IS NULL) AS images FROM reports r WHERE r.id = ?",
  )
    .bind(id)
    .first<{ status: string; version: number; revision: number; summary: string | null; images: number }>();
}

describe("the matrix is generated from the table", () => {
  it("covers every role in POLICY with a persona, and every action but report.create (test/policy.test.ts) with an endpoint", () => {
    const covered = new Set(PERSONAS.flatMap((p) => actorOf(p.email).grants.map((g) => g.role)));
    expect([...new Set(POLICY.map((r) => r.role))].filter((r) => !covered.has(r))).toEqual([]);
    expect(ROLES.filter((r) => !covered.has(r))).toEqual([]);
    const mapped = new Set<string>([...REPORT_ENDPOINTS.map((e) => e.action), ...GLOBAL_ENDPOINTS.map((e) => e.action), ...PERIOD_ENDPOINTS.map((e) => e.action)]);
    expect(ACTIONS.filter((a) => !mapped.has(a))).toEqual(["report.create"]);
    expect(STATES.every((s) => REPORT_STATUSES.includes(s))).toBe(true);
    expect(reportCases.length).toBe(PERSONAS.length * UNIT_KEYS.length * STATES.length * REPORT_ENDPOINTS.length);
  });

  it("the expectation read from POLICY agrees with reachFor/allows for every case", () => {
    for (const c of reportCases) {
      const actor = actorOf(c.persona.email);
      const report = { unitId: UNITS[c.unit].id, unitPath: pathOf(UNITS[c.unit].id), status: c.state as ReportStatus, reviewReach: REACH[c.state] };
      expect(permits(actor, c.endpoint.action, report), c.name).toBe(allows(actor, c.endpoint.action, report));
      expect(permits(actor, c.endpoint.action, report, true), c.name).toBe(
        reachesUnit(actor, c.endpoint.action, report),
      );
    }
  });
});

describe("authorisation matrix: reports", () => {
  // "%s" of the name, not "$name": vitest shortens interpolated object properties to 40 characters.
  it.each(reportCases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const fixture = c.real ? realFixture.get(c.name) : d1Fixture[c.unit][c.state];
    if (fixture instanceof Error) throw new Error(`could not drive the report into "${c.state}" through the API: ${fixture.message}`);
    expect(fixture, "fixture").toBeTruthy();
    const id = fixture!;
    const before = await snapshot(id);
    expect(before!.status).toBe(c.state);
    const res = await c.endpoint.send(await tokenFor(c.persona.email), id);
    await expectAnswer(res, c.expected);
    const after = await snapshot(id);
    if (c.expected !== c.endpoint.success) {
      // Refused: nothing changed, in D1 nor (for a report driven through the API) in its DO.
      expect(after).toEqual(before);
      if (c.real) expect((await flowStub(id).view())!.status).toBe(c.state);
    } else if (c.endpoint.action === "report.update") {
      expect(after).toMatchObject({ status: c.state, version: before!.version + 1, summary: "Sửa trong ma trận quyền" });
    } else if (c.endpoint.action === "attachment.write") {
      expect(after!.images).toBe(before!.images + 1);
    } else if (AFTER_SUCCESS[c.endpoint.action]) {
      expect(after!.status).toBe(AFTER_SUCCESS[c.endpoint.action]);
      expect((await flowStub(id).view())!.status).toBe(AFTER_SUCCESS[c.endpoint.action]);
    }
  });
});

describe("authorisation matrix: administration", () => {
  it.each(globalCases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const body = await expectAnswer(await c.endpoint.send(await tokenFor(c.persona.email)), c.expected);
    if (c.expected === c.endpoint.success && c.endpoint.check) c.endpoint.check(body);
    else if (c.expected === 200) expect(Array.isArray(body.items)).toBe(true);
    else if (c.expected === 201) expect(body.code).toMatch(/^TT-MATRAN-/);
  });
});

describe("authorisation matrix: periods", () => {
  it.each(periodCases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const id = periodFixture.get(c.name)!;
    const status = async () => (await env.DB.prepare("SELECT status FROM periods WHERE id = ?").bind(id).first<{ status: string }>())!.status;
    expect(await status()).toBe("open");
    const body = await expectAnswer(await c.endpoint.send(await tokenFor(c.persona.email), id), c.expected);
    const closedNow = c.endpoint.action === "period.close" && c.expected === c.endpoint.success;
    if (c.expected === c.endpoint.success) {
      if (c.endpoint.check) c.endpoint.check(body, id, UNITS[c.unit].id);
      else expect(body).toMatchObject({ id, unitIds: [UNITS[c.unit].id], status: closedNow ? "closed" : "open" });
    }
    expect(await status()).toBe(closedNow ? "closed" : "open");
  });
});

describe("authorisation matrix: assignment", () => {
  it("every persona and unit has a case, and each answer is one of 200, 403, 404", () => {
    expect(assignCases.length).toBe(PERSONAS.length * UNIT_KEYS.length);
    expect(new Set(assignCases.map((c) => c.expected))).toEqual(new Set([200, 403, 404]));
  });

  it.each(assignCases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const fixture = assignFixture.get(c.name);
    if (fixture instanceof Error) throw new Error(`could not drive the report into review through the API: ${fixture.message}`);
    const id = fixture!;
    const assigneeOf = () => env.DB.prepare("SELECT assignee_id FROM reports WHERE id = ?").bind(id).first<{ assignee_id: string | null }>().then((r) => r!.assignee_id);
    const before = await snapshot(id);
    const assignedBefore = await assigneeOf();
    // The unit's only specialist has the stage as it starts.
    expect(assignedBefore).toBeTruthy();
    const res = await call(`/api/v1/reports/${id}/assignee`, { token: await tokenFor(c.persona.email), json: { userId: null } });
    const body = await expectAnswer(res, c.expected);
    const view = (await flowStub(id).view())!;
    if (c.expected === 200) {
      expect(body).toMatchObject({ status: "in_review", assignee: null, version: before!.version + 1 });
      expect(await assigneeOf()).toBeNull();
      expect(view.assignee).toBeNull();
    } else {
      expect(await snapshot(id)).toEqual(before);
      expect(await assigneeOf()).toBe(assignedBefore);
      expect(view.assignee?.userId).toBe(assignedBefore);
    }
  });
});
