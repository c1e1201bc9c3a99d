// GET /api/v1/metrics (DESIGN.md section 12): the figures against a hand computation over decisions
// around Tết 2025 and weekends; who sees which decisions; bad input; what a request reads.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { WORKFLOWS } from "../workflows";
import { figuresOf, percentile, resolvePeriod, round1 } from "../src/domain/metrics";
import { call, expectProblem, json, tokenFor, USERS } from "./helpers/api";
import { capture, planOf } from "./helpers/d1-capture";
import { makeFixtures, PERIOD, TH_USERS, vn, type Made } from "./helpers/metrics-fixtures";

let made: Made;
beforeAll(async () => {
  made = await makeFixtures();
});

type Row = { key: string; label: string; decided: number; medianWorkingHours: number | null; p90WorkingHours: number | null; onTimePct: number | null; returnedPct: number | null };

async function metrics(email: string, query: string): Promise<{ from: string; to: string; groupBy: string; rows: Row[] }> {
  const res = await call(`/api/v1/metrics?${query}`, { token: await tokenFor(email) });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text);
}

const sla = (stage: string) => WORKFLOWS.news.stages.find((s) => s.id === stage)!.slaWorkingDays;

/**
 * On time, by hand: each decision with the working days after its stage's start (Tết 2025 is 28-31
 * January and 3 February in lieu of Saturday 1 February), and the day it was decided (all before
 * 17:00). Due is 17:00 of the n-th of those days, n the stage's slaWorkingDays.
 */
const ON_TIME_CASES: Record<string, { stage: string; after: string[]; decided: string }> = {
  A2: { stage: "specialist", after: ["2025-01-27", "2025-02-04", "2025-02-05", "2025-02-06", "2025-02-07"], decided: "2025-02-04" },
  A3: { stage: "deputy_head", after: ["2025-02-05", "2025-02-06", "2025-02-07", "2025-02-10", "2025-02-11"], decided: "2025-02-04" },
  A4: { stage: "director", after: ["2025-02-05", "2025-02-06", "2025-02-07", "2025-02-10", "2025-02-11"], decided: "2025-02-10" },
  B2: { stage: "specialist", after: ["2025-02-10", "2025-02-11", "2025-02-12", "2025-02-13", "2025-02-14"], decided: "2025-02-10" },
  B4: { stage: "specialist", after: ["2025-02-11", "2025-02-12", "2025-02-13", "2025-02-14", "2025-02-17"], decided: "2025-02-12" },
  B5: { stage: "deputy_head", after: ["2025-02-13", "2025-02-14", "2025-02-17", "2025-02-18", "2025-02-19"], decided: "2025-02-13" },
  D2: { stage: "specialist", after: ["2025-02-18", "2025-02-19", "2025-02-20", "2025-02-21", "2025-02-24"], decided: "2025-02-17" },
  D3: { stage: "director", after: ["2025-02-18", "2025-02-19", "2025-02-20", "2025-02-21", "2025-02-24"], decided: "2025-02-18" },
  E2: { stage: "specialist", after: ["2025-02-19", "2025-02-20", "2025-02-21", "2025-02-24", "2025-02-25"], decided: "2025-02-19" },
};
function onTimePct(decisions: string[]): number {
  const onTime = decisions.filter((d) => {
    const c = ON_TIME_CASES[d]!;
    return c.after[sla(c.stage) - 1]! >= c.decided;
  });
  return round1((onTime.length * 100) / decisions.length);
}

