// Issue 14 points 1 and 2 on the portal: each republication adds "Đính chính ngày …: <note>" to the
// page, index.json beside it carries {title, publishedAt, approvedBy, corrections, …}, and a
// retraction takes both down.
import { describe, expect, it } from "vitest";
import { call, json, tokenFor, USERS } from "./helpers/api";
import { approveAndPublish, publishedReport } from "./helpers/publish";
import { ok, submit } from "./helpers/review";

async function correct(id: string, body: string, correctionNote: string) {
  const author = await tokenFor(USERS.quan6);
  const current = await json(await call(`/api/v1/reports/${id}`, { token: author }));
  const res = await call(`/api/v1/reports/${id}`, { method: "PATCH", token: author, json: { body, correctionNote }, headers: { "if-match": `"${current.version}"` } });
  expect(res.status, await res.clone().text()).toBe(200);
  await ok(await submit(author, id));
}

const visible = (html: string) => html.replace(/<[^>]+>/g, "").replace(/\s+/g, " ");

describe("the public record of an article", () => {
  it("corrected twice: two dated notes on the page and in index.json, approvals named; retracted: both gone (410)", async () => {
    const { id, url } = await publishedReport({ title: "Kết quả tuyển sinh lớp 10", body: "Có 1.250 học viên." });
    const first = await call(`${url}index.json`);
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toMatch(/^application\/json/);
    const record1 = await first.json<any>();
    expect(record1).toMatchObject({ title: "Kết quả tuyển sinh lớp 10", corrections: [], revision: 1 });
    expect(record1.approvedBy.map((a: any) => a.stage)).toEqual(["Chuyên viên", "Phó Trưởng phòng", "Trưởng phòng"]);
    expect(record1.approvedBy.every((a: any) => a.name && a.at && a.signedAs === null)).toBe(true);
    expect(Date.parse(record1.publishedAt)).not.toBeNaN();

    await correct(id, "Có 1.205 học viên.", "Sửa số học viên từ 1.250 thành 1.205.");
    expect((await approveAndPublish(id, 2)).url).toBe(url);
    await correct(id, "Có 1.205 học viên, tỉ lệ 98,6%.", "Bổ sung tỉ lệ tốt nghiệp <98,6%>.");
    expect((await approveAndPublish(id, 3)).url).toBe(url);

    const html = await (await call(url!)).text();
    const log = /<section class="corrections"[^>]*>([^]*?)<\/section>/.exec(html)?.[1] ?? "";
    const lines = [...log.matchAll(/<li>([^]*?)<\/li>/g)].map((m) => visible(m[1]!).trim());
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^Đính chính ngày \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}: /);
    const notes = lines.map((l) => l.replace(/^Đính chính ngày [^:]+:\d{2}: /, ""));
    expect(notes[0]).toBe("Sửa số học viên từ 1.250 thành 1.205.");
    expect(notes[1]).toBe("Bổ sung tỉ lệ tốt nghiệp &lt;98,6%&gt;.");
    // The note is text, escaped: no markup from it.
    expect(html).toContain("&lt;98,6%&gt;");
    const record = await (await call(`${url}index.json`)).json<any>();
    expect(record.revision).toBe(3);
    expect(record.corrections.map((c: any) => c.note)).toEqual(["Sửa số học viên từ 1.250 thành 1.205.", "Bổ sung tỉ lệ tốt nghiệp <98,6%>."]);
    expect(record.corrections.every((c: any) => Date.parse(c.at) > Date.parse(record.publishedAt))).toBe(true);

    const down = await call(`/api/v1/reports/${id}/unpublish`, { token: await tokenFor(USERS.director), json: { reason: "Số liệu đang được rà soát lại" } });
    expect(down.status).toBe(200);
    for (let i = 0; i < 100 && (await call(`${url}index.json`)).status !== 410; i++) await new Promise((r) => setTimeout(r, 50));
    const gone = await call(`${url}index.json`);
    expect(gone.status).toBe(410);
    const left = await gone.json<any>();
    expect(left).toMatchObject({ title: "Kết quả tuyển sinh lớp 10", note: "Số liệu đang được rà soát lại" });
    expect(left.corrections).toBeUndefined();
    expect((await call(url!)).status).toBe(410);
  }, 60_000);
});
