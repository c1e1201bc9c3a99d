import { describe, expect, it } from "vitest";
import { call, createReport, expectProblem, json, tokenFor, USERS } from "./helpers/api";
import { periodicInput } from "./helpers/periods";
import { approveAll, d1Report, decide, DEFAULT_CHAIN, flowStub, ok, submit, submittedReport } from "./helpers/review";

// Tests in this file share one database: every report is created by the test that uses it, with a
// unique title, and no test depends on another's order.
const NO_SUCH_ID = "00000000-0000-7000-8000-00000000dead";
const uniq = () => crypto.randomUUID().slice(0, 8);
const title = (what: string) => `Lỗi thẩm định: ${what} ${uniq()}`;
const paths = (problem: any): string[] => (problem.errors ?? []).map((e: any) => e.path);

/** The report's state on both sides: the D1 row and the DO's own view (null before the DO is touched). */
async function state(id: string) {
  return { d1: await d1Report(id), flow: await flowStub(id).view() };
}

/** A draft Quận 6 report (never submitted). */
async function draft(what: string): Promise<string> {
  return (await createReport(await tokenFor(USERS.quan6), { title: title(what) })).id;
}

/** A periodic report through its whole chain: "not_public", so it stays approved (nothing publishes it). */
async function approvedReport(what: string): Promise<string> {
  const author = await tokenFor(USERS.quan6);
  const r = await createReport(author, await periodicInput({ title: title(what) }));
  await ok(await submit(author, r.id));
  const done = await approveAll(r.id, [["centreHead", "centre_head"], ...DEFAULT_CHAIN]);
  expect(done.status).toBe("approved");
  return r.id;
}

const decisionsRaw = (token: string, id: string, body: string, headers: Record<string, string> = {}) =>
  call(`/api/v1/reports/${id}/decisions`, { token, body, headers: { "content-type": "application/json", ...headers } });

const withdraw = (token: string, id: string) => call(`/api/v1/reports/${id}/withdraw`, { method: "POST", token });

