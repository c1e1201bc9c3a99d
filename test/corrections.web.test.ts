// Issue 14 point 1 on the web: the edit form of a published article asks for the correction note,
// a "Trình" without it goes back to that field with the reason, and the reviewers see the note.
import { describe, expect, it } from "vitest";
import { call, json, tokenFor, USERS } from "./helpers/api";
import { publishedReport } from "./helpers/publish";
import { csrfOf, formPost as form, signIn } from "./helpers/web";

describe("web: correcting a published article", () => {
  it("the form asks for the note; submitting without it returns to the field; the specialist sees it", async () => {
    const { id } = await publishedReport({ title: "Bài đính chính trên web", body: "Có 1.250 học viên." });
    const cookie = await signIn(USERS.quan6, "10.9.14.1");
    const csrf = await csrfOf(cookie);
    const edit = await (await call(`/app/reports/${id}/edit`, { headers: { cookie } })).text();
    expect(edit).toContain('<label for="correctionNote">Nội dung đính chính</label>');
    const version = /name="version" value="(\d+)"/.exec(edit)![1]!;

    // Saved without a note, then "Trình": back to the form's note field, as an error.
    const saved = await call(`/app/reports/${id}/edit`, form(cookie, { _csrf: csrf, kind: "news", version, title: "Bài đính chính trên web", body: "Có 1.205 học viên.", correctionNote: "" }));
    expect(saved.status).toBe(303);
    const refused = await call(`/app/reports/${id}/submit`, form(cookie, { _csrf: csrf }));
    expect(refused.status).toBe(303);
    const to = refused.headers.get("location")!;
    expect(to).toMatch(new RegExp(`^/app/reports/${id}/edit\\?.*loi=1.*#correctionNote$`));
    const back = await (await call(to.replace(/#.*$/, ""), { headers: { cookie } })).text();
    expect(back).toContain("cần ghi nội dung đính chính");
    expect(back).toMatch(/role="alert"/);

    // With the note: it goes to review and the specialist reads it on the report page.
    const v2 = /name="version" value="(\d+)"/.exec(back)![1]!;
    const withNote = await call(`/app/reports/${id}/edit`, form(cookie, { _csrf: csrf, kind: "news", version: v2, title: "Bài đính chính trên web", body: "Có 1.205 học viên.", correctionNote: "Sửa số học viên từ 1.250 thành 1.205." }));
    expect(withNote.status).toBe(303);
    expect((await call(`/app/reports/${id}/submit`, form(cookie, { _csrf: csrf }))).headers.get("location")).not.toContain("loi=1");
    expect((await json(await call(`/api/v1/reports/${id}`, { token: await tokenFor(USERS.quan6) }))).status).toBe("in_review");
    const reviewer = await signIn(USERS.specialist, "10.9.14.2");
    const page = await (await call(`/app/reports/${id}`, { headers: { cookie: reviewer } })).text();
    expect(page).toContain("Nội dung đính chính (bạn đọc sẽ thấy)");
    expect(page).toContain("Sửa số học viên từ 1.250 thành 1.205.");
  });

  it("a report never published has no such field", async () => {
    const cookie = await signIn(USERS.quan6, "10.9.14.3");
    const created = await call("/api/v1/reports", { token: await tokenFor(USERS.quan6), json: { kind: "news", title: "Bản nháp chưa đăng", body: "Nội dung" } });
    const { id } = await json(created);
    const edit = await (await call(`/app/reports/${id}/edit`, { headers: { cookie } })).text();
    expect(edit).not.toContain('for="correctionNote"');
  });
});
