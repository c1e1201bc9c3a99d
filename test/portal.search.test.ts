// The portal's search (DESIGN.md section 14, issue 14 point 4): GET /portal/search?q= finds live
// articles by words with or without diacritics (đ = d), newest first, 20 a page with a cursor;
// FTS syntax in the reader's words is just words; every bad input is a clear page, never a 5xx,
// never unescaped markup; a page reads O(page) rows; a search box on every portal page.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { countingD1 } from "../src/middleware/d1-stats";
import { portalMatch, SEARCH_PAGE, SEARCH_SQL, searchPortal } from "../src/portal/search";
import { call, tokenFor, USERS } from "./helpers/api";
import { publishedReport } from "./helpers/publish";
import { ok } from "./helpers/review";

const tag = () => `t${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;

async function get(path: string) {
  const res = await call(path);
  return { res, status: res.status, text: await res.text() };
}

const search = (q: string, extra = "") => get(`/portal/search?q=${encodeURIComponent(q)}${extra}`);

/** The result links of a search page, in order. */
const resultLinks = (html: string) => [...html.matchAll(/<li><h2><a href="([^"]+)">/g)].map((m) => m[1]!);

/** The "Trang sau" link of a search page (HTML-decoded), or null. */
function nextLink(html: string): string | null {
  const m = html.match(/<a href="([^"]+)" rel="next">Trang sau/);
  return m ? m[1]!.replaceAll("&amp;", "&") : null;
}

function expectShortCache(res: Response) {
  const cc = res.headers.get("cache-control") ?? "";
  const ages = [...cc.matchAll(/max-age=(\d+)/g)].map((m) => Number(m[1]));
  expect(ages.length, cc).toBeGreaterThan(0);
  for (const a of ages) expect(a, cc).toBeLessThanOrEqual(60);
}

async function unpublish(id: string, url: string) {
  await ok(await call(`/api/v1/reports/${id}/unpublish`, { token: await tokenFor(USERS.director), json: { reason: "Bài đăng nhầm đơn vị" } }));
  for (let i = 0; i < 40 && (await call(url)).status !== 410; i++) await new Promise((r) => setTimeout(r, 50));
  expect((await call(url)).status).toBe(410);
}

const T = tag();
let dalat: { id: string; url: string };
let ops: { id: string; url: string };

beforeAll(async () => {
  // Published through the whole chain (PUBLISH writes body_text, the triggers index it).
  dalat = (await publishedReport({
    title: `Tập huấn giáo viên tại Đà Lạt ${T}`,
    summary: `Khóa bồi dưỡng hè ${T}.`,
    body: `Trung tâm tổ chức **công tác đào tạo** nghề cho học viên ${T}.\n\n- Mục một\n- Mục hai &amp; ba\n\n<script>alert("x")</script>`,
  })) as { id: string; url: string };
  ops = (await publishedReport({
    title: `Hội thảo chuyên đề ${T}`,
    summary: null,
    body: `Bàn về các từ khóa NEAR OR AND NOT trong tìm kiếm ${T}, và dấu "ngoặc kép".`,
  })) as { id: string; url: string };
}, 120_000);

describe("body_text", () => {
  it("is the published revision's body as plain text: Markdown rendered, entities decoded, raw HTML kept as the words the page shows", async () => {
    const row = await env.DB.prepare("SELECT body_text FROM portal_entries WHERE report_id = ?").bind(dalat.id).first<{ body_text: string }>();
    expect(row!.body_text).toBe(`Trung tâm tổ chức công tác đào tạo nghề cho học viên ${T}.\n\nMục một\n\nMục hai & ba\n\n<script>alert("x")</script>`);
  });
});

describe("words with and without diacritics", () => {
  for (const q of ["da lat", "Đà Lạt", "ĐÀ LẠT", "dao tao", "đào tạo", "Dao Tao", "boi duong he", "cong tac dao tao nghe"]) {
    it(`"${q}" finds the article`, async () => {
      const { status, text, res } = await search(`${q} ${T}`);
      expect(status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expectShortCache(res);
      expect(resultLinks(text)).toEqual([dalat.url]);
      expect(text).toContain(`Tập huấn giáo viên tại Đà Lạt ${T}`);
      expect(text).toContain("Trung tâm GDNN-GDTX Quận 6");
      expect(text).toMatch(/<time datetime="[^"]+">\d{2}\/\d{2}\/\d{4}<\/time>/);
      expect(text).toContain(`Khóa bồi dưỡng hè ${T}.`);
    });
  }

  it("every word must match: a word the article lacks finds nothing", async () => {
    const { status, text } = await search(`da lat ${T} khongcotu`);
    expect(status).toBe(200);
    expect(resultLinks(text)).toEqual([]);
    expect(text).toContain("Không tìm thấy bài viết nào phù hợp");
  });

  it("newest first: both articles match the tag, the later one leads", async () => {
    const { text } = await search(T);
    expect(resultLinks(text)).toEqual([ops.url, dalat.url]);
  });
});

describe("FTS syntax is just words", () => {
  it("NEAR OR AND NOT are words the article holds, not operators (an OR would also find the other article)", async () => {
    const { status, text } = await search(`NEAR OR ${T}`);
    expect(status).toBe(200);
    expect(resultLinks(text)).toEqual([ops.url]);
    expect(resultLinks((await search(`NOT ${T}`)).text)).toEqual([ops.url]);
    expect(resultLinks((await search(`${T} AND ngoặc kép`)).text)).toEqual([ops.url]);
  });

  for (const q of ['"', '""', "*", `${"*"}${"*"}`, "NEAR", "NEAR(", `NEAR(a b, 2)`, "OR", "a OR", "AND", "NOT", "(", ")", "((a)", "^", "^a", ":", "title:a", "body : x", "{title}: a", '"unclosed', "a*", "-a", "+", "a - b", "'", "\\", "%", "_", "NEAR/3", "'; DROP TABLE portal_entries; --"]) {
    it(`q=${JSON.stringify(q)} is a page, never a 5xx`, async () => {
      const { status, text } = await search(q);
      expect(status, text.slice(0, 300)).toBe(200);
      expect(text).toContain("<!doctype html>");
    });
  }

  it("quotes around words still find them", async () => {
    expect(resultLinks((await search(`"da lat" "${T}"`)).text)).toEqual([dalat.url]);
    expect(resultLinks((await search(`${T}: da*lat`)).text)).toEqual([dalat.url]);
  });

  it("the MATCH expression is quoted terms only", () => {
    expect(portalMatch('NEAR(a b) OR "c" title:đ*')).toBe('"NEAR" "a" "b" "OR" "c" "title" "d"');
    expect(portalMatch("!!! ... ???")).toBeNull();
    expect(portalMatch("Đường")).toBe('"Dường"');
  });
});

describe("bad input", () => {
  it("empty q: the search page with a hint, 200, and no D1 read", async () => {
    for (const path of ["/portal/search", "/portal/search?q=", "/portal/search?q=%20%20%20"]) {
      const { status, text, res } = await get(path);
      expect(status, path).toBe(200);
      expect(text).toContain("Nhập một hoặc vài từ");
      expect(resultLinks(text)).toEqual([]);
      expectShortCache(res);
    }
  });

  it("all punctuation: no results page, 200", async () => {
    const { status, text } = await search("!!! ... ??? --- ***");
    expect(status).toBe(200);
    expect(text).toContain("Không tìm thấy bài viết nào phù hợp");
  });

  it("over 200 characters: 400 with a Vietnamese page saying so; 10,000 characters likewise", async () => {
    for (const q of ["a".repeat(201), `${"đào tạo ".repeat(1250)}`]) {
      const { status, text, res } = await search(q);
      expect(status).toBe(400);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(text).toContain("Chuỗi tìm kiếm quá dài: tối đa 200 ký tự");
    }
    // 200 characters exactly is a search.
    expect((await search(`${T} ${"x".repeat(200 - T.length - 1)}`)).status).toBe(200);
  });

  it("<script> in q is escaped wherever the page shows it", async () => {
    const q = `<script>alert(1)</script>"><img src=x onerror=alert(2)> ${T}`;
    const { status, text } = await search(q);
    expect(status).toBe(200);
    expect(text).not.toContain("<script>alert(1)");
    expect(text).not.toContain("<img src=x");
    expect(text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    // The words still search: "script", "alert", "1"... are not in the articles.
    expect(resultLinks(text)).toEqual([]);
  });

  it("a malformed escape, a bad cursor and repeated parameters are pages too", async () => {
    expect((await get("/portal/search?q=%E0%A4%A")).status).toBeLessThan(500);
    expect((await get("/portal/search?q=%")).status).toBeLessThan(500);
    const bad = await search(T, "&truoc=abc");
    expect(bad.status).toBe(200);
    expect(resultLinks(bad.text)).toEqual([ops.url, dalat.url]);
    expect((await search(T, "&truoc=-1")).status).toBe(200);
    expect((await search(T, "&truoc=99999999999999999999")).status).toBe(200);
    expect((await get(`/portal/search?q=${T}&q=khac`)).status).toBe(200);
    expect((await get(`/portal/search/?q=${T}`)).status).toBe(301);
  });
});

