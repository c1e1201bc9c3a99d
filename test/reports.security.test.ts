import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { rankOf } from "../src/domain/policy";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { call, createReport, expectProblem, json, sampleReport, tokenFor, USERS } from "./helpers/api";
import { periodicInput } from "./helpers/periods";
import { DEMO_PASSWORD } from "./helpers/seed";

const REVIEWERS = [USERS.specialist, USERS.deputy, USERS.director] as const;
const GDTX_COVERS: string[] = [DEMO_UNITS.quan6, DEMO_UNITS.tanPhu, DEMO_UNITS.leQuyDon, DEMO_UNITS.caoDangKinhTe];

/** Simulates a submission (the review engine is not under test here). */
/** The stage ids of the department's chain are its roles' names; the reach follows the stage. */
async function setStatus(id: string, status: string, stage: string | null = null) {
  await env.DB.prepare("UPDATE reports SET status = ?, stage = ?, stage_role = ?, review_reach = ? WHERE id = ?").bind(status, stage, stage, rankOf(stage), id).run();
}

/** Every report (and id) the caller's list yields for this query, all pages. */
async function listIds(token: string, query = "") {
  const ids: string[] = [];
  const items: any[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const qs = [query, "limit=100", cursor ? `cursor=${encodeURIComponent(cursor)}` : ""].filter(Boolean).join("&");
    const res = await call(`/api/v1/reports?${qs}`, { token });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const body = JSON.parse(text);
    items.push(...body.items);
    ids.push(...body.items.map((r: any) => r.id));
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return { ids, items };
}

describe("authentication", () => {
  it("every report endpoint without a token -> 401 with WWW-Authenticate, nothing written", async () => {
    const before = await env.DB.prepare("SELECT count(*) AS n FROM reports").first<{ n: number }>();
    const someId = "01900000-0000-7000-8000-000000000000";
    for (const [method, path, body] of [
      ["GET", "/api/v1/reports", undefined],
      ["GET", `/api/v1/reports/${someId}`, undefined],
      ["POST", "/api/v1/reports", JSON.stringify(sampleReport)],
      ["PATCH", `/api/v1/reports/${someId}`, JSON.stringify({ title: "abc" })],
      ["GET", "/api/v1/workflows", undefined],
    ] as const) {
      const res = await call(path, { method, body, headers: body ? { "content-type": "application/json", "if-match": '"1"' } : {} });
      await expectProblem(res, 401, "unauthenticated");
      expect(res.headers.get("www-authenticate"), `${method} ${path}`).toMatch(/^Bearer/);
    }
    expect(await env.DB.prepare("SELECT count(*) AS n FROM reports").first<{ n: number }>()).toEqual(before);
  });

  it("a made-up or malformed bearer token -> 401", async () => {
    await expectProblem(await call("/api/v1/reports", { token: "A".repeat(43) }), 401, "unauthenticated");
    await expectProblem(await call("/api/v1/reports", { headers: { authorization: "Bearer not a token" } }), 401, "unauthenticated");
    await expectProblem(await call("/api/v1/reports", { headers: { authorization: "Basic YWRtaW46eA==" } }), 401, "unauthenticated");
  });

  it("a deactivated user's token stops working at once, and they cannot sign in again", async () => {
    const admin = await tokenFor(USERS.admin);
    const email = "canbo.moi@trungtam.example";
    const created = await call("/api/v1/users", {
      token: admin,
      json: { email, name: "Cán bộ mới", unitId: DEMO_UNITS.quan6, password: DEMO_PASSWORD, grants: [{ role: "author" }] },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const user = await json(created);
    const login = await call("/api/v1/auth/login", { json: { email, password: DEMO_PASSWORD }, headers: { "cf-connecting-ip": "10.77.0.1" } });
    expect(login.status).toBe(200);
    const { token } = await json(login);
    const draft = await createReport(token, { title: "Bản nháp của cán bộ mới" });
    expect((await call(`/api/v1/reports/${draft.id}`, { token })).status).toBe(200);

    const off = await call(`/api/v1/users/${user.id}/deactivate`, { method: "POST", token: admin });
    expect(off.status, await off.clone().text()).toBe(200);
    expect((await json(off)).active).toBe(false);

    await expectProblem(await call(`/api/v1/reports/${draft.id}`, { token }), 401, "unauthenticated");
    await expectProblem(await call("/api/v1/reports", { token }), 401, "unauthenticated");
    await expectProblem(await call("/api/v1/reports", { token, json: sampleReport }), 401, "unauthenticated");
    const again = await call("/api/v1/auth/login", { json: { email, password: DEMO_PASSWORD }, headers: { "cf-connecting-ip": "10.77.0.2" } });
    expect(again.status).toBe(401);
    // The unit still sees the draft: deactivating a person deletes nothing.
    const quan6 = await tokenFor(USERS.quan6);
    expect((await call(`/api/v1/reports/${draft.id}`, { token: quan6 })).status).toBe(200);
  });
});

describe("unit isolation", () => {
  it("another unit's author gets 404 (not 403) for GET and PATCH, and nothing changes", async () => {
    const quan6 = await tokenFor(USERS.quan6);
    const tanPhu = await tokenFor(USERS.tanPhu);
    const r = await createReport(quan6, { title: "Báo cáo riêng của Quận 6" });
    await expectProblem(await call(`/api/v1/reports/${r.id}`, { token: tanPhu }), 404, "not-found");
    const res = await call(`/api/v1/reports/${r.id}`, { method: "PATCH", token: tanPhu, json: { title: "Bị sửa trộm" }, headers: { "if-match": '"1"' } });
    await expectProblem(res, 404, "not-found");
    // Not found looks the same as for an id that does not exist.
    const missing = await call("/api/v1/reports/01900000-0000-7000-8000-000000000000", { token: tanPhu });
    expect(missing.status).toBe(404);
    expect(await json(await call(`/api/v1/reports/${r.id}`, { token: quan6 }))).toMatchObject({ version: 1, title: "Báo cáo riêng của Quận 6" });
  });

  it("an author of Tân Phú never sees Quận 6 reports in lists, in any state", async () => {
    const quan6 = await tokenFor(USERS.quan6);
    const tanPhu = await tokenFor(USERS.tanPhu);
    const draft = await createReport(quan6, { title: "Quận 6 nháp" });
    const submitted = await createReport(quan6, { title: "Quận 6 đã gửi" });
    await setStatus(submitted.id, "in_review", "specialist");
    const own = await createReport(tanPhu, { title: "Tân Phú nháp" });
    const { ids, items } = await listIds(tanPhu);
    expect(ids).toContain(own.id);
    expect(ids).not.toContain(draft.id);
    expect(ids).not.toContain(submitted.id);
    expect(items.every((r: any) => r.unitId === DEMO_UNITS.tanPhu)).toBe(true);
    await expectProblem(await call(`/api/v1/reports/${submitted.id}`, { token: tanPhu }), 404, "not-found");
  });

  it("?unit=<another unit> never widens an author's list", async () => {
    const quan6 = await tokenFor(USERS.quan6);
    const tanPhu = await tokenFor(USERS.tanPhu);
    const r = await createReport(quan6, { title: "Quận 6 lọc theo đơn vị" });
    await setStatus((await createReport(quan6, { title: "Quận 6 đang duyệt" })).id, "in_review", "specialist");
    expect((await listIds(tanPhu, `unit=${DEMO_UNITS.quan6}`)).ids).toEqual([]);
    expect((await listIds(tanPhu, `unit=${DEMO_UNITS.quan6}&status=in_review`)).ids).toEqual([]);
    expect((await listIds(tanPhu, `unit=${DEMO_UNITS.quan6}&q=${encodeURIComponent("Quận 6")}`)).ids).toEqual([]);
    expect((await listIds(quan6, `unit=${DEMO_UNITS.quan6}`)).ids).toContain(r.id);
  });

  it("?unit=<uncovered unit> never widens a reviewer's list", async () => {
    const minhKhai = await tokenFor(USERS.minhKhai);
    const r = await createReport(minhKhai, { kind: "news", title: "Tin của trường Minh Khai" });
    await setStatus(r.id, "in_review", "specialist");
    for (const who of [...REVIEWERS, USERS.tanPhu]) {
      const { ids } = await listIds(await tokenFor(who), `unit=${DEMO_UNITS.minhKhai}`);
      expect(ids, who).toEqual([]);
    }
    expect((await listIds(await tokenFor(USERS.admin), `unit=${DEMO_UNITS.minhKhai}`)).ids).toContain(r.id);
  });
});

describe("reviewers and drafts", () => {
  it.each(REVIEWERS)("%s cannot see a unit's draft: 404 and absent from the list", async (reviewer) => {
    const quan6 = await tokenFor(USERS.quan6);
    const draft = await createReport(quan6, { title: `Nháp không cho ${reviewer}` });
    const token = await tokenFor(reviewer);
    await expectProblem(await call(`/api/v1/reports/${draft.id}`, { token }), 404, "not-found");
    await expectProblem(
      await call(`/api/v1/reports/${draft.id}`, { method: "PATCH", token, json: { title: "Sửa" }, headers: { "if-match": '"1"' } }),
      404,
      "not-found",
    );
    const { ids, items } = await listIds(token);
    expect(ids).not.toContain(draft.id);
    expect(items.every((r: any) => r.status !== "draft")).toBe(true);
    expect((await listIds(token, "status=draft")).ids).toEqual([]);
  });

  it("reviewers, the centre head and admin cannot create a report (403), nothing written", async () => {
    const before = await env.DB.prepare("SELECT count(*) AS n FROM reports").first<{ n: number }>();
    for (const who of [...REVIEWERS, USERS.admin, USERS.centreHead]) {
      const res = await call("/api/v1/reports", { token: await tokenFor(who), json: sampleReport });
      expect(res.status, who).toBe(403);
      expect((await json(res)).type).toBe("urn:sogd:problem:forbidden");
    }
    expect(await env.DB.prepare("SELECT count(*) AS n FROM reports").first<{ n: number }>()).toEqual(before);
  });

  it("admin cannot see drafts: 404 and none in the list", async () => {
    const draft = await createReport(await tokenFor(USERS.tanPhu), { title: "Nháp không cho quản trị" });
    const admin = await tokenFor(USERS.admin);
    await expectProblem(await call(`/api/v1/reports/${draft.id}`, { token: admin }), 404, "not-found");
    const { ids, items } = await listIds(admin);
    expect(ids).not.toContain(draft.id);
    expect(items.every((r: any) => r.status !== "draft")).toBe(true);
  });

  it("the centre head sees their unit's submitted reports but not its drafts", async () => {
    const quan6 = await tokenFor(USERS.quan6);
    const head = await tokenFor(USERS.centreHead);
    const draft = await createReport(quan6, { title: "Nháp chưa trình giám đốc" });
    const sent = await createReport(quan6, await periodicInput({ title: "Báo cáo trình giám đốc" }));
    await setStatus(sent.id, "in_review", "centre_head");
    await expectProblem(await call(`/api/v1/reports/${draft.id}`, { token: head }), 404, "not-found");
    expect((await call(`/api/v1/reports/${sent.id}`, { token: head })).status).toBe(200);
    const { ids, items } = await listIds(head);
    expect(ids).toContain(sent.id);
    expect(ids).not.toContain(draft.id);
    expect(items.every((r: any) => r.unitId === DEMO_UNITS.quan6 && r.status !== "draft")).toBe(true);
  });
});

describe("reports under review", () => {
  it("the author gets 409 conflict on PATCH of an in_review report, and nothing changes", async () => {
    const quan6 = await tokenFor(USERS.quan6);
    const r = await createReport(quan6, { title: "Đã gửi duyệt" });
    await setStatus(r.id, "in_review", "specialist");
    const res = await call(`/api/v1/reports/${r.id}`, { method: "PATCH", token: quan6, json: { title: "Sửa sau khi gửi" }, headers: { "if-match": '"1"' } });
    const problem = await expectProblem(res, 409, "conflict");
    expect(problem.currentStatus).toBe("in_review");
    const back = await json(await call(`/api/v1/reports/${r.id}`, { token: quan6 }));
    expect(back).toMatchObject({ status: "in_review", version: 1, title: "Đã gửi duyệt" });
  });

  it("the author cannot PATCH a report while it is in review, approved or scheduled (409)", async () => {
    const quan6 = await tokenFor(USERS.quan6);
    for (const status of ["in_review", "approved", "scheduled"]) {
      const r = await createReport(quan6, { title: `Trạng thái ${status}` });
      await setStatus(r.id, status);
      const res = await call(`/api/v1/reports/${r.id}`, { method: "PATCH", token: quan6, json: { summary: "x" }, headers: { "if-match": '"1"' } });
      expect(res.status, status).toBe(409);
      expect((await json(res)).currentStatus).toBe(status);
      expect((await json(await call(`/api/v1/reports/${r.id}`, { token: quan6 }))).version, status).toBe(1);
    }
  });

  it("a returned, withdrawn, published or unpublished report is in its unit's hands: editable (a correction of a published one)", async () => {
    const quan6 = await tokenFor(USERS.quan6);
    for (const status of ["returned", "withdrawn", "published", "unpublished"]) {
      const r = await createReport(quan6, { title: `Trở lại đơn vị ${status}` });
      await setStatus(r.id, status);
      const res = await call(`/api/v1/reports/${r.id}`, { method: "PATCH", token: quan6, json: { attendees: [] }, headers: { "if-match": '"1"' } });
      expect(res.status, `${status}: ${await res.clone().text()}`).toBe(200);
      expect(await json(res)).toMatchObject({ version: 2, status, attendees: [] });
    }
  });

  it("a report at the specialist's stage is not yet the deputy head's or the director's to read", async () => {
    const quan6 = await tokenFor(USERS.quan6);
    const r = await createReport(quan6, { title: "Chưa tới bước lãnh đạo" });
    await setStatus(r.id, "in_review", "specialist");
    expect((await call(`/api/v1/reports/${r.id}`, { token: await tokenFor(USERS.specialist) })).status).toBe(200);
    for (const who of [USERS.deputy, USERS.director]) {
      const token = await tokenFor(who);
      await expectProblem(await call(`/api/v1/reports/${r.id}`, { token }), 404, "not-found");
      expect((await listIds(token, "status=in_review")).ids, who).not.toContain(r.id);
      await expectProblem(await call(`/api/v1/reports/${r.id}/history`, { token }), 404, "not-found");
    }
    await setStatus(r.id, "in_review", "deputy_head");
    expect((await call(`/api/v1/reports/${r.id}`, { token: await tokenFor(USERS.deputy) })).status).toBe(200);
    expect((await call(`/api/v1/reports/${r.id}`, { token: await tokenFor(USERS.director) })).status).toBe(404);
  });

  it("reviewers covering the unit can read an in_review report, in GET and in their list", async () => {
    const quan6 = await tokenFor(USERS.quan6);
    const r = await createReport(quan6, { title: "Chờ trưởng phòng duyệt" });
    await setStatus(r.id, "in_review", "director");
    for (const who of [...REVIEWERS, USERS.admin]) {
      const token = await tokenFor(who);
      const res = await call(`/api/v1/reports/${r.id}`, { token });
      expect(res.status, who).toBe(200);
      expect((await json(res)).status).toBe("in_review");
      expect((await listIds(token, "status=in_review")).ids, who).toContain(r.id);
    }
  });

  it("a reviewer who can read an in_review report still cannot PATCH it (403)", async () => {
    const quan6 = await tokenFor(USERS.quan6);
    const r = await createReport(quan6, { title: "Chuyên viên không được sửa" });
    await setStatus(r.id, "in_review", "director");
    for (const who of REVIEWERS) {
      const res = await call(`/api/v1/reports/${r.id}`, { method: "PATCH", token: await tokenFor(who), json: { title: "Sửa của chuyên viên" }, headers: { "if-match": '"1"' } });
      await expectProblem(res, 403, "forbidden");
    }
    expect(await json(await call(`/api/v1/reports/${r.id}`, { token: quan6 }))).toMatchObject({ version: 1, title: "Chuyên viên không được sửa" });
  });

  it("the high school's in_review report is 404 for the GDTX reviewers, who do not cover it", async () => {
    const minhKhai = await tokenFor(USERS.minhKhai);
    const r = await createReport(minhKhai, { title: "Báo cáo của trường THPT Nguyễn Thị Minh Khai" });
    expect(r.unitId).toBe(DEMO_UNITS.minhKhai);
    await setStatus(r.id, "in_review", "specialist");
    for (const who of REVIEWERS) {
      const token = await tokenFor(who);
      await expectProblem(await call(`/api/v1/reports/${r.id}`, { token }), 404, "not-found");
      expect((await listIds(token)).ids, who).not.toContain(r.id);
    }
    expect((await call(`/api/v1/reports/${r.id}`, { token: await tokenFor(USERS.admin) })).status).toBe(200);
  });

  it("a reviewer's list holds only submitted reports of the units they cover", async () => {
    const quan6 = await tokenFor(USERS.quan6);
    await setStatus((await createReport(quan6, { title: "Thêm một báo cáo đã gửi" })).id, "in_review", "specialist");
    await setStatus((await createReport(await tokenFor(USERS.minhKhai), { title: "Trường chưa được phụ trách" })).id, "in_review", "specialist");
    const { items } = await listIds(await tokenFor(USERS.specialist));
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(GDTX_COVERS).toContain(item.unitId);
      expect(item.status).not.toBe("draft");
    }
  });
});
