// SQL that loads the benchmark's volume: 60 units in all and 100,000 reports across them, with a
// realistic mix of states (most published, some in review at each stage, some drafts).
const STAGES = [
  ["specialist", "specialist"],
  ["deputy_head", "deputy_head"],
  ["director", "director"],
];
const DEPARTMENT = "00000000-0000-7000-8000-000000000001";
const AUTHOR = "00000000-0000-7000-8000-000000000105";

const q = (v) => (v === null ? "NULL" : `'${String(v).replace(/'/g, "''")}'`);
const unitId = (i) => `00000000-0000-7000-9000-${String(i).padStart(12, "0")}`;
const reportId = (i) => `00000000-0000-7000-a000-${String(i).padStart(12, "0")}`;

/** Units beyond the demo's 8, to 60; each is covered by the demo GDTX reviewers. */
export function unitStatements(now, extra = 52) {
  const out = [];
  for (let i = 1; i <= extra; i++) {
    const id = unitId(i);
    out.push(
      `INSERT INTO units (id, parent_id, type, code, name, path, active, created_at, updated_at) VALUES (${q(id)}, ${q(DEPARTMENT)}, 'centre', ${q(`TT-BENCH-${i}`)}, ${q(`Trung tâm GDNN-GDTX số ${i}`)}, ${q(`/${DEPARTMENT}/${id}/`)}, 1, ${q(now)}, ${q(now)}) ON CONFLICT DO NOTHING;`,
    );
    for (const grant of ["00000000-0000-7000-8000-000000000202", "00000000-0000-7000-8000-000000000203", "00000000-0000-7000-8000-000000000204"]) {
      out.push(`INSERT INTO grant_units (grant_id, unit_id) VALUES (${q(grant)}, ${q(id)}) ON CONFLICT DO NOTHING;`);
    }
  }
  return out;
}

/** `count` reports spread over the 52 extra units and Quận 6, in multi-row INSERTs. */
export function reportStatements(count, start = Date.now() - 400 * 24 * 3600_000) {
  const out = [];
  const rows = [];
  const flush = () => {
    if (rows.length) out.push(`INSERT INTO reports (id, unit_id, author_id, kind, title, slug, summary, body, attendees, status, stage, stage_role, stage_due_at, version, revision, workflow_id, workflow_version, created_at, updated_at) VALUES\n${rows.join(",\n")}\nON CONFLICT DO NOTHING;`);
    rows.length = 0;
  };
  for (let i = 1; i <= count; i++) {
    const unit = i % 53 === 0 ? "00000000-0000-7000-8000-000000000003" : unitId((i % 52) + 1);
    const created = new Date(start + i * 300_000).toISOString();
    const roll = i % 100;
    const status = roll < 80 ? "published" : roll < 86 ? "in_review" : roll < 92 ? "draft" : roll < 96 ? "returned" : "approved";
    const [stage, role] = status === "in_review" ? STAGES[i % 3] : [null, null];
    const due = status === "in_review" ? new Date(start + i * 300_000 + 48 * 3600_000).toISOString() : null;
    rows.push(
      `(${q(reportId(i))}, ${q(unit)}, ${q(AUTHOR)}, 'news', ${q(`Tin số ${i}: hoạt động giáo dục thường xuyên`)}, ${q(`tin-so-${i}`)}, 'Tóm tắt tin.', 'Nội dung tin số ${i}.', '[]', '${status}', ${q(stage)}, ${q(role)}, ${q(due)}, 2, ${status === "draft" ? 0 : 1}, 'news', 1, ${q(created)}, ${q(created)})`,
    );
    if (rows.length === 150) flush(); // D1 limits one statement to 100 KB
  }
  flush();
  return out;
}
