// The dashboard's counters follow every transition made through the real API: after each step
// (submit, approve, return, resubmit, withdraw, publish, unpublish, a periodic report's centre
// head) every counter cell equals a plain GROUP BY recount over reports and report_events, and
// none is negative or left at zero. The triggers run inside each writer's own statement, so the
// projection batch, the submit claim and the test's direct SQL are all covered alike.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { database } from "../src/db/client";
import { actorForToken } from "../src/queries/sessions";
import { dashboardFigures } from "../src/queries/dashboard";
import { call, createReport, json, tokenFor, USERS } from "./helpers/api";
import { expectCountersRight, figuresRecount, figuresShape } from "./helpers/dashboard-recount";
import { periodicInput } from "./helpers/periods";
import { approveAndPublish } from "./helpers/publish";
import { d1Report, decide, ok, submit } from "./helpers/review";

const step = async (name: string, status: string, id: string) => {
  expect((await d1Report(id)).status, name).toBe(status);
  await expectCountersRight(name);
};

async function figuresRight(name: string) {
  const now = new Date();
  for (const who of ["director", "admin"] as const) {
    const actor = (await actorForToken(env.DB, await tokenFor(USERS[who])))!;
    const figures = await dashboardFigures(database(env.DB), actor, now);
    expect(figuresShape(figures), `${name}: ${who}`).toEqual(await figuresRecount(actor, now, figures.schoolYear));
  }
}

describe("counters follow the review through the API", () => {
  it("news: submit, approve, return, resubmit, the whole chain, publish, unpublish", async () => {
    await expectCountersRight("seeded");
    const author = await tokenFor(USERS.quan6);
    const r = await createReport(author, { kind: "news", title: "Bộ đếm theo dõi từng bước" });
    await step("draft", "draft", r.id);
    await ok(await submit(author, r.id));
    await step("submitted", "in_review", r.id);
    await ok(await decide(await tokenFor(USERS.specialist), r.id, { action: "approve", stage: "specialist" }));
    await step("specialist approved", "in_review", r.id);
    await ok(await decide(await tokenFor(USERS.deputy), r.id, { action: "return", stage: "deputy_head", comment: "Bổ sung ảnh" }));
    await step("returned by the deputy head", "returned", r.id);
    await figuresRight("returned");

    const current = await json(await call(`/api/v1/reports/${r.id}`, { token: author }));
    const edited = await call(`/api/v1/reports/${r.id}`, { method: "PATCH", token: author, json: { body: "Nội dung đã bổ sung." }, headers: { "if-match": `"${current.version}"` } });
    expect(edited.status).toBe(200);
    await step("edited while returned", "returned", r.id);
    await ok(await submit(author, r.id));
    await step("resubmitted", "in_review", r.id);

    await approveAndPublish(r.id, 2);
    await step("published", "published", r.id);
    await figuresRight("published");
    // Reaching the director moved the report's earlier decisions to its new reach.
    const { results } = await env.DB.prepare("SELECT DISTINCT reach FROM dashboard_stage_times WHERE unit_id = (SELECT unit_id FROM reports WHERE id = ?)").bind(r.id).all<{ reach: number }>();
    expect(results.map((x) => x.reach)).toContain(4);

    await ok(await call(`/api/v1/reports/${r.id}/unpublish`, { token: await tokenFor(USERS.director), json: { reason: "Gỡ để kiểm tra bộ đếm" } }));
    await step("unpublished", "unpublished", r.id);
    await figuresRight("unpublished");
  });

  it("withdraw and submit again", async () => {
    const author = await tokenFor(USERS.tanPhu);
    const r = await createReport(author, { title: "Rút rồi gửi lại" });
    await ok(await submit(author, r.id));
    await step("submitted", "in_review", r.id);
    await ok(await call(`/api/v1/reports/${r.id}/withdraw`, { method: "POST", token: author }));
    await step("withdrawn", "withdrawn", r.id);
    await ok(await submit(author, r.id));
    await step("submitted again", "in_review", r.id);
    await ok(await decide(await tokenFor(USERS.specialist), r.id, { action: "return", stage: "specialist", comment: "Sai số liệu" }));
    await step("returned by the specialist", "returned", r.id);
    await figuresRight("after withdraw");
  });

  it("a periodic report waits for its centre head first (reach 1), then the department", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await createReport(author, await periodicInput({ title: "Báo cáo định kỳ tháng" }));
    await ok(await submit(author, r.id));
    await step("at the centre head", "in_review", r.id);
    await ok(await decide(await tokenFor(USERS.centreHead), r.id, { action: "approve", stage: "centre_head" }));
    await step("centre head approved", "in_review", r.id);
    await ok(await decide(await tokenFor(USERS.specialist), r.id, { action: "return", stage: "specialist", comment: "Thiếu số liệu" }));
    await step("returned by the specialist", "returned", r.id);
    await ok(await submit(author, r.id));
    await step("resumed at the specialist", "in_review", r.id);
    await figuresRight("periodic");
  });

  it("direct SQL writers are counted too: a report inserted submitted, moved, and events out of order", async () => {
    const author = await tokenFor(USERS.minhKhai);
    const r = await createReport(author, { title: "Ghi thẳng vào D1" });
    await env.DB.prepare("UPDATE reports SET status = 'in_review', stage = 'deputy_head', stage_role = 'deputy_head', review_reach = 3, stage_due_at = ? WHERE id = ?")
      .bind(new Date(Date.now() - 3600_000).toISOString(), r.id)
      .run();
    await expectCountersRight("moved by SQL");
    const at = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
    // The decision lands before the event it is timed from.
    await env.DB.prepare("INSERT INTO report_events (id, report_id, seq, action, actor_role, stage, to_status, revision, created_at) VALUES (?, ?, 2, 'approve', 'specialist', 'specialist', 'in_review', 1, ?)").bind(`${r.id}-2`, r.id, at(1)).run();
    await expectCountersRight("decision before its submit");
    await env.DB.prepare("INSERT INTO report_events (id, report_id, seq, action, actor_role, stage, to_status, revision, created_at) VALUES (?, ?, 1, 'submit', 'author', 'specialist', 'in_review', 1, ?)").bind(`${r.id}-1`, r.id, at(30)).run();
    await expectCountersRight("submit after");
    await env.DB.prepare("UPDATE reports SET status = 'approved', stage = NULL, stage_role = NULL, stage_due_at = NULL, review_reach = 4 WHERE id = ?").bind(r.id).run();
    await expectCountersRight("approved by SQL");
  });
});
