/** @jsxImportSource hono/jsx */
// The list of reporting periods (/app/periods) and the step that confirms closing one.
import type { Child } from "hono/jsx";
import { INDICATOR_SETS } from "../../../indicators";
import { viDateTime, viNumber } from "../../portal/format";
import type { OwnUnitPlace } from "../../services/period-units";
import type { PeriodView } from "../../services/periods";
import { StatusBadge } from "./report-detail";

export const PERIOD_STATUS_LABELS: Record<PeriodView["status"], string> = { open: "Đang mở", closed: "Đã đóng" };

/** The set's Vietnamese name; its id if the set is no longer defined (a period outlives a removed file). */
export const indicatorSetLabel = (id: string) => INDICATOR_SETS.get(id)?.label ?? id;

export type PeriodListProps = {
  periods: PeriodView[];
  status: PeriodView["status"] | undefined;
  nextCursor: string | null;
  /** The caller's own unit in each listed period that asks it to report. */
  own: Map<string, OwnUnitPlace>;
  mayOpen: boolean;
  mayClose: boolean;
  /** Reviewers and admins see a period's board; a unit's people see their own report instead. */
  mayMonitor: boolean;
  notice: Child;
};

const listHref = (status: PeriodView["status"] | undefined, cursor?: string) => {
  const q = new URLSearchParams();
  if (status) q.set("status", status);
  if (cursor) q.set("cursor", cursor);
  const s = q.toString();
  return s ? `/app/periods?${s}` : "/app/periods";
};

/** What the caller's unit does next in a period: open its report, start it, or nothing yet. */
function OwnReport(props: { period: PeriodView; place: OwnUnitPlace | undefined }) {
  const { period, place } = props;
  if (!place) return <>–</>;
  if (place.report) {
    return (
      <a href={`/app/reports/${place.report.id}`}>
        Xem báo cáo <StatusBadge status={place.report.status} />
      </a>
    );
  }
  if (period.status === "open" && place.mayCreate) {
    return (
      <a class="button" href={`/app/reports/new?kind=periodic&periodId=${encodeURIComponent(period.id)}`}>
        Nhập số liệu
      </a>
    );
  }
  return <>{period.status === "open" ? "Chưa gửi" : "Không nộp"}</>;
}

export function PeriodList(props: PeriodListProps) {
  const ownColumn = props.own.size > 0;
  const closeColumn = props.mayClose && props.periods.some((p) => p.status === "open");
  const tab = (s: PeriodView["status"] | undefined, label: string) => (
    <li>
      <a href={listHref(s)} aria-current={props.status === s ? "page" : undefined}>
        {label}
      </a>
    </li>
  );
  return (
    <>
      <h1>Kỳ báo cáo</h1>
      {props.notice}
      {props.mayOpen ? (
        <p>
          <a class="button" href="/app/periods/new">
            Mở kỳ báo cáo
          </a>
        </p>
      ) : null}
      <nav aria-label="Lọc theo trạng thái">
        <ul class="tabs">
          {tab(undefined, "Tất cả")}
          {tab("open", PERIOD_STATUS_LABELS.open)}
          {tab("closed", PERIOD_STATUS_LABELS.closed)}
        </ul>
      </nav>
      {props.periods.length === 0 ? <p>Chưa có kỳ báo cáo nào{props.status ? ` ở trạng thái "${PERIOD_STATUS_LABELS[props.status]}"` : ""}.</p> : null}
      {props.periods.length ? (
        <table class="responsive periods">
          <thead>
            <tr>
              <th scope="col">Kỳ báo cáo</th>
              <th scope="col">Bộ chỉ tiêu</th>
              <th scope="col">Hạn nộp</th>
              <th scope="col" class="num">
                Số đơn vị
              </th>
              <th scope="col">Trạng thái</th>
              {ownColumn ? <th scope="col">Báo cáo của đơn vị</th> : null}
              {closeColumn ? (
<th scope="col">Thao tác</th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {props.periods.map((p) => (
              <tr>
                <td data-label="Kỳ báo cáo">{props.mayMonitor ? <a href={`/app/periods/${p.id}`}>{p.title}</a> : p.title}</td>
                <td data-label="Bộ chỉ tiêu">{indicatorSetLabel(p.indicatorSetId)}</td>
                <td data-label="Hạn nộp">{viDateTime(p.dueAt)}</td>
                <td data-label="Số đơn vị" class="num">
                  {viNumber(p.unitCount)}
                </td>
                <td data-label="Trạng thái">
                  <span class={`badge period-${p.status}`}>{PERIOD_STATUS_LABELS[p.status]}</span>
                </td>
                {ownColumn ? (
                  <td data-label="Báo cáo của đơn vị">
                    <OwnReport period={p} place={props.own.get(p.id)} />
                  </td>
                ) : null}
                {closeColumn ? (
                  <td data-label="Thao tác" class="period-actions">
                    {p.status === "open" ? (
                      <a class="button secondary" href={`/app/periods/${p.id}/close`} aria-label={`Đóng kỳ báo cáo ${p.title}`}>
                        Đóng kỳ
                      </a>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {props.nextCursor ? (
        <p>
          <a href={listHref(props.status, props.nextCursor)}>Xem thêm</a>
        </p>
      ) : null}
    </>
  );
}

/** The step before closing: what closing means, and the one button that does it. */
export function ClosePeriodConfirm(props: { period: PeriodView; csrf: string }) {
  const p = props.period;
  return (
    <>
      <h1>Đóng kỳ báo cáo</h1>
      <section class="card" aria-labelledby="ky-can-dong">
        <h2 id="ky-can-dong" class="mt0">
          {p.title}
        </h2>
        <dl class="facts">
          <dt>Bộ chỉ tiêu</dt>
          <dd>{indicatorSetLabel(p.indicatorSetId)}</dd>
          <dt>Hạn nộp</dt>
          <dd>{viDateTime(p.dueAt)}</dd>
          <dt>Số đơn vị</dt>
          <dd>{viNumber(p.unitCount)}</dd>
        </dl>
        <p>Sau khi đóng, kỳ báo cáo không nhận báo cáo mới. Các báo cáo đã tạo trong kỳ vẫn được sửa, gửi và thẩm định như bình thường. Không thể mở lại kỳ đã đóng.</p>
        <form method="post" action={`/app/periods/${p.id}/close`} class="actions">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <button type="submit" class="danger">
            Đóng kỳ báo cáo
          </button>
          <a class="button secondary" href="/app/periods">
            Huỷ
          </a>
        </form>
      </section>
    </>
  );
}
