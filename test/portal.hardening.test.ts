// The portal against bad input: unusable paths are 404 (never 5xx), protocol-relative links are
// treated as external, and stored text with characters XML forbids cannot break the feeds or pages.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { buildFeeds } from "../src/portal/feeds";
import { renderMarkdown } from "../src/portal/markdown";
import { BASE, call, createReport, tokenFor, USERS } from "./helpers/api";
import { approveAndPublish } from "./helpers/publish";
import { ok, submit } from "./helpers/review";

// ---------------------------------------------------------------------------------------------

describe("unusable portal paths are a 404, never a 5xx", () => {
  async function expectNotFound(path: string) {
    const res = await call(path);
    const text = await res.text();
    const what = `${path.slice(0, 80)}… (${path.length}): ${text.slice(0, 200)}`;
    // '..' segments may lead out of /portal/ before the portal sees the request (URL
    // normalisation): what answers there is not the portal, but it is no server error either.
    if (!new URL(path, BASE).pathname.startsWith("/portal/")) {
      expect(res.status, what).toBeLessThan(500);
      expect(res.status, what).not.toBe(200);
      return;
    }
    // '/portal/a/..' is the front page itself once normalised: nothing outside the portal.
    if (new URL(path, BASE).pathname === "/portal/") {
      expect(res.status, what).toBe(200);
      expect(text).toContain("<h1>Tin tức</h1>");
      return;
    }
    expect(res.status, what).toBe(404);
    expect(res.headers.get("content-type"), path.slice(0, 80)).toMatch(/^text\/html/);
    expect(text).toContain("Không tìm thấy trang");
    expect(text).toContain('<html lang="vi"');
  }

  const long = (n: number, prefix = "/portal/") => prefix + "a".repeat(n - prefix.length);

  it("over-long paths (1,015, 1,100 and 5,000 characters; around R2's 1,024-byte key limit), as files and as folders", async () => {
    for (const n of [1_000, 1_010, 1_014, 1_015, 1_016, 1_017, 1_020, 1_024, 1_025, 1_030, 1_100, 5_000]) {
      await expectNotFound(long(n));
      await expectNotFound(`${long(n - 1)}/`);
      await expectNotFound(`${long(n - 4)}.png`);
      await expectNotFound(long(n, "/portal/bai-viet/"));
    }
    for (const n of [1_015, 1_100, 5_000]) expect(long(n)).toHaveLength(n);
  });

  it("percent-encoded Vietnamese characters, short and over-long; encoded control characters and invalid UTF-8", async () => {
    const vi = encodeURIComponent("hội-nghị-sơ-kết-học-kì-I");
    await expectNotFound(`/portal/bai-viet/${vi}/`);
    await expectNotFound(`/portal/${vi}`);
    await expectNotFound(`/portal/bai-viet/${encodeURIComponent("ệ".repeat(400))}/`); // 3,600 characters encoded, 1,200 bytes decoded
    await expectNotFound(`/portal/${encodeURIComponent("Đ").repeat(1_700)}`);
    await expectNotFound(`/portal/anh/${encodeURIComponent("ảnh")}.png`);
    for (const odd of ["/portal/a%00b", "/portal/%0d%0aset-cookie:x", "/portal/bai-viet/%C3%A1%ZZ/", "/portal/%EF%BF%BE", "/portal/%ED%A0%80"]) await expectNotFound(odd);
  });

  it("'..' segments, plain and encoded, short and over-long", async () => {
    for (const path of [
      "/portal/a/../../x",
      "/portal/bai-viet/../../uploads/x",
      "/portal/bai-viet/%2e%2e/%2e%2e/uploads/x",
      "/portal/bai-viet/..%2f..%2fuploads",
      "/portal/..",
      "/portal/...",
      "/portal/a/..",
      `/portal/${"../".repeat(400)}x`,
      `/portal/${"%2e%2e%2f".repeat(400)}x`,
      `/portal/${"a/..%2f".repeat(300)}x`,
    ]) {
      await expectNotFound(path);
    }
  });

  it("over-long paths with conditional headers still 404", async () => {
    const conditions: Record<string, string>[] = [{ "if-none-match": '"x"' }, { "if-modified-since": "Wed, 21 Oct 2015 07:28:00 GMT" }];
    for (const headers of conditions) {
      const res = await call(long(5_000), { headers });
      expect(res.status).toBe(404);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe("protocol-relative Markdown links are external links", () => {
  const attrs = (html: string, href: string) => {
    const tag = new RegExp(`<a href="${href.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}"([^>]*)>`).exec(html);
    expect(tag, `${href} in ${html}`).not.toBeNull();
    const rel = /\srel="([^"]*)"/.exec(tag![1]!)?.[1]?.split(/\s+/) ?? [];
    const target = /\starget="([^"]*)"/.exec(tag![1]!)?.[1] ?? null;
    return { rel, target };
  };

  it("[x](//evil.example/a) gets rel nofollow noopener (and the target) like https: links", () => {
    const external = attrs(renderMarkdown("[x](https://evil.example/a)"), "https://evil.example/a");
    expect(external.rel).toEqual(expect.arrayContaining(["nofollow", "noopener"]));
    for (const [source, href] of [
      ["[x](//evil.example/a)", "//evil.example/a"],
      ["[x](///evil.example/a)", "///evil.example/a"],
      ["[x](/\\/evil.example/a)", "//evil.example/a"], // an escaped slash is still a slash
      ["[x](<//evil.example/a b>)", "//evil.example/a%20b"],
      ["Xem [tại đây](//evil.example) nhé", "//evil.example"],
    ] as const) {
      const a = attrs(renderMarkdown(source), href);
      expect(a.rel, source).toEqual(expect.arrayContaining(["nofollow", "noopener"]));
      expect(a.rel, source).toEqual(external.rel);
      expect(a.target, source).toBe(external.target);
    }
  });

  it("links within the site keep no rel/target", () => {
    for (const [source, href] of [["[x](/portal/)", "/portal/"], ["[x](#muc-1)", "#muc-1"], ["[x](/portal/a//b)", "/portal/a//b"]] as const) {
      const a = attrs(renderMarkdown(source), href);
      expect(a.rel, source).toEqual([]);
      expect(a.target, source).toBeNull();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// XML 1.0 checks (workerd has no DOMParser): illegal characters, and a small well-formedness
// checker — one root, balanced and properly nested elements, quoted attributes without '<' and
// without duplicates, only the predefined or numeric character references (naming legal
// characters), no stray '&' or '<', no ']]>' in text, well-formed comments, CDATA sections and PIs.

const ILLEGAL_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDFFF]/u;
const NAME = /^[A-Za-z_:][\w.:-]*/;
const legalCodePoint = (n: number) =>
  n === 0x9 || n === 0xa || n === 0xd || (n >= 0x20 && n <= 0xd7ff) || (n >= 0xe000 && n <= 0xfffd) || (n >= 0x10000 && n <= 0x10ffff);

function checkCharData(text: string, where: string): string[] {
  const problems: string[] = [];
  if (text.includes("<")) problems.push(`'<' in ${where}`);
  if (where === "text" && text.includes("]]>")) problems.push("']]>' in text");
  for (const m of text.matchAll(/&([^;]*)(;?)/g)) {
    const ref = m[1]!;
    if (!m[2]) problems.push(`unterminated reference &${ref.slice(0, 10)}`);
    else if (/^#x[0-9a-fA-F]+$/.test(ref) || /^#[0-9]+$/.test(ref)) {
      const n = ref[1] === "x" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!legalCodePoint(n)) problems.push(`reference to an illegal character &${ref};`);
    } else if (!["lt", "gt", "amp", "quot", "apos"].includes(ref)) problems.push(`undeclared entity &${ref};`);
  }
  return problems;
}

function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const illegal = ILLEGAL_XML.exec(xml);
  if (illegal) problems.push(`illegal character U+${illegal[0].charCodeAt(0).toString(16).padStart(4, "0")} at ${illegal.index}`);
  let i = 0;
  const stack: string[] = [];
  let roots = 0;
  if (xml.startsWith("<?xml")) {
    const end = xml.indexOf("?>");
    if (end < 0) return ["unterminated XML declaration"];
    i = end + 2;
  }
  while (i < xml.length && problems.length < 10) {
    const lt = xml.indexOf("<", i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    if (stack.length === 0 && text.trim() !== "") problems.push(`text outside the root element: ${text.slice(0, 40)}`);
    problems.push(...checkCharData(text, "text"));
    if (lt < 0) break;
    const rest = xml.slice(lt);
    if (rest.startsWith("<!--")) {
      const end = xml.indexOf("-->", lt + 4);
      if (end < 0) return [...problems, "unterminated comment"];
      if (xml.slice(lt + 4, end).includes("--")) problems.push("'--' in a comment");
      i = end + 3;
    } else if (rest.startsWith("<![CDATA[")) {
      if (stack.length === 0) problems.push("CDATA outside the root element");
      const end = xml.indexOf("]]>", lt + 9);
      if (end < 0) return [...problems, "unterminated CDATA section"];
      i = end + 3;
    } else if (rest.startsWith("<?")) {
      const end = xml.indexOf("?>", lt + 2);
      if (end < 0 || !NAME.test(rest.slice(2)) || /^xml[\s?]/i.test(rest.slice(2))) problems.push("malformed processing instruction");
      i = end < 0 ? xml.length : end + 2;
    } else if (rest.startsWith("<!")) {
      return [...problems, "DOCTYPE or other declaration (not expected in a feed)"];
    } else if (rest.startsWith("</")) {
      const m = /^<\/([A-Za-z_:][\w.:-]*)\s*>/.exec(rest);
      if (!m) return [...problems, `malformed end tag at ${lt}: ${rest.slice(0, 40)}`];
      const open = stack.pop();
      if (open !== m[1]) return [...problems, `</${m[1]}> closes <${open ?? "nothing"}>`];
      i = lt + m[0].length;
    } else {
      const name = NAME.exec(rest.slice(1))?.[0];
      if (!name) return [...problems, `malformed start tag at ${lt}: ${rest.slice(0, 40)}`];
      let j = lt + 1 + name.length;
      const seen = new Set<string>();
      for (;;) {
        const ws = /^\s*/.exec(xml.slice(j))![0].length;
        j += ws;
        if (xml.startsWith("/>", j) || xml[j] === ">") break;
        const attr = /^([A-Za-z_:][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/.exec(xml.slice(j));
        if (!attr || ws === 0) return [...problems, `malformed attribute in <${name}> at ${j}: ${xml.slice(j, j + 40)}`];
        if (seen.has(attr[1]!)) problems.push(`duplicate attribute ${attr[1]} in <${name}>`);
        seen.add(attr[1]!);
        problems.push(...checkCharData(attr[3] ?? attr[4] ?? "", `attribute ${attr[1]}`));
        j += attr[0].length;
      }
      if (stack.length === 0 && roots++ > 0) problems.push(`second root element <${name}>`);
      if (xml.startsWith("/>", j)) j += 2;
      else {
        stack.push(name);
        j += 1;
      }
      i = j;
    }
  }
  if (stack.length) problems.push(`unclosed elements: ${stack.join(" > ")}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}

/** Every string in a parsed JSON value (JSON escapes control characters, so check them decoded). */
const stringsOf = (v: unknown): string[] =>
  typeof v === "string" ? [v] : Array.isArray(v) ? v.flatMap(stringsOf) : v && typeof v === "object" ? Object.values(v).flatMap(stringsOf) : [];

const DIRTY_CHARS = ["\u0000", "\u0001", "\u0008", "\u000B", "\u000C", "\u001B", "\u001F", "\uFFFE", "\uFFFF"];
const LONE = ["\uD800", "\uDBFF", "\uDC00", "\uDFFF"];
const dirty = (s: string) => `${s.slice(0, 4)}${DIRTY_CHARS.join("")}${s.slice(4, 8)}${LONE.join("x")}${s.slice(8)}\u0002`;

describe("XML-illegal characters in stored text never reach the feeds or pages", () => {
  it("the checker itself: catches illegal characters and malformed XML, passes good XML", () => {
    expect(xmlProblems(`<?xml version="1.0"?><a x="1"><b>t &amp; &#233; <![CDATA[<i>]]></b><c/></a>`)).toEqual([]);
    for (const bad of [
      "<a>\u0001</a>",
      "<a>\uD800</a>",
      "<a>&#1;</a>",
      "<a>&#xD800;</a>",
      "<a>&nbsp;</a>",
      "<a>& </a>",
      "<a><b></a></b>",
      "<a>",
      "<a></a><b></b>",
      '<a x="1" x="2"></a>',
      '<a x="<"></a>',
      "<a x=1></a>",
      "<a>]]></a>",
      "<a><![CDATA[x</a>",
    ]) {
      expect(xmlProblems(bad), bad).not.toEqual([]);
    }
  });

  it("buildFeeds strips control characters and lone surrogates from every field", () => {
    const feeds = buildFeeds("https://sogd.example/portal", [
      { url: "/portal/bai-viet/a-0000000001/", title: dirty("Tiêu đề có ký tự điều khiển"), summary: dirty("Tóm tắt <b>đậm</b> & khác"), unitName: dirty("Trung tâm Quận 6"), publishedAt: "2024-01-23T01:00:00.000Z", updatedAt: null },
      { url: "/portal/bai-viet/b-0000000002/", title: "\u0000\u0001", summary: null, unitName: "x", publishedAt: "2024-01-22T01:00:00.000Z", updatedAt: null },
    ]);
    for (const [name, xml] of [["rss", feeds.rss], ["atom", feeds.atom]] as const) {
      expect(xmlProblems(xml), name).toEqual([]);
      expect(xml, name).toContain("Tiêu đề có ký tự điều khiển".slice(8));
    }
    const parsed = JSON.parse(feeds.json) as { items: { title: string }[] };
    expect(parsed.items[0]!.title).toContain("Tiêu đề có ký tự điều khiển".slice(8));
    expect(stringsOf(parsed).filter((s) => ILLEGAL_XML.test(s))).toEqual([]);
  });

  it("a report stored with such characters (written to D1 directly, before it is frozen at submit) publishes valid feeds and clean pages", async () => {
    const author = await tokenFor(USERS.quan6);
    const tag = `k${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
    const r = await createReport(author, { title: `Bài có ký tự lạ ${tag}` });
    // Bypass the API: submit freezes the row as it is in D1. Text columns hold the control
    // characters; lone surrogates cannot be stored as UTF-8 text, but the JSON attendees column
    // can carry them as \ud800 escapes.
    const noLone = (s: string) => s.replace(/[\uD800-\uDFFF]/g, "");
    const attendees = JSON.stringify([{ name: dirty("Ông Dương Trí Dũng"), title: dirty("Phó Giám đốc") }]);
    expect(attendees).toMatch(/\\ud800/i);
    await env.DB.prepare("UPDATE reports SET title = ?, summary = ?, body = ?, location = ?, attendees = ? WHERE id = ?")
      .bind(noLone(dirty(`Bài có ký tự lạ ${tag}`)), noLone(dirty(`Tóm tắt ${tag}`)), noLone(`${dirty(`Nội dung ${tag}`)}\n\n${dirty("Đoạn hai")}`), noLone(dirty("Hội trường")), attendees, r.id)
      .run();
    await ok(await submit(author, r.id));
    const frozen = await env.DB.prepare("SELECT content FROM report_revisions WHERE report_id = ? AND number = 1").bind(r.id).first<{ content: string }>();
    const content = JSON.parse(frozen!.content);
    expect(content.title).toContain("\u0001");
    expect(content.attendees[0].name).toContain("\uD800");

    const { url } = await approveAndPublish(r.id, 1);
    const entry = await env.DB.prepare("SELECT title, summary FROM portal_entries WHERE report_id = ?").bind(r.id).first<{ title: string; summary: string }>();
    expect(ILLEGAL_XML.test(entry!.title + entry!.summary)).toBe(false);

    for (const path of ["/portal/feed.xml", "/portal/atom.xml"]) {
      const res = await call(path);
      expect(res.status, path).toBe(200);
      const xml = await res.text();
      expect(xml, path).toContain(url!);
      expect(xml, path).toContain(tag);
      expect(xmlProblems(xml), path).toEqual([]);
    }
    const jsonFeed = await (await call("/portal/feed.json")).text();
    expect(stringsOf(JSON.parse(jsonFeed)).filter((s) => ILLEGAL_XML.test(s))).toEqual([]);

    for (const path of [url!, "/portal/"]) {
      const html = await (await call(path)).text();
      expect(html, path).toContain(tag);
      expect(ILLEGAL_XML.test(html), path).toBe(false);
      expect(html, path).not.toContain("\uFFFD"); // stripped, not replaced
    }
  }, 60_000);
});
