/** @jsxImportSource hono/jsx */
// The reports list (/app/reports): search, filters by unit, kind, status and creation date, paged
// newest first. Every row comes from the API's list queries (listReports: scope walks, the date
// walk or the search index, each with the policy's visibility), so a filter only ever narrows.
import type { Context } from "hono";
import { WORKFLOWS, type ReportKind } from "../../workflows";
import { database } from "../db/client";
import { REPORT_STATUSES, type ReportStatus } from "../db/schema";
import { mayDo } from "../domain/policy";
import { viDate } from "../portal/format";
import { listReports, type ReportFilter, type ReportRow } from "../queries/reports";
import { firstCreatedFrom } from "../queries/web-lists";
import { unitFilterOf } from "./unit-filter";
import { cursorCodec, pageOf } from "../routes/shared";
import { page } from "./render";
import { Notice } from "./reports";
import type { WebEnv } from "./session";
import { StatusBadge, STATUS_LABELS } from "./views/report-detail";
import { FilterForm, filterQuery, NoMatch, parseFilters, type ParsedFilters } from "./views/list-filters";

const PAGE = 25;

/**
 * One page under the filters. A "to" date starts the walk just below that day's end (the list is
 * newest first, so it is where the first page begins); a "from" date ends it: rows older than it
 * are dropped and there is no next page. Both keep every read at one page.
 */
async function filteredPage(c: Context<WebEnv>, f: ParsedFilters): Promise<{ items: ReportRow[]; nextCursor: string | null }> {
  const db = database(c.env.DB);
  let after = cursorCodec.decodeOrFirst(c.req.query("cursor"));
  if (!after && f.beforeIso) {
    if (f.q) {
      // The search index pages by rowid (creation order): start below the first report of the next day.
      const first = await firstCreatedFrom(db, f.beforeIso);
      if (first) after = first;
    } else {
      after = [f.beforeIso, ""];
    }
  }
  const filter: ReportFilter = { status: f.status, kind: f.kind, unitId: f.unitId, q: f.q, after, limit: PAGE };
  let rows = await listReports(db, c.get("actor"), filter);
  if (f.fromIso) {
    const kept = rows.filter((r) => r.createdAt >= f.fromIso!);
    if (kept.length < rows.length) return { items: kept.slice(0, PAGE), nextCursor: null };
    rows = kept;
  }
  return pageOf(rows, PAGE, (r) => [r.createdAt, r.id]);
}

export async function reportList(c: Context<WebEnv>): Promise<Response> {
  const actor = c.get("actor");
  const f = parseFilters((n) => c.req.query(n), await unitFilterOf(database(c.env.DB), actor, (n) => c.req.query(n)));
  const list = await filteredPage(c, f);
  const own = mayDo(actor, "report.create");
  const qs = filterQuery(f.values, {}, ["sort"]);
  const tab = (s: ReportStatus | undefined, label: string) => {
    const rest = filterQuery({ ...f.values, status: s ?? "" }, {}, ["sort"]);
    return (
      <li>
        <a href={rest ? `/app/reports?${rest}` : "/app/reports"} aria-current={f.status === s ? "page" : undefined}>
          {label}
        </a>
      </li>
    );
  };
  return page(
    c,
    "Báo cáo",
    <>
      <h1>{own ? "Báo cáo của đơn vị" : "Báo cáo"}</h1>
      <Notice c={c} />
      {own ? (
        <p>
          <a class="button" href="/app/reports/new">
            Tạo báo cáo mới
          </a>
        </p>
      ) : null}
      <FilterForm action="/app/reports" parsed={f} statuses dateHint="Ngày tạo" />
      {/* The status tabs are quick links for the same filter as the form's "Trạng thái", other filters kept. */}
      <nav aria-label="Lọc theo trạng thái">
        <ul class="tabs">
          {tab(undefined, "Tất cả")}
          {REPORT_STATUSES.map((s) => tab(s, STATUS_LABELS[s] ?? s))}
        </ul>
      </nav>
      {list.items.length === 0 ? (
        f.active ? (
          <NoMatch what="báo cáo" clearHref="/app/reports" />
        ) : (
          <p>Chưa có báo cáo nào.</p>
        )
      ) : null}
      {list.items.length ? (
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">Tiêu đề</th>
              <th scope="col">Loại</th>
              <th scope="col">Đơn vị</th>
              <th scope="col">Trạng thái</th>
              <th scope="col">Ngày tạo</th>
              <th scope="col">Cập nhật</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((r) => (
              <tr>
                <td data-label="Tiêu đề">
                  <a href={`/app/reports/${r.id}`}>{r.title}</a>
                </td>
                <td data-label="Loại">{WORKFLOWS[r.kind as ReportKind]?.label ?? r.kind}</td>
                <td data-label="Đơn vị">{r.unitName}</td>
                <td data-label="Trạng thái">
                  <StatusBadge status={r.status} />
                </td>
                <td data-label="Ngày tạo">{viDate(r.createdAt)}</td>
                <td data-label="Cập nhật">{viDate(r.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {list.nextCursor ? (
        <p>
          <a href={`/app/reports?${qs ? `${qs}&` : ""}cursor=${encodeURIComponent(list.nextCursor)}`}>Xem thêm</a>
        </p>
      ) : null}
    </>,
  );
}
