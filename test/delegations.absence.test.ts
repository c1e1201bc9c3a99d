// Absence (DESIGN.md section 13): PUT /api/v1/me/absence delegates every reviewer role of the
// caller to one substitute, one row of kind 'absence' per role, replacing the previous absence in
// the same batch; GET shows the current or next one; DELETE ends it early. Refusals write nothing.
import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addDays, vnMoment } from "../src/domain/calendar";
import { call, expectProblem, json, tokenFor, USERS } from "./helpers/api";

const uid = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;
const ID = { admin: uid(101), specialist: uid(102), deputy: uid(103), director: uid(104), quan6: uid(105), tanPhu: uid(106), centreHead: uid(107) };

const DAY = 86_400_000;
const vnDay = (days: number) => new Date(Date.now() + 7 * 3_600_000 + days * DAY).toISOString().slice(0, 10);
const startOf = (date: string) => vnMoment(date, 0);
const endOf = (date: string) => vnMoment(addDays(date, 1), 0);

const put = async (body: unknown, who: string = USERS.director) => call("/api/v1/me/absence", { method: "PUT", token: await tokenFor(who), json: body });
const get = async (who: string = USERS.director) => call("/api/v1/me/absence", { token: await tokenFor(who) });
const drop = async (who: string = USERS.director) => call("/api/v1/me/absence", { method: "DELETE", token: await tokenFor(who) });

const table = async () => (await env.DB.prepare("SELECT * FROM delegations ORDER BY id").all()).results;

async function ok<T = any>(res: Response): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text);
}

async function refused(send: () => Promise<Response>, status: number, code: string, path?: string, message?: RegExp) {
  const before = await table();
  const body = await expectProblem(await send(), status, code);
  if (path) {
    const named = body.errors?.find((e: { path: string }) => e.path === path);
    expect(named, JSON.stringify(body)).toBeTruthy();
    if (message) expect(named.message).toMatch(message);
  }
  expect(await table()).toEqual(before);
  return body;
}

beforeAll(async () => {
  // The director also holds the deputy head's role here: an absence covers every reviewer role.
  await env.DB.prepare("INSERT INTO role_grants (id, user_id, role) VALUES (?, ?, 'deputy_head')").bind(uid(903), ID.director).run();
});

beforeEach(async () => {
  await env.DB.prepare("DELETE FROM delegations").run();
});

