/** @jsxImportSource hono/jsx */
import { viDate } from "../format";
import { Layout } from "./layout";

export type ListingEntry = EntrySummary & { eventDate: string | null };

/** An article as listed (listings and search results): its title linked, unit, date, summary. */
export type EntrySummary = { url: string; title: string; summary: string | null; unitName: string; publishedAt: string };

/** Articles in order, as the front page, the archive, a unit's page and the search list them. */
export function Entries(p: { entries: EntrySummary[] }) {
  return (
    <ol class="entries">
      {p.entries.map((e) => (
        <li>
          <h2>
            <a href={e.url}>{e.title}</a>
          </h2>
          <p class="meta">
            {e.unitName} · <time datetime={e.publishedAt}>{viDate(e.publishedAt)}</time>
          </p>
          {e.summary ? <p>{e.summary}</p> : null}
        </li>
      ))}
    </ol>
  );
}

/** `feed`: the unit's own feeds (a unit's pages), linked in the head and under the heading. */
export function Listing(p: { heading: string; entries: ListingEntry[]; newer: string | null; older: string | null; canonical: string; feed?: { title: string; rss: string; atom: string } }) {
  return (
    <Layout title={p.heading} canonical={p.canonical} feed={p.feed}>
      <h1>{p.heading}</h1>
      {p.feed ? (
        <p class="follow">
          Theo dõi tin của đơn vị: <a href={p.feed.rss}>RSS</a> · <a href={p.feed.atom}>Atom</a> · <a href="/portal/don-vi/">Các đơn vị khác</a>
        </p>
      ) : null}
      {p.entries.length === 0 ? <p>Chưa có tin bài.</p> : null}
      <Entries entries={p.entries} />
      <nav class="pages" aria-label="Phân trang">
        {p.newer ? <a href={p.newer} rel="prev">← Tin mới hơn</a> : <span />}
        {p.older ? <a href={p.older} rel="next">Tin cũ hơn →</a> : <span />}
      </nav>
    </Layout>
  );
}

export function NotFound() {
  return (
    <Layout title="Không tìm thấy trang">
      <h1>Không tìm thấy trang</h1>
      <p>Trang bạn tìm không có hoặc đã được chuyển đi.</p>
      <p>
        <a href="/portal/">Về trang chủ</a>
      </p>
    </Layout>
  );
}

export function Gone(p: { title: string; note: string; at: string }) {
  return (
    <Layout title="Bài viết đã được gỡ">
      <h1>Bài viết đã được gỡ</h1>
      <p>
        Bài “{p.title}” đã được gỡ khỏi cổng thông tin ngày <time datetime={p.at}>{viDate(p.at)}</time>.
      </p>
      <p role="note">Lý do: {p.note}</p>
      <p>
        <a href="/portal/">Về trang chủ</a>
      </p>
    </Layout>
  );
}
