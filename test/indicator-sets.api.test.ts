// GET /api/v1/indicator-sets and /:id (DESIGN.md section 11): the definitions forms and clients
// build from, for any signed-in user.
import { describe, expect, it } from "vitest";
import { INDICATOR_SETS, indicatorSetSchema } from "../indicators";
import { call, expectProblem, json, tokenFor, USERS } from "./helpers/api";

const EVERYONE = Object.entries(USERS);

describe("the indicator sets", () => {
  it.each(EVERYONE)("%s reads the list: every set, in id order, as the schema defines it", async (_who, email) => {
    const res = await call("/api/v1/indicator-sets", { token: await tokenFor(email) });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const { items } = await json<{ items: any[] }>(res);
    const ids = items.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(["gdtx-hoc-ki", "gdtx-nam-hoc"]));
    expect(ids).toEqual([...ids].sort());
    for (const set of items) expect(indicatorSetSchema.safeParse(set).success, set.id).toBe(true);
  });

  it("one set by id: gdtx-hoc-ki with its indicators, bounds, rules and thresholds", async () => {
    const res = await call("/api/v1/indicator-sets/gdtx-hoc-ki", { token: await tokenFor(USERS.quan6) });
    expect(res.status).toBe(200);
    const set = await json(res);
    expect(set).toEqual(JSON.parse(JSON.stringify(INDICATOR_SETS.get("gdtx-hoc-ki"))));
    expect(set.label).toBe("Kết quả học kỳ của trung tâm GDNN-GDTX");
    expect(set.indicators.map((i: any) => i.id)).toEqual(["classes", "enrolled", "completed", "completionRate", "dropouts", "adultLearners", "teachers"]);
    expect(set.indicators[3]).toMatchObject({ id: "completionRate", label: "Tỷ lệ hoàn thành", type: "percent", unitLabel: "%", min: 0, max: 100, required: true });
    expect(set.indicators[1]).toMatchObject({ id: "enrolled", label: "Số học viên", type: "count", unitLabel: "học viên", maxChangePct: 30 });
    expect(set.rules).toContainEqual({ type: "ratio", target: "completionRate", numerator: "completed", denominator: "enrolled", tolerance: 0.1, decimals: 1 });
  });

  it("the API description documents both operations and the set's shape", async () => {
    const doc = await json(await call("/api/v1/openapi.json"));
    expect(doc.paths["/api/v1/indicator-sets"].get).toBeDefined();
    expect(doc.paths["/api/v1/indicator-sets/{id}"].get.responses["404"]).toBeDefined();
    const schema = doc.components.schemas.IndicatorSet;
    expect(schema.properties.indicators.items.properties.type.enum).toEqual(["count", "decimal", "percent"]);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["id", "label", "indicators", "rules"]));
  });

  it("a set added to the registry is served with no change to the routes", async () => {
    INDICATOR_SETS.add({
      id: "thu-nghiem-them-bo",
      label: "Bộ chỉ tiêu thử nghiệm",
      indicators: [{ id: "courses", label: "Số khóa học", type: "count", unitLabel: "khóa", required: true }],
      rules: [],
    });
    const token = await tokenFor(USERS.specialist);
    const one = await call("/api/v1/indicator-sets/thu-nghiem-them-bo", { token });
    expect(one.status).toBe(200);
    expect((await json(one)).indicators[0].label).toBe("Số khóa học");
    const { items } = await json(await call("/api/v1/indicator-sets", { token }));
    expect(items.map((s: any) => s.id)).toContain("thu-nghiem-them-bo");
  });
});

describe("errors", () => {
  it.each(["khong-co", "GDTX-HOC-KI", "constructor", "__proto__", "gdtx-hoc-ki.json", "%E1%BB%99"])("an unknown id (%s) is a 404 problem", async (id) => {
    const body = await expectProblem(await call(`/api/v1/indicator-sets/${id}`, { token: await tokenFor(USERS.quan6) }), 404, "not-found");
    expect(body.detail).toBe("Không có bộ chỉ tiêu này");
  });

  it("an id longer than 64 characters is a 422 naming it", async () => {
    const body = await expectProblem(await call(`/api/v1/indicator-sets/${"a".repeat(65)}`, { token: await tokenFor(USERS.quan6) }), 422, "validation-failed");
    expect(body.errors).toContainEqual(expect.objectContaining({ path: "id", in: "param" }));
  });
});

describe("security", () => {
  it.each(["/api/v1/indicator-sets", "/api/v1/indicator-sets/gdtx-hoc-ki", "/api/v1/indicator-sets/khong-co"])("%s without signing in is a 401 that shows nothing", async (path) => {
    const res = await call(path);
    const body = await expectProblem(res, 401, "unauthenticated");
    expect(body).not.toHaveProperty("items");
    expect(body).not.toHaveProperty("indicators");
    expect(JSON.stringify(body)).not.toMatch(/học viên|Kết quả/);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("a forged or expired token is a 401", async () => {
    await expectProblem(await call("/api/v1/indicator-sets", { token: "not-a-real-token" }), 401, "unauthenticated");
  });

  it.each(["POST", "PUT", "PATCH", "DELETE"])("%s does not change a set", async (method) => {
    const token = await tokenFor(USERS.admin);
    const res = await call("/api/v1/indicator-sets/gdtx-hoc-ki", { method, token, json: { label: "Bị đổi" } });
    expect([404, 405]).toContain(res.status);
    const after = await json(await call("/api/v1/indicator-sets/gdtx-hoc-ki", { token }));
    expect(after.label).toBe("Kết quả học kỳ của trung tâm GDNN-GDTX");
  });
});
