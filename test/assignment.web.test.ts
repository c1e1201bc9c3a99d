// Assignment on the web pages (DESIGN.md section 13, issue 13 point 5): the report page says who
// handles the stage and offers claim ("Nhận xử lý"), hand back ("Trả lại nhóm") and give ("Giao
// cho"), refusals come back as error notices; decisions only for whoever may make them; the history
// reads assignments and decisions signed for someone ("KT."); the inbox's tabs and counts.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_UNITS, demoUsers } from "../src/seed/demo-data";
import { call, createReport, tokenFor, USERS } from "./helpers/api";
import { decide, ok, submit } from "./helpers/review";
import { csrfOf, formPost, signIn as demoSignIn } from "./helpers/web";

const PASSWORD = "Mật-khẩu-đủ-dài-2024";
const GDTX_COVERS = [DEMO_UNITS.quan6, DEMO_UNITS.tanPhu, DEMO_UNITS.leQuyDon, DEMO_UNITS.caoDangKinhTe];
const demo = (email: string) => demoUsers.find((x) => x.email === email)!;
const BINH = demo(USERS.specialist); // Phạm Phương Bình, specialist
const THANH = demo(USERS.deputy); // Trần Thị Kim Thanh, deputy head
const QUY = demo(USERS.director); // Cao Minh Quý, director

type Session = { id: string; name: string; cookie: string; csrf: string };

let ip = 0;
const nextIp = () => `10.83.${++ip}.1`;

