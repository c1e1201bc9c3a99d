// Routing that cannot stall, on the admin's pages: the units page marks each active centre and
// school whose workflows have a stage nobody can decide for it (by submit's own rule), in a
// bounded number of statements; deactivating the only holder of a stage that reports wait at is
// refused on the users page, with nothing written.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEMO_UNITS, demoUnits } from "../src/seed/demo-data";
import { call, createReport, json, tokenFor, USERS } from "./helpers/api";
import { capture } from "./helpers/d1-capture";
import { periodicInput } from "./helpers/periods";
import { ok, submit } from "./helpers/review";
import { csrfOf, formPost, ORIGIN, signIn } from "./helpers/web";

const U = DEMO_UNITS;
const CENTRE_HEAD_ID = "00000000-0000-7000-8000-000000000107";
const unitName = (id: string) => demoUnits.find((u) => u.id === id)!.name;

let ip = 0;
const adminCookie = () => signIn(USERS.admin, `10.79.${++ip}.1`);

async function unitsPage(cookie: string): Promise<string> {
  const res = await call("/app/units", { headers: { cookie } });
  const text = await res.text();
  expect(res.status, text.slice(0, 300)).toBe(200);
  return text;
}

/** The units table's row (its HTML) for a unit, by its name in the first cell. */
function rowOf(html: string, name: string): string {
  const escaped = name.replaceAll("&", "&amp;");
  const row = html.split("<tr>").find((r) => r.includes(`<td data-label="Tên">${escaped}</td>`));
  expect(row, name).toBeDefined();
  return row!.split("</tr>")[0]!;
}

/** The stage labels a row marks as missing. */
const missingIn = (row: string) => (row.includes("Thiếu người thẩm định:") ? [...row.matchAll(/<li>([^<]+?) <span class="hint">/g)].map((m) => m[1]) : []);

async function newUser(unitId: string, grants: { role: string; unitIds: string[] }[]) {
  const res = await call("/api/v1/users", {
    token: await tokenFor(USERS.admin),
    json: { email: `tham-dinh-${crypto.randomUUID().slice(0, 8)}@sogd.example`, name: "Người Thẩm Định", unitId, password: "Mật-khẩu-đủ-dài-2024", grants },
  });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text) as { id: string };
}

describe("units page: stages nobody can decide", () => {
  it("marks Tân Phú (no centre head) and Minh Khai (no department reviewer either); Quận 6 has every stage", async () => {
    const html = await unitsPage(await adminCookie());
    expect(missingIn(rowOf(html, unitName(U.tanPhu)))).toEqual(["Lãnh đạo đơn vị"]);
    expect(rowOf(html, unitName(U.tanPhu))).toContain('<span class="hint">(Báo cáo định kỳ)</span>');
    expect(missingIn(rowOf(html, unitName(U.minhKhai)))).toEqual(["Lãnh đạo đơn vị", "Chuyên viên", "Phó Trưởng phòng", "Trưởng phòng"]);
    expect(rowOf(html, unitName(U.minhKhai))).toContain("(Tin tức, Hội nghị, sự kiện, Báo cáo định kỳ)");
    expect(missingIn(rowOf(html, unitName(U.quan6)))).toEqual([]);
    expect(rowOf(html, unitName(U.quan6))).toContain('<td data-label="Thẩm định">Đủ các bước</td>');
    // A department or a division reports nothing of its own here: no mark either way.
    expect(rowOf(html, unitName(U.gdtx))).toContain('<td data-label="Thẩm định">—</td>');
    // Tân Phú, Lê Quý Đôn, the college and Minh Khai.
    expect(html).toMatch(/<p class="warning-text" id="thieu-tham-dinh">4 đơn vị còn bước chưa có người thẩm định/);
  });

  it("follows the people: a centre head for Tân Phú clears its mark; one person holding two stages of Minh Khai's chain counts for one of them", async () => {
    await newUser(U.tanPhu, [{ role: "centre_head", unitIds: [] }]);
    await newUser(U.gdtx, [
      { role: "specialist", unitIds: [U.minhKhai] },
      { role: "deputy_head", unitIds: [U.minhKhai] },
    ]);
    const html = await unitsPage(await adminCookie());
    expect(missingIn(rowOf(html, unitName(U.tanPhu)))).toEqual([]);
    // Specialist and deputy head have a holder each, but not two people: the later stage is named (as submit would).
    expect(missingIn(rowOf(html, unitName(U.minhKhai)))).toEqual(["Lãnh đạo đơn vị", "Phó Trưởng phòng", "Trưởng phòng"]);
    // An inactive unit is not marked.
    const res = await call(`/api/v1/units/${U.leQuyDon}`, { method: "PATCH", token: await tokenFor(USERS.admin), json: { active: false } });
    expect(res.status).toBe(200);
    expect(rowOf(await unitsPage(await adminCookie()), unitName(U.leQuyDon))).toContain('<td data-label="Thẩm định">—</td>');
  });

  it("reads the same number of statements whatever the number of units", async () => {
    const cookie = await adminCookie();
    const before = await capture(() => unitsPage(cookie));
    const admin = await tokenFor(USERS.admin);
    for (let i = 0; i < 5; i++) {
      const res = await call("/api/v1/units", { token: admin, json: { code: `TT-ROUTE-${i}`, name: `Trung tâm thử định tuyến ${i}`, type: "centre", parentId: U.department } });
      expect(res.status).toBe(201);
    }
    const after = await capture(() => unitsPage(cookie));
    expect(after.value).toContain("Trung tâm thử định tuyến 4");
    expect(missingIn(rowOf(after.value, "Trung tâm thử định tuyến 4"))).toEqual(["Lãnh đạo đơn vị", "Chuyên viên", "Phó Trưởng phòng", "Trưởng phòng"]);
    expect(after.statements.length).toBe(before.statements.length);
  });

  it("is the admin's: a reviewer gets 403", async () => {
    const res = await call("/app/units", { headers: { cookie: await signIn(USERS.director, `10.79.${++ip}.2`) } });
    expect(res.status).toBe(403);
  });
});

describe("users page: a deactivation that would strand waiting reports", () => {
  it("is refused with the stage, the unit and the count shown as an error on the page; the centre head stays active", async () => {
    const head = await tokenFor(USERS.centreHead); // a live session, which the refusal must leave alone
    const author = await tokenFor(USERS.quan6);
    const report = await createReport(author, await periodicInput());
    await ok(await submit(author, report.id));
    const cookie = await adminCookie();
    const csrf = await csrfOf(cookie, "/app/users");
    const res = await call(`/app/users/${CENTRE_HEAD_ID}/deactivate`, formPost(cookie, { _csrf: csrf, confirmed: "1" }));
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    const notice = new URL(location, ORIGIN).searchParams.get("tb");
    expect(notice).toMatch(/^Không thực hiện được: /);
    expect(notice).toContain("bước “Lãnh đạo đơn vị” của Trung tâm GDNN-GDTX Quận 6 (1 báo cáo đang chờ)");
    const page = await (await call(location, { headers: { cookie } })).text();
    // Shown as an error (the error box, announced at once), not as news.
    expect(page).toMatch(/<div class="errors" role="alert"><p>Không thực hiện được: [^<]*bước “Lãnh đạo đơn vị” của Trung tâm GDNN-GDTX Quận 6/);
    const row = await env.DB.prepare("SELECT active FROM users WHERE id = ?").bind(CENTRE_HEAD_ID).first<{ active: number }>();
    expect(row?.active).toBe(1);
    const me = await json(await call("/api/v1/me", { token: head }));
    expect(me.email).toBe(USERS.centreHead);
  });
});
