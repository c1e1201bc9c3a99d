// The benchmark's volume, written straight into the local D1's SQLite file (node:sqlite) after the
// migrations and the demo data: 300 units in a department's tree, an author per school or centre,
// reviewers with a grant on the root unit and on one division, and any number of reports over two
// years with their review events and portal entries. `wrangler d1 execute --file` takes hours at a
// million reports; this takes minutes, with the schema's own triggers (FTS, derived columns) active.
//
// Columns are matched to the live schema (PRAGMA table_info) when the load starts: a row generator
// may name columns a migration has not added yet (they are left out), and a NOT NULL column without
// a default that no generator fills stops the load with its name. To add a column, add it to the
// row built below.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

const demo = (n) => `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;
const benchId = (group, n) => `00000000-0000-7000-${group}-${String(n).padStart(12, "0")}`;

export const DEPARTMENT = demo(1);
const DEMO_GDTX = demo(2);
const DEMO_TRUNG_HOC = demo(7);
/** Demo units that write reports, with their demo author where there is one. */
const DEMO_WRITERS = [
  { id: demo(3), author: demo(105) },
  { id: demo(4), author: demo(106) },
  { id: demo(5), author: null },
  { id: demo(6), author: null },
  { id: demo(8), author: demo(108) },
];
const DEMO_UNIT_COUNT = 8;
export const UNIT_COUNT = 300;

const EMAIL_DOMAIN = "bench.sogd.example";
/** The bench's sign-ins (same password as the demo's). */
export const USERS = {
  rootSpecialist: { id: benchId("b000", 1), email: `chuyenvien.so@${EMAIL_DOMAIN}`, role: "specialist", name: "Hoàng Minh Tâm", title: "Chuyên viên Văn phòng Sở" },
  rootDeputy: { id: benchId("b000", 2), email: `phochanhvanphong@${EMAIL_DOMAIN}`, role: "deputy_head", name: "Vũ Thị Lan", title: "Phó Chánh Văn phòng Sở" },
  rootDirector: { id: benchId("b000", 3), email: `chanhvanphong@${EMAIL_DOMAIN}`, role: "director", name: "Đỗ Quang Huy", title: "Chánh Văn phòng Sở" },
  divisionSpecialist: { id: benchId("b000", 4), email: `chuyenvien.mamnon@${EMAIL_DOMAIN}`, role: "specialist", name: "Ngô Thị Thu Hà", title: "Chuyên viên Phòng Giáo dục Mầm non" },
  divisionDirector: { id: benchId("b000", 5), email: `truongphong.mamnon@${EMAIL_DOMAIN}`, role: "director", name: "Phan Văn Khánh", title: "Trưởng phòng Giáo dục Mầm non" },
};
const ROOT_REVIEWERS = { specialist: USERS.rootSpecialist, deputy_head: USERS.rootDeputy, director: USERS.rootDirector };

// ---- deterministic randomness -------------------------------------------------------------

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = (r, xs) => xs[Math.floor(r() * xs.length)];

/** Time-ordered ids like the app's (UUID version 7), from a time and a counter. */
function uuid7(ms, n) {
  const t = Math.floor(ms).toString(16).padStart(12, "0");
  const c = n.toString(16).padStart(15, "0");
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${c.slice(0, 3)}-${(8 + (n % 4)).toString(16)}${c.slice(3, 6)}-${c.slice(6, 15).padStart(12, "0")}`;
}

const fold = (s) =>
  s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D");
const slugify = (s, max = 70) =>
  fold(s)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, max)
    .replace(/-+$/, "") || "bai-viet";

// ---- the unit tree ------------------------------------------------------------------------

