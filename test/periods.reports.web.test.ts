// The periodic report's form and page in /app (issue 12 point 8): the form is built from the
// period's indicator set (labels, units, the previous period's value beside each field, inline
// errors, a note field for a value that moved a lot), and the report page shows the figures with
// the previous values, the warnings and the notes to reviewers.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { INDICATOR_SETS } from "../indicators";
import { call, json, tokenFor, USERS } from "./helpers/api";
import { GOOD_FIGURES, openPeriod, periodicInput } from "./helpers/periods";
import { approveAll, DEFAULT_CHAIN, decide, ok, submit } from "./helpers/review";
import { csrfOf, formPost as form, signIn } from "./helpers/web";

const SET = INDICATOR_SETS.get("gdtx-hoc-ki")!;

/** The form fields for GOOD_FIGURES, typed the Vietnamese way. */
const typed = (over: Record<string, string> = {}) => ({
  "figures.classes": "412",
  "figures.enrolled": "13.184",
  "figures.completed": "13.001",
  "figures.completionRate": "98,6",
  "figures.dropouts": "95",
  "figures.adultLearners": "5.210",
  "figures.teachers": "640",
  ...over,
});

const reportIn = async (periodId: string) =>
  env.DB.prepare("SELECT id, figures, figure_notes FROM reports WHERE period_id = ?").bind(periodId).first<{ id: string; figures: string; figure_notes: string | null }>();

async function approvedIn(periodId: string) {
  const author = await tokenFor(USERS.quan6);
  const r = await json(await call("/api/v1/reports", { token: author, json: await periodicInput({ periodId }) }));
  await ok(await submit(author, r.id));
  await ok(await decide(await tokenFor(USERS.centreHead), r.id, { action: "approve", stage: "centre_head" }));
  await approveAll(r.id, DEFAULT_CHAIN);
}

