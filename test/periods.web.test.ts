// The reporting periods pages (/app/periods, /app/periods/new, /app/periods/:id/close): who sees
// which periods and what each may do from the list, opening a period through the form (dates typed
// dd/mm/yyyy, errors beside their fields, nothing written on a refusal), and closing one after a
// confirmation step.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { call, json, tokenFor, USERS } from "./helpers/api";
import { periodicInput } from "./helpers/periods";
import { ok, submit } from "./helpers/review";
import { csrfOf, ORIGIN, signIn } from "./helpers/web";

const U = DEMO_UNITS;
const SPECIALIST_ID = "00000000-0000-7000-8000-000000000102";
const GDTX_COVERS = [U.quan6, U.tanPhu, U.leQuyDon, U.caoDangKinhTe];

let ip = 0;
const session = async (email: string) => {
  const cookie = await signIn(email, `10.78.${++ip}.1`);
  return { cookie, csrf: await csrfOf(cookie, "/app/periods") };
};

/** A form post whose fields may repeat (the unit checkboxes). */
const post = (path: string, cookie: string, fields: [string, string][]) =>
  call(path, { body: new URLSearchParams(fields), headers: { cookie, "content-type": "application/x-www-form-urlencoded", origin: ORIGIN } });

const get = (path: string, cookie: string) => call(path, { headers: { cookie } });

async function html(cookie: string, path: string, status = 200) {
  const res = await get(path, cookie);
  const text = await res.text();
  expect(res.status, `${path}: ${text.slice(0, 300)}`).toBe(status);
  return text;
}

const noticeOf = (res: Response) => new URL(res.headers.get("location")!, ORIGIN).searchParams.get("tb");

/** Both period tables, whole: a refused form must leave them identical. */
async function tables() {
  const periods = await env.DB.prepare("SELECT * FROM periods ORDER BY id").all();
  const units = await env.DB.prepare("SELECT * FROM period_units ORDER BY period_id, unit_id").all();
  return { periods: periods.results, units: units.results };
}

/** A period opened through the API (the pages list what the API wrote). */
async function opened(body: Record<string, unknown>, who: string = USERS.specialist): Promise<{ id: string; title: string }> {
  const res = await call("/api/v1/periods", { token: await tokenFor(who), json: { indicatorSetId: "gdtx-hoc-ki", opensAt: "2025-01-06", dueAt: "2025-01-24", ...body } });
  expect(res.status, await res.clone().text()).toBe(201);
  return json(res);
}

/** The rows of the list's table, as the text of each (tags dropped). */
const rowsOf = (page: string) => [...page.matchAll(/<tr>(.*?)<\/tr>/gs)].slice(1).map((m) => m[1]!.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim());