describe("setting, reading, replacing and ending an absence", () => {
  it("every reviewer role of the caller goes to the substitute, one delegation each, for whole days in Viet Nam", async () => {
    const from = vnDay(2);
    const until = vnDay(6);
    const { absence } = await ok(await put({ from, until, substituteId: ID.specialist, note: "Nghỉ phép năm" }));
    expect(absence).toMatchObject({
      from: startOf(from),
      until: endOf(until),
      substitute: { userId: ID.specialist, name: "Phạm Phương Bình" },
      note: "Nghỉ phép năm",
    });
    expect([...absence.roles].sort()).toEqual(["deputy_head", "director"]);
    expect(absence.delegations).toHaveLength(2);
    for (const d of absence.delegations) {
      expect(d).toMatchObject({ kind: "absence", from: { userId: ID.director }, to: { userId: ID.specialist }, startsAt: startOf(from), endsAt: endOf(until), state: "scheduled", createdBy: { userId: ID.director } });
    }
    const rows = await table();
    expect(rows.map((r) => [r.role, r.kind, r.from_user_id, r.to_user_id]).sort()).toEqual([
      ["deputy_head", "absence", ID.director, ID.specialist],
      ["director", "absence", ID.director, ID.specialist],
    ]);
    expect(await ok(await get())).toEqual({ absence });
  });

  it("from defaults to now: the absence runs at once", async () => {
    const { absence } = await ok(await put({ until: vnDay(1), substituteId: ID.deputy }, USERS.specialist));
    expect(absence.roles).toEqual(["specialist"]);
    expect(absence.delegations[0].state).toBe("active");
    expect(absence.note).toBeNull();
    expect(Date.parse(absence.from)).toBeLessThanOrEqual(Date.now());
  });

  it("no absence: GET answers null", async () => {
    expect(await ok(await get())).toEqual({ absence: null });
  });

  it("a second PUT replaces the first: its rows are ended (kept), the new ones live", async () => {
    const first = (await ok(await put({ from: vnDay(2), until: vnDay(6), substituteId: ID.specialist }))).absence;
    const second = (await ok(await put({ from: vnDay(3), until: vnDay(4), substituteId: ID.deputy, note: "Đổi người thay" }))).absence;
    expect(second).toMatchObject({ substitute: { userId: ID.deputy }, from: startOf(vnDay(3)), until: endOf(vnDay(4)), note: "Đổi người thay" });
    const rows = await table();
    expect(rows).toHaveLength(4);
    for (const d of first.delegations) {
      const row = rows.find((r) => r.id === d.id)!;
      expect(row.ended_at).not.toBeNull();
      expect(row.ended_by).toBe(ID.director);
    }
    for (const d of second.delegations) expect(rows.find((r) => r.id === d.id)!.ended_at).toBeNull();
    expect((await ok(await get())).absence).toEqual(second);
    // Only the live ones are the caller's absence in the delegations list too.
    const active = await json(await call("/api/v1/delegations?scope=given&state=scheduled", { token: await tokenFor(USERS.director) }));
    expect(active.items.map((d: { id: string }) => d.id).sort()).toEqual(second.delegations.map((d: { id: string }) => d.id).sort());
  });

  it("DELETE ends it early, and then there is none: GET null, DELETE again 404", async () => {
    await ok(await put({ until: vnDay(3), substituteId: ID.specialist }));
    expect(await ok(await drop())).toEqual({ absence: null });
    const rows = await table();
    expect(rows.every((r) => r.ended_at !== null && r.ended_by === ID.director)).toBe(true);
    expect(await ok(await get())).toEqual({ absence: null });
    await refused(() => drop(), 404, "not-found");
  });

  it("the substitute declining one role leaves the others of the absence", async () => {
    const { absence } = await ok(await put({ until: vnDay(3), substituteId: ID.specialist }));
    const deputyRow = absence.delegations.find((d: { role: string }) => d.role === "deputy_head");
    await ok(await call(`/api/v1/delegations/${deputyRow.id}`, { method: "DELETE", token: await tokenFor(USERS.specialist) }));
    expect((await ok(await get())).absence.roles).toEqual(["director"]);
  });

  it("someone of the caller's own centre may stand in for its head", async () => {
    const { absence } = await ok(await put({ until: vnDay(2), substituteId: ID.quan6 }, USERS.centreHead));
    expect(absence).toMatchObject({ roles: ["centre_head"], substitute: { userId: ID.quan6 } });
  });
});

