// The inbox's counts from review_queue_counts (migrations 0033, 0034): every cell equals a recount from
// reports after each transition made through the API (and after direct writes the triggers must
// also follow: a unit moved, a report deleted), and for a reviewer the cells can speak for, the
// three tabs and the menu equal what walking the inbox finds.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Actor } from "../src/env";
import { inbox, INBOX_SCOPES } from "../src/queries/review";
import { countableInbox, inboxCounts } from "../src/queries/review-queue-counts";
import { actorForToken } from "../src/queries/sessions";
import { call, createReport, json, tokenFor, USERS } from "./helpers/api";
import { decide, ok, submit, submittedReport } from "./helpers/review";
import { signIn } from "./helpers/web";
import { DEMO_UNITS } from "../src/seed/demo-data";

type Cell = { ancestor_id: string; stage_role: string; assignee_id: string; n: number };
const key = (c: Omit<Cell, "n">) => `${c.ancestor_id}|${c.stage_role}|${c.assignee_id}`;

async function cellsAndRecount() {
  const cells = (await env.DB.prepare("SELECT ancestor_id, stage_role, assignee_id, n FROM review_queue_counts").all<Cell>()).results;
  const waiting = (
    await env.DB.prepare("SELECT unit_path, stage_role, assignee_id FROM reports WHERE status = 'in_review' AND stage_role IS NOT NULL").all<{
      unit_path: string;
      stage_role: string;
      assignee_id: string | null;
    }>()
  ).results;
  const recount = new Map<string, Cell>();
  for (const r of waiting) {
    for (const a of r.unit_path.split("/").filter((x) => x !== "")) {
      // The report's assignee ('' while open to all holders), and the total of its unit and role.
      for (const assignee of [r.assignee_id ?? "", "*"]) {
        const c = { ancestor_id: a, stage_role: r.stage_role, assignee_id: assignee, n: 0 };
        const cell = recount.get(key(c)) ?? c;
        cell.n++;
        recount.set(key(c), cell);
      }
    }
  }
  const sorted = (xs: Iterable<Cell>) => [...xs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return { cells: sorted(cells), recount: sorted(recount.values()) };
}

async function expectCellsRight(step: string) {
  const { cells, recount } = await cellsAndRecount();
  expect(cells, step).toEqual(recount);
  expect(cells.filter((c) => c.n <= 0), `${step}: no empty or negative cell`).toEqual([]);
}

const assign = (token: string, id: string, userId: string | null) => call(`/api/v1/reports/${id}/assignee`, { token, json: { userId } });
const actorOf = async (email: string) => (await actorForToken(env.DB, await tokenFor(email)))!;

async function walkedCounts(actor: Actor) {
  const [mine, unassigned, all] = await Promise.all(INBOX_SCOPES.map((scope) => inbox(env.DB, actor, { limit: 500, scope })));
  return { mine: mine!.length, unassigned: unassigned!.length, all: all!.length };
}

describe("review_queue_counts follow every transition", () => {
  it("submit, hand back, claim, approve, return, resubmit, withdraw, a unit moved, a report deleted", async () => {
    await expectCellsRight("seeded");
    const author = await tokenFor(USERS.quan6);
    const specialist = await tokenFor(USERS.specialist);
    const r = await createReport(author, { title: "Đếm hàng chờ" });
    await expectCellsRight("draft");
    await ok(await submit(author, r.id));
    await expectCellsRight("submitted (the only specialist has it)");
    await ok(await assign(specialist, r.id, null));
    await expectCellsRight("handed back to the group");
    const me = await actorOf(USERS.specialist);
    await ok(await assign(specialist, r.id, me.id));
    await expectCellsRight("claimed");
    await ok(await decide(specialist, r.id, { action: "approve", stage: "specialist" }));
    await expectCellsRight("approved by the specialist");
    await ok(await decide(await tokenFor(USERS.deputy), r.id, { action: "return", stage: "deputy_head", comment: "Bổ sung số liệu" }));
    await expectCellsRight("returned");
    const current = await json(await call(`/api/v1/reports/${r.id}`, { token: author }));
    await ok(await call(`/api/v1/reports/${r.id}`, { method: "PATCH", token: author, json: { body: "Đã bổ sung." }, headers: { "if-match": `"${current.version}"` } }));
    await ok(await submit(author, r.id));
    await expectCellsRight("resubmitted");
    await ok(await call(`/api/v1/reports/${r.id}/withdraw`, { method: "POST", token: author }));
    await expectCellsRight("withdrawn");

    // Direct writes: the triggers run inside any statement, not only the projection's.
    const other = await submittedReport({ title: "Đơn vị chuyển chỗ" });
    const row = await env.DB.prepare("SELECT unit_path FROM reports WHERE id = ?").bind(other).first<{ unit_path: string }>();
    const parts = row!.unit_path.split("/").filter(Boolean);
    // The report's unit hung directly under the department (its division left out of the path).
    await env.DB.prepare("UPDATE reports SET unit_path = ? WHERE id = ?").bind(`/${parts[0]}/${parts.at(-1)}/`, other).run();
    await expectCellsRight("unit path rewritten");
    await env.DB.prepare("UPDATE reports SET assignee_id = ? WHERE id = ?").bind((await actorOf(USERS.deputy)).id, other).run();
    await expectCellsRight("assigned to someone else");
    // A row written straight in review (as the bench's loader does) and deleted again.
    const bare = `${other.slice(0, -2)}zq`;
    await env.DB.prepare(
      `INSERT INTO reports (id, unit_id, unit_name, author_id, kind, title, slug, body, attendees, status, stage, stage_role, created_at, updated_at)
       SELECT ?, unit_id, unit_name, author_id, kind, title, slug, body, attendees, 'in_review', 'specialist', 'specialist', created_at, updated_at FROM reports WHERE id = ?`,
    )
      .bind(bare, other)
      .run();
    await expectCellsRight("inserted in review");
    // Written with a wrong path (the unit hung straight under the department): the database puts the
    // unit's path back, and the counts follow the path the row ends with.
    const wrong = `${other.slice(0, -2)}zw`;
    await env.DB.prepare(
      `INSERT INTO reports (id, unit_id, unit_path, unit_name, author_id, kind, title, slug, body, attendees, status, stage, stage_role, created_at, updated_at)
       SELECT ?, unit_id, ?, unit_name, author_id, kind, title, slug, body, attendees, 'in_review', 'specialist', 'specialist', created_at, updated_at FROM reports WHERE id = ?`,
    )
      .bind(wrong, `/${parts[0]}/x-not-a-unit/`, other)
      .run();
    expect((await env.DB.prepare("SELECT unit_path FROM reports WHERE id = ?").bind(wrong).first<{ unit_path: string }>())!.unit_path).not.toContain("x-not-a-unit");
    await expectCellsRight("inserted in review with a wrong path");
    await env.DB.prepare("DELETE FROM reports WHERE id = ?").bind(wrong).run();
    await env.DB.prepare("DELETE FROM reports WHERE id = ?").bind(bare).run();
    await expectCellsRight("deleted");
  });
});

describe("counts from the cells equal the inbox's walks", () => {
  it("for a specialist covering the units: mine, unassigned, all, the menu and the inbox page's tabs", async () => {
    const specialist = await tokenFor(USERS.specialist);
    const cookie = await signIn(USERS.specialist, "10.77.0.1");
    const me = await actorOf(USERS.specialist);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await submittedReport({ title: `Chờ đếm ${i}` }));
    await ok(await assign(specialist, ids[0]!, null));
    await ok(await assign(specialist, ids[1]!, null));
    // Held by someone else (as an admin's hand-over would leave it): in "all", not in "mine".
    await env.DB.prepare("UPDATE reports SET assignee_id = ?, assignee_name = 'Người khác' WHERE id = ?").bind((await actorOf(USERS.deputy)).id, ids[2]).run();
    await ok(await decide(specialist, ids[3]!, { action: "approve", stage: "specialist" }));

    expect(countableInbox(me)).not.toBeNull();
    const counted = await inboxCounts(env.DB, me);
    const walked = await walkedCounts(me);
    expect(counted).toEqual(walked);
    expect(walked.all).toBeGreaterThan(walked.mine);
    expect(walked.mine).toBeGreaterThan(walked.unassigned);
    expect(walked.unassigned).toBeGreaterThanOrEqual(2);

    const html = await (await call("/app/inbox", { headers: { cookie } })).text();
    expect(html).toContain(`Việc của tôi (${walked.mine > 99 ? "99+" : walked.mine})`);
    expect(html).toContain(`Chưa phân công (${walked.unassigned > 99 ? "99+" : walked.unassigned})`);
    expect(html).toContain(`Tất cả (${walked.all > 99 ? "99+" : walked.all})`);
    const reports = await (await call("/app/reports", { headers: { cookie } })).text();
    expect(reports).toMatch(new RegExp(`Chờ thẩm định[\\s\\S]{0,80}\\(${walked.mine > 99 ? "99\\+" : walked.mine}\\)`));
  });

  it("over more subtrees than go inline as parameters (one JSON list), the same counts", async () => {
    const admin = await tokenFor(USERS.admin);
    const me = await actorOf(USERS.specialist);
    // Five separate units, none inside another: past RANGES_INLINE (4), so the cells are asked for
    // through json_each. The deputy keeps the other stage decidable for Minh Khai's report.
    const five = [DEMO_UNITS.quan6, DEMO_UNITS.tanPhu, DEMO_UNITS.leQuyDon, DEMO_UNITS.caoDangKinhTe, DEMO_UNITS.minhKhai];
    for (const [email, role] of [[USERS.specialist, "specialist"], [USERS.deputy, "deputy_head"], [USERS.director, "director"]] as const) {
      const res = await call(`/api/v1/users/${(await actorOf(email)).id}/grants`, { method: "PUT", token: admin, json: { grants: [{ role, unitIds: five }] } });
      expect(res.status, await res.clone().text()).toBe(200);
    }
    const minhKhai = await tokenFor(USERS.minhKhai);
    const r = await createReport(minhKhai, { title: "Báo cáo của trường Minh Khai" });
    await ok(await submit(minhKhai, r.id));
    await submittedReport({ title: "Chờ đếm ở Quận 6" });
    const widened = await actorOf(USERS.specialist);
    expect(countableInbox(widened)?.units).toHaveLength(5);
    expect(widened.id).toBe(me.id);
    const counted = await inboxCounts(env.DB, widened);
    const walked = await walkedCounts(widened);
    expect(counted).toEqual(walked);
    expect(walked.all).toBeGreaterThanOrEqual(2);
  });

  it("a filtered inbox still counts by walking it (the cells know no kind, unit or date)", async () => {
    const cookie = await signIn(USERS.specialist, "10.77.0.2");
    await submittedReport({ kind: "event", title: "Sự kiện đếm riêng", eventDate: "2026-11-20", location: "Quận 6" });
    const me = await actorOf(USERS.specialist);
    const events = await inbox(env.DB, me, { limit: 500, scope: "all", filter: { kind: "event" } });
    const html = await (await call("/app/inbox?scope=all&kind=event", { headers: { cookie } })).text();
    expect(html).toContain(`Tất cả (${events.length})`);
  });
});

