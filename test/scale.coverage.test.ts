// Issue 10, point 1 (DESIGN.md section 15): at 300 units, with reviewers granted the department
// root and one granted 120 units, every list, search, inbox, board and dashboard query answers,
// binds a handful of parameters whatever the coverage (D1 allows 100), and walks an index rather
// than reading a growing table whole. Statements are captured at the D1 binding, so whatever SQL
// the code runs today is what is checked.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../src/db/client";
import { archivePage, feedEntries, lastSeq, newest } from "../src/portal/entries";
import { dashboardFigures } from "../src/queries/dashboard";
import { listReports, type ReportFilter } from "../src/queries/reports";
import { inbox } from "../src/queries/review";
import { actorForToken } from "../src/queries/sessions";
import { call, json, tokenFor } from "./helpers/api";
import { capture, isRead, planOf, planProblems, type Captured } from "./helpers/d1-capture";
import { buildScale, PERSONAS, type Persona, type Scale } from "./helpers/scale";
import { signIn } from "./helpers/web";

// D1 allows 100. The most any statement needs is bounded by the roles a person holds, not by the
// units they cover: per reviewing role, its role name, its subtrees (up to 4 inline, else one JSON
// list), a cursor and the caller's id. Three reviewing roles over 8 subtrees come to about 22.
const MAX_PARAMS = 30;

let S: Scale;
const token = {} as Record<Persona, string>;
const cookie = {} as Partial<Record<Persona, string>>;
/** Every captured unit of work: who ran it, what it was, the statements it ran. */
const runs: { who: Persona; label: string; statements: Captured[] }[] = [];

beforeAll(async () => {
  S = await buildScale("SC");
  for (const who of [...PERSONAS, "admin"] as const) token[who] = await tokenFor(S.emails[who]);
}, 300_000);

async function get(who: Persona, path: string, web = false): Promise<Response> {
  let session = cookie[who];
  if (web && !session) session = cookie[who] = await signIn(S.emails[who], `10.77.${Object.keys(cookie).length}.9`);
  const { value, statements } = await capture(() => call(path, web ? { headers: { cookie: session! } } : { token: token[who] }));
  runs.push({ who, label: `GET ${path.replace(/cursor=[^&]+/, "cursor=…")}`, statements });
  return value;
}

async function getJson(who: Persona, path: string): Promise<any> {
  const res = await get(who, path);
  const text = await res.clone().text();
  expect(res.status, `${who} ${path}: ${text.slice(0, 300)}`).toBe(200);
  return json(res);
}

async function direct<T>(who: Persona, label: string, work: () => Promise<T>): Promise<T> {
  const { value, statements } = await capture(work);
  runs.push({ who, label, statements });
  return value;
}

const REVIEWERS = ["rootSpecialist", "rootDeputy", "rootDirector", "reviewer120", "reviewer2", "reviewer8"] as const;
const EVERYONE = [...PERSONAS, "admin"] as const;

