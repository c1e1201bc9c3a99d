// Issue 15 points 3 and 8 on the web pages: the menu's counts ("Chờ thẩm định (3)", "Bị trả lại
// (2)"), dashboard tiles as links, and the reports list's and inbox's search and filters (unit,
// kind, status, dates typed dd/mm/yyyy, sort), which only ever narrow what the caller may see.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { call, createReport, tokenFor, USERS } from "./helpers/api";
import { decide, ok, submit } from "./helpers/review";
import { signIn } from "./helpers/web";

let ip = 0;
const cookies = new Map<string, string>();
async function cookieOf(email: string): Promise<string> {
  if (!cookies.has(email)) cookies.set(email, await signIn(email, `10.95.${++ip}.1`));
  return cookies.get(email)!;
}

async function html(email: string, path: string): Promise<string> {
  const res = await call(path, { headers: { cookie: await cookieOf(email) } });
  expect(res.status, path).toBe(200);
  return res.text();
}

/** The titles in a list page's table, in order. */
const titles = (page: string) => [...page.matchAll(/<td data-label="Tiêu đề"><a href="\/app\/reports\/[^"]+">([^<]*)<\/a>/g)].map((m) => m[1]!);

/** The figure beside a menu item ("Chờ thẩm định (3)" -> "3"). */
const menuCount = (page: string, label: string) => new RegExp(`${label} <span class="count[^"]*">\\(([^)]*)\\)</span>`).exec(page)?.[1];

async function submitted(email: string, fields: Record<string, unknown>): Promise<string> {
  const token = await tokenFor(email);
  const r = await createReport(token, fields);
  await ok(await submit(token, r.id));
  return r.id;
}

const todayVn = () => {
  const d = new Date(Date.now() + 7 * 3600_000);
  return `${String(d.getUTCDate()).padStart(2, "0")}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/${d.getUTCFullYear()}`;
};
const shiftDays = (ddmmyyyy: string, days: number) => {
  const [d, m, y] = ddmmyyyy.split("/").map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d) + days * 86_400_000);
  return `${String(t.getUTCDate()).padStart(2, "0")}/${String(t.getUTCMonth() + 1).padStart(2, "0")}/${t.getUTCFullYear()}`;
};

// Words no other test's titles hold, so each search finds only these reports.
const IDS: Record<string, string> = {};
beforeAll(async () => {
  IDS.q6News = await submitted(USERS.quan6, { kind: "news", title: "Hội thảo đổi mới phương pháp dạy học Zeta" });
  IDS.q6Event = await submitted(USERS.quan6, { kind: "event", title: "Hội nghị tổng kết Zeta tại Quận 6" });
  IDS.tanPhu = await submitted(USERS.tanPhu, { kind: "news", title: "Ngày hội đọc sách Zeta quận Tân Phú" });
  // Minh Khai is outside the GDTX division's coverage: a specialist of its own reviews it.
  for (const role of ["specialist", "deputy_head", "director"]) {
    const res = await call("/api/v1/users", {
      token: await tokenFor(USERS.admin),
      json: { email: `${role}-minhkhai-lists@sogd.example`, name: `Người duyệt ${role}`, unitId: DEMO_UNITS.trungHoc, password: "Mật-khẩu-đủ-dài-2024", grants: [{ role, unitIds: [DEMO_UNITS.minhKhai] }] },
    });
    expect(res.status, await res.clone().text()).toBe(201);
  }
  IDS.minhKhai = await submitted(USERS.minhKhai, { kind: "news", title: "Lễ khai giảng Zeta trường Minh Khai" });
  IDS.draft = (await createReport(await tokenFor(USERS.quan6), { kind: "news", title: "Bản nháp Zeta chưa gửi" })).id;
});

