// Trust in the review record: D1 and the ReportFlow DO never disagree for good (content edits and
// review transitions have separate versions), a report nobody can review is refused at submit,
// the audit trail keeps names as they were, and the department reads a periodic report only once
// the centre's head has signed it off.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runInDurableObject } from "cloudflare:test";
import type { ReportFlow } from "../src/flow/report-flow";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { call, createReport, expectProblem, json, tokenFor, USERS } from "./helpers/api";
import { openPeriod, periodicInput } from "./helpers/periods";
import { publishedReport } from "./helpers/publish";
import { d1Events, d1Report, decide, flowStub, ok, submit } from "./helpers/review";
import { DEMO_PASSWORD } from "./helpers/seed";

let seq = 0;
const uniq = () => `${Date.now().toString(36)}${(seq++).toString(36)}`;

async function newUser(unitId: string, grants: { role: string; unitIds: string[] }[], name = `Người Thử ${uniq()}`) {
  const email = `tin-cay-${uniq()}@sogd.example`;
  const res = await call("/api/v1/users", { token: await tokenFor(USERS.admin), json: { email, name, title: "Thử nghiệm", unitId, password: DEMO_PASSWORD, grants } });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return { id: JSON.parse(text).id as string, email };
}

async function newUnit(name: string) {
  const res = await call("/api/v1/units", { token: await tokenFor(USERS.admin), json: { code: `TT-${uniq()}`.toUpperCase(), name, type: "centre", parentId: DEMO_UNITS.gdtx } });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text).id as string;
}

const signIn = async (email: string) =>
  (await json<{ token: string }>(await call("/api/v1/auth/login", { json: { email, password: DEMO_PASSWORD }, headers: { "cf-connecting-ip": `10.77.${seq++ % 250}.1` } }))).token;

describe("versions of content edits and of review state do not collide", () => {
  it("unpublishing a report whose author had started a correction reaches D1", async () => {
    const { id } = await publishedReport({ title: "Bài đang được đính chính" });
    const author = await tokenFor(USERS.quan6);
    // The author starts a correction: two edits raise D1's version past the object's.
    for (const summary of ["Đính chính lần 1", "Đính chính lần 2"]) {
      const { version } = await d1Report(id);
      expect((await call(`/api/v1/reports/${id}`, { method: "PATCH", token: author, json: { summary }, headers: { "if-match": `"${version}"` } })).status).toBe(200);
    }
    const before = await d1Report(id);
    expect(before.version).toBeGreaterThan((await flowStub(id).view())!.version);

    await ok(await call(`/api/v1/reports/${id}/unpublish`, { token: await tokenFor(USERS.director), json: { reason: "Thông tin chưa chính xác" } }));
    const after = await d1Report(id);
    expect(after.status).toBe("unpublished");
    expect(after.version, "the version never goes back").toBeGreaterThan(before.version);
    const log = await flowStub(id).log();
    expect(log.every((e) => e.projected)).toBe(true);
    expect((await d1Events(id)).map((e: any) => e.action)).toEqual(log.map((e) => e.action));

    // The correction can go on: edited again and submitted, D1 and the object agree again.
    const edited = await call(`/api/v1/reports/${id}`, {
      method: "PATCH",
      token: author,
      json: { summary: "Đính chính lần 3", correctionNote: "Sửa lại phần tóm tắt." },
      headers: { "if-match": `"${after.version}"` },
    });
    expect(edited.status).toBe(200);
    const resubmitted = await ok(await submit(author, id));
    expect(resubmitted).toMatchObject({ status: "in_review", revision: 2 });
    expect(await d1Report(id)).toMatchObject({ status: "in_review", version: resubmitted.version, revision: 2 });
  });
});