/** A web session (cookie and the pages' CSRF token). */
async function session(email: string, id: string, name: string, password?: string): Promise<Session> {
  let cookie: string;
  if (password) {
    const res = await call("/app/login", { body: new URLSearchParams({ email, password, next: "/app" }), headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": nextIp() } });
    expect(res.status).toBe(303);
    cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
  } else cookie = await demoSignIn(email, nextIp());
  return { id, name, cookie, csrf: await csrfOf(cookie, "/app/inbox") };
}

/** A second specialist covering Quận 6, so that the specialist's stage starts unassigned. */
async function newSpecialist(name: string): Promise<Session & { email: string }> {
  const email = `nd-${crypto.randomUUID().slice(0, 8)}@sogd.example`;
  const res = await call("/api/v1/users", { token: await tokenFor(USERS.admin), json: { email, name, unitId: DEMO_UNITS.gdtx, password: PASSWORD, grants: [{ role: "specialist", unitIds: GDTX_COVERS }] } });
  expect(res.status, await res.clone().text()).toBe(201);
  const { id } = (await res.json()) as { id: string };
  return { ...(await session(email, id, name, PASSWORD)), email };
}

async function submitted(title: string): Promise<string> {
  const author = await tokenFor(USERS.quan6);
  const r = await createReport(author, { kind: "news", title });
  await ok(await submit(author, r.id));
  return r.id;
}

const pageOf = async (s: Session, path: string) => {
  const res = await call(path, { headers: { cookie: s.cookie } });
  expect(res.status).toBe(200);
  return res.text();
};

/** Posts the assignee form as the page does; returns where it leads and the notice there. */
async function assign(s: Session, id: string, fields: { userId: string; stage?: string }) {
  const res = await call(`/app/reports/${id}/assignee`, formPost(s.cookie, { _csrf: s.csrf, stage: fields.stage ?? "specialist", userId: fields.userId }));
  expect(res.status).toBe(303);
  const location = res.headers.get("location")!;
  const url = new URL(location, "http://x");
  return { location, path: url.pathname, notice: url.searchParams.get("tb"), error: url.searchParams.get("loi") === "1" };
}

const row = (id: string) => env.DB.prepare("SELECT assignee_id, assignee_name, version FROM reports WHERE id = ?").bind(id).first<{ assignee_id: string | null; assignee_name: string | null; version: number }>();

/** The text of the element after `label` up to the next tag: what a line of the page says. */
const decodeHtml = (html: string) => html.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
const hasDecideForm = (html: string, id: string) => html.includes(`action="/app/reports/${id}/decide"`);

let binh: Session;
let ha: Session & { email: string };

beforeAll(async () => {
  binh = await session(USERS.specialist, BINH.id, BINH.name);
  ha = await newSpecialist("Phạm Thu Hà");
});

describe("the report page: who handles the stage", () => {
  it("an unassigned stage says so and offers claim, give (to the stage's holders) and the decision", async () => {
    const id = await submitted("Tin chưa phân công");
    const html = decodeHtml(await pageOf(binh, `/app/reports/${id}`));
    expect(html).toMatch(/Người xử lý:\s*<span class="badge unassigned">Chưa phân công<\/span>/);
    expect(html).toContain(`name="userId" value="${BINH.id}">Nhận xử lý</button>`);
    expect(html).not.toContain("Trả lại nhóm");
    // Give: the holders of the stage covering Quận 6 by name, and nobody else (not the author, not the deputy).
    const select = /<select id="giao-cho" name="userId"[^>]*>([\s\S]*?)<\/select>/.exec(html)![1]!;
    const offered = [...select.matchAll(/<option value="([^"]*)">([^<]*)<\/option>/g)].map((m) => [m[1], m[2]]);
    expect(offered).toEqual([
      ["", "— Chọn người —"],
      [BINH.id, BINH.name],
      [ha.id, "Phạm Thu Hà"],
    ]);
    expect(hasDecideForm(html, id)).toBe(true);
  });

  it("claim: the stage is the caller's; others see who has it and no decision, and may not take it", async () => {
    const id = await submitted("Tin nhận xử lý");
    const claimed = await assign(binh, id, { userId: binh.id });
    expect(claimed).toMatchObject({ path: `/app/reports/${id}`, error: false, notice: "Bạn đã nhận xử lý bước Chuyên viên." });
    expect(await row(id)).toMatchObject({ assignee_id: BINH.id, assignee_name: BINH.name });

    const mine = decodeHtml(await pageOf(binh, claimed.location));
    expect(mine).toContain("Bạn đã nhận xử lý bước Chuyên viên.");
    expect(mine).toMatch(/Người xử lý:\s*<strong>Phạm Phương Bình \(bạn\)<\/strong>/);
    expect(mine).toContain(">Trả lại nhóm</button>");
    expect(mine).not.toContain(">Nhận xử lý</button>");
    expect(hasDecideForm(mine, id)).toBe(true);
    // The history: the claim as such.
    expect(mine).toMatch(/<td data-label="Thao tác">Nhận xử lý<\/td>/);

    const theirs = decodeHtml(await pageOf(ha, `/app/reports/${id}`));
    expect(theirs).toMatch(/Người xử lý:\s*<strong>Phạm Phương Bình<\/strong>/);
    expect(theirs).toContain("Bước Chuyên viên đang do Phạm Phương Bình xử lý: chỉ người được giao (hoặc người ký thay) quyết định.");
    expect(hasDecideForm(theirs, id)).toBe(false);
    expect(theirs).not.toContain(">Nhận xử lý</button>");
    expect(theirs).not.toContain('id="giao-cho"');

    // A claim posted all the same (a page left open) is refused with the reason, and changes nothing.
    const before = await row(id);
    const refused = await assign(ha, id, { userId: ha.id });
    expect(refused.error).toBe(true);
    expect(refused.notice).toBe("Không thực hiện được: Bước “Chuyên viên” đã được giao cho Phạm Phương Bình");
    expect(await row(id)).toEqual(before);
    const shown = await pageOf(ha, refused.location);
    expect(shown).toContain('<div class="errors" role="alert"><p>Không thực hiện được: Bước “Chuyên viên” đã được giao cho Phạm Phương Bình</p></div>');
    // So is a decision.
    const decided = await call(`/app/reports/${id}/decide`, formPost(ha.cookie, { _csrf: ha.csrf, stage: "specialist", action: "approve", version: String(before!.version) }));
    expect(decodeURIComponent(decided.headers.get("location")!)).toContain("đã được giao cho Phạm Phương Bình");
    expect(decided.headers.get("location")).toContain("loi=1");
  });

  it("hand back: the stage is open to all its holders again; the history says so", async () => {
    const id = await submitted("Tin trả lại nhóm");
    await assign(binh, id, { userId: binh.id });
    const back = await assign(binh, id, { userId: "" });
    expect(back).toMatchObject({ error: false, notice: "Đã trả bước Chuyên viên lại cho nhóm." });
    expect(await row(id)).toMatchObject({ assignee_id: null, assignee_name: null });
    const html = decodeHtml(await pageOf(ha, `/app/reports/${id}`));
    expect(html).toContain("Chưa phân công");
    expect(html).toContain(`name="userId" value="${ha.id}">Nhận xử lý</button>`);
    expect(hasDecideForm(html, id)).toBe(true);
    expect([...html.matchAll(/<td data-label="Thao tác">([^<]*)<\/td>/g)].map((m) => m[1])).toEqual(["Tạo bản nháp", "Trình", "Nhận xử lý", "Trả lại nhóm"]);
  });

  it("give: to another holder, who then decides; the giver no longer may", async () => {
    const id = await submitted("Tin giao việc");
    const given = await assign(binh, id, { userId: ha.id });
    expect(given).toMatchObject({ error: false, notice: "Đã giao bước Chuyên viên cho Phạm Thu Hà." });
    expect(await row(id)).toMatchObject({ assignee_id: ha.id, assignee_name: "Phạm Thu Hà" });
    const giver = decodeHtml(await pageOf(binh, `/app/reports/${id}`));
    expect(giver).toMatch(/<td data-label="Thao tác">Giao cho Phạm Thu Hà<\/td>/);
    expect(hasDecideForm(giver, id)).toBe(false);
    const taker = decodeHtml(await pageOf(ha, `/app/reports/${id}`));
    expect(taker).toMatch(/Người xử lý:\s*<strong>Phạm Thu Hà \(bạn\)<\/strong>/);
    expect(hasDecideForm(taker, id)).toBe(true);
    // The assignee passes it on: the select offers the other holder, not herself.
    expect(/<select id="giao-cho"[\s\S]*?<\/select>/.exec(taker)![0]).not.toContain(`value="${ha.id}"`);
    const done = await call(`/app/reports/${id}/decide`, formPost(ha.cookie, { _csrf: ha.csrf, stage: "specialist", action: "approve", version: String((await row(id))!.version) }));
    expect(done.headers.get("location")).toMatch(/^\/app\/inbox\?tb=/);
    expect((await env.DB.prepare("SELECT stage FROM reports WHERE id = ?").bind(id).first<{ stage: string }>())!.stage).toBe("deputy_head");
  });

  it("refusals come back as error notices with the reason: someone who cannot decide the stage, a stage the report has left", async () => {
    const id = await submitted("Tin giao sai người");
    const before = await row(id);
    const author = demo(USERS.quan6);
    const wrong = await assign(binh, id, { userId: author.id });
    expect(wrong.error).toBe(true);
    expect(wrong.notice).toBe(`Không thực hiện được: ${author.name} không giữ vai trò “Chuyên viên” phụ trách đơn vị “Trung tâm GDNN-GDTX Quận 6” (và không ký thay ai giữ vai trò đó)`);
    const nobody = await assign(binh, id, { userId: crypto.randomUUID() });
    expect(nobody.notice).toBe("Không thực hiện được: Không có người dùng này");
    const stale = await assign(binh, id, { userId: binh.id, stage: "deputy_head" });
    expect(stale.error).toBe(true);
    expect(stale.notice).toBe("Không thực hiện được: Báo cáo đã sang bước “Chuyên viên”: bước bạn định giao không còn là bước hiện tại");
    expect(await row(id)).toEqual(before);
    // An author may not see the buttons, nor use them.
    const author6 = await session(USERS.quan6, author.id, author.name);
    const html = await pageOf(author6, `/app/reports/${id}`);
    expect(html).toContain("Chưa phân công");
    expect(html).not.toContain(">Nhận xử lý</button>");
    expect(html).not.toContain('id="giao-cho"');
    const forged = await assign(author6, id, { userId: author.id });
    expect(forged.error).toBe(true);
    expect(forged.notice).toMatch(/^Không thực hiện được: Chỉ người giữ vai trò “Chuyên viên”/);
    expect(await row(id)).toEqual(before);
  });

  it("the history reads the system's assignment to the only holder, and a decision signed for the director (KT.)", async () => {
    const id = await submitted("Tin ký thay");
    // Hà signs for the director this week (the director's own delegation, through the API).
    const delegation = await call("/api/v1/delegations", { token: await tokenFor(USERS.director), json: { toUserId: ha.id, role: "director", endsAt: new Date(Date.now() + 7 * 86_400_000).toISOString() } });
    expect(delegation.status, await delegation.clone().text()).toBe(201);
    await ok(await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist" }));
    await ok(await decide(await tokenFor(USERS.deputy), id, { action: "approve", stage: "deputy_head" }));
    expect(await row(id)).toMatchObject({ assignee_id: QUY.id });

    // Hà may decide the director's stage for him: the page says in whose name.
    const before = decodeHtml(await pageOf(ha, `/app/reports/${id}`));
    expect(hasDecideForm(before, id)).toBe(true);
    expect(before).toContain("Bạn quyết định thay Cao Minh Quý: lịch sử ghi “KT. Trưởng phòng: Phạm Thu Hà”.");
    const done = await call(`/app/reports/${id}/decide`, formPost(ha.cookie, { _csrf: ha.csrf, stage: "director", action: "approve", comment: "Đồng ý đăng", version: String((await row(id))!.version) }));
    expect(done.headers.get("location")).not.toContain("loi=1");

    const html = decodeHtml(await pageOf(binh, `/app/reports/${id}`));
    const rows = [...html.matchAll(/<td data-label="Người thực hiện">([^<]*)<\/td><td data-label="Thao tác">([^<]*)<\/td>/g)].map((m) => [m[1], m[2]]);
    expect(rows).toContainEqual(["Hệ thống", `Tự động giao cho ${THANH.name} (người duy nhất phụ trách)`]);
    expect(rows).toContainEqual(["Hệ thống", `Tự động giao cho ${QUY.name} (người duy nhất phụ trách)`]);
    expect(rows).toContainEqual(["Phạm Thu Hà (ký thay Cao Minh Quý)", "Duyệt — KT. Trưởng phòng: Phạm Thu Hà"]);
    // An assignment's own note ("auto") is not an opinion.
    expect(html).not.toMatch(/<td data-label="Ý kiến xử lý">auto<\/td>/);
    expect(html).toContain('<td data-label="Ý kiến xử lý">Đồng ý đăng</td>');
  });
});

describe("the inbox: tabs and counts", () => {
  const tabs = (html: string) =>
    [...html.matchAll(/<a href="\/app\/inbox\?scope=(\w+)"( aria-current="page")?>([^<]*)<\/a>/g)].map((m) => ({ scope: m[1], current: Boolean(m[2]), text: m[3] }));
  const apiCount = async (token: string, scope: string) => ((await ok(await call(`/api/v1/inbox?limit=100&scope=${scope}`, { token }))).items as unknown[]).length;

  it("mine, unassigned and all, each with its count; the current one marked; each row names its assignee", async () => {
    const open = await submitted("Tin hộp thư chưa giao");
    const toHa = await submitted("Tin hộp thư giao cho Hà");
    await assign(binh, toHa, { userId: ha.id });
    const toBinh = await submitted("Tin hộp thư của Bình");
    await assign(binh, toBinh, { userId: binh.id });
    const token = await tokenFor(USERS.specialist);
    const counts = { mine: await apiCount(token, "mine"), unassigned: await apiCount(token, "unassigned"), all: await apiCount(token, "all") };
    expect(counts.all).toBeGreaterThan(counts.mine);
    expect(counts.mine).toBeGreaterThan(counts.unassigned);

    const first = await pageOf(binh, "/app/inbox");
    expect(tabs(first)).toEqual([
      { scope: "mine", current: true, text: `Việc của tôi (${counts.mine})` },
      { scope: "unassigned", current: false, text: `Chưa phân công (${counts.unassigned})` },
      { scope: "all", current: false, text: `Tất cả (${counts.all})` },
    ]);
    const rowOf = (html: string, id: string) => new RegExp(`<tr>(?:(?!</tr>).)*?/app/reports/${id}"(?:(?!</tr>).)*</tr>`, "s").exec(html)?.[0];
    expect(rowOf(first, toBinh)).toContain('<td data-label="Người xử lý">Phạm Phương Bình (bạn)</td>');
    expect(rowOf(first, open)).toContain('<span class="badge unassigned">Chưa phân công</span>');
    expect(rowOf(first, toHa)).toBeUndefined();

    const all = await pageOf(binh, "/app/inbox?scope=all");
    expect(tabs(all).map((t) => t.current)).toEqual([false, false, true]);
    expect(rowOf(all, toHa)).toContain('<td data-label="Người xử lý">Phạm Thu Hà</td>');
    const unassigned = await pageOf(binh, "/app/inbox?scope=unassigned");
    expect(tabs(unassigned).map((t) => t.current)).toEqual([false, true, false]);
    expect(rowOf(unassigned, open)).toBeDefined();
    expect(rowOf(unassigned, toBinh)).toBeUndefined();
    // Something else in the address is the default tab.
    expect(tabs(await pageOf(binh, "/app/inbox?scope=khac")).map((t) => t.current)).toEqual([true, false, false]);
  });

  it("more than 99 is shown as 99+", async () => {
    const author = await tokenFor(USERS.quan6);
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const r = await createReport(author, { kind: "news", title: `Tin số ${batch * 10 + i + 1} chờ thẩm định` });
          await ok(await submit(author, r.id));
        }),
      );
    }
    const html = await pageOf(binh, "/app/inbox?scope=unassigned");
    expect(tabs(html).map((t) => t.text)).toEqual(["Việc của tôi (99+)", "Chưa phân công (99+)", "Tất cả (99+)"]);
  });
});
