// Reporting periods (DESIGN.md section 11): opening (specialist or director for the units they
// cover, or an admin), listing, reading and closing; every bad input or refused caller answered
// with a problem+json naming the field, and nothing written.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { call, expectProblem, json, tokenFor, USERS } from "./helpers/api";

type Period = {
  id: string;
  title: string;
  indicatorSetId: string;
  unitIds?: string[];
  unitCount: number;
  opensAt: string;
  dueAt: string;
  status: "open" | "closed";
  openedBy: { id: string; name: string };
  createdAt: string;
  closedAt: string | null;
  closedBy: string | null;
};

const U = DEMO_UNITS;
const GDTX_COVERS = [U.quan6, U.tanPhu, U.leQuyDon, U.caoDangKinhTe];
const SPECIALIST_ID = "00000000-0000-7000-8000-000000000102";
const ADMIN_ID = "00000000-0000-7000-8000-000000000101";

const base = { title: "Kết quả học kì I năm học 2024 – 2025", indicatorSetId: "gdtx-hoc-ki", opensAt: "2025-01-06", dueAt: "2025-01-24" };

const open = async (body: unknown, who: string = USERS.specialist) => call("/api/v1/periods", { token: await tokenFor(who), json: body });
const close = async (id: string, who: string = USERS.specialist) => call(`/api/v1/periods/${id}/close`, { method: "POST", token: await tokenFor(who) });
const read = async (id: string, who: string = USERS.specialist) => call(`/api/v1/periods/${id}`, { token: await tokenFor(who) });
const list = async (query = "", who: string = USERS.specialist) => call(`/api/v1/periods${query}`, { token: await tokenFor(who) });

async function opened(body: unknown, who: string = USERS.specialist): Promise<Period> {
  const res = await open(body, who);
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text);
}

/** Both period tables, whole: a refused request must leave them identical. */
async function tables() {
  const periods = await env.DB.prepare("SELECT * FROM periods ORDER BY id").all();
  const units = await env.DB.prepare("SELECT * FROM period_units ORDER BY period_id, unit_id").all();
  return { periods: periods.results, units: units.results };
}

const storedUnits = async (id: string) =>
  (await env.DB.prepare("SELECT unit_id FROM period_units WHERE period_id = ? ORDER BY unit_id").bind(id).all<{ unit_id: string }>()).results.map((r) => r.unit_id);

/** A refused request: this status and problem, naming `path` (when given), and both tables unchanged. */
async function refused(send: () => Promise<Response>, status: number, code: string, path?: string, message?: RegExp) {
  const before = await tables();
  const body = await expectProblem(await send(), status, code);
  if (path) {
    expect(body.errors?.map((e: { path: string }) => e.path), JSON.stringify(body)).toContain(path);
    if (message) expect(body.errors.find((e: { path: string }) => e.path === path).message).toMatch(message);
  }
  expect(await tables()).toEqual(before);
  return body;
}

