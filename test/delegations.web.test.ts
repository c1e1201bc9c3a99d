// The settings page (/app/settings, issue 13 point 5): delegations given and received (ủy quyền,
// ký thay) with a form to give one and "Kết thúc" to end one; the user's absence (vắng mặt) with a
// form and "Kết thúc sớm". Dates typed dd/mm/yyyy; bad input comes back to the form with the error
// beside its field and what was typed; refusals write nothing.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { demoUsers } from "../src/seed/demo-data";
import { call, USERS } from "./helpers/api";
import { csrfOf, formPost, signIn } from "./helpers/web";

const demo = (email: string) => demoUsers.find((x) => x.email === email)!;
const QUY = demo(USERS.director); // Cao Minh Quý, director (Trưởng phòng)
const THANH = demo(USERS.deputy); // Trần Thị Kim Thanh, deputy head
const BINH = demo(USERS.specialist); // Phạm Phương Bình, specialist
const HOANG = demo(USERS.quan6); // Nguyễn Thanh Hoàng, an author

type Session = { cookie: string; csrf: string };
let ip = 0;
async function session(email: string): Promise<Session> {
  const cookie = await signIn(email, `10.84.${++ip}.1`);
  return { cookie, csrf: await csrfOf(cookie, "/app/settings") };
}

const DAY = 86_400_000;
const two = (n: number) => String(n).padStart(2, "0");
/** Viet Nam's calendar day `days` from today, as typed: dd/mm/yyyy. */
function vnDay(days: number): string {
  const d = new Date(Date.now() + 7 * 3600_000 + days * DAY);
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}
/** An instant as the page shows it: dd/mm/yyyy HH:mm in Viet Nam. */
function vnTime(iso: string): string {
  const d = new Date(Date.parse(iso) + 7 * 3600_000);
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

const getPage = async (s: Session, path = "/app/settings") => {
  const res = await call(path, { headers: { cookie: s.cookie } });
  expect(res.status).toBe(200);
  return res.text();
};
const post = (s: Session, path: string, fields: Record<string, string>) => call(path, formPost(s.cookie, { _csrf: s.csrf, ...fields }));
/** Where a redirect leads, and its notice. */
const led = (res: Response) => {
  expect(res.status).toBe(303);
  const url = new URL(res.headers.get("location")!, "http://x");
  return { path: `${url.pathname}${url.hash}`, notice: url.searchParams.get("tb"), error: url.searchParams.get("loi") === "1", location: res.headers.get("location")! };
};

type Row = { id: string; from_user_id: string; to_user_id: string; role: string; kind: string; starts_at: string; ends_at: string; note: string | null; ended_at: string | null };
const rowsFrom = async (userId: string) =>
  (await env.DB.prepare("SELECT id, from_user_id, to_user_id, role, kind, starts_at, ends_at, note, ended_at FROM delegations WHERE from_user_id = ? ORDER BY created_at").bind(userId).all<Row>()).results;
const count = async () => (await env.DB.prepare("SELECT count(*) AS n, count(ended_at) AS ended FROM delegations").first<{ n: number; ended: number }>())!;

/** A table's body rows, cell by cell (tags stripped, spaces squeezed), by the table's caption. */
function tableRows(html: string, caption: string): string[][] {
  const table = new RegExp(`<caption>${caption}</caption>[\\s\\S]*?</table>`).exec(html)?.[0];
  if (!table) return [];
  const body = /<tbody>([\s\S]*)<\/tbody>/.exec(table)![1]!;
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) =>
    [...r[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.replace(/<form[\s\S]*?<\/form>/g, (f) => (f.includes(">Kết thúc</button>") ? "[Kết thúc]" : "")).replace(/<[^>]+>/g, "").replace(/\s+/g, " ").trim()),
  );
}