describe("menu counts", () => {
  it("a specialist's 'Chờ thẩm định (n)' is their inbox's default scope, as the API counts it", async () => {
    const api = await ok(await call("/api/v1/inbox?scope=mine&limit=100", { token: await tokenFor(USERS.specialist) }));
    const page = await html(USERS.specialist, "/app/reports");
    expect(menuCount(page, "Chờ thẩm định")).toBe(String(api.items.length));
    expect(api.items.length).toBeGreaterThanOrEqual(3);
    // One more report waiting: one more in the menu, on any page.
    await submitted(USERS.quan6, { kind: "news", title: "Thông báo tuyển sinh Zeta bổ sung" });
    expect(menuCount(await html(USERS.specialist, "/app/settings"), "Chờ thẩm định")).toBe(String(api.items.length + 1));
    // An author reviews nothing: no inbox count in their menu.
    expect(menuCount(await html(USERS.quan6, "/app/reports"), "Chờ thẩm định")).toBeUndefined();
  });

  it("on the inbox page the menu, the tabs and the pages agree with the API, page after page", async () => {
    for (let i = 0; i < 27; i++) await submitted(USERS.quan6, { kind: "news", title: `Tin chờ thẩm định số ${i} Omega` });
    const token = await tokenFor(USERS.specialist);
    const api = async (scope: string) => (await ok(await call(`/api/v1/inbox?scope=${scope}&limit=100`, { token }))).items.map((r: { title: string }) => r.title);
    const mine = await api("mine");
    const all = await api("all");
    expect(mine.length).toBeGreaterThan(26);
    const first = await html(USERS.specialist, "/app/inbox");
    expect(menuCount(first, "Chờ thẩm định")).toBe(String(mine.length));
    expect(first).toContain(`Việc của tôi (${mine.length})`);
    expect(first).toContain(`Tất cả (${all.length})`);
    // "Xem thêm" through the whole scope: the API's order, each report once.
    const shown: string[] = [];
    let path: string | undefined = "/app/inbox";
    for (let pages = 0; path && pages < 10; pages++) {
      const page: string = pages === 0 ? first : await html(USERS.specialist, path);
      shown.push(...titles(page));
      // A later page's menu counts the same as the first.
      expect(menuCount(page, "Chờ thẩm định")).toBe(String(mine.length));
      path = /<a href="(\/app\/inbox\?[^"]+)">Xem thêm<\/a>/.exec(page)?.[1]?.replace(/&amp;/g, "&");
    }
    expect(shown).toEqual(mine);
  });

  it("an author's 'Bị trả lại (n)' counts their own unit's returned reports, and links to them", async () => {
    const returned = async (unitId: string) =>
      (await env.DB.prepare("SELECT count(*) AS n FROM reports WHERE unit_id = ? AND status = 'returned'").bind(unitId).first<{ n: number }>())!.n;
    const before = await returned(DEMO_UNITS.quan6);
    const page = await html(USERS.quan6, "/app/reports");
    expect(menuCount(page, "Bị trả lại")).toBe(String(before));
    expect(page).toContain('href="/app/reports?status=returned"');
    expect(await html(USERS.quan6, "/app/reports?status=returned")).toMatch(/<a href="\/app\/reports\?status=returned" aria-current="page">Bị trả lại/);
    const id = await submitted(USERS.quan6, { kind: "news", title: "Tin Zeta sẽ bị trả lại" });
    await ok(await decide(await tokenFor(USERS.specialist), id, { action: "return", stage: "specialist", comment: "Bổ sung ảnh" }));
    expect(menuCount(await html(USERS.quan6, "/app/reports"), "Bị trả lại")).toBe(String(before + 1));
    // Another unit's author counts their own unit only.
    expect(menuCount(await html(USERS.tanPhu, "/app/reports"), "Bị trả lại")).toBe(String(await returned(DEMO_UNITS.tanPhu)));
    // The link lists exactly the returned ones.
    const list = await html(USERS.quan6, "/app/reports?status=returned");
    expect(titles(list)).toContain("Tin Zeta sẽ bị trả lại");
    expect(list).not.toContain("Hội thảo đổi mới phương pháp dạy học Zeta");
  });

  it("the dashboard's tiles link to the lists they count", async () => {
    // The admin sees every stage (a director's reach starts at their own stage).
    const page = await html(USERS.admin, "/app/dashboard");
    expect(page).toMatch(/<a class="stat" href="\/app\/reports\?status=in_review"><b>\d+<\/b>/);
    expect(page).toContain('<a class="stat" href="#qua-han">');
    // A unit's count in the table opens the list under that unit, status and school year.
    expect(page).toMatch(new RegExp(`href="/app/reports\\?unit=${DEMO_UNITS.quan6}&amp;status=in_review&amp;from=01%2F09%2F\\d{4}&amp;to=31%2F08%2F\\d{4}"`));
  });
});

