// Delegations (DESIGN.md section 13), the happy paths: a holder of a reviewer role delegates it
// for themselves, an admin for anyone; lists by scope and state; ending one at once (by the
// delegator, the delegate declining, an admin); dates alone as whole days in Viet Nam.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { addDays, vnMoment } from "../src/domain/calendar";
import { call, json, tokenFor, USERS } from "./helpers/api";

const uid = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;
const ID = { admin: uid(101), specialist: uid(102), deputy: uid(103), director: uid(104), quan6: uid(105), centreHead: uid(107) };

type Delegation = {
  id: string;
  from: { userId: string; name: string };
  to: { userId: string; name: string };
  role: string;
  roleLabel: string;
  kind: "delegation" | "absence";
  startsAt: string;
  endsAt: string;
  note: string | null;
  createdBy: { userId: string; name: string };
  createdAt: string;
  endedAt: string | null;
  state: "scheduled" | "active" | "ended";
};

const DAY = 86_400_000;
/** The date in Viet Nam `days` from today. */
const vnDay = (days: number) => new Date(Date.now() + 7 * 3_600_000 + days * DAY).toISOString().slice(0, 10);
/** 00:00 in Viet Nam that day, and the end of that day (00:00 the next), as stored. */
const startOf = (date: string) => vnMoment(date, 0);
const endOf = (date: string) => vnMoment(addDays(date, 1), 0);

const post = async (body: unknown, who: string = USERS.specialist) => call("/api/v1/delegations", { token: await tokenFor(who), json: body });
const list = async (query = "", who: string = USERS.specialist) => call(`/api/v1/delegations${query}`, { token: await tokenFor(who) });
const end = async (id: string, who: string = USERS.specialist) => call(`/api/v1/delegations/${id}`, { method: "DELETE", token: await tokenFor(who) });

async function created(body: unknown, who: string = USERS.specialist): Promise<Delegation> {
  const res = await post(body, who);
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text);
}

async function ok<T = any>(res: Response): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text);
}

// Each test starts from no delegation at all (the demo data has none); rows are never deleted by the API.
beforeEach(async () => {
  await env.DB.prepare("DELETE FROM delegations").run();
});

describe("creating a delegation", () => {
  it("a specialist delegates their role to the deputy head for whole days: 00:00 of the first to the end of the last, in Viet Nam", async () => {
    const first = vnDay(3);
    const last = vnDay(7);
    const d = await created({ toUserId: ID.deputy, role: "specialist", startsAt: first, endsAt: last, note: "Đi công tác Hà Nội" });
    expect(d).toMatchObject({
      from: { userId: ID.specialist, name: "Phạm Phương Bình" },
      to: { userId: ID.deputy, name: "Trần Thị Kim Thanh" },
      role: "specialist",
      roleLabel: "Chuyên viên",
      kind: "delegation",
      startsAt: startOf(first),
      endsAt: endOf(last),
      note: "Đi công tác Hà Nội",
      createdBy: { userId: ID.specialist, name: "Phạm Phương Bình" },
      endedAt: null,
      state: "scheduled",
    });
    // 00:00 +07:00 is 17:00 UTC the day before.
    expect(d.startsAt).toBe(`${addDays(first, -1)}T17:00:00.000Z`);
    expect(d.endsAt).toBe(`${last}T17:00:00.000Z`);
    const row = await env.DB.prepare("SELECT * FROM delegations WHERE id = ?").bind(d.id).first<Record<string, unknown>>();
    expect(row).toMatchObject({ from_user_id: ID.specialist, to_user_id: ID.deputy, role: "specialist", kind: "delegation", created_by: ID.specialist, ended_at: null, ended_by: null });
  });

  it("without startsAt it runs from now; a zoned date-time is taken as the instant it names", async () => {
    const before = new Date().toISOString();
    const d = await created({ toUserId: ID.director, role: "specialist", endsAt: `${vnDay(2)}T17:30:00+07:00` });
    expect(d.state).toBe("active");
    expect(d.startsAt >= before && d.startsAt <= new Date().toISOString()).toBe(true);
    expect(d.endsAt).toBe(`${vnDay(2)}T10:30:00.000Z`);
    expect(d.note).toBeNull();
  });

  it("a centre head delegates to someone of their own centre, who holds no reviewer role", async () => {
    const d = await created({ toUserId: ID.quan6, role: "centre_head", endsAt: vnDay(1) }, USERS.centreHead);
    expect(d).toMatchObject({ from: { userId: ID.centreHead }, to: { userId: ID.quan6 }, role: "centre_head", roleLabel: "Lãnh đạo đơn vị", state: "active" });
  });

  it("a non-admin may name themselves as fromUserId", async () => {
    const d = await created({ fromUserId: ID.specialist, toUserId: ID.deputy, role: "specialist", endsAt: vnDay(1) });
    expect(d.from.userId).toBe(ID.specialist);
  });

  it("an admin delegates for someone else, naming them; the admin is recorded as its creator", async () => {
    const d = await created({ fromUserId: ID.director, toUserId: ID.deputy, role: "director", endsAt: vnDay(5) }, USERS.admin);
    expect(d).toMatchObject({ from: { userId: ID.director, name: "Cao Minh Quý" }, to: { userId: ID.deputy }, role: "director", roleLabel: "Trưởng phòng", createdBy: { userId: ID.admin } });
  });

  it("periods that only touch do not overlap: one may start where the other ends", async () => {
    const a = await created({ toUserId: ID.deputy, role: "specialist", startsAt: vnDay(10), endsAt: vnDay(12) });
    const b = await created({ toUserId: ID.director, role: "specialist", startsAt: vnDay(13), endsAt: vnDay(14) });
    expect(b.startsAt).toBe(a.endsAt);
  });

  it("the same role by another person, or another role by the same person, at the same time is no overlap", async () => {
    await created({ toUserId: ID.director, role: "specialist", endsAt: vnDay(3) });
    await created({ toUserId: ID.specialist, role: "deputy_head", endsAt: vnDay(3) }, USERS.deputy);
    await created({ fromUserId: ID.specialist, toUserId: ID.deputy, role: "specialist", startsAt: vnDay(4), endsAt: vnDay(5) }, USERS.admin);
  });

  it("a delegation ended early no longer blocks a new one for the same time", async () => {
    const a = await created({ toUserId: ID.deputy, role: "specialist", endsAt: vnDay(3) });
    await ok(await end(a.id));
    const b = await created({ toUserId: ID.director, role: "specialist", endsAt: vnDay(3) });
    expect(b.state).toBe("active");
  });
});

