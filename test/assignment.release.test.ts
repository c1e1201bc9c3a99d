// Issue 13 point 2 with assignment: an admin change that leaves an assignee unable to decide the
// stage given to them (deactivated, role taken away, moved out of the centre) hands the stage back
// to its other holders in the same step, so nothing waits for someone who cannot act.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEMO_UNITS } from "../src/seed/demo-data";
import { call, createReport, json, tokenFor, USERS } from "./helpers/api";
import { decide, ok, submit } from "./helpers/review";

const d1Report = (id: string) =>
  env.DB.prepare("SELECT assignee_id, assignee_name, version FROM reports WHERE id = ?").bind(id).first<{ assignee_id: string | null; assignee_name: string | null; version: number }>().then((r) => r!);

const GDTX_COVERS = [DEMO_UNITS.quan6, DEMO_UNITS.tanPhu, DEMO_UNITS.leQuyDon, DEMO_UNITS.caoDangKinhTe];
const PASSWORD = "Mật-khẩu-đủ-dài-2024";

let ip = 0;
async function signIn(email: string): Promise<string> {
  const res = await call("/api/v1/auth/login", { json: { email, password: PASSWORD }, headers: { "cf-connecting-ip": `10.78.${++ip}.1` } });
  return (await ok(res)).token;
}

/** A second specialist covering the GDTX centres (so a Quận 6 report's first stage has two holders). */
async function secondSpecialist(): Promise<{ id: string; token: string }> {
  const email = `cv-${crypto.randomUUID().slice(0, 8)}@sogd.example`;
  const res = await call("/api/v1/users", {
    token: await tokenFor(USERS.admin),
    json: { email, name: "Phạm Thu Hà", unitId: DEMO_UNITS.gdtx, password: PASSWORD, grants: [{ role: "specialist", unitIds: GDTX_COVERS }] },
  });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  const { id } = JSON.parse(text) as { id: string };
  return { id, token: await signIn(email) };
}

async function claimedBy(who: { id: string; token: string }): Promise<string> {
  const author = await tokenFor(USERS.quan6);
  const report = await createReport(author);
  await ok(await submit(author, report.id));
  const view = await ok(await call(`/api/v1/reports/${report.id}/assignee`, { token: who.token, json: { userId: who.id } }));
  expect(view.assignee?.userId).toBe(who.id);
  return report.id;
}

async function lastEvent(id: string) {
  const history = await json(await call(`/api/v1/reports/${id}/history`, { token: await tokenFor(USERS.admin) }));
  return history.items.at(-1);
}

describe("assignments an admin change leaves undecidable go back to the stage's holders", () => {
  it("deactivating the assignee hands the stage back; the other specialist decides it", async () => {
    const ha = await secondSpecialist();
    const id = await claimedBy(ha);
    // The demo specialist may not decide a stage given to someone else.
    const refused = await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist" });
    expect(refused.status).toBe(403);
    const off = await call(`/api/v1/users/${ha.id}/deactivate`, { method: "POST", token: await tokenFor(USERS.admin) });
    expect(off.status, await off.clone().text()).toBe(200);
    expect((await d1Report(id)).assignee_id).toBeNull();
    expect(await lastEvent(id)).toMatchObject({ action: "assign", actor: null, comment: "released", assignee: null });
    await ok(await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist" }));
  });

  it("taking the specialist role away hands back only what it covered; a report of a unit still covered stays assigned", async () => {
    const ha = await secondSpecialist();
    const id = await claimedBy(ha);
    // Still a specialist, but of other units only: the Quận 6 report goes back.
    const regrant = await call(`/api/v1/users/${ha.id}/grants`, {
      method: "PUT",
      token: await tokenFor(USERS.admin),
      json: { grants: [{ role: "specialist", unitIds: [DEMO_UNITS.tanPhu] }] },
    });
    expect(regrant.status, await regrant.clone().text()).toBe(200);
    expect((await d1Report(id)).assignee_id).toBeNull();
    // A second claim by the same person, now without coverage, is refused with the reason.
    const again = await call(`/api/v1/reports/${id}/assignee`, { token: await tokenFor(USERS.specialist), json: { userId: ha.id } });
    expect(again.status).toBe(422);
    expect((await json(again)).errors[0]).toMatchObject({ path: "userId" });
  });

  it("a change that keeps the assignee able to decide leaves the assignment alone", async () => {
    const ha = await secondSpecialist();
    const id = await claimedBy(ha);
    const before = await d1Report(id);
    const regrant = await call(`/api/v1/users/${ha.id}/grants`, {
      method: "PUT",
      token: await tokenFor(USERS.admin),
      json: { grants: [{ role: "specialist", unitIds: [...GDTX_COVERS, DEMO_UNITS.department] }] },
    });
    expect(regrant.status, await regrant.clone().text()).toBe(200);
    const after = await d1Report(id);
    expect(after.assignee_id).toBe(ha.id);
    expect(after.version).toBe(before.version);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM report_events WHERE report_id = ? AND action = 'assign'").bind(id).first<{ n: number }>();
    expect(rows?.n).toBe(1);
  });
});