describe("API at 300 units: answers, and the right reports", () => {
  it("the root specialist sees a third-level unit's report at their stage, in the list, by unit, and in the inbox", async () => {
    const list = await getJson("rootSpecialist", "/api/v1/reports?limit=20");
    expect(list.items.map((r: any) => r.id)).toEqual(expect.arrayContaining([S.marker.deepOutside, S.marker.deepCovered]));
    const byUnit = await getJson("rootSpecialist", `/api/v1/reports?unit=${S.level3[0]!.id}`);
    expect(byUnit.items.map((r: any) => r.id)).toContain(S.marker.deepOutside);
    const box = await getJson("rootSpecialist", "/api/v1/inbox?limit=100");
    const boxIds = box.items.map((r: any) => r.id);
    expect(boxIds).toEqual(expect.arrayContaining([S.marker.deepOutside, S.marker.deepCovered, S.marker.apiSubmitted[1]]));
    // Approved by this specialist: waiting for the deputy now, and never back in this inbox.
    expect(boxIds).not.toContain(S.marker.apiApproved);
    expect(box.items.every((r: any) => r.stage.role === "specialist")).toBe(true);
  });

  it("the 120-unit reviewer sees their units and their descendants, never a unit outside the list", async () => {
    const list = await getJson("reviewer120", "/api/v1/reports?limit=100");
    expect(list.items.length).toBeGreaterThan(20);
    for (const r of list.items) expect(S.covered120.has(r.unitId), `${r.unitId} is covered`).toBe(true);
    expect(list.items.map((r: any) => r.id)).toContain(S.marker.deepCovered);
    expect(list.items.map((r: any) => r.id)).not.toContain(S.marker.deepOutside);
    for (const outside of [S.level3[0]!.id, S.level1[0]!.id, S.level2[0]!.id]) {
      expect((await getJson("reviewer120", `/api/v1/reports?unit=${outside}`)).items).toEqual([]);
    }
    const box = await getJson("reviewer120", "/api/v1/inbox?limit=100");
    const boxIds = box.items.map((r: any) => r.id);
    expect(boxIds).toEqual(expect.arrayContaining([S.marker.deepCovered, S.marker.apiSubmitted[1], S.marker.apiSubmitted[2]]));
    expect(boxIds).not.toContain(S.marker.deepOutside);
    for (const r of box.items) expect(S.covered120.has(r.unit.id)).toBe(true);
  });

  it("the deputy granted the root finds the report the specialist approved", async () => {
    const box = await getJson("rootDeputy", "/api/v1/inbox?limit=100");
    expect(box.items.map((r: any) => r.id)).toContain(S.marker.apiApproved);
  });

  it("every persona's lists, searches, filters, pages and inbox answer 200", async () => {
    for (const who of EVERYONE) {
      await getJson(who, "/api/v1/me");
      const first = await getJson(who, "/api/v1/reports?limit=20");
      if (first.nextCursor) {
        const second = await getJson(who, `/api/v1/reports?limit=20&cursor=${encodeURIComponent(first.nextCursor)}`);
        const seen = new Set(first.items.map((r: any) => r.id));
        expect(second.items.some((r: any) => seen.has(r.id))).toBe(false);
      }
      const inReview = await getJson(who, "/api/v1/reports?status=in_review&limit=20");
      expect(inReview.items.every((r: any) => r.status === "in_review")).toBe(true);
      await getJson(who, "/api/v1/reports?kind=news&limit=20");
      await getJson(who, `/api/v1/reports?unit=${S.level3[80]!.id}&limit=20`);
      const common = await getJson(who, `/api/v1/reports?q=${encodeURIComponent("hội nghị")}&limit=20`);
      const rare = await getJson(who, `/api/v1/reports?q=${S.rareWord.toLowerCase()}&limit=20`);
      const firstBox = await getJson(who, "/api/v1/inbox?limit=5");
      if (firstBox.nextCursor) await getJson(who, `/api/v1/inbox?limit=5&cursor=${encodeURIComponent(firstBox.nextCursor)}`);
      // The published report with the rare word is in a unit every root grant and the 120 cover.
      const seesRare = ["rootSpecialist", "rootDeputy", "rootDirector", "reviewer120", "admin"].includes(who);
      expect(rare.items.map((r: any) => r.id), `${who} searching the rare word`).toEqual(seesRare ? [S.marker.rare] : []);
      if (["rootSpecialist", "rootDeputy", "rootDirector", "reviewer120", "admin"].includes(who)) expect(common.items.length, who).toBeGreaterThan(0);
    }
  });

  it("an author and a centre head see their own unit only", async () => {
    const own = await getJson("authorDeep", "/api/v1/reports?limit=100");
    expect(own.items.map((r: any) => r.id)).toContain(S.marker.deepOutside);
    expect(own.items.every((r: any) => r.unitId === S.level3[0]!.id)).toBe(true);
    const head = await getJson("centreHead", "/api/v1/reports?limit=100");
    expect(head.items.length).toBeGreaterThan(0);
    expect(head.items.every((r: any) => r.unitId === S.level1[3]!.id && r.status !== "draft")).toBe(true);
  });
});

