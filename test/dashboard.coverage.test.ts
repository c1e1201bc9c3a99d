// No data outside one's coverage, in aggregates too. The dashboard's figures for every persona who
// may open it are checked against a recount made from the POLICY table (allows) over the same
// reports: by stage, by unit, overdue and time in stage. And the page itself never names a report
// or a unit the caller does not cover.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../src/db/client";
import type { ReportStatus } from "../src/db/schema";
import { allows } from "../src/domain/policy";
import type { Actor } from "../src/env";
import { dashboardFigures, schoolYearOf } from "../src/queries/dashboard";
import { actorForToken } from "../src/queries/sessions";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { call, createReport, tokenFor, USERS } from "./helpers/api";
import { expectCountersRight, figuresRecount, figuresShape } from "./helpers/dashboard-recount";
import { DEMO_PASSWORD } from "./helpers/seed";

type Fixture = { id: string; title: string; unitId: string; status: ReportStatus; stage: string | null; reach: number; overdue: boolean };

// Every combination a dashboard aggregates over: covered or not, each stage of the chain (the
// reach follows the stage), overdue or not, decided or not.
const SHAPES: Omit<Fixture, "id" | "title" | "unitId">[] = [
  { status: "in_review", stage: "centre_head", reach: 1, overdue: true },
  { status: "in_review", stage: "specialist", reach: 2, overdue: true },
  { status: "in_review", stage: "specialist", reach: 2, overdue: false },
  { status: "in_review", stage: "deputy_head", reach: 3, overdue: true },
  { status: "in_review", stage: "director", reach: 4, overdue: true },
  { status: "returned", stage: null, reach: 2, overdue: false },
  { status: "published", stage: null, reach: 4, overdue: false },
  { status: "draft", stage: null, reach: 0, overdue: false },
];
const UNITS = { quan6: DEMO_UNITS.quan6, leQuyDon: DEMO_UNITS.leQuyDon, minhKhai: DEMO_UNITS.minhKhai };
const AUTHORS: Record<keyof typeof UNITS, string> = { quan6: USERS.quan6, leQuyDon: "", minhKhai: USERS.minhKhai };
const fixtures: Fixture[] = [];
const personas: { name: string; token: string; actor: Actor }[] = [];
const pathOf = new Map<string, string>();

const ROLE_OF_STAGE: Record<string, string> = { centre_head: "centre_head", specialist: "specialist", deputy_head: "deputy_head", director: "director" };

beforeAll(async () => {
  for (const u of (await env.DB.prepare("SELECT id, path FROM units").all<{ id: string; path: string }>()).results) pathOf.set(u.id, u.path);
  const admin = await tokenFor(USERS.admin);
  // Lê Quý Đôn has no demo author: one is made, and a director who covers only that centre.
  const made: Record<string, string> = {};
  for (const [key, body] of Object.entries({
    leQuyDonAuthor: { email: "tacgia.lqd@trungtam.example", name: "Tác Giả Lê Quý Đôn", unitId: DEMO_UNITS.leQuyDon, grants: [{ role: "author", unitIds: [] }] },
    narrowDirector: { email: "truongphong.hep@sogd.example", name: "Trưởng Phòng Hẹp", unitId: DEMO_UNITS.gdtx, grants: [{ role: "director", unitIds: [DEMO_UNITS.leQuyDon] }] },
  })) {
    const res = await call("/api/v1/users", { token: admin, json: { ...body, title: "Thử", password: DEMO_PASSWORD } });
    expect(res.status, await res.clone().text()).toBe(201);
    made[key] = body.email;
  }
  AUTHORS.leQuyDon = made.leQuyDonAuthor!;
  let n = 0;
  for (const [key, unitId] of Object.entries(UNITS) as [keyof typeof UNITS, string][]) {
    const author = await tokenFor(AUTHORS[key]);
    for (const shape of SHAPES) {
      const title = `Tổng quan ${key} ${shape.status} ${shape.stage ?? "-"} ${shape.overdue ? "quá hạn" : "đúng hạn"} #${n++}`;
      const r = await createReport(author, { title });
      const due = shape.status === "in_review" ? new Date(Date.now() + (shape.overdue ? -1 : 1) * 3600_000).toISOString() : null;
      await env.DB.prepare("UPDATE reports SET status = ?, stage = ?, stage_role = ?, stage_due_at = ?, review_reach = ? WHERE id = ?")
        .bind(shape.status, shape.stage, shape.stage ? ROLE_OF_STAGE[shape.stage] : null, due, shape.reach, r.id)
        .run();
      if (shape.status === "returned") {
        // A decision an hour after the submit: time spent at the specialist's stage.
        const at = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
        await env.DB.batch([
          env.DB.prepare("INSERT INTO report_events (id, report_id, seq, action, actor_role, stage, to_status, revision, created_at) VALUES (?, ?, 1, 'submit', 'author', 'specialist', 'in_review', 1, ?)").bind(`${r.id}-1`, r.id, at(3)),
          env.DB.prepare("INSERT INTO report_events (id, report_id, seq, action, actor_role, stage, to_status, revision, created_at) VALUES (?, ?, 2, 'return', 'specialist', 'specialist', 'returned', 1, ?)").bind(`${r.id}-2`, r.id, at(2)),
        ]);
      }
      fixtures.push({ id: r.id, title, unitId, ...shape });
    }
  }
  for (const [name, email] of [
    ["director (GDTX)", USERS.director],
    ["director (Lê Quý Đôn only)", made.narrowDirector!],
    ["admin", USERS.admin],
    ["specialist", USERS.specialist],
  ] as const) {
    const token = await tokenFor(email);
    personas.push({ name, token, actor: (await actorForToken(env.DB, token))! });
  }
}, 60_000);