describe("decisions: the report is not where the caller thinks", () => {
  it("deciding a stage that is not the current one -> 409 naming the real current stage; nothing moves", async () => {
    const id = await submittedReport({ title: title("sai bước") });
    // Not yet at the deputy head's stage: to her the report is not there at all.
    await expectProblem(await decide(await tokenFor(USERS.deputy), id, { action: "approve", stage: "deputy_head" }), 404, "not-found");
    await ok(await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist" }));
    const before = await state(id);
    const problem = await expectProblem(await decide(await tokenFor(USERS.deputy), id, { action: "approve", stage: "director" }), 409, "conflict");
    expect(problem.currentStage).toMatchObject({ id: "deputy_head", role: "deputy_head", label: "Phó Trưởng phòng" });
    expect(problem.currentStatus).toBe("in_review");
    expect(problem.currentVersion).toBe(before.d1.version);
    expect(await state(id)).toEqual(before);
  });

  it("a stage already decided (the specialist approving twice) -> 409 with currentStage deputy_head", async () => {
    const id = await submittedReport({ title: title("quyết định hai lần") });
    const specialist = await tokenFor(USERS.specialist);
    await ok(await decide(specialist, id, { action: "approve", stage: "specialist" }));
    const before = await state(id);
    const problem = await expectProblem(await decide(specialist, id, { action: "approve", stage: "specialist" }), 409, "conflict");
    expect(problem.currentStage.id).toBe("deputy_head");
    expect(await state(id)).toEqual(before);
    expect(before.d1).toMatchObject({ status: "in_review", stage: "deputy_head" });
  });

  it("a decision on a draft: 409 to its author, 404 to a reviewer (drafts are not theirs to see); still a draft", async () => {
    const id = await draft("nháp");
    const before = await d1Report(id);
    const problem = await expectProblem(await decide(await tokenFor(USERS.quan6), id, { action: "approve", stage: "specialist" }), 409, "conflict");
    expect(problem.currentStatus).toBe("draft");
    expect(problem.currentStage).toBeNull();
    await expectProblem(await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist" }), 404, "not-found");
    expect(await d1Report(id)).toEqual(before);
    expect(before).toMatchObject({ status: "draft", stage: null, revision: 0 });
    const view = await flowStub(id).view();
    expect(view === null || (view.status === "draft" && view.revision === 0)).toBe(true);
  });

  it("a decision on an approved report -> 409 with currentStatus approved; it stays approved", async () => {
    const id = await approvedReport("đã duyệt");
    const before = await state(id);
    const problem = await expectProblem(await decide(await tokenFor(USERS.director), id, { action: "approve", stage: "director" }), 409, "conflict");
    expect(problem).toMatchObject({ currentStatus: "approved", currentStage: null });
    await expectProblem(await decide(await tokenFor(USERS.director), id, { action: "return", stage: "director", comment: "Xem lại" }), 409, "conflict");
    expect(await state(id)).toEqual(before);
    expect(before.flow).toMatchObject({ status: "approved", stage: null });
  });

  it("a decision on a returned report -> 409; it stays returned", async () => {
    const id = await submittedReport({ title: title("đã trả lại") });
    const specialist = await tokenFor(USERS.specialist);
    await ok(await decide(specialist, id, { action: "return", stage: "specialist", comment: "Thiếu ảnh" }));
    const before = await state(id);
    const problem = await expectProblem(await decide(specialist, id, { action: "approve", stage: "specialist" }), 409, "conflict");
    expect(problem.currentStatus).toBe("returned");
    expect(await state(id)).toEqual(before);
  });

  it("a decision on a report id that does not exist -> 404, and no flow comes into being", async () => {
    await expectProblem(await decide(await tokenFor(USERS.specialist), NO_SUCH_ID, { action: "approve", stage: "specialist" }), 404, "not-found");
    expect(await d1Report(NO_SUCH_ID)).toBeNull();
    expect(await flowStub(NO_SUCH_ID).view()).toBeNull();
  });
});

describe("decisions: the wrong person", () => {
  it("the director deciding the specialist stage -> 404 while it has not reached him; a wrong role at a stage one may read -> 403", async () => {
    const id = await submittedReport({ title: title("sai vai trò") });
    const before = await state(id);
    await expectProblem(await decide(await tokenFor(USERS.director), id, { action: "approve", stage: "specialist" }), 404, "not-found");
    await expectProblem(await decide(await tokenFor(USERS.deputy), id, { action: "return", stage: "specialist", comment: "Không phải việc của tôi" }), 404, "not-found");
    expect(await state(id)).toEqual(before);
    expect(before.flow).toMatchObject({ status: "in_review", stage: { id: "specialist" } });
    await ok(await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist" }));
    const atDeputy = await state(id);
    await expectProblem(await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "deputy_head" }), 403, "forbidden");
    expect(await state(id)).toEqual(atDeputy);
  });
});

describe("decisions: bad bodies -> 422 with field paths, state unchanged", () => {
  it("return without a comment -> 422 on comment", async () => {
    const id = await submittedReport({ title: title("trả không ý kiến") });
    const before = await state(id);
    const problem = await expectProblem(await decide(await tokenFor(USERS.specialist), id, { action: "return", stage: "specialist" }), 422, "validation-failed");
    expect(paths(problem)).toEqual(["comment"]);
    expect(await state(id)).toEqual(before);
  });

  it("return with a whitespace-only comment -> 422 on comment", async () => {
    const id = await submittedReport({ title: title("ý kiến trắng") });
    const before = await state(id);
    const token = await tokenFor(USERS.specialist);
    for (const comment of ["   ", "\n\t  \n", ""]) {
      const problem = await expectProblem(await decide(token, id, { action: "return", stage: "specialist", comment }), 422, "validation-failed");
      expect(paths(problem), JSON.stringify(comment)).toEqual(["comment"]);
    }
    expect(await state(id)).toEqual(before);
  });

  it("an unknown action -> 422 on action", async () => {
    const id = await submittedReport({ title: title("hành động lạ") });
    const before = await state(id);
    const problem = await expectProblem(await decide(await tokenFor(USERS.specialist), id, { action: "publish" as any, stage: "specialist" }), 422, "validation-failed");
    expect(paths(problem)).toContain("action");
    expect(await state(id)).toEqual(before);
  });

  it("an unknown field in the body -> 422 naming it", async () => {
    const id = await submittedReport({ title: title("trường lạ") });
    const before = await state(id);
    const res = await call(`/api/v1/reports/${id}/decisions`, {
      token: await tokenFor(USERS.specialist),
      json: { action: "approve", stage: "specialist", actorId: "00000000-0000-7000-8000-000000000104" },
    });
    expect(paths(await expectProblem(res, 422, "validation-failed"))).toEqual(["actorId"]);
    expect(await state(id)).toEqual(before);
  });

  it("a missing stage -> 422 on stage; a stage id that is not an identifier -> 422 too", async () => {
    const id = await submittedReport({ title: title("thiếu bước") });
    const before = await state(id);
    const token = await tokenFor(USERS.specialist);
    const missing = await call(`/api/v1/reports/${id}/decisions`, { token, json: { action: "approve" } });
    expect(paths(await expectProblem(missing, 422, "validation-failed"))).toEqual(["stage"]);
    const weird = await call(`/api/v1/reports/${id}/decisions`, { token, json: { action: "approve", stage: "Specialist; DROP" } });
    expect(paths(await expectProblem(weird, 422, "validation-failed"))).toEqual(["stage"]);
    expect(await state(id)).toEqual(before);
  });

  it("malformed JSON -> 400 malformed-request; a non-JSON body -> 415", async () => {
    const id = await submittedReport({ title: title("JSON hỏng") });
    const before = await state(id);
    const token = await tokenFor(USERS.specialist);
    await expectProblem(await decisionsRaw(token, id, '{"action":"approve","stage":'), 400, "malformed-request");
    await expectProblem(
      await call(`/api/v1/reports/${id}/decisions`, { token, body: "action=approve&stage=specialist", headers: { "content-type": "application/x-www-form-urlencoded" } }),
      415,
      "unsupported-media-type",
    );
    expect(await state(id)).toEqual(before);
  });
});

describe("decisions: If-Match", () => {
  it("a stale If-Match -> 412 with currentVersion; the current one passes", async () => {
    const id = await submittedReport({ title: title("If-Match cũ") });
    const before = await state(id);
    const v = before.d1.version as number;
    expect(before.flow!.version).toBe(v);
    const token = await tokenFor(USERS.specialist);
    const problem = await expectProblem(await decide(token, id, { action: "approve", stage: "specialist" }, { "if-match": `"${v - 1}"` }), 412, "precondition-failed");
    expect(problem.currentVersion).toBe(v);
    expect(await state(id)).toEqual(before);

    const res = await decide(token, id, { action: "approve", stage: "specialist" }, { "if-match": `"${v}"` });
    const view = await ok(res);
    expect(view).toMatchObject({ status: "in_review", stage: { id: "deputy_head" }, version: v + 1 });
    expect(res.headers.get("etag")).toBe(`"${v + 1}"`);
    expect(await d1Report(id)).toMatchObject({ stage: "deputy_head", version: v + 1 });
  });

  it("a malformed If-Match -> 412; nothing moves", async () => {
    const id = await submittedReport({ title: title("If-Match hỏng") });
    const before = await state(id);
    const token = await tokenFor(USERS.specialist);
    for (const header of ["abc", "1, 2", "-3", "v7", 'W/"x"']) {
      await expectProblem(await decide(token, id, { action: "approve", stage: "specialist" }, { "if-match": header }), 412, "precondition-failed");
    }
    expect(await state(id)).toEqual(before);
  });
});

describe("submit: errors", () => {
  it("submitting a report already in review -> 409; revision and stage unchanged", async () => {
    const id = await submittedReport({ title: title("gửi hai lần") });
    const before = await state(id);
    const problem = await expectProblem(await submit(await tokenFor(USERS.quan6), id), 409, "conflict");
    expect(problem.currentStatus).toBe("in_review");
    expect(await state(id)).toEqual(before);
    expect(before.d1).toMatchObject({ revision: 1, stage: "specialist" });
  });

  it("a stale If-Match -> 412 with currentVersion and the report stays a draft; the current version then submits", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await createReport(author, { title: title("gửi bản cũ") });
    const edited = await ok(
      await call(`/api/v1/reports/${r.id}`, { method: "PATCH", token: author, json: { body: "Nội dung đã sửa." }, headers: { "if-match": `"${r.version}"` } }),
    );
    expect(edited.version).toBeGreaterThan(r.version);
    const problem = await expectProblem(await submit(author, r.id, { "if-match": `"${r.version}"` }), 412, "precondition-failed");
    expect(problem.currentVersion).toBe(edited.version);
    expect(await d1Report(r.id)).toMatchObject({ status: "draft", stage: null, revision: 0, version: edited.version });
    const view = await flowStub(r.id).view();
    expect(view === null || (view.status === "draft" && view.revision === 0)).toBe(true);
    const { items } = await json(await call(`/api/v1/reports/${r.id}/history`, { token: author }));
    expect(items.map((e: any) => e.action)).not.toContain("submit");

    const s = await ok(await submit(author, r.id, { "if-match": `"${edited.version}"` }));
    expect(s).toMatchObject({ status: "in_review", revision: 1 });
  });

  it("a malformed If-Match on submit -> 412, still a draft", async () => {
    const id = await draft("gửi If-Match hỏng");
    const before = await d1Report(id);
    await expectProblem(await submit(await tokenFor(USERS.quan6), id, { "if-match": "version-1" }), 412, "precondition-failed");
    expect(await d1Report(id)).toEqual(before);
  });

  it("submit by another unit's author -> 404, by a reviewer -> 404 (draft) ; still a draft", async () => {
    const id = await draft("gửi hộ");
    const before = await d1Report(id);
    await expectProblem(await submit(await tokenFor(USERS.tanPhu), id), 404, "not-found");
    await expectProblem(await submit(await tokenFor(USERS.specialist), id), 404, "not-found");
    expect(await d1Report(id)).toEqual(before);
  });
});