describe("opening a period", () => {
  it("a specialist opens one for the units they cover by default: every active centre and school, a due date alone at 17:00 in Viet Nam", async () => {
    const p = await opened(base);
    expect(p).toMatchObject({
      title: base.title,
      indicatorSetId: "gdtx-hoc-ki",
      status: "open",
      openedBy: { id: SPECIALIST_ID, name: "Phạm Phương Bình" },
      // 00:00 and 17:00 Asia/Ho_Chi_Minh (UTC+7).
      opensAt: "2025-01-05T17:00:00.000Z",
      dueAt: "2025-01-24T10:00:00.000Z",
      unitCount: 4,
      closedAt: null,
      closedBy: null,
    });
    expect(p.unitIds).toEqual([...GDTX_COVERS].sort());
    expect(await storedUnits(p.id)).toEqual([...GDTX_COVERS].sort());
    const row = await env.DB.prepare("SELECT status, opened_by, opened_by_name, due_at FROM periods WHERE id = ?").bind(p.id).first();
    expect(row).toEqual({ status: "open", opened_by: SPECIALIST_ID, opened_by_name: "Phạm Phương Bình", due_at: "2025-01-24T10:00:00.000Z" });
  });

  it("a director opens one for some of the units they cover, with times and zones as written", async () => {
    const p = await opened({ ...base, unitIds: [U.tanPhu, U.quan6], opensAt: "2025-06-01T08:00:00+07:00", dueAt: "2025-06-30T23:30:00Z" }, USERS.director);
    expect(p).toMatchObject({ opensAt: "2025-06-01T01:00:00.000Z", dueAt: "2025-06-30T23:30:00.000Z", unitCount: 2 });
    expect(p.unitIds).toEqual([U.quan6, U.tanPhu].sort());
  });

  it("an admin opens one for every active centre and school by default, and for any unit", async () => {
    const all = await opened({ ...base, indicatorSetId: "gdtx-nam-hoc", title: "Năm học 2024 – 2025" }, USERS.admin);
    expect(all.unitIds).toEqual([...GDTX_COVERS, U.minhKhai].sort());
    const one = await opened({ ...base, unitIds: [U.minhKhai] }, USERS.admin);
    expect(one).toMatchObject({ unitIds: [U.minhKhai], openedBy: { id: ADMIN_ID } });
  });

  it("an inactive centre is not among the default units", async () => {
    const admin = await tokenFor(USERS.admin);
    const created = await json<{ id: string }>(await call("/api/v1/units", { token: admin, json: { code: "TT-DONG", name: "Trung tâm đã giải thể", type: "centre", parentId: U.department } }));
    const patched = await call(`/api/v1/units/${created.id}`, { method: "PATCH", token: admin, json: { active: false } });
    expect(patched.status).toBe(200);
    const p = await opened(base, USERS.admin);
    expect(p.unitIds).not.toContain(created.id);
    await refused(() => open({ ...base, unitIds: [created.id] }, USERS.admin), 422, "validation-failed", "unitIds.0", /đang hoạt động/);
  });
});

describe("bad input: a problem naming the field, and nothing written", () => {
  const cases: [string, unknown, string, RegExp?][] = [
    ["an unknown indicator set", { ...base, indicatorSetId: "khong-co" }, "indicatorSetId", /bộ chỉ tiêu/],
    ["a due date before the opening", { ...base, opensAt: "2025-02-01", dueAt: "2025-01-24" }, "dueAt", /sau thời điểm mở/],
    ["a due time equal to the opening", { ...base, opensAt: "2025-01-24T10:00:00Z", dueAt: "2025-01-24T17:00:00+07:00" }, "dueAt", /sau thời điểm mở/],
    ["a date that is not on the calendar", { ...base, dueAt: "2025-02-30" }, "dueAt", /không có trên lịch/],
    ["a date in another format", { ...base, dueAt: "24/01/2025" }, "dueAt", /YYYY-MM-DD/],
    ["a date-time without a zone", { ...base, opensAt: "2025-01-06T08:00:00" }, "opensAt", /múi giờ/],
    ["an impossible time", { ...base, dueAt: "2025-01-24T25:00:00+07:00" }, "dueAt"],
    ["a number for a date", { ...base, dueAt: 20250124 }, "dueAt"],
    ["a missing due date", { title: base.title, indicatorSetId: base.indicatorSetId, opensAt: base.opensAt }, "dueAt"],
    ["an empty title", { ...base, title: "   " }, "title", /tên kỳ/],
    ["an empty list of units", { ...base, unitIds: [] }, "unitIds", /ít nhất một/],
    ["a unit twice", { ...base, unitIds: [U.quan6, U.tanPhu, U.quan6] }, "unitIds.2", /lặp/],
    ["an unknown unit", { ...base, unitIds: [U.quan6, "khong-co-don-vi"] }, "unitIds.1", /Không có đơn vị/],
    ["an unknown field", { ...base, status: "closed" }, "status"],
  ];
  it.each(cases)("%s -> 422", async (_name, body, path, message) => {
    await refused(() => open(body), 422, "validation-failed", path, message);
  });

  it("a division rather than a centre or school -> 422 for one who covers it (the admin), 403 for one who does not", async () => {
    await refused(() => open({ ...base, unitIds: [U.gdtx] }, USERS.admin), 422, "validation-failed", "unitIds.0", /trung tâm và trường/);
    // Coverage is checked first: a unit outside the opener's reach is "not yours", whatever it is.
    await refused(() => open({ ...base, unitIds: [U.gdtx] }), 403, "forbidden", "unitIds.0", /phạm vi/);
  });

  it("a unit the opener does not cover -> 403 naming it", async () => {
    await refused(() => open({ ...base, unitIds: [U.quan6, U.minhKhai] }), 403, "forbidden", "unitIds.1", /phạm vi/);
  });
});