describe("the list", () => {
  it("a specialist sees the periods of the units they cover, newest first, with the set's name, the due time dd/mm/yyyy hh:mm, the unit count and the status; and may open and close", async () => {
    const first = await opened({ title: "Học kỳ I 2024 – 2025 (danh sách)" });
    const second = await opened({ title: "Học kỳ II 2024 – 2025 (danh sách)", indicatorSetId: "gdtx-nam-hoc", unitIds: [U.quan6, U.tanPhu], dueAt: "2025-06-20T09:30:00+07:00" });
    // Opened by an admin for a school the specialist does not cover: not theirs to see.
    const elsewhere = await opened({ title: "Kỳ của trường THPT (danh sách)", unitIds: [U.minhKhai] }, USERS.admin);
    const { cookie } = await session(USERS.specialist);
    const page = await html(cookie, "/app/periods");

    expect(page).toContain('<a href="/app/periods" aria-current="page">Kỳ báo cáo</a>');
    expect(page).toContain('<a class="button" href="/app/periods/new">Mở kỳ báo cáo</a>');
    expect(page).not.toContain(elsewhere.title);
    const rows = rowsOf(page);
    const i1 = rows.findIndex((r) => r.includes(first.title));
    const i2 = rows.findIndex((r) => r.includes(second.title));
    expect(i2).toBeGreaterThanOrEqual(0);
    expect(i2).toBeLessThan(i1);
    expect(rows[i1]).toBe(`${first.title} Kết quả học kỳ của trung tâm GDNN-GDTX 24/01/2025 17:00 4 Đang mở Đóng kỳ`);
    expect(rows[i2]).toBe(`${second.title} Kết quả năm học của trung tâm GDNN-GDTX 20/06/2025 09:30 2 Đang mở Đóng kỳ`);
    // The title leads to the period's board; closing starts with a confirmation page.
    expect(page).toContain(`<a href="/app/periods/${first.id}">${first.title}</a>`);
    expect(page).toContain(`href="/app/periods/${first.id}/close"`);
    // Every cell says which column it is (the table folds into labelled lines on a phone).
    const cells = page.match(/<td[ >]/g) ?? [];
    expect(page.match(/<td data-label="[^"]+"/g)).toHaveLength(cells.length);
    // No unit of the specialist's own is asked to report: no column for it.
    expect(page).not.toContain("Báo cáo của đơn vị");
  });

  it("the status filter shows open or closed periods only", async () => {
    const open = await opened({ title: "Kỳ đang mở (lọc)" });
    const closed = await opened({ title: "Kỳ đã đóng (lọc)" });
    const res = await call(`/api/v1/periods/${closed.id}/close`, { method: "POST", token: await tokenFor(USERS.specialist) });
    expect(res.status).toBe(200);
    const { cookie } = await session(USERS.specialist);
    const openPage = await html(cookie, "/app/periods?status=open");
    expect(openPage).toContain(open.title);
    expect(openPage).not.toContain(closed.title);
    expect(openPage).toContain('<a href="/app/periods?status=open" aria-current="page">Đang mở</a>');
    const closedPage = await html(cookie, "/app/periods?status=closed");
    expect(closedPage).toContain(closed.title);
    expect(closedPage).not.toContain(open.title);
    expect(rowsOf(closedPage).find((r) => r.includes(closed.title))).toMatch(/Đã đóng$/);
    // A closed period has nothing left to close.
    expect(closedPage).not.toContain(`/app/periods/${closed.id}/close`);
  });

  it("pages with the keyset cursor: 'Xem thêm' leads to the next periods, none twice", async () => {
    const titles: string[] = [];
    for (let i = 0; i < 27; i++) titles.push((await opened({ title: `Kỳ phân trang ${String(i).padStart(2, "0")}`, unitIds: [U.leQuyDon] }, USERS.director)).title);
    const { cookie } = await session(USERS.director);
    const seen: string[] = [];
    let path: string | undefined = "/app/periods";
    let pages = 0;
    while (path && pages < 10) {
      const page = await html(cookie, path);
      pages++;
      seen.push(...rowsOf(page).map((r) => /Kỳ phân trang \d\d/.exec(r)?.[0]).filter((t): t is string => Boolean(t)));
      path = /<a href="(\/app\/periods\?cursor=[^"]+)">Xem thêm<\/a>/.exec(page)?.[1]?.replace(/&amp;/g, "&");
    }
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(seen).toEqual([...titles].reverse());
  });

  it("an author sees their unit's periods with 'Nhập số liệu', or a link to the unit's report once there is one; a centre head sees the report only once it is submitted", async () => {
    const withQuan6 = await opened({ title: "Kỳ có Quận 6 (đơn vị)", unitIds: [U.quan6, U.tanPhu] });
    const withoutQuan6 = await opened({ title: "Kỳ không có Quận 6 (đơn vị)", unitIds: [U.tanPhu] });
    const author = await session(USERS.quan6);
    let page = await html(author.cookie, "/app/periods");
    expect(page).toContain('<a href="/app/periods" aria-current="page">Kỳ báo cáo</a>');
    expect(page).not.toContain("Mở kỳ báo cáo");
    expect(page).not.toContain(withoutQuan6.title);
    // The board is the department's: an author's list names the period without linking to it.
    expect(page).not.toContain(`href="/app/periods/${withQuan6.id}"`);
    expect(page).not.toContain("/close");
    const row = () => rowsOf(page).find((r) => r.includes(withQuan6.title));
    expect(row()).toBe(`${withQuan6.title} Kết quả học kỳ của trung tâm GDNN-GDTX 24/01/2025 17:00 2 Đang mở Nhập số liệu`);
    expect(page).toContain(`<a class="button" href="/app/reports/new?kind=periodic&amp;periodId=${withQuan6.id}">Nhập số liệu</a>`);

    const head = await session(USERS.centreHead);
    const headRow = async () => rowsOf(await html(head.cookie, "/app/periods")).find((r) => r.includes(withQuan6.title));
    expect(await headRow()).toMatch(/Đang mở Chưa gửi$/);

    // The author saves the unit's report through the API: the list now leads to it.
    const authorToken = await tokenFor(USERS.quan6);
    const created = await call("/api/v1/reports", { token: authorToken, json: await periodicInput({ periodId: withQuan6.id }) });
    expect(created.status, await created.clone().text()).toBe(201);
    const reportId = (await json<{ id: string }>(created)).id;
    page = await html(author.cookie, "/app/periods");
    expect(row()).toMatch(/Đang mở Xem báo cáo Bản nháp$/);
    expect(page).toContain(`<a href="/app/reports/${reportId}">`);
    expect(page).not.toContain(`periodId=${withQuan6.id}`);
    // A draft is the unit's own until it is submitted (the policy): the head does not see it yet.
    expect(await headRow()).toMatch(/Đang mở Chưa gửi$/);
    await ok(await submit(authorToken, reportId));
    expect(rowsOf(await html(author.cookie, "/app/periods")).find((r) => r.includes(withQuan6.title))).toMatch(/Đang mở Xem báo cáo Đang thẩm định$/);
    expect(await headRow()).toMatch(/Đang mở Xem báo cáo Đang thẩm định$/);

    // Tân Phú is in the period too, without a report: it may still start one, until the period is closed.
    const tanPhu = await session(USERS.tanPhu);
    expect(await html(tanPhu.cookie, "/app/periods")).toContain(`periodId=${withQuan6.id}`);
    expect((await call(`/api/v1/periods/${withQuan6.id}/close`, { method: "POST", token: await tokenFor(USERS.specialist) })).status).toBe(200);
    const closed = await html(tanPhu.cookie, "/app/periods");
    expect(closed).not.toContain(`periodId=${withQuan6.id}`);
    expect(rowsOf(closed).find((r) => r.includes(withQuan6.title))).toMatch(/Đã đóng Không nộp$/);
    // Quận 6's report carries on in the closed period, and the list still leads to it.
    expect(rowsOf(await html(author.cookie, "/app/periods")).find((r) => r.includes(withQuan6.title))).toMatch(/Đã đóng Xem báo cáo Đang thẩm định$/);
  });
});

