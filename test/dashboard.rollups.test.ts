// The dashboard's per-ancestor rollups (migration 0019): "in review by kind and stage" and "time in
// stage" are read from one cell per covered subtree, not one per unit. Checked here:
// - after each transition made through the API (submit, approve, return, withdraw, publish,
//   unpublish), and after a unit moves or a per-unit cell's path copy is rewritten, every rollup
//   cell equals the sum of the per-unit cells under it, and none is left at zero;
// - a root-granted director's, a division director's and the admin's figures equal a recount over
//   the reports the policy lets them read, and so do those of callers whose grants overlap (each
//   report counted once);
// - the statements that read the rollups seek them by primary key (no table scanned) and read
//   O(kinds x stages) rows per covered subtree: a root-granted director reads a handful at 300
//   units, however many units and reports there are.
import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../src/db/client";
import type { Actor } from "../src/env";
import { publishInstanceId } from "../src/flow/effects";
import { dashboardFigures, schoolYearOf } from "../src/queries/dashboard";
import { actorForToken } from "../src/queries/sessions";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { call, createReport, tokenFor, USERS } from "./helpers/api";
import { capture, planOf, type Captured } from "./helpers/d1-capture";
import { expectCountersRight, expectRollupsRight, figuresRecount, figuresShape, insertDashboardReports } from "./helpers/dashboard-recount";
import { openPeriod, periodicInput } from "./helpers/periods";
import { approveAndPublish } from "./helpers/publish";
import { d1Report, decide, ok, submit } from "./helpers/review";
import { buildScale } from "./helpers/scale";
import { DEMO_PASSWORD } from "./helpers/seed";

const D = DEMO_UNITS;
// A deeper tree than the demo's: Phòng Giáo dục Trung học > two schools > a centre under one.
const tree = { s1: "", s2: "", s1a: "" };
const emails = {
  rootSpecialist: "roll.specialist@sogd.example",
  rootDeputy: "roll.deputy@sogd.example",
  rootDirector: "roll.director@sogd.example",
  divDirector: "roll.div-director@sogd.example",
  // A specialist of the whole department who directs one division (their reaches overlap).
  specialistRootDirectorDiv: "roll.sp-root.dir-div@sogd.example",
  // And the other way round: the division's specialist who directs the whole department.
  specialistDivDirectorRoot: "roll.sp-div.dir-root@sogd.example",
  // A centre head (their own unit, any stage) who is also a specialist over the department.
  headAndRootSpecialist: "roll.head.sp-root@trungtam.example",
  // A centre head whose unit lies outside the subtree they review.
  headOutsideAndDivSpecialist: "roll.head-q6.sp-div@trungtam.example",
  authorS1: "roll.author.s1@truong.example",
  authorS2: "roll.author.s2@truong.example",
  authorS1a: "roll.author.s1a@trungtam.example",
};

async function created<T = any>(res: Response): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text) as T;
}

beforeAll(async () => {
  const admin = await tokenFor(USERS.admin);
  const unit = async (code: string, type: string, parentId: string) =>
    (await created<{ id: string }>(await call("/api/v1/units", { token: admin, json: { code, name: `Đơn vị ${code}`, type, parentId } }))).id;
  tree.s1 = await unit("ROLL-S1", "school", D.trungHoc);
  tree.s2 = await unit("ROLL-S2", "school", D.trungHoc);
  tree.s1a = await unit("ROLL-S1A", "centre", tree.s1);
  const people: [keyof typeof emails, string, { role: string; unitIds: string[] }[]][] = [
    ["rootSpecialist", D.gdtx, [{ role: "specialist", unitIds: [D.department] }]],
    ["rootDeputy", D.gdtx, [{ role: "deputy_head", unitIds: [D.department] }]],
    ["rootDirector", D.gdtx, [{ role: "director", unitIds: [D.department] }]],
    ["divDirector", D.trungHoc, [{ role: "director", unitIds: [D.trungHoc] }]],
    ["specialistRootDirectorDiv", D.trungHoc, [{ role: "specialist", unitIds: [D.department] }, { role: "director", unitIds: [D.trungHoc] }]],
    ["specialistDivDirectorRoot", D.trungHoc, [{ role: "specialist", unitIds: [D.trungHoc, tree.s1] }, { role: "director", unitIds: [D.department] }]],
    ["headAndRootSpecialist", tree.s1a, [{ role: "centre_head", unitIds: [] }, { role: "specialist", unitIds: [D.department] }]],
    ["headOutsideAndDivSpecialist", D.quan6, [{ role: "centre_head", unitIds: [] }, { role: "specialist", unitIds: [D.trungHoc] }]],
    ["authorS1", tree.s1, [{ role: "author", unitIds: [] }]],
    ["authorS2", tree.s2, [{ role: "author", unitIds: [] }]],
    ["authorS1a", tree.s1a, [{ role: "author", unitIds: [] }]],
  ];
  for (const [who, unitId, grants] of people) {
    await created(await call("/api/v1/users", { token: admin, json: { email: emails[who], name: `Người dùng ${who}`, title: "Thử", unitId, password: DEMO_PASSWORD, grants } }));
  }
}, 60_000);

