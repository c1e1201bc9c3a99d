// A department at scale (DESIGN.md section 15): 300 units under the department root, reviewers
// granted the root and a long list of units, authors down to the third level, a few hundred
// reports. Units and users go through the admin API as an administrator would create them; the
// reports are written straight into D1 (their shape matches bench/volume.mjs), then a few are
// driven through submit and approve so the inbox also holds reports the review engine moved.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { DEMO_UNITS } from "../../src/seed/demo-data";
import { call, createReport, json, tokenFor, USERS } from "./api";
import { DEMO_PASSWORD } from "./seed";

export type Unit = { id: string; parentId: string | null; code: string };

export type Scale = {
  level1: Unit[]; // 20, children of the department root
  level2: Unit[]; // 180, nine under each level-1 unit
  level3: Unit[]; // 100, level3[i] under level2[i]
  /** The 120 units the long-list reviewer is granted: level2[60..179]. */
  granted120: Unit[];
  /** Every unit the long-list reviewer covers: the granted ones and their descendants. */
  covered120: Set<string>;
  emails: Record<Persona, string>;
  ids: Record<Persona, string>;
  /** Reports written for the checks (see markers in seedReports). */
  marker: { deepOutside: string; deepCovered: string; rare: string; apiSubmitted: string[]; apiApproved: string };
  rareWord: string;
};

export const PERSONAS = ["rootSpecialist", "rootDeputy", "rootDirector", "reviewer120", "reviewer2", "reviewer8", "authorDeep", "authorCovered", "centreHead"] as const;
export type Persona = (typeof PERSONAS)[number] | "admin";

async function ok<T = any>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}

/** Runs `f` over `items`, `width` at a time (the API is the bottleneck, not the test). */
async function inChunks<T, R>(items: T[], width: number, f: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) out.push(...(await Promise.all(items.slice(i, i + width).map((x, j) => f(x, i + j)))));
  return out;
}

export async function buildScale(tag: string): Promise<Scale> {
  const admin = await tokenFor(USERS.admin);
  const unit = async (code: string, type: string, parentId: string) =>
    ok<Unit>(await call("/api/v1/units", { token: admin, json: { code, name: `Đơn vị ${code}`, type, parentId } }), 201);
  const level1 = await inChunks([...Array(20).keys()], 10, (i) => unit(`${tag}-L1-${i}`, i < 2 ? "division" : "centre", DEMO_UNITS.department));
  const level2 = await inChunks([...Array(180).keys()], 10, (i) => unit(`${tag}-L2-${i}`, "school", level1[Math.floor(i / 9)]!.id));
  const level3 = await inChunks([...Array(100).keys()], 10, (i) => unit(`${tag}-L3-${i}`, "school", level2[i]!.id));
  const granted120 = level2.slice(60);
  const covered120 = new Set([...granted120.map((u) => u.id), ...level3.slice(60).map((u) => u.id)]);

  const emails = {} as Record<Persona, string>;
  const ids = {} as Record<Persona, string>;
  const people: [Persona, string, { role: string; unitIds: string[] }[]][] = [
    ["rootSpecialist", DEMO_UNITS.gdtx, [{ role: "specialist", unitIds: [DEMO_UNITS.department] }]],
    ["rootDeputy", DEMO_UNITS.gdtx, [{ role: "deputy_head", unitIds: [DEMO_UNITS.department] }]],
    ["rootDirector", DEMO_UNITS.gdtx, [{ role: "director", unitIds: [DEMO_UNITS.department] }]],
    ["reviewer120", DEMO_UNITS.gdtx, [{ role: "specialist", unitIds: granted120.map((u) => u.id) }]],
    ["reviewer2", DEMO_UNITS.gdtx, [{ role: "specialist", unitIds: [level2[60]!.id, level2[61]!.id] }]],
    // Eight separate subtrees: the most that visibility.ts still tests as inline ranges.
    ["reviewer8", DEMO_UNITS.gdtx, [{ role: "specialist", unitIds: level1.slice(10, 18).map((u) => u.id) }]],
    ["authorDeep", level3[0]!.id, [{ role: "author", unitIds: [] }]],
    ["authorCovered", level3[70]!.id, [{ role: "author", unitIds: [] }]],
    ["centreHead", level1[3]!.id, [{ role: "centre_head", unitIds: [] }]],
  ];
  for (const [who, unitId, grants] of people) {
    emails[who] = `${tag.toLowerCase()}-${who.toLowerCase()}@scale.example`;
    const user = await ok(await call("/api/v1/users", { token: admin, json: { email: emails[who], name: `Người dùng ${who}`, unitId, password: DEMO_PASSWORD, grants } }), 201);
    ids[who] = user.id;
  }
  emails.admin = USERS.admin;
  ids.admin = (await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(USERS.admin).first<{ id: string }>())!.id;

  const rareWord = "Zyqrxaphong";
  const marker = await seedReports({ level1, level2, level3 }, ids, emails, rareWord);
  return { level1, level2, level3, granted120, covered120, emails, ids, marker, rareWord };
}

type Shape = { status: string; stage: string | null; reach: number };
// Where a report can be: its status, the stage it waits at and how far up the chain it has got
// (policy.ts REVIEW_RANK: centre_head 1, specialist 2, deputy_head 3, director 4).
const SHAPES: Shape[] = [
  { status: "draft", stage: null, reach: 0 },
  { status: "in_review", stage: "specialist", reach: 2 },
  { status: "in_review", stage: "deputy_head", reach: 3 },
  { status: "in_review", stage: "director", reach: 4 },
  { status: "returned", stage: null, reach: 2 },
  { status: "withdrawn", stage: null, reach: 3 },
  { status: "approved", stage: null, reach: 4 },
  { status: "published", stage: null, reach: 4 },
  { status: "unpublished", stage: null, reach: 4 },
  { status: "in_review", stage: "centre_head", reach: 1 },
];
const DAY = 24 * 3600_000;