const PEOPLE = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Du", "Nguyễn Trãi", "Chu Văn An", "Lý Thường Kiệt", "Hai Bà Trưng", "Phan Bội Châu", "Quang Trung", "Võ Thị Sáu", "Trần Phú", "Nguyễn Văn Trỗi", "Bùi Thị Xuân", "Lương Thế Vinh", "Nguyễn Khuyến", "Trần Quốc Toản", "Nguyễn Đình Chiểu", "Phan Đình Phùng", "Hùng Vương", "Lê Hồng Phong", "Nguyễn Thượng Hiền", "Võ Trường Toản", "Trần Đại Nghĩa", "Nguyễn Hữu Huân", "Mạc Đĩnh Chi", "Lê Thánh Tôn", "Ngô Quyền", "Đinh Tiên Hoàng", "Tô Hiến Thành", "Phạm Ngũ Lão", "Yết Kiêu", "Hoàng Hoa Thám", "Nguyễn Thái Học", "Trưng Vương", "Hồ Xuân Hương", "Lê Văn Tám", "Kim Đồng", "Võ Văn Kiệt", "Nguyễn An Ninh", "Trương Định"];
const DISTRICTS = ["Quận 1", "Quận 3", "Quận 4", "Quận 5", "Quận 7", "Quận 8", "Quận 10", "Quận 11", "Quận 12", "Bình Thạnh", "Gò Vấp", "Tân Bình", "Phú Nhuận", "Bình Tân", "Thủ Đức", "Củ Chi", "Hóc Môn", "Nhà Bè", "Cần Giờ", "Bình Chánh"];

/** Divisions under the department, and what each oversees (type, name prefix, how many). */
const DIVISIONS = [
  { id: DEMO_GDTX, demo: true, schools: { type: "centre", prefix: "Trung tâm GDNN-GDTX", count: 36, by: "district" } },
  { id: DEMO_TRUNG_HOC, demo: true, schools: { type: "school", prefix: "Trường THPT", count: 70, by: "person" } },
  { n: 1, code: "P-GDTHCS", name: "Phòng Giáo dục Trung học cơ sở", schools: { type: "school", prefix: "Trường THCS", count: 50, by: "person" } },
  { n: 2, code: "P-GDTH", name: "Phòng Giáo dục Tiểu học", schools: { type: "school", prefix: "Trường Tiểu học", count: 44, by: "person" } },
  // The single-division reviewer's: a small coverage to set against the root grant.
  { n: 3, code: "P-GDMN", name: "Phòng Giáo dục Mầm non", schools: { type: "school", prefix: "Trường Mầm non", count: 30, by: "district" } },
  { n: 4, code: "P-GDNN", name: "Phòng Giáo dục nghề nghiệp", schools: { type: "school", prefix: "Trường Trung cấp nghề", count: 20, by: "district" } },
  { n: 5, code: "P-KTKD", name: "Phòng Khảo thí và Kiểm định chất lượng", schools: { type: "centre", prefix: "Hội đồng thi", count: 6, by: "district" } },
  { n: 6, code: "P-CTTT", name: "Phòng Chính trị tư tưởng", schools: { type: "centre", prefix: "Trung tâm Hoạt động thanh thiếu nhi", count: 6, by: "district" } },
];
export const DIVISION_UNIT = benchId("9000", 3);
/** Units the single-division grant covers: the division and its schools. */
export const DIVISION_UNITS = 1 + DIVISIONS.find((d) => d.n === 3).schools.count;

