// The board page /app/periods/:id (DESIGN.md section 11): the period, the count tiles and the units
// for a reviewer, the missing ones first, sortable by links; late rows marked in words; reports
// linked only where the viewer may open them; refused to a unit's author, hidden from others.
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { viDateTime } from "../src/portal/format";
import { call, createReport, tokenFor, USERS } from "./helpers/api";
import { periodicInput } from "./helpers/periods";
import { decide, ok, submit } from "./helpers/review";
import { DEMO_PASSWORD } from "./helpers/seed";
import { signIn } from "./helpers/web";

const U = DEMO_UNITS;
const GDTX = [U.quan6, U.tanPhu, U.leQuyDon, U.caoDangKinhTe];
const NAME = {
  quan6: "Trung tâm GDNN-GDTX Quận 6",
  tanPhu: "Trung tâm GDNN-GDTX quận Tân Phú",
  leQuyDon: "Trung tâm GDTX Lê Quý Đôn",
  caoDang: "Trường Cao đẳng Kinh tế Thành phố Hồ Chí Minh",
};
const HEAD_TAN_PHU = "giamdoc.tanphu@board-web.example";

beforeAll(async () => {
  const res = await call("/api/v1/users", {
    token: await tokenFor(USERS.admin),
    json: { email: HEAD_TAN_PHU, name: "Giám đốc Tân Phú", unitId: U.tanPhu, password: DEMO_PASSWORD, grants: [{ role: "centre_head", unitIds: [] }] },
  });
  expect(res.status, await res.text()).toBe(201);
});

async function openPeriod(body: Record<string, unknown>): Promise<string> {
  const res = await call("/api/v1/periods", { token: await tokenFor(USERS.specialist), json: { indicatorSetId: "gdtx-hoc-ki", unitIds: GDTX, ...body } });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text).id;
}

async function submitted(periodId: string, author: string): Promise<string> {
  const token = await tokenFor(author);
  const r = await createReport(token, await periodicInput({ periodId }));
  await ok(await submit(token, r.id));
  return r.id;
}

/** The units' names in the order the page lists them (each name is followed by its closing tag). */
const orderOf = (html: string, names: string[]) => names.map((n) => html.indexOf(`${n}<`));
const ascending = (xs: number[]) => xs.every((x, i) => x > 0 && (i === 0 || x > xs[i - 1]!));

