// A retraction takes everything down: the page answers 410, the article's images are deleted from
// the portal, nothing that a retraction can remove is cached for more than a minute, and a
// correction that drops an image takes that image off the portal. Republishing brings images back.
import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { retract } from "../src/portal/publish";
import { call, json, tokenFor, USERS } from "./helpers/api";
import { approveAndPublish, publishedReport } from "./helpers/publish";
import { d1Report, ok, submit } from "./helpers/review";

const FEEDS = ["/portal/feed.xml", "/portal/atom.xml", "/portal/feed.json"];

async function imagesOf(url: string): Promise<string[]> {
  const res = await call(url);
  expect(res.status, url).toBe(200);
  return [...(await res.text()).matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]!);
}

/** Cache-Control that lets a retraction reach every reader within a minute. */
function expectShortCache(res: Response, what: string) {
  const cc = res.headers.get("cache-control") ?? "";
  expect(cc, what).not.toMatch(/immutable/i);
  const ages = [...cc.matchAll(/(?:^|[\s,])(?:s-)?max-age=(\d+)/gi)].map((m) => Number(m[1]));
  expect(ages.length, `${what}: ${cc}`).toBeGreaterThan(0);
  for (const age of ages) expect(age, `${what}: ${cc}`).toBeLessThanOrEqual(60);
}

const portalImageKeys = async (id: string) => (await env.BUCKET.list({ prefix: `portal/anh/${id}/` })).objects.map((o) => o.key);

async function unpublish(id: string, url: string) {
  await ok(await call(`/api/v1/reports/${id}/unpublish`, { token: await tokenFor(USERS.director), json: { reason: "Ảnh trong bài chưa được phép đăng" } }));
  // The DO retracts in the same request; a retry from its alarm is polled for briefly.
  for (let i = 0; i < 40 && (await call(url)).status !== 410; i++) await new Promise((r) => setTimeout(r, 50));
  expect((await call(url)).status).toBe(410);
}

/** The author edits the report (published or unpublished: a correction) and submits it again. */
async function correct(id: string, edit: (author: string) => Promise<void>) {
  const author = await tokenFor(USERS.quan6);
  await edit(author);
  const report = await json(await call(`/api/v1/reports/${id}`, { token: author }));
  const patched = await call(`/api/v1/reports/${id}`, {
    method: "PATCH",
    token: author,
    headers: { "if-match": `"${report.version}"` },
    json: { body: `${report.body}\n\nĐã hiệu chỉnh ${crypto.randomUUID()}.`, correctionNote: "Bổ sung nội dung đã hiệu chỉnh." },
  });
  expect(patched.status, await patched.clone().text()).toBe(200);
  await ok(await submit(author, id));
}

