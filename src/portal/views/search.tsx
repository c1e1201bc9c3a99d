/** @jsxImportSource hono/jsx */
import { Layout } from "./layout";
import { Entries, type EntrySummary } from "./listing";

export type SearchResult = EntrySummary;

export type SearchPageProps = {
  /** The reader's words as typed (escaped by JSX wherever they are shown). */
  query: string;
  /** What happened: nothing asked yet, too long, nothing searchable in it, or a page of results. */
  state: "empty" | "too-long" | "no-words" | "results";
  results: SearchResult[];
  /** The next (older) page's address, when there is one. */
  next: string | null;
  /** Not the first page (a link back to the newest matches). */
  continued: boolean;
  canonical?: string;
  maxLength: number;
};

export function SearchPage(p: SearchPageProps) {
  const heading = p.state === "results" || p.state === "no-words" ? `Kết quả tìm kiếm: “${p.query}”` : "Tìm kiếm";
  return (
    <Layout title={heading} query={p.query} canonical={p.canonical} noindex={p.state !== "empty"}>
      <h1>{heading}</h1>
      <form class="search-main" role="search" action="/portal/search" method="get">
        <label for="q-trang">Từ cần tìm</label>
        <div class="row">
          <input id="q-trang" type="search" name="q" value={p.query} maxlength={p.maxLength} aria-describedby="goi-y" />
          <button type="submit">Tìm kiếm</button>
        </div>
        <p id="goi-y" class="hint">
          Gõ có dấu hoặc không dấu đều được (“Đà Lạt” hay “da lat”). Kết quả xếp theo ngày đăng, bài mới nhất trước.
        </p>
      </form>
      {p.state === "empty" ? <p>Nhập một hoặc vài từ có trong tiêu đề, tóm tắt hoặc nội dung bài viết rồi bấm “Tìm kiếm”.</p> : null}
      {p.state === "too-long" ? (
        <p role="alert" class="problem">
          Chuỗi tìm kiếm quá dài: tối đa {p.maxLength} ký tự. Hãy rút gọn còn vài từ chính.
        </p>
      ) : null}
      {p.state === "no-words" || (p.state === "results" && p.results.length === 0) ? (
        <p role="status">{p.continued ? "Không còn bài viết nào khác phù hợp." : "Không tìm thấy bài viết nào phù hợp. Hãy thử từ khác, ít từ hơn, hoặc bỏ bớt dấu câu."}</p>
      ) : null}
      {p.results.length ? (
        <Entries entries={p.results} />
      ) : null}
      {p.next || p.continued ? (
        <nav class="pages" aria-label="Phân trang kết quả">
          {p.continued ? <a href={`/portal/search?q=${encodeURIComponent(p.query)}`}>← Kết quả mới nhất</a> : <span />}
          {p.next ? <a href={p.next} rel="next">Trang sau →</a> : <span />}
        </nav>
      ) : null}
    </Layout>
  );
}
