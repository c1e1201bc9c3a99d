// Decisions with fixed timestamps for the metrics tests (DESIGN.md section 12), around Tết 2025
// (the law's days off: 28-31 January, and Monday 3 February in lieu of Saturday 1 February) and
// weekends. report_events is append-only, so the events are written as they would have been,
// not moved afterwards; the reports are made through the API and then set to where they ended.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { DEMO_UNITS } from "../../src/seed/demo-data";
import { call, createReport, tokenFor, USERS } from "./api";
import { DEMO_PASSWORD } from "./seed";

/** "2025-01-24 16:00" in Viet Nam (UTC+7) -> the ISO instant report_events stores. */
export const vn = (local: string) => new Date(`${local.replace(" ", "T")}:00+07:00`).toISOString();

const uid = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;
export const REVIEWERS = {
  specialist: { id: uid(102), name: "Phạm Phương Bình" },
  deputy: { id: uid(103), name: "Trần Thị Kim Thanh" },
  director: { id: uid(104), name: "Cao Minh Quý" },
};

/** Phòng Giáo dục Trung học's reviewers of the high school (another division than GDTX-CN&ĐH). */
export const TH_USERS = {
  specialist: { email: "chuyenvien.th@sogd.example", name: "Đỗ Văn Trung", role: "specialist" },
  director: { email: "truongphong.th@sogd.example", name: "Lý Thị Hoa", role: "director" },
} as const;

type Who = keyof typeof REVIEWERS | "thSpecialist" | "thDirector" | "author";
type Event = [action: "submit" | "approve" | "return", stage: string, who: Who, at: string];

export type Fixture = { key: string; unitId: string; author: string; status: string; reach: number; stage: string | null; events: Event[] };

export const FIXTURES: Fixture[] = [
  {
    // Submitted the Friday before Tết: the specialist's 12 working hours are Friday 16-17, Monday
    // 27 January and Tuesday 4 February 08-10.
    key: "A",
    unitId: DEMO_UNITS.quan6,
    author: USERS.quan6,
    status: "published",
    reach: 4,
    stage: null,
    events: [
      ["submit", "specialist", "author", "2025-01-24 16:00"],
      ["approve", "specialist", "specialist", "2025-02-04 10:00"], // 12 h
      ["approve", "deputy_head", "deputy", "2025-02-04 15:30"], // 5.5 h
      ["approve", "director", "director", "2025-02-10 09:00"], // 1.5 + 3 x 9 + 1 = 29.5 h
    ],
  },
  {
    // Submitted on a Saturday, returned, resubmitted, approved, returned by the deputy head.
    key: "B",
    unitId: DEMO_UNITS.tanPhu,
    author: USERS.tanPhu,
    status: "returned",
    reach: 3,
    stage: null,
    events: [
      ["submit", "specialist", "author", "2025-02-08 10:00"],
      ["return", "specialist", "specialist", "2025-02-10 11:00"], // 3 h
      ["submit", "specialist", "author", "2025-02-10 14:00"],
      ["approve", "specialist", "specialist", "2025-02-12 16:00"], // 3 + 9 + 8 = 20 h
      ["return", "deputy_head", "deputy", "2025-02-13 08:30"], // 1 + 0.5 = 1.5 h
    ],
  },
  {
    // Decided before the periods the tests ask for.
    key: "C",
    unitId: DEMO_UNITS.quan6,
    author: USERS.quan6,
    status: "in_review",
    reach: 3,
    stage: "deputy_head",
    events: [
      ["submit", "specialist", "author", "2025-01-02 09:00"],
      ["approve", "specialist", "specialist", "2025-01-02 11:00"], // 2 h
    ],
  },
  {
    // The high school: another division's reviewers.
    key: "D",
    unitId: DEMO_UNITS.minhKhai,
    author: USERS.minhKhai,
    status: "approved",
    reach: 4,
    stage: null,
    events: [
      ["submit", "specialist", "author", "2025-02-17 08:00"],
      ["approve", "specialist", "thSpecialist", "2025-02-17 12:30"], // 4.5 h
      ["approve", "director", "thDirector", "2025-02-18 09:00"], // 4.5 + 1 = 5.5 h
    ],
  },
  {
    // Returned by the specialist: it never reached the deputy head or the director.
    key: "E",
    unitId: DEMO_UNITS.quan6,
    author: USERS.quan6,
    status: "returned",
    reach: 2,
    stage: null,
    events: [
      ["submit", "specialist", "author", "2025-02-18 09:00"],
      ["return", "specialist", "specialist", "2025-02-19 10:00"], // 8 + 2 = 10 h
    ],
  },
];

/** The period the figures below are for: 20 January to 28 February 2025 (dates in Viet Nam). */
export const PERIOD = "from=2025-01-20&to=2025-02-28";

export type Made = { reportIds: Record<string, string>; th: Record<keyof typeof TH_USERS, { id: string; email: string }> };

/** Makes the high school's reviewers, the reports and their events. */
export async function makeFixtures(): Promise<Made> {
  const admin = await tokenFor(USERS.admin);
  const th = {} as Made["th"];
  for (const [key, u] of Object.entries(TH_USERS) as [keyof typeof TH_USERS, (typeof TH_USERS)[keyof typeof TH_USERS]][]) {
    const res = await call("/api/v1/users", {
      token: admin,
      json: { email: u.email, name: u.name, title: "Phòng Giáo dục Trung học", unitId: DEMO_UNITS.trungHoc, password: DEMO_PASSWORD, grants: [{ role: u.role, unitIds: [DEMO_UNITS.minhKhai] }] },
    });
    const text = await res.text();
    expect(res.status, text).toBe(201);
    th[key] = { id: JSON.parse(text).id, email: u.email };
  }
  const actorOf = (who: Who, authorId: string) =>
    who === "author" ? { id: authorId, name: null } : who === "thSpecialist" ? { id: th.specialist.id, name: TH_USERS.specialist.name } : who === "thDirector" ? { id: th.director.id, name: TH_USERS.director.name } : REVIEWERS[who];
  const reportIds: Record<string, string> = {};
  for (const f of FIXTURES) {
    const r = await createReport(await tokenFor(f.author), { kind: "news", title: `Tin thử thời gian xử lý ${f.key}` });
    reportIds[f.key] = r.id;
    const statements = f.events.map(([action, stage, who, at], i) => {
      const actor = actorOf(who, r.authorId);
      return env.DB.prepare(
        "INSERT INTO report_events (id, report_id, seq, action, actor_id, actor_name, actor_role, stage, to_status, revision, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
      ).bind(`${r.id}-${i + 1}`, r.id, i + 1, action, actor.id, actor.name, who === "author" ? "author" : stage, stage, action === "return" ? "returned" : "in_review", vn(at));
    });
    statements.push(
      env.DB.prepare("UPDATE reports SET status = ?, stage = ?, stage_role = ?, review_reach = ?, revision = 1 WHERE id = ?").bind(f.status, f.stage, f.stage, f.reach, r.id),
    );
    await env.DB.batch(statements);
  }
  return { reportIds, th };
}
