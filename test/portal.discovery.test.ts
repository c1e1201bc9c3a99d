// How readers and machines find the portal (issue 14 point 5): the sitemap lists what is live,
// article and listing pages carry canonical and OpenGraph tags, a directory links every unit's
// page, and each unit has its own feeds, which (like the portal's) carry the full text, escaped,
// with the unit as author.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { unitPath } from "../src/portal/paths";
import { BASE, call, tokenFor, USERS } from "./helpers/api";
import { publishedReport } from "./helpers/publish";
import { ok } from "./helpers/review";

const Q6_NAME = "Trung tâm GDNN-GDTX Quận 6";
const Q6_PAGE = `/portal/${unitPath("TT-GDNN-GDTX-Q6")}`;
const tag = () => `d${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;

async function get(path: string) {
  const res = await call(path);
  return { res, status: res.status, text: await res.text() };
}

/** The content of `<meta property=… content=…>` (HTML-escaped as written). */
const meta = (html: string, property: string) => html.match(new RegExp(`<meta property="${property}" content="([^"]*)"/>`))?.[1] ?? null;

async function unpublish(id: string, url: string) {
  await ok(await call(`/api/v1/reports/${id}/unpublish`, { token: await tokenFor(USERS.director), json: { reason: "Đăng nhầm" } }));
  for (let i = 0; i < 40 && (await call(url)).status !== 410; i++) await new Promise((r) => setTimeout(r, 50));
  expect((await call(url)).status).toBe(410);
}

/** What a well-formed XML document may not contain: an `&` that starts no entity, a `<` that starts no tag. */
function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const outsideCdata = xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, "");
  for (const m of outsideCdata.matchAll(/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/gi)) problems.push(`bare & at ${m.index}`);
  for (const m of outsideCdata.matchAll(/<(?![?!/a-zA-Z])/g)) problems.push(`bare < at ${m.index}`);
  // Tags balance.
  const stack: string[] = [];
  for (const m of outsideCdata.matchAll(/<(\/?)([a-zA-Z][\w:.-]*)[^>]*?(\/?)>/g)) {
    if (m[3]) continue;
    if (m[1]) {
      if (stack.pop() !== m[2]) problems.push(`unbalanced </${m[2]}>`);
    } else stack.push(m[2]!);
  }
  if (stack.length) problems.push(`unclosed ${stack.join(",")}`);
  return problems;
}

const T = tag();
let a: { id: string; url: string };
let b: { id: string; url: string };

beforeAll(async () => {
  a = (await publishedReport(
    {
      title: `Ngày hội đọc sách & "văn hóa" ${T}`,
      summary: `Tóm tắt có <b>thẻ</b> & ký tự ${T}.`,
      body: `Đoạn đầu có <i>thẻ</i> & "ngoặc kép" ${T}.\n\nĐoạn hai **đậm** với [liên kết](https://example.org/?a=1&b=2).\n\n]]> <![CDATA[ thử phá CDATA`,
    },
    { captions: ["Toàn cảnh buổi lễ"] },
  )) as { id: string; url: string };
  b = (await publishedReport({ title: `Bài sẽ được gỡ ${T}`, body: `Nội dung ${T}.` })) as { id: string; url: string };
}, 120_000);

