/** @jsxImportSource hono/jsx */
import { Layout } from "./layout";

export type DirectoryEntry = { name: string; url: string | null; feed: string | null };

/** Every unit: a link to its page when it has articles on the portal, its name otherwise. */
export function Directory(p: { withArticles: DirectoryEntry[]; without: DirectoryEntry[]; canonical: string }) {
  return (
    <Layout title="Các đơn vị" canonical={p.canonical} description="Trang tin của từng đơn vị trực thuộc đăng trên cổng thông tin.">
      <h1>Các đơn vị</h1>
      <section aria-labelledby="co-tin">
        <h2 id="co-tin">Đơn vị có tin bài</h2>
        {p.withArticles.length === 0 ? <p>Chưa có đơn vị nào đăng tin.</p> : null}
        <ul class="units">
          {p.withArticles.map((u) => (
            <li>
              <a href={u.url ?? undefined}>{u.name}</a>
              {u.feed ? (
                <>
                  {" "}
                  <a class="feed" href={u.feed} aria-label={`RSS của ${u.name}`}>
                    RSS
                  </a>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
      {p.without.length ? (
        <section aria-labelledby="chua-co-tin">
          <h2 id="chua-co-tin">Đơn vị chưa có tin bài</h2>
          <ul class="units plain">
            {p.without.map((u) => (
              <li>{u.name}</li>
            ))}
          </ul>
        </section>
      ) : null}
    </Layout>
  );
}
