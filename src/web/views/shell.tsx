/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { WORKFLOWS } from "../../../workflows";
import type { Role } from "../../db/schema";
import type { Actor } from "../../env";

// Role names come from the workflow definitions' stage labels, not from the pages.
export const ROLE_LABELS: Record<Role, string> = {
  admin: "Quản trị",
  author: "Cán bộ đơn vị",
  ...Object.fromEntries(Object.values(WORKFLOWS).flatMap((d) => d.stages.map((s) => [s.role, s.label]))),
} as Record<Role, string>;

const CSS = `
:root{--ink:#1b1f24;--muted:#4f5963;--line:#cfd6dd;--brand:#0b4f8a;--ok:#17653a;--warn:#8a5a00;--bad:#a4161a;--bg:#f6f8fa}
*{box-sizing:border-box}body{margin:0;font:16px/1.55 system-ui,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color:var(--ink);background:var(--bg)}
a{color:var(--brand)}:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:8px;z-index:3}
header{background:var(--brand);color:#fff}header a{color:#fff}
.bar{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;justify-content:space-between;max-width:1100px;margin:0 auto;padding:10px 16px}
.bar nav{display:flex;flex-wrap:wrap;gap:4px 14px}.bar nav a{text-decoration:none;padding:4px 0}.bar nav a[aria-current=page]{border-bottom:3px solid #fff}
.who{font-size:.9rem}.who form{display:inline}
main{max-width:1100px;margin:0 auto;padding:16px}
h1{font-size:1.5rem;margin:.3em 0 .6em}h2{font-size:1.2rem;margin-top:1.4em}
.card{background:#fff;border:1px solid var(--line);border-radius:6px;padding:16px;margin:0 0 16px}
table{width:100%;border-collapse:collapse;background:#fff}th,td{text-align:left;padding:8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.9rem;color:var(--muted)}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:.82rem;background:#e6ebf0}
.badge.overdue,.badge.returned,.badge.unpublished{background:#fde2e1;color:var(--bad)}.badge.published,.badge.approved{background:#dff3e6;color:var(--ok)}
.badge.in_review,.badge.scheduled{background:#fff1cc;color:var(--warn)}
label{display:block;font-weight:600;margin:12px 0 4px}.hint{font-weight:400;color:var(--muted);font-size:.88rem}
input[type=text],input[type=email],input[type=password],input[type=date],input[type=datetime-local],input[type=number],input[type=url],select,textarea{width:100%;padding:8px;border:1px solid #8a96a3;border-radius:4px;font:inherit;background:#fff}
textarea{min-height:8em}textarea.body{min-height:18em;font-family:ui-monospace,Menlo,Consolas,monospace}
[aria-invalid=true]{border-color:var(--bad);box-shadow:0 0 0 1px var(--bad)}
.error{color:var(--bad);font-size:.9rem;margin:4px 0}.errors{border:2px solid var(--bad);background:#fff5f5;padding:8px 16px;border-radius:6px}
.notice{border-left:4px solid var(--brand);background:#eef5fb;padding:8px 12px}.returned-note{border-left:4px solid var(--bad);background:#fff5f5;padding:8px 12px}
button,.button{display:inline-block;font:inherit;padding:8px 16px;border-radius:4px;border:1px solid var(--brand);background:var(--brand);color:#fff;cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#fff;color:var(--brand)}button.danger{background:var(--bad);border-color:var(--bad)}
.actions{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0}.inline{display:inline}
.grid{display:grid;gap:16px;grid-template-columns:1fr 1fr}@media (max-width:800px){.grid{grid-template-columns:1fr}}
.tabs{display:flex;flex-wrap:wrap;gap:6px;margin:0 0 12px;padding:0;list-style:none}.tabs a{display:block;padding:4px 10px;border:1px solid var(--line);border-radius:14px;background:#fff;text-decoration:none}.tabs a[aria-current=page]{background:var(--brand);color:#fff}
.preview{background:#fff;border:1px dashed var(--line);padding:12px;min-height:6em}
ins{background:#dff3e6;text-decoration:none}del{background:#fde2e1}
.images li{display:flex;gap:12px;align-items:flex-start;margin:0 0 12px}.images img{width:120px;height:auto;border:1px solid var(--line)}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}.stat{background:#fff;border:1px solid var(--line);border-radius:6px;padding:12px}.stat b{display:block;font-size:1.6rem}
@media (max-width:600px){table.responsive thead{display:none}table.responsive tr{display:block;border-bottom:1px solid var(--line)}table.responsive td{display:block;border:0;padding:4px 8px}table.responsive td::before{content:attr(data-label) ": ";font-weight:600;color:var(--muted)}}
`;