describe("figures, by hand", () => {
  it("the stages' service levels are within what the hand table covers", () => {
    for (const s of ["specialist", "deputy_head", "director"]) {
      expect(sla(s)).toBeGreaterThanOrEqual(1);
      expect(sla(s)).toBeLessThanOrEqual(5);
    }
  });

  it("by stage (admin sees every decision): working hours skip Tết, the weekends and the nights", async () => {
    const m = await metrics(USERS.admin, `${PERIOD}&groupBy=stage`);
    expect(m.groupBy).toBe("stage");
    expect(m.from).toBe(vn("2025-01-20 00:00"));
    expect(m.to).toBe(vn("2025-03-01 00:00"));
    expect(m.rows).toEqual([
      // 3, 4.5, 10, 12, 20: the median is the 3rd; p90 is 12 + 0.6 x (20 - 12).
      { key: "specialist", label: "Chuyên viên", decided: 5, medianWorkingHours: 10, p90WorkingHours: 16.8, onTimePct: onTimePct(["A2", "B2", "B4", "D2", "E2"]), returnedPct: 40 },
      // 1.5 and 5.5.
      { key: "deputy_head", label: "Phó Trưởng phòng", decided: 2, medianWorkingHours: 3.5, p90WorkingHours: 5.1, onTimePct: onTimePct(["A3", "B5"]), returnedPct: 50 },
      // 5.5 and 29.5.
      { key: "director", label: "Trưởng phòng", decided: 2, medianWorkingHours: 17.5, p90WorkingHours: 27.1, onTimePct: onTimePct(["A4", "D3"]), returnedPct: 0 },
    ]);
  });

  it("a stage started the Friday before Tết is due on the n-th working day after it, not on the n-th calendar day", async () => {
    // With a service level of 2 working days the specialist's approval of A on 4 February is on
    // time (27 January, then 4 February); counting Tết as working days it would be late.
    const m = await metrics(USERS.admin, "from=2025-02-04&to=2025-02-04&groupBy=stage");
    const specialist = m.rows.find((r) => r.key === "specialist")!;
    expect(specialist.decided).toBe(1);
    expect(specialist.medianWorkingHours).toBe(12);
    expect(specialist.onTimePct).toBe(sla("specialist") >= 2 ? 100 : 0);
  });

  it("by reviewer: each reviewer's decisions, names in Vietnamese alphabetical order", async () => {
    const m = await metrics(USERS.admin, `${PERIOD}&groupBy=reviewer`);
    expect(m.rows.map((r) => r.label)).toEqual(["Cao Minh Quý", "Đỗ Văn Trung", "Lý Thị Hoa", "Phạm Phương Bình", "Trần Thị Kim Thanh"]);
    const by = Object.fromEntries(m.rows.map((r) => [r.label, r]));
    expect(by["Phạm Phương Bình"]).toEqual({
      key: "00000000-0000-7000-8000-000000000102",
      label: "Phạm Phương Bình",
      decided: 4,
      // 3, 10, 12, 20: (10 + 12) / 2; p90 is 12 + 0.7 x 8.
      medianWorkingHours: 11,
      p90WorkingHours: 17.6,
      onTimePct: onTimePct(["A2", "B2", "B4", "E2"]),
      returnedPct: 50,
    });
    expect(by["Đỗ Văn Trung"]).toMatchObject({ key: made.th.specialist.id, decided: 1, medianWorkingHours: 4.5, p90WorkingHours: 4.5, returnedPct: 0 });
    expect(by["Cao Minh Quý"]).toMatchObject({ decided: 1, medianWorkingHours: 29.5, onTimePct: onTimePct(["A4"]) });
    expect(by["Trần Thị Kim Thanh"]).toMatchObject({ decided: 2, medianWorkingHours: 3.5, p90WorkingHours: 5.1, returnedPct: 50 });
  });

  it("by unit: the report's unit, by name", async () => {
    const m = await metrics(USERS.admin, `${PERIOD}&groupBy=unit`);
    expect(m.rows).toEqual([
      // 5.5, 10, 12, 29.5: p90 is 12 + 0.7 x 17.5 = 24.25, shown as 24.3.
      { key: expect.any(String), label: "Trung tâm GDNN-GDTX Quận 6", decided: 4, medianWorkingHours: 11, p90WorkingHours: 24.3, onTimePct: onTimePct(["A2", "A3", "A4", "E2"]), returnedPct: 25 },
      // 1.5, 3, 20.
      { key: expect.any(String), label: "Trung tâm GDNN-GDTX quận Tân Phú", decided: 3, medianWorkingHours: 3, p90WorkingHours: 16.6, onTimePct: onTimePct(["B2", "B4", "B5"]), returnedPct: 66.7 },
      { key: expect.any(String), label: "Trường THPT Nguyễn Thị Minh Khai", decided: 2, medianWorkingHours: 5, p90WorkingHours: 5.4, onTimePct: onTimePct(["D2", "D3"]), returnedPct: 0 },
    ]);
  });

  it("the period: dates are whole days in Viet Nam, date-times are instants", async () => {
    const specialistDecided = async (q: string) => (await metrics(USERS.admin, `${q}&groupBy=stage`)).rows.find((r) => r.key === "specialist")?.decided ?? 0;
    // E was returned on 19 February: in a period to the 19th, not in one to the 18th.
    expect(await specialistDecided("from=2025-01-20&to=2025-02-19")).toBe(5);
    expect(await specialistDecided("from=2025-01-20&to=2025-02-18")).toBe(4);
    // C's decision of 2 January counts once the period starts before it.
    expect(await specialistDecided("from=2025-01-01&to=2025-02-28")).toBe(6);
    // 10 February 10:00 in Viet Nam: after A's director (09:00), before B's return (11:00).
    const m = await metrics(USERS.admin, "from=2025-02-10T10:00:00%2B07:00&to=2025-02-10T04:30:00Z&groupBy=reviewer");
    expect(m.rows.map((r) => [r.label, r.decided])).toEqual([["Phạm Phương Bình", 1]]);
  });

  it("without a period: the last 30 days, today included", async () => {
    const m = await metrics(USERS.admin, "groupBy=stage");
    const to = Date.parse(m.to);
    expect(to - Date.parse(m.from)).toBe(30 * 86_400_000);
    // The end is the next midnight in Viet Nam.
    expect(new Date(to + 7 * 3600_000).toISOString().slice(11)).toBe("00:00:00.000Z");
    expect(to - Date.now()).toBeGreaterThan(0);
    expect(to - Date.now()).toBeLessThanOrEqual(86_400_000);
    expect(m.rows).toEqual([]);
  });
});

