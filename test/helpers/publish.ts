import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { publishInstanceId } from "../../src/flow/effects";
import { call, createReport, tokenFor, USERS } from "./api";
import { decide, ok, submit } from "./review";

export const PNG = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));

type Modify = Parameters<Awaited<ReturnType<typeof introspectWorkflowInstance>>["modify"]>[0];

/** A Quận 6 report taken through the whole chain; returns it when its PUBLISH instance is done. */
export async function publishedReport(overrides: Record<string, unknown> = {}, opts: { captions?: string[]; modify?: Modify; expect?: "complete" | "errored" } = {}) {
  const author = await tokenFor(USERS.quan6);
  const r = await createReport(author, { kind: "news", ...overrides });
  for (const caption of opts.captions ?? []) {
    const form = new FormData();
    form.set("file", new File([PNG], "anh.png", { type: "image/png" }));
    form.set("caption", caption);
    expect((await call(`/api/v1/reports/${r.id}/attachments`, { token: author, body: form })).status).toBe(201);
  }
  await ok(await submit(author, r.id));
  return approveAndPublish(r.id, 1, opts);
}

/** Takes a report in review at its first stage through the default chain and waits for PUBLISH. */
export async function approveAndPublish(id: string, revision: number, opts: { modify?: Modify; expect?: "complete" | "errored" } = {}) {
  await ok(await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist" }));
  await ok(await decide(await tokenFor(USERS.deputy), id, { action: "approve", stage: "deputy_head" }));
  const instance = await introspectWorkflowInstance(env.PUBLISH, publishInstanceId(id, revision));
  if (opts.modify) await instance.modify(opts.modify);
  await ok(await decide(await tokenFor(USERS.director), id, { action: "approve", stage: "director" }));
  await instance.waitForStatus(opts.expect ?? "complete");
  const output = opts.expect === "errored" ? null : ((await instance.getOutput()) as { publishedUrl: string });
  await instance.dispose();
  return { id, url: output?.publishedUrl ?? null };
}
