// Issue 14 point 1 (API side): a published article is corrected only with a note for its readers
// (correctionNote, 422 naming it otherwise), the note is frozen with the revision and cleared once
// published, and the diff a reviewer gets by default reads the correction against the live page.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, json, tokenFor, USERS } from "./helpers/api";
import { approveAndPublish, publishedReport } from "./helpers/publish";
import { decide, ok, submit } from "./helpers/review";

async function reportOf(id: string, token: string) {
  return json(await call(`/api/v1/reports/${id}`, { token }));
}

async function patch(id: string, token: string, body: Record<string, unknown>) {
  const current = await reportOf(id, token);
  return call(`/api/v1/reports/${id}`, { method: "PATCH", token, json: body, headers: { "if-match": `"${current.version}"` } });
}

describe("correcting a published article", () => {
  it("resubmitting without a note is 422 naming correctionNote; nothing moves", async () => {
    const { id } = await publishedReport({ title: "Bài cần đính chính" });
    const author = await tokenFor(USERS.quan6);
    expect((await patch(id, author, { body: "Số học viên tốt nghiệp là 1.205." })).status).toBe(200);
    const before = await reportOf(id, author);
    const res = await submit(author, id);
    expect(res.status).toBe(422);
    const problem = await json(res);
    expect(problem.errors.map((e: { path: string }) => e.path)).toEqual(["correctionNote"]);
    const after = await reportOf(id, author);
    expect([after.status, after.version, after.revision]).toEqual([before.status, before.version, before.revision]);
  });

  it("an empty or a 10,000-character note is refused (422 naming it), nothing written", async () => {
    const { id } = await publishedReport({ title: "Ghi chú đính chính sai" });
    const author = await tokenFor(USERS.quan6);
    const before = await reportOf(id, author);
    for (const note of ["", "   ", "x".repeat(10_000)]) {
      const res = await patch(id, author, { correctionNote: note });
      expect(res.status, note.slice(0, 10)).toBe(422);
      expect((await json(res)).errors[0].path).toBe("correctionNote");
    }
    expect((await reportOf(id, author)).version).toBe(before.version);
  });

  it("with a note: frozen in the revision, cleared once republished; the diff starts from the live revision", async () => {
    const { id } = await publishedReport({ title: "Đính chính số liệu", body: "Có 1.250 học viên tốt nghiệp." });
    const author = await tokenFor(USERS.quan6);
    expect((await patch(id, author, { body: "Có 1.205 học viên tốt nghiệp.", correctionNote: "Sửa số học viên tốt nghiệp từ 1.250 thành 1.205." })).status).toBe(200);
    await ok(await submit(author, id));
    // Returned once and corrected again: the specialist still reads the correction against the live page.
    await ok(await decide(await tokenFor(USERS.specialist), id, { action: "return", stage: "specialist", comment: "Ghi rõ nguồn số liệu" }));
    expect((await patch(id, author, { summary: "Số liệu theo báo cáo tổng kết." })).status).toBe(200);
    await ok(await submit(author, id));
    const diff = await json(await call(`/api/v1/reports/${id}/diff`, { token: await tokenFor(USERS.specialist) }));
    expect([diff.from, diff.to]).toEqual([1, 3]);
    expect(diff.bodyChanged).toBe(true);
    const frozen = await env.DB.prepare("SELECT content FROM report_revisions WHERE report_id = ? AND number = 3").bind(id).first<{ content: string }>();
    expect(JSON.parse(frozen!.content).correctionNote).toBe("Sửa số học viên tốt nghiệp từ 1.250 thành 1.205.");
    await approveAndPublish(id, 3);
    expect((await reportOf(id, author)).correctionNote).toBeNull();
  });
});