const valid: [string, string][] = [
  ["title", "Kết quả học kỳ I năm học 2024 – 2025"],
  ["indicatorSetId", "gdtx-hoc-ki"],
  ["opensDate", "06/01/2025"],
  ["opensTime", ""],
  ["dueDate", "24/1/2025"],
  ["dueTime", ""],
  ["unitIds", U.quan6],
  ["unitIds", U.leQuyDon],
];
const withFields = (changes: Record<string, string | string[]>): [string, string][] => {
  const kept = valid.filter(([k]) => !(k in changes));
  return [...kept, ...Object.entries(changes).flatMap(([k, v]) => ([] as string[]).concat(v).map((x): [string, string] => [k, x]))];
};

describe("opening a period through the form", () => {
  it("the form offers the set by its Vietnamese name and every active centre and school the opener covers, all ticked, under their parent; dates are text typed dd/mm/yyyy", async () => {
    const { cookie } = await session(USERS.specialist);
    const page = await html(cookie, "/app/periods/new");
    expect(page).toContain('<option value="gdtx-hoc-ki" selected="">Kết quả học kỳ của trung tâm GDNN-GDTX</option>');
    expect(page).toContain('<option value="gdtx-nam-hoc">Kết quả năm học của trung tâm GDNN-GDTX</option>');
    const boxes = [...page.matchAll(/<input type="checkbox" name="unitIds" value="([^"]+)" checked=""/g)].map((m) => m[1]);
    expect(boxes.sort()).toEqual([...GDTX_COVERS].sort());
    expect(page).not.toContain(U.minhKhai);
    expect(page).toContain("<legend>Sở GD&amp;ĐT</legend>");
    expect(page).toMatch(/<input id="dueDate" name="dueDate" type="text" value="" placeholder="dd\/mm\/yyyy"/);
    expect(page).not.toContain('type="date"');
    // Opening today unless changed, written the Vietnamese way.
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10).split("-").reverse().join("/");
    expect(page).toContain(`name="opensDate" type="text" value="${today}"`);
    // The demo's Tân Phú centre has nobody to sign its reports: the opener is told before opening.
    expect(page).toMatch(/<span>Trung tâm GDNN-GDTX quận Tân Phú<span class="warning-text"> — chưa có lãnh đạo đơn vị ký duyệt<\/span><\/span>/);
    expect(page).toContain("<span>Trung tâm GDNN-GDTX Quận 6</span>");
    expect(page).toContain("chưa có lãnh đạo đơn vị để ký duyệt (");
  });

  it("creates the period for the ticked units: a date alone opens at 00:00 and is due at 17:00 in Viet Nam; then the board", async () => {
    const { cookie, csrf } = await session(USERS.specialist);
    const res = await post("/app/periods/new", cookie, [["_csrf", csrf], ...valid]);
    expect(res.status, await res.clone().text()).toBe(303);
    const id = /^\/app\/periods\/([0-9a-f-]{36})\?tb=/.exec(res.headers.get("location")!)?.[1];
    expect(id).toBeTruthy();
    expect(noticeOf(res)).toBe('Đã mở kỳ báo cáo "Kết quả học kỳ I năm học 2024 – 2025" cho 2 đơn vị.');
    const row = await env.DB.prepare("SELECT title, indicator_set_id, opens_at, due_at, status, opened_by FROM periods WHERE id = ?").bind(id).first();
    expect(row).toEqual({
      title: "Kết quả học kỳ I năm học 2024 – 2025",
      indicator_set_id: "gdtx-hoc-ki",
      opens_at: "2025-01-05T17:00:00.000Z",
      due_at: "2025-01-24T10:00:00.000Z",
      status: "open",
      opened_by: SPECIALIST_ID,
    });
    const units = await env.DB.prepare("SELECT unit_id FROM period_units WHERE period_id = ? ORDER BY unit_id").bind(id).all<{ unit_id: string }>();
    expect(units.results.map((u) => u.unit_id)).toEqual([U.quan6, U.leQuyDon].sort());
  });

  it("a time typed beside a date is Viet Nam's time", async () => {
    const { cookie, csrf } = await session(USERS.director);
    const res = await post("/app/periods/new", cookie, [["_csrf", csrf], ...withFields({ title: "Kỳ có giờ", opensTime: "7:30", dueTime: "09h15" })]);
    expect(res.status, await res.clone().text()).toBe(303);
    const id = /^\/app\/periods\/([0-9a-f-]{36})/.exec(res.headers.get("location")!)![1];
    expect(await env.DB.prepare("SELECT opens_at, due_at FROM periods WHERE id = ?").bind(id).first()).toEqual({ opens_at: "2025-01-06T00:30:00.000Z", due_at: "2025-01-24T02:15:00.000Z" });
  });

  it.each([
    ["a date in the wrong form", { opensDate: "2025-01-06" }, "opensDate", "Nhập ngày dạng dd/mm/yyyy, ví dụ 24/01/2025"],
    ["a day not on the calendar", { dueDate: "30/02/2025" }, "dueDate", "Ngày này không có trên lịch"],
    ["an empty due date", { dueDate: "" }, "dueDate", "Nhập ngày dạng dd/mm/yyyy, ví dụ 24/01/2025"],
    ["an impossible time", { dueTime: "24:10" }, "dueTime", "Giờ phải từ 00:00 đến 23:59"],
    ["a time in the wrong form", { opensTime: "8 giờ" }, "opensTime", "Nhập giờ dạng hh:mm, ví dụ 17:00 (hoặc để trống)"],
    ["a due date before the opening", { opensDate: "24/01/2025", dueDate: "06/01/2025" }, "dueDate", "Hạn nộp phải sau thời điểm mở kỳ"],
    ["due the same moment it opens", { opensDate: "24/01/2025", opensTime: "17:00", dueDate: "24/01/2025" }, "dueDate", "Hạn nộp phải sau thời điểm mở kỳ"],
    ["no unit ticked", { unitIds: [] }, "unitIds", "Chọn ít nhất một đơn vị phải báo cáo"],
    ["no title", { title: "   " }, "title", "Cần tên kỳ báo cáo"],
    ["an unknown set", { indicatorSetId: "khong-co" }, "indicatorSetId", "Không có bộ chỉ tiêu này"],
    ["a unit the opener does not cover (posted by hand)", { unitIds: [U.quan6, U.minhKhai] }, "unitIds", "Đơn vị này không thuộc phạm vi bạn phụ trách"],
    // Coverage comes first: a division the specialist does not cover is "not yours" before it is "not a centre".
    ["a division the opener does not cover (posted by hand)", { unitIds: [U.gdtx] }, "unitIds", "Đơn vị này không thuộc phạm vi bạn phụ trách"],
  ] as const)("%s: the form again (422) with the message beside the field, the values kept, nothing written", async (_name, changes, field, message) => {
    const { cookie, csrf } = await session(USERS.specialist);
    const before = await tables();
    const fields = withFields(changes as Record<string, string | string[]>);
    const res = await post("/app/periods/new", cookie, [["_csrf", csrf], ...fields]);
    const page = await res.text();
    expect(res.status, page.slice(0, 500)).toBe(422);
    expect(await tables()).toEqual(before);
    // The summary at the top names the field and links to it; the message sits beside the field.
    expect(page).toContain('<div class="errors" role="alert" tabindex="-1" id="loi">');
    expect(page).toContain(`<a href="#${field}">`);
    expect(page).toContain(`<p class="error" id="${field}-error">${message}</p>`);
    // That field alone: a time the form could not read does not also make its date "not ISO 8601".
    expect(page.match(/<p class="error" id="[^"]+"/g)).toEqual([`<p class="error" id="${field}-error"`]);
    if (field === "unitIds") {
      expect(page).toMatch(/<fieldset id="unitIds" class="period-units" aria-describedby="unitIds-hint unitIds-error">/);
    } else {
      expect(page).toMatch(new RegExp(`id="${field}" name="${field}"[^>]*aria-invalid="true"[^>]*aria-describedby="[^"]*${field}-error"`));
    }
    // What was typed is still there.
    const typed = fields.find(([k]) => k === "title")![1];
    if (typed.trim()) expect(page).toContain(`value="${typed}"`);
    for (const [k, v] of fields) if (k === "opensDate" || k === "dueDate") expect(page).toContain(`name="${k}" type="text" value="${v}"`);
    // Only the units that were ticked stay ticked.
    const ticked = [...page.matchAll(/name="unitIds" value="([^"]+)" checked=""/g)].map((m) => m[1]);
    expect(ticked.sort()).toEqual(fields.filter(([k, v]) => k === "unitIds" && GDTX_COVERS.includes(v)).map(([, v]) => v).sort());
  });

  it("an author may not open a period: 403 pages, nothing written", async () => {
    const { cookie, csrf } = await session(USERS.quan6);
    expect(await html(cookie, "/app/periods/new", 403)).toContain("Bạn không có quyền xem trang này.");
    const before = await tables();
    const res = await post("/app/periods/new", cookie, [["_csrf", csrf], ...withFields({ unitIds: [U.quan6] })]);
    expect(res.status).toBe(403);
    expect(await tables()).toEqual(before);
  });

  it("a post without the page's CSRF token is refused and writes nothing", async () => {
    const { cookie } = await session(USERS.specialist);
    const before = await tables();
    const res = await post("/app/periods/new", cookie, [["_csrf", "0".repeat(64)], ...valid]);
    expect(res.status).toBe(403);
    expect(await tables()).toEqual(before);
  });
});