const actorOf = async (email: string): Promise<Actor> => (await actorForToken(env.DB, await tokenFor(email)))!;

const PERSONAS: [string, string][] = [
  ["admin", USERS.admin],
  ["root director", emails.rootDirector],
  ["division director", emails.divDirector],
  ["GDTX director (four centres)", USERS.director],
  ["specialist of the root, director of a division", emails.specialistRootDirectorDiv],
  ["specialist of a division, director of the root", emails.specialistDivDirectorRoot],
  ["centre head and specialist of the root", emails.headAndRootSpecialist],
  ["centre head outside the division they review", emails.headOutsideAndDivSpecialist],
];

async function figuresRight(step: string, personas: [string, string][] = PERSONAS) {
  const now = new Date();
  for (const [name, email] of personas) {
    const actor = await actorOf(email);
    const figures = await dashboardFigures(database(env.DB), actor, now);
    expect(figuresShape(figures), `${step}: ${name}`).toEqual(await figuresRecount(actor, now, figures.schoolYear));
  }
}

/** The chain above the specialist, by the department's own reviewers; waits for PUBLISH. */
async function approveUpAndPublish(id: string, revision: number) {
  await ok(await decide(await tokenFor(emails.rootSpecialist), id, { action: "approve", stage: "specialist" }));
  await ok(await decide(await tokenFor(emails.rootDeputy), id, { action: "approve", stage: "deputy_head" }));
  const instance = await introspectWorkflowInstance(env.PUBLISH, publishInstanceId(id, revision));
  await ok(await decide(await tokenFor(emails.rootDirector), id, { action: "approve", stage: "director" }));
  await instance.waitForStatus("complete");
  await instance.dispose();
}

// The rollup reads of one dashboard: each statement that names a rollup table, with its plan.
async function rollupReads(actor: Actor) {
  const { value: figures, statements } = await capture(() => dashboardFigures(database(env.DB), actor));
  const reads = statements.filter((s) => /dashboard_(stage|time)_rollups/.test(s.sql));
  return { figures, reads: await Promise.all(reads.map(async (s) => ({ ...s, plan: await planOf(s) }))) };
}

