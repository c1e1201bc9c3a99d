// The public portal: what reaches it (XSS corpus through every field a unit writes), how it is
// served from R2 (ETag/304, cache headers, 404/410, redirects, no way out of portal/), that nothing
// unpublished shows, unpublishing, and corrections at the same address.
import { ASSET_URLS } from "../src/assets.gen";
import { introspectWorkflowInstance } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { publishInstanceId } from "../src/flow/effects";
import { articlePath, unitPath } from "../src/portal/paths";
import { BASE, call, createReport, expectProblem, json, tokenFor, USERS } from "./helpers/api";
import { d1Report, decide, ok, submit } from "./helpers/review";

// ---------------------------------------------------------------------------------------------
// Fixtures

const PNG = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));

const Q6_UNIT_PAGE = `/portal/${unitPath("TT-GDNN-GDTX-Q6")}`;
const FEEDS = ["/portal/feed.xml", "/portal/atom.xml", "/portal/feed.json"] as const;
const LISTINGS = ["/portal/", Q6_UNIT_PAGE] as const;

const marker = () => `m${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;

async function upload(token: string, id: string, caption: string): Promise<any> {
  const form = new FormData();
  form.set("file", new File([PNG], "anh.png", { type: "image/png" }));
  form.set("caption", caption);
  const res = await call(`/api/v1/reports/${id}/attachments`, { token, body: form });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text);
}

/** The three approvals of `revision`, then the PUBLISH instance `${id}-r${revision}` to its end. */
async function approveAndPublish(id: string, revision: number): Promise<string> {
  const instance = await introspectWorkflowInstance(env.PUBLISH, publishInstanceId(id, revision));
  try {
    await ok(await decide(await tokenFor(USERS.specialist), id, { action: "approve", stage: "specialist" }));
    await ok(await decide(await tokenFor(USERS.deputy), id, { action: "approve", stage: "deputy_head" }));
    await ok(await decide(await tokenFor(USERS.director), id, { action: "approve", stage: "director" }));
    await instance.waitForStatus("complete");
    return ((await instance.getOutput()) as { publishedUrl: string }).publishedUrl;
  } finally {
    await instance.dispose();
  }
}

/** A Quận 6 report taken through the API to publication. */
async function publishReport(overrides: Record<string, unknown> = {}, captions: string[] = []): Promise<{ id: string; url: string }> {
  const author = await tokenFor(USERS.quan6);
  const r = await createReport(author, overrides);
  for (const caption of captions) await upload(author, r.id, caption);
  await ok(await submit(author, r.id));
  const url = await approveAndPublish(r.id, 1);
  return { id: r.id, url };
}

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await call(path, { headers });
  return { res, status: res.status, text: await res.text() };
}

async function portalKeys(): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.BUCKET.list({ prefix: "portal/", cursor });
    keys.push(...page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return keys;
}

const idSuffix = (id: string) => id.replaceAll("-", "").slice(-10);

// ---------------------------------------------------------------------------------------------
// HTML inspection (a small, quote-aware tag reader: good enough for what hono/jsx and markdown-it emit,
// and anything that is not escaped shows up as a tag)

const NAMED: Record<string, string> = {
  lt: "<", gt: ">", amp: "&", quot: '"', apos: "'", nbsp: "\u00a0", tab: "\t", newline: "\n", colon: ":",
  sol: "/", lpar: "(", rpar: ")", semi: ";", comma: ",", period: ".", excl: "!", num: "#", equals: "=",
};

/** One round of HTML character-reference decoding, as a browser does it (also `&#106` without `;`). */
function decodeEntities(s: string): string {
  const cp = (n: number) => (n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : "\ufffd");
  return s.replace(/&(?:#x([0-9a-f]+);?|#(\d+);?|([a-z][a-z0-9]*);)/gi, (m, hex?: string, dec?: string, name?: string) => {
    if (hex) return cp(parseInt(hex, 16));
    if (dec) return cp(parseInt(dec, 10));
    return NAMED[name!.toLowerCase()] ?? m;
  });
}

const collapse = (s: string) => s.replace(/\s+/g, " ").trim();

type Tag = { name: string; raw: string; attrs: { name: string; value: string | null }[] };

