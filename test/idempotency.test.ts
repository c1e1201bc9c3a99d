import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, expectProblem, json, sampleReport, tokenFor, USERS } from "./helpers/api";

const uniq = () => crypto.randomUUID();
const reportBody = (title = `Hội nghị sơ kết học kì I – ${uniq().slice(0, 8)}`) => ({ ...sampleReport, title });

const post = (token: string, key: string | undefined, body: unknown) =>
  call("/api/v1/reports", { token, json: body, headers: key === undefined ? {} : { "idempotency-key": key } });

const reportsTitled = async (title: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM reports WHERE title = ?").bind(title).first<{ n: number }>())?.n ?? 0;

describe("Idempotency-Key on POST /api/v1/reports", () => {
  it("a repeat with the same key and body gets the first answer, marked as replayed; only one report is created", async () => {
    const token = await tokenFor(USERS.quan6);
    const key = `tao-bao-cao-${uniq()}`;
    const body = reportBody();

    const first = await post(token, key, body);
    const firstText = await first.text();
    expect(first.status, firstText).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();

    const second = await post(token, key, body);
    expect(second.status).toBe(201);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await second.text()).toBe(firstText);
    expect(second.headers.get("content-type")).toBe(first.headers.get("content-type"));
    expect(second.headers.get("location")).toBe(first.headers.get("location"));
    expect(second.headers.get("etag")).toBe(first.headers.get("etag"));

    const third = await post(token, key, body);
    expect(third.headers.get("idempotent-replayed")).toBe("true");
    expect((await json(third)).id).toBe(JSON.parse(firstText).id);

    expect(await reportsTitled(body.title)).toBe(1);
  });

  it("without a key, the same POST twice creates two reports", async () => {
    const token = await tokenFor(USERS.quan6);
    const body = reportBody();
    const a = await json(await post(token, undefined, body));
    const b = await json(await post(token, undefined, body));
    expect(a.id).not.toBe(b.id);
    expect(await reportsTitled(body.title)).toBe(2);
  });

  it("the same key with a different body -> 422 idempotency-key-reused; nothing more is created", async () => {
    const token = await tokenFor(USERS.quan6);
    const key = `khoa-${uniq()}`;
    const body = reportBody();
    expect((await post(token, key, body)).status).toBe(201);

    const other = reportBody();
    const res = await post(token, key, other);
    await expectProblem(res, 422, "idempotency-key-reused");
    expect(res.headers.get("idempotent-replayed")).toBeNull();
    expect(await reportsTitled(body.title)).toBe(1);
    expect(await reportsTitled(other.title)).toBe(0);

    // The original body still replays.
    const replay = await post(token, key, body);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
  });

  it("a key is kept for 24 hours: after that the same key starts afresh", async () => {
    const token = await tokenFor(USERS.quan6);
    const key = `cu-${uniq()}`;
    const first = reportBody();
    expect((await post(token, key, first)).status).toBe(201);
    await env.DB.prepare("UPDATE idempotency_keys SET created_at = ? WHERE key = ?").bind(new Date(Date.now() - 25 * 3600_000).toISOString(), key).run();

    const second = reportBody();
    const res = await post(token, key, second);
    expect(res.status).toBe(201);
    expect(res.headers.get("idempotent-replayed")).toBeNull();
    expect(await reportsTitled(second.title)).toBe(1);
    // ... and the new answer is the one replayed from now on.
    const replay = await post(token, key, second);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect((await json(replay)).title).toBe(second.title);
  });

  it("a key that is too short, too long or not printable ASCII -> 422 naming the header; nothing is created", async () => {
    const token = await tokenFor(USERS.quan6);
    for (const key of ["abc", "x".repeat(201), "tab\tinside-key", "has a space in it"]) {
      const body = reportBody();
      const problem = await expectProblem(await post(token, key, body), 422, "validation-failed");
      expect(problem.errors.map((e: any) => e.path), key).toEqual(["Idempotency-Key"]);
      expect(await reportsTitled(body.title), key).toBe(0);
    }
    // 8 characters is enough.
    expect((await post(token, `k${uniq().slice(0, 7)}`, reportBody())).status).toBe(201);
  });

  it("two identical requests racing with one key create one report", async () => {
    const token = await tokenFor(USERS.quan6);
    const key = `dong-thoi-${uniq()}`;
    const body = reportBody();
    const [a, b] = await Promise.all([post(token, key, body), post(token, key, body)]);
    const statuses = [a.status, b.status].sort();
    // The loser either waits for the answer (replayed 201) or is told the key is in progress (409).
    expect([[201, 201], [201, 409]]).toContainEqual(statuses);
    expect(await reportsTitled(body.title)).toBe(1);
  });

  it("different users may use the same key independently", async () => {
    const key = `chung-${uniq()}`;
    const body = reportBody();
    const quan6 = await post(await tokenFor(USERS.quan6), key, body);
    const tanPhu = await post(await tokenFor(USERS.tanPhu), key, body);
    expect(quan6.status).toBe(201);
    expect(tanPhu.status).toBe(201);
    expect(tanPhu.headers.get("idempotent-replayed")).toBeNull();
    const [a, b] = [await json(quan6), await json(tanPhu)];
    expect(a.id).not.toBe(b.id);
    expect(a.unitId).not.toBe(b.unitId);
    expect(await reportsTitled(body.title)).toBe(2);
  });

  it("a 4xx answer is replayed as well", async () => {
    const token = await tokenFor(USERS.quan6);
    const key = `loi-${uniq()}`;
    const invalid = { ...reportBody(), title: "ab", eventDate: "2024-02-30" };
    const first = await post(token, key, invalid);
    const firstBody = await expectProblem(first, 422, "validation-failed");

    const second = await post(token, key, invalid);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    const secondBody = await expectProblem(second, 422, "validation-failed");
    expect(secondBody).toEqual(firstBody);
  });

  it("a refusal (403) is replayed too, and does not create anything", async () => {
    const director = await tokenFor(USERS.director);
    const key = `tu-choi-${uniq()}`;
    const body = reportBody();
    const first = await expectProblem(await post(director, key, body), 403, "forbidden");
    const second = await post(director, key, body);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await expectProblem(second, 403, "forbidden")).toEqual(first);
    expect(await reportsTitled(body.title)).toBe(0);
  });
});