describe("who sees what", () => {
  const stages = async (email: string) => Object.fromEntries((await metrics(email, `${PERIOD}&groupBy=stage`)).rows.map((r) => [r.key, r.decided]));

  it("a division's director sees only reports of the units they cover that reached their stage", async () => {
    // Phòng GDTX-CN&ĐH's director: A only (B stopped at the deputy head, E at the specialist, D is the high school's).
    expect(await stages(USERS.director)).toEqual({ specialist: 1, deputy_head: 1, director: 1 });
    const units = (await metrics(USERS.director, `${PERIOD}&groupBy=unit`)).rows;
    expect(units.map((r) => r.label)).toEqual(["Trung tâm GDNN-GDTX Quận 6"]);
    // 5.5, 12, 29.5.
    expect(units[0]).toMatchObject({ decided: 3, medianWorkingHours: 12, p90WorkingHours: 26 });
    const reviewers = (await metrics(USERS.director, `${PERIOD}&groupBy=reviewer`)).rows.map((r) => r.label);
    expect(reviewers).toEqual(["Cao Minh Quý", "Phạm Phương Bình", "Trần Thị Kim Thanh"]);
  });

  it("the other division's director sees the high school's decisions and none of GDTX-CN&ĐH's", async () => {
    expect(await stages(TH_USERS.director.email)).toEqual({ specialist: 1, director: 1 });
    const reviewers = (await metrics(TH_USERS.director.email, `${PERIOD}&groupBy=reviewer`)).rows.map((r) => r.label);
    expect(reviewers).toEqual(["Đỗ Văn Trung", "Lý Thị Hoa"]);
    const units = (await metrics(TH_USERS.director.email, `${PERIOD}&groupBy=unit`)).rows.map((r) => r.label);
    expect(units).toEqual(["Trường THPT Nguyễn Thị Minh Khai"]);
  });

  it("a reviewer does not see decisions on reports below their stage", async () => {
    // The deputy head reads A and B (they reached the deputy head), not E (returned by the specialist).
    const deputy = (await metrics(USERS.deputy, `${PERIOD}&groupBy=stage`)).rows.find((r) => r.key === "specialist")!;
    // 3, 12, 20.
    expect(deputy).toMatchObject({ decided: 3, medianWorkingHours: 12, p90WorkingHours: 18.4 });
    // The specialist reads E too.
    expect((await stages(USERS.specialist)).specialist).toBe(4);
  });

  it("a centre's head sees their own centre's decisions only", async () => {
    const units = (await metrics(USERS.centreHead, `${PERIOD}&groupBy=unit`)).rows;
    expect(units.map((r) => [r.label, r.decided])).toEqual([["Trung tâm GDNN-GDTX Quận 6", 4]]);
  });

  it("an author gets 403, and no one signed out gets anything", async () => {
    await expectProblem(await call(`/api/v1/metrics?${PERIOD}`, { token: await tokenFor(USERS.quan6) }), 403, "forbidden");
    await expectProblem(await call(`/api/v1/metrics?${PERIOD}`, { token: await tokenFor(USERS.minhKhai) }), 403, "forbidden");
    await expectProblem(await call(`/api/v1/metrics?${PERIOD}`), 401, "unauthenticated");
    await expectProblem(await call(`/api/v1/metrics?${PERIOD}`, { token: "x".repeat(43) }), 401, "unauthenticated");
  });
});

describe("bad input: 422 naming the field", () => {
  const cases: [string, string, string][] = [
    ["groupBy unknown", "groupBy=week", "groupBy"],
    ["from after to", "from=2025-02-10&to=2025-02-01", "from"],
    ["not a date", "from=31/01/2025", "from"],
    ["a date that does not exist", "from=2025-02-30", "from"],
    ["a date-time that does not exist", "to=2025-02-30T10:00:00Z", "to"],
    ["a date-time without its offset", "to=2025-01-31T10:00:00", "to"],
    ["longer than a year", "from=2024-01-01&to=2025-06-30", "from"],
    ["before the calendar's years", "from=1999-12-01&to=2000-01-31", "from"],
    ["an unknown parameter", "groupBy=stage&unit=abc", "unit"],
  ];
  it.each(cases)("%s", async (_name, query, field) => {
    const body = await expectProblem(await call(`/api/v1/metrics?${query}`, { token: await tokenFor(USERS.director) }), 422, "validation-failed");
    expect(body.errors.map((e: { path: string }) => e.path)).toContain(field);
    expect(body.errors.find((e: { path: string }) => e.path === field).in).toBe("query");
  });
});