describe("withdraw: errors", () => {
  it("withdrawing a draft -> 409; still a draft", async () => {
    const id = await draft("rút nháp");
    const before = await d1Report(id);
    const problem = await expectProblem(await withdraw(await tokenFor(USERS.quan6), id), 409, "conflict");
    expect(problem.currentStatus).toBe("draft");
    expect(await d1Report(id)).toEqual(before);
  });

  it("withdraw by a reviewer -> 403 (404 before it reaches them); by another unit's author -> 404; still in review", async () => {
    const id = await submittedReport({ title: title("rút hộ") });
    const before = await state(id);
    await expectProblem(await withdraw(await tokenFor(USERS.specialist), id), 403, "forbidden");
    await expectProblem(await withdraw(await tokenFor(USERS.director), id), 404, "not-found"); // not at his stage yet
    await expectProblem(await withdraw(await tokenFor(USERS.tanPhu), id), 404, "not-found");
    expect(await state(id)).toEqual(before);
    expect(before.flow).toMatchObject({ status: "in_review", stage: { id: "specialist" } });
  });

  it("withdraw with a stale If-Match -> 412; with an unknown body field -> 422; still in review", async () => {
    const id = await submittedReport({ title: title("rút bản cũ") });
    const before = await state(id);
    const author = await tokenFor(USERS.quan6);
    const stale = await call(`/api/v1/reports/${id}/withdraw`, { method: "POST", token: author, headers: { "if-match": `"${before.d1.version - 1}"` } });
    expect((await expectProblem(stale, 412, "precondition-failed")).currentVersion).toBe(before.d1.version);
    const extra = await call(`/api/v1/reports/${id}/withdraw`, { token: author, json: { comment: "Rút", force: true } });
    expect(paths(await expectProblem(extra, 422, "validation-failed"))).toEqual(["force"]);
    expect(await state(id)).toEqual(before);
  });
});

