/** @jsxImportSource hono/jsx */
// The board of a reporting period (/app/periods/:id, DESIGN.md section 11): the period, the count
// tiles, and one row per expected unit, the units that have sent nothing first. Sorting is links
// in the column headers (?sort=unit|state|submitted), done on the server: no script needed.
import { INDICATOR_SETS } from "../../../indicators";
import type { BoardSort } from "../../domain/period-board";
import { UNIT_STATE_LABELS } from "../../domain/rollup";
import { viDateTime, viNumber } from "../../portal/format";
import type { BoardUnit, PeriodBoard } from "../../services/period-board";

const PERIOD_STATUS: Record<PeriodBoard["period"]["status"], string> = { open: "Đang mở", closed: "Đã đóng" };

// The tiles, in the order a unit moves through; "late" cuts across them and comes last.
const TILES: [keyof PeriodBoard["counts"], string, string][] = [
  ["notStarted", "Chưa nộp", "not_started"],
  ["draft", "Đang soạn", "draft"],
  ["inReview", "Đang thẩm định", "in_review"],
  ["returned", "Bị trả lại", "returned"],
  ["approved", "Đã duyệt", "approved"],
  // Late covers both: submitted after the due time, and not yet submitted once it has passed.
  ["late", "Quá hạn", "late"],
];

const COLUMNS: { label: string; sort?: BoardSort }[] = [{ label: "Đơn vị", sort: "unit" }, { label: "Trạng thái", sort: "state" }, { label: "Bước" }, { label: "Nộp lúc", sort: "submitted" }, { label: "Muộn" }];

function SortHeader(props: { periodId: string; label: string; sort?: BoardSort; current: BoardSort }) {
  if (!props.sort) return <th scope="col">{props.label}</th>;
  const on = props.sort === props.current;
  return (
    <th scope="col" aria-sort={on ? "ascending" : undefined}>
      <a href={`/app/periods/${props.periodId}?sort=${props.sort}`} aria-current={on ? "true" : undefined}>
        {props.label}
      </a>
      {on ? <span aria-hidden="true"> ▲</span> : null}
    </th>
  );
}

/** "Muộn" says why: late, on time, or not due yet (text, not colour alone). */
function lateText(u: BoardUnit, duePassed: boolean): string {
  if (u.late) return u.submittedAt ? "Muộn (nộp sau hạn)" : "Muộn (chưa nộp)";
  return u.submittedAt ? "Đúng hạn" : duePassed ? "–" : "Chưa đến hạn";
}

const SORT_HINTS: Record<BoardSort, string> = {
  unit: "Xếp theo tên đơn vị, đơn vị chưa nộp lên trước.",
  state: "Xếp theo trạng thái: chưa nộp, đang soạn, đã rút, bị trả lại, đang thẩm định, đã duyệt.",
  submitted: "Xếp theo thời điểm nộp lần đầu, đơn vị chưa nộp lên trước.",
};

export function PeriodBoardPage(props: { board: PeriodBoard; openable: ReadonlySet<string>; sort: BoardSort; now: Date; notice?: string }) {
  const { period, counts, units } = props.board;
  const set = INDICATOR_SETS.get(period.indicatorSetId);
  const duePassed = props.now.getTime() > Date.parse(period.dueAt);
  const partial = counts.expected < period.unitCount;
  return (
    <>
      <p class="mt0">
        <a href="/app/periods">← Danh sách kỳ báo cáo</a>
      </p>
      <h1>{period.title}</h1>
      {/* What the last action did ("Đã mở kỳ báo cáo … cho 4 đơn vị."), passed on by its redirect. */}
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <dl class="board-facts">
        <div>
          <dt>Bộ chỉ tiêu</dt>
          <dd>{set ? set.label : period.indicatorSetId}</dd>
        </div>
        <div>
          <dt>Mở từ</dt>
          <dd>{viDateTime(period.opensAt)}</dd>
        </div>
        <div>
          <dt>Hạn nộp</dt>
          <dd>
            {viDateTime(period.dueAt)}
            {duePassed ? " (đã qua hạn)" : null}
          </dd>
        </div>
        <div>
          <dt>Trạng thái</dt>
          <dd>
            <span class={`badge period-${period.status}`}>{PERIOD_STATUS[period.status]}</span>
            {period.closedAt ? ` từ ${viDateTime(period.closedAt)}` : null}
          </dd>
        </div>
      </dl>
      <p class="actions">
        <a class="button secondary" href={`/app/periods/${period.id}/rollup`}>
          Tổng hợp số liệu
        </a>
      </p>
      <section aria-labelledby="tinh-hinh">
        <h2 id="tinh-hinh">Tình hình nộp báo cáo</h2>
        <p class="hint">
          {partial
            ? `${viNumber(counts.expected)} trong ${viNumber(period.unitCount)} đơn vị của kỳ: những đơn vị bạn phụ trách. Các số dưới đây chỉ tính các đơn vị này.`
            : `${viNumber(counts.expected)} đơn vị phải nộp.`}{" "}
          “Đang soạn” gồm cả báo cáo đơn vị đã rút về để sửa.
        </p>
        <ul class="stats board-tiles plain-list">
          {TILES.map(([key, label, cls]) => (
            <li class={`stat tile-${cls}`}>
              <b>{viNumber(counts[key])}</b>
              {label}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="don-vi">
        <h2 id="don-vi">Các đơn vị</h2>
        <p class="hint">
          {SORT_HINTS[props.sort]} Tên đơn vị dẫn tới báo cáo khi bạn xem được báo cáo đó (người thẩm định xem báo cáo từ bước của mình trở đi).
        </p>
        {/* On a phone the table's headers are hidden (each cell carries its label): the same sort links, as buttons. */}
        <nav class="board-sort" aria-label="Xếp các đơn vị">
          <span>Xếp theo:</span>
          <ul class="tabs">
            {COLUMNS.flatMap((col) =>
              col.sort ? [
                <li>
                  <a href={`/app/periods/${period.id}?sort=${col.sort}`} aria-current={col.sort === props.sort ? "page" : undefined}>
                    {col.label}
                  </a>
                </li>,
              ] : [],
            )}
          </ul>
        </nav>
        {units.length === 0 ? (
          <p>Kỳ này không có đơn vị nào.</p>
        ) : (
          <table class="responsive board-table">
            <thead>
              <tr>
                {COLUMNS.map((col) => (
                  <SortHeader periodId={period.id} label={col.label} sort={col.sort} current={props.sort} />
                ))}
              </tr>
            </thead>
            <tbody>
              {units.map((u) => (
                <tr class={u.late ? "late" : undefined}>
                  <td data-label="Đơn vị">{u.reportId && props.openable.has(u.reportId) ? <a href={`/app/reports/${u.reportId}`}>{u.unitName}</a> : u.unitName}</td>
                  <td data-label="Trạng thái">
                    <span class={`badge ${u.state}`}>{UNIT_STATE_LABELS[u.state]}</span>
                  </td>
                  <td data-label="Bước">{u.stageLabel ?? "–"}</td>
                  <td data-label="Nộp lúc">{u.submittedAt ? viDateTime(u.submittedAt) : "Chưa nộp"}</td>
                  <td data-label="Muộn">{u.late ? <strong class="late-flag">{lateText(u, duePassed)}</strong> : lateText(u, duePassed)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