describe("retraction", () => {
  it("a retracted article disappears from the results", async () => {
    const t = tag();
    const gone = (await publishedReport({ title: `Bài sẽ bị gỡ ${t}`, body: `Nội dung đào tạo ${t}.` })) as { id: string; url: string };
    expect(resultLinks((await search(`dao tao ${t}`)).text)).toEqual([gone.url]);
    await unpublish(gone.id, gone.url);
    const after = await search(`dao tao ${t}`);
    expect(after.status).toBe(200);
    expect(resultLinks(after.text)).toEqual([]);
    expect(after.text).not.toContain(`Bài sẽ bị gỡ ${t}`);
  }, 60_000);
});

describe("at volume: 300 articles", () => {
  const V = tag();
  const N = 300;

  beforeAll(async () => {
    const { unit_id, author_id } = (await env.DB.prepare(
      "SELECT r.unit_id, r.author_id FROM reports r WHERE r.id = ?",
    )
      .bind(dalat.id)
      .first<{ unit_id: string; author_id: string }>())!;
    const now = Date.now();
    const stmts: D1PreparedStatement[] = [];
    for (let i = 0; i < N; i++) {
      const id = crypto.randomUUID();
      const at = new Date(now - (N - i) * 60_000).toISOString();
      stmts.push(
        env.DB.prepare(
          `INSERT INTO reports (id, unit_id, author_id, kind, title, slug, body, attendees, status, revision, created_at, updated_at)
           VALUES (?, ?, ?, 'news', ?, ?, 'x', '[]', 'published', 1, ?, ?)`,
        ).bind(id, unit_id, author_id, `Tin số ${i}`, id, at, at),
        env.DB.prepare(
          `INSERT INTO portal_entries (report_id, path, unit_id, seq, unit_seq, kind, title, summary, revision, first_published_at, body_text)
           VALUES (?1, ?2, ?3, (SELECT coalesce(max(seq), 0) + 1 FROM portal_entries),
             (SELECT coalesce(max(unit_seq), 0) + 1 FROM portal_entries WHERE unit_id = ?3), 'news', ?4, NULL, 1, ?5, ?6)`,
        ).bind(id, `bai-viet/tin-so-${i}-${id.replaceAll("-", "").slice(-10)}/`, unit_id, `Tin số ${i} về đào tạo ${V}`, at, `Nội dung số ${i}. Đà Lạt ${V}.`),
      );
    }
    for (let i = 0; i < stmts.length; i += 100) await env.DB.batch(stmts.slice(i, i + 100));
  }, 60_000);

  it("the plan walks portal_fts by MATCH and joins each hit by index: no scan of portal_entries or units, no sort", async () => {
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${SEARCH_SQL}`).bind(portalMatch(`dao tao ${V}`), 1e15, SEARCH_PAGE + 1).all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail);
    // FTS5's plan string: M = MATCH, "<" = the rowid bound (the cursor) handed to FTS5.
    expect(details.join("\n")).toMatch(/SCAN portal_fts VIRTUAL TABLE INDEX \d+:M\d*</);
    expect(details.filter((d) => /^SCAN (e|u|portal_entries|units)\b/.test(d))).toEqual([]);
    expect(details.filter((d) => /TEMP B-TREE/.test(d))).toEqual([]);
    expect(details.some((d) => /^SEARCH e USING INDEX portal_entries_(seq_uq|live_idx) \(.*seq=\?\)/.test(d)), details.join("\n")).toBe(true);
    expect(details.some((d) => /^SEARCH u USING INDEX sqlite_autoindex_units_1|^SEARCH u USING (INTEGER )?PRIMARY KEY/.test(d))).toBe(true);
  });

  it("pages of 20, newest first, by cursor: every match exactly once, in falling order", async () => {
    let path: string | null = `/portal/search?q=${encodeURIComponent(`dao tao ${V}`)}`;
    const seen: string[] = [];
    let pages = 0;
    while (path) {
      const { status, text } = await get(path);
      expect(status).toBe(200);
      const links = resultLinks(text);
      pages++;
      expect(links.length).toBe(pages <= N / SEARCH_PAGE ? SEARCH_PAGE : 0);
      seen.push(...links);
      path = nextLink(text);
      if (path) expect(path).toMatch(/^\/portal\/search\?q=[^&]+&truoc=\d+$/);
      expect(pages).toBeLessThan(30);
    }
    expect(pages).toBe(N / SEARCH_PAGE);
    expect(seen.length).toBe(N);
    expect(new Set(seen).size).toBe(N);
    const numbers = seen.map((u) => Number(u.match(/tin-so-(\d+)-/)![1]));
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    expect(numbers[0]).toBe(N - 1);
  });

  it("every page reads O(page) rows, however many articles match and however deep the page", async () => {
    const measure = async (before: number | null) => {
      const stats = { trips: 0, rowsRead: 0 };
      const hits = await searchPortal(countingD1(env.DB, stats), portalMatch(`da lat ${V}`)!, before);
      expect(hits.length).toBe(SEARCH_PAGE + 1);
      return stats.rowsRead;
    };
    // 300 matches: a page reads its FTS rows, the entry by index and the unit (82 measured for 21
    // hits), whatever lies above it.
    const bound = 4 * (SEARCH_PAGE + 1) + 10;
    expect(await measure(null)).toBeLessThanOrEqual(bound);
    const seqOf = async (n: number) =>
      (await env.DB.prepare("SELECT seq FROM portal_entries WHERE title = ?").bind(`Tin số ${n} về đào tạo ${V}`).first<{ seq: number }>())!.seq;
    // The cursor is a JavaScript number (D1 binds it as REAL): FTS5 must still take the bound,
    // or each of the newer matches is read and thrown away (250 rows for the page below 50).
    for (const n of [250, 100, 30]) expect(await measure(await seqOf(n)), `below Tin số ${n}`).toBeLessThanOrEqual(bound);
  });

  it("a word in one article only is found without reading the others", async () => {
    const stats = { trips: 0, rowsRead: 0 };
    const hits = await searchPortal(countingD1(env.DB, stats), portalMatch(`tin so 137 ${V}`)!, null);
    expect(hits.map((h) => h.title)).toEqual([`Tin số 137 về đào tạo ${V}`]);
    expect(stats.rowsRead).toBeLessThan(30);
  });
});

describe("a search box on every portal page", () => {
  it("front page, unit page, article page, archive-less 404 and the search page itself carry the form", async () => {
    const unitPage = (await get("/portal/")).text.match(/href="(\/portal\/don-vi\/[^"]+\/)"/);
    for (const path of ["/portal/", dalat.url, "/portal/khong-co-trang-nay/", "/portal/search", unitPage ? unitPage[1]! : "/portal/"]) {
      const { text } = await get(path);
      expect(text, path).toMatch(/<form class="search" role="search" action="\/portal\/search" method="get">/);
      expect(text, path).toMatch(/<label for="tim-kiem" class="sr">Tìm kiếm<\/label>/);
      expect(text, path).toMatch(/<input id="tim-kiem" type="search" name="q"/);
    }
  });

  it("the search page fills the box with the reader's words", async () => {
    const { text } = await search(`Đà Lạt ${T}`);
    expect(text).toContain(`<input id="tim-kiem" type="search" name="q" value="Đà Lạt ${T}"`);
    expect(text).toContain('<meta name="robots" content="noindex, follow"/>');
  });
});