describe("the board page", () => {
  it("shows a specialist the period, the tiles and the units, the missing ones first, linking the reports they may open", async () => {
    // Opened with past dates: every unit is late, whether it submits now or never.
    const periodId = await openPeriod({ title: "Kết quả học kì I — bảng theo dõi", opensAt: "2025-01-06", dueAt: "2025-01-24" });
    const atSpecialist = await submitted(periodId, USERS.quan6);
    await ok(await decide(await tokenFor(USERS.centreHead), atSpecialist, { action: "approve", stage: "centre_head" }));
    const atHead = await submitted(periodId, USERS.tanPhu);
    const board = await ok(await call(`/api/v1/periods/${periodId}/board`, { token: await tokenFor(USERS.specialist) }));

    const cookie = await signIn(USERS.specialist, "10.20.0.1");
    const res = await call(`/app/periods/${periodId}`, { headers: { cookie } });
    const html = await res.text();
    expect(res.status, html).toBe(200);
    expect(html).toContain("<h1>Kết quả học kì I — bảng theo dõi</h1>");
    expect(html).toContain("06/01/2025 00:00");
    expect(html).toContain("24/01/2025 17:00");
    expect(html).toContain("Kết quả học kỳ của trung tâm GDNN-GDTX");
    expect(html).toContain("Đang mở");
    // Tiles: two missing, two in review, all four late, none approved.
    for (const [n, label] of [["2", "Chưa nộp"], ["0", "Đang soạn"], ["2", "Đang thẩm định"], ["0", "Bị trả lại"], ["0", "Đã duyệt"], ["4", "Quá hạn"]]) {
      expect(html).toMatch(new RegExp(`<b>${n}</b>${label}</li>`));
    }
    // Missing first, then by name.
    expect(ascending(orderOf(html, [NAME.leQuyDon, NAME.caoDang, NAME.quan6, NAME.tanPhu]))).toBe(true);
    // The report at the specialist's stage is a link; the one still with Tân Phú's head is not.
    expect(html).toContain(`<a href="/app/reports/${atSpecialist}">${NAME.quan6}</a>`);
    expect(html).not.toContain(`/app/reports/${atHead}`);
    expect(html).toContain("Chuyên viên");
    expect(html).toContain("Lãnh đạo đơn vị");
    const quan6 = board.units.find((u: { unitId: string }) => u.unitId === U.quan6);
    expect(html).toContain(viDateTime(quan6.submittedAt));
    // Late rows: a class and words, not colour alone.
    expect(html.match(/<tr class="late">/g)).toHaveLength(4);
    expect(html).toContain("Muộn (nộp sau hạn)");
    expect(html).toContain("Muộn (chưa nộp)");
    // Phone layout: each cell carries its column's name.
    for (const label of ["Đơn vị", "Trạng thái", "Bước", "Nộp lúc", "Muộn"]) expect(html).toContain(`data-label="${label}"`);
    expect(html).toContain(`href="/app/periods/${periodId}/rollup"`);
    expect(html).toContain('href="/app/periods"');
    expect(html).not.toMatch(/style=/);
  });

  it("sorts by the column links: state, first submission, name; an unknown sort is the default", async () => {
    const periodId = await openPeriod({ title: "Kỳ để xếp", opensAt: "2026-01-05", dueAt: "2099-01-23" });
    const first = await submitted(periodId, USERS.tanPhu);
    const second = await submitted(periodId, USERS.quan6);
    await ok(await decide(await tokenFor(USERS.centreHead), second, { action: "approve", stage: "centre_head" }));
    await ok(await decide(await tokenFor(USERS.specialist), second, { action: "return", stage: "specialist", comment: "Bổ sung số liệu" }));
    expect(first).not.toBe(second);
    const cookie = await signIn(USERS.specialist, "10.20.0.4");
    const page = async (q: string) => (await call(`/app/periods/${periodId}${q}`, { headers: { cookie } })).text();

    const byDefault = await page("");
    expect(ascending(orderOf(byDefault, [NAME.leQuyDon, NAME.caoDang, NAME.quan6, NAME.tanPhu]))).toBe(true);
    expect(byDefault).toMatch(/<th scope="col" aria-sort="ascending"><a href="[^"]*\?sort=unit"/);
    expect(await page("?sort=khac")).toBe(byDefault);
    // State: not started, then returned (Quận 6), then in review (Tân Phú).
    const byState = await page("?sort=state");
    expect(ascending(orderOf(byState, [NAME.leQuyDon, NAME.caoDang, NAME.quan6, NAME.tanPhu]))).toBe(true);
    expect(byState).toMatch(/<th scope="col" aria-sort="ascending"><a href="[^"]*\?sort=state"/);
    // First submission: none first, then Tân Phú (first) before Quận 6.
    const bySubmission = await page("?sort=submitted");
    expect(ascending(orderOf(bySubmission, [NAME.leQuyDon, NAME.caoDang, NAME.tanPhu, NAME.quan6]))).toBe(true);
    expect(bySubmission).toMatch(/<th scope="col" aria-sort="ascending"><a href="[^"]*\?sort=submitted"/);
    // The same links for phones, where the headers are hidden, with the current one marked.
    expect(bySubmission).toMatch(/<nav class="board-sort"[^>]*>[\s\S]*<a href="[^"]*\?sort=submitted" aria-current="page">Nộp lúc<\/a>/);
    expect(bySubmission).toContain("Chưa đến hạn");
    expect(bySubmission).toContain("Đúng hạn");
    expect(bySubmission).not.toMatch(/<tr class="late">/);
  });

  it("refuses an author of a unit in the period (403 page), hides it from others (404 page) and sends the signed-out to sign in", async () => {
    const periodId = await openPeriod({ title: "Kỳ không cho tác giả", opensAt: "2026-01-05", dueAt: "2099-01-23" });
    const author = await signIn(USERS.quan6, "10.20.0.2");
    const refused = await call(`/app/periods/${periodId}`, { headers: { cookie: author } });
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain(NAME.tanPhu);
    const outsider = await signIn(USERS.minhKhai, "10.20.0.3");
    expect((await call(`/app/periods/${periodId}`, { headers: { cookie: outsider } })).status).toBe(404);
    const missing = await call("/app/periods/019a0000-0000-7000-8000-000000000000", { headers: { cookie: author } });
    expect(missing.status).toBe(404);
    const anonymous = await call(`/app/periods/${periodId}`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toBe(`/app/login?next=${encodeURIComponent(`/app/periods/${periodId}`)}`);
  });
});