/** The 292 units beyond the demo's 8: divisions, their schools and centres, and branch campuses under some schools. */
function benchUnits() {
  const byId = new Map([[DEPARTMENT, { path: `/${DEPARTMENT}/` }]]);
  const pathOf = (id, parentId) => `${byId.get(parentId).path}${id}/`;
  byId.set(DEMO_GDTX, { path: pathOf(DEMO_GDTX, DEPARTMENT) });
  byId.set(DEMO_TRUNG_HOC, { path: pathOf(DEMO_TRUNG_HOC, DEPARTMENT) });
  for (const w of DEMO_WRITERS) byId.set(w.id, { path: pathOf(w.id, DEPARTMENT) });
  const out = [];
  const add = (u) => {
    u.path = pathOf(u.id, u.parentId);
    byId.set(u.id, u);
    out.push(u);
  };
  let n = 0;
  const used = new Set();
  for (const d of DIVISIONS) {
    const divisionId = d.demo ? d.id : benchId("9000", d.n);
    if (!d.demo) add({ id: divisionId, parentId: DEPARTMENT, type: "division", code: d.code, name: d.name });
    for (let i = 0; i < d.schools.count; i++) {
      n++;
      const base = d.schools.by === "district" ? DISTRICTS[i % DISTRICTS.length] : PEOPLE[i % PEOPLE.length];
      let name = `${d.schools.prefix} ${base}`;
      for (let k = 2; used.has(name); k++) name = `${d.schools.prefix} ${base} ${k > 2 ? `số ${k}` : `- ${DISTRICTS[(i * 7) % DISTRICTS.length]}`}`;
      used.add(name);
      add({ id: benchId("9100", n), parentId: divisionId, type: d.schools.type, code: `BENCH-${n}`, name });
    }
  }
  // Some high schools have a branch campus: one level deeper.
  const highSchools = out.filter((u) => u.parentId === DEMO_TRUNG_HOC);
  for (let i = 0; out.length < UNIT_COUNT - DEMO_UNIT_COUNT; i++) {
    n++;
    const parent = highSchools[i];
    add({ id: benchId("9100", n), parentId: parent.id, type: "school", code: `BENCH-${n}`, name: `${parent.name} - Phân hiệu ${i % 2 ? "2" : "1"}` });
  }
  return { units: out, pathOf: (id) => byId.get(id).path };
}

// ---- report text --------------------------------------------------------------------------

const ACTIVITIES = [
  ["Hội nghị tổng kết năm học", "event"],
  ["Lễ khai giảng năm học mới", "event"],
  ["Hội thảo đổi mới phương pháp dạy học", "event"],
  ["Chuyên đề sinh hoạt tổ chuyên môn", "event"],
  ["Hội thi giáo viên dạy giỏi cấp trường", "event"],
  ["Ngày hội đọc sách", "news"],
  ["Tập huấn chuyển đổi số trong nhà trường", "news"],
  ["Hoạt động trải nghiệm hướng nghiệp", "news"],
  ["Chương trình ngoại khóa kỹ năng sống", "news"],
  ["Tuyên truyền phòng chống đuối nước", "news"],
  ["Trao học bổng cho học sinh vượt khó", "news"],
  ["Giải thể thao học sinh", "news"],
  ["Báo cáo tình hình tuyển sinh", "periodic"],
  ["Báo cáo sơ kết học kỳ", "periodic"],
  ["Báo cáo công tác phổ cập", "periodic"],
];
const SENTENCES = [
  "Hoạt động nhằm nâng cao chất lượng giáo dục toàn diện cho học sinh.",
  "Nhà trường đã phối hợp với cha mẹ học sinh để tổ chức chương trình chu đáo, an toàn.",
  "Các thầy cô giáo chia sẻ kinh nghiệm đổi mới phương pháp giảng dạy theo chương trình giáo dục phổ thông 2018.",
  "Ban giám hiệu ghi nhận sự tham gia tích cực của các tổ chuyên môn và đoàn thể.",
  "Chương trình góp phần thực hiện nhiệm vụ năm học của ngành giáo dục và đào tạo.",
  "Học sinh được rèn luyện kỹ năng làm việc nhóm, thuyết trình và giải quyết vấn đề.",
  "Đơn vị sẽ tiếp tục duy trì và nhân rộng mô hình trong thời gian tới.",
  "Buổi lễ có sự tham dự của đại diện lãnh đạo địa phương và Hội Khuyến học.",
  "Kết quả được tổng hợp, báo cáo về Sở theo đúng thời hạn quy định.",
  "Công tác bảo đảm an ninh trật tự, vệ sinh an toàn thực phẩm được thực hiện nghiêm túc.",
];
// Rare: about one report in two thousand mentions it.
export const RARE_WORD = "thiên văn";
const RARE_SENTENCE = "Câu lạc bộ thiên văn học của trường đã tổ chức buổi quan sát nhật thực cho học sinh.";
export const COMMON_WORD = "giáo dục";
const STAGES = { news: ["specialist", "deputy_head", "director"], event: ["specialist", "deputy_head", "director"], periodic: ["centre_head", "specialist", "deputy_head", "director"] };
const RANK = { centre_head: 1, specialist: 2, deputy_head: 3, director: 4 };
const SLA_H = { centre_head: 48, specialist: 48, deputy_head: 24, director: 24 };
const LABEL = { centre_head: "Lãnh đạo đơn vị", specialist: "Chuyên viên", deputy_head: "Phó Trưởng phòng", director: "Trưởng phòng" };
const H = 3600_000;
const DAY = 24 * H;