describe("the reports list's search and filters", () => {
  it("search finds words typed with or without diacritics (đ folded), within what the caller sees", async () => {
    for (const q of ["đổi mới Zeta", "doi moi zeta", "DOI MOI ZETA"]) {
      expect(titles(await html(USERS.quan6, `/app/reports?q=${encodeURIComponent(q)}`)), q).toEqual(["Hội thảo đổi mới phương pháp dạy học Zeta"]);
    }
    // The author's unit only: Tân Phú's "Zeta" report is not theirs.
    const mine = titles(await html(USERS.quan6, "/app/reports?q=zeta"));
    expect(mine).toContain("Bản nháp Zeta chưa gửi");
    expect(mine).not.toContain("Ngày hội đọc sách Zeta quận Tân Phú");
    // The search box keeps what was typed.
    expect(await html(USERS.quan6, "/app/reports?q=doi+moi")).toContain('value="doi moi"');
  });

  it("kind, status and unit narrow the list; filters are kept in the tabs and form", async () => {
    expect(titles(await html(USERS.quan6, "/app/reports?q=zeta&kind=event"))).toEqual(["Hội nghị tổng kết Zeta tại Quận 6"]);
    const drafts = titles(await html(USERS.quan6, "/app/reports?q=zeta&status=draft"));
    expect(drafts).toEqual(["Bản nháp Zeta chưa gửi"]);
    // Without a search: the date walk and the scope walks take the same filters.
    const events = titles(await html(USERS.specialist, `/app/reports?kind=event&unit=${DEMO_UNITS.quan6}`));
    expect(events).toContain("Hội nghị tổng kết Zeta tại Quận 6");
    expect(events).not.toContain("Hội thảo đổi mới phương pháp dạy học Zeta");
    const tanPhu = titles(await html(USERS.specialist, `/app/reports?unit=${DEMO_UNITS.tanPhu}&q=zeta`));
    expect(tanPhu).toEqual(["Ngày hội đọc sách Zeta quận Tân Phú"]);
    const page = await html(USERS.specialist, `/app/reports?unit=${DEMO_UNITS.tanPhu}&q=zeta`);
    // The unit field shows the chosen unit by name and remembers its id for the next "Lọc".
    expect(page).toMatch(/<input type="search" id="donvi" name="donvi" value="Trung tâm GDNN-GDTX quận Tân Phú"/);
    expect(page).toContain(`<input type="hidden" name="unit" value="${DEMO_UNITS.tanPhu}"/>`);
    // A status tab keeps the other filters.
    expect(page).toContain(`href="/app/reports?q=zeta&amp;unit=${DEMO_UNITS.tanPhu}&amp;status=in_review"`);
  });

  it("dates typed dd/mm/yyyy bound the creation day; a wrong date is marked, not ignored silently", async () => {
    const today = todayVn();
    const yesterday = shiftDays(today, -1);
    const tomorrow = shiftDays(today, 1);
    expect(titles(await html(USERS.quan6, `/app/reports?q=zeta&kind=event&from=${today}&to=${today}`))).toEqual(["Hội nghị tổng kết Zeta tại Quận 6"]);
    expect(titles(await html(USERS.quan6, `/app/reports?kind=event&from=${today}`))).toContain("Hội nghị tổng kết Zeta tại Quận 6");
    expect(titles(await html(USERS.quan6, `/app/reports?q=zeta&to=${yesterday}`))).toEqual([]);
    expect(titles(await html(USERS.quan6, `/app/reports?to=${yesterday}`))).not.toContain("Hội nghị tổng kết Zeta tại Quận 6");
    expect(titles(await html(USERS.quan6, `/app/reports?from=${tomorrow}`))).toEqual([]);
    const wrong = await html(USERS.quan6, "/app/reports?from=31/02/2024");
    expect(wrong).toMatch(/id="from"[^>]*aria-invalid="true"/);
    expect(wrong).toContain('id="from-error"');
    const reversed = await html(USERS.quan6, `/app/reports?from=${today}&to=${yesterday}`);
    expect(reversed).toContain("phải sau hoặc bằng");
  });

  it("an empty result says so and offers 'Xoá bộ lọc'", async () => {
    const page = await html(USERS.quan6, "/app/reports?q=khongcotukhoanay");
    expect(page).toContain("Không có báo cáo nào khớp với bộ lọc.");
    expect(page).toContain('<a href="/app/reports">Xoá bộ lọc</a>');
    expect(titles(page)).toEqual([]);
  });

  it("'Xem thêm' keeps the filters, and the pages hold each report once", async () => {
    const token = await tokenFor(USERS.quan6);
    for (let i = 0; i < 27; i++) await createReport(token, { kind: "news", title: `Trang Omega số ${i}` });
    const first = await html(USERS.quan6, "/app/reports?q=omega&status=draft");
    const more = /<a href="(\/app\/reports\?[^"]+)">Xem thêm<\/a>/.exec(first)?.[1]?.replace(/&amp;/g, "&");
    expect(more).toMatch(/^\/app\/reports\?q=omega&status=draft&cursor=/);
    const second = await html(USERS.quan6, more!);
    const all = [...titles(first), ...titles(second)];
    expect(titles(first)).toHaveLength(25);
    expect(new Set(all).size).toBe(27);
    expect(all.every((t) => t.startsWith("Trang Omega"))).toBe(true);
    // Paging without a search (the date walk), under a kind filter and a "to" date.
    const byDate = await html(USERS.quan6, `/app/reports?kind=news&status=draft&to=${todayVn()}`);
    const next = /<a href="(\/app\/reports\?[^"]+)">Xem thêm<\/a>/.exec(byDate)?.[1]?.replace(/&amp;/g, "&");
    expect(next).toContain(`to=${encodeURIComponent(todayVn())}`);
    const page2 = titles(await html(USERS.quan6, next!));
    expect(page2.some((t) => titles(byDate).includes(t))).toBe(false);
  });

  it("the unit is typed by name: accents and case aside, one unit narrows the list, several are offered as links", async () => {
    // Without accents, in lower case: the one unit whose name holds it.
    const typed = await html(USERS.specialist, "/app/reports?donvi=tan+phu&q=zeta");
    expect(titles(typed)).toEqual(["Ngày hội đọc sách Zeta quận Tân Phú"]);
    expect(typed).toMatch(/id="donvi" name="donvi" value="Trung tâm GDNN-GDTX quận Tân Phú"/);
    // Links from that page carry the unit's id, not the words typed.
    expect(typed).toContain(`href="/app/reports?q=zeta&amp;unit=${DEMO_UNITS.tanPhu}&amp;status=in_review"`);
    // Two centres hold "GDNN-GDTX": nothing narrowed, both offered, the field says why.
    const several = await html(USERS.specialist, "/app/reports?donvi=gdnn-gdtx&q=zeta");
    expect(several).toContain("Có 2 đơn vị có tên chứa “gdnn-gdtx”");
    expect(several).toContain('aria-invalid="true"');
    expect(several).toContain(`href="/app/reports?q=zeta&amp;unit=${DEMO_UNITS.quan6}">Trung tâm GDNN-GDTX Quận 6</a>`);
    expect(several).toContain(`href="/app/reports?q=zeta&amp;unit=${DEMO_UNITS.tanPhu}">Trung tâm GDNN-GDTX quận Tân Phú</a>`);
    expect(titles(several)).toEqual(expect.arrayContaining(["Ngày hội đọc sách Zeta quận Tân Phú", "Hội nghị tổng kết Zeta tại Quận 6"]));
    // The whole name, even when another unit's name holds it, is that unit; a name changed by the
    // user wins over the unit the form remembered.
    const quan6 = titles(await html(USERS.specialist, `/app/reports?donvi=Trung+t%C3%A2m+GDNN-GDTX+Qu%E1%BA%ADn+6&unit=${DEMO_UNITS.tanPhu}&q=zeta`));
    expect(quan6).toContain("Hội nghị tổng kết Zeta tại Quận 6");
    expect(quan6).not.toContain("Ngày hội đọc sách Zeta quận Tân Phú");
    // The field emptied: every unit again, whatever unit the form remembered.
    const cleared = titles(await html(USERS.specialist, `/app/reports?donvi=&unit=${DEMO_UNITS.tanPhu}&q=zeta`));
    expect(cleared).toEqual(expect.arrayContaining(["Ngày hội đọc sách Zeta quận Tân Phú", "Hội nghị tổng kết Zeta tại Quận 6"]));
    // Bad input is a page with the field marked, never an error: an over-long name, control
    // characters, markup (escaped), a unit id that is no unit.
    for (const bad of ["x".repeat(5000), "%00%1F%7F", "%3Cscript%3Ealert(1)%3C%2Fscript%3E"]) {
      const res = await call(`/app/reports?donvi=${bad}`, { headers: { cookie: await cookieOf(USERS.specialist) } });
      expect(res.status, bad.slice(0, 20)).toBe(200);
      const page = await res.text();
      expect(page).toContain("Không có đơn vị nào có tên");
      expect(page).not.toContain("<script>alert(1)");
    }
    const noUnit = await html(USERS.specialist, "/app/reports?unit=khong-phai-don-vi&q=zeta");
    expect(noUnit).not.toContain('name="unit" value=');
    expect(titles(noUnit)).toEqual(expect.arrayContaining(["Ngày hội đọc sách Zeta quận Tân Phú", "Hội nghị tổng kết Zeta tại Quận 6"]));
    // The inbox takes the same field.
    expect(titles(await html(USERS.specialist, "/app/inbox?scope=all&donvi=TAN+PHU&q=zeta"))).toEqual(["Ngày hội đọc sách Zeta quận Tân Phú"]);
  });

  it("a reviewer never sees a unit outside their coverage through a filter", async () => {
    // Minh Khai is not suggested nor found by name, and asking for it by address shows nothing of it.
    const names = await (await call("/app/don-vi", { headers: { cookie: await cookieOf(USERS.specialist) } })).json();
    expect(names).toContain("Trung tâm GDNN-GDTX Quận 6");
    expect(names).not.toContain("Trường THPT Nguyễn Thị Minh Khai");
    const byName = await html(USERS.specialist, "/app/reports?donvi=Minh+Khai");
    expect(byName).toContain("Không có đơn vị nào có tên “Minh Khai” trong các đơn vị bạn được xem.");
    expect(titles(byName)).not.toContain("Lễ khai giảng Zeta trường Minh Khai");
    for (const path of [`/app/reports?unit=${DEMO_UNITS.minhKhai}`, `/app/reports?unit=${DEMO_UNITS.minhKhai}&q=zeta`, "/app/reports?q=khai+giang+zeta", `/app/inbox?scope=all&unit=${DEMO_UNITS.minhKhai}`, "/app/inbox?scope=all&q=khai+giang"]) {
      const got = await html(USERS.specialist, path);
      expect(got, path).not.toContain("Lễ khai giảng Zeta trường Minh Khai");
    }
    // The admin sees the whole department, Minh Khai included.
    expect(titles(await html(USERS.admin, "/app/reports?q=khai+giang+zeta"))).toEqual(["Lễ khai giảng Zeta trường Minh Khai"]);
    // A centre head sees their own unit only: no unit to choose, Tân Phú's report not found.
    const head = await html(USERS.centreHead, "/app/reports?q=zeta");
    expect(head).not.toContain('id="donvi"');
    expect(titles(head)).not.toContain("Ngày hội đọc sách Zeta quận Tân Phú");
  });
});

