// Loads the demo data into the local D1 (npm start). Idempotent: run it on every start.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hashPassword } from "../src/domain/password.ts";
import { demoSeedSql, demoUsers } from "../src/seed/demo-data.ts";

const password = process.env.DEMO_PASSWORD || "demo-password";
const hashes = new Map<string, string>();
for (const u of demoUsers) hashes.set(u.email, await hashPassword(password));

const dir = join(import.meta.dirname, "..", ".wrangler");
mkdirSync(dir, { recursive: true });
const file = join(dir, "demo-seed.sql");
writeFileSync(file, demoSeedSql((email) => hashes.get(email)!, new Date().toISOString()).join("\n") + "\n");
// PERSIST_TO: load into another local state folder (the browser tests run on their own).
const persist = process.env.PERSIST_TO ? [`--persist-to=${process.env.PERSIST_TO}`] : [];
execFileSync("wrangler", ["d1", "execute", "DB", "--local", ...persist, `--file=${file}`], { stdio: ["ignore", "ignore", "inherit"] });
console.log(`Demo data loaded: ${demoUsers.length} sign-ins, password from DEMO_PASSWORD (default "demo-password").`);