describe("a report nobody can review is refused at submit", () => {
  it("names the stage and the unit, and changes nothing; once a reviewer is granted, it goes through", async () => {
    const unitId = await newUnit("Trung tâm GDNN-GDTX Thử Nghiệm");
    const author = await newUser(unitId, [{ role: "author", unitIds: [] }]);
    const token = await signIn(author.email);
    // A new centre: no head of its own, and no department reviewer covers it yet.
    const periodId = await openPeriod({ unitIds: [unitId] });
    const r = await call("/api/v1/reports", { token, json: await periodicInput({ periodId, title: "Báo cáo học kì", body: "Số liệu" }) });
    const { id } = await json<{ id: string }>(r);
    const refused = await expectProblem(await submit(token, id), 409, "no-reviewer");
    expect(refused.stage).toEqual({ id: "centre_head", label: "Lãnh đạo đơn vị", role: "centre_head" });
    expect(refused.unit).toEqual({ id: unitId, name: "Trung tâm GDNN-GDTX Thử Nghiệm" });
    expect(refused.detail).toContain("Lãnh đạo đơn vị");
    expect(refused.detail).toContain("Trung tâm GDNN-GDTX Thử Nghiệm");
    expect(await d1Report(id)).toMatchObject({ status: "draft", revision: 0 });
    expect(await flowStub(id).log()).toEqual([]);

    // With a head, the first stage the department lacks is named next; with a chain, it goes.
    await newUser(unitId, [{ role: "centre_head", unitIds: [] }]);
    expect((await expectProblem(await submit(token, id), 409, "no-reviewer")).stage.id).toBe("specialist");
    for (const role of ["specialist", "deputy_head", "director"]) await newUser(DEMO_UNITS.gdtx, [{ role, unitIds: [unitId] }]);
    expect(await ok(await submit(token, id))).toMatchObject({ status: "in_review", stage: { id: "centre_head" } });
  });

  it("a later stage without a holder is named too, and a deactivated holder does not count", async () => {
    const minhKhai = await tokenFor(USERS.minhKhai);
    const r = await createReport(minhKhai, { kind: "news", title: "Tin của trường chưa có người duyệt" });
    const first = await expectProblem(await submit(minhKhai, r.id), 409, "no-reviewer");
    expect(first.stage.id).toBe("specialist");
    expect(first.unit).toEqual({ id: DEMO_UNITS.minhKhai, name: "Trường THPT Nguyễn Thị Minh Khai" });

    await newUser(DEMO_UNITS.department, [{ role: "specialist", unitIds: [DEMO_UNITS.minhKhai] }]);
    const deputy = await newUser(DEMO_UNITS.department, [{ role: "deputy_head", unitIds: [DEMO_UNITS.department] }]);
    const second = await expectProblem(await submit(minhKhai, r.id), 409, "no-reviewer");
    expect(second.stage.id).toBe("director");

    await newUser(DEMO_UNITS.department, [{ role: "director", unitIds: [DEMO_UNITS.minhKhai] }]);
    await ok(await call(`/api/v1/users/${deputy.id}/deactivate`, { method: "POST", token: await tokenFor(USERS.admin) }));
    expect((await expectProblem(await submit(minhKhai, r.id), 409, "no-reviewer")).stage.id).toBe("deputy_head");
  });

  it("an author of the unit who also holds a reviewer role does not count as its reviewer", async () => {
    const unitId = await newUnit("Trung tâm tự duyệt");
    const both = await newUser(unitId, [
      { role: "author", unitIds: [] },
      { role: "centre_head", unitIds: [] },
    ]);
    const token = await signIn(both.email);
    const { id } = await json<{ id: string }>(
      await call("/api/v1/reports", { token, json: await periodicInput({ periodId: await openPeriod({ unitIds: [unitId] }), title: "Tự trình tự duyệt", body: "Số liệu" }) }),
    );
    expect((await expectProblem(await submit(token, id), 409, "no-reviewer")).stage.id).toBe("centre_head");
  });
});

describe("the audit trail keeps names as they were", () => {
  it("renaming a reviewer leaves the name on their past decisions and puts the new one on later ones", async () => {
    const reviewer = await newUser(DEMO_UNITS.gdtx, [{ role: "specialist", unitIds: [DEMO_UNITS.quan6] }], "Nguyễn Văn Cũ");
    const token = await signIn(reviewer.email);
    const author = await tokenFor(USERS.quan6);
    const r = await createReport(author, { kind: "news", title: "Lịch sử giữ tên" });
    await ok(await submit(author, r.id));
    await ok(await decide(token, r.id, { action: "return", stage: "specialist", comment: "Bổ sung ảnh" }));

    const renamed = await call(`/api/v1/users/${reviewer.id}`, { method: "PATCH", token: await tokenFor(USERS.admin), json: { name: "Nguyễn Văn Mới" } });
    expect(renamed.status, await renamed.text()).toBe(200);

    await ok(await submit(author, r.id));
    await ok(await decide(token, r.id, { action: "approve", stage: "specialist" }));
    const { items } = await ok(await call(`/api/v1/reports/${r.id}/history`, { token: author }));
    const decisions = items.filter((e: any) => e.actor?.id === reviewer.id).map((e: any) => [e.action, e.actor.name]);
    expect(decisions).toEqual([
      ["return", "Nguyễn Văn Cũ"],
      ["approve", "Nguyễn Văn Mới"],
    ]);
    const { results } = await env.DB.prepare("SELECT actor_name FROM report_events WHERE report_id = ? AND actor_id = ? ORDER BY seq").bind(r.id, reviewer.id).all<{ actor_name: string }>();
    expect(results.map((e) => e.actor_name)).toEqual(["Nguyễn Văn Cũ", "Nguyễn Văn Mới"]);
  });
});

