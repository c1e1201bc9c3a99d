// Delegations (DESIGN.md section 13), refusals: every bad input is a 422 naming its field with a
// Vietnamese message, an overlap a 409 naming the delegation it meets (also between two requests
// sent at once), and the callers who may not are 401/403/404. None of them writes anything.
import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { call, expectProblem, tokenFor, USERS } from "./helpers/api";

const uid = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;
const ID = { admin: uid(101), specialist: uid(102), deputy: uid(103), director: uid(104), quan6: uid(105), tanPhu: uid(106), centreHead: uid(107) };
// Made below: a former reviewer whose account is deactivated.
const INACTIVE = uid(901);

const DAY = 86_400_000;
const vnDay = (days: number) => new Date(Date.now() + 7 * 3_600_000 + days * DAY).toISOString().slice(0, 10);

const post = async (body: unknown, who: string = USERS.specialist) => call("/api/v1/delegations", { token: await tokenFor(who), json: body });
const list = async (query = "", who: string = USERS.specialist) => call(`/api/v1/delegations${query}`, { token: await tokenFor(who) });
const end = async (id: string, who: string = USERS.specialist) => call(`/api/v1/delegations/${id}`, { method: "DELETE", token: await tokenFor(who) });

const table = async () => (await env.DB.prepare("SELECT * FROM delegations ORDER BY id").all()).results;

/** A refused request: this status and problem, naming `path` (when given) with a message matching `message`; the table unchanged. */
async function refused(send: () => Promise<Response>, status: number, code: string, path?: string, message?: RegExp) {
  const before = await table();
  const body = await expectProblem(await send(), status, code);
  if (path) {
    const named = body.errors?.find((e: { path: string }) => e.path === path);
    expect(named, JSON.stringify(body)).toBeTruthy();
    expect(named.in).toBe("json");
    if (message) expect(named.message).toMatch(message);
  }
  expect(await table()).toEqual(before);
  return body;
}

const base = () => ({ toUserId: ID.deputy, role: "specialist", endsAt: vnDay(3) });

beforeAll(async () => {
  await env.DB.prepare(
    "INSERT INTO users (id, email, name, title, unit_id, password_hash, active, email_opt_out, created_at, updated_at) VALUES (?, 'nghi@sogd.example', 'Người Đã Nghỉ', NULL, ?, 'x', 0, 0, '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z')",
  )
    .bind(INACTIVE, uid(2))
    .run();
  await env.DB.prepare("INSERT INTO role_grants (id, user_id, role) VALUES (?, ?, 'specialist')").bind(uid(902), INACTIVE).run();
});

beforeEach(async () => {
  await env.DB.prepare("DELETE FROM delegations").run();
});

describe("who may", () => {
  it("not signed in: 401 for every endpoint", async () => {
    await expectProblem(await call("/api/v1/delegations", { json: base() }), 401, "unauthenticated");
    await expectProblem(await call("/api/v1/delegations"), 401, "unauthenticated");
    await expectProblem(await call("/api/v1/delegations/x", { method: "DELETE" }), 401, "unauthenticated");
    await expectProblem(await call("/api/v1/delegations", { json: base(), token: "not-a-token" }), 401, "unauthenticated");
  });

  it("an author, who holds no reviewer role, may not delegate: 403 (a body the schema refuses is a 422 first)", async () => {
    await refused(() => post({ ...base(), role: "specialist" }, USERS.quan6), 403, "forbidden");
    await refused(() => post({ ...base(), toUserId: ID.tanPhu, role: "centre_head" }, USERS.tanPhu), 403, "forbidden");
    await refused(() => post({ toUserId: ID.tanPhu, role: "author", endsAt: vnDay(3) }, USERS.quan6), 422, "validation-failed", "role");
  });

  it("a non-admin naming someone else as fromUserId: 403, even for a role that person holds", async () => {
    const body = await refused(() => post({ ...base(), fromUserId: ID.director, role: "director", toUserId: ID.specialist }, USERS.specialist), 403, "forbidden");
    expect(body.detail).toMatch(/quản trị viên/);
  });

  it("an admin must name the delegator: 422 fromUserId", async () => {
    await refused(() => post(base(), USERS.admin), 422, "validation-failed", "fromUserId", /người ủy quyền/);
  });

  it("scope=all is for admins only: 403", async () => {
    await expectProblem(await list("?scope=all"), 403, "forbidden");
    await expectProblem(await list("?scope=all", USERS.quan6), 403, "forbidden");
  });

  it("a stranger cannot end someone's delegation, nor learn it exists: 404", async () => {
    const res = await post(base());
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await refused(() => end(id, USERS.director), 404, "not-found");
    await refused(() => end(id, USERS.quan6), 404, "not-found");
    await refused(() => end("00000000-0000-7000-8000-00000000dead"), 404, "not-found");
  });

  it("a role held under someone's delegation cannot be passed on", async () => {
    expect((await post(base())).status).toBe(201);
    // The deputy holds the specialist role for now, but not as their own.
    await refused(() => post({ toUserId: ID.director, role: "specialist", endsAt: vnDay(2) }, USERS.deputy), 422, "validation-failed", "role", /không giữ vai trò Chuyên viên/);
  });
});