/** The sitemap index, then every sitemap it lists: each well-formed, served as XML. */
async function sitemaps() {
  const index = await get("/portal/sitemap.xml");
  expect(index.status).toBe(200);
  expect(index.res.headers.get("content-type")).toMatch(/^application\/xml/);
  expect(index.res.headers.get("cache-control")).toMatch(/max-age=(\d|[1-5]\d|60)\b/);
  expect(index.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  expect(index.text).toContain('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
  expect(xmlProblems(index.text)).toEqual([]);
  const listed = [...index.text.matchAll(/<sitemap><loc>([^<]+)<\/loc><\/sitemap>/g)].map((m) => m[1]!);
  const parts: string[] = [];
  for (const loc of listed) {
    // sitemaps.org: a sitemap may list only addresses under its own folder, here /portal/.
    expect(loc, loc).toMatch(new RegExp(`^${BASE}/portal/sitemap-[a-z0-9-]+\\.xml$`));
    const part = await get(loc.slice(BASE.length));
    expect(part.status, loc).toBe(200);
    expect(part.res.headers.get("content-type")).toMatch(/^application\/xml/);
    expect(part.text).toContain('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
    expect(xmlProblems(part.text), loc).toEqual([]);
    parts.push(part.text);
  }
  return { listed, text: parts.join("\n"), locs: parts.flatMap((p) => [...p.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!)) };
}

describe("sitemap.xml", () => {
  it("an index of the fixed pages' sitemap and the article blocks; together they list the front page, the directory, the unit's page and every live article with lastmod", async () => {
    const { listed, text, locs } = await sitemaps();
    expect(listed[0]).toBe(`${BASE}/portal/sitemap-trang.xml`);
    expect(listed.slice(1)).toEqual(listed.slice(1).map((_, i) => `${BASE}/portal/sitemap-bai-viet-${i + 1}.xml`));
    expect(listed.length).toBeGreaterThan(1);
    expect(locs).toContain(`${BASE}/portal/`);
    expect(locs).toContain(`${BASE}/portal/don-vi/`);
    expect(locs).toContain(`${BASE}${Q6_PAGE}`);
    expect(locs).toContain(`${BASE}${a.url}`);
    expect(locs).toContain(`${BASE}${b.url}`);
    expect(text).toMatch(new RegExp(`<url><loc>${BASE}${a.url}</loc><lastmod>\\d{4}-\\d{2}-\\d{2}T[^<]+</lastmod></url>`));
    // Every live entry, none twice.
    const live = await env.DB.prepare("SELECT count(*) AS n FROM portal_entries WHERE retracted_at IS NULL").first<{ n: number }>();
    expect(locs.filter((l) => l.includes("/portal/bai-viet/")).length).toBe(live!.n);
    expect(new Set(locs).size).toBe(locs.length);
  });

  it("a retracted article leaves the sitemap", async () => {
    await unpublish(b.id, b.url);
    const { locs } = await sitemaps();
    expect(locs).not.toContain(`${BASE}${b.url}`);
    expect(locs).toContain(`${BASE}${a.url}`);
  }, 60_000);

  it("a block past the newest article, block 0 and other names are the portal's 404 page", async () => {
    for (const path of ["/portal/sitemap-bai-viet-999999.xml", "/portal/sitemap-bai-viet-0.xml", "/portal/sitemap-bai-viet-01.xml", "/portal/sitemap-khac.xml", "/portal/sitemap-trang", "/portal/sitemap/trang.xml"]) {
      const { status, text, res } = await get(path);
      expect(status, path).toBe(404);
      expect(res.headers.get("content-type"), path).toMatch(/^text\/html/);
      expect(text, path).toContain("Không tìm thấy");
    }
  });
});

describe("canonical and OpenGraph", () => {
  it("an article page: canonical, og:title/description/url/type/image/locale/site_name, all absolute and escaped", async () => {
    const { status, text } = await get(a.url);
    expect(status).toBe(200);
    const canonical = `${BASE}${a.url}`;
    expect(text).toContain(`<link rel="canonical" href="${canonical}"/>`);
    expect(meta(text, "og:url")).toBe(canonical);
    expect(meta(text, "og:type")).toBe("article");
    expect(meta(text, "og:title")).toBe(`Ngày hội đọc sách &amp; &quot;văn hóa&quot; ${T}`);
    expect(meta(text, "og:description")).toBe(`Tóm tắt có &lt;b&gt;thẻ&lt;/b&gt; &amp; ký tự ${T}.`);
    expect(meta(text, "og:locale")).toBe("vi_VN");
    expect(meta(text, "og:site_name")).toBe("Sở Giáo dục và Đào tạo");
    const image = meta(text, "og:image");
    expect(image).toMatch(new RegExp(`^${BASE}/portal/anh/${a.id}/`));
    expect((await call(image!.replace(BASE, "").replaceAll("&amp;", "&"))).status).toBe(200);
  });

  it("listing pages: an absolute canonical and og:type website", async () => {
    for (const path of ["/portal/", Q6_PAGE]) {
      const { text } = await get(path);
      expect(text, path).toContain(`<link rel="canonical" href="${BASE}${path}"/>`);
      expect(meta(text, "og:type"), path).toBe("website");
      expect(meta(text, "og:url"), path).toBe(`${BASE}${path}`);
    }
  });
});

describe("unit directory", () => {
  it("links every unit page that has articles, names the others as text, and every page links to it", async () => {
    const { status, text } = await get("/portal/don-vi/");
    expect(status).toBe(200);
    expect(text).toContain(`<a href="${Q6_PAGE}">${Q6_NAME}</a>`);
    expect(text).toContain(`<a class="feed" href="${Q6_PAGE}feed.xml"`);
    // Units without live articles are listed, not linked.
    expect(text).toContain("<li>Trung tâm GDTX Lê Quý Đôn</li>");
    expect(text).not.toMatch(/<a [^>]*>Trung tâm GDTX Lê Quý Đôn<\/a>/);
    // Every linked unit page exists.
    for (const m of text.matchAll(/<a href="(\/portal\/don-vi\/[^"]+\/)">/g)) expect((await call(m[1]!)).status, m[1]).toBe(200);
    for (const path of ["/portal/", a.url, Q6_PAGE, "/portal/search", "/portal/khong-co/"]) {
      expect((await get(path)).text, path).toContain('<a href="/portal/don-vi/">Đơn vị</a>');
    }
  });

  it("a unit whose articles are all retracted is no longer linked", async () => {
    const other = await env.DB.prepare("SELECT id, name FROM units WHERE code = 'TT-GDTX-LQD'").first<{ id: string; name: string }>();
    // Live entry for Lê Quý Đôn, written directly, then the directory rebuilt as publication does.
    const { rebuildListings } = await import("../src/portal/publish");
    const author = await env.DB.prepare("SELECT author_id FROM reports WHERE id = ?").bind(a.id).first<{ author_id: string }>();
    const id = crypto.randomUUID();
    const at = new Date().toISOString();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO reports (id, unit_id, author_id, kind, title, slug, body, attendees, status, revision, created_at, updated_at) VALUES (?, ?, ?, 'news', 'x', ?, 'x', '[]', 'published', 1, ?, ?)").bind(id, other!.id, author!.author_id, id, at, at),
      env.DB.prepare(
        `INSERT INTO portal_entries (report_id, path, unit_id, seq, unit_seq, kind, title, revision, first_published_at) VALUES (?1, ?2, ?3, (SELECT coalesce(max(seq), 0) + 1 FROM portal_entries), (SELECT coalesce(max(unit_seq), 0) + 1 FROM portal_entries WHERE unit_id = ?3), 'news', 'Tin LQD', 1, ?4)`,
      ).bind(id, `bai-viet/tin-lqd-${id.slice(-10)}/`, other!.id, at),
    ]);
    const entry = (await env.DB.prepare("SELECT seq, unit_seq, unit_id FROM portal_entries WHERE report_id = ?").bind(id).first<{ seq: number; unit_seq: number; unit_id: string }>())!;
    await rebuildListings(env.BUCKET, env.DB, env.PORTAL_BASE_URL, entry, { name: other!.name, code: "TT-GDTX-LQD" });
    const linked = `<a href="/portal/${unitPath("TT-GDTX-LQD")}">${other!.name}</a>`;
    expect((await get("/portal/don-vi/")).text).toContain(linked);
    await env.DB.prepare("UPDATE portal_entries SET retracted_at = ?, retraction_note = 'x' WHERE report_id = ?").bind(new Date().toISOString(), id).run();
    await rebuildListings(env.BUCKET, env.DB, env.PORTAL_BASE_URL, entry, { name: other!.name, code: "TT-GDTX-LQD" });
    const after = (await get("/portal/don-vi/")).text;
    expect(after).not.toContain(linked);
    expect(after).toContain(`<li>${other!.name}</li>`);
  });
});

describe("feeds", () => {
  const fullText = `<p>Đoạn đầu có &lt;i&gt;thẻ&lt;/i&gt; &amp; &quot;ngoặc kép&quot; ${T}.</p>`;

  it("the unit's RSS beside its page: its articles, the full text escaped, dc:creator = the unit's name, no email", async () => {
    const { status, text, res } = await get(`${Q6_PAGE}feed.xml`);
    expect(status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/rss\+xml/);
    expect(xmlProblems(text)).toEqual([]);
    expect(text).toContain(`<title>Sở Giáo dục và Đào tạo — ${Q6_NAME}</title>`);
    expect(text).toContain(`<link>${BASE}${Q6_PAGE}</link>`);
    const item = text.split("<item>").find((i) => i.includes(`${BASE}${a.url}`))!;
    expect(item).toBeTruthy();
    expect(item).toContain(`<dc:creator>${Q6_NAME}</dc:creator>`);
    expect(item).not.toMatch(/<author>/);
    expect(item).not.toMatch(/@/);
    const encoded = item.match(/<content:encoded><!\[CDATA\[([\s\S]*?)\]\]><\/content:encoded>/)![1]!;
    expect(encoded).toContain(fullText);
    expect(encoded).toContain("<p>Đoạn hai đậm với liên kết.</p>");
    expect(encoded).toContain("]]&gt; &lt;![CDATA[ thử phá CDATA");
    expect(encoded).not.toMatch(/<(?!\/?(p|br|strong)>)/);
    expect(text).toContain('xmlns:dc="http://purl.org/dc/elements/1.1/"');
    // The retracted article is gone from it.
    expect(text).not.toContain(b.url);
  });

  it("the unit's Atom and JSON Feed: author = the unit, full text as content / content_html", async () => {
    const atom = await get(`${Q6_PAGE}atom.xml`);
    expect(atom.status).toBe(200);
    expect(xmlProblems(atom.text)).toEqual([]);
    const entry = atom.text.split("<entry>").find((e) => e.includes(`${BASE}${a.url}`))!;
    expect(entry).toMatch(new RegExp(`<author>\\s*<name>${Q6_NAME}</name>\\s*</author>`));
    expect(entry).not.toContain("<email>");
    expect(entry).toContain(fullText);

    const json = await get(`${Q6_PAGE}feed.json`);
    expect(json.status).toBe(200);
    const feed = JSON.parse(json.text) as { title: string; items: { url: string; author?: { name: string }; content_html?: string; title: string }[] };
    expect(feed.title).toBe(`Sở Giáo dục và Đào tạo — ${Q6_NAME}`);
    const item = feed.items.find((i) => i.url === `${BASE}${a.url}`)!;
    expect(item.author).toEqual({ name: Q6_NAME });
    expect(item.title).toBe(`Ngày hội đọc sách & "văn hóa" ${T}`);
    expect(item.content_html).toContain(fullText);
  });

  it("the portal's own feeds keep their addresses and carry the full text and the unit as author too", async () => {
    const rss = (await get("/portal/feed.xml")).text;
    expect(rss).toContain(fullText);
    expect(rss).toContain(`<dc:creator>${Q6_NAME}</dc:creator>`);
    expect(xmlProblems(rss)).toEqual([]);
    const atom = (await get("/portal/atom.xml")).text;
    expect(atom).toContain(fullText);
    const json = JSON.parse((await get("/portal/feed.json")).text) as { items: { author?: { name: string }; content_html?: string }[] };
    expect(json.items.some((i) => i.content_html?.includes(fullText) && i.author?.name === Q6_NAME)).toBe(true);
  });

  it("the unit's page links its feeds", async () => {
    const { text } = await get(Q6_PAGE);
    expect(text).toContain(`<link rel="alternate" type="application/rss+xml" title="Sở Giáo dục và Đào tạo — ${Q6_NAME} — RSS" href="${Q6_PAGE}feed.xml"/>`);
    expect(text).toContain(`<a href="${Q6_PAGE}feed.xml">RSS</a>`);
  });
});