describe("the department reads a periodic report only from its own stage on", () => {
  it("at the centre head's stage the figures are the unit's own; then the specialist, and only later the leaders", async () => {
    const author = await tokenFor(USERS.quan6);
    const { id } = await json<{ id: string }>(
      await call("/api/v1/reports", { token: author, json: await periodicInput({ title: "Số liệu chưa ký", body: "Số liệu" }) }),
    );
    await ok(await submit(author, id));
    const reads = async () => {
      const out: Record<string, number> = {};
      for (const who of ["centreHead", "specialist", "deputy", "director", "admin"] as const) {
        const token = await tokenFor(USERS[who]);
        const single = (await call(`/api/v1/reports/${id}`, { token })).status;
        const history = (await call(`/api/v1/reports/${id}/history`, { token })).status;
        const listed = (await json<{ items: { id: string }[] }>(await call("/api/v1/reports?kind=periodic&limit=100", { token }))).items.some((i) => i.id === id);
        expect(history, `${who}: history agrees with the read`).toBe(single);
        expect(listed, `${who}: the list agrees with the read`).toBe(single === 200);
        out[who] = single;
      }
      return out;
    };
    expect(await reads()).toEqual({ centreHead: 200, specialist: 404, deputy: 404, director: 404, admin: 200 });
    await ok(await decide(await tokenFor(USERS.centreHead), id, { action: "approve", stage: "centre_head" }));
    expect(await reads()).toEqual({ centreHead: 200, specialist: 200, deputy: 404, director: 404, admin: 200 });
    await ok(await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist" }));
    expect(await reads()).toEqual({ centreHead: 200, specialist: 200, deputy: 200, director: 404, admin: 200 });
    // Returned at the deputy's stage: who had it keeps it.
    await ok(await decide(await tokenFor(USERS.deputy), id, { action: "return", stage: "deputy_head", comment: "Kiểm tra lại tỉ lệ" }));
    expect(await reads()).toEqual({ centreHead: 200, specialist: 200, deputy: 200, director: 404, admin: 200 });
  });
});

describe("migration 0006 puts existing rows right", () => {
  it("fills reach, seq and names, and repairs a row the old version guard left behind", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await createReport(author, { kind: "news", title: "Bài cũ bị kẹt" });
    const specialistId = (await json<{ id: string }>(await call("/api/v1/me", { token: await tokenFor(USERS.specialist) }))).id;
    const at = new Date().toISOString();
    const event = (seq: number, action: string, actor: string | null, role: string | null, stage: string | null, to: string) =>
      env.DB.prepare("INSERT INTO report_events (id, report_id, seq, action, actor_id, actor_role, stage, to_status, revision, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)").bind(
        `${r.id}-${seq}`,
        r.id,
        seq,
        action,
        actor,
        role,
        stage,
        to,
        at,
      );
    // As the old code could leave it: published, then unpublished in the DO and D1's event log,
    // but the row still "published" (edits had raised its version), with no reach, seq or names.
    await env.DB.batch([
      event(1, "submit", null, "author", "specialist", "in_review"),
      event(2, "approve", specialistId, "specialist", "specialist", "in_review"),
      event(3, "approve", null, "deputy_head", "deputy_head", "in_review"),
      event(4, "approve", null, "director", "director", "approved"),
      event(5, "publish", null, null, null, "published"),
      event(6, "unpublish", null, "director", null, "unpublished"),
      env.DB.prepare("UPDATE reports SET status = 'published', version = 9, flow_seq = 0, review_reach = 0 WHERE id = ?").bind(r.id),
    ]);
    const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0006"))!;
    expect(migration, "migration 0006 is applied in tests").toBeDefined();
    for (const query of migration.queries) await env.DB.prepare(query).run();

    const row = await env.DB.prepare("SELECT status, stage, flow_seq, review_reach, version FROM reports WHERE id = ?").bind(r.id).first();
    expect(row).toEqual({ status: "unpublished", stage: null, flow_seq: 6, review_reach: 4, version: 9 });
    const names = await env.DB.prepare("SELECT actor_name FROM report_events WHERE report_id = ? AND seq = 2").bind(r.id).first<{ actor_name: string }>();
    expect(names!.actor_name).toBe("Phạm Phương Bình");
    // The audit trail is append-only again afterwards.
    await expect(env.DB.prepare("UPDATE report_events SET comment = 'x' WHERE report_id = ?").bind(r.id).run()).rejects.toThrow(/append-only/);
  });
});

