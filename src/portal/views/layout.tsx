/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";

// One small stylesheet, inline: pages are single files in R2 with no further requests.
const CSS = `
:root{--ink:#1b1f24;--muted:#545d68;--line:#d5dae0;--brand:#0b4f8a;--bg:#fff}
*{box-sizing:border-box}body{margin:0;font:17px/1.6 "Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color:var(--ink);background:var(--bg)}
a{color:var(--brand)}a:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:8px;z-index:2}
header{background:var(--brand);color:#fff}header .wrap{display:flex;gap:16px;align-items:center;justify-content:space-between;flex-wrap:wrap}
header a{color:#fff;text-decoration:none}header .site{font-weight:700;font-size:1.1rem}
.wrap{max-width:860px;margin:0 auto;padding:12px 16px}
main h1{font-size:1.7rem;line-height:1.3;margin:.6em 0 .3em}
.meta{color:var(--muted);font-size:.95rem}.lead{font-weight:600;font-size:1.05rem}
.updated{background:#fff6d6;border-left:4px solid #e0b100;padding:6px 10px}
figure{margin:1.2em 0}figure img{max-width:100%;height:auto;display:block}figcaption{color:var(--muted);font-size:.92rem;font-style:italic}
.attendees li{margin:.2em 0}.stamp{border-top:1px solid var(--line);margin-top:2em;padding-top:1em;font-size:.92rem;color:var(--muted)}
ol.entries{list-style:none;padding:0}ol.entries li{border-bottom:1px solid var(--line);padding:.8em 0}ol.entries h2{font-size:1.2rem;margin:0 0 .2em}
nav.pages{display:flex;justify-content:space-between;margin:1em 0}
footer{border-top:1px solid var(--line);color:var(--muted);font-size:.9rem;margin-top:2em}
@media (max-width:520px){body{font-size:16px}main h1{font-size:1.4rem}}
@media print{header nav,.skip,nav.pages,footer{display:none}header{background:none;color:#000}header a{color:#000}a{color:#000}body{font-size:12pt}}
`;

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
        <style>{CSS}</style>
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
