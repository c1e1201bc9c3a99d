// The roll-up page /app/periods/:id/rollup: the figures in Vietnamese number format, the rate with
// the sums it was recomputed from, the lowest and highest unit, the export buttons that work with
// the page's session cookie, and the same refusals as the API (404 page, 403 page).
import { env } from "cloudflare:workers";
import { strFromU8 } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { call, tokenFor, USERS } from "./helpers/api";
import { signIn } from "./helpers/web";

const U = DEMO_UNITS;
const TITLE = "Kết quả học kì I năm học 2024 – 2025";
const AUTHOR_ID = "00000000-0000-7000-8000-000000000105";

function insertReport(periodId: string, unitId: string, status: string, figures: object) {
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  return env.DB.prepare(
    `INSERT INTO reports (id, unit_id, author_id, kind, title, slug, body, attendees, status, version, flow_seq, review_reach, revision, created_at, updated_at, period_id, figures, submitted_at)
     VALUES (?, ?, ?, 'periodic', 'Báo cáo học kì', ?, 'Số liệu.', '[]', ?, 3, 2, 4, 1, ?, ?, ?, ?, ?)`,
  ).bind(id, unitId, AUTHOR_ID, id, status, now, now, periodId, JSON.stringify(figures), now);
}

async function openPeriod(unitIds: string[], title: string): Promise<string> {
  const res = await call("/api/v1/periods", { token: await tokenFor(USERS.specialist), json: { title, indicatorSetId: "gdtx-hoc-ki", unitIds, opensAt: "2025-01-06", dueAt: "2025-01-24" } });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json<{ id: string }>()).id;
}

let P: string;
let EMPTY: string;
const cookies: Record<string, string> = {};
const cookie = async (email: string) => (cookies[email] ??= await signIn(email, `10.62.${Object.keys(cookies).length}.1`));
const open = async (path: string, email: string) => call(path, { headers: { cookie: await cookie(email) } });

beforeAll(async () => {
  P = await openPeriod([U.quan6, U.tanPhu, U.leQuyDon, U.caoDangKinhTe], TITLE);
  EMPTY = await openPeriod([U.quan6, U.tanPhu], "Kỳ chưa có báo cáo được duyệt");
  await env.DB.batch([
    insertReport(P, U.quan6, "approved", { classes: 12, enrolled: 480, completed: 455, completionRate: 94.8, dropouts: 10, adultLearners: 200, teachers: 25 }),
    insertReport(P, U.tanPhu, "approved", { classes: 30, enrolled: 1250, completed: 1180, completionRate: 94.4, dropouts: 40, teachers: 60 }),
    insertReport(P, U.leQuyDon, "published", { classes: 5, enrolled: 95, completed: 60, completionRate: 63.2, dropouts: 20, adultLearners: 30, teachers: 9 }),
    insertReport(P, U.caoDangKinhTe, "in_review", { classes: 900, enrolled: 90000, completed: 1, completionRate: 0, dropouts: 0, adultLearners: 0, teachers: 1 }),
    insertReport(EMPTY, U.quan6, "in_review", { classes: 1, enrolled: 10, completed: 10, completionRate: 100, dropouts: 0, teachers: 1 }),
  ]);
});

/** The table's rows: row header and cells, as text. */
function rowsOf(html: string): string[][] {
  const body = /<table class="responsive rollup-table">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? "";
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) =>
      c[1]!
        .replace(/<br\s*\/?>/g, " | ")
        .replace(/<[^>]+>/g, "")
        .replace(/\s+/g, " ")
        .trim(),
    ),
  );
}