describe("the periodic report form", () => {
  it("has a labelled field per indicator with its unit, and creates the report with numbers", async () => {
    const periodId = await openPeriod({ title: "Học kì I năm học 2041 – 2042" });
    const cookie = await signIn(USERS.quan6, "10.9.0.1");
    const res = await call(`/app/reports/new?kind=periodic&periodId=${periodId}`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Học kì I năm học 2041 – 2042");
    for (const ind of SET.indicators) {
      expect(html).toContain(`<label for="figures.${ind.id}">${ind.label}`);
      expect(html).toContain(`name="figures.${ind.id}"`);
    }
    expect(html).toContain("(học viên)");
    expect(html).toContain(`name="periodId" value="${periodId}"`);
    // The menu marks "Tạo báo cáo" as this page, not also the list it sits under.
    expect(html).toContain('<a href="/app/reports/new" aria-current="page">Tạo báo cáo</a>');
    expect(html).toContain('<a href="/app/reports">Báo cáo của đơn vị</a>');

    const csrf = /name="_csrf" value="([0-9a-f]{64})"/.exec(html)![1]!;
    const post = await call("/app/reports/new", form(cookie, { _csrf: csrf, kind: "periodic", periodId, title: "Báo cáo học kì I", body: "Kết quả học kì I.", ...typed() }));
    expect(post.status, await post.clone().text()).toBe(303);
    const row = await reportIn(periodId);
    expect(JSON.parse(row!.figures)).toEqual(GOOD_FIGURES);
    // A report's own page sits under "Báo cáo của đơn vị" in the menu.
    const own = await (await call(`/app/reports/${row!.id}`, { headers: { cookie } })).text();
    expect(own).toContain('<a href="/app/reports" aria-current="true">Báo cáo của đơn vị</a>');
    expect(own).toContain('<a href="/app/reports/new">Tạo báo cáo</a>');
  });

  it("shows each error beside its field and keeps what was typed; nothing is written", async () => {
    const periodId = await openPeriod();
    const cookie = await signIn(USERS.quan6, "10.9.0.2");
    const csrf = await csrfOf(cookie, `/app/reports/new?kind=periodic&periodId=${periodId}`);
    const res = await call(
      "/app/reports/new",
      form(cookie, { _csrf: csrf, kind: "periodic", periodId, title: "Báo cáo học kì I", body: "Kết quả.", ...typed({ "figures.completionRate": "90", "figures.teachers": "mười", "figures.classes": "" }) }),
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toMatch(/id="figures\.completionRate-error">[^<]*13\.001 \/ 13\.184 = 98,6%/);
    expect(html).toContain('id="figures.teachers-error"');
    expect(html).toMatch(/id="figures\.classes-error">Chưa nhập số lớp/);
    expect(html).toContain('value="mười"');
    expect(html).toContain('value="13.184"');
    expect(html).toContain('role="alert"');
    // The summary names the indicator and links to its field.
    expect(html).toContain('<a href="#figures.teachers">Số giáo viên</a>');
    expect(await reportIn(periodId)).toBeNull();
  });

  it("shows the previous period's values, asks for a note where a value moved a lot, and the page shows it all", async () => {
    const first = await openPeriod({ title: "Học kì I năm học 2042 – 2043" });
    await approvedIn(first);
    const second = await openPeriod({ title: "Học kì II năm học 2042 – 2043" });
    const cookie = await signIn(USERS.quan6, "10.9.0.3");
    const blank = await (await call(`/app/reports/new?kind=periodic&periodId=${second}`, { headers: { cookie } })).text();
    expect(blank).toContain("Kỳ trước: 13.184 học viên");
    expect(blank).toContain("Kỳ trước: 98,6%");

    const csrf = /name="_csrf" value="([0-9a-f]{64})"/.exec(blank)![1]!;
    const grown = typed({ "figures.enrolled": "20.000", "figures.completed": "19.720" });
    const saved = await call("/app/reports/new", form(cookie, { _csrf: csrf, kind: "periodic", periodId: second, title: "Báo cáo học kì II", body: "Kết quả.", ...grown }));
    expect(saved.status).toBe(303);
    // Saved with warnings: back to the form, where the note fields now are.
    expect(saved.headers.get("location")).toMatch(/\/edit\?tb=[^#]+#figures$/);
    const id = (await reportIn(second))!.id;

    // The edit form puts a note field under each warned value.
    const edit = await (await call(`/app/reports/${id}/edit`, { headers: { cookie } })).text();
    expect(edit).toContain('name="figureNotes.enrolled"');
    expect(edit).toContain("Số học viên tăng 51,7% so với kỳ trước");
    // A value within its threshold has its note field on the page, hidden (app.js shows it if the value moves too far).
    expect(edit).toContain('<div class="figure-note" id="figureNotes.teachers-block" hidden="">');
    expect(edit).toMatch(/<div class="figure-note warning" id="figureNotes\.enrolled-block">/);
    expect(edit).toMatch(/name="figures\.teachers"[^>]*data-previous="640" data-max-change="25"/);

    // Submitting unexplained is refused with the reason on the page.
    const refused = await call(`/app/reports/${id}/submit`, form(cookie, { _csrf: csrf }));
    expect(refused.status).toBe(303);
    const after = await (await call(refused.headers.get("location")!, { headers: { cookie } })).text();
    expect(after).toMatch(/giải trình/);

    const version = /name="version" value="(\d+)"/.exec(edit)![1]!;
    const noted = await call(
      `/app/reports/${id}/edit`,
      form(cookie, { _csrf: csrf, kind: "periodic", version, title: "Báo cáo học kì II", body: "Kết quả.", ...grown, "figureNotes.enrolled": "Mở thêm 15 lớp liên kết", "figureNotes.completed": "Theo số học viên" }),
    );
    expect(noted.status, await noted.clone().text()).toBe(303);
    await ok(await submit(await tokenFor(USERS.quan6), id));

    // The centre's head reads the figures, the previous values, the warning and the note.
    const head = await signIn(USERS.centreHead, "10.9.0.4");
    const page = await (await call(`/app/reports/${id}`, { headers: { cookie: head } })).text();
    expect(page).toContain("Học kì II năm học 2042 – 2043");
    expect(page).toContain("20.000 học viên");
    expect(page).toContain("13.184 học viên");
    expect(page).toContain("Số học viên tăng 51,7% so với kỳ trước");
    expect(page).toContain("Mở thêm 15 lớp liên kết");
  });

  it("what changed in the figures reads as one row per indicator, with units, never as JSON", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await json(await call("/api/v1/reports", { token: author, json: await periodicInput() }));
    await ok(await submit(author, r.id));
    await ok(await decide(await tokenFor(USERS.centreHead), r.id, { action: "return", stage: "centre_head", comment: "Kiểm tra lại số giáo viên" }));
    const now = await json(await call(`/api/v1/reports/${r.id}`, { token: author }));
    const res = await call(`/api/v1/reports/${r.id}`, { method: "PATCH", token: author, json: { figures: { ...GOOD_FIGURES, teachers: 700 } }, headers: { "if-match": `"${now.version}"` } });
    expect(res.status, await res.clone().text()).toBe(200);
    await ok(await submit(author, r.id));
    const head = await signIn(USERS.centreHead, "10.9.0.7");
    const page = await (await call(`/app/reports/${r.id}`, { headers: { cookie: head } })).text();
    const diff = page.slice(page.indexOf('id="thay-doi"'), page.indexOf("</section>", page.indexOf('id="thay-doi"')));
    expect(diff).toContain('<td data-label="Mục">Số giáo viên</td>');
    expect(diff).toContain("<del>640 giáo viên</del>");
    expect(diff).toContain("<ins>700 giáo viên</ins>");
    expect(diff).not.toContain("Số lớp");
    expect(page).not.toMatch(/\{&quot;|\{"classes/);
  });

  it("the board says what the last action did (the notice its redirect carries)", async () => {
    const periodId = await openPeriod();
    const cookie = await signIn(USERS.specialist, "10.9.0.8");
    const html = await (await call(`/app/periods/${periodId}?tb=${encodeURIComponent("Đã mở kỳ báo cáo <thử>.")}`, { headers: { cookie } })).text();
    expect(html).toContain('<p class="notice" role="status">Đã mở kỳ báo cáo &lt;thử&gt;.</p>');
  });

  it("a refused edit of another unit's report shows nothing of it (no period, no previous figures)", async () => {
    const first = await openPeriod({ title: "Kỳ trước của Quận 6" });
    await approvedIn(first);
    const second = await openPeriod({ title: "Kỳ riêng của Quận 6" });
    const r = await json(await call("/api/v1/reports", { token: await tokenFor(USERS.quan6), json: await periodicInput({ periodId: second }) }));
    const other = await signIn(USERS.minhKhai, "10.9.0.6");
    const csrf = await csrfOf(other);
    // A form that would not parse (an empty title) used to be shown again before access was checked.
    const res = await call(`/app/reports/${r.id}/edit`, form(other, { _csrf: csrf, kind: "periodic", title: "", version: "1" }));
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).not.toContain("Kỳ riêng của Quận 6");
    expect(html).not.toContain("Kỳ trước");
    expect(html).not.toContain("13.184");
  });

  it("without a period, or for a period the unit is not in, sends the user to the periods list; a second report to the first", async () => {
    const cookie = await signIn(USERS.quan6, "10.9.0.5");
    const none = await call("/app/reports/new?kind=periodic", { headers: { cookie } });
    expect(none.status).toBe(303);
    expect(none.headers.get("location")).toMatch(/^\/app\/periods/);
    const elsewhere = await openPeriod({ unitIds: [(await env.DB.prepare("SELECT unit_id FROM users WHERE email = ?").bind(USERS.tanPhu).first<{ unit_id: string }>())!.unit_id] });
    const outside = await call(`/app/reports/new?kind=periodic&periodId=${elsewhere}`, { headers: { cookie } });
    expect(outside.headers.get("location")).toMatch(/^\/app\/periods/);
    const periodId = await openPeriod();
    const r = await json(await call("/api/v1/reports", { token: await tokenFor(USERS.quan6), json: await periodicInput({ periodId }) }));
    const again = await call(`/app/reports/new?kind=periodic&periodId=${periodId}`, { headers: { cookie } });
    expect(again.headers.get("location")).toMatch(new RegExp(`^/app/reports/${r.id}`));
  });
});
