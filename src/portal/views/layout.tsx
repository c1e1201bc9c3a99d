/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { ASSET_URLS } from "../../assets.gen";

// The stylesheet is a static file (public/portal/assets/portal.css): a page stored in R2 links it,
// and the Content-Security-Policy allows no inline style.
export const SITE_NAME = "Sở Giáo dục và Đào tạo";

export function Layout(props: { title: string; description?: string; canonical?: string; children: Child }) {
  return (
    <html lang="vi">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} — ${SITE_NAME}`}</title>
        {props.description ? <meta name="description" content={props.description} /> : null}
        {props.canonical ? <link rel="canonical" href={props.canonical} /> : null}
        <link rel="alternate" type="application/rss+xml" title={`${SITE_NAME} — RSS`} href="/portal/feed.xml" />
        <link rel="alternate" type="application/atom+xml" title={`${SITE_NAME} — Atom`} href="/portal/atom.xml" />
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
              <a href="/portal/">Trang chủ</a> · <a href="/portal/feed.xml">RSS</a>
            </nav>
          </div>
        </header>
        <main id="noi-dung" class="wrap">
          {props.children}
        </main>
        <footer>
          <div class="wrap">© {SITE_NAME}. Tin bài do các đơn vị gửi, đã được thẩm định trước khi đăng.</div>
        </footer>
      </body>
    </html>
  );
}

/** A JSX page as a complete HTML document. */
export async function toDocument(node: { toString(): string | Promise<string> }): Promise<string> {
  return `<!doctype html>${await node.toString()}`;
}