describe("history and diff: errors", () => {
  it("diff of a report with one revision -> 422 on from (nothing to compare)", async () => {
    const id = await submittedReport({ title: title("một phiên bản") });
    for (const who of [USERS.specialist, USERS.quan6]) {
      const problem = await expectProblem(await call(`/api/v1/reports/${id}/diff`, { token: await tokenFor(who) }), 422, "validation-failed");
      expect(paths(problem)).toEqual(["from"]);
    }
  });

  it("diff with from >= to -> 422; with from or to below 1, or not a number -> 422", async () => {
    const id = await submittedReport({ title: title("from >= to") });
    const token = await tokenFor(USERS.specialist);
    for (const qs of ["from=1&to=1", "from=2&to=1", "from=0&to=1", "from=1&to=abc", "from=1&to=2&x=1"]) {
      await expectProblem(await call(`/api/v1/reports/${id}/diff?${qs}`, { token }), 422, "validation-failed");
    }
  });

  it("diff naming a revision that does not exist -> 404", async () => {
    const id = await submittedReport({ title: title("phiên bản thiếu") });
    const token = await tokenFor(USERS.specialist);
    await expectProblem(await call(`/api/v1/reports/${id}/diff?from=1&to=5`, { token }), 404, "not-found");
    await expectProblem(await call(`/api/v1/reports/${id}/diff?to=2`, { token }), 404, "not-found");
  });

  it("history and diff of a report that does not exist -> 404", async () => {
    await expectProblem(await call(`/api/v1/reports/${NO_SUCH_ID}/history`, { token: await tokenFor(USERS.quan6) }), 404, "not-found");
    await expectProblem(await call(`/api/v1/reports/${NO_SUCH_ID}/diff?from=1&to=2`, { token: await tokenFor(USERS.specialist) }), 404, "not-found");
  });
});