const TAG_RE = /<([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
const ATTR_RE = /([^\s"'>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;

function tagsOf(html: string): Tag[] {
  const out: Tag[] = [];
  for (const m of html.matchAll(TAG_RE)) {
    const attrs = [...m[2]!.matchAll(ATTR_RE)].map((a) => ({ name: a[1]!.toLowerCase(), value: a[2] ?? a[3] ?? a[4] ?? null }));
    out.push({ name: m[1]!.toLowerCase(), raw: m[0], attrs });
  }
  return out;
}

const URL_ATTRS = new Set(["href", "src", "action", "formaction", "data", "xlink:href", "poster", "background", "cite", "longdesc", "lowsrc", "dynsrc", "codebase", "srcset", "ping"]);
const FORBIDDEN_TAGS = new Set(["script", "iframe", "object", "embed", "svg", "math", "base", "frame", "frameset", "applet", "form", "input", "isindex"]);

/** A URL value as a browser reads it: references decoded, whitespace and control characters gone. */
const urlAsRead = (v: string) => decodeEntities(v).replace(/[\u0000-\u0020\u007f-\u009f]/g, "").toLowerCase();
const dangerousUrl = (v: string) => /^(javascript:|vbscript:|data:text\/html)/.test(urlAsRead(v));

/**
 * What would run or redirect in this HTML: script, event handlers, dangerous URL schemes,
 * embedding elements. `document` pages may carry their own layout (our one stylesheet, linked;
 * meta charset / viewport / description, canonical and alternate links) but no inline <style>;
 * fragments may carry none of it.
 */
/** The layout's own search box (GET /portal/search): the one form a portal page may carry. */
const LAYOUT_SEARCH_FORM = /<form class="search" role="search" action="\/portal\/search" method="get">(?:(?!<\/form>)[\s\S])*<\/form>/;

function htmlProblems(page: string, kind: "document" | "fragment"): string[] {
  const problems: string[] = [];
  // Only the layout's search form is taken out, once: any other form or input is reported.
  const html = kind === "document" ? page.replace(LAYOUT_SEARCH_FORM, "") : page;
  if (/<script/i.test(html)) problems.push("contains <script");
  for (const name of ["iframe", "object", "embed", "svg", "math", "base"]) {
    if (new RegExp(`<${name}[\\s/>]`, "i").test(html)) problems.push(`contains <${name}`);
  }
  for (const tag of tagsOf(html)) {
    if (FORBIDDEN_TAGS.has(tag.name)) problems.push(`element <${tag.name}>: ${tag.raw}`);
    for (const a of tag.attrs) {
      if (/^on[a-z]+$/.test(a.name)) problems.push(`event attribute ${a.name}: ${tag.raw}`);
      if (URL_ATTRS.has(a.name) && a.value !== null && dangerousUrl(a.value)) problems.push(`${a.name}=${a.value} in ${tag.raw}`);
      if (a.name === "style" && a.value !== null && /javascript:|expression\s*\(|behavior\s*:|-moz-binding/i.test(decodeEntities(a.value))) problems.push(`style attribute: ${tag.raw}`);
      if (a.name === "http-equiv") problems.push(`http-equiv: ${tag.raw}`);
    }
    if (kind === "fragment" && ["style", "meta", "link", "title", "html", "head", "body"].includes(tag.name)) problems.push(`element <${tag.name}> in a fragment: ${tag.raw}`);
    if (tag.name === "style") problems.push(`inline <style> (the stylesheet is a static file): ${tag.raw}`);
    if (kind === "document" && tag.name === "link") {
      const rel = tag.attrs.find((a) => a.name === "rel")?.value ?? "";
      const href = tag.attrs.find((a) => a.name === "href")?.value ?? "";
      const ourStylesheet = rel === "stylesheet" && decodeEntities(href) === ASSET_URLS.portalCss;
      const ourMark = rel === "icon" && href === "/favicon.svg";
      if (!["canonical", "alternate"].includes(rel) && !ourStylesheet && !ourMark) problems.push(`unexpected <link>: ${tag.raw}`);
    }
    if (kind === "document" && tag.name === "meta") {
      const names = tag.attrs.map((a) => a.name);
      const allowed =
        names.includes("charset") ||
        (names.includes("name") && ["viewport", "description", "robots"].includes(tag.attrs.find((a) => a.name === "name")!.value ?? "")) ||
        // OpenGraph (link previews): og:title, og:url, og:image...
        /^og:[a-z_]+$/.test(tag.attrs.find((a) => a.name === "property")?.value ?? "");
      if (!allowed) problems.push(`unexpected <meta>: ${tag.raw}`);
    }
  }
  if (kind === "document") {
    const sheets = tagsOf(html).filter((t) => t.name === "link" && t.attrs.some((a) => a.name === "rel" && a.value === "stylesheet")).length;
    if (sheets !== 1) problems.push(`${sheets} stylesheet links (the layout has one)`);
  }
  // The brief's own check, over tags read with quotes respected (an escaped " onmouseover=" inside
  // an attribute value is text, not an attribute).
  for (const tag of tagsOf(html)) {
    const unquoted = tag.raw.replace(/"[^"]*"|'[^']*'/g, '""');
    if (/<[a-z][^>]*\son[a-z]+\s*=/i.test(unquoted)) problems.push(`on...= in tag: ${tag.raw}`);
  }
  return [...new Set(problems)];
}

/** The text a reader sees: tags gone, references decoded once, whitespace collapsed. */
function visibleText(html: string): string {
  return collapse(decodeEntities(html.replace(/<style[\s\S]*?<\/style>/gi, " ").replace(TAG_RE, " ").replace(/<\/[a-zA-Z][^>]*>/g, " ")));
}

// ---------------------------------------------------------------------------------------------
// XML feed inspection

function decodeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-f]+|#\d+);/gi, (_m, e: string) => {
    const l = e.toLowerCase();
    if (l === "lt") return "<";
    if (l === "gt") return ">";
    if (l === "amp") return "&";
    if (l === "quot") return '"';
    if (l === "apos") return "'";
    return String.fromCodePoint(l.startsWith("#x") ? parseInt(l.slice(2), 16) : parseInt(l.slice(1), 10));
  });
}

/** The character data of an element's content: CDATA sections as they are, the rest entity-decoded. */
function xmlText(inner: string): string {
  let out = "";
  let last = 0;
  for (const m of inner.matchAll(/<!\[CDATA\[([\s\S]*?)\]\]>/g)) {
    out += decodeXml(inner.slice(last, m.index)) + m[1];
    last = m.index! + m[0].length;
  }
  return out + decodeXml(inner.slice(last));
}

/** Element names in the XML once CDATA sections are taken out: what an XML parser sees as markup. */
function xmlElementNames(xml: string): Set<string> {
  const stripped = xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, "");
  return new Set([...stripped.matchAll(/<([a-zA-Z][\w:.-]*)/g)].map((m) => m[1]!.toLowerCase()));
}

const RSS_ELEMENTS = new Set(["rss", "channel", "title", "link", "description", "lastbuilddate", "docs", "generator", "language", "copyright", "item", "guid", "pubdate", "author", "atom:link", "category", "image", "url", "ttl", "content:encoded", "dc:creator"]);
const ATOM_ELEMENTS = new Set(["feed", "id", "title", "updated", "generator", "author", "name", "email", "uri", "link", "subtitle", "logo", "icon", "rights", "entry", "summary", "content", "published", "contributor", "category"]);