function expectSeeksOnly(who: string, s: Captured & { plan: string[] }) {
  for (const line of s.plan) {
    // A table is only ever searched; what is scanned is the UNION ALL's result.
    expect(line, `${who}: ${s.sql}`).not.toMatch(/^SCAN (?!cells\b)/);
    // The primary key (a composite key is SQLite's autoindex), from its first columns: the year and the ancestor.
    if (/dashboard_(stage|time)_rollups/.test(line)) {
      expect(line, `${who}: ${s.sql}`).toMatch(/^SEARCH dashboard_(stage|time)_rollups USING (PRIMARY KEY|INDEX sqlite_autoindex_dashboard_(stage|time)_rollups_1) \((school_year=\? AND )?ancestor_id=\?/);
    }
    // A caller's own unit outside their subtrees is read from the per-unit table: by that unit.
    if (/dashboard_stage_(tallies|times)\b/.test(line)) {
      expect(line, `${who}: ${s.sql}`).toMatch(/^SEARCH dashboard_stage_(tallies|times) USING INDEX sqlite_autoindex_dashboard_stage_(tallies|times)_1 \(unit_id=\?/);
    }
  }
  expect(s.params.length, `${who}: bound parameters`).toBeLessThanOrEqual(12);
}

describe("the rollup reads cost O(kinds x stages) per covered subtree, not O(units)", () => {
  it("at 300 units and 3,000 reports: each read seeks the key, and reads at most the department's own cells per subtree", async () => {
    const scale = await buildScale("roll");
    await insertDashboardReports([...scale.level1, ...scale.level2, ...scale.level3].map((u) => u.id), 3000);
    await expectCountersRight("300 units");
    // The whole department's cells ('*'): one per kind, stage and reach level, however many units.
    const star = (await env.DB.prepare(
      "SELECT (SELECT count(*) FROM dashboard_stage_rollups WHERE ancestor_id = '*') + (SELECT count(*) FROM dashboard_time_rollups WHERE school_year = ? AND ancestor_id = '*') AS n",
    )
      .bind(schoolYearOf(new Date()))
      .first<{ n: number }>())!.n;
    const personas: [string, string][] = [
      ["admin", USERS.admin],
      ["root director", scale.emails.rootDirector],
      ["division director", emails.divDirector],
      ["specialist of the root, director of a division", emails.specialistRootDirectorDiv],
      ["specialist of a division, director of the root", emails.specialistDivDirectorRoot],
      ["centre head and specialist of the root", emails.headAndRootSpecialist],
      ["centre head outside the division they review", emails.headOutsideAndDivSpecialist],
      ["specialist of 8 subtrees", scale.emails.reviewer8],
      ["specialist of 120 units", scale.emails.reviewer120],
    ];
    for (const [name, email] of personas) {
      const actor = await actorOf(email);
      const { figures, reads } = await rollupReads(actor);
      const rows = reads.map((s) => s.rowsRead!);
      const read = rows.reduce((a, b) => a + b, 0);
      // Each granted subtree (and the own unit) is at most one rollup cell per kind, stage and level,
      // like '*'; D1 counts each cell twice when the GROUP BY sorts it (written, then read back),
      // and a row more for each seek (one per reach level, five at most, in each statement).
      const subtrees = actor.grants.reduce((n, g) => n + g.paths.length, 0);
      console.log(`${name}: ${figures.byUnit.length} units shown, ${subtrees} granted subtree(s); rollup reads ${rows.join(" + ")} rows ('*' holds ${star} cells)`);
      expect(reads, name).toHaveLength(2); // by stage, time in stage
      for (const s of reads) expectSeeksOnly(name, s);
      expect(read, name).toBeLessThanOrEqual((subtrees + 1) * (2 * star + 5 * reads.length));
      if (subtrees <= 1 && figures.byUnit.length > 100) expect(read, `${name}: far fewer rows than units shown`).toBeLessThan(figures.byUnit.length / 4);
    }
    expect(star).toBeLessThan(100);
    await figuresRight("300 units", personas);
  }, 240_000);
});

describe("the rollups follow every transition", () => {
  const step = async (name: string, id: string, status: string) => {
    expect((await d1Report(id)).status, name).toBe(status);
    await expectCountersRight(name); // the per-unit cells, then the rollups over them
  };

  it("submit, approve, return, resubmit, withdraw, a centre head's stage, publish and unpublish", async () => {
    await expectCountersRight("migrated and seeded");
    const sp = await tokenFor(emails.rootSpecialist);
    const dep = await tokenFor(emails.rootDeputy);

    const s1a = await tokenFor(emails.authorS1a);
    const r1 = await createReport(s1a, { kind: "news", title: "Tổng hợp theo đơn vị cấp trên" });
    await ok(await submit(s1a, r1.id));
    await step("r1 submitted", r1.id, "in_review");
    await ok(await decide(sp, r1.id, { action: "approve", stage: "specialist" }));
    await step("r1 approved by the specialist", r1.id, "in_review");
    await ok(await decide(dep, r1.id, { action: "return", stage: "deputy_head", comment: "Bổ sung số liệu" }));
    await step("r1 returned by the deputy head", r1.id, "returned");
    await ok(await submit(s1a, r1.id));
    await step("r1 resubmitted", r1.id, "in_review");
    await ok(await decide(sp, r1.id, { action: "approve", stage: "specialist" }));
    await ok(await decide(dep, r1.id, { action: "approve", stage: "deputy_head" }));
    await step("r1 at the director", r1.id, "in_review");

    const s2 = await tokenFor(emails.authorS2);
    const r2 = await createReport(s2, { kind: "event", title: "Rút lại rồi gửi lại" });
    await ok(await submit(s2, r2.id));
    await ok(await call(`/api/v1/reports/${r2.id}/withdraw`, { method: "POST", token: s2 }));
    await step("r2 withdrawn", r2.id, "withdrawn");
    await ok(await submit(s2, r2.id));
    await ok(await decide(sp, r2.id, { action: "return", stage: "specialist", comment: "Sai tên đơn vị" }));
    await step("r2 returned by the specialist", r2.id, "returned");

    const r3 = await createReport(s1a, await periodicInput({ periodId: await openPeriod({ unitIds: [tree.s1a] }), title: "Báo cáo định kỳ tháng" }));
    await ok(await submit(s1a, r3.id));
    await step("r3 at the centre head", r3.id, "in_review");
    await ok(await decide(await tokenFor(emails.headAndRootSpecialist), r3.id, { action: "approve", stage: "centre_head" }));
    await step("r3 at the specialist", r3.id, "in_review");

    const s1 = await tokenFor(emails.authorS1);
    const r4 = await createReport(s1, { kind: "news", title: "Chờ chuyên viên" });
    await ok(await submit(s1, r4.id));
    await step("r4 submitted", r4.id, "in_review");

    const r5 = await createReport(s2, { kind: "news", title: "Đăng rồi gỡ" });
    await ok(await submit(s2, r5.id));
    await approveUpAndPublish(r5.id, 1);
    await step("r5 published", r5.id, "published");
    await ok(await call(`/api/v1/reports/${r5.id}/unpublish`, { token: await tokenFor(emails.rootDirector), json: { reason: "Gỡ để kiểm tra tổng hợp" } }));
    await step("r5 unpublished", r5.id, "unpublished");

    // A demo centre's report through the demo chain: a unit right under the root.
    const q6 = await tokenFor(USERS.quan6);
    const r6 = await createReport(q6, { kind: "news", title: "Trung tâm Quận 6" });
    await ok(await submit(q6, r6.id));
    await approveAndPublish(r6.id, 1);
    await step("r6 published", r6.id, "published");

    await figuresRight("after the transitions");
  }, 60_000);

  it("a per-unit cell's path copy rewritten moves its contribution, and back", async () => {
    const before = await env.DB.prepare("SELECT count(*) AS n FROM dashboard_stage_tallies WHERE unit_id = ?").bind(tree.s1a).first<{ n: number }>();
    expect(before!.n).toBeGreaterThan(0);
    const right = `/${D.department}/${D.trungHoc}/${tree.s1}/${tree.s1a}/`;
    const wrong = `/${D.department}/${D.gdtx}/${tree.s1a}/`;
    for (const [table, path] of [["dashboard_stage_tallies", wrong], ["dashboard_stage_times", wrong], ["dashboard_stage_tallies", right], ["dashboard_stage_times", right]] as const) {
      await env.DB.prepare(`UPDATE ${table} SET unit_path = ? WHERE unit_id = ?`).bind(path, tree.s1a).run();
      await expectRollupsRight(`${table} under ${path === wrong ? "the wrong" : "the right"} path`);
    }
    // The cells are back where they belong.
    await expectCountersRight("path copies restored");
  });

  it("a unit moved to another division takes its counts along (the cells' copies follow units.path)", async () => {
    const before = await env.DB.prepare("SELECT ancestor_id FROM dashboard_time_rollups WHERE ancestor_id = ?").bind(D.gdtx).all();
    await env.DB.prepare("UPDATE units SET parent_id = ?, path = ? WHERE id = ?").bind(D.gdtx, `/${D.department}/${D.gdtx}/${tree.s2}/`, tree.s2).run();
    await expectCountersRight("S2 moved under GDTX");
    const after = await env.DB.prepare("SELECT ancestor_id FROM dashboard_time_rollups WHERE ancestor_id = ?").bind(D.gdtx).all();
    expect(before.results).toEqual([]);
    expect(after.results.length, "S2's decisions now count under GDTX").toBeGreaterThan(0);
    await figuresRight("S2 moved");
    await env.DB.prepare("UPDATE units SET parent_id = ?, path = ? WHERE id = ?").bind(D.trungHoc, `/${D.department}/${D.trungHoc}/${tree.s2}/`, tree.s2).run();
    await expectCountersRight("S2 moved back");
  });
});

describe("overlapping grants count each report once", () => {
  it("figures of callers whose grants overlap equal the policy's recount, and their totals the readable reports", async () => {
    await figuresRight("overlaps");
    // Spelled out for a root specialist who directs a division: the in-review figures add up to the
    // in-review reports they may read, no more.
    const actor = await actorOf(emails.specialistRootDirectorDiv);
    const figures = await dashboardFigures(database(env.DB), actor);
    const readable = await figuresRecount(actor, new Date(), figures.schoolYear);
    const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    expect(figures.byStage.reduce((a, r) => a + r.n, 0)).toBe(total(readable.byStage));
    expect(total(readable.byStage)).toBeGreaterThan(0);
  });
});