describe("inbox: errors", () => {
  it("limit=0, limit=101, limit=abc -> 422 on limit", async () => {
    const token = await tokenFor(USERS.specialist);
    for (const limit of ["0", "101", "abc", "-1"]) {
      const problem = await expectProblem(await call(`/api/v1/inbox?limit=${limit}`, { token }), 422, "validation-failed");
      expect(paths(problem), limit).toEqual(["limit"]);
    }
  });

  it("a bad cursor -> 422 on cursor; an unknown query parameter -> 422", async () => {
    const token = await tokenFor(USERS.specialist);
    const bad = btoa(JSON.stringify({ not: "a cursor" }));
    for (const cursor of ["not-a-cursor", bad, "%E2%98%83", "W10"]) {
      const problem = await expectProblem(await call(`/api/v1/inbox?cursor=${cursor}`, { token }), 422, "validation-failed");
      expect(paths(problem), cursor).toEqual(["cursor"]);
    }
    await expectProblem(await call("/api/v1/inbox?status=in_review", { token }), 422, "validation-failed");
  });

  it("without a session -> 401", async () => {
    await expectProblem(await call("/api/v1/inbox"), 401, "unauthenticated");
  });

  it("an author's inbox is empty (200, items []), even with their own report in review", async () => {
    const id = await submittedReport({ title: title("hộp thư tác giả") });
    for (const who of [USERS.quan6, USERS.tanPhu]) {
      const body = await ok(await call("/api/v1/inbox?limit=100", { token: await tokenFor(who) }));
      expect(body, who).toEqual({ items: [], nextCursor: null });
    }
    expect((await d1Report(id)).status).toBe("in_review");
  });
});
