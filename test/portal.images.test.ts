// Images on the portal at the size shown: WebP variants 480/960/1440 (never wider than the
// original) made with the Images binding at publication, srcset/sizes/width/height on the page,
// the original only behind a link, "[Hình N]" placing image N in the text, each caption printed
// once, and every variant taken down with the article.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { placeFigures, renderMarkdown } from "../src/portal/markdown";
import { bareCaption } from "../src/portal/images";
import { call, createReport, tokenFor, USERS } from "./helpers/api";
import { approveAndPublish, PNG } from "./helpers/publish";
import { ok, submit } from "./helpers/review";

const stream = (b: Uint8Array) => new Blob([b]).stream();
const bytesOf = async (s: ReadableStream) => new Uint8Array(await new Response(s).arrayBuffer());

async function picture(width: number, height: number, format: "image/jpeg" | "image/png" = "image/jpeg"): Promise<Uint8Array> {
  const out = await env.IMAGES.input(stream(PNG)).transform({ width, height, fit: "squeeze" }).output({ format });
  return bytesOf(out.image());
}

/** A Quận 6 news report with these images (in this order), published through the whole chain. */
async function published(body: string, images: { bytes: Uint8Array; caption: string; type?: string }[]) {
  const author = await tokenFor(USERS.quan6);
  const r = await createReport(author, { kind: "news", title: `Bài có ảnh ${crypto.randomUUID().slice(0, 8)}`, body });
  const ids: string[] = [];
  for (const img of images) {
    const form = new FormData();
    form.set("file", new File([img.bytes], "anh", { type: img.type ?? "image/jpeg" }));
    form.set("caption", img.caption);
    const res = await call(`/api/v1/reports/${r.id}/attachments`, { token: author, body: form });
    expect(res.status, await res.clone().text()).toBe(201);
    ids.push((await res.json<{ id: string }>()).id);
  }
  await ok(await submit(author, r.id));
  const { url } = await approveAndPublish(r.id, 1);
  const page = await call(url!);
  expect(page.status).toBe(200);
  return { id: r.id as string, url: url!, ids, html: await page.text() };
}

const imgTags = (html: string) => [...html.matchAll(/<img [^>]*>/g)].map((m) => m[0]);
const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
const count = (html: string, s: string) => html.split(s).length - 1;

async function sizeOf(url: string) {
  const res = await call(url);
  expect(res.status, url).toBe(200);
  expect(res.headers.get("content-type"), url).toBe("image/webp");
  return env.IMAGES.info(stream(new Uint8Array(await res.arrayBuffer())));
}

