// Demo units and sign-ins (DESIGN.md section 8). Fixed ids, so loading twice changes nothing.
// Plain data plus a SQL builder, with no imports: scripts/seed.ts runs it under Node, tests in workerd.

type DemoUnit = { id: string; parentId: string | null; type: string; code: string; name: string };
type DemoUser = { id: string; email: string; name: string; title: string; unitId: string; grants: { id: string; role: string; unitIds: string[] }[] };

const uid = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;

export const DEMO_UNITS = {
  department: uid(1),
  gdtx: uid(2),
  quan6: uid(3),
  tanPhu: uid(4),
  leQuyDon: uid(5),
  caoDangKinhTe: uid(6),
  trungHoc: uid(7),
  minhKhai: uid(8),
} as const;

const U = DEMO_UNITS;

export const demoUnits: DemoUnit[] = [
  { id: U.department, parentId: null, type: "department", code: "SGDDT", name: "Sở GD&ĐT" },
  { id: U.gdtx, parentId: U.department, type: "division", code: "P-GDTX-CNDH", name: "Phòng GDTX-CN&ĐH" },
  { id: U.quan6, parentId: U.department, type: "centre", code: "TT-GDNN-GDTX-Q6", name: "Trung tâm GDNN-GDTX Quận 6" },
  { id: U.tanPhu, parentId: U.department, type: "centre", code: "TT-GDNN-GDTX-TP", name: "Trung tâm GDNN-GDTX quận Tân Phú" },
  { id: U.leQuyDon, parentId: U.department, type: "centre", code: "TT-GDTX-LQD", name: "Trung tâm GDTX Lê Quý Đôn" },
  { id: U.caoDangKinhTe, parentId: U.department, type: "school", code: "CD-KINHTE", name: "Trường Cao đẳng Kinh tế Thành phố Hồ Chí Minh" },
  { id: U.trungHoc, parentId: U.department, type: "division", code: "P-GDTRH", name: "Phòng Giáo dục Trung học" },
  { id: U.minhKhai, parentId: U.department, type: "school", code: "THPT-NTMK", name: "Trường THPT Nguyễn Thị Minh Khai" },
];

// Phòng GDTX-CN&ĐH reviews the continuing-education centres and the college, not the high school.
const GDTX_COVERS = [U.quan6, U.tanPhu, U.leQuyDon, U.caoDangKinhTe];

export const demoUsers: DemoUser[] = [
  { id: uid(101), email: "admin@sogd.example", name: "Quản trị hệ thống", title: "Quản trị", unitId: U.department, grants: [{ id: uid(201), role: "admin", unitIds: [] }] },
  { id: uid(102), email: "chuyenvien@sogd.example", name: "Phạm Phương Bình", title: "Chuyên viên Phòng GDTX-CN&ĐH", unitId: U.gdtx, grants: [{ id: uid(202), role: "specialist", unitIds: GDTX_COVERS }] },
  { id: uid(103), email: "photruongphong@sogd.example", name: "Trần Thị Kim Thanh", title: "Phó Trưởng phòng GDTX-CN&ĐH", unitId: U.gdtx, grants: [{ id: uid(203), role: "deputy_head", unitIds: GDTX_COVERS }] },
  { id: uid(104), email: "truongphong@sogd.example", name: "Cao Minh Quý", title: "Trưởng phòng GDTX-CN&ĐH", unitId: U.gdtx, grants: [{ id: uid(204), role: "director", unitIds: GDTX_COVERS }] },
  { id: uid(105), email: "quan6@trungtam.example", name: "Nguyễn Thanh Hoàng", title: "Cán bộ Trung tâm GDNN-GDTX Quận 6", unitId: U.quan6, grants: [{ id: uid(205), role: "author", unitIds: [] }] },
  { id: uid(106), email: "tanphu@trungtam.example", name: "Lưu Thanh Tòng", title: "Cán bộ Trung tâm GDNN-GDTX quận Tân Phú", unitId: U.tanPhu, grants: [{ id: uid(206), role: "author", unitIds: [] }] },
  // Signs off the centre's periodic reports before they reach the department (workflows/periodic.ts).
  { id: uid(107), email: "giamdoc.quan6@trungtam.example", name: "Lê Văn Đức", title: "Giám đốc Trung tâm GDNN-GDTX Quận 6", unitId: U.quan6, grants: [{ id: uid(207), role: "centre_head", unitIds: [] }] },
  { id: uid(108), email: "minhkhai@truong.example", name: "Đặng Thị Hạnh", title: "Cán bộ Trường THPT Nguyễn Thị Minh Khai", unitId: U.minhKhai, grants: [{ id: uid(208), role: "author", unitIds: [] }] },
];

const q = (v: string | null) => (v === null ? "NULL" : `'${v.replace(/'/g, "''")}'`);

/** Idempotent SQL for the demo data. Units and grants are left as they are if present; a demo
 * user's password follows DEMO_PASSWORD on every load. */
export function demoSeedSql(passwordHash: (email: string) => string, now: string): string[] {
  const pathOf = (id: string): string => {
    const unit = demoUnits.find((u) => u.id === id);
    return unit?.parentId ? `${pathOf(unit.parentId)}${id}/` : `/${id}/`;
  };
  const out: string[] = [];
  for (const u of demoUnits) {
    out.push(
      `INSERT INTO units (id, parent_id, type, code, name, path, active, created_at, updated_at) VALUES (${q(u.id)}, ${q(u.parentId)}, ${q(u.type)}, ${q(u.code)}, ${q(u.name)}, ${q(pathOf(u.id))}, 1, ${q(now)}, ${q(now)}) ON CONFLICT DO NOTHING;`,
    );
  }
  for (const u of demoUsers) {
    out.push(
      `INSERT INTO users (id, email, name, title, unit_id, password_hash, active, email_opt_out, created_at, updated_at) VALUES (${q(u.id)}, ${q(u.email)}, ${q(u.name)}, ${q(u.title)}, ${q(u.unitId)}, ${q(passwordHash(u.email))}, 1, 0, ${q(now)}, ${q(now)}) ON CONFLICT (id) DO UPDATE SET password_hash = excluded.password_hash;`,
    );
    for (const g of u.grants) {
      out.push(`INSERT INTO role_grants (id, user_id, role, created_at) VALUES (${q(g.id)}, ${q(u.id)}, ${q(g.role)}, ${q(now)}) ON CONFLICT DO NOTHING;`);
      for (const unitId of g.unitIds) out.push(`INSERT INTO grant_units (grant_id, unit_id) VALUES (${q(g.id)}, ${q(unitId)}) ON CONFLICT DO NOTHING;`);
    }
  }
  return out;
}
