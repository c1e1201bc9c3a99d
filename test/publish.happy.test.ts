import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { publishInstanceId } from "../src/flow/effects";
import { call, createReport, json, tokenFor, USERS } from "./helpers/api";
import { approveAll, d1Report, decide, ok, submit } from "./helpers/review";

const PNG = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));

async function publish(overrides: Record<string, unknown> = {}, images: string[] = []) {
  const author = await tokenFor(USERS.quan6);
  const r = await createReport(author, overrides);
  for (const caption of images) {
    const form = new FormData();
    form.set("file", new File([PNG], "anh.png", { type: "image/png" }));
    form.set("caption", caption);
    expect((await call(`/api/v1/reports/${r.id}/attachments`, { token: author, body: form })).status).toBe(201);
  }
  await ok(await submit(author, r.id));
  await ok(await decide(await tokenFor(USERS.specialist), r.id, { action: "approve", stage: "specialist" }));
  await ok(await decide(await tokenFor(USERS.deputy), r.id, { action: "approve", stage: "deputy_head" }));
  const instance = await introspectWorkflowInstance(env.PUBLISH, publishInstanceId(r.id, 1));
  await ok(await decide(await tokenFor(USERS.director), r.id, { action: "approve", stage: "director" }));
  await instance.waitForStatus("complete");
  const out = (await instance.getOutput()) as { publishedUrl: string };
  await instance.dispose();
  return { id: r.id, url: out.publishedUrl };
}

describe("publication", () => {
  it("the final approval publishes the page, with images, to the portal, index and feeds", async () => {
    const { id, url } = await publish({ title: "Hội nghị sơ kết học kì I năm học 2023 – 2024" }, ["Văn nghệ chào mừng Hội nghị", "Các đại biểu tham dự"]);
    expect(url).toMatch(/^\/portal\/bai-viet\/hoi-nghi-so-ket-hoc-ki-i-nam-hoc-2023-2024-[0-9a-f]{10}\/$/);
    expect(await d1Report(id)).toMatchObject({ status: "published" });
    const page = await call(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Hội nghị sơ kết học kì I năm học 2023 – 2024");
    expect(html).toContain("Hình 1: Văn nghệ chào mừng Hội nghị");
    expect(html).toContain("Ngày <time datetime=\"2024-01-23\">23/01/2024</time>");
    expect(html).toContain("Phó Trưởng phòng: Trần Thị Kim Thanh");
    const img = html.match(/<img src="([^"]+)"/)![1]!;
    const media = await call(img);
    expect(media.status).toBe(200);
    // The page shows a WebP variant; the uploaded PNG is behind "Xem ảnh gốc".
    expect(media.headers.get("content-type")).toBe("image/webp");
    const original = await call(html.match(/<p class="original"><a href="([^"]+)"/)![1]!);
    expect(original.headers.get("content-type")).toBe("image/png");
    const index = await (await call("/portal/")).text();
    expect(index).toContain(url);
    const rss = await (await call("/portal/feed.xml")).text();
    expect(rss).toContain("<rss");
    expect(rss).toContain(url);
    const report = await json(await call(`/api/v1/reports/${id}`, { token: await tokenFor(USERS.quan6) }));
    expect(report.publishedUrl).toBe(url);
  });
});