/**
 * A report's fate, by its age: older ones are mostly done with (published; approved for periodic
 * reports, which are not public), the last month holds the drafts and those still in review.
 */
function fateOf(r, kind, ageDays) {
  const x = r();
  const done = kind === "periodic" ? "approved" : "published";
  if (ageDays > 30) return x < 0.9 ? done : x < 0.93 ? "draft" : x < 0.95 ? "returned" : x < 0.98 ? "withdrawn" : kind === "periodic" ? "approved" : "unpublished";
  return x < 0.4 ? done : x < 0.7 ? "in_review" : x < 0.85 ? "draft" : x < 0.93 ? "returned" : x < 0.96 ? "withdrawn" : "approved";
}

// ---- the loader ---------------------------------------------------------------------------

/** The local D1 database file wrangler made under a --persist-to folder. */
export function d1File(state) {
  const dir = join(state, "v3", "d1", "miniflare-D1DatabaseObject");
  const files = readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (files.length !== 1) throw new Error(`expected one D1 database in ${dir}, found: ${files.join(", ")}`);
  return join(dir, files[0]);
}

/** Inserters that follow the live schema; see the note at the top of this file. */
function tables(db) {
  const cache = new Map();
  return (table) => {
    if (cache.has(table)) return cache.get(table);
    const info = db.prepare(`PRAGMA table_info(${table})`).all();
    if (info.length === 0) throw new Error(`no table ${table}`);
    let stmt = null;
    let columns = null;
    const insert = (row) => {
      if (!stmt) {
        columns = info.filter((c) => c.name in row).map((c) => c.name);
        const missing = info.filter((c) => !(c.name in row) && c.notnull && c.dflt_value === null && !c.pk).map((c) => c.name);
        if (missing.length) throw new Error(`bench/volume.mjs: ${table} needs ${missing.join(", ")} (NOT NULL, no default): add them to its rows`);
        stmt = db.prepare(`INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")}) ON CONFLICT DO NOTHING`);
      }
      stmt.run(...columns.map((c) => row[c] ?? null));
    };
    cache.set(table, insert);
    return insert;
  };
}

/**
 * Loads 292 units (300 with the demo's), the bench's users and grants, and `count` reports with
 * their events and portal entries, in created_at order, into the D1 file `file` (no workerd may
 * have it open). Returns timings and what the bench needs to know.
 */