describe("the inbox's search, filters and order", () => {
  it("filters by unit, kind and search; sorts by due (default) or newest sent", async () => {
    const all = titles(await html(USERS.specialist, "/app/inbox?scope=all&q=zeta"));
    expect(all).toEqual(expect.arrayContaining(["Hội thảo đổi mới phương pháp dạy học Zeta", "Hội nghị tổng kết Zeta tại Quận 6", "Ngày hội đọc sách Zeta quận Tân Phú"]));
    expect(titles(await html(USERS.specialist, "/app/inbox?scope=all&q=doi+moi"))).toEqual(["Hội thảo đổi mới phương pháp dạy học Zeta"]);
    expect(titles(await html(USERS.specialist, "/app/inbox?scope=all&q=zeta&kind=event"))).toEqual(["Hội nghị tổng kết Zeta tại Quận 6"]);
    expect(titles(await html(USERS.specialist, `/app/inbox?scope=all&q=zeta&unit=${DEMO_UNITS.tanPhu}`))).toEqual(["Ngày hội đọc sách Zeta quận Tân Phú"]);
    // Newest sent first is the reverse of the order they were sent in.
    const newest = titles(await html(USERS.specialist, "/app/inbox?scope=all&q=zeta&sort=new"));
    expect(newest.indexOf("Ngày hội đọc sách Zeta quận Tân Phú")).toBeLessThan(newest.indexOf("Hội thảo đổi mới phương pháp dạy học Zeta"));
    const sent = await env.DB.prepare("SELECT title, submitted_at FROM reports WHERE status = 'in_review' AND title LIKE '%Zeta%' AND unit_id IN (?, ?)").bind(DEMO_UNITS.quan6, DEMO_UNITS.tanPhu).all<{ title: string; submitted_at: string }>();
    const bySent = [...sent.results].sort((a, b) => (a.submitted_at < b.submitted_at ? 1 : a.submitted_at > b.submitted_at ? -1 : 0)).map((r) => r.title);
    expect(newest).toEqual(bySent.filter((t) => newest.includes(t)));
    // The form keeps the scope, and the tabs keep the filters.
    const page = await html(USERS.specialist, "/app/inbox?scope=all&q=zeta&sort=new");
    expect(page).toContain('<input type="hidden" name="scope" value="all"');
    expect(page).toContain('href="/app/inbox?scope=mine&amp;q=zeta&amp;sort=new"');
    expect(page).toContain('<option value="new" selected="">');
  });

  it("the submission dates bound the inbox; nothing matching says so with 'Xoá bộ lọc'", async () => {
    const today = todayVn();
    expect(titles(await html(USERS.specialist, `/app/inbox?scope=all&q=zeta&from=${today}&to=${today}`)).length).toBeGreaterThanOrEqual(3);
    const none = await html(USERS.specialist, `/app/inbox?scope=all&q=zeta&to=${shiftDays(today, -1)}`);
    expect(titles(none)).toEqual([]);
    expect(none).toContain("Không có báo cáo nào khớp với bộ lọc.");
    expect(none).toContain('<a href="/app/inbox?scope=all">Xoá bộ lọc</a>');
  });
});
