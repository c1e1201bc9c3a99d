import { env } from "cloudflare:workers";
import { hashPassword } from "../../src/domain/password";
import { demoSeedSql, demoUsers } from "../../src/seed/demo-data";

export const DEMO_PASSWORD = "demo-password";

let hash: string | undefined;

/** Loads the same demo data as `npm start` (one hash for all users keeps setup fast). */
export async function seedDemo(): Promise<void> {
  const exists = await env.DB.prepare("SELECT count(*) AS n FROM users").first<{ n: number }>();
  if (exists && exists.n >= demoUsers.length) return;
  hash ??= await hashPassword(DEMO_PASSWORD);
  const statements = demoSeedSql(() => hash!, new Date().toISOString());
  await env.DB.batch(statements.map((s) => env.DB.prepare(s)));
}