describe("who may open and close", () => {
  it("authors, centre heads and deputy heads may not open a period (403, nothing written)", async () => {
    for (const who of [USERS.quan6, USERS.minhKhai, USERS.centreHead, USERS.deputy]) {
      await refused(() => open({ ...base, unitIds: [U.quan6] }, who), 403, "forbidden");
      await refused(() => open(base, who), 403, "forbidden");
    }
  });

  it("a division's specialist cannot open a period for another division's school, even with their own units beside it", async () => {
    await refused(() => open({ ...base, unitIds: [U.minhKhai] }), 403, "forbidden", "unitIds.0");
  });

  it("unsigned: 401", async () => {
    const before = await tables();
    await expectProblem(await call("/api/v1/periods", { json: base }), 401, "unauthenticated");
    await expectProblem(await call("/api/v1/periods"), 401, "unauthenticated");
    const p = await opened({ ...base, unitIds: [U.quan6] });
    const mid = await tables();
    await expectProblem(await call(`/api/v1/periods/${p.id}`), 401, "unauthenticated");
    await expectProblem(await call(`/api/v1/periods/${p.id}/close`, { method: "POST" }), 401, "unauthenticated");
    expect(await tables()).toEqual(mid);
    expect(mid.periods.length).toBe(before.periods.length + 1);
  });

  it("an author reads the period their unit reports in, but may not close it; another unit's author does not see it", async () => {
    const p = await opened({ ...base, unitIds: [U.quan6] });
    expect((await read(p.id, USERS.quan6)).status).toBe(200);
    expect((await read(p.id, USERS.centreHead)).status).toBe(200);
    await refused(() => close(p.id, USERS.quan6), 403, "forbidden");
    await refused(() => close(p.id, USERS.centreHead), 403, "forbidden");
    await expectProblem(await read(p.id, USERS.tanPhu), 404, "not-found");
    await refused(() => close(p.id, USERS.tanPhu), 404, "not-found");
    // The deputy head reviews Quận 6: reads the period, may not close it.
    expect((await read(p.id, USERS.deputy)).status).toBe(200);
    await refused(() => close(p.id, USERS.deputy), 403, "forbidden");
  });

  it("a specialist may not close a period with a unit they do not cover; an admin may", async () => {
    const p = await opened({ ...base, unitIds: [U.quan6, U.minhKhai] }, USERS.admin);
    expect((await read(p.id)).status).toBe(200);
    await refused(() => close(p.id), 403, "forbidden");
    const res = await close(p.id, USERS.admin);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ status: "closed", closedBy: ADMIN_ID });
  });
});