describe("bad input: 422 naming the field, nothing written", () => {
  it("toUserId: unknown, inactive, the delegator themselves, or neither a reviewer nor of the delegator's unit", async () => {
    await refused(() => post({ ...base(), toUserId: uid(999) }), 422, "validation-failed", "toUserId", /Không có người dùng/);
    await refused(() => post({ ...base(), toUserId: INACTIVE }), 422, "validation-failed", "toUserId", /ngừng hoạt động/);
    await refused(() => post({ ...base(), toUserId: ID.specialist }), 422, "validation-failed", "toUserId", /^Không thể ủy quyền cho chính mình$/);
    await refused(() => post({ ...base(), fromUserId: ID.director, toUserId: ID.director, role: "director" }, USERS.admin), 422, "validation-failed", "toUserId", /chính mình/);
    // An author of a centre: no reviewer role, and not of the specialist's unit.
    await refused(() => post({ ...base(), toUserId: ID.tanPhu }), 422, "validation-failed", "toUserId", /vai trò thẩm định hoặc thuộc cùng đơn vị/);
    // The centre head's own centre is Quận 6, not Tân Phú.
    await refused(() => post({ toUserId: ID.tanPhu, role: "centre_head", endsAt: vnDay(2) }, USERS.centreHead), 422, "validation-failed", "toUserId");
    await refused(() => post({ ...base(), toUserId: "" }), 422, "validation-failed", "toUserId");
    const { toUserId: _t, ...noTo } = base();
    await refused(() => post(noTo), 422, "validation-failed", "toUserId");
  });

  it("role: not a reviewer role, or not held by the delegator", async () => {
    await refused(() => post({ ...base(), role: "author" }), 422, "validation-failed", "role", /vai trò thẩm định/);
    await refused(() => post({ ...base(), role: "admin" }), 422, "validation-failed", "role");
    await refused(() => post({ ...base(), role: "chief" }), 422, "validation-failed", "role");
    await refused(() => post({ ...base(), role: "director" }), 422, "validation-failed", "role", /^Bạn không giữ vai trò Trưởng phòng$/);
    await refused(() => post({ ...base(), fromUserId: ID.specialist, toUserId: ID.director, role: "deputy_head" }, USERS.admin), 422, "validation-failed", "role", /Phạm Phương Bình không giữ vai trò Phó Trưởng phòng/);
  });

  it("dates that are not dates, or without a zone", async () => {
    await refused(() => post({ ...base(), startsAt: "2025-02-30" }), 422, "validation-failed", "startsAt", /không có trên lịch/);
    await refused(() => post({ ...base(), endsAt: `${vnDay(3)}T10:00:00` }), 422, "validation-failed", "endsAt", /YYYY-MM-DD/);
    await refused(() => post({ ...base(), endsAt: "ngày mai" }), 422, "validation-failed", "endsAt");
    await refused(() => post({ ...base(), endsAt: `${vnDay(3)}T25:00:00Z` }), 422, "validation-failed", "endsAt");
    await refused(() => post({ ...base(), startsAt: 20250101 }), 422, "validation-failed", "startsAt");
    const { endsAt: _e, ...noEnd } = base();
    await refused(() => post(noEnd), 422, "validation-failed", "endsAt");
  });

  it("endsAt: not after startsAt, already past, or more than 366 days after startsAt", async () => {
    await refused(() => post({ ...base(), startsAt: vnDay(5), endsAt: `${vnDay(5)}T00:00:00+07:00` }), 422, "validation-failed", "endsAt", /sau thời điểm bắt đầu/);
    await refused(() => post({ ...base(), startsAt: vnDay(5), endsAt: vnDay(4) }), 422, "validation-failed", "endsAt", /sau thời điểm bắt đầu/);
    await refused(() => post({ ...base(), startsAt: vnDay(-10), endsAt: vnDay(-2) }), 422, "validation-failed", "endsAt", /đã qua/);
    await refused(() => post({ ...base(), endsAt: new Date(Date.now() - 60_000).toISOString() }), 422, "validation-failed", "endsAt");
    // From 00:00 on day 1 to the end of day 367 is 367 days.
    await refused(() => post({ ...base(), startsAt: vnDay(1), endsAt: vnDay(367) }), 422, "validation-failed", "endsAt", /366 ngày/);
    const res = await post({ ...base(), startsAt: vnDay(1), endsAt: vnDay(366) });
    expect(res.status, await res.text()).toBe(201);
  });

  it("note over 500 characters; an unknown field", async () => {
    await refused(() => post({ ...base(), note: "a".repeat(501) }), 422, "validation-failed", "note", /500/);
    await refused(() => post({ ...base(), kind: "absence" }), 422, "validation-failed", "kind");
  });

  it("fromUserId (by an admin): unknown, or an inactive delegator", async () => {
    await refused(() => post({ ...base(), fromUserId: uid(999) }, USERS.admin), 422, "validation-failed", "fromUserId", /Không có người dùng/);
    await refused(() => post({ ...base(), fromUserId: INACTIVE }, USERS.admin), 422, "validation-failed", "fromUserId", /ngừng hoạt động/);
  });

  it("several problems at once are all named", async () => {
    const body = await refused(() => post({ toUserId: ID.specialist, role: "director", startsAt: vnDay(4), endsAt: vnDay(3) }), 422, "validation-failed");
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["endsAt", "role", "toUserId"]);
  });
});

