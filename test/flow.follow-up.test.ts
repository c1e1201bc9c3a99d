// Submit and decide answer once the event is recorded in the ReportFlow object and projected to
// D1; the emails and the publication follow the answer, from the object's own storage, and need no
// further request to finish, even when the process dies right after answering.
import { introspectWorkflowInstance, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ReviewActor } from "../src/domain/review";
import { publishInstanceId } from "../src/flow/effects";
import type { ReportFlow } from "../src/flow/report-flow";
import type { FlowResult } from "../src/flow/view";
import { demoUsers } from "../src/seed/demo-data";
import { call, createReport, tokenFor, USERS } from "./helpers/api";
import { d1Report, decide, flowStub, ok, submit, submittedReport } from "./helpers/review";

const demo = (email: string) => demoUsers.find((u) => u.email === email)!;

/** A Quận 6 news report waiting for the director. */
async function atDirector(title: string): Promise<string> {
  const id = await submittedReport({ title, kind: "news" });
  await ok(await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist" }));
  await ok(await decide(await tokenFor(USERS.deputy), id, { action: "approve", stage: "deputy_head" }));
  return id;
}

/** The director as the state machine sees them for this report (what the Worker passes over RPC). */
async function director(reportId: string): Promise<ReviewActor> {
  const u = demo(USERS.director);
  const { unit_id } = (await env.DB.prepare("SELECT unit_id FROM reports WHERE id = ?").bind(reportId).first<{ unit_id: string }>())!;
  return { id: u.id, name: u.name, unitId: u.unitId, roles: ["director"], coverage: { director: [unit_id] } };
}

/** Polls `probe` until it holds, with no request to the Worker or the object in between. */
async function eventually(what: string, probe: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const approvedEmails = async (id: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM notifications WHERE report_id = ? AND template = 'approved'").bind(id).first<{ n: number }>())!.n;

const workKinds = (state: DurableObjectState) => state.storage.sql.exec<{ kind: string }>("SELECT kind FROM work ORDER BY kind").toArray().map((r) => r.kind);

describe("the answer comes before the follow-up", () => {
  it("decide answers with D1 projected and a bookmark, while the emails and the publication are still due work in the object", async () => {
    const id = await atDirector("Trả lời trước, gửi thư sau");
    const actor = await director(id);
    const publication = await introspectWorkflowInstance(env.PUBLISH, publishInstanceId(id, 1));
    const { result, dueRightAfter } = await runInDurableObject(flowStub(id), async (instance: ReportFlow, state) => {
      const result: FlowResult = await instance.decide({ reportId: id, actor, action: "approve", stage: "director" });
      // Read in the same turn as the answer: nothing of the follow-up has run yet.
      return { result, dueRightAfter: workKinds(state) };
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.view).toMatchObject({ status: "approved", pendingProjection: false });
    // The local runtime has the Sessions API: the projection's write answers with its bookmark.
    expect(result.view.bookmark).toMatch(/^[0-9a-f]{8}(-[0-9a-f]+)+$/);
    expect(dueRightAfter).toEqual(["notify", "publish"]);
    // D1 had the approval before the answer (a read right after sees its own write).
    expect(await d1Report(id)).toMatchObject({ status: "approved", version: result.view.version });

    // No further request: the object sends the email and starts the publication on its own.
    await eventually("the author's 'approved' email is logged", async () => (await approvedEmails(id)) === 1);
    await publication.waitForStatus("complete");
    await publication.dispose();
    await eventually("D1 shows it published", async () => (await d1Report(id)).status === "published");
    const { published_url } = (await env.DB.prepare("SELECT published_url FROM reports WHERE id = ?").bind(id).first<{ published_url: string }>())!;
    expect((await call(published_url)).status).toBe(200);
    await eventually("nothing left to do", async () => (await flowStub(id).work()).length === 0);
  });

  it("submit answers in review, with the specialist's email still to be sent", async () => {
    const author = demo(USERS.quan6);
    const r = await createReport(await tokenFor(USERS.quan6), { title: "Gửi xong trả lời ngay" });
    const actor: ReviewActor = { id: author.id, name: author.name, unitId: author.unitId, roles: ["author"], coverage: {} };
    const { result, dueRightAfter } = await runInDurableObject(flowStub(r.id), async (instance: ReportFlow, state) => {
      const result: FlowResult = await instance.submit({ reportId: r.id, actor });
      return { result, dueRightAfter: workKinds(state) };
    });
    expect(result).toMatchObject({ ok: true, view: { status: "in_review", stage: { id: "specialist" }, pendingProjection: false } });
    expect(dueRightAfter).toContain("notify");
    await eventually("the specialist's email is logged", async () => {
      const row = await env.DB.prepare("SELECT to_email FROM notifications WHERE report_id = ? AND template = 'awaiting_review'").bind(r.id).first<{ to_email: string }>();
      return row?.to_email === USERS.specialist;
    });
  });

  it("through the API, the answer's body stays the review state (the bookmark is not part of it)", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await createReport(author, { title: "Trạng thái không kèm dấu D1" });
    const body = await ok(await submit(author, r.id));
    expect(Object.keys(body).sort()).toEqual(["assignee", "pendingProjection", "reportId", "revision", "stage", "stageDueAt", "status", "version"]);
  });
});

describe("a crash right after the answer", () => {
  it("the armed alarm alone finishes the emails and the publication", async () => {
    const id = await atDirector("Sập ngay sau khi trả lời");
    const publication = await introspectWorkflowInstance(env.PUBLISH, publishInstanceId(id, 1));
    await runInDurableObject(flowStub(id), (instance: ReportFlow) => {
      instance.crashAt = "before:notify";
    });
    const res = await decide(await tokenFor(USERS.director), id, { action: "approve", stage: "director" });
    expect(await ok(res)).toMatchObject({ status: "approved", pendingProjection: false });
    // The process died before any email: none is logged yet, and none is asked for from here on.
    expect(await approvedEmails(id)).toBe(0);
    await eventually("the author's 'approved' email is logged", async () => (await approvedEmails(id)) === 1);
    await publication.waitForStatus("complete");
    await publication.dispose();
    await eventually("D1 shows it published", async () => (await d1Report(id)).status === "published");
    expect(await approvedEmails(id)).toBe(1);
  });
});