export function loadVolume(file, { count, now = Date.now(), log = () => {} }) {
  const t0 = performance.now();
  const db = new DatabaseSync(file);
  db.exec("PRAGMA synchronous = OFF; PRAGMA cache_size = -500000; PRAGMA temp_store = MEMORY;");
  const insert = tables(db);
  const nowIso = new Date(now).toISOString();
  const r = rng(20261122);

  // The demo author's password hash serves every bench sign-in.
  const hash = db.prepare("SELECT password_hash FROM users WHERE id = ?").get(demo(105))?.password_hash;
  if (!hash) throw new Error("the demo data must be loaded first");

  db.exec("BEGIN");
  const { units, pathOf } = benchUnits();
  for (const u of units) insert("units")({ ...u, active: 1, created_at: nowIso, updated_at: nowIso });
  if (DEMO_UNIT_COUNT + units.length !== UNIT_COUNT) throw new Error(`${DEMO_UNIT_COUNT + units.length} units, not ${UNIT_COUNT}`);

  const user = (u, unitId) => insert("users")({ id: u.id, email: u.email, name: u.name, title: u.title, unit_id: unitId, password_hash: hash, active: 1, email_opt_out: 0, created_at: nowIso, updated_at: nowIso });
  const grant = (userId, role, unitIds, n) => {
    const id = benchId("b200", n);
    insert("role_grants")({ id, user_id: userId, role, created_at: nowIso });
    for (const unitId of unitIds) insert("grant_units")({ grant_id: id, unit_id: unitId });
  };
  let g = 0;
  for (const u of [USERS.rootSpecialist, USERS.rootDeputy, USERS.rootDirector]) {
    user(u, DEPARTMENT);
    grant(u.id, u.role, [DEPARTMENT], ++g);
  }
  for (const u of [USERS.divisionSpecialist, USERS.divisionDirector]) {
    user(u, DIVISION_UNIT);
    grant(u.id, u.role, [DIVISION_UNIT], ++g);
  }
  // An author in every school and centre (the demo's three keep theirs).
  const writers = [];
  let a = 0;
  for (const w of DEMO_WRITERS) writers.push({ id: w.id, name: null, author: w.author });
  for (const u of units) if (u.type !== "division") writers.push({ id: u.id, name: u.name, author: null });
  for (const w of writers) {
    if (w.author) continue;
    a++;
    const author = { id: benchId("b100", a), email: `tacgia${a}@${EMAIL_DOMAIN}`, name: `${pick(r, ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ"])} ${pick(r, ["Thị", "Văn", "Minh", "Ngọc"])} ${pick(r, ["An", "Bình", "Châu", "Dũng", "Giang", "Hạnh", "Khoa", "Linh", "Nam", "Phúc"])}`, title: "Cán bộ phụ trách truyền thông" };
    user(author, w.id);
    grant(author.id, "author", [], ++g);
    w.author = author.id;
    w.email = author.email;
  }
  db.exec("COMMIT");
  const unitNames = new Map(db.prepare("SELECT id, name FROM units").all().map((u) => [u.id, u.name]));
  const tUnits = performance.now();

  // Bigger units write more (a skewed spread, as in life): weight 1 / (1 + rank / 20).
  const weights = writers.map((_, i) => 1 / (1 + i / 20));
  const total = weights.reduce((s, w) => s + w, 0);
  const cumulative = [];
  weights.reduce((s, w, i) => (cumulative[i] = s + w / total), 0);
  const writerAt = (x) => {
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return writers[lo];
  };

  const span = 730 * DAY;
  const start = now - span;
  const names = Object.fromEntries(Object.values(USERS).map((u) => [u.id, u.name]));
  let portalSeq = 0;
  const unitSeq = new Map();
  let eventN = 0;
  const counts = { reports: 0, events: 0, portal: 0 };
  const BATCH = 20_000;
  // Every index stays in place during the load: triggers (search index, dashboard tallies) look
  // rows up through them, and dropping them made the load quadratic.
  db.exec("BEGIN");
  // Periodic reports belong to a reporting period (DESIGN.md section 11): one gdtx-hoc-ki period a
  // month over the span, expecting every writing unit, one report per unit and period (a unit's
  // second periodic report of a month is written as news instead).
  const periodOfMonth = new Map();
  const periodTaken = new Set();
  const periodFor = (ms) => {
    const d = new Date(ms);
    const key = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
    let period = periodOfMonth.get(key);
    if (!period) {
      const opens = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
      const due = opens + 24 * DAY + 10 * H; // 17:00 in Vietnam on the 25th
      period = { id: uuid7(opens, 900_000 + periodOfMonth.size), due };
      insert("periods")({
        id: period.id,
        title: `Báo cáo tháng ${d.getUTCMonth() + 1}/${d.getUTCFullYear()}`,
        indicator_set_id: "gdtx-hoc-ki",
        opens_at: new Date(opens).toISOString(),
        due_at: new Date(due).toISOString(),
        status: due < now ? "closed" : "open",
        opened_by: USERS.rootDirector.id,
        opened_by_name: USERS.rootDirector.name,
        created_at: new Date(opens).toISOString(),
        closed_at: due < now ? new Date(due + DAY).toISOString() : null,
        closed_by: due < now ? USERS.rootDirector.id : null,
      });
      for (const w of writers) insert("period_units")({ period_id: period.id, unit_id: w.id });
      periodOfMonth.set(key, period);
    }
    return period;
  };
  /** Semester figures that pass the gdtx-hoc-ki rules (completionRate = completed / enrolled, one decimal). */
  const figuresOf = () => {
    const enrolled = 300 + Math.floor(r() * 900);
    const completed = enrolled - Math.floor(r() * 40);
    return {
      classes: 10 + Math.floor(r() * 30),
      enrolled,
      completed,
      completionRate: Math.round((completed / enrolled) * 1000) / 10,
      dropouts: Math.floor(r() * 20),
      adultLearners: Math.floor(enrolled * 0.4),
      teachers: 20 + Math.floor(r() * 40),
    };
  };
  for (let i = 1; i <= count; i++) {
    const created = start + (span * (i - 0.5)) / count;
    const ageDays = (now - created) / DAY;
    const w = writerAt(r());
    const [activity, kindHint] = pick(r, ACTIVITIES);
    let kind = kindHint === "periodic" ? "periodic" : r() < 0.7 ? kindHint : kindHint === "event" ? "news" : "event";
    const period = kind === "periodic" ? periodFor(created) : null;
    if (period && periodTaken.has(`${period.id}:${w.id}`)) kind = "news";
    else if (period) periodTaken.add(`${period.id}:${w.id}`);
    const periodId = kind === "periodic" ? period.id : null;
    const id = uuid7(created, i);
    const unitName = w.name ?? unitNames.get(w.id);
    const rare = i % 2000 === 1000;
    const title = `${activity} ${kind === "periodic" ? `tháng ${new Date(created).getUTCMonth() + 1}/${new Date(created).getUTCFullYear()}` : `tại ${unitName}`}`;
    const body = [0, 1, 2, 3].map(() => pick(r, SENTENCES));
    if (rare) body.splice(1, 0, RARE_SENTENCE);
    const status = fateOf(r, kind, ageDays);
    const stages = STAGES[kind];
    const submitted = status !== "draft";
    // Where it stands, or stood when it stopped (a return happens at some stage, a withdrawal too).
    const reached = status === "in_review" || status === "returned" || status === "withdrawn" ? Math.floor(r() * stages.length) : stages.length - 1;
    const stage = status === "in_review" ? stages[reached] : null;
    const at = (h) => new Date(created + h * H).toISOString();
    const events = [{ action: "create", actor: w.author, role: "author", stage: null, from: null, to: "draft", revision: 0, time: at(0) }];
    let h = 2 + r() * 20;
    let publishedUrl = null;
    let entryPath = null;
    let firstPublished = null;
    if (submitted) {
      events.push({ action: "submit", actor: w.author, role: "author", stage: stages[0], from: "draft", to: "in_review", revision: 1, time: at(h) });
      for (let s = 0; s < reached || (s === reached && !["in_review", "returned", "withdrawn"].includes(status)); s++) {
        h += 1 + r() * SLA_H[stages[s]] * 0.8;
        const last = s === stages.length - 1;
        const reviewer = ROOT_REVIEWERS[stages[s]];
        events.push({ action: "approve", actor: reviewer?.id ?? null, role: stages[s], stage: stages[s], from: "in_review", to: last ? "approved" : "in_review", revision: 1, time: at(h) });
      }
      h += 1 + r() * 10;
      if (status === "returned") events.push({ action: "return", actor: ROOT_REVIEWERS[stages[reached]]?.id ?? null, role: stages[reached], stage: stages[reached], from: "in_review", to: "returned", revision: 1, time: at(h), comment: "Đề nghị bổ sung hình ảnh và số liệu." });
      if (status === "withdrawn") events.push({ action: "withdraw", actor: w.author, role: "author", stage: stages[reached], from: "in_review", to: "withdrawn", revision: 1, time: at(h) });
      if (status === "published" || status === "unpublished") {
        entryPath = `bai-viet/${slugify(title)}-${id.replaceAll("-", "").slice(-10)}/`;
        publishedUrl = `/portal/${entryPath}`;
        firstPublished = at(h);
        events.push({ action: "publish", actor: null, role: null, stage: null, from: "approved", to: "published", revision: 1, time: firstPublished, comment: publishedUrl });
      }
      if (status === "unpublished") events.push({ action: "unpublish", actor: USERS.rootDirector.id, role: "director", stage: null, from: "published", to: "unpublished", revision: 1, time: at(h + 48), comment: "Thông tin cần cập nhật." });
    }
    const updated = events.at(-1).time;
    insert("reports")({
      id,
      unit_id: w.id,
      unit_path: pathOf(w.id),
      unit_name: unitNames.get(w.id),
      author_id: w.author,
      kind,
      title,
      slug: slugify(title),
      summary: `${activity} — ${unitName}.`,
      body: body.join(" "),
      event_date: kind === "event" ? at(-48).slice(0, 10) : null,
      location: kind === "event" ? unitName : null,
      attendees: "[]",
      figures: kind === "periodic" ? JSON.stringify(figuresOf()) : null,
      period_id: periodId,
      submitted_at: submitted ? events[1].time : null,
      status,
      stage,
      stage_role: stage,
      stage_due_at: stage ? new Date(Date.parse(events.at(-1).time) + SLA_H[stage] * H).toISOString() : null,
      version: events.length + 1,
      flow_seq: events.length - 1,
      review_reach: submitted ? RANK[stages[reached]] : 0,
      revision: submitted ? 1 : 0,
      workflow_id: kind,
      workflow_version: 1,
      published_url: status === "published" ? publishedUrl : null,
      created_at: new Date(created).toISOString(),
      updated_at: updated,
    });
    counts.reports++;
    events.forEach((e, seq) => {
      insert("report_events")({
        id: uuid7(Date.parse(e.time), ++eventN),
        report_id: id,
        seq,
        action: e.action,
        actor_id: e.actor,
        actor_name: e.actor ? (names[e.actor] ?? null) : null,
        actor_role: e.role,
        stage: e.stage,
        from_status: e.from,
        to_status: e.to,
        revision: e.revision,
        comment: e.comment ?? (e.action === "approve" ? `Đồng ý (${LABEL[e.role]}).` : null),
        created_at: e.time,
      });
      counts.events++;
    });
    if (entryPath) {
      const us = (unitSeq.get(w.id) ?? 0) + 1;
      unitSeq.set(w.id, us);
      insert("portal_entries")({
        report_id: id,
        path: entryPath,
        unit_id: w.id,
        seq: ++portalSeq,
        unit_seq: us,
        kind,
        title,
        summary: `${activity} — ${unitName}.`,
        event_date: kind === "event" ? at(-48).slice(0, 10) : null,
        revision: 1,
        first_published_at: firstPublished,
        retracted_at: status === "unpublished" ? at(h + 48) : null,
        retraction_note: status === "unpublished" ? "Thông tin cần cập nhật." : null,
        // What PUBLISH writes (the body as plain text): the portal's search index reads it.
        body_text: body.join(" "),
      });
      counts.portal++;
    }
    if (i % BATCH === 0) {
      db.exec("COMMIT");
      if (i % (BATCH * 10) === 0) log(`  ${i.toLocaleString("en")} reports, ${((performance.now() - tUnits) / 1000).toFixed(0)} s`);
      db.exec("BEGIN");
    }
  }
  db.exec("COMMIT");
  const tReports = performance.now();
  db.close();
  return {
    ...counts,
    units: UNIT_COUNT,
    seconds: (tReports - t0) / 1000,
    reportsPerSecond: count / ((tReports - tUnits) / 1000),
    fileBytes: statSync(file).size,
    authorOfDivision: writers.find((w) => unitOf(units, w.id)?.parentId === DIVISION_UNIT),
    authors: writers,
  };
}

const unitOf = (units, id) => units.find((u) => u.id === id);

// Run alone: `node bench/volume.mjs <persist folder> <count>` loads into an existing local D1
// (migrations applied, demo data loaded, no wrangler running on it).
if (import.meta.url === `file://${process.argv[1]}`) {
  const [state, n] = process.argv.slice(2);
  const res = loadVolume(d1File(state), { count: Number(n ?? 10_000), log: console.error });
  console.log(JSON.stringify({ ...res, authors: res.authors.length }, null, 1));
}