describe("pages at 300 units answer 200", () => {
  it("report lists, inboxes and the portal's home", async () => {
    for (const who of EVERYONE) {
      for (const path of ["/app/reports", "/app/reports?status=in_review"]) {
        const res = await get(who, path, true);
        expect(res.status, `${who} ${path}`).toBe(200);
      }
    }
    for (const who of [...REVIEWERS, "centreHead"] as const) {
      const res = await get(who, "/app/inbox", true);
      expect(res.status, `${who} /app/inbox`).toBe(200);
    }
    // Due soonest first: the root specialist's first page holds third-level units' reports.
    expect(await (await get("rootSpecialist", "/app/inbox", true)).text()).toMatch(/Đơn vị SC-L3-\d+/);
    // The portal is served from R2 (nothing was published through the workflow here): no 500.
    const portal = await get("admin", "/portal/");
    expect(portal.status).toBeLessThan(500);
  });

  it("the dashboard, for the root director and the admin", async () => {
    for (const who of ["rootDirector", "admin"] as const) {
      const res = await get(who, "/app/dashboard", true);
      expect(res.status, `${who} /app/dashboard`).toBe(200);
      expect(await res.text()).toContain("Tổng quan");
    }
  });
});

describe("query functions at 300 units", () => {
  it("the look-up, lists, search, inbox, dashboard and portal lists run for every persona", async () => {
    const filters: [string, Omit<ReportFilter, "limit">][] = [
      ["list", {}],
      ["list status", { status: "in_review" }],
      ["list kind", { kind: "event" }],
      ["list unit", { unitId: S.level3[80]!.id }],
      ["list q common", { q: "hội nghị" }],
      ["list q rare", { q: S.rareWord }],
    ];
    for (const who of EVERYONE) {
      const actor = (await direct(who, "actorForToken", () => actorForToken(env.DB, token[who])))!;
      expect(actor.id).toBe(S.ids[who]);
      const db = database(env.DB);
      for (const [label, f] of filters) {
        const rows = await direct(who, label, () => listReports(db, actor, { limit: 20, ...f }));
        if (label === "list") {
          const last = rows.at(-1);
          if (last) await direct(who, "list after", () => listReports(db, actor, { limit: 20, after: [last.createdAt, last.id] }));
        }
      }
      const box = await direct(who, "inbox", () => inbox(env.DB, actor, { limit: 10 }));
      const last = box.at(-1);
      await direct(who, "inbox after", () => inbox(env.DB, actor, { limit: 10, after: last ? [last.stage_due_at, last.id] : ["2000-01-01T00:00:00.000Z", ""] }));
    }
    const unitId = S.level3[80]!.id;
    const latest = await direct("admin", "portal newest", () => newest(env.DB, 20));
    expect(latest.length).toBeGreaterThan(0);
    await direct("admin", "portal newest unit", () => newest(env.DB, 20, unitId));
    await direct("admin", "portal archive", () => archivePage(env.DB, 1));
    await direct("admin", "portal archive unit", () => archivePage(env.DB, 1, unitId));
    await direct("admin", "portal last seq", () => lastSeq(env.DB));
    await direct("admin", "portal last seq unit", () => lastSeq(env.DB, unitId));
    await direct("admin", "portal feed", () => feedEntries(env.DB));
  });

  it("one person holding all three reviewer roles over 8 subtrees each stays under D1's 100 parameters", async () => {
    // The worst case of inline ranges (visibility.ts): 2 parameters per subtree per role.
    const base = (await actorForToken(env.DB, token.reviewer8))!;
    const paths = base.grants[0]!.paths;
    expect(paths.length).toBe(8);
    const actor = { ...base, grants: (["specialist", "deputy_head", "director"] as const).map((role) => ({ ...base.grants[0]!, role })) };
    const db = database(env.DB);
    const rows = await direct("reviewer8", "three roles, every filter, a cursor", () =>
      listReports(db, actor, { limit: 20, status: "in_review", kind: "news", unitId: S.level1[10]!.id, q: "hội nghị", after: [new Date().toISOString(), "~"] }),
    );
    // Several reviewer roles put an OR of stage roles in the inbox: its plan is checked below too.
    await direct("reviewer8", "three roles, inbox", () => inbox(env.DB, actor, { limit: 20 }));
    await direct("reviewer8", "three roles, inbox with a cursor", () => inbox(env.DB, actor, { limit: 20, after: ["2000-01-01T00:00:00.000Z", ""] }));
    expect(rows.every((r) => r.status === "in_review")).toBe(true);
    const most = Math.max(...runs.filter((r) => r.label.startsWith("three roles")).flatMap((r) => r.statements.map((s) => s.params.length)));
    console.log(`three reviewer roles over 8 subtrees: up to ${most} bound parameters in one statement`);
    expect(most).toBeLessThan(100);
  });

  it("the dashboard's figures, for every persona", async () => {
    for (const who of EVERYONE) {
      const actor = (await actorForToken(env.DB, token[who]))!;
      await direct(who, "dashboard", () => dashboardFigures(database(env.DB), actor));
    }
  });
});