const options = (html: string, id: string) => {
  const select = new RegExp(`<select id="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(html)![1]!;
  return [...select.matchAll(/<option value="([^"]*)"( selected="")?>([^<]*)<\/option>/g)].map((m) => ({ value: m[1]!, selected: Boolean(m[2]), text: m[3]! }));
};

let quy: Session;
let thanh: Session;
let binh: Session;

beforeAll(async () => {
  [quy, thanh, binh] = [await session(USERS.director), await session(USERS.deputy), await session(USERS.specialist)];
});

describe("the settings page", () => {
  it("is linked from the user menu and offers the delegation form with the caller's own reviewer roles and eligible people", async () => {
    const html = await getPage(quy);
    expect(html).toContain('<a href="/app/settings" aria-current="page">Cài đặt</a>');
    expect(html).toContain('<h2 id="uy-quyen">Ủy quyền (ký thay)</h2>');
    expect(html).toContain("Bạn chưa ủy quyền cho ai.");
    expect(html).toContain("Chưa ai ủy quyền cho bạn.");
    expect(options(html, "role").map((o) => o.text)).toEqual(["Trưởng phòng"]);
    const people = options(html, "toUserId");
    expect(people[0]).toEqual({ value: "", selected: false, text: "— Chọn người —" });
    // Reviewers of any unit (and the director's own unit's people), never the director himself nor another unit's author.
    expect(people.map((p) => p.value)).toEqual(expect.arrayContaining([THANH.id, BINH.id]));
    expect(people.map((p) => p.value)).not.toContain(QUY.id);
    expect(people.map((p) => p.value)).not.toContain(HOANG.id);
    expect(people.find((p) => p.value === THANH.id)!.text).toBe("Trần Thị Kim Thanh — Phòng GDTX-CN&amp;ĐH (Phó Trưởng phòng)");
    expect(html).toContain('<h2 id="vang-mat">Vắng mặt</h2>');
    expect(html).toContain("Bạn không có lịch vắng mặt nào.");
    expect(html).toMatch(/<input id="absUntil" name="absUntil" type="text" value="" placeholder="dd\/mm\/yyyy"/);
  });

  it("an author has nothing to delegate: the lists only, and a forged form is refused with the reason", async () => {
    const author = await session(USERS.quan6);
    const html = await getPage(author);
    expect(html).toContain("Bạn không giữ vai trò thẩm định nào để ủy quyền.");
    expect(html).toContain("Bạn không giữ vai trò thẩm định nào, nên không cần đặt người thay khi vắng mặt.");
    expect(html).not.toContain('action="/app/settings/delegations"');
    const before = await count();
    const forged = led(await post(author, "/app/settings/delegations", { toUserId: BINH.id, role: "director", endsDate: vnDay(3) }));
    expect(forged).toMatchObject({ error: true, notice: "Không thực hiện được: Chỉ người giữ vai trò thẩm định (cho chính mình) hoặc quản trị viên được ủy quyền" });
    const absence = await post(author, "/app/settings/absence", { absUntil: vnDay(3), substituteId: BINH.id });
    expect(absence.status).toBe(422);
    expect(await absence.text()).toContain("Bạn không giữ vai trò thẩm định nào để nhờ người thay khi vắng mặt");
    expect(await count()).toEqual(before);
  });
});

describe("delegations on the settings page", () => {
  it("bad input returns to the form with each error beside its field and what was typed; nothing is written", async () => {
    const before = await count();
    const cases: [Record<string, string>, Record<string, string>][] = [
      [{ toUserId: "", role: "director", endsDate: vnDay(3) }, { toUserId: "Chọn người nhận ủy quyền" }],
      [{ toUserId: THANH.id, role: "director", endsDate: "" }, { endsDate: "Nhập ngày kết thúc ủy quyền" }],
      [{ toUserId: THANH.id, role: "director", endsDate: "2025-03-14" }, { endsDate: "Nhập ngày dạng dd/mm/yyyy, ví dụ 24/01/2025" }],
      [{ toUserId: THANH.id, role: "director", startsDate: "31/02/2030", endsDate: "01/03/2030" }, { startsDate: "Ngày này không có trên lịch" }],
      [{ toUserId: THANH.id, role: "director", startsDate: vnDay(-5), endsDate: vnDay(-2) }, { endsDate: "Thời điểm kết thúc đã qua" }],
      [{ toUserId: THANH.id, role: "director", startsDate: vnDay(5), endsDate: vnDay(3) }, { endsDate: "Thời điểm kết thúc phải sau thời điểm bắt đầu" }],
      [{ toUserId: THANH.id, role: "director", endsDate: vnDay(400) }, { endsDate: "Ủy quyền dài tối đa 366 ngày" }],
      [{ toUserId: THANH.id, role: "deputy_head", endsDate: vnDay(3) }, { role: "Bạn không giữ vai trò Phó Trưởng phòng" }],
      [{ toUserId: HOANG.id, role: "director", endsDate: vnDay(3) }, { toUserId: "Người nhận ủy quyền phải giữ một vai trò thẩm định hoặc thuộc cùng đơn vị với người ủy quyền" }],
    ];
    for (const [fields, errors] of cases) {
      const res = await post(quy, "/app/settings/delegations", { note: "Đi công tác Hà Nội", ...fields });
      const html = await res.text();
      expect(res.status, JSON.stringify(fields)).toBe(422);
      expect(html).toContain('<div class="errors" role="alert" tabindex="-1" id="loi">');
      for (const [field, message] of Object.entries(errors)) {
        const shown = html.includes(`<p class="error" id="${field}-error">${message}</p>`) || html.includes(`<p class="error" id="${field}-error">${message.replace(/&/g, "&amp;")}</p>`);
        expect(shown, `${field}: ${message} in ${/<div class="errors"[\s\S]*?<\/div>/.exec(html)?.[0]}`).toBe(true);
        expect(html).toMatch(new RegExp(`id="${field}"[^>]*aria-invalid="true"`));
      }
      // What was typed stays.
      expect(html).toContain(">Đi công tác Hà Nội</textarea>");
      if (fields.endsDate) expect(html).toContain(`name="endsDate" type="text" value="${fields.endsDate}"`);
      // The person chosen stays chosen (one the list never offers, an author elsewhere, cannot be).
      if (fields.toUserId && fields.toUserId !== HOANG.id) expect(options(html, "toUserId").find((o) => o.selected)?.value).toBe(fields.toUserId);
    }
    expect(await count()).toEqual(before);
  });

  it("create, listed on both sides with its time and state; an overlap is refused naming it; end it with 'Kết thúc'", async () => {
    const until = vnDay(7);
    const created = led(await post(quy, "/app/settings/delegations", { toUserId: THANH.id, role: "director", startsDate: "", endsDate: until, note: "Nghỉ phép" }));
    expect(created).toMatchObject({ path: "/app/settings#uy-quyen", error: false, notice: "Đã ủy quyền vai trò Trưởng phòng cho Trần Thị Kim Thanh." });
    const [row] = (await rowsFrom(QUY.id)).filter((r) => r.kind === "delegation" && r.ended_at === null);
    expect(row).toMatchObject({ to_user_id: THANH.id, role: "director", note: "Nghỉ phép" });
    // Until the end of the day typed, in Viet Nam: 00:00 the day after.
    expect(vnTime(row!.ends_at)).toBe(`${vnDay(8)} 00:00`);

    const mine = await getPage(quy, created.location);
    expect(mine).toContain('<p class="notice" role="status">Đã ủy quyền vai trò Trưởng phòng cho Trần Thị Kim Thanh.</p>');
    expect(tableRows(mine, "Bạn ủy quyền")).toEqual([["Trưởng phòng", "Trần Thị Kim Thanh", `${vnTime(row!.starts_at)} – ${vnDay(8)} 00:00`, "Đang hiệu lực", "[Kết thúc]"]]);
    expect(mine).toContain(`data-confirm="Kết thúc ủy quyền vai trò Trưởng phòng cho Trần Thị Kim Thanh ngay bây giờ?"`);
    const theirs = await getPage(thanh);
    expect(tableRows(theirs, "Bạn được ủy quyền")).toEqual([["Trưởng phòng", "Cao Minh Quý", `${vnTime(row!.starts_at)} – ${vnDay(8)} 00:00`, "Đang hiệu lực", "[Kết thúc]"]]);
    // The delegate's menu says the role they sign for.
    expect(theirs).toContain("Trần Thị Kim Thanh (Phó Trưởng phòng, KT. Trưởng phòng)");

    // A second one meeting the first: 409, the form kept, the first named.
    const before = await count();
    const overlap = await post(quy, "/app/settings/delegations", { toUserId: BINH.id, role: "director", startsDate: vnDay(2), endsDate: vnDay(4) });
    expect(overlap.status).toBe(409);
    const html = await overlap.text();
    expect(html).toContain(`Đã có ủy quyền vai trò Trưởng phòng của Cao Minh Quý cho Trần Thị Kim Thanh từ ${vnTime(row!.starts_at)} đến ${vnDay(8)} 00:00, trùng thời gian với ủy quyền mới`);
    expect(html).toContain(`name="startsDate" type="text" value="${vnDay(2)}"`);
    expect(await count()).toEqual(before);

    // Someone who is neither side cannot end it (told it does not exist); its delegator can, once.
    const stranger = led(await post(binh, `/app/settings/delegations/${row!.id}/end`, {}));
    expect(stranger).toMatchObject({ error: true, notice: "Không thực hiện được: Không tìm thấy ủy quyền" });
    const ended = led(await post(quy, `/app/settings/delegations/${row!.id}/end`, {}));
    expect(ended).toMatchObject({ error: false, notice: "Đã kết thúc ủy quyền vai trò Trưởng phòng cho Trần Thị Kim Thanh." });
    expect((await rowsFrom(QUY.id)).find((r) => r.id === row!.id)!.ended_at).not.toBeNull();
    const after = await getPage(quy);
    expect(tableRows(after, "Bạn ủy quyền")[0]!.slice(3)).toEqual(["Đã kết thúc", ""]);
    const again = led(await post(quy, `/app/settings/delegations/${row!.id}/end`, {}));
    expect(again).toMatchObject({ error: true, notice: "Không thực hiện được: Ủy quyền này đã kết thúc" });
  });

  it("the delegate may end one received (declining it)", async () => {
    led(await post(quy, "/app/settings/delegations", { toUserId: BINH.id, role: "director", startsDate: vnDay(10), endsDate: vnDay(12) }));
    const row = (await rowsFrom(QUY.id)).find((r) => r.to_user_id === BINH.id && r.ended_at === null)!;
    const html = await getPage(binh);
    expect(tableRows(html, "Bạn được ủy quyền")).toEqual([["Trưởng phòng", "Cao Minh Quý", `${vnDay(10)} 00:00 – ${vnDay(13)} 00:00`, "Sắp hiệu lực", "[Kết thúc]"]]);
    expect(html).toContain('data-confirm="Thôi nhận ủy quyền vai trò Trưởng phòng của Cao Minh Quý ngay bây giờ?"');
    const declined = led(await post(binh, `/app/settings/delegations/${row.id}/end`, {}));
    expect(declined).toMatchObject({ error: false, notice: "Đã kết thúc ủy quyền vai trò Trưởng phòng của Cao Minh Quý." });
  });
});

describe("absence on the settings page", () => {
  it("bad input returns to the form with the error; nothing is written", async () => {
    const before = await count();
    const cases: [Record<string, string>, Record<string, string>][] = [
      [{ absUntil: vnDay(3), substituteId: "" }, { substituteId: "Cần chọn người thay" }],
      [{ absUntil: "", substituteId: THANH.id }, { absUntil: "Nhập ngày đi làm lại (hết ngày vắng mặt cuối)" }],
      [{ absFrom: "hôm nay", absUntil: vnDay(3), substituteId: THANH.id }, { absFrom: "Nhập ngày dạng dd/mm/yyyy, ví dụ 24/01/2025" }],
      [{ absFrom: vnDay(6), absUntil: vnDay(3), substituteId: THANH.id }, { absUntil: "Thời điểm kết thúc phải sau thời điểm bắt đầu" }],
      [{ absUntil: vnDay(3), substituteId: BINH.id }, { substituteId: "Không thể ủy quyền cho chính mình" }],
    ];
    for (const [fields, errors] of cases) {
      const res = await post(binh, "/app/settings/absence", fields);
      expect(res.status, JSON.stringify(fields)).toBe(422);
      const html = await res.text();
      for (const [field, message] of Object.entries(errors)) expect(html).toContain(`<p class="error" id="${field}-error">${message}</p>`);
      if (fields.absUntil) expect(html).toContain(`name="absUntil" type="text" value="${fields.absUntil}"`);
    }
    expect(await count()).toEqual(before);
  });

  it("set from now: shown as running with its substitute; 'Kết thúc sớm' ends it; the substitute sees it received", async () => {
    const set = led(await post(binh, "/app/settings/absence", { absFrom: "", absUntil: vnDay(2), substituteId: THANH.id }));
    expect(set).toMatchObject({ path: "/app/settings#vang-mat", error: false, notice: "Đã lưu lịch vắng mặt; Trần Thị Kim Thanh ký thay bạn trong thời gian đó." });
    const rows = (await rowsFrom(BINH.id)).filter((r) => r.kind === "absence" && r.ended_at === null);
    expect(rows.map((r) => [r.role, r.to_user_id])).toEqual([["specialist", THANH.id]]);

    const html = await getPage(binh);
    const now = /<div class="card absence-now"[\s\S]*?<\/div>/.exec(html)![0].replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
    expect(now).toContain("Đang vắng mặt");
    expect(now).toContain(`Thời gian ${vnTime(rows[0]!.starts_at)} – ${vnDay(3)} 00:00`);
    expect(now).toContain("Người thay Trần Thị Kim Thanh");
    expect(now).toContain("Vai trò Chuyên viên");
    expect(html).toContain(">Kết thúc sớm</button>");
    expect(html).toContain("Đặt lại lịch vắng mặt");
    // The caller's absence is not listed again among the delegations they gave.
    expect(tableRows(html, "Bạn ủy quyền")).toEqual([]);
    expect(tableRows(await getPage(thanh), "Bạn được ủy quyền")).toContainEqual(["Chuyên viên (vắng mặt)", "Phạm Phương Bình", `${vnTime(rows[0]!.starts_at)} – ${vnDay(3)} 00:00`, "Đang hiệu lực", "[Kết thúc]"]);

    const ended = led(await post(binh, "/app/settings/absence/end", {}));
    expect(ended).toMatchObject({ error: false, notice: "Đã kết thúc lịch vắng mặt." });
    expect((await rowsFrom(BINH.id)).filter((r) => r.kind === "absence" && r.ended_at === null)).toEqual([]);
    expect(await getPage(binh)).toContain("Bạn không có lịch vắng mặt nào.");
    const again = led(await post(binh, "/app/settings/absence/end", {}));
    expect(again).toMatchObject({ error: true, notice: "Không thực hiện được: Bạn không có lịch vắng mặt nào đang hoặc sắp diễn ra" });
  });

  it("one to come is shown as such and can be called off; setting another replaces it", async () => {
    led(await post(binh, "/app/settings/absence", { absFrom: vnDay(5), absUntil: vnDay(6), substituteId: THANH.id }));
    led(await post(binh, "/app/settings/absence", { absFrom: vnDay(8), absUntil: vnDay(9), substituteId: QUY.id }));
    const live = (await rowsFrom(BINH.id)).filter((r) => r.kind === "absence" && r.ended_at === null);
    expect(live.map((r) => r.to_user_id)).toEqual([QUY.id]);
    const html = await getPage(binh);
    const now = /<div class="card absence-now"[\s\S]*?<\/div>/.exec(html)![0].replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
    expect(now).toContain("Sắp vắng mặt");
    expect(now).toContain(`Thời gian ${vnDay(8)} 00:00 – ${vnDay(10)} 00:00`);
    expect(now).toContain("Người thay Cao Minh Quý");
    expect(html).toContain(">Huỷ lịch vắng mặt</button>");
    expect(led(await post(binh, "/app/settings/absence/end", {})).error).toBe(false);
    expect((await rowsFrom(BINH.id)).filter((r) => r.kind === "absence" && r.ended_at === null)).toEqual([]);
  });
});
