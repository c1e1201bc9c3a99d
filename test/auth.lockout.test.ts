// Sign-in lock-outs under concurrency: every attempt is counted before its password is verified,
// so a burst of parallel guesses gets no more verifications than the limit allows.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { THROTTLE } from "../src/queries/login-throttle";
import { call, expectProblem, USERS } from "./helpers/api";
import { DEMO_PASSWORD } from "./helpers/seed";

let accounts = 0;

/** A fresh account with the demo password (a copy of an author), so each test has its own count. */
async function account(): Promise<string> {
  const email = `lockout${++accounts}-${crypto.randomUUID().slice(0, 6)}@trungtam.example`;
  await env.DB.prepare(
    `INSERT INTO users (id, email, name, title, unit_id, password_hash, active, email_opt_out, created_at, updated_at)
     SELECT ?, ?, name, title, unit_id, password_hash, 1, email_opt_out, created_at, updated_at FROM users WHERE email = ?`,
  )
    .bind(crypto.randomUUID(), email, USERS.quan6)
    .run();
  return email;
}

const login = (email: string, password: string, headers: Record<string, string> = {}) => call("/api/v1/auth/login", { json: { email, password }, headers });

const fromIp = (ip: string) => ({ "cf-connecting-ip": ip });

const statuses = (responses: Response[]) => {
  const out: Record<number, number> = {};
  for (const r of responses) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
};

const throttleRow = (key: string) =>
  env.DB.prepare("SELECT failures, window_start, locked_until FROM login_throttle WHERE key = ?").bind(key).first<{ failures: number; window_start: string; locked_until: string | null }>();

/** Moves a key's window and lock into the past, as if the 15 minutes had gone by. */
const expire = (key: string) =>
  env.DB.prepare("UPDATE login_throttle SET window_start = ?, locked_until = CASE WHEN locked_until IS NULL THEN NULL ELSE ? END WHERE key = ?")
    .bind(new Date(Date.now() - (THROTTLE.windowMinutes + 1) * 60_000).toISOString(), new Date(Date.now() - 1000).toISOString(), key)
    .run();

