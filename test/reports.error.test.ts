import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, createReport, expectProblem, json, sampleReport, tokenFor, USERS } from "./helpers/api";
import { GOOD_FIGURES, openPeriod } from "./helpers/periods";

const periodicFigures = GOOD_FIGURES;

/** One period for the periodic reports of this file (opened once, before the first test). */
let periodId: string;
beforeAll(async () => {
  periodId = await openPeriod();
});

/** A periodic body in this file's period: read when the test runs, once the period is open. */
const periodic =
  (extra: Record<string, unknown>): (() => Record<string, unknown>) =>
  () => ({ kind: "periodic", title: "Báo cáo kết quả học kì I", body: "Số liệu học kì I.", periodId, ...extra });

/** Rows in the tables a report write touches: nothing may change on a rejected request. */
async function writeCounts() {
  const row = await env.DB.prepare(
    "SELECT (SELECT count(*) FROM reports) AS reports, (SELECT count(*) FROM report_events) AS events, (SELECT coalesce(sum(version), 0) FROM reports) AS versions",
  ).first<{ reports: number; events: number; versions: number }>();
  return row!;
}

async function createRaw(body: unknown, token?: string) {
  return call("/api/v1/reports", { token: token ?? (await tokenFor(USERS.quan6)), json: body });
}

/** Asserts a 422 validation problem whose `errors` name exactly these paths (at least). */
async function expectValidation(res: Response, ...paths: string[]) {
  const problem = await expectProblem(res, 422, "validation-failed");
  expect(Array.isArray(problem.errors), JSON.stringify(problem)).toBe(true);
  const got = problem.errors.map((e: { path: string }) => e.path);
  for (const p of paths) expect(got, JSON.stringify(problem.errors)).toContain(p);
  for (const e of problem.errors) expect(typeof e.message).toBe("string");
  return problem;
}

async function getReport(token: string, id: string) {
  const res = await call(`/api/v1/reports/${id}`, { token });
  expect(res.status).toBe(200);
  return json(res);
}

function patchRaw(token: string, id: string, body: unknown, ifMatch: string | null = '"1"') {
  return call(`/api/v1/reports/${id}`, { method: "PATCH", token, json: body, headers: ifMatch === null ? {} : { "if-match": ifMatch } });
}