/** The recount: what the POLICY table lets the caller read, among this test's reports. */
const readable = (actor: Actor) =>
  fixtures.filter((f) => allows(actor, "report.read", { unitId: f.unitId, unitPath: pathOf.get(f.unitId) ?? "", status: f.status, reviewReach: f.reach }));

describe("dashboard figures equal a recount from the policy table", () => {
  it("for every persona: by stage, by unit, overdue and time in stage, over every report in the database", async () => {
    const now = new Date();
    for (const p of personas) {
      const figures = await dashboardFigures(database(env.DB), p.actor, now);
      const recount = await figuresRecount(p.actor, now, schoolYearOf(now));
      expect(figuresShape(figures), p.name).toEqual(recount);
      // And among this test's own reports, exactly the readable overdue ones are listed.
      const mine = new Set(fixtures.map((f) => f.id));
      const seen = readable(p.actor);
      expect(figures.overdue.filter((r) => mine.has(r.id)).map((r) => r.id).sort(), `${p.name}: overdue`).toEqual(seen.filter((f) => f.status === "in_review" && f.overdue).map((f) => f.id).sort());
      const decided = figures.stageTimes.reduce((a, t) => a + t.n, 0);
      expect(decided, `${p.name}: time in stage counts at least our readable decisions`).toBeGreaterThanOrEqual(seen.filter((f) => f.status === "returned").length);
    }
  });

  it("the counter tables equal a plain GROUP BY recount of reports and events", async () => {
    await expectCountersRight("fixtures");
  });

  it("the narrow director sees only Lê Quý Đôn, and the GDTX director nothing of the high school", async () => {
    const narrow = personas.find((p) => p.name.includes("Lê Quý Đôn"))!;
    const f = await dashboardFigures(database(env.DB), narrow.actor);
    expect(f.byUnit.length).toBeGreaterThan(0);
    expect(new Set(f.byUnit.map((r) => r.unit))).toEqual(new Set(["Trung tâm GDTX Lê Quý Đôn"]));
    expect(f.overdue.every((r) => fixtures.find((x) => x.id === r.id)?.unitId === DEMO_UNITS.leQuyDon)).toBe(true);
    expect(f.overdue).toHaveLength(1); // only the director's own stage
    const gdtx = await dashboardFigures(database(env.DB), personas[0]!.actor);
    expect(gdtx.byUnit.some((r) => r.unit === "Trường THPT Nguyễn Thị Minh Khai")).toBe(false);
  });
});

describe("the dashboard page names nothing outside the caller's coverage", () => {
  it("each persona's page shows the titles of the overdue reports it may read, and no other of ours", async () => {
    for (const p of personas.filter((x) => !x.name.startsWith("specialist"))) {
      const res = await call("/app/dashboard", { headers: { cookie: `sogd_session=${p.token}` } });
      expect(res.status, p.name).toBe(200);
      const html = await res.text();
      const seen = new Set(readable(p.actor).map((f) => f.id));
      for (const f of fixtures.filter((x) => x.status === "in_review" && x.overdue)) {
        expect(html.includes(f.id), `${p.name}: ${f.title}`).toBe(seen.has(f.id));
      }
      if (p.name.startsWith("director")) expect(html).not.toContain("Trường THPT Nguyễn Thị Minh Khai");
    }
  });

  it("names its school year, and shows a past one when asked; a bad or future year falls back to the current one", async () => {
    const cookie = `sogd_session=${await tokenFor(USERS.director)}`;
    const year = schoolYearOf(new Date());
    const text = async (q: string) => (await call(`/app/dashboard${q}`, { headers: { cookie } })).text();
    expect(await text("")).toContain(`Năm học ${year}–${year + 1}`);
    const past = await text(`?nam-hoc=${year - 3}`);
    expect(past).toContain(`Năm học ${year - 3}–${year - 2}`);
    expect(past).toContain(`từ ngày 01/09/${year - 3}`);
    // Nothing of this test's reports (all made today) belongs to that year's tables.
    expect(past).toContain("Chưa có báo cáo nào đã gửi trong năm học này");
    for (const bad of [`?nam-hoc=${year + 1}`, "?nam-hoc=abc", "?nam-hoc=1999"]) expect(await text(bad)).toContain(`Năm học ${year}–${year + 1}`);
  });

  it("a specialist is not shown the dashboard at all", async () => {
    const res = await call("/app/dashboard", { headers: { cookie: `sogd_session=${await tokenFor(USERS.specialist)}` } });
    expect(res.status).toBe(403);
  });
});