describe("a decision on a report not yet at the caller's stage tells nothing", () => {
  it("the director's decision on a report at the specialist's stage is a 404, whatever stage it names", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await createReport(author, { kind: "news", title: "Chưa tới lượt trưởng phòng" });
    await ok(await submit(author, r.id));
    const director = await tokenFor(USERS.director);
    for (const stage of ["director", "specialist", "deputy_head"]) {
      const body = await expectProblem(await decide(director, r.id, { action: "approve", stage }), 404, "not-found");
      expect(JSON.stringify(body)).not.toMatch(/currentStage|currentStatus/);
    }
    expect((await flowStub(r.id).view())!.stage!.id).toBe("specialist");
  });
});

describe("separation of duties in the submit check", () => {
  it("one person who is the only holder of two stages can decide only one: the later stage is named", async () => {
    const unitId = await newUnit("Trung tâm một người hai vai");
    const author = await newUser(unitId, [{ role: "author", unitIds: [] }]);
    await newUser(DEMO_UNITS.gdtx, [
      { role: "specialist", unitIds: [unitId] },
      { role: "deputy_head", unitIds: [unitId] },
    ]);
    await newUser(DEMO_UNITS.gdtx, [{ role: "director", unitIds: [unitId] }]);
    const token = await signIn(author.email);
    const r = await createReport(token, { kind: "news", title: "Ai duyệt bước hai?" });
    expect((await expectProblem(await submit(token, r.id), 409, "no-reviewer")).stage.id).toBe("deputy_head");
    await newUser(DEMO_UNITS.gdtx, [{ role: "deputy_head", unitIds: [unitId] }]);
    await ok(await submit(token, r.id));
  });
});

describe("a submit adopted by a reviewer's request keeps the author's name", () => {
  it("D1 took the submit but its answer was lost; the specialist's decision adopts it, named as the author's", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await createReport(author, { kind: "news", title: "Gửi mất trả lời, chuyên viên nhận" });
    await flowStub(r.id).view();
    // The claim lands in D1, then the object is told it failed (as if the answer was lost).
    await runInDurableObject(flowStub(r.id), (instance: ReportFlow) => {
      let first = true;
      const db = new Proxy(env.DB, {
        get(target, prop) {
          if (prop === "batch")
            return async (stmts: D1PreparedStatement[]) => {
              const out = await target.batch(stmts);
              if (first) {
                first = false;
                throw new Error("D1_ERROR: answer lost");
              }
              return out;
            };
          const v = Reflect.get(target, prop);
          return typeof v === "function" ? v.bind(target) : v;
        },
      });
      (instance as unknown as { env: Env }).env = { ...env, DB: db };
    });
    expect((await submit(author, r.id)).status).toBe(503);
    await ok(await decide(await tokenFor(USERS.specialist), r.id, { action: "approve", stage: "specialist" }));
    // (The system's own assignments, when a stage has one holder, are not the point here.)
    const { results } = await env.DB.prepare("SELECT action, actor_name FROM report_events WHERE report_id = ? AND seq > 0 AND action <> 'assign' ORDER BY seq").bind(r.id).all();
    expect(results).toEqual([
      { action: "submit", actor_name: "Nguyễn Thanh Hoàng" },
      { action: "approve", actor_name: "Phạm Phương Bình" },
    ]);
  });
});