type NavItem = { href: string; label: string };

function navFor(actor: Actor): NavItem[] {
  const roles = new Set(actor.grants.map((g) => g.role));
  const items: NavItem[] = [];
  const reviewer = ["centre_head", "specialist", "deputy_head", "director"].some((r) => roles.has(r as Role));
  if (reviewer) items.push({ href: "/app/inbox", label: "Chờ thẩm định" });
  if (roles.has("author") || reviewer || roles.has("admin")) items.push({ href: "/app/reports", label: roles.has("author") ? "Báo cáo của đơn vị" : "Báo cáo" });
  if (roles.has("author")) items.push({ href: "/app/reports/new", label: "Tạo báo cáo" });
  if (roles.has("director") || roles.has("admin")) items.push({ href: "/app/dashboard", label: "Tổng quan" });
  if (roles.has("admin")) items.push({ href: "/app/users", label: "Người dùng" }, { href: "/app/units", label: "Đơn vị" }, { href: "/app/notifications", label: "Nhật ký thư" });
  items.push({ href: "/portal/", label: "Cổng thông tin" });
  return items;
}

export function Shell(props: { title: string; actor: Actor | null; csrf?: string; path: string; children: Child }) {
  return (
    <html lang="vi">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} — Sở GD&ĐT`}</title>
        <style>{CSS}</style>
        <script src="/app/assets/app.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#noi-dung">
          Bỏ qua, đến nội dung chính
        </a>
        <header>
          <div class="bar">
            <strong>Sở GD&ĐT — Tiếp nhận và thẩm định tin bài</strong>
            {props.actor ? (
              <nav aria-label="Chức năng">
                {navFor(props.actor).map((i) => (
                  <a href={i.href} aria-current={props.path === i.href ? "page" : undefined}>
                    {i.label}
                  </a>
                ))}
              </nav>
            ) : null}
            {props.actor ? (
              <div class="who">
                {props.actor.name} ({props.actor.grants.map((g) => ROLE_LABELS[g.role]).join(", ")}) ·{" "}
                <form method="post" action="/app/logout">
                  <input type="hidden" name="_csrf" value={props.csrf} />
                  <button type="submit" class="secondary">
                    Đăng xuất
                  </button>
                </form>
              </div>
            ) : null}
          </div>
        </header>
        <main id="noi-dung">{props.children}</main>
      </body>
    </html>
  );
}

/** Field errors by path, for putting each message beside its field. */
export type FieldErrors = Record<string, string>;

export function FieldError(props: { id: string; errors: FieldErrors }) {
  const message = props.errors[props.id];
  return message ? (
    <p class="error" id={`${props.id}-error`}>
      {message}
    </p>
  ) : null;
}

export function ErrorSummary(props: { errors: FieldErrors; labels: Record<string, string> }) {
  const entries = Object.entries(props.errors);
  if (entries.length === 0) return null;
  return (
    <div class="errors" role="alert" tabindex={-1} id="loi">
      <p>
        <strong>Vui lòng sửa {entries.length} lỗi:</strong>
      </p>
      <ul>
        {entries.map(([path, message]) => (
          <li>
            <a href={`#${path.split(".")[0]}`}>{props.labels[path.split(".")[0]!] ?? path}</a>: {message}
          </li>
        ))}
      </ul>
    </div>
  );
}
