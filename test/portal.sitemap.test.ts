// The sitemap at size (issue 14 point 5): the index and each block read a bounded number of rows
// however many articles the portal holds; blocks follow the order of first publication, hold
// only live articles, and together list each exactly once.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { countingD1 } from "../src/middleware/d1-stats";
import { SITEMAP_BLOCK, sitemapBlockXml, sitemapIndexXml, sitemapPagesXml } from "../src/portal/sitemap";
import { BASE, call } from "./helpers/api";

const N = 2_500; // two full blocks and a half
const RETRACTED = new Set([1, 999, 1000, 1001, 2500]);

beforeAll(async () => {
  const { unit_id, author_id } = (await env.DB.prepare("SELECT unit_id, author_id FROM reports LIMIT 1").first<{ unit_id: string; author_id: string }>()) ??
    (await env.DB.prepare("SELECT u.unit_id, u.id AS author_id FROM users u WHERE u.unit_id IS NOT NULL LIMIT 1").first<{ unit_id: string; author_id: string }>())!;
  const stmts: D1PreparedStatement[] = [];
  const start = Date.UTC(2026, 0, 1);
  for (let seq = 1; seq <= N; seq++) {
    const id = crypto.randomUUID();
    const at = new Date(start + seq * 60_000).toISOString();
    stmts.push(
      env.DB.prepare(
        `INSERT INTO reports (id, unit_id, author_id, kind, title, slug, body, attendees, status, revision, created_at, updated_at)
         VALUES (?, ?, ?, 'news', ?, ?, 'x', '[]', 'published', 1, ?, ?)`,
      ).bind(id, unit_id, author_id, `Tin ${seq}`, id, at, at),
      env.DB.prepare(
        `INSERT INTO portal_entries (report_id, path, unit_id, seq, unit_seq, kind, title, revision, first_published_at, retracted_at, body_text)
         VALUES (?1, ?2, ?3, ?4, ?4, 'news', ?5, 1, ?6, ?7, '')`,
      ).bind(id, `bai-viet/tin-${seq}/`, unit_id, seq, `Tin ${seq}`, at, RETRACTED.has(seq) ? at : null),
    );
  }
  for (let i = 0; i < stmts.length; i += 100) await env.DB.batch(stmts.slice(i, i + 100));
}, 120_000);

const seqsOf = (xml: string) => [...xml.matchAll(/<loc>[^<]*\/portal\/bai-viet\/tin-(\d+)\/<\/loc>/g)].map((m) => Number(m[1]));

describe("sitemap blocks", () => {
  it("the index lists the fixed pages and one block per 1,000 articles, reading one row", async () => {
    const stats = { trips: 0, rowsRead: 0 };
    const xml = await sitemapIndexXml(countingD1(env.DB, stats), BASE);
    const locs = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
    expect(locs).toEqual([`${BASE}/portal/sitemap-trang.xml`, ...[1, 2, 3].map((n) => `${BASE}/portal/sitemap-bai-viet-${n}.xml`)]);
    expect(stats).toEqual({ trips: 1, rowsRead: 1 });
  });

  it("each block holds its range of first publication, live articles only, oldest first, with lastmod; together every live article once", async () => {
    const all: number[] = [];
    for (const n of [1, 2, 3]) {
      const stats = { trips: 0, rowsRead: 0 };
      const xml = (await sitemapBlockXml(countingD1(env.DB, stats), BASE, n))!;
      const seqs = seqsOf(xml);
      const lo = (n - 1) * SITEMAP_BLOCK + 1;
      const hi = Math.min(N, n * SITEMAP_BLOCK);
      const expected = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i).filter((s) => !RETRACTED.has(s));
      expect(seqs).toEqual(expected);
      expect(xml).toMatch(/<url><loc>[^<]+<\/loc><lastmod>2026-01-0[1-3]T\d{2}:\d{2}:00\.000Z<\/lastmod><\/url>/);
      // The block's range of the seq index plus the one-row look-up of the newest: never the table.
      expect(stats.trips).toBe(2);
      expect(stats.rowsRead).toBeLessThanOrEqual(SITEMAP_BLOCK + 2);
      all.push(...seqs);
    }
    expect(all.length).toBe(N - RETRACTED.size);
    expect(new Set(all).size).toBe(all.length);
  });

  it("a block past the newest live article is null (the route's 404); the fixed pages read O(units), not the articles", async () => {
    expect(await sitemapBlockXml(env.DB, BASE, 4)).toBeNull();
    const units = (await env.DB.prepare("SELECT count(*) AS n FROM units").first<{ n: number }>())!.n;
    const stats = { trips: 0, rowsRead: 0 };
    const xml = await sitemapPagesXml(countingD1(env.DB, stats), BASE);
    expect(xml).toContain(`<url><loc>${BASE}/portal/don-vi/</loc></url>`);
    expect(stats.rowsRead).toBeLessThanOrEqual(4 * units + 10);
  });

  it("through the Worker: the index, a block and a block too far", async () => {
    const index = await call("/portal/sitemap.xml");
    expect(index.status).toBe(200);
    expect(await index.text()).toContain(`<sitemap><loc>${BASE}/portal/sitemap-bai-viet-3.xml</loc></sitemap>`);
    const block = await call("/portal/sitemap-bai-viet-2.xml");
    expect(block.status).toBe(200);
    expect(seqsOf(await block.text())[0]).toBe(1002);
    expect((await call("/portal/sitemap-bai-viet-4.xml")).status).toBe(404);
  });

  it("when the newest articles are retracted, the index ends at the newest live one: no empty block at the end", async () => {
    await env.DB.prepare("UPDATE portal_entries SET retracted_at = first_published_at WHERE seq > 2000 AND retracted_at IS NULL").run();
    const index = await sitemapIndexXml(env.DB, BASE);
    expect([...index.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1])).toEqual([`${BASE}/portal/sitemap-trang.xml`, `${BASE}/portal/sitemap-bai-viet-1.xml`, `${BASE}/portal/sitemap-bai-viet-2.xml`]);
    expect(await sitemapBlockXml(env.DB, BASE, 3)).toBeNull();
    expect((await call("/portal/sitemap-bai-viet-3.xml")).status).toBe(404);
  });
});