describe("create: validation problems write nothing", () => {
  const { title: _t, ...withoutTitle } = sampleReport;
  const cases: [string, Record<string, unknown> | (() => Record<string, unknown>), string[]][] = [
    ["missing title", withoutTitle, ["title"]],
    ["missing body", { ...sampleReport, body: undefined }, ["body"]],
    ["blank body", { ...sampleReport, body: "   \n  " }, ["body"]],
    ["unknown field", { ...sampleReport, status: "published" }, ["status"]],
    ["title: 123", { ...sampleReport, title: 123 }, ["title"]],
    ["title 301 characters", { ...sampleReport, title: "a".repeat(301) }, ["title"]],
    ["title shorter than 3 after trimming", { ...sampleReport, title: "  ab  " }, ["title"]],
    ["body over 100 000 characters", { ...sampleReport, body: "a".repeat(100_001) }, ["body"]],
    ["eventDate 2024-02-30", { ...sampleReport, eventDate: "2024-02-30" }, ["eventDate"]],
    ["eventDate 23/01/2024", { ...sampleReport, eventDate: "23/01/2024" }, ["eventDate"]],
    ["unknown kind", { ...sampleReport, kind: "memo" }, ["kind"]],
    ["figures on a news report", { ...sampleReport, kind: "news", figures: periodicFigures }, ["figures"]],
    ["periodic without figures", periodic({}), ["figures"]],
    ["periodic with figures: null", periodic({ figures: null }), ["figures"]],
    ["completionRate disagrees with counts", periodic({ figures: { ...periodicFigures, completionRate: 99.5 } }), ["figures.completionRate"]],
    ["completionRate off by more than the 0,1 tolerance (98,8%)", periodic({ figures: { ...periodicFigures, completionRate: 98.8 } }), ["figures.completionRate"]],
    ["completed > enrolled", periodic({ figures: { ...periodicFigures, enrolled: 100, completed: 101, completionRate: 100 } }), ["figures.completed"]],
    ["figures as Vietnamese-formatted strings", periodic({ figures: { ...periodicFigures, enrolled: "13.184" } }), ["figures.enrolled"]],
    ["figures with an unknown key", periodic({ figures: { ...periodicFigures, note: "x" } }), ["figures.note"]],
    ["sourceUrl javascript:alert(1)", { ...sampleReport, sourceUrl: "javascript:alert(1)" }, ["sourceUrl"]],
    ["attendee with an unknown key", { ...sampleReport, attendees: [{ name: "Ông A", title: "GĐ", role: "x" }] }, ["attendees.0.role"]],
    ["attendee without a name", { ...sampleReport, attendees: [{ title: "GĐ" }] }, ["attendees.0.name"]],
    ["publishAt on a news report", { ...sampleReport, kind: "news", publishAt: "2030-01-01T08:00:00+07:00" }, ["publishAt"]],
  ];

  it.each(cases)("%s -> 422 naming the field", async (_name, body, paths) => {
    const before = await writeCounts();
    await expectValidation(await createRaw(typeof body === "function" ? body() : body), ...paths);
    expect(await writeCounts()).toEqual(before);
  });

  it("several bad fields are all reported at once", async () => {
    const before = await writeCounts();
    const problem = await expectValidation(
      await createRaw({ ...sampleReport, title: 5, eventDate: "2024-13-01", sourceUrl: "ftp://x.example/a", extra: 1 }),
      "title",
      "eventDate",
      "sourceUrl",
      "extra",
    );
    expect(problem.errors.length).toBeGreaterThanOrEqual(4);
    expect(await writeCounts()).toEqual(before);
  });

  it("a body over the 256 KiB request limit is refused with 413 before validation", async () => {
    const before = await writeCounts();
    const res = await createRaw({ ...sampleReport, body: "a".repeat(300 * 1024) });
    await expectProblem(res, 413, "payload-too-large");
    // 100 000 characters is within the field cap, but 100 000 "ộ" are 300 000 bytes of UTF-8: 413 too.
    await expectProblem(await createRaw({ ...sampleReport, body: "ộ".repeat(100_000) }), 413, "payload-too-large");
    expect(await writeCounts()).toEqual(before);
  });

  it("malformed JSON -> 400 malformed-request", async () => {
    const before = await writeCounts();
    const token = await tokenFor(USERS.quan6);
    const res = await call("/api/v1/reports", { method: "POST", token, body: '{"kind":"news","title":', headers: { "content-type": "application/json" } });
    await expectProblem(res, 400, "malformed-request");
    expect(await writeCounts()).toEqual(before);
  });

  it("a JSON array or string instead of an object -> 422", async () => {
    const before = await writeCounts();
    await expectValidation(await createRaw([sampleReport]));
    await expectValidation(await createRaw("hello"));
    expect(await writeCounts()).toEqual(before);
  });

  it("non-JSON content types -> 415 unsupported-media-type", async () => {
    const before = await writeCounts();
    const token = await tokenFor(USERS.quan6);
    for (const [type, body] of [
      ["text/plain", JSON.stringify(sampleReport)],
      ["application/x-www-form-urlencoded", "kind=news&title=abc&body=x"],
      ["multipart/form-data; boundary=x", '--x\r\nContent-Disposition: form-data; name="title"\r\n\r\nabc\r\n--x--\r\n'],
    ]) {
      const res = await call("/api/v1/reports", { method: "POST", token, body, headers: { "content-type": type! } });
      expect(res.status, type).toBe(415);
      expect((await json(res)).type).toBe("urn:sogd:problem:unsupported-media-type");
    }
    expect(await writeCounts()).toEqual(before);
  });
});