describe("listing delegations", () => {
  async function fixture() {
    const given = await created({ toUserId: ID.deputy, role: "specialist", endsAt: vnDay(2) });
    const received = await created({ toUserId: ID.specialist, role: "director", startsAt: vnDay(5), endsAt: vnDay(6) }, USERS.director);
    const others = await created({ toUserId: ID.quan6, role: "centre_head", endsAt: vnDay(2) }, USERS.centreHead);
    const endedOne = await created({ toUserId: ID.director, role: "specialist", startsAt: vnDay(20), endsAt: vnDay(21) });
    await ok(await end(endedOne.id));
    return { given, received, others, endedOne };
  }
  const ids = (body: { items: Delegation[] }) => body.items.map((d) => d.id);
  // Newest first by (createdAt, id): two made in the same millisecond are ordered by id.
  const newestFirst = (...ds: Delegation[]) =>
    [...ds].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1)).map((d) => d.id);

  it("mine (the default) is what the caller gave and received, newest first", async () => {
    const f = await fixture();
    const body = await ok<{ items: Delegation[]; nextCursor: string | null }>(await list());
    expect(ids(body)).toEqual(newestFirst(f.endedOne, f.received, f.given));
    expect(body.nextCursor).toBeNull();
    expect(ids(await ok(await list("?scope=mine")))).toEqual(ids(body));
  });

  it("given and received are one side each", async () => {
    const f = await fixture();
    expect(ids(await ok(await list("?scope=given")))).toEqual(newestFirst(f.endedOne, f.given));
    expect(ids(await ok(await list("?scope=received")))).toEqual([f.received.id]);
    expect(ids(await ok(await list("?scope=received", USERS.deputy)))).toEqual([f.given.id]);
  });

  it("an admin lists all of them", async () => {
    const f = await fixture();
    expect(ids(await ok(await list("?scope=all", USERS.admin)))).toEqual(newestFirst(f.endedOne, f.others, f.received, f.given));
    expect(ids(await ok(await list("?scope=all&state=active", USERS.admin)))).toEqual(newestFirst(f.others, f.given));
  });

  it("state narrows to active, scheduled or ended, and each item carries its state", async () => {
    const f = await fixture();
    const active = await ok<{ items: Delegation[] }>(await list("?state=active"));
    expect(ids(active)).toEqual([f.given.id]);
    expect(active.items[0]!.state).toBe("active");
    const scheduled = await ok<{ items: Delegation[] }>(await list("?state=scheduled"));
    expect(ids(scheduled)).toEqual([f.received.id]);
    expect(scheduled.items[0]!.state).toBe("scheduled");
    const ended = await ok<{ items: Delegation[] }>(await list("?state=ended"));
    expect(ids(ended)).toEqual([f.endedOne.id]);
    expect(ended.items[0]!.state).toBe("ended");
  });

  it("a delegation past its end is listed as ended", async () => {
    await env.DB.prepare(
      "INSERT INTO delegations (id, from_user_id, to_user_id, role, kind, starts_at, ends_at, created_by) VALUES ('past-1', ?, ?, 'specialist', 'delegation', '2024-01-01T00:00:00.000Z', '2024-01-05T00:00:00.000Z', ?)",
    )
      .bind(ID.specialist, ID.deputy, ID.specialist)
      .run();
    const body = await ok<{ items: Delegation[] }>(await list("?state=ended"));
    expect(body.items.map((d) => [d.id, d.state])).toEqual([["past-1", "ended"]]);
    expect(ids(await ok(await list("?state=active")))).toEqual([]);
  });

  it("pages with a cursor", async () => {
    const f = await fixture();
    const first = await ok<{ items: Delegation[]; nextCursor: string | null }>(await list("?limit=2"));
    const order = newestFirst(f.endedOne, f.received, f.given);
    expect(ids(first)).toEqual(order.slice(0, 2));
    expect(first.nextCursor).toBeTruthy();
    const second = await ok<{ items: Delegation[]; nextCursor: string | null }>(await list(`?limit=2&cursor=${first.nextCursor}`));
    expect(ids(second)).toEqual(order.slice(2));
    expect(second.nextCursor).toBeNull();
  });
});

