// The inbox of someone who holds a role in their own name and also signs for another holder of it
// over overlapping units: each report once, pages full, and the next-page cursor kept (review
// finding: the walks met the same reports twice and the page came up short, without a cursor).
import { describe, expect, it } from "vitest";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { call, createReport, json, tokenFor, USERS } from "./helpers/api";
import { ok, submit } from "./helpers/review";

const PASSWORD = "Mật-khẩu-đủ-dài-2024";

describe("an inbox over an own grant and a delegated one that overlap", () => {
  it("pages one report at a time through every waiting report, each once", async () => {
    // A second specialist over the whole department, who delegates the role to the demo specialist
    // (whose own grant covers the GDTX centres, Quận 6 among them).
    const email = `cv-toan-so-${crypto.randomUUID().slice(0, 6)}@sogd.example`;
    const created = await call("/api/v1/users", {
      token: await tokenFor(USERS.admin),
      json: { email, name: "Đỗ Thị Toàn", unitId: DEMO_UNITS.gdtx, password: PASSWORD, grants: [{ role: "specialist", unitIds: [DEMO_UNITS.department] }] },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const whole = await ok(await call("/api/v1/auth/login", { json: { email, password: PASSWORD }, headers: { "cf-connecting-ip": "10.91.0.1" } }));
    const me = await json(await call("/api/v1/me", { token: await tokenFor(USERS.specialist) }));
    const d = await call("/api/v1/delegations", { token: whole.token, json: { toUserId: me.id, role: "specialist", endsAt: new Date(Date.now() + 7 * 86_400_000).toISOString() } });
    expect(d.status, await d.clone().text()).toBe(201);

    const author = await tokenFor(USERS.quan6);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await createReport(author, { kind: "news", title: `Hộp thư chồng phạm vi ${i}` });
      await ok(await submit(author, r.id));
      ids.push(r.id);
    }
    const token = await tokenFor(USERS.specialist);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 50; page++) {
      const body: { items: { id: string }[]; nextCursor: string | null } = await ok(
        await call(`/api/v1/inbox?limit=1&scope=all${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { token }),
      );
      expect(body.items.length).toBeLessThanOrEqual(1);
      seen.push(...body.items.map((x) => x.id));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ids) expect(seen).toContain(id);
  });
});