describe("what those queries cost", () => {
  it("captured the statements (the checks below are not vacuous)", () => {
    const reads = runs.flatMap((r) => r.statements).filter((s) => isRead(s.sql));
    expect(reads.length).toBeGreaterThan(200);
    expect(reads.some((s) => /\bunit_path\b/.test(s.sql) || /reports_fts/.test(s.sql))).toBe(true);
  });

  it(`no statement binds more than ${MAX_PARAMS} parameters`, () => {
    const over = runs.flatMap((r) => r.statements.filter((s) => s.params.length > MAX_PARAMS).map((s) => `${r.who} ${r.label}: ${s.params.length} parameters in ${s.sql.replace(/\s+/g, " ").slice(0, 90)}…`));
    expect(over).toEqual([]);
  });

  it("the parameters do not grow with coverage: 120 units bind no more than 2 subtrees, the root stays small", () => {
    const most = (who: Persona, label: string) => {
      const counts = runs.filter((r) => r.who === who && r.label === label).flatMap((r) => r.statements.map((s) => s.params.length));
      return counts.length ? Math.max(...counts) : null;
    };
    const labels = [...new Set(runs.filter((r) => r.who === "reviewer120").map((r) => r.label))];
    const differ: string[] = [];
    let compared = 0;
    for (const label of labels) {
      const [long, short, eight, root] = [most("reviewer120", label), most("reviewer2", label), most("reviewer8", label), most("rootSpecialist", label)];
      if (long === null || short === null || eight === null || root === null) continue;
      compared++;
      // A long list binds one JSON array of paths; the root's subtree is walked once per stage at or
      // above the caller's (report_scopes), each walk binding the unit and the cursor.
      if (long > short || long > eight || root > 15) differ.push(`${label}: reviewer120 ${long}, reviewer8 ${eight}, reviewer2 ${short}, rootSpecialist ${root}`);
    }
    expect(compared).toBeGreaterThan(15);
    expect(differ).toEqual([]);
  });

  it("every read walks an index: no scan of a growing table, no sort before a page", async () => {
    const seen = new Map<string, { who: Persona; label: string; s: Captured }>();
    for (const r of runs) for (const s of r.statements) if (isRead(s.sql) && !seen.has(`${s.sql}\u0000${JSON.stringify(s.params)}`)) seen.set(`${s.sql}\u0000${JSON.stringify(s.params)}`, { who: r.who, label: r.label, s });
    const failures = new Map<string, string>();
    for (const { who, label, s } of seen.values()) {
      const plan = await planOf(s);
      const problems = planProblems(s, plan);
      // One line per distinct SQL text, however many personas ran it.
      if (problems.length && !failures.has(s.sql)) failures.set(s.sql, `${label} (${who}):\n  ${problems.join("\n  ")}\n  plan: ${plan.join(" | ")}\n  sql: ${s.sql.replace(/\s+/g, " ").slice(0, 600)}`);
    }
    expect([...failures.values()]).toEqual([]);
  }, 120_000);
});