describe("ending a delegation", () => {
  it("the delegator ends it at once: ended now, by them; the row stays", async () => {
    const d = await created({ toUserId: ID.deputy, role: "specialist", endsAt: vnDay(3) });
    const before = new Date().toISOString();
    const ended = await ok<Delegation>(await end(d.id));
    expect(ended).toMatchObject({ id: d.id, state: "ended", endsAt: d.endsAt });
    expect(ended.endedAt! >= before).toBe(true);
    const row = await env.DB.prepare("SELECT ended_at, ended_by FROM delegations WHERE id = ?").bind(d.id).first();
    expect(row).toEqual({ ended_at: ended.endedAt, ended_by: ID.specialist });
  });

  it("the delegate may decline it", async () => {
    const d = await created({ toUserId: ID.deputy, role: "specialist", startsAt: vnDay(2), endsAt: vnDay(3) });
    const ended = await ok<Delegation>(await end(d.id, USERS.deputy));
    expect(ended.state).toBe("ended");
    expect((await env.DB.prepare("SELECT ended_by FROM delegations WHERE id = ?").bind(d.id).first())?.ended_by).toBe(ID.deputy);
  });

  it("an admin may end anyone's", async () => {
    const d = await created({ toUserId: ID.quan6, role: "centre_head", endsAt: vnDay(3) }, USERS.centreHead);
    expect((await ok<Delegation>(await end(d.id, USERS.admin))).state).toBe("ended");
    expect((await env.DB.prepare("SELECT ended_by FROM delegations WHERE id = ?").bind(d.id).first())?.ended_by).toBe(ID.admin);
  });
});

describe("the OpenAPI document", () => {
  it("describes the delegation and absence endpoints and their shapes", async () => {
    const doc = await json(await call("/api/v1/openapi.json"));
    expect(Object.keys(doc.paths["/api/v1/delegations"]).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths["/api/v1/delegations/{id}"])).toEqual(["delete"]);
    expect(Object.keys(doc.paths["/api/v1/me/absence"]).sort()).toEqual(["delete", "get", "put"]);
    expect(doc.components.schemas.CreateDelegation.properties.role.enum).toEqual(["centre_head", "specialist", "deputy_head", "director"]);
    expect(doc.components.schemas.Delegation.properties.state.enum).toEqual(["scheduled", "active", "ended"]);
    expect(doc.components.schemas.PutAbsence.required).toEqual(expect.arrayContaining(["until", "substituteId"]));
  });
});
