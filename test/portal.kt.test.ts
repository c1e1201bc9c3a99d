// The portal's approval stamp for decisions made under a delegation (DESIGN.md section 13): an
// approval signed for the holder of the stage's role prints "<stage>: KT. <role label> <name>,
// dd/mm/yyyy HH:mm"; one in the approver's own name prints the name alone. Delegations and
// absences are made through the API; the page is the one the real PUBLISH workflow writes.
import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ROLE_LABELS, signedFor } from "../src/domain/roles";
import { viDateTime } from "../src/domain/vi-format";
import { publishInstanceId } from "../src/flow/effects";
import { DEMO_UNITS, demoUsers } from "../src/seed/demo-data";
import { call, createReport, tokenFor, USERS } from "./helpers/api";
import { decide, ok, submit } from "./helpers/review";

const PASSWORD = "Mật-khẩu-đủ-dài-2024";
const DAY = 86_400_000;
const name = (email: string) => demoUsers.find((u) => u.email === email)!.name;

type Person = { id: string; name: string; token: string };
/** A specialist of another division: no holder of any stage of a Quận 6 report in their own right. */
let tu: Person;

beforeAll(async () => {
  const email = `kt-${crypto.randomUUID().slice(0, 8)}@sogd.example`;
  const res = await call("/api/v1/users", {
    token: await tokenFor(USERS.admin),
    json: { email, name: "Lâm Văn Tú", unitId: DEMO_UNITS.trungHoc, password: PASSWORD, grants: [{ role: "specialist", unitIds: [DEMO_UNITS.minhKhai] }] },
  });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  const login = await ok(await call("/api/v1/auth/login", { json: { email, password: PASSWORD }, headers: { "cf-connecting-ip": "10.85.1.1" } }));
  tu = { id: JSON.parse(text).id, name: "Lâm Văn Tú", token: login.token };
});

const iso = (ms: number) => new Date(Date.now() + ms).toISOString();

/** Takes a Quận 6 news report through the chain, each stage decided by the token given; the published page's HTML. */
async function publishWith(title: string, deciders: { specialist: string; deputy_head: string; director: string }): Promise<{ id: string; html: string }> {
  const author = await tokenFor(USERS.quan6);
  const r = await createReport(author, { kind: "news", title });
  await ok(await submit(author, r.id));
  await ok(await decide(deciders.specialist, r.id, { action: "approve", stage: "specialist" }));
  await ok(await decide(deciders.deputy_head, r.id, { action: "approve", stage: "deputy_head" }));
  const instance = await introspectWorkflowInstance(env.PUBLISH, publishInstanceId(r.id, 1));
  await ok(await decide(deciders.director, r.id, { action: "approve", stage: "director" }));
  await instance.waitForStatus("complete");
  const { publishedUrl } = (await instance.getOutput()) as { publishedUrl: string };
  await instance.dispose();
  const page = await call(publishedUrl);
  expect(page.status).toBe(200);
  return { id: r.id, html: await page.text() };
}

/** When the stage was approved, as D1's event says (the time the stamp prints). */
async function approvedAt(id: string, stage: string): Promise<string> {
  const row = await env.DB.prepare("SELECT created_at FROM report_events WHERE report_id = ? AND action = 'approve' AND stage = ?").bind(id, stage).first<{ created_at: string }>();
  return row!.created_at;
}

/** The stamp's line for a stage, as the page prints it. */
const stampLine = (label: string, who: string, at: string) => `${label}: ${who}, <time datetime="${at}">${viDateTime(at)}</time>`;

describe("the portal stamp of an approval made under a delegation", () => {
  it("the director away, Tú signs their stage: 'Trưởng phòng: KT. Trưởng phòng Lâm Văn Tú, dd/mm/yyyy HH:mm'", async () => {
    const director = await tokenFor(USERS.director);
    await ok(await call("/api/v1/me/absence", { method: "PUT", token: director, json: { until: iso(7 * DAY), substituteId: tu.id } }));
    try {
      const { id, html } = await publishWith("Bài ký thay Trưởng phòng", {
        specialist: await tokenFor(USERS.specialist),
        deputy_head: await tokenFor(USERS.deputy),
        director: tu.token,
      });
      const at = await approvedAt(id, "director");
      expect(html).toContain(stampLine(ROLE_LABELS.director, `${signedFor("director")} ${tu.name}`, at));
      expect(html).toContain(`Trưởng phòng: KT. Trưởng phòng Lâm Văn Tú, <time datetime="${at}">`);
      expect(viDateTime(at)).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
      // The stages decided in their holders' own names carry no "KT.".
      expect(html).toContain(stampLine("Chuyên viên", name(USERS.specialist), await approvedAt(id, "specialist")));
      expect(html).toContain(stampLine("Phó Trưởng phòng", name(USERS.deputy), await approvedAt(id, "deputy_head")));
      expect(html.match(/KT\./g)).toHaveLength(1);
    } finally {
      await ok(await call("/api/v1/me/absence", { method: "DELETE", token: director }));
    }
  });

  it("a deputy head's delegation (POST /api/v1/delegations): 'Phó Trưởng phòng: KT. Phó Trưởng phòng Lâm Văn Tú'", async () => {
    const deputy = await tokenFor(USERS.deputy);
    const res = await call("/api/v1/delegations", { token: deputy, json: { toUserId: tu.id, role: "deputy_head", endsAt: iso(2 * DAY) } });
    const text = await res.text();
    expect(res.status, text).toBe(201);
    const delegation = JSON.parse(text);
    try {
      const { id, html } = await publishWith("Bài ký thay Phó Trưởng phòng", {
        specialist: await tokenFor(USERS.specialist),
        deputy_head: tu.token,
        director: await tokenFor(USERS.director),
      });
      expect(html).toContain(stampLine("Phó Trưởng phòng", `KT. ${ROLE_LABELS.deputy_head} ${tu.name}`, await approvedAt(id, "deputy_head")));
      expect(html).toContain(stampLine("Trưởng phòng", name(USERS.director), await approvedAt(id, "director")));
      expect(html.match(/KT\./g)).toHaveLength(1);
    } finally {
      await ok(await call(`/api/v1/delegations/${delegation.id}`, { method: "DELETE", token: deputy }));
    }
  });

  it("every stage decided in its holder's own name: no 'KT.' on the page", async () => {
    const { html } = await publishWith("Bài chính danh", {
      specialist: await tokenFor(USERS.specialist),
      deputy_head: await tokenFor(USERS.deputy),
      director: await tokenFor(USERS.director),
    });
    expect(html).toContain(`Trưởng phòng: ${name(USERS.director)}, <time`);
    expect(html).not.toContain("KT.");
  });
});