async function seedReports(tree: Pick<Scale, "level1" | "level2" | "level3">, ids: Record<Persona, string>, emails: Record<Persona, string>, rareWord: string): Promise<Scale["marker"]> {
  const all = [...tree.level1, ...tree.level2, ...tree.level3];
  const now = Date.now();
  const stmts: D1PreparedStatement[] = [];
  const insert = (r: { id: string; unitId: string; kind: string; title: string; shape: Shape; createdAt: number }) => {
    const created = new Date(r.createdAt).toISOString();
    const due = r.shape.stage ? new Date(r.createdAt + (r.shape.reach + 1) * DAY - 30 * DAY).toISOString() : null;
    stmts.push(
      env.DB.prepare(
        `INSERT INTO reports (id, unit_id, author_id, kind, title, slug, summary, body, attendees, status, stage, stage_role, stage_due_at, version, flow_seq, review_reach, revision, workflow_id, workflow_version, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?, 3, 2, ?, ?, ?, 1, ?, ?)`,
      ).bind(r.id, r.unitId, ids.authorDeep, r.kind, r.title, r.id, "Hội nghị sơ kết học kì I.", `Hội nghị tổng kết năm học tại đơn vị. ${r.title}`, r.shape.status, r.shape.stage, r.shape.stage, due, r.shape.reach, r.shape.reach > 0 ? 1 : 0, r.kind, created, created),
    );
    const at = (h: number) => new Date(r.createdAt + h * 3600_000).toISOString();
    const event = (seq: number, action: string, actor: string, role: string, stage: string, to: string, hours: number) =>
      env.DB.prepare(
        `INSERT INTO report_events (id, report_id, seq, action, actor_id, actor_role, stage, from_status, to_status, revision, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'in_review', ?, 1, ?)`,
      ).bind(crypto.randomUUID(), r.id, seq, action, actor, role, stage, to, at(hours));
    if (r.shape.reach >= 1) stmts.push(event(1, "submit", ids.authorDeep, "author", "specialist", "in_review", 1));
    // Past the specialist: the root specialist approved it (the dashboard's stage durations, and
    // the inbox's separation-of-duties probe has events to look at).
    if (r.shape.reach >= 3) stmts.push(event(2, "approve", ids.rootSpecialist, "specialist", "specialist", "in_review", 3));
  };
  // 450 reports over the past two years, every unit at least once, every shape in many units.
  for (let i = 0; i < 450; i++) {
    const shape = SHAPES[i % SHAPES.length]!;
    const kind = shape.stage === "centre_head" ? "periodic" : ["news", "event", "periodic"][i % 3]!;
    insert({ id: crypto.randomUUID(), unitId: all[(i * 7) % all.length]!.id, kind, title: `Hội nghị số ${i} của đơn vị`, shape, createdAt: now - (i + 5) * 1.5 * DAY });
  }
  // Markers, newest of all so they lead the first page of every list that may show them.
  const deepOutside = crypto.randomUUID(); // level3[0]: outside the 120 units
  const deepCovered = crypto.randomUUID(); // level3[70]: under level2[70], one of the 120
  const rare = crypto.randomUUID();
  insert({ id: deepOutside, unitId: tree.level3[0]!.id, kind: "news", title: "Báo cáo ở đơn vị cấp ba ngoài danh sách", shape: SHAPES[1]!, createdAt: now - 60_000 });
  insert({ id: deepCovered, unitId: tree.level3[70]!.id, kind: "news", title: "Báo cáo ở đơn vị cấp ba trong danh sách", shape: SHAPES[1]!, createdAt: now - 50_000 });
  insert({ id: rare, unitId: tree.level3[80]!.id, kind: "event", title: `Ngày hội ${rareWord} của trường`, shape: SHAPES[7]!, createdAt: now - 40_000 });
  await env.DB.batch(stmts);

  // Published reports have their portal entries (the portal's lists read them).
  const { results: published } = await env.DB.prepare("SELECT id, unit_id, kind, title, created_at FROM reports WHERE status = 'published' ORDER BY created_at").all<{ id: string; unit_id: string; kind: string; title: string; created_at: string }>();
  const unitSeq = new Map<string, number>();
  await env.DB.batch(
    published.map((p, i) => {
      const us = (unitSeq.get(p.unit_id) ?? 0) + 1;
      unitSeq.set(p.unit_id, us);
      return env.DB.prepare(
        `INSERT INTO portal_entries (report_id, path, unit_id, seq, unit_seq, kind, title, revision, first_published_at) VALUES (?, ?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM portal_entries), ?, ?, ?, 1, ?)`,
      ).bind(p.id, `bai-viet/scale-${i}-${p.id.slice(-10)}/`, p.unit_id, us, p.kind, p.title, p.created_at);
    }),
  );

  // Through the review engine: the covered author submits three, the root specialist approves one.
  const author = await tokenFor(emails.authorCovered);
  const apiSubmitted: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await createReport(author, { title: `Hội nghị gửi qua API số ${i}`, kind: "news" });
    await ok(await call(`/api/v1/reports/${r.id}/submit`, { method: "POST", token: author }), 200);
    apiSubmitted.push(r.id);
  }
  const specialist = await tokenFor(emails.rootSpecialist);
  await ok(await call(`/api/v1/reports/${apiSubmitted[0]}/decisions`, { token: specialist, json: { action: "approve", stage: "specialist" } }), 200);
  return { deepOutside, deepCovered, rare, apiSubmitted, apiApproved: apiSubmitted[0]! };
}

export { json };