const blocks = (xml: string, name: string) => [...xml.matchAll(new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, "g"))].map((m) => m[1]!);
const element = (xml: string, name: string) => {
  const m = new RegExp(`<${name}((?:\\s[^>]*)?)>([\\s\\S]*?)</${name}>`).exec(xml);
  return m ? { attrs: m[1]!, inner: m[2]! } : null;
};

/** titleTexts: how readers may show the title (RSS readers differ on whether it is HTML or text). */
type FeedItem = { link: string; titleTexts: string[]; fields: { name: string; html: string }[] };

/** RSS has no way to say a title or description is plain text; readers render both as HTML. */
function rssItems(xml: string): FeedItem[] {
  return blocks(xml, "item").map((item) => {
    const title = xmlText(element(item, "title")?.inner ?? "");
    const description = xmlText(element(item, "description")?.inner ?? "");
    return {
      link: xmlText(element(item, "link")?.inner ?? ""),
      titleTexts: [visibleText(title), collapse(title)],
      fields: [
        { name: "title", html: title },
        { name: "description", html: description },
      ],
    };
  });
}

/** Atom says per element whether its content is text or html. */
function atomItems(xml: string): FeedItem[] {
  return blocks(xml, "entry").map((entry) => {
    const fields: { name: string; html: string }[] = [];
    let titleText = "";
    for (const name of ["title", "summary", "content"]) {
      const el = element(entry, name);
      if (!el) continue;
      const type = /\stype="([^"]*)"/.exec(el.attrs)?.[1] ?? "text";
      const data = xmlText(el.inner);
      const asHtml = type === "html" || type === "xhtml";
      if (asHtml) fields.push({ name: `${name}[type=${type}]`, html: type === "xhtml" ? el.inner : data });
      if (name === "title") titleText = asHtml ? visibleText(data) : collapse(data);
    }
    return { link: /<link[^>]*href="([^"]*)"/.exec(entry)?.[1] ?? "", titleTexts: [titleText], fields };
  });
}

/** JSON Feed: title and summary are plain text by its spec; content_html is HTML. */
function jsonItems(text: string): FeedItem[] {
  const feed = JSON.parse(text) as { items: Record<string, unknown>[] };
  return feed.items.map((i) => ({
    link: String(i.url ?? ""),
    titleTexts: [collapse(String(i.title ?? ""))],
    fields: typeof i.content_html === "string" ? [{ name: "content_html", html: i.content_html }] : [],
  }));
}

// ---------------------------------------------------------------------------------------------
// The corpus

const VECTORS = [
  `<script>alert(1)</script>`,
  `<IMG SRC=javascript:alert('XSS')>`,
  `<IMG SRC=JaVaScRiPt:alert('XSS')>`,
  `<img src=x onerror=alert(1)>`,
  `<svg/onload=alert(1)>`,
  `<iframe src="javascript:alert(1)">`,
  `"><script>alert(1)</script>`,
  `<a href="jav&#x09;ascript:alert(1)">x</a>`,
  `[x](javascript:alert(1))`,
  `[x](JaVaScRiPt:alert(1))`,
  `[x](vbscript:msgbox(1))`,
  `[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
  `<body onload=alert(1)>`,
  `<div style="background:url(javascript:alert(1))">`,
  `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
  `&#60;script&#62;alert(1)&#60;/script&#62;`,
  `<scr<script>ipt>alert(1)</script>`,
  `<<SCRIPT>alert("XSS");//<</SCRIPT>`,
  `<object data="javascript:alert(1)">`,
  `<embed src="javascript:alert(1)">`,
  `<form action="javascript:alert(1)"><input type=submit>`,
  `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
  `<base href="javascript:alert(1)//">`,
  `' onmouseover='alert(1)`,
  `<details open ontoggle=alert(1)>`,
  `<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>`,
  `<a href="jav&Tab;ascript&colon;alert(1)">x</a>`,
  `[x](jav&#x09;ascript:alert(1))`,
  `[x](&#x6A;avascript:alert(1))`,
  `[x](<javascript:alert(1)>)`,
  `<javascript:alert(1)>`,
  `<IMG """><SCRIPT>alert("XSS")</SCRIPT>">`,
  `<input onfocus=alert(1) autofocus>`,
  `<video><source onerror="alert(1)">`,
  `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`,
  `<style>@import 'javascript:alert(1)';</style>`,
  // Breaking out of a CDATA section in the XML feeds (twice, in case only the first is escaped).
  `]]>]]><script>alert(1)</script><img src=x onerror=alert(1)><![CDATA[`,
];

/** Greedy chunks whose joined form fits a 300-character field. */
function chunk(vectors: string[], max: number, sep: string): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  for (const v of vectors) {
    if (cur.length && [...cur, v].join(sep).length > max) {
      out.push(cur);
      cur = [];
    }
    cur.push(v);
  }
  if (cur.length) out.push(cur);
  return out;
}

type CorpusReport = { id: string; url: string; vectors: string[]; title: string; summary: string; location: string };

