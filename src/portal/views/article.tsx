/** @jsxImportSource hono/jsx */
import { raw } from "hono/html";
import { bareCaption, type Figure } from "../images";
import { placeFigures } from "../markdown";
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
  /** In caption order; older publications carry only src and caption. */
  figures: (Pick<Figure, "src" | "caption"> & Partial<Figure>)[];
  /** Structured figures of a periodic report. */
  results: { period: string; enrolled: number; completed: number; rate: number } | null;
  sourceUrl: string | null;
  /** `signedAs`: "KT. Giám đốc" for an approval made under a delegation, printed before the name. */
  approvals: { label: string; name: string; at: string; signedAs?: string | null }[];
  publishedAt: string;
  updatedAt: string | null;
  canonical: string;
  /** The public correction log, oldest first (DESIGN.md section 14); absent on older publications. */
  corrections?: { at: string; note: string }[];
};

/**
 * Image n (1-based) as a figure: the 960px variant, the others in srcset, its size reserved by
 * width and height. The first image on the page is the likely LCP element: fetched at once.
 */
function FigureView(props: { f: ArticleProps["figures"][number]; n: number; first: boolean }) {
  const { f, n, first } = props;
  const caption = bareCaption(f.caption);
  return (
    <figure id={`hinh-${n}`}>
      <img
        src={f.src}
        srcset={f.srcset}
        sizes={f.srcset ? "(max-width: 800px) 100vw, 760px" : undefined}
        width={f.width}
        height={f.height}
        alt={caption}
        loading={first ? "eager" : "lazy"}
        fetchpriority={first ? "high" : undefined}
        decoding="async"
      />
      {/* The full-size upload only when asked for; outside the caption, which reads as the caption alone. */}
      {f.original ? (
        <p class="original">
          <a href={f.original} aria-label={`Xem ảnh gốc của hình ${n}`}>
            Xem ảnh gốc
          </a>
        </p>
      ) : null}
      <figcaption>
        Hình {n}: {caption}
      </figcaption>
    </figure>
  );
}

export function Article(p: ArticleProps) {
  // Images the text places ("[Hình 2]") go there; the rest follow the text, in order.
  let shown = 0;
  const figureHtml = (n: number) => {
    const f = p.figures[n - 1];
    return f ? String(<FigureView f={f} n={n} first={shown++ === 0} />) : null;
  };
  const body = placeFigures(p.bodyHtml, figureHtml);
  const rest = p.figures.map((f, i) => ({ f, n: i + 1 })).filter(({ n }) => !body.placed.has(n));
  return (
    <Layout title={p.title} description={p.summary ?? undefined} canonical={p.canonical} type="article" image={p.figures[0]?.src}>
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
        {p.corrections?.length ? (
          <section class="corrections" aria-label="Đính chính">
            <ul>
              {p.corrections.map((c) => (
                <li>
                  Đính chính ngày <time datetime={c.at}>{viDateTime(c.at)}</time>: {c.note}
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        {p.summary ? <p class="lead">{p.summary}</p> : null}
        <div class="body">{raw(body.html)}</div>
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
        {rest.length ? (
          <section aria-labelledby="hinh-anh">
            <h2 id="hinh-anh">Hình ảnh</h2>
            {rest.map(({ f, n }) => (
              <FigureView f={f} n={n} first={shown++ === 0} />
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