describe("variants at publication", () => {
  it("a 2000×1500 photo gets 480, 960 and 1440 WebP variants; a 700×500 one gets 480 and 700; the page says so", async () => {
    const { id, url, ids, html } = await published("Mở đầu bài viết.", [
      { bytes: await picture(2000, 1500), caption: "Toàn cảnh hội nghị" },
      { bytes: await picture(700, 500, "image/png"), caption: "Đại biểu phát biểu", type: "image/png" },
    ]);
    const base = `/portal/anh/${id}/`;
    for (const [w, h] of [[480, 360], [960, 720], [1440, 1080]] as const) {
      expect(await sizeOf(`${base}${ids[0]}.w${w}.webp`)).toMatchObject({ format: "image/webp", width: w, height: h });
    }
    expect(await sizeOf(`${base}${ids[1]}.w480.webp`)).toMatchObject({ width: 480 });
    expect(await sizeOf(`${base}${ids[1]}.w700.webp`)).toMatchObject({ width: 700, height: 500 });
    expect((await call(`${base}${ids[1]}.w960.webp`)).status).toBe(404);
    expect((await env.BUCKET.list({ prefix: `portal/anh/${id}/` })).objects.map((o) => o.key.split("/").pop()).sort()).toEqual(
      [`${ids[0]}.jpg`, `${ids[0]}.w1440.webp`, `${ids[0]}.w480.webp`, `${ids[0]}.w960.webp`, `${ids[1]}.png`, `${ids[1]}.w480.webp`, `${ids[1]}.w700.webp`].sort(),
    );

    const [first, second] = imgTags(html);
    expect(attr(first!, "src")).toBe(`${base}${ids[0]}.w960.webp`);
    expect(attr(first!, "srcset")).toBe(`${base}${ids[0]}.w480.webp 480w, ${base}${ids[0]}.w960.webp 960w, ${base}${ids[0]}.w1440.webp 1440w`);
    expect(attr(first!, "sizes")).toBe("(max-width: 800px) 100vw, 760px");
    expect([attr(first!, "width"), attr(first!, "height")]).toEqual(["960", "720"]);
    expect(attr(first!, "loading")).toBe("eager");
    expect(attr(first!, "fetchpriority")).toBe("high");
    expect(attr(first!, "alt")).toBe("Toàn cảnh hội nghị");

    expect(attr(second!, "src")).toBe(`${base}${ids[1]}.w700.webp`);
    expect(attr(second!, "srcset")).toBe(`${base}${ids[1]}.w480.webp 480w, ${base}${ids[1]}.w700.webp 700w`);
    expect([attr(second!, "width"), attr(second!, "height")]).toEqual(["700", "500"]);
    expect(attr(second!, "loading")).toBe("lazy");
    expect(attr(second!, "fetchpriority")).toBeUndefined();
    expect(attr(second!, "decoding")).toBe("async");

    // The original is not shown inline, only linked; it is served as uploaded.
    expect(html).not.toContain(`src="${base}${ids[0]}.jpg"`);
    expect(html).toContain(`href="${base}${ids[0]}.jpg"`);
    expect(count(html, ">Xem ảnh gốc<")).toBe(2);
    const original = await call(`${base}${ids[0]}.jpg`);
    expect(original.status).toBe(200);
    expect(original.headers.get("content-type")).toBe("image/jpeg");
    expect(await env.IMAGES.info(stream(new Uint8Array(await original.arrayBuffer())))).toMatchObject({ width: 2000, height: 1500 });
    expect(url).toMatch(/^\/portal\/bai-viet\//);
  }, 60_000);

  it("a republication (retried workflow) finds the variants and rewrites none of them", async () => {
    const { id, ids } = await published("Bài.", [{ bytes: await picture(1600, 900), caption: "Ảnh chạy lại" }]);
    const key = `portal/anh/${id}/${ids[0]}.w960.webp`;
    const before = await env.BUCKET.head(key);
    const { copyImages, loadApproved } = await import("../src/portal/publish");
    const figures = await copyImages(env.BUCKET, env.IMAGES, await loadApproved(env.DB, id, 1));
    expect(figures[0]).toMatchObject({ width: 960, height: 540 });
    expect((await env.BUCKET.head(key))?.uploaded.getTime()).toBe(before?.uploaded.getTime());
  }, 60_000);
});

describe("captions and placement", () => {
  it("'[Hình 2]' places image 2 there; image 1 follows the text; each caption printed once", async () => {
    const body = "Đoạn mở đầu.\n\n[Hình 2: ảnh đoàn đại biểu]\n\nĐoạn giữa bài.\n[Hình 9]\n\nĐoạn cuối.\n\n[Hình 2]";
    const { html } = await published(body, [
      { bytes: await picture(1200, 800), caption: "Hình 1: Khai mạc hội nghị" },
      { bytes: await picture(1200, 800), caption: "Đoàn đại biểu" },
    ]);
    const article = html.slice(html.indexOf("<article"), html.indexOf("</article>"));
    const opening = article.indexOf("Đoạn mở đầu.");
    const middle = article.indexOf("Đoạn giữa bài.");
    const fig2 = article.indexOf('id="hinh-2"');
    const fig1 = article.indexOf('id="hinh-1"');
    expect(opening).toBeGreaterThan(-1);
    expect(fig2).toBeGreaterThan(opening);
    expect(fig2).toBeLessThan(middle);
    expect(fig1).toBeGreaterThan(article.indexOf("Đoạn cuối."));
    // Placed once, at its first marker; a marker for an image that does not exist leaves nothing.
    expect(count(article, 'id="hinh-2"')).toBe(1);
    expect(article).not.toMatch(/\[Hình \d/);
    expect(article).not.toContain("<!--hinh:");
    // Printed once each, the author's own "Hình 1:" not repeated; alt is the caption alone.
    expect(count(article, "Hình 1: Khai mạc hội nghị")).toBe(1);
    expect(article).not.toContain("Hình 1: Hình 1:");
    expect(count(article, "Hình 2: Đoàn đại biểu")).toBe(1);
    expect(article).toContain('alt="Khai mạc hội nghị"');
    // The placed image comes first on the page: it is the one fetched at once.
    const [first, second] = imgTags(article);
    expect(attr(first!, "fetchpriority")).toBe("high");
    expect(attr(first!, "alt")).toBe("Đoàn đại biểu");
    expect(attr(second!, "loading")).toBe("lazy");
  }, 60_000);

  it("the Markdown step: only a line of its own is a marker; raw HTML stays escaped and cannot forge one", () => {
    const html = renderMarkdown("Trước\n[Hình 1]\nSau [Hình 2] trong câu\n\n    [Hình 3]\n\n<!--hinh:4-->\n\n[hình 5 : ghi chú]");
    expect(html).toContain("<p>Trước</p>\n<!--hinh:1-->");
    expect(html).toContain("Sau [Hình 2] trong câu");
    expect(html).toContain("<pre><code>[Hình 3]");
    expect(html).toContain("&lt;!--hinh:4--&gt;");
    expect(html).toContain("<!--hinh:5-->");
    const placed = placeFigures(html, (n) => (n <= 5 ? `<figure>${n}</figure>` : null));
    expect([...placed.placed].sort()).toEqual([1, 5]);
    expect(placed.html).not.toContain("<!--hinh");
    expect(placed.html).toContain("&lt;!--hinh:4--&gt;");
  });

  it("bareCaption drops the author's own number only", () => {
    expect(bareCaption("Hình 1: Khai mạc")).toBe("Khai mạc");
    expect(bareCaption("Ảnh 3 - Trao giải")).toBe("Trao giải");
    expect(bareCaption("Hình ảnh hội nghị")).toBe("Hình ảnh hội nghị");
    expect(bareCaption("Hình 2:")).toBe("Hình 2:");
  });
});

describe("retraction", () => {
  it("after unpublishing, the original and every variant answer 404/410 and are gone from R2", async () => {
    const { id, url, html } = await published("Bài sẽ bị gỡ.", [
      { bytes: await picture(2000, 1500), caption: "Ảnh một" },
      { bytes: await picture(800, 600), caption: "Ảnh hai" },
    ]);
    const urls = new Set<string>();
    for (const tag of imgTags(html)) for (const part of (attr(tag, "srcset") ?? "").split(", ")) urls.add(part.split(" ")[0]!);
    for (const m of html.matchAll(/href="(\/portal\/anh\/[^"]+)"/g)) urls.add(m[1]!);
    expect(urls.size).toBe(2 + 3 + 2); // two originals, 480/960/1440 and 480/800
    for (const u of urls) expect((await call(u)).status, u).toBe(200);

    await ok(await call(`/api/v1/reports/${id}/unpublish`, { token: await tokenFor(USERS.director), json: { reason: "Ảnh chưa được phép đăng" } }));
    for (let i = 0; i < 40 && (await call(url)).status !== 410; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await call(url)).status).toBe(410);
    for (const u of urls) {
      const res = await call(u);
      expect([404, 410], u).toContain(res.status);
      expect(res.headers.get("content-type") ?? "", u).not.toMatch(/^image\//);
    }
    expect((await env.BUCKET.list({ prefix: `portal/anh/${id}/` })).objects).toEqual([]);
  }, 60_000);
});