async function expectRemoved(src: string) {
  const res = await call(src);
  expect([404, 410], src).toContain(res.status);
  expect(res.headers.get("content-type") ?? "", src).not.toMatch(/^image\//);
  expectShortCache(res, src);
}

describe("retraction takes the images down too", () => {
  it("unpublishing: both image URLs answer 404/410 and are gone from R2; page, images and feeds are cached for 60 s at most", async () => {
    const { id, url } = await publishedReport({ title: "Bài có hai ảnh sẽ bị gỡ" }, { captions: ["Ảnh thứ nhất", "Ảnh thứ hai"] });
    const images = await imagesOf(url!);
    expect(images).toHaveLength(2);
    for (const path of [url!, ...images, "/portal/", ...FEEDS]) {
      const res = await call(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("etag"), path).toBeTruthy();
      expectShortCache(res, path);
    }
    // Each 1×1 image: its original and one WebP variant (no variant is wider than the original).
    expect(await portalImageKeys(id)).toHaveLength(4);

    await unpublish(id, url!);
    const gone = await call(url!);
    expect(gone.status).toBe(410);
    expectShortCache(gone, url!);
    for (const src of images) await expectRemoved(src);
    expect(await portalImageKeys(id)).toEqual([]);
    // The originals stay private under uploads/ (a correction may bring them back).
    expect((await env.BUCKET.list({ prefix: `uploads/${id}/` })).objects).toHaveLength(2);
  });

  it("retract() is idempotent: run again it changes nothing and fails on nothing", async () => {
    const { id, url } = await publishedReport({ title: "Gỡ bài chạy lại" }, { captions: ["Ảnh gỡ chạy lại"] });
    const [src] = await imagesOf(url!);
    await unpublish(id, url!);
    const entry = await env.DB.prepare("SELECT retracted_at, retraction_note FROM portal_entries WHERE report_id = ?").bind(id).first<{ retracted_at: string; retraction_note: string }>();
    const pageKey = `portal/${url!.replace(/^\/portal\//, "")}index.html`;
    const before = (await env.BUCKET.head(pageKey))?.etag;
    for (let i = 0; i < 2; i++) await retract(env.BUCKET, env.DB, env.PORTAL_BASE_URL, id, entry!.retraction_note, entry!.retracted_at);
    expect((await call(url!)).status).toBe(410);
    await expectRemoved(src!);
    expect((await env.BUCKET.head(pageKey))?.etag).toBe(before);
  });

  it("a correction that drops image B: after republication B answers 404/410, A still 200", async () => {
    const { id, url } = await publishedReport({ title: "Hiệu chỉnh bỏ một ảnh" }, { captions: ["Ảnh A giữ lại", "Ảnh B bỏ đi"] });
    const [a, b] = await imagesOf(url!);
    const author = await tokenFor(USERS.quan6);
    const list = await json(await call(`/api/v1/reports/${id}/attachments`, { token: author }));
    const items: { id: string; caption: string }[] = list.items ?? list;
    const dropped = items.find((x) => x.caption === "Ảnh B bỏ đi")!;
    expect(b).toContain(dropped.id);

    await correct(id, async (token) => {
      const res = await call(`/api/v1/reports/${id}/attachments/${dropped.id}`, { method: "DELETE", token });
      expect(res.status, await res.clone().text()).toBeLessThan(300);
    });
    // While the correction is in review the published page and both its images stay up.
    expect((await call(b!)).status).toBe(200);
    expect((await approveAndPublish(id, 2)).url).toBe(url);
    expect(await d1Report(id)).toMatchObject({ status: "published", revision: 2 });

    expect(await imagesOf(url!)).toEqual([a]);
    expect((await call(a!)).status).toBe(200);
    await expectRemoved(b!);
    // A's original and its variant.
    expect(await portalImageKeys(id)).toHaveLength(2);

    // Publishing revision 2 again (a retried instance) keeps it that way.
    const rerun = await introspectWorkflowInstance(env.PUBLISH, `${id}-r2-rerun`);
    await env.PUBLISH.create({ id: `${id}-r2-rerun`, params: { reportId: id, revision: 2 } });
    await rerun.waitForStatus("complete");
    await rerun.dispose();
    expect((await call(a!)).status).toBe(200);
    await expectRemoved(b!);
  }, 60_000);

  it("unpublished, then corrected and approved again: the page and its images come back", async () => {
    const { id, url } = await publishedReport({ title: "Gỡ rồi đăng lại" }, { captions: ["Ảnh một đăng lại", "Ảnh hai đăng lại"] });
    const images = await imagesOf(url!);
    await unpublish(id, url!);
    for (const src of images) await expectRemoved(src);

    await correct(id, async () => {});
    expect((await approveAndPublish(id, 2)).url).toBe(url);
    expect(await d1Report(id)).toMatchObject({ status: "published", revision: 2 });
    expect(await imagesOf(url!)).toEqual(images);
    for (const src of images) {
      const res = await call(src);
      expect(res.status, src).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/webp");
      expectShortCache(res, src);
    }

    // A retraction retried after the republication (stale) does not take the new revision down.
    const old = await env.DB.prepare("SELECT first_published_at FROM portal_entries WHERE report_id = ?").bind(id).first<{ first_published_at: string }>();
    await retract(env.BUCKET, env.DB, env.PORTAL_BASE_URL, id, "Lần gỡ cũ chạy lại", old!.first_published_at);
    expect((await call(url!)).status).toBe(200);
    for (const src of images) expect((await call(src)).status, src).toBe(200);
    expect((await call("/portal/")).status).toBe(200);
    expect(await (await call("/portal/")).text()).toContain(url!);
  }, 60_000);
});
