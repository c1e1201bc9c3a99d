// RSS 2.0, Atom and JSON Feed of the latest live entries, made with the `feed` library.
import { Feed } from "feed";
import { SITE_NAME } from "./views/layout";

export type FeedEntry = { url: string; title: string; summary: string | null; unitName: string; publishedAt: string; updatedAt: string | null };

export function buildFeeds(baseUrl: string, entries: FeedEntry[]): { rss: string; atom: string; json: string } {
  const site = baseUrl.replace(/\/portal\/?$/, "");
  const feed = new Feed({
    title: `${SITE_NAME} — Tin tức`,
    description: "Tin tức, sự kiện và báo cáo của các đơn vị trực thuộc, đã được thẩm định.",
    id: `${site}/portal/`,
    link: `${site}/portal/`,
    language: "vi",
    copyright: `© ${SITE_NAME}`,
    updated: entries[0] ? new Date(entries[0].updatedAt ?? entries[0].publishedAt) : new Date(0),
    feedLinks: { rss: `${site}/portal/feed.xml`, atom: `${site}/portal/atom.xml`, json: `${site}/portal/feed.json` },
  });
  for (const e of entries) {
    feed.addItem({
      title: e.title,
      id: `${site}${e.url}`,
      link: `${site}${e.url}`,
      description: e.summary ?? undefined,
      author: [{ name: e.unitName }],
      date: new Date(e.updatedAt ?? e.publishedAt),
      published: new Date(e.publishedAt),
    });
  }
  return { rss: feed.rss2(), atom: feed.atom1(), json: feed.json1() };
}