describe("PATCH: preconditions and validation", () => {
  it("without If-Match -> 428 precondition-required, nothing changes", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token);
    await expectProblem(await patchRaw(token, r.id, { title: "Tiêu đề mới" }, null), 428, "precondition-required");
    expect(await getReport(token, r.id)).toMatchObject({ version: 1, title: r.title });
  });

  it("stale If-Match -> 412 precondition-failed with currentVersion, nothing changes", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token);
    const ok = await patchRaw(token, r.id, { summary: "Lần sửa thứ nhất" }, '"1"');
    expect(ok.status, await ok.clone().text()).toBe(200);
    const res = await patchRaw(token, r.id, { summary: "Sửa trên bản cũ" }, '"1"');
    const problem = await expectProblem(res, 412, "precondition-failed");
    expect(problem.currentVersion).toBe(2);
    expect(res.headers.get("etag")).toBe('"2"');
    expect(await getReport(token, r.id)).toMatchObject({ version: 2, summary: "Lần sửa thứ nhất" });
  });

  it("an If-Match ahead of the current version -> 412", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token);
    const problem = await expectProblem(await patchRaw(token, r.id, { summary: "x" }, '"7"'), 412, "precondition-failed");
    expect(problem.currentVersion).toBe(1);
    expect((await getReport(token, r.id)).version).toBe(1);
  });

  it("an unreadable If-Match (*, abc, a list) -> 412, nothing changes", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token);
    for (const header of ["*", "abc", '"1", "2"']) {
      const res = await patchRaw(token, r.id, { summary: "x" }, header);
      expect(res.status, header).toBe(412);
      expect((await json(res)).type).toBe("urn:sogd:problem:precondition-failed");
    }
    expect(await getReport(token, r.id)).toMatchObject({ version: 1, summary: r.summary });
  });

  it("an empty object -> 422, version unchanged", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token);
    await expectValidation(await patchRaw(token, r.id, {}));
    expect((await getReport(token, r.id)).version).toBe(1);
  });

  it("bad PATCH bodies -> 422 naming the field; version and content unchanged", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token);
    const cases: [string, Record<string, unknown>, string][] = [
    ["unknown field", { status: "approved" }, "status"],
    ["kind cannot be changed", { kind: "news" }, "kind"],
    ["title: null", { title: null }, "title"],
    ["title: 123", { title: 123 }, "title"],
    ["title 301 characters", { title: "t".repeat(301) }, "title"],
    ["blank body", { body: "  " }, "body"],
    ["eventDate 2024-02-30", { eventDate: "2024-02-30" }, "eventDate"],
    ["sourceUrl javascript:", { sourceUrl: "javascript:alert(1)" }, "sourceUrl"],
    ["attendee with an unknown key", { attendees: [{ name: "Bà B", email: "b@x.example" }] }, "attendees.0.email"],
    ["figures on an event report", { figures: periodicFigures }, "figures"],
    ];
    for (const [name, body, path] of cases) {
      const res = await patchRaw(token, r.id, body);
      expect(res.status, name).toBe(422);
      const problem = await json(res);
      expect(problem.type).toBe("urn:sogd:problem:validation-failed");
      expect(problem.errors.map((e: any) => e.path), name).toContain(path);
    }
    expect(await getReport(token, r.id)).toMatchObject({ version: 1, title: r.title, body: r.body, eventDate: r.eventDate, sourceUrl: r.sourceUrl, attendees: r.attendees, figures: null });
  });

  it("periodic: clearing figures or a disagreeing completionRate -> 422, figures unchanged", async () => {
    const token = await tokenFor(USERS.tanPhu);
    const r = await createReport(token, { kind: "periodic", title: "Báo cáo định kỳ", body: "Số liệu học kì I.", periodId: await openPeriod(), figures: periodicFigures });
    await expectValidation(await patchRaw(token, r.id, { figures: null }), "figures");
    await expectValidation(await patchRaw(token, r.id, { figures: { ...periodicFigures, completed: 12000 } }), "figures.completionRate");
    await expectValidation(await patchRaw(token, r.id, { figures: { ...periodicFigures, completed: 20000 } }), "figures.completed");
    expect(await getReport(token, r.id)).toMatchObject({ version: 1, figures: periodicFigures });
  });

  it("malformed JSON -> 400 and non-JSON -> 415 on PATCH too", async () => {
    const token = await tokenFor(USERS.quan6);
    const r = await createReport(token);
    const headers = { "if-match": '"1"' };
    await expectProblem(
      await call(`/api/v1/reports/${r.id}`, { method: "PATCH", token, body: "{title:", headers: { ...headers, "content-type": "application/json" } }),
      400,
      "malformed-request",
    );
    await expectProblem(
      await call(`/api/v1/reports/${r.id}`, { method: "PATCH", token, body: "title=x", headers: { ...headers, "content-type": "text/plain" } }),
      415,
      "unsupported-media-type",
    );
    expect((await getReport(token, r.id)).version).toBe(1);
  });

  it("PATCH of an id that does not exist -> 404", async () => {
    const token = await tokenFor(USERS.quan6);
    await expectProblem(await patchRaw(token, "01900000-0000-7000-8000-000000000000", { summary: "x" }), 404, "not-found");
  });
});

describe("list: query problems", () => {
  it("bad list queries -> 422 naming the parameter", async () => {
    const token = await tokenFor(USERS.quan6);
    const cases: [string, string][] = [
    ["a cursor that is not base64 JSON", "cursor=%21%21%21not-a-cursor"],
    ["a cursor that decodes to the wrong shape", `cursor=${btoa(JSON.stringify({ a: 1 }))}`],
    ["limit=0", "limit=0"],
    ["limit=1000", "limit=1000"],
    ["limit=-1", "limit=-1"],
    ["limit=abc", "limit=abc"],
    ["limit=2.5", "limit=2.5"],
    ["an unknown query parameter", "sort=title"],
    ["an unknown status", "status=deleted"],
    ["an unknown kind", "kind=memo"],
    ["an empty q", "q=%20%20"],
    ];
    for (const [name, qs] of cases) {
      const res = await call(`/api/v1/reports?${qs}`, { token });
      expect(res.status, name).toBe(422);
      const problem = await json(res);
      expect(problem.type).toBe("urn:sogd:problem:validation-failed");
      expect(problem.errors.map((e: any) => e.path), name).toContain(qs.split("=")[0]);
    }
  });

  it("GET of an id that does not exist -> 404", async () => {
    const token = await tokenFor(USERS.quan6);
    await expectProblem(await call("/api/v1/reports/no-such-report", { token }), 404, "not-found");
  });
});