describe("sign-in lock-out under concurrency", () => {
  it("50 parallel wrong passwords for one account: only the limit is verified (401), the rest are refused (429 with Retry-After)", async () => {
    const email = await account();
    const all = await Promise.all(Array.from({ length: 50 }, (_, i) => login(email, `wrong-${i}`, fromIp(`203.0.113.${i + 1}`))));
    expect(statuses(all)).toEqual({ 401: THROTTLE.accountLimit, 429: 50 - THROTTLE.accountLimit });
    for (const r of all.filter((r) => r.status === 429)) {
      const retryAfter = Number(r.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(THROTTLE.lockMinutes * 60);
    }
    // And the account stays locked for the right password.
    await expectProblem(await login(email, DEMO_PASSWORD, fromIp("203.0.113.200")), 429, "too-many-requests");
  });

  it("50 parallel wrong passwords from one client against many accounts: at most the client's limit are verified", async () => {
    const ip = "198.51.100.150";
    const all = await Promise.all(Array.from({ length: 50 }, (_, i) => login(`nobody${i}@trungtam.example`, "wrong-password", fromIp(ip))));
    expect(statuses(all)).toEqual({ 401: THROTTLE.clientLimit, 429: 50 - THROTTLE.clientLimit });
    await expectProblem(await login(USERS.quan6, DEMO_PASSWORD, fromIp(ip)), 429, "too-many-requests");
  });

  it("the right password inside a burst of wrong ones signs in only if it is counted within the limit", async () => {
    const email = await account();
    const wrong = Array.from({ length: 29 }, (_, i) => login(email, `wrong-${i}`, fromIp(`192.0.2.${i + 1}`)));
    const right = login(email, DEMO_PASSWORD, fromIp("192.0.2.100"));
    const all = await Promise.all([...wrong, right]);
    const counts = statuses(all);
    // Verified attempts (401 or 200) never exceed the account's limit, however the burst interleaves.
    expect((counts[401] ?? 0) + (counts[200] ?? 0)).toBeLessThanOrEqual(THROTTLE.accountLimit);
    expect(counts[429]).toBeGreaterThanOrEqual(29 + 1 - THROTTLE.accountLimit);
  });

  it("a right password sent once the burst has reached the limit does not sign in, while the wrong ones are still being verified", async () => {
    const email = await account();
    const wrong = Promise.all(Array.from({ length: 29 }, (_, i) => login(email, `wrong-${i}`, fromIp(`192.0.2.${i + 101}`))));
    // Wait until the burst's attempts have been counted: the count comes first, the slow hash after.
    let counted = 0;
    for (let i = 0; i < 200 && counted < THROTTLE.accountLimit; i++) {
      counted = (await throttleRow(`account:${email}`))?.failures ?? 0;
      if (counted < THROTTLE.accountLimit) await new Promise((r) => setTimeout(r, 5));
    }
    const right = await login(email, DEMO_PASSWORD, fromIp("192.0.2.250"));
    await expectProblem(right, 429, "too-many-requests");
    const counts = statuses(await wrong);
    expect(counts[401]).toBeLessThanOrEqual(THROTTLE.accountLimit);
  });

  it("without CF-Connecting-IP, clients are not put in one shared bucket: only the account is counted", async () => {
    const clientKeys = async () => (await env.DB.prepare("SELECT count(*) AS n FROM login_throttle WHERE key LIKE 'client:%'").first<{ n: number }>())!.n;
    const before = await clientKeys();
    // More failures than the client limit, each against its own account, none with the header.
    for (let i = 0; i < THROTTLE.clientLimit + 5; i++) {
      expect((await login(`anonymous${i}@trungtam.example`, "wrong-password")).status).toBe(401);
    }
    // Another client without the header is not locked with them.
    const email = await account();
    const res = await login(email, DEMO_PASSWORD);
    expect(res.status, await res.clone().text()).toBe(200);
    // Nothing was counted under a shared client key.
    expect(await clientKeys()).toBe(before);
    // But each account is still counted without the header.
    const victim = await account();
    for (let i = 0; i < THROTTLE.accountLimit; i++) expect((await login(victim, "wrong-password")).status).toBe(401);
    await expectProblem(await login(victim, DEMO_PASSWORD), 429, "too-many-requests");
  });

  it("only CF-Connecting-IP names the client: X-Forwarded-For and X-Real-IP neither split nor join clients", async () => {
    const ip = "198.51.100.77";
    const all = [];
    for (let i = 0; i < THROTTLE.clientLimit; i++) {
      // A different forwarded address each time: the client is still the one behind CF-Connecting-IP.
      all.push(await login(`spoof${i}@trungtam.example`, "wrong-password", { ...fromIp(ip), "x-forwarded-for": `10.200.0.${i}`, "x-real-ip": `10.201.0.${i}` }));
    }
    expect(statuses(all)).toEqual({ 401: THROTTLE.clientLimit });
    await expectProblem(await login(await account(), DEMO_PASSWORD, { ...fromIp(ip), "x-forwarded-for": "10.200.9.9" }), 429, "too-many-requests");

    // Without CF-Connecting-IP, one shared forwarded address does not lock anyone together.
    for (let i = 0; i < THROTTLE.clientLimit + 1; i++) {
      expect((await login(`forwarded${i}@trungtam.example`, "wrong-password", { "x-forwarded-for": "10.202.0.1" })).status).toBe(401);
    }
    expect((await login(await account(), DEMO_PASSWORD, { "x-forwarded-for": "10.202.0.1" })).status).toBe(200);
  });

  it("successful sign-ins give back the client's attempt: an office behind one address is not locked by them", async () => {
    const ip = "198.51.100.200";
    const people = await Promise.all(Array.from({ length: THROTTLE.clientLimit + 5 }, () => account()));
    for (const email of people) expect((await login(email, DEMO_PASSWORD, fromIp(ip))).status).toBe(200);
    const client = await throttleRow(`client:${ip}`);
    expect(client?.failures ?? 0).toBe(0);
    // A few typos in the office still count, and a sign-in clears the account's own count.
    const typo = people[0]!;
    for (let i = 0; i < THROTTLE.accountLimit - 1; i++) expect((await login(typo, "typo", fromIp(ip))).status).toBe(401);
    expect((await throttleRow(`account:${typo}`))?.failures).toBe(THROTTLE.accountLimit - 1);
    expect((await login(typo, DEMO_PASSWORD, fromIp(ip))).status).toBe(200);
    expect(await throttleRow(`account:${typo}`)).toBeNull();
    expect((await throttleRow(`client:${ip}`))?.failures).toBe(THROTTLE.accountLimit - 1);
  });

  it("an attempt refused because of one key is not counted against the other", async () => {
    // A locked account: the office that keeps trying it is not pushed towards its own lock.
    const email = await account();
    for (let i = 0; i < THROTTLE.accountLimit; i++) expect((await login(email, "wrong-password", fromIp(`203.0.113.${70 + i}`))).status).toBe(401);
    const office = "198.51.100.180";
    const retries = await Promise.all(Array.from({ length: THROTTLE.clientLimit + 5 }, () => login(email, DEMO_PASSWORD, fromIp(office))));
    expect(statuses(retries)).toEqual({ 429: THROTTLE.clientLimit + 5 });
    expect((await throttleRow(`client:${office}`))?.failures ?? 0).toBe(0);
    expect((await login(await account(), DEMO_PASSWORD, fromIp(office))).status).toBe(200);

    // A locked client: its further guesses do not count against the accounts it names.
    const guesser = "198.51.100.181";
    for (let i = 0; i < THROTTLE.clientLimit; i++) expect((await login(`target${i}@trungtam.example`, "wrong-password", fromIp(guesser))).status).toBe(401);
    const target = await account();
    const guesses = await Promise.all(Array.from({ length: 10 }, (_, i) => login(target, `guess-${i}`, fromIp(guesser))));
    expect(statuses(guesses)).toEqual({ 429: 10 });
    expect(await throttleRow(`account:${target}`)).toBeNull();
    expect((await login(target, DEMO_PASSWORD, fromIp("198.51.100.182"))).status).toBe(200);
  });

  it("the lock ends after the window, and the count starts afresh", async () => {
    const email = await account();
    for (let i = 0; i < THROTTLE.accountLimit; i++) expect((await login(email, "wrong-password", fromIp(`203.0.113.${50 + i}`))).status).toBe(401);
    await expectProblem(await login(email, DEMO_PASSWORD, fromIp("203.0.113.60")), 429, "too-many-requests");
    const locked = await throttleRow(`account:${email}`);
    expect(Date.parse(locked!.locked_until!)).toBeGreaterThan(Date.now() + (THROTTLE.lockMinutes - 1) * 60_000);

    await expire(`account:${email}`);
    // A wrong password after the lock is verified again and counted as the first of a new window.
    expect((await login(email, "wrong-password", fromIp("203.0.113.61"))).status).toBe(401);
    const fresh = await throttleRow(`account:${email}`);
    expect(fresh).toMatchObject({ failures: 1, locked_until: null });
    expect((await login(email, DEMO_PASSWORD, fromIp("203.0.113.62"))).status).toBe(200);
  });

  it("a client's lock ends after the window too", async () => {
    const ip = "198.51.100.99";
    for (let i = 0; i < THROTTLE.clientLimit; i++) expect((await login(`window${i}@trungtam.example`, "wrong-password", fromIp(ip))).status).toBe(401);
    const email = await account();
    await expectProblem(await login(email, DEMO_PASSWORD, fromIp(ip)), 429, "too-many-requests");
    await expire(`client:${ip}`);
    expect((await login(email, DEMO_PASSWORD, fromIp(ip))).status).toBe(200);
  });

  it("the web sign-in shares the same count: refused without verifying once the account is locked", async () => {
    const email = await account();
    const web = (password: string, ip: string) =>
      call("/app/login", { body: new URLSearchParams({ email, password, next: "/app" }), headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": ip } });
    const all = await Promise.all(Array.from({ length: 20 }, (_, i) => web(`wrong-${i}`, `203.0.113.${120 + i}`)));
    expect(statuses(all)).toEqual({ 401: THROTTLE.accountLimit, 429: 20 - THROTTLE.accountLimit });
    const locked = await web(DEMO_PASSWORD, "203.0.113.180");
    expect(locked.status).toBe(429);
    expect(await locked.text()).toContain("Đăng nhập sai quá nhiều lần");
  });
});
