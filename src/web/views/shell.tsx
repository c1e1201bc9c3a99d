/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import type { Role } from "../../db/schema";
import { mayDo } from "../../domain/policy";
import { ASSET_URLS } from "../../assets.gen";
import type { Actor } from "../../env";
import { MENU_COUNT_CAP, type MenuCounts } from "../../queries/web-lists";

// A role held for now under someone's delegation is shown as it is signed: "KT. Trưởng phòng".
import { ROLE_LABELS, signedFor } from "../../domain/roles";

export { ROLE_LABELS };


type NavItem = { href: string; label: string; count?: number };

/** A menu count: capped (the read stops at the cap), "99+" past it. */
const countText = (n: number) => (n > MENU_COUNT_CAP ? `${MENU_COUNT_CAP}+` : String(n));

function navFor(actor: Actor, counts: MenuCounts): NavItem[] {
  const roles = new Set(actor.grants.map((g) => g.role));
  const items: NavItem[] = [];
  const reviewer = ["centre_head", "specialist", "deputy_head", "director"].some((r) => roles.has(r as Role));
  if (reviewer) items.push({ href: "/app/inbox", label: "Chờ thẩm định", count: counts.waiting ?? 0 });
  if (roles.has("author") || reviewer || roles.has("admin")) items.push({ href: "/app/reports", label: roles.has("author") ? "Báo cáo của đơn vị" : "Báo cáo" });
  // Always there for an author, zero included: the menu does not shift as reports come and go.
  if (roles.has("author")) items.push({ href: "/app/reports?status=returned", label: "Bị trả lại", count: counts.returned ?? 0 });
  if (roles.has("author")) items.push({ href: "/app/reports/new", label: "Tạo báo cáo" });
  if (mayDo(actor, "period.read")) items.push({ href: "/app/periods", label: "Kỳ báo cáo" });
  if (roles.has("director") || roles.has("admin")) items.push({ href: "/app/dashboard", label: "Tổng quan" });
  if (roles.has("admin")) items.push({ href: "/app/users", label: "Người dùng" }, { href: "/app/units", label: "Đơn vị" }, { href: "/app/admin/calendar", label: "Lịch làm việc" }, { href: "/app/notifications", label: "Nhật ký thư" });
  items.push({ href: "/portal/", label: "Cổng thông tin" });
  return items;
}

/**
 * "page" on the item for this very address; "true" on the section a deeper page belongs to (a
 * period's board is under "Kỳ báo cáo"), the longest matching item winning (/app/reports/new is
 * "Tạo báo cáo", not "Báo cáo").
 */
function currentOf(item: NavItem, items: readonly NavItem[], path: string, search = ""): "page" | "true" | undefined {
  // An item that is a filtered list ("Bị trả lại": /app/reports?status=returned) is the page when
  // the address is exactly that list; the unfiltered list's item is then not.
  const full = `${path}${search}`;
  if (items.some((i) => i.href.includes("?") && i.href === full)) return item.href === full ? "page" : undefined;
  if (path === item.href) return "page";
  const under = (i: NavItem) => i.href.startsWith("/app/") && path.startsWith(`${i.href}/`);
  if (!under(item) || items.some((i) => i.href === path)) return undefined;
  return items.filter(under).every((i) => i.href.length <= item.href.length) ? "true" : undefined;
}

export function Shell(props: { title: string; actor: Actor | null; csrf?: string; path: string; search?: string; counts?: MenuCounts; children: Child }) {
  return (
    <html lang="vi">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} — Sở GD&ĐT`}</title>
        <link rel="stylesheet" href={ASSET_URLS.appCss} />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <script src={ASSET_URLS.appJs} defer></script>
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
                {navFor(props.actor, props.counts ?? {}).map((i, _, items) => (
                  <a href={i.href} aria-current={currentOf(i, items, props.path, props.search)}>
                    {i.label}
                    {i.count === undefined ? null : (
                      <>
                        {" "}
                        <span class={i.count > 0 ? "count" : "count zero"}>({countText(i.count)})</span>
                      </>
                    )}
                  </a>
                ))}
              </nav>
            ) : null}
            {props.actor ? (
              <div class="who">
                {props.actor.name} ({[...new Set(props.actor.grants.map((g) => (g.delegatedBy ? signedFor(g.role) : ROLE_LABELS[g.role])))].join(", ")}) ·{" "}
                <a href="/app/settings" aria-current={props.path === "/app/settings" ? "page" : undefined}>
                  Cài đặt
                </a>{" "}
                ·{" "}
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
            <a href={`#${props.labels[path] ? path : path.split(".")[0]}`}>{props.labels[path] ?? props.labels[path.split(".")[0]!] ?? path}</a>: {message}
          </li>
        ))}
      </ul>
    </div>
  );
}