describe("the roll-up page", () => {
  it("shows the units approved out of expected and each indicator in Vietnamese numbers, the rate from the sums", async () => {
    const res = await open(`/app/periods/${P}/rollup`, USERS.specialist);
    const html = await res.text();
    expect(res.status, html.slice(0, 300)).toBe(200);
    expect(html).toContain(`<h1>Tổng hợp số liệu: ${TITLE}</h1>`);
    expect(html).toContain(`<a href="/app/periods/${P}">← Bảng theo dõi kỳ báo cáo</a>`);
    expect(html).toMatch(/<span class="rollup-count">3\/4<\/span>\s*đơn vị/);
    expect(rowsOf(html)).toEqual([
      ["Số lớp (lớp)", "47", "5 | Trung tâm GDTX Lê Quý Đôn", "30 | Trung tâm GDNN-GDTX quận Tân Phú"],
      ["Số học viên (học viên)", "1.825", "95 | Trung tâm GDTX Lê Quý Đôn", "1.250 | Trung tâm GDNN-GDTX quận Tân Phú"],
      ["Số học viên hoàn thành học kỳ (học viên)", "1.695", "60 | Trung tâm GDTX Lê Quý Đôn", "1.180 | Trung tâm GDNN-GDTX quận Tân Phú"],
      ["Tỷ lệ hoàn thành (%)", "92,9% | = 1.695 / 1.825", "63,2% | Trung tâm GDTX Lê Quý Đôn", "94,8% | Trung tâm GDNN-GDTX Quận 6"],
      ["Số học viên bỏ học (học viên)", "70", "10 | Trung tâm GDNN-GDTX Quận 6", "40 | Trung tâm GDNN-GDTX quận Tân Phú"],
      ["Số học viên là người lớn (học viên)", "230 | 2 đơn vị có số liệu", "30 | Trung tâm GDTX Lê Quý Đôn", "200 | Trung tâm GDNN-GDTX Quận 6"],
      ["Số giáo viên (giáo viên)", "94", "9 | Trung tâm GDTX Lê Quý Đôn", "60 | Trung tâm GDNN-GDTX quận Tân Phú"],
    ]);
    // The report in review is not in it.
    expect(html).not.toMatch(/90\.000|Cao đẳng Kinh tế/);
    // Phone layout: every cell carries its column's name.
    expect(html).toContain('data-label="Thấp nhất"');
    // CSP forbids inline styles.
    expect(html).not.toMatch(/\sstyle=/);
  });

  it("the export buttons link to the API's export, and the page's cookie downloads it", async () => {
    const html = await (await open(`/app/periods/${P}/rollup`, USERS.director)).text();
    const xlsx = new RegExp(`<a class="button secondary" href="(/api/v1/periods/${P}/export\\?format=xlsx)" download="">Tải Excel \\(XLSX\\)</a>`).exec(html);
    const csv = new RegExp(`<a class="button secondary" href="(/api/v1/periods/${P}/export\\?format=csv)" download="">Tải CSV</a>`).exec(html);
    expect(xlsx, html).not.toBeNull();
    expect(csv).not.toBeNull();
    const file = await open(xlsx![1]!, USERS.director);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(strFromU8(new Uint8Array(await file.arrayBuffer()).slice(0, 2))).toBe("PK");
    const text = await (await open(csv![1]!, USERS.director)).text();
    expect(text).toContain("Tổng cộng,3/4 đơn vị đã duyệt,47,1825,1695,92.9,70,230,94,");
  });

  it("a period with nothing approved says so, and still offers the files", async () => {
    const html = await (await open(`/app/periods/${EMPTY}/rollup`, USERS.specialist)).text();
    expect(html).toContain("Chưa có báo cáo nào được duyệt: chưa có số liệu để tổng hợp.");
    expect(html).toMatch(/<span class="rollup-count">0\/2<\/span>/);
    expect(html).not.toContain("rollup-table");
    expect(html).toContain(`/api/v1/periods/${EMPTY}/export?format=xlsx`);
  });

  it("a unit asked to report gets the 403 page, someone the period does not concern the 404 page, no session the sign-in", async () => {
    const author = await open(`/app/periods/${P}/rollup`, USERS.quan6);
    expect(author.status).toBe(403);
    expect(await author.text()).not.toContain("1.825");
    const head = await open(`/app/periods/${P}/rollup`, USERS.centreHead);
    expect(head.status).toBe(403);
    const stranger = await open(`/app/periods/${P}/rollup`, USERS.minhKhai);
    expect(stranger.status).toBe(404);
    expect(await stranger.text()).not.toContain(TITLE);
    expect((await open(`/app/periods/${crypto.randomUUID()}/rollup`, USERS.admin)).status).toBe(404);
    const anonymous = await call(`/app/periods/${P}/rollup`);
    expect([302, 303]).toContain(anonymous.status);
    expect(anonymous.headers.get("location")).toMatch(/^\/app\/login/);
  });
});