describe("reading, listing and closing", () => {
  it("reads one period with its units; an unknown id is 404", async () => {
    const p = await opened({ ...base, unitIds: [U.leQuyDon, U.quan6] });
    const res = await read(p.id);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ ...p, unitIds: [U.leQuyDon, U.quan6].sort() });
    await expectProblem(await read("khong-co-ky-nay"), 404, "not-found");
  });

  it("lists newest first in pages, with a count of units, filtered by status; each caller sees the periods they may read", async () => {
    const titles = ["Kỳ A", "Kỳ B", "Kỳ C"];
    const made: Period[] = [];
    for (const title of titles) made.push(await opened({ ...base, title, unitIds: [U.tanPhu] }));
    const seen: Period[] = [];
    let cursor: string | null = null;
    do {
      const res = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      const page = await json<{ items: Period[]; nextCursor: string | null }>(res);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const keys = seen.map((p) => `${p.createdAt}|${p.id}`);
    expect(keys).toEqual([...keys].sort().reverse());
    expect(new Set(seen.map((p) => p.id)).size).toBe(seen.length);
    expect(seen.slice(0, 3).map((p) => p.title)).toEqual(["Kỳ C", "Kỳ B", "Kỳ A"]);
    expect(seen[0]).toMatchObject({ unitCount: 1 });
    expect(seen[0]!.unitIds).toBeUndefined();
    // The specialist does not see the admin's period for Minh Khai alone.
    const all = (await json<{ items: Period[] }>(await list("?limit=100", USERS.admin))).items;
    const minhKhaiOnly = all.filter((p) => p.unitCount === 1 && p.openedBy.id === ADMIN_ID);
    expect(minhKhaiOnly.length).toBeGreaterThan(0);
    for (const p of minhKhaiOnly) expect(seen.map((s) => s.id)).not.toContain(p.id);
    // Tân Phú's author sees the three, Minh Khai's does not.
    const tanPhu = (await json<{ items: Period[] }>(await list("?limit=100", USERS.tanPhu))).items.map((p) => p.id);
    for (const p of made) expect(tanPhu).toContain(p.id);
    const minhKhai = (await json<{ items: Period[] }>(await list("?limit=100", USERS.minhKhai))).items.map((p) => p.id);
    for (const p of made) expect(minhKhai).not.toContain(p.id);

    expect((await close(made[1]!.id)).status).toBe(200);
    const closed = (await json<{ items: Period[] }>(await list("?status=closed&limit=100"))).items;
    expect(closed.map((p) => p.id)).toContain(made[1]!.id);
    expect(closed.every((p) => p.status === "closed")).toBe(true);
    const openOnes = (await json<{ items: Period[] }>(await list("?status=open&limit=100"))).items;
    expect(openOnes.map((p) => p.id)).not.toContain(made[1]!.id);
    expect(openOnes.every((p) => p.status === "open")).toBe(true);

    await expectProblem(await list("?status=draft"), 422, "validation-failed");
    await expectProblem(await list("?cursor=%%%"), 422, "validation-failed");
  });

  it("closing: the period is closed once; closing it again changes nothing and answers 200 with the first close", async () => {
    const p = await opened({ ...base, unitIds: [U.quan6] });
    const first = await close(p.id, USERS.director);
    expect(first.status).toBe(200);
    const closed = await json<Period>(first);
    expect(closed).toMatchObject({ id: p.id, status: "closed", closedBy: "00000000-0000-7000-8000-000000000104", unitIds: [U.quan6] });
    expect(closed.closedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const before = await tables();
    const again = await close(p.id);
    expect(again.status).toBe(200);
    expect(await json(again)).toEqual(closed);
    expect(await tables()).toEqual(before);
    expect(await json(await read(p.id))).toEqual(closed);
  });

  it("close takes no body", async () => {
    const p = await opened({ ...base, unitIds: [U.quan6] });
    const res = await call(`/api/v1/periods/${p.id}/close`, { token: await tokenFor(USERS.specialist), json: { status: "closed" } });
    expect([400, 415, 422]).toContain(res.status);
    expect((await env.DB.prepare("SELECT status FROM periods WHERE id = ?").bind(p.id).first())!.status).toBe("open");
  });
});
