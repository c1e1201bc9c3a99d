/** @jsxImportSource hono/jsx */
import { raw } from "hono/html";
import { viDate, viDateTime } from "../format";
import { AttendeeList, resultsSentence } from "./parts";
import { Layout } from "./layout";

export type ArticleProps = {
  title: string;
  summary: string | null;
  bodyHtml: string;
  eventDate: string | null;
  location: string | null;
  unitName: string;
  attendees: { name: string; title: string }[];
  figures: { src: string; caption: string; width?: number }[];
  /** Structured figures of a periodic report. */
  results: { period: string; enrolled: number; completed: number; rate: number } | null;
  sourceUrl: string | null;
  /** `signedAs`: "KT. Giám đốc" for an approval made under a delegation, printed before the name. */
  approvals: { label: string; name: string; at: string; signedAs?: string | null }[];
  publishedAt: string;
  updatedAt: string | null;
  canonical: string;
};

export function Article(p: ArticleProps) {
  return (
    <Layout title={p.title} description={p.summary ?? undefined} canonical={p.canonical}>
      <article>
        <h1>{p.title}</h1>
        <p class="meta">
          {p.eventDate ? <>Ngày <time datetime={p.eventDate}>{viDate(p.eventDate)}</time></> : null}
          {p.eventDate && p.location ? " · " : null}
          {p.location ? <>Tại {p.location}</> : null}
          {(p.eventDate || p.location) ? " · " : null}
          {p.unitName} · Đăng ngày <time datetime={p.publishedAt}>{viDate(p.publishedAt)}</time>
        </p>
        {p.updatedAt ? (
          <p class="updated" role="note">
            Cập nhật ngày <time datetime={p.updatedAt}>{viDateTime(p.updatedAt)}</time>: bài đã được đơn vị hiệu chỉnh và thẩm định lại.
          </p>
        ) : null}
        {p.summary ? <p class="lead">{p.summary}</p> : null}
        <div class="body">{raw(p.bodyHtml)}</div>
        {p.results ? (
          <section aria-labelledby="ket-qua">
            <h2 id="ket-qua">Kết quả {p.results.period}</h2>
            <p>{resultsSentence(p.results)}</p>
          </section>
        ) : null}
        {p.attendees.length ? (
          <section aria-labelledby="dai-bieu">
            <h2 id="dai-bieu">Đại biểu tham dự</h2>
            <AttendeeList attendees={p.attendees} />
          </section>
        ) : null}
        {p.figures.length ? (
          <section aria-labelledby="hinh-anh">
            <h2 id="hinh-anh">Hình ảnh</h2>
            {p.figures.map((f, i) => (
              <figure>
                <img src={f.src} alt={f.caption} loading="lazy" decoding="async" />
                <figcaption>
                  Hình {i + 1}: {f.caption}
                </figcaption>
              </figure>
            ))}
          </section>
        ) : null}
        {p.sourceUrl ? (
          <p>
            <a href={p.sourceUrl} rel="noopener noreferrer nofollow">
              Liên kết bài viết gốc
            </a>
          </p>
        ) : null}
        <section class="stamp" aria-label="Thẩm định">
          <p>Bài viết đã được thẩm định và phê duyệt:</p>
          <ul>
            {p.approvals.map((a) => (
              <li>
                {a.label}: {a.signedAs ? `${a.signedAs} ${a.name}` : a.name}, <time datetime={a.at}>{viDateTime(a.at)}</time>
              </li>
            ))}
          </ul>
        </section>
      </article>
    </Layout>
  );
}
