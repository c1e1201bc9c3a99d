// The authorisation rules as a table: who, whose report, in which state, doing what -> the answer.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ACTIONS, POLICY } from "../src/domain/policy";
import { call, createReport, tokenFor, USERS } from "./helpers/api";

type Who = keyof typeof USERS;
// A state, and how far up the chain the report has got (reports.review_reach: 2 = the
// specialist's stage, 4 = the director's): a reviewer reads a report only from their own stage on.
type State = "draft" | "returned" | "in_review" | "at_director" | "published";
const STATES: State[] = ["draft", "returned", "in_review", "at_director", "published"];
const FIXTURE: Record<State, { status: string; reach: number }> = {
  draft: { status: "draft", reach: 0 },
  returned: { status: "returned", reach: 2 },
  in_review: { status: "in_review", reach: 2 },
  at_director: { status: "in_review", reach: 4 },
  published: { status: "published", reach: 4 },
};

// Expected status of GET /reports/:id for a Quận 6 report, by caller and state.
const READ: Record<Who, Record<State, number>> = {
  quan6: { draft: 200, returned: 200, in_review: 200, at_director: 200, published: 200 },
  tanPhu: { draft: 404, returned: 404, in_review: 404, at_director: 404, published: 404 },
  minhKhai: { draft: 404, returned: 404, in_review: 404, at_director: 404, published: 404 },
  centreHead: { draft: 404, returned: 200, in_review: 200, at_director: 200, published: 200 },
  specialist: { draft: 404, returned: 200, in_review: 200, at_director: 200, published: 200 },
  deputy: { draft: 404, returned: 404, in_review: 404, at_director: 200, published: 200 },
  director: { draft: 404, returned: 404, in_review: 404, at_director: 200, published: 200 },
  admin: { draft: 404, returned: 200, in_review: 200, at_director: 200, published: 200 },
};

// Expected status of PATCH /reports/:id (with the right If-Match) for a Quận 6 report.
const EDIT: Record<Who, Record<State, number>> = {
  // A published report can be corrected: edited, then reviewed again.
  quan6: { draft: 200, returned: 200, in_review: 409, at_director: 409, published: 200 },
  tanPhu: { draft: 404, returned: 404, in_review: 404, at_director: 404, published: 404 },
  minhKhai: { draft: 404, returned: 404, in_review: 404, at_director: 404, published: 404 },
  centreHead: { draft: 404, returned: 403, in_review: 403, at_director: 403, published: 403 },
  specialist: { draft: 404, returned: 403, in_review: 403, at_director: 403, published: 403 },
  deputy: { draft: 404, returned: 404, in_review: 404, at_director: 403, published: 403 },
  director: { draft: 404, returned: 404, in_review: 404, at_director: 403, published: 403 },
  admin: { draft: 404, returned: 403, in_review: 403, at_director: 403, published: 403 },
};

const reportIn: Partial<Record<State, string>> = {};

beforeAll(async () => {
  const author = await tokenFor(USERS.quan6);
  for (const state of STATES) {
    const r = await createReport(author, { title: `Báo cáo ở trạng thái ${state}` });
    await env.DB.prepare("UPDATE reports SET status = ?, review_reach = ? WHERE id = ?").bind(FIXTURE[state].status, FIXTURE[state].reach, r.id).run();
    reportIn[state] = r.id;
  }
});

const cases = (table: Record<Who, Record<State, number>>) =>
  (Object.keys(table) as Who[]).flatMap((who) => STATES.map((state) => [who, state, table[who][state]] as const));

describe("authorisation table", () => {
  it.each(cases(READ))("%s reading a Quận 6 report in %s -> %i", async (who, state, expected) => {
    const res = await call(`/api/v1/reports/${reportIn[state]}`, { token: await tokenFor(USERS[who]) });
    expect(res.status).toBe(expected);
    // The list agrees with the single read.
    const list = await (await call(`/api/v1/reports?status=${FIXTURE[state].status}&limit=100`, { token: await tokenFor(USERS[who]) })).json<{ items: { id: string }[] }>();
    expect(list.items.some((i) => i.id === reportIn[state])).toBe(expected === 200);
  });

  it.each(cases(EDIT))("%s editing a Quận 6 report in %s -> %i", async (who, state, expected) => {
    const id = reportIn[state]!;
    const row = await env.DB.prepare("SELECT version FROM reports WHERE id = ?").bind(id).first<{ version: number }>();
    const res = await call(`/api/v1/reports/${id}`, {
      method: "PATCH",
      token: await tokenFor(USERS[who]),
      json: { summary: `sửa bởi ${who}` },
      headers: { "if-match": `"${row!.version}"` },
    });
    expect(res.status).toBe(expected);
    const after = await env.DB.prepare("SELECT version, summary FROM reports WHERE id = ?").bind(id).first<{ version: number; summary: string }>();
    expect(after!.version).toBe(expected === 200 ? row!.version + 1 : row!.version);
  });

  it("a reviewer sees only the units they cover: the high school's report is 404 to the GDTX specialist, visible to admin", async () => {
    const r = await createReport(await tokenFor(USERS.minhKhai), { title: "Tin của trường THPT" });
    await env.DB.prepare("UPDATE reports SET status = 'in_review', review_reach = 2 WHERE id = ?").bind(r.id).run();
    expect((await call(`/api/v1/reports/${r.id}`, { token: await tokenFor(USERS.specialist) })).status).toBe(404);
    expect((await call(`/api/v1/reports/${r.id}`, { token: await tokenFor(USERS.admin) })).status).toBe(200);
  });

  it.each([
    ["quan6", 201],
    ["tanPhu", 201],
    ["specialist", 403],
    ["director", 403],
    ["admin", 403],
    ["centreHead", 403],
  ] as const)("%s creating a report -> %i", async (who, expected) => {
    const res = await call("/api/v1/reports", { token: await tokenFor(USERS[who]), json: { kind: "news", title: "Tin ngắn", body: "Nội dung" } });
    expect(res.status).toBe(expected);
  });
});

describe("the working calendar in the table", () => {
  it("calendar.manage is an action, and only an admin holds it (everyone signed in reads the calendar without one)", () => {
    expect(ACTIONS).toContain("calendar.manage");
    expect(POLICY.filter((r) => r.action === "calendar.manage")).toEqual([{ role: "admin", action: "calendar.manage", scope: "all" }]);
  });
});

describe("reporting periods in the table", () => {
  it("period.open and period.close: specialists and directors on the units they cover, an admin everywhere", () => {
    expect(ACTIONS).toEqual(expect.arrayContaining(["period.open", "period.read", "period.close"]));
    for (const action of ["period.open", "period.close"] as const) {
      expect(POLICY.filter((r) => r.action === action)).toEqual([
        { role: "specialist", action, scope: "covered_units" },
        { role: "director", action, scope: "covered_units" },
        { role: "admin", action, scope: "all" },
      ]);
    }
  });

  it("period.read: the openers, the deputy heads covering a unit of the period, and the units asked to report", () => {
    const read = POLICY.filter((r) => r.action === "period.read").map((r) => [r.role, r.scope]);
    expect(read).toEqual([
      ["author", "own_unit"],
      ["centre_head", "own_unit"],
      ["specialist", "covered_units"],
      ["deputy_head", "covered_units"],
      ["director", "covered_units"],
      ["admin", "all"],
    ]);
  });
});
