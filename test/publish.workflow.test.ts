import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { keyOf } from "../src/portal/paths";
import { call, createReport, tokenFor, USERS } from "./helpers/api";
import { approveAndPublish, PNG, publishedReport } from "./helpers/publish";
import { d1Report, flowStub, ok, submit } from "./helpers/review";

const keyOfUrl = (url: string) => keyOf(url.replace(/^\/portal\//, ""));

describe("PUBLISH workflow", () => {
  it("a step that fails is retried and the publication completes", async () => {
    const { id, url } = await publishedReport(
      { title: "Bước ghi trang lỗi một lần" },
      { modify: async (m) => { await m.disableRetryDelays(); await m.mockStepError({ name: "write page" }, new Error("R2 tạm thời lỗi"), 1); } },
    );
    expect((await call(url!)).status).toBe(200);
    expect((await d1Report(id)).status).toBe("published");
  });

  it("R2 failing while images are copied: retried, then every image is on the portal", async () => {
    const { url } = await publishedReport(
      { title: "Sao chép ảnh lỗi" },
      { captions: ["Ảnh một", "Ảnh hai"], modify: async (m) => { await m.disableRetryDelays(); await m.mockStepError({ name: "copy images" }, new Error("R2 unavailable"), 2); } },
    );
    const html = await (await call(url!)).text();
    const images = [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]!);
    expect(images).toHaveLength(2);
    for (const src of images) expect((await call(src)).status).toBe(200);
  });

  it("R2 missing an image at first: the step fails, is noted with the history, and succeeds on its retry", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await createReport(author, { kind: "news", title: "Ảnh tạm thời thiếu" });
    const form = new FormData();
    form.set("file", new File([PNG], "anh.png", { type: "image/png" }));
    form.set("caption", "Ảnh sẽ có lại");
    expect((await call(`/api/v1/reports/${r.id}/attachments`, { token: author, body: form })).status).toBe(201);
    await ok(await submit(author, r.id));
    const [object] = (await env.BUCKET.list({ prefix: `uploads/${r.id}/` })).objects;
    const bytes = await (await env.BUCKET.get(object!.key))!.arrayBuffer();
    await env.BUCKET.delete(object!.key);

    const publishing = approveAndPublish(r.id, 1);
    // Wait for the first failed attempt to be noted, then put the image back for the retry.
    for (let i = 0; i < 200; i++) {
      if ((await flowStub(r.id).delivery()).issues.some((x) => x.kind === "publication")) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    await env.BUCKET.put(object!.key, bytes, { httpMetadata: { contentType: "image/png" } });
    const { url } = await publishing;
    expect((await call(url!)).status).toBe(200);
    const history = await (await call(`/api/v1/reports/${r.id}/history`, { token: author })).json<{ delivery: { issues: { kind: string; detail: string }[] } }>();
    expect(history.delivery.issues.find((x) => x.kind === "publication")!.detail).toMatch(/copy images: .*missing/);
  }, 60_000);

  it("scheduled publication waits for publishAt (the report is 'scheduled' meanwhile), then publishes", async () => {
    const author = await tokenFor(USERS.quan6);
    const publishAt = new Date(Date.now() + 3 * 24 * 3600_000).toISOString();
    const r = await createReport(author, { kind: "event", title: "Đăng theo lịch", publishAt });
    await ok(await submit(author, r.id));
    const { url } = await approveAndPublish(r.id, 1, {
      modify: async (m) => {
        await m.disableSleeps();
      },
    });
    const log = await flowStub(r.id).log();
    expect(log.map((e) => e.action).slice(-2)).toEqual(["schedule", "publish"]);
    expect(log.find((e) => e.action === "schedule")!.comment).toBe(publishAt);
    expect((await call(url!)).status).toBe(200);
  });

  it("running the publication of the same revision again writes the same objects and no second 'published' transition", async () => {
    const { id, url } = await publishedReport({ title: "Chạy lại xuất bản" });
    const keys = [keyOfUrl(url!), "portal/index.html", "portal/feed.xml", "portal/atom.xml", "portal/feed.json"];
    const before = await Promise.all(keys.map(async (k) => (await env.BUCKET.head(k))?.etag));
    const rerun = await introspectWorkflowInstance(env.PUBLISH, `${id}-r1-rerun`);
    await env.PUBLISH.create({ id: `${id}-r1-rerun`, params: { reportId: id, revision: 1 } });
    await rerun.waitForStatus("complete");
    await rerun.dispose();
    const after = await Promise.all(keys.map(async (k) => (await env.BUCKET.head(k))?.etag));
    expect(after).toEqual(before);
    const publishes = (await flowStub(id).log()).filter((e) => e.action === "publish");
    expect(publishes).toHaveLength(1);
    const notifyWork = (await flowStub(id).work()).filter((w) => w.id.includes(":published"));
    expect(notifyWork).toEqual([]);
  });

  it("a revision that is not approved is not published", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await createReport(author, { kind: "news", title: "Chưa duyệt" });
    await ok(await submit(author, r.id));
    const instance = await introspectWorkflowInstance(env.PUBLISH, `${r.id}-forced`);
    await env.PUBLISH.create({ id: `${r.id}-forced`, params: { reportId: r.id, revision: 1 } });
    await instance.waitForStatus("errored");
    await instance.dispose();
    expect((await d1Report(r.id)).status).toBe("in_review");
    expect(await env.DB.prepare("SELECT report_id FROM portal_entries WHERE report_id = ?").bind(r.id).first()).toBeNull();
    const feed = await call("/portal/feed.xml");
    if (feed.status === 200) expect(await feed.text()).not.toContain("Chưa duyệt");
  });
});