describe("whose counts the cells can tell", () => {
  const base: Actor = { id: "u1", email: "a@b.vn", name: "A", unitId: "div", unitPath: "/root/div/", unitName: "Phòng", grants: [], sessionTokenHash: "h" };
  const grant = (role: Actor["grants"][number]["role"], paths: string[], extra: Partial<Actor["grants"][number]> = {}) => ({ role, unitIds: paths.map((p) => p.split("/").at(-2)!), paths, ...extra });

  it("one reviewing role over subtrees: its outermost units", () => {
    expect(countableInbox({ ...base, grants: [grant("specialist", ["/root/a/", "/root/a/x/", "/root/b/"])] })).toEqual({ role: "specialist", units: ["a", "b"] });
    expect(countableInbox({ ...base, grants: [grant("director", ["/root/"]), grant("director", ["/root/a/"])] })).toEqual({ role: "director", units: ["root"] });
  });

  it("not for two reviewing roles, a delegate, an author, a centre head or nobody reviewing", () => {
    expect(countableInbox({ ...base, grants: [grant("deputy_head", ["/root/"]), grant("director", ["/root/"])] })).toBeNull();
    const delegatedBy = { delegationId: "d", userId: "u2", name: "B", unitId: "div", unitPath: "/root/div/", kind: "delegation" as const, startsAt: "", endsAt: "" };
    expect(countableInbox({ ...base, grants: [grant("specialist", ["/root/"]), grant("specialist", ["/root/b/"], { delegatedBy })] })).toBeNull();
    expect(countableInbox({ ...base, grants: [grant("specialist", ["/root/"]), grant("author", [])] })).toBeNull();
    expect(countableInbox({ ...base, grants: [grant("centre_head", [])] })).toBeNull();
    expect(countableInbox({ ...base, grants: [grant("admin", [])] })).toBeNull();
  });
});
