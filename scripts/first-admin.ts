// Prints SQL that creates the department unit and its first admin, for a fresh remote database:
//   npm run --silent first-admin -- <email> "<name>" "<department name>" > first-admin.sql
// The password is read from FIRST_ADMIN_PASSWORD (so it stays out of shell history and ps).
import { hashPassword } from "../src/domain/password.ts";

const [email, name, department] = process.argv.slice(2);
const password = process.env.FIRST_ADMIN_PASSWORD ?? "";
if (!email || !name || !department || password.length < 10) {
  console.error('usage: FIRST_ADMIN_PASSWORD=… npm run --silent first-admin -- <email> "<name>" "<department name>"  (password: 10+ characters)');
  process.exit(2);
}
const q = (v: string) => `'${v.normalize("NFC").replace(/'/g, "''")}'`;
const now = new Date().toISOString();
const unitId = crypto.randomUUID();
const userId = crypto.randomUUID();
const grantId = crypto.randomUUID();
console.log(
  [
    `INSERT INTO units (id, parent_id, type, code, name, path, active, created_at, updated_at) VALUES (${q(unitId)}, NULL, 'department', 'SGDDT', ${q(department)}, ${q(`/${unitId}/`)}, 1, ${q(now)}, ${q(now)});`,
    `INSERT INTO users (id, email, name, title, unit_id, password_hash, active, email_opt_out, created_at, updated_at) VALUES (${q(userId)}, ${q(email.toLowerCase())}, ${q(name)}, 'Quản trị', ${q(unitId)}, ${q(await hashPassword(password))}, 1, 0, ${q(now)}, ${q(now)});`,
    `INSERT INTO role_grants (id, user_id, role, created_at) VALUES (${q(grantId)}, ${q(userId)}, 'admin', ${q(now)});`,
  ].join("\n"),
);
