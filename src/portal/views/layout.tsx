/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { ASSET_URLS } from "../../assets.gen";

// The stylesheet is a static file (public/portal/assets/portal.css): a page stored in R2 links it,
// and the Content-Security-Policy allows no inline style.
export const SITE_NAME = "Sở Giáo dục và Đào tạo";

export type LayoutProps = {
  title: string;
  description?: string;
  /** The page's absolute address: `<link rel="canonical">` and `og:url`. */
  canonical?: string;
  /** A picture for link previews (`og:image`); a site-relative address is resolved against `canonical`. */
  image?: string;
  /** `og:type`: "article" for an article page, "website" otherwise. */
  type?: "website" | "article";
  /** A feed of this page's entries besides the portal's own (a unit's page). */
  feed?: { title: string; rss: string; atom: string };
  /** What the search box shows (the search page fills it with the reader's words). */
  query?: string;
  /** Keep the page out of search engines' indexes (search results). */
  noindex?: boolean;
  children: Child;
};

/** An address for link previews: they need it absolute, so a relative one is resolved against the page's. */
function absolute(url: string, base: string | undefined): string | undefined {
  try {
    return new URL(url, base).href;
  } catch {
    return undefined; // no absolute base: a relative address is useless to a preview
  }
}

export function Layout(props: LayoutProps) {
  const image = props.image ? absolute(props.image, props.canonical) : undefined;
  return (
    <html lang="vi">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} — ${SITE_NAME}`}</title>
        {props.description ? <meta name="description" content={props.description} /> : null}
        {props.noindex ? <meta name="robots" content="noindex, follow" /> : null}
        {props.canonical ? <link rel="canonical" href={props.canonical} /> : null}
        <meta property="og:site_name" content={SITE_NAME} />
        <meta property="og:locale" content="vi_VN" />
        <meta property="og:type" content={props.type ?? "website"} />
        <meta property="og:title" content={props.title} />
        {props.description ? <meta property="og:description" content={props.description} /> : null}
        {props.canonical ? <meta property="og:url" content={props.canonical} /> : null}
        {image ? <meta property="og:image" content={image} /> : null}
        <link rel="alternate" type="application/rss+xml" title={`${SITE_NAME} — RSS`} href="/portal/feed.xml" />
        <link rel="alternate" type="application/atom+xml" title={`${SITE_NAME} — Atom`} href="/portal/atom.xml" />
        {props.feed ? <link rel="alternate" type="application/rss+xml" title={`${props.feed.title} — RSS`} href={props.feed.rss} /> : null}
        {props.feed ? <link rel="alternate" type="application/atom+xml" title={`${props.feed.title} — Atom`} href={props.feed.atom} /> : null}
        <link rel="stylesheet" href={ASSET_URLS.portalCss} />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
      </head>
      <body>
        <a class="skip" href="#noi-dung">
          Bỏ qua, đến nội dung chính
        </a>
        <header>
          <div class="wrap">
            <a class="site" href="/portal/">
              {SITE_NAME} — Tin tức
            </a>
            <nav aria-label="Liên kết chính">
              <a href="/portal/">Trang chủ</a> · <a href="/portal/don-vi/">Đơn vị</a> · <a href="/portal/feed.xml">RSS</a>
            </nav>
            {/* GET, so a search is an address that can be bookmarked and shared. */}
            <form class="search" role="search" action="/portal/search" method="get">
              <label for="tim-kiem" class="sr">Tìm kiếm</label>
              <input id="tim-kiem" type="search" name="q" value={props.query ?? ""} maxlength={200} placeholder="Từ cần tìm" autocomplete="off" />
              <button type="submit">Tìm</button>
            </form>
          </div>
        </header>
        <main id="noi-dung" class="wrap">
          {props.children}
        </main>
        <footer>
          <div class="wrap">
            <p>© {SITE_NAME}. Tin bài do các đơn vị gửi, đã được thẩm định trước khi đăng.</p>
            <p>
              <a href="/portal/don-vi/">Danh sách đơn vị</a> · <a href="/portal/search">Tìm kiếm</a> · <a href="/portal/feed.xml">RSS</a> ·{" "}
              <a href="/portal/atom.xml">Atom</a> · <a href="/portal/sitemap.xml">Sơ đồ trang</a>
            </p>
          </div>
        </footer>
      </body>
    </html>
  );
}

/** A JSX page as a complete HTML document. */
export async function toDocument(node: { toString(): string | Promise<string> }): Promise<string> {
  return `<!doctype html>${await node.toString()}`;
}