describe("absence refusals", () => {
  it("not signed in: 401", async () => {
    await expectProblem(await call("/api/v1/me/absence"), 401, "unauthenticated");
    await expectProblem(await call("/api/v1/me/absence", { method: "PUT", json: { until: vnDay(2), substituteId: ID.specialist } }), 401, "unauthenticated");
    await expectProblem(await call("/api/v1/me/absence", { method: "DELETE" }), 401, "unauthenticated");
  });

  it("a missing substitute: 422 substituteId, 'Cần chọn người thay'", async () => {
    await refused(() => put({ until: vnDay(2) }), 422, "validation-failed", "substituteId", /^Cần chọn người thay$/);
    await refused(() => put({ until: vnDay(2), substituteId: "" }), 422, "validation-failed", "substituteId", /^Cần chọn người thay$/);
  });

  it("a caller with no reviewer role: 422", async () => {
    const body = await refused(() => put({ until: vnDay(2), substituteId: ID.specialist }, USERS.quan6), 422, "validation-failed");
    expect(body.errors[0].message).toMatch(/không giữ vai trò thẩm định/);
  });

  it("the substitute as a delegate: unknown, themselves, or neither a reviewer nor of the caller's unit", async () => {
    await refused(() => put({ until: vnDay(2), substituteId: uid(999) }), 422, "validation-failed", "substituteId", /Không có người dùng/);
    await refused(() => put({ until: vnDay(2), substituteId: ID.director }), 422, "validation-failed", "substituteId", /chính mình/);
    await refused(() => put({ until: vnDay(2), substituteId: ID.tanPhu }), 422, "validation-failed", "substituteId", /vai trò thẩm định hoặc thuộc cùng đơn vị/);
  });

  it("dates: not a date, no zone, until not after from, already past, over 366 days; a long note", async () => {
    await refused(() => put({ from: "2025-02-30", until: vnDay(2), substituteId: ID.specialist }), 422, "validation-failed", "from");
    await refused(() => put({ until: `${vnDay(2)}T08:00`, substituteId: ID.specialist }), 422, "validation-failed", "until");
    await refused(() => put({ substituteId: ID.specialist }), 422, "validation-failed", "until");
    await refused(() => put({ from: vnDay(4), until: vnDay(3), substituteId: ID.specialist }), 422, "validation-failed", "until", /sau thời điểm bắt đầu/);
    await refused(() => put({ from: vnDay(-9), until: vnDay(-3), substituteId: ID.specialist }), 422, "validation-failed", "until", /đã qua/);
    await refused(() => put({ from: vnDay(1), until: vnDay(400), substituteId: ID.specialist }), 422, "validation-failed", "until", /366/);
    await refused(() => put({ until: vnDay(2), substituteId: ID.specialist, note: "x".repeat(501) }), 422, "validation-failed", "note");
  });

  it("a bad PUT leaves the previous absence as it was", async () => {
    const { absence } = await ok(await put({ until: vnDay(3), substituteId: ID.specialist }));
    await refused(() => put({ until: vnDay(3), substituteId: ID.tanPhu }), 422, "validation-failed", "substituteId");
    expect((await ok(await get())).absence).toEqual(absence);
  });

  it("overlapping a manual delegation of one of the caller's roles: 409 naming it, and the previous absence stays", async () => {
    const previous = (await ok(await put({ from: vnDay(20), until: vnDay(22), substituteId: ID.deputy }))).absence;
    const manual = await call("/api/v1/delegations", { token: await tokenFor(USERS.director), json: { toUserId: ID.specialist, role: "director", startsAt: vnDay(5), endsAt: vnDay(8) } });
    expect(manual.status).toBe(201);
    const manualId = ((await manual.json()) as { id: string }).id;
    const body = await refused(() => put({ from: vnDay(7), until: vnDay(9), substituteId: ID.deputy }), 409, "conflict");
    expect(body.conflicting).toMatchObject({ id: manualId, kind: "delegation", role: "director" });
    expect(body.detail).toMatch(/trùng thời gian/);
    expect((await ok(await get())).absence).toEqual(previous);
  });

  it("a manual delegation meeting a live absence of that role: 409 naming the absence's row", async () => {
    const { absence } = await ok(await put({ from: vnDay(2), until: vnDay(4), substituteId: ID.deputy }, USERS.specialist));
    const body = await refused(
      async () => call("/api/v1/delegations", { token: await tokenFor(USERS.specialist), json: { toUserId: ID.director, role: "specialist", startsAt: vnDay(4), endsAt: vnDay(5) } }),
      409,
      "conflict",
    );
    expect(body.conflicting).toMatchObject({ id: absence.delegations[0].id, kind: "absence" });
  });

  it("a body on DELETE (other than {}) is refused; an unknown field on PUT too", async () => {
    await ok(await put({ until: vnDay(3), substituteId: ID.specialist }));
    await refused(async () => call("/api/v1/me/absence", { method: "DELETE", token: await tokenFor(USERS.director), json: { until: vnDay(2) } }), 400, "malformed-request");
    await refused(() => put({ until: vnDay(3), substituteId: ID.specialist, roles: ["director"] }), 422, "validation-failed", "roles");
  });
});

describe("absence against concurrent writes", () => {
  it("a PUT and an overlapping manual delegation sent at once: exactly one is written", async () => {
    const token = await tokenFor(USERS.specialist);
    const [absence, manual] = await Promise.all([
      call("/api/v1/me/absence", { method: "PUT", token, json: { until: vnDay(3), substituteId: ID.deputy } }),
      call("/api/v1/delegations", { token, json: { toUserId: ID.director, role: "specialist", endsAt: vnDay(3) } }),
    ]);
    // Whichever lands first is written (the absence: 200, the delegation: 201); the other is a 409.
    expect([[200, 409], [201, 409]]).toContainEqual([absence.status, manual.status].sort());
    expect(absence.status === 200 ? manual.status : absence.status).toBe(409);
    const rows = await table();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.kind).toBe(absence.status === 200 ? "absence" : "delegation");
  });

  it("two PUTs sent at once leave one absence live", async () => {
    const token = await tokenFor(USERS.director);
    const answers = await Promise.all([ID.specialist, ID.deputy].map((s) => call("/api/v1/me/absence", { method: "PUT", token, json: { until: vnDay(3), substituteId: s } })));
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    const live = (await table()).filter((r) => r.ended_at === null);
    expect(live).toHaveLength(2);
    expect(new Set(live.map((r) => r.to_user_id)).size).toBe(1);
    const { absence } = await ok(await get());
    expect(absence.delegations.map((d: { id: string }) => d.id).sort()).toEqual(live.map((r) => r.id).sort());
  });
});