describe("cost", () => {
  it("reads the period's decisions through the partial index, with a seek per decision, whatever else the table holds", async () => {
    const admin = await tokenFor(USERS.admin);
    const run = () => capture(() => call(`/api/v1/metrics?${PERIOD}&groupBy=unit`, { token: admin }).then((r) => r.text()));
    const decisionsRead = (statements: { sql: string; rowsRead: number | null; params: unknown[] }[]) => statements.filter((s) => s.sql.includes("report_events_decided_idx"));
    const before = decisionsRead((await run()).statements);
    expect(before).toHaveLength(1);
    const plan = (await planOf(before[0]!)).join("\n");
    expect(plan).toMatch(/SCAN d USING INDEX report_events_decided_idx|SEARCH d USING INDEX report_events_decided_idx/);
    expect(plan).toMatch(/SEARCH reports USING INDEX sqlite_autoindex_reports_1 \(id=\?\)/);
    expect(plan).toMatch(/SEARCH p USING INDEX report_events_report_seq_uq \(report_id=\? AND seq=\?\)/);
    // Two bounds; an admin's coverage adds none.
    expect(before[0]!.params).toHaveLength(2);

    // A year of other decisions, and submits inside the period, on a report of their own.
    const author = await tokenFor(USERS.quan6);
    const other = await (await call("/api/v1/reports", { token: author, json: { kind: "news", title: "Tin nhiều lượt", body: "Nội dung." } })).json<{ id: string }>();
    const stmts = [];
    for (let i = 1; i <= 400; i++) {
      const inPeriod = i % 2 === 1; // submits in the period, decisions in 2024
      const at = inPeriod ? vn(`2025-02-${String(1 + (i % 27)).padStart(2, "0")} 09:00`) : vn(`2024-${String(1 + (i % 12)).padStart(2, "0")}-10 10:00`);
      stmts.push(
        env.DB.prepare("INSERT INTO report_events (id, report_id, seq, action, actor_id, actor_name, stage, to_status, revision, created_at) VALUES (?, ?, ?, ?, ?, 'Phạm Phương Bình', 'specialist', 'in_review', 1, ?)")
          .bind(`${other.id}-${i}`, other.id, i, inPeriod ? "submit" : "approve", "00000000-0000-7000-8000-000000000102", at),
      );
    }
    await env.DB.batch(stmts);
    const after = decisionsRead((await run()).statements);
    expect(after[0]!.rowsRead).toBe(before[0]!.rowsRead);
  });

  it("a director's coverage is path ranges, not a parameter per unit", async () => {
    const token = await tokenFor(USERS.director);
    const { statements } = await capture(() => call(`/api/v1/metrics?${PERIOD}`, { token }).then((r) => r.text()));
    const q = statements.find((s) => s.sql.includes("report_events_decided_idx"))!;
    // Two bounds and two per covered subtree, at most: 4 units, 4 ranges -> 10 at most.
    expect(q.params.length).toBeLessThanOrEqual(2 + 2 * 4);
  });
});

describe("the pure parts", () => {
  it("percentiles interpolate between ranks as Excel's PERCENTILE.INC does", () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1, 10);
    expect(round1(24.249999999999996)).toBe(24.3);
    expect(round1(66.66666)).toBe(66.7);
  });

  it("figures of a group: shares over the decisions, on time over those with a known service level", () => {
    expect(
      figuresOf([
        { workingHours: 2, onTime: true, returned: false },
        { workingHours: 4, onTime: false, returned: true },
        { workingHours: 9, onTime: null, returned: true },
      ]),
    ).toEqual({ decided: 3, medianWorkingHours: 4, p90WorkingHours: 8, onTimePct: 50, returnedPct: 66.7 });
    expect(figuresOf([{ workingHours: 1, onTime: null, returned: false }]).onTimePct).toBeNull();
  });

  it("periods", () => {
    const now = new Date("2025-03-10T20:00:00Z"); // 11 March, 03:00 in Viet Nam
    expect(resolvePeriod({}, now)).toEqual({ period: { from: vn("2025-02-10 00:00"), to: vn("2025-03-12 00:00") } });
    expect(resolvePeriod({ to: "2025-03-01" }, now)).toEqual({ period: { from: vn("2025-01-31 00:00"), to: vn("2025-03-02 00:00") } });
    expect(resolvePeriod({ from: "2024-09-01", to: "2025-08-31" }, now)).toHaveProperty("period");
    expect(resolvePeriod({ from: "2024-08-30", to: "2025-08-31" }, now)).toEqual({ issues: [{ path: "from", message: expect.stringContaining("366") }] });
  });
});