describe("overlap: 409 naming the delegation met", () => {
  it("a second delegation of the same role by the same person meeting the first's time", async () => {
    const first = await post({ ...base(), startsAt: vnDay(2), endsAt: vnDay(6), note: "Nghỉ phép" });
    expect(first.status).toBe(201);
    const met = (await first.json()) as { id: string };
    const body = await refused(() => post({ toUserId: ID.director, role: "specialist", startsAt: vnDay(6), endsAt: vnDay(8) }), 409, "conflict");
    expect(body.conflicting).toMatchObject({ id: met.id, role: "specialist", to: { userId: ID.deputy }, note: "Nghỉ phép", state: "scheduled" });
    expect(body.detail).toMatch(/Đã có ủy quyền vai trò Chuyên viên của Phạm Phương Bình cho Trần Thị Kim Thanh từ \d{2}\/\d{2}\/\d{4} 00:00 đến .* trùng thời gian/);
    // Inside it, around it, and by an admin for the same person.
    await refused(() => post({ ...base(), startsAt: vnDay(3), endsAt: vnDay(3) }), 409, "conflict");
    await refused(() => post({ ...base(), endsAt: vnDay(30) }), 409, "conflict");
    await refused(() => post({ ...base(), fromUserId: ID.specialist, toUserId: ID.director }, USERS.admin), 409, "conflict");
  });

  it("two creates sent at once: exactly one is written, the other is a 409 naming it", async () => {
    const token = await tokenFor(USERS.specialist);
    const send = (to: string) => call("/api/v1/delegations", { token, json: { toUserId: to, role: "specialist", endsAt: vnDay(4) } });
    const answers = await Promise.all([send(ID.deputy), send(ID.director), send(ID.deputy), send(ID.director)]);
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409]);
    const winner = (await answers.find((r) => r.status === 201)!.json()) as { id: string };
    for (const loser of answers.filter((r) => r.status === 409)) {
      const body = await expectProblem(loser, 409, "conflict");
      expect(body.conflicting.id).toBe(winner.id);
    }
    expect((await table()).map((r) => r.id)).toEqual([winner.id]);
  });
});

describe("ending: 409 once over", () => {
  it("already ended, or already past its end", async () => {
    const res = await post(base());
    const { id } = (await res.json()) as { id: string };
    expect((await end(id)).status).toBe(200);
    const body = await refused(() => end(id), 409, "conflict");
    expect(body.detail).toMatch(/đã kết thúc/);
    await refused(() => end(id, USERS.admin), 409, "conflict");
    await env.DB.prepare(
      "INSERT INTO delegations (id, from_user_id, to_user_id, role, kind, starts_at, ends_at, created_by) VALUES ('past-1', ?, ?, 'specialist', 'delegation', '2024-01-01T00:00:00.000Z', '2024-01-05T00:00:00.000Z', ?)",
    )
      .bind(ID.specialist, ID.deputy, ID.specialist)
      .run();
    await refused(() => end("past-1"), 409, "conflict");
  });

  it("a body on DELETE is refused", async () => {
    const res = await post(base());
    const { id } = (await res.json()) as { id: string };
    await refused(async () => call(`/api/v1/delegations/${id}`, { method: "DELETE", token: await tokenFor(USERS.specialist), json: { reason: "x" } }), 400, "malformed-request");
  });

  it("bad list queries are 422", async () => {
    await expectProblem(await list("?scope=everyone"), 422, "validation-failed");
    await expectProblem(await list("?state=running"), 422, "validation-failed");
    await expectProblem(await list("?limit=0"), 422, "validation-failed");
  });
});
