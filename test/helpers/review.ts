import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { call, createReport, json, tokenFor, USERS } from "./api";

export const submit = (token: string, id: string, headers: Record<string, string> = {}) =>
  call(`/api/v1/reports/${id}/submit`, { method: "POST", token, headers });

export const decide = (token: string, id: string, body: { action: "approve" | "return"; stage: string; comment?: string }, headers: Record<string, string> = {}) =>
  call(`/api/v1/reports/${id}/decisions`, { token, json: body, headers });

export async function ok(res: Response): Promise<any> {
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text);
}

/** A Quận 6 report already submitted (in review at the specialist stage). */
export async function submittedReport(overrides: Record<string, unknown> = {}): Promise<string> {
  const author = await tokenFor(USERS.quan6);
  const r = await createReport(author, overrides);
  await ok(await submit(author, r.id));
  return r.id;
}

export async function approveAll(id: string, stages: [keyof typeof USERS, string][]): Promise<any> {
  let last;
  for (const [who, stage] of stages) last = await ok(await decide(await tokenFor(USERS[who]), id, { action: "approve", stage }));
  return last;
}

export const DEFAULT_CHAIN: [keyof typeof USERS, string][] = [
  ["specialist", "specialist"],
  ["deputy", "deputy_head"],
  ["director", "director"],
];

export const flowStub = (id: string) => env.REPORT_FLOW.get(env.REPORT_FLOW.idFromName(id));

export async function d1Report(id: string) {
  return env.DB.prepare("SELECT status, stage, stage_role, version, revision, stage_due_at FROM reports WHERE id = ?").bind(id).first<any>();
}

export async function d1Events(id: string) {
  const { results } = await env.DB.prepare("SELECT id, seq, action, actor_id, stage, to_status, revision, comment FROM report_events WHERE report_id = ? AND seq > 0 ORDER BY seq").bind(id).all<any>();
  return results;
}

export { json };