describe("XSS corpus: what units write reaches the portal as text, never as markup", () => {
  const SEP = " | ";
  const reports: CorpusReport[] = [];
  const pages = new Map<string, string>();

  beforeAll(async () => {
    expect(VECTORS.length).toBeGreaterThanOrEqual(25);
    for (const vectors of chunk(VECTORS, 280, SEP)) {
      const title = vectors.join(SEP);
      const summary = vectors.join(SEP);
      const location = vectors.join(SEP);
      const { id, url } = await publishReport(
        {
          title,
          summary,
          location,
          body: vectors.join("\n\n"),
          attendees: vectors.map((v) => ({ name: v.length <= 120 ? v : "Ông Dương Trí Dũng", title: v })),
          sourceUrl: `https://hcm.edu.vn/a?q="><script>alert(1)</script>&r=' onmouseover='alert(1)`,
        },
        vectors,
      );
      reports.push({ id, url, vectors, title, summary, location });
    }
    for (const r of reports) {
      const page = await get(r.url);
      expect(page.status, r.url).toBe(200);
      pages.set(r.url, page.text);
    }
  }, 180_000);

  it("the checks would catch the vectors if they were not escaped (the corpus checks are not vacuous)", () => {
    const markdownOnly = (v: string) => v.startsWith("[x](") || v.startsWith("&#60;") || v === `<javascript:alert(1)>` || v.startsWith("' ");
    for (const v of VECTORS.filter((x) => !markdownOnly(x))) {
      expect(htmlProblems(`<p>${v}</p>`, "fragment"), v).not.toEqual([]);
      const escaped = v.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");
      expect(htmlProblems(`<p title="${escaped}">${escaped}</p>`, "fragment"), v).toEqual([]);
      expect(visibleText(`<p>${escaped}</p>`)).toBe(collapse(v));
    }
    expect(htmlProblems(`<img alt='' onmouseover='alert(1)'>`, "fragment")).not.toEqual([]);
    expect(htmlProblems(`<a href="  JaVa&#x0A;Script&colon;alert(1)">x</a>`, "fragment")).not.toEqual([]);
    expect(htmlProblems(`<a href="https://hcm.edu.vn/">x</a>`, "fragment")).toEqual([]);
  });

  it("every vector was published in the title, summary, body, attendees, location and captions", () => {
    expect(reports.flatMap((r) => r.vectors)).toEqual(VECTORS);
    for (const r of reports) expect(r.url).toMatch(/^\/portal\/bai-viet\/[a-z0-9-]+-[0-9a-f]{10}\/$/);
  });

  it("article pages: no script, no event handler, no javascript:/vbscript:/data:text/html URL, no embedding element", () => {
    for (const r of reports) {
      const html = pages.get(r.url)!;
      expect.soft(htmlProblems(html, "document"), r.url).toEqual([]);
    }
  });

  it("article pages: each vector is shown as text, escaped (title, summary, location, body, attendees, captions)", () => {
    for (const r of reports) {
      const html = pages.get(r.url)!;
      expect(html).toContain("&lt;");
      const text = visibleText(html);
      const main = /<main[^>]*>([\s\S]*)<\/main>/.exec(html)![1]!;
      const h1 = visibleText(/<h1>([\s\S]*?)<\/h1>/.exec(main)![1]!);
      const lead = visibleText(/<p class="lead">([\s\S]*?)<\/p>/.exec(main)![1]!);
      const meta = visibleText(/<p class="meta">([\s\S]*?)<\/p>/.exec(main)![1]!);
      const body = visibleText(/<div class="body">([\s\S]*?)<\/div>/.exec(main)![1]!);
      const attendees = [.../<ul class="attendees">([\s\S]*?)<\/ul>/.exec(main)![1]!.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => visibleText(m[1]!));
      const captions = [...main.matchAll(/<figcaption>([\s\S]*?)<\/figcaption>/g)].map((m) => visibleText(m[1]!));
      const alts = tagsOf(main).filter((t) => t.name === "img").map((t) => decodeEntities(t.attrs.find((a) => a.name === "alt")?.value ?? ""));
      expect.soft(h1).toBe(collapse(r.title));
      expect.soft(lead).toBe(collapse(r.summary));
      expect.soft(meta).toContain(`Tại ${collapse(r.location)}`);
      expect.soft(text).toContain(collapse(r.title));
      r.vectors.forEach((v, i) => {
        const shown = collapse(v);
        // Markdown decodes character references in text (&#60; -> <) before escaping it again.
        expect.soft(body.includes(shown) || body.includes(collapse(decodeEntities(v))), `body shows ${v}`).toBe(true);
        expect.soft(attendees[i], `attendee ${i}`).toBe(`${v.length <= 120 ? shown : "Ông Dương Trí Dũng"} – ${shown}`);
        expect.soft(captions[i], `caption ${i}`).toBe(`Hình ${i + 1}: ${shown}`);
        expect.soft(alts[i], `alt ${i}`).toBe(v);
      });
      // The raw forms a reader's browser shows as text.
      if (r.vectors.includes(`<script>alert(1)</script>`)) expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
      // Markdown links to javascript:/vbscript:/data: stay literal text, not links.
      for (const a of tagsOf(main).filter((t) => t.name === "a")) {
        const href = a.attrs.find((x) => x.name === "href")?.value ?? "";
        expect.soft(urlAsRead(href), a.raw).toMatch(/^(https?:|mailto:|\/|#)/);
      }
    }
  });

  it("the front page and the unit's page list the reports with their titles and summaries as text", async () => {
    for (const path of LISTINGS) {
      const { status, text: html, res } = await get(path);
      expect(status, path).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect.soft(htmlProblems(html, "document"), path).toEqual([]);
      const text = visibleText(html);
      for (const r of reports) {
        expect(html, `${path} links ${r.url}`).toContain(`href="${r.url}"`);
        expect.soft(text, `${path} shows the title of ${r.url}`).toContain(collapse(r.title));
        expect.soft(text, `${path} shows the summary of ${r.url}`).toContain(collapse(r.summary));
      }
      expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    }
  });

  const feedCases = [
    { path: "/portal/feed.xml", type: /^application\/rss\+xml/, elements: RSS_ELEMENTS, items: rssItems, xml: true },
    { path: "/portal/atom.xml", type: /^application\/atom\+xml/, elements: ATOM_ELEMENTS, items: atomItems, xml: true },
    { path: "/portal/feed.json", type: /^application\/(feed\+)?json/, elements: null, items: jsonItems, xml: false },
  ] as const;

  for (const f of feedCases) {
    it(`${f.path}: ${f.xml ? "user text cannot add elements to the feed (no CDATA break-out)" : "is a JSON document"}`, async () => {
      const { status, text, res } = await get(f.path);
      expect(status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(f.type);
      if (!f.elements) {
        expect(() => JSON.parse(text)).not.toThrow();
        return;
      }
      const unexpected = [...xmlElementNames(text)].filter((n) => !f.elements!.has(n));
      expect(unexpected, `elements outside the ${f.path} vocabulary (injected through a CDATA break-out)`).toEqual([]);
    });

    it(`${f.path}: lists every corpus report; what readers render as HTML carries no script, handler or dangerous URL`, async () => {
      const { text } = await get(f.path);
      const items = f.items(text);
      for (const r of reports) {
        const item = items.find((i) => i.link === `${BASE}${r.url}`);
        expect(item, `${f.path} lists ${r.url}`).toBeDefined();
        // The title reaches the reader as the text the unit wrote (escaped for HTML where the
        // feed declares HTML), not as markup and not double-escaped.
        expect.soft(item!.titleTexts, `${f.path} title of ${r.url} as a reader shows it`).toContain(collapse(r.title));
        for (const field of item!.fields) {
          expect.soft(htmlProblems(field.html, "fragment"), `${f.path} ${field.name} of ${r.url}`).toEqual([]);
        }
      }
      for (const i of items) expect.soft(dangerousUrl(i.link), i.link).toBe(false);
      if (f.xml) {
        // The brief's check on the raw document: an XML feed shows no raw markup from the units.
        expect.soft(htmlProblems(text, "fragment").filter((p) => !/element <(title|link)> in a fragment/.test(p)), `${f.path} raw`).toEqual([]);
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------

describe("serving the portal from R2", () => {
  let pub: { id: string; url: string };
  let img: string;

  beforeAll(async () => {
    pub = await publishReport({ title: `Tập huấn chuyển đổi số ${marker()}` }, ["Học viên thực hành trên máy tính"]);
    const html = (await get(pub.url)).text;
    // The original as uploaded, behind the page's "Xem ảnh gốc" link (the page shows WebP variants).
    img = /<p class="original"><a href="([^"]+)"/.exec(html)![1]!;
  }, 60_000);

  it("pages, images and feeds have an ETag; If-None-Match with it -> 304 with no body; another ETag -> 200", async () => {
    for (const path of [pub.url, img, "/portal/", Q6_UNIT_PAGE, ...FEEDS]) {
      const first = await get(path);
      expect(first.status, path).toBe(200);
      const etag = first.res.headers.get("etag");
      expect(etag, path).toMatch(/^(W\/)?"[^"]+"$/);
      const again = await get(path, { "if-none-match": etag! });
      expect(again.status, path).toBe(304);
      expect(again.text, path).toBe("");
      expect(again.res.headers.get("etag"), path).toBe(etag);
      const other = await get(path, { "if-none-match": '"not-the-etag"' });
      expect(other.status, path).toBe(200);
      expect(other.text, path).toBe(first.text);
    }
  });

  it("Cache-Control: pages, images and feeds are cached for a minute at most (a retraction or correction can change any of them); never immutable", async () => {
    for (const path of [pub.url, "/portal/", Q6_UNIT_PAGE, img, ...FEEDS]) {
      const cc = (await call(path)).headers.get("cache-control") ?? "";
      expect(cc, path).toMatch(/public/);
      expect(cc, path).not.toMatch(/immutable/);
      const ages = [...cc.matchAll(/(?:s-)?max-age=(\d+)/g)].map((m) => Number(m[1]));
      expect(ages.length, `${path}: ${cc}`).toBeGreaterThan(0);
      for (const age of ages) expect(age, `${path}: ${cc}`).toBeLessThanOrEqual(60);
    }
  });

  it("an object stored with a long-lived Cache-Control (written before the one-minute rule) is served capped", async () => {
    const key = "portal/anh/cu/anh-cu.png";
    await env.BUCKET.put(key, PNG, { httpMetadata: { contentType: "image/png", cacheControl: "public, max-age=31536000, immutable" } });
    const res = await call("/portal/anh/cu/anh-cu.png");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=60");
    const again = await call("/portal/anh/cu/anh-cu.png", { headers: { "if-none-match": res.headers.get("etag")! } });
    expect(again.status).toBe(304);
    expect(again.headers.get("cache-control")).toBe("public, max-age=60");
    await env.BUCKET.delete(key);
  });

  it("Content-Type: HTML for pages, RSS, Atom and JSON Feed for the feeds, the image's own type; nosniff", async () => {
    const expected: [string, RegExp][] = [
      [pub.url, /^text\/html; charset=utf-8$/i],
      ["/portal/", /^text\/html; charset=utf-8$/i],
      [Q6_UNIT_PAGE, /^text\/html; charset=utf-8$/i],
      ["/portal/feed.xml", /^application\/rss\+xml/],
      ["/portal/atom.xml", /^application\/atom\+xml/],
      ["/portal/feed.json", /^application\/(feed\+)?json/],
      [img, /^image\/png$/],
    ];
    for (const [path, type] of expected) {
      const res = await call(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type"), path).toMatch(type);
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
    }
    expect(new Uint8Array(await (await call(img)).arrayBuffer())).toEqual(PNG);
  });

  it("an unknown path answers the Vietnamese 404 page (text/html)", async () => {
    for (const path of ["/portal/khong-co-trang-nay/", "/portal/bai-viet/khong-co-bai-nay-0000000000/", "/portal/bai-viet/khong-co", "/portal/anh/khong-co.png", "/portal/Bai-Viet/", "/portal/feed.xml/", "/portal/trang/999/"]) {
      const { status, text, res } = await get(path);
      expect(status, path).toBe(404);
      expect(res.headers.get("content-type"), path).toMatch(/^text\/html/);
      expect(text, path).toContain("Không tìm thấy");
      expect(text, path).toContain('<html lang="vi"');
    }
  });

  it("a malformed percent-escape in a portal path is a client error (404 page), not a 500", async () => {
    for (const path of ["/portal/%E0%A4%A", "/portal/%", "/portal/bai-viet/%ZZ/"]) {
      const { status, text } = await get(path);
      expect(status, `${path}: ${text.slice(0, 200)}`).toBeLessThan(500);
      expect(status, path).toBe(404);
    }
  });

  it("path traversal never serves R2 objects outside portal/", async () => {
    const secret = `BÍ MẬT ${marker()}`;
    const privateKeys = ["uploads/x", "uploads", "uploads/x/index.html", "uploads/index.html", `uploads/${pub.id}/secret.png`];
    for (const key of privateKeys) await env.BUCKET.put(key, secret, { httpMetadata: { contentType: "text/plain" } });
    const attempts = [
      "/portal/../uploads/x",
      "/portal/%2e%2e/uploads/x",
      "/portal/%2E%2E/uploads/x",
      "/portal/..%2fuploads",
      "/portal/..%2Fuploads%2Fx",
      "/portal/%2e%2e%2fuploads%2fx",
      "/portal/.%2e/uploads/x",
      "/portal/%252e%252e/uploads/x",
      "/portal/anh/../../uploads/x",
      "/portal/anh/..%2f..%2fuploads%2fx",
      "/portal/..\\uploads\\x",
      "/portal/%5c..%5cuploads%5cx",
      "/portal/./../uploads/x/",
      `/portal/../uploads/${pub.id}/secret.png`,
      `/portal/..%2fuploads%2f${pub.id}%2fsecret.png`,
      "/portal//uploads/x",
      "/portal/%2fuploads/x",
    ];
    for (const path of attempts) {
      const { status, text } = await get(path);
      expect(text, path).not.toContain(secret);
      expect(status, path).not.toBe(200);
    }
    for (const key of privateKeys) await env.BUCKET.delete(key);
  });

  it("a page asked for without its trailing slash redirects (301) to the slash form; /portal -> /portal/", async () => {
    // A service-binding fetch follows redirects unless told not to.
    const manual = (path: string) => exports.default.fetch(new Request(`${BASE}${path}`, { redirect: "manual" }));
    for (const url of [pub.url, Q6_UNIT_PAGE]) {
      const res = await manual(url.slice(0, -1));
      expect(res.status, url).toBe(301);
      expect(new URL(res.headers.get("location")!, BASE).pathname).toBe(url);
    }
    const root = await manual("/portal");
    expect(root.status).toBe(301);
    expect(new URL(root.headers.get("location")!, BASE).pathname).toBe("/portal/");
    // A file path (feed, image) is not redirected.
    expect((await manual("/portal/feed.xml")).status).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------

describe("nothing unpublished shows on the portal", () => {
  async function expectAbsent(id: string, words: string[]) {
    const suffix = idSuffix(id);
    expect(await d1Report(id)).toBeTruthy();
    const row = await env.DB.prepare("SELECT published_url FROM reports WHERE id = ?").bind(id).first<{ published_url: string | null }>();
    expect(row?.published_url ?? null).toBeNull();
    expect(await env.DB.prepare("SELECT 1 FROM portal_entries WHERE report_id = ?").bind(id).first()).toBeNull();
    expect((await portalKeys()).filter((k) => k.includes(suffix) || k.includes(id))).toEqual([]);
    for (const path of [...LISTINGS, "/portal/trang/1/", ...FEEDS]) {
      const { status, text } = await get(path);
      if (status === 404) continue; // nothing published yet at all
      expect(status, path).toBe(200);
      expect(text, path).not.toContain(suffix);
      for (const w of words) expect(text, path).not.toContain(w);
    }
  }

  it("reports in review, returned, or approved and scheduled for later have no page and are in no listing or feed", async () => {
    const author = await tokenFor(USERS.quan6);
    const specialist = await tokenFor(USERS.specialist);

    const inReview = marker();
    const a = await createReport(author, { title: `Đang thẩm định ${inReview}`, summary: inReview });
    await upload(author, a.id, `Ảnh ${inReview}`);
    await ok(await submit(author, a.id));
    await ok(await decide(specialist, a.id, { action: "approve", stage: "specialist" }));
    expect(await d1Report(a.id)).toMatchObject({ status: "in_review", stage: "deputy_head" });

    const returned = marker();
    const b = await createReport(author, { title: `Bị trả lại ${returned}`, summary: returned });
    await ok(await submit(author, b.id));
    await ok(await decide(specialist, b.id, { action: "return", stage: "specialist", comment: "Bổ sung số liệu" }));
    expect(await d1Report(b.id)).toMatchObject({ status: "returned" });

    const scheduled = marker();
    const publishAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const c = await createReport(author, { title: `Hẹn giờ đăng ${scheduled}`, summary: scheduled, publishAt });
    await upload(author, c.id, `Ảnh ${scheduled}`);
    await ok(await submit(author, c.id));
    const instance = await introspectWorkflowInstance(env.PUBLISH, publishInstanceId(c.id, 1));
    try {
      await ok(await decide(specialist, c.id, { action: "approve", stage: "specialist" }));
      await ok(await decide(await tokenFor(USERS.deputy), c.id, { action: "approve", stage: "deputy_head" }));
      await ok(await decide(await tokenFor(USERS.director), c.id, { action: "approve", stage: "director" }));
      expect(await instance.waitForStepResult({ name: "decide publication time" })).toBe(publishAt);
      expect(await d1Report(c.id)).toMatchObject({ status: "scheduled" });

      await expectAbsent(a.id, [inReview]);
      await expectAbsent(b.id, [returned]);
      await expectAbsent(c.id, [scheduled]);
      for (const r of [a, b, c]) {
        expect((await call(`/portal/${articlePath(r.title, r.id)}`)).status).toBe(404);
      }
    } finally {
      await instance.dispose();
    }
  });

  it("a draft's uploads/ images are not reachable under /portal/", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await createReport(author, { title: `Bản nháp có ảnh ${marker()}` });
    const att = await upload(author, r.id, "Ảnh nháp");
    const key = (await env.BUCKET.list({ prefix: `uploads/${r.id}/` })).objects[0]!.key;
    expect(key).toBe(`uploads/${r.id}/${att.id}.png`);
    const file = `${att.id}.png`;
    for (const path of [
      `/portal/${key}`,
      `/portal/anh/${r.id}/${file}`,
      `/portal/../${key}`,
      `/portal/%2e%2e/${key}`,
      `/portal/..%2f${key.replaceAll("/", "%2f")}`,
      `/portal/anh/..%2f..%2f${key.replaceAll("/", "%2f")}`,
    ]) {
      const res = await call(path);
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(res.status, path).not.toBe(200);
      expect(res.headers.get("content-type") ?? "", path).not.toMatch(/^image\//);
      expect(bytes.length === PNG.length && bytes.every((b, i) => b === PNG[i]), path).toBe(false);
    }
    expect((await portalKeys()).filter((k) => k.includes(r.id))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe("unpublishing", () => {
  const unpublish = (token: string, id: string, body: unknown) => call(`/api/v1/reports/${id}/unpublish`, { token, json: body });

  /** The page answers 410 (the DO retracts in the same request; a retry from its alarm is polled for briefly). */
  async function waitGone(url: string) {
    let last = 0;
    for (let i = 0; i < 40; i++) {
      last = (await call(url)).status;
      if (last === 410) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(last, `${url} after unpublishing`).toBe(410);
  }

  it("the director unpublishes with a reason: 410 with the reason, gone from index, unit page and all three feeds; an 'unpublish' event", async () => {
    const m = marker();
    const { id, url } = await publishReport({ title: `Bài sẽ bị gỡ ${m}`, summary: `Tóm tắt ${m}` }, ["Ảnh bài sẽ gỡ"]);
    for (const path of [...LISTINGS, ...FEEDS]) expect((await get(path)).text, path).toContain(url);

    const reason = `Số liệu trong bài chưa chính xác <script>alert(1)</script> ${m}`;
    const director = await tokenFor(USERS.director);
    const res = await unpublish(director, id, { reason: `  ${reason}  ` });
    const body = await ok(res);
    expect(body).toMatchObject({ status: "unpublished" });
    expect(await d1Report(id)).toMatchObject({ status: "unpublished" });

    await waitGone(url);
    const gone = await get(url);
    expect(gone.status).toBe(410);
    expect(gone.res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(gone.res.headers.get("cache-control")).toMatch(/max-age=\d+/);
    expect(gone.text).toContain("đã được gỡ");
    expect(visibleText(gone.text)).toContain(`Lý do: ${reason}`);
    expect(gone.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(htmlProblems(gone.text, "document")).toEqual([]);
    expect(gone.text).not.toContain(`Tóm tắt ${m}`); // the article itself is gone, not just marked

    for (const path of [...LISTINGS, "/portal/trang/1/", `${Q6_UNIT_PAGE}trang/1/`, ...FEEDS]) {
      const { status, text } = await get(path);
      expect(status, path).toBe(200);
      expect(text, path).not.toContain(url);
      expect(text, path).not.toContain(m);
    }

    const history = await json(await call(`/api/v1/reports/${id}/history`, { token: director }));
    const event = history.items.find((e: any) => e.action === "unpublish");
    expect(event).toMatchObject({ action: "unpublish", fromStatus: "published", toStatus: "unpublished", comment: reason });
    expect(event.actor?.id).toBeTruthy();
    const me = await json(await call("/api/v1/me", { token: director }));
    expect(event.actor.id).toBe(me.id);

    // A second unpublish has nothing to take down.
    await expectProblem(await unpublish(director, id, { reason: "Gỡ lần thứ hai" }), 409, "conflict");
    expect((await call(url)).status).toBe(410);
  });

  describe("refusals (the page stays up)", () => {
    let pub: { id: string; url: string };
    beforeAll(async () => {
      pub = await publishReport({ title: `Bài không được gỡ ${marker()}` });
    }, 60_000);

    it("an author of the unit, a specialist or a deputy head -> 403; another unit's author -> 404", async () => {
      const reason = { reason: "Tôi muốn gỡ bài này" };
      await expectProblem(await unpublish(await tokenFor(USERS.quan6), pub.id, reason), 403, "forbidden");
      await expectProblem(await unpublish(await tokenFor(USERS.specialist), pub.id, reason), 403, "forbidden");
      await expectProblem(await unpublish(await tokenFor(USERS.deputy), pub.id, reason), 403, "forbidden");
      await expectProblem(await unpublish(await tokenFor(USERS.tanPhu), pub.id, reason), 404, "not-found");
      expect((await call(pub.url)).status).toBe(200);
      expect(await d1Report(pub.id)).toMatchObject({ status: "published" });
      expect((await get("/portal/")).text).toContain(pub.url);
    });

    it("a reason shorter than 5 characters (after trimming), or none -> 422", async () => {
      const director = await tokenFor(USERS.director);
      for (const body of [{ reason: "Sai" }, { reason: "abcd" }, { reason: "   ab   " }, { reason: "" }, {}]) {
        await expectProblem(await unpublish(director, pub.id, body), 422, "validation-failed");
      }
      expect((await call(pub.url)).status).toBe(200);
      expect(await d1Report(pub.id)).toMatchObject({ status: "published" });
    });
  });

  it("unpublishing a report that is not published (in review) -> 409 (404 to a director it has not reached yet)", async () => {
    const author = await tokenFor(USERS.quan6);
    const r = await createReport(author, { title: `Chưa đăng ${marker()}` });
    await ok(await submit(author, r.id));
    await expectProblem(await unpublish(await tokenFor(USERS.director), r.id, { reason: "Gỡ bài chưa đăng" }), 404, "not-found");
    await expectProblem(await unpublish(await tokenFor(USERS.admin), r.id, { reason: "Gỡ bài chưa đăng" }), 409, "conflict");
    expect(await d1Report(r.id)).toMatchObject({ status: "in_review" });
  });

  it("an admin may unpublish too", async () => {
    const { id, url } = await publishReport({ title: `Quản trị gỡ bài ${marker()}` });
    await ok(await unpublish(await tokenFor(USERS.admin), id, { reason: "Trùng với bài đã đăng trước" }));
    await waitGone(url);
    expect((await get("/portal/")).text).not.toContain(url);
  });
});

// ---------------------------------------------------------------------------------------------

describe("corrections", () => {
  it("a corrected report is republished at the same address with the new text and a 'Cập nhật ngày' line; listed once", async () => {
    const before = marker();
    const after = marker();
    const { id, url } = await publishReport({ title: `Hội nghị tổng kết ${before}`, body: `Nội dung ban đầu ${before}.`, summary: `Tóm tắt ${before}` });
    const first = await get(url);
    expect(first.status).toBe(200);
    expect(first.text).toContain(before);
    expect(first.text).not.toContain("Cập nhật ngày");

    const author = await tokenFor(USERS.quan6);
    const current = await call(`/api/v1/reports/${id}`, { token: author });
    const report = await json(current);
    expect(report).toMatchObject({ status: "published", revision: 1, publishedUrl: url });
    const patched = await call(`/api/v1/reports/${id}`, {
      method: "PATCH",
      token: author,
      headers: { "if-match": `"${report.version}"` },
      json: {
        title: `Hội nghị tổng kết (đã hiệu chỉnh) ${after}`,
        body: `Nội dung đã hiệu chỉnh ${after}: 13.184 học viên, đạt 98,6%.`,
        summary: `Tóm tắt mới ${after}`,
        correctionNote: "Hiệu chỉnh số học viên và tỉ lệ tốt nghiệp.",
      },
    });
    const patchedText = await patched.text();
    expect(patched.status, patchedText).toBe(200);
    await ok(await submit(author, id));

    // While the correction is in review, the portal shows the published revision unchanged.
    const during = await get(url);
    expect(during.status).toBe(200);
    expect(visibleText(during.text)).toContain(`Nội dung ban đầu ${before}`);
    expect(during.text).not.toContain(after);
    expect(during.text).not.toContain("Cập nhật ngày");
    expect((await get("/portal/")).text).not.toContain(after);

    const republished = await approveAndPublish(id, 2);
    expect(republished).toBe(url);
    expect(await d1Report(id)).toMatchObject({ status: "published", revision: 2 });

    const page = await get(url);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`Nội dung đã hiệu chỉnh ${after}`);
    expect(page.text).toContain(`Hội nghị tổng kết (đã hiệu chỉnh) ${after}`);
    // The address keeps the first title's slug; the text shown is all new.
    expect(visibleText(page.text)).not.toContain(before);
    expect(visibleText(page.text)).toMatch(/Cập nhật ngày \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    expect(page.res.headers.get("etag")).not.toBe(first.res.headers.get("etag"));

    // One page for the report: the new title's slug does not make a second address.
    const newPath = `/portal/${articlePath(`Hội nghị tổng kết (đã hiệu chỉnh) ${after}`, id)}`;
    if (newPath !== url) expect((await call(newPath)).status).toBe(404);
    // (Its record, index.json, sits beside the one page: DESIGN §14.)
    const keys = (await portalKeys()).filter((k) => k.startsWith("portal/bai-viet/") && k.includes(idSuffix(id)));
    expect(keys.map((k) => k.split("/").pop()).sort()).toEqual(["index.html", "index.json"]);

    for (const path of LISTINGS) {
      const html = (await get(path)).text;
      expect(html.split(`href="${url}"`).length - 1, `${path} lists it once`).toBe(1);
      expect(visibleText(html), path).toContain(`Hội nghị tổng kết (đã hiệu chỉnh) ${after}`);
      expect(visibleText(html), path).not.toContain(before);
    }
    const feed = JSON.parse((await get("/portal/feed.json")).text) as { items: { url: string; title: string }[] };
    const listed = feed.items.filter((i) => i.url === `${BASE}${url}`);
    expect(listed).toHaveLength(1);
    expect(listed[0]!.title).toContain(after);
    for (const [path, items] of [["/portal/feed.xml", rssItems], ["/portal/atom.xml", atomItems]] as const) {
      const entries = items((await get(path)).text).filter((i) => i.link === `${BASE}${url}`);
      expect(entries, path).toHaveLength(1);
      expect(entries[0]!.titleTexts, path).toContain(`Hội nghị tổng kết (đã hiệu chỉnh) ${after}`);
    }
  });
});