describe("closing a period", () => {
  const state = async (id: string) => env.DB.prepare("SELECT status, closed_by FROM periods WHERE id = ?").bind(id).first<{ status: string; closed_by: string | null }>();

  it("asks first: a page saying what closing means, with the one button; the post closes it and says so on the list", async () => {
    const p = await opened({ title: "Kỳ sẽ đóng" });
    const { cookie, csrf } = await session(USERS.specialist);
    const confirm = await html(cookie, `/app/periods/${p.id}/close`);
    expect(confirm).toContain("Kỳ sẽ đóng");
    expect(confirm).toContain("Sau khi đóng, kỳ báo cáo không nhận báo cáo mới.");
    expect(confirm).toContain(`<form method="post" action="/app/periods/${p.id}/close" class="actions">`);
    expect(confirm).toContain('<button type="submit" class="danger">Đóng kỳ báo cáo</button>');
    // Looking at the confirmation changes nothing.
    expect(await state(p.id)).toEqual({ status: "open", closed_by: null });

    const res = await post(`/app/periods/${p.id}/close`, cookie, [["_csrf", csrf]]);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^\/app\/periods\?tb=/);
    expect(noticeOf(res)).toBe('Đã đóng kỳ báo cáo "Kỳ sẽ đóng". Kỳ không nhận báo cáo mới.');
    expect(await state(p.id)).toEqual({ status: "closed", closed_by: SPECIALIST_ID });
    const list = await html(cookie, res.headers.get("location")!);
    expect(list).toContain('<p class="notice" role="status">Đã đóng kỳ báo cáo &quot;Kỳ sẽ đóng&quot;. Kỳ không nhận báo cáo mới.</p>');
    // Asking again: it is already closed.
    const again = await get(`/app/periods/${p.id}/close`, cookie);
    expect(again.status).toBe(303);
    expect(noticeOf(again)).toBe('Kỳ báo cáo "Kỳ sẽ đóng" đã đóng từ trước.');
  });

  it("an author may not close (403), a period out of reach is a 404 page, a specialist not covering every unit is told why on the list; nothing changes", async () => {
    const p = await opened({ title: "Kỳ không được đóng" });
    const author = await session(USERS.quan6);
    expect((await get(`/app/periods/${p.id}/close`, author.cookie)).status).toBe(403);
    expect((await post(`/app/periods/${p.id}/close`, author.cookie, [["_csrf", author.csrf]])).status).toBe(403);
    expect(await state(p.id)).toEqual({ status: "open", closed_by: null });

    const specialist = await session(USERS.specialist);
    const theirs = await opened({ title: "Kỳ của trường THPT (đóng)", unitIds: [U.minhKhai] }, USERS.admin);
    expect((await get(`/app/periods/${theirs.id}/close`, specialist.cookie)).status).toBe(404);
    expect((await post(`/app/periods/${theirs.id}/close`, specialist.cookie, [["_csrf", specialist.csrf]])).status).toBe(404);
    expect(await state(theirs.id)).toEqual({ status: "open", closed_by: null });

    const mixed = await opened({ title: "Kỳ hai phòng (đóng)", unitIds: [U.quan6, U.minhKhai] }, USERS.admin);
    const res = await post(`/app/periods/${mixed.id}/close`, specialist.cookie, [["_csrf", specialist.csrf]]);
    expect(res.status).toBe(303);
    expect(noticeOf(res)).toBe("Không thực hiện được: Chỉ chuyên viên, trưởng phòng phụ trách mọi đơn vị của kỳ hoặc quản trị viên được đóng kỳ báo cáo");
    expect(await state(mixed.id)).toEqual({ status: "open", closed_by: null });
  });
});

describe("the menu", () => {
  it.each([USERS.admin, USERS.specialist, USERS.deputy, USERS.director, USERS.quan6, USERS.centreHead])("%s has 'Kỳ báo cáo'", async (email) => {
    const { cookie } = await session(email);
    expect(await html(cookie, "/app/reports")).toContain('<a href="/app/periods">Kỳ báo cáo</a>');
  });
});
