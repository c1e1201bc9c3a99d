/** @jsxImportSource hono/jsx */
// The roll-up of a reporting period (/app/periods/:id/rollup, DESIGN.md section 11): how many of
// the expected units have an approved report, each indicator added up (a rate recomputed from the
// sums, with the division that gives it), the lowest and highest unit, and the export links.
import type { RollupIndicator } from "../../domain/rollup";
import { viNumber } from "../../portal/format";
import type { PeriodRollup } from "../../services/period-rollup";

const PERIOD_STATUS = { open: "Đang mở", closed: "Đã đóng" } as const;

/** A value as people read it: "1.825", "92,9%". */
function shown(i: Pick<RollupIndicator, "type" | "decimals">, value: number): string {
  const text = viNumber(value, i.type === "count" ? 0 : i.decimals);
  return i.type === "percent" ? `${text}%` : text;
}

/** The sums a rate was recomputed from, from the same roll-up: "= 1.695 / 1.825" (the hint above the table says why). */
function rateTerms(i: RollupIndicator, all: readonly RollupIndicator[], ratioOf: ReadonlyMap<string, { numerator: string; denominator: string }>): string | null {
  const ratio = ratioOf.get(i.indicatorId);
  if (!ratio || i.value === null) return null;
  const n = all.find((x) => x.indicatorId === ratio.numerator);
  const d = all.find((x) => x.indicatorId === ratio.denominator);
  if (!n || !d || i.unitsCounted !== n.unitsCounted || i.unitsCounted !== d.unitsCounted || n.value === null || d.value === null) return null;
  return `= ${viNumber(n.value)} / ${viNumber(d.value)}`;
}

function Extreme(props: { i: RollupIndicator; at: RollupIndicator["min"] }) {
  if (!props.at) return <>–</>;
  return (
    <>
      <strong>{shown(props.i, props.at.value)}</strong>
      <br />
      <span class="hint">{props.at.unitName}</span>
    </>
  );
}

export function PeriodRollupPage(props: { data: PeriodRollup }) {
  const { period, set, unitsExpected, rollup } = props.data;
  const ratioOf = new Map(set.rules.flatMap((r) => (r.type === "ratio" ? [[r.target, { numerator: r.numerator, denominator: r.denominator }] as const] : [])));
  const exportLink = (format: "xlsx" | "csv") => `/api/v1/periods/${period.id}/export?format=${format}`;
  return (
    <>
      <p class="mt0">
        <a href={`/app/periods/${period.id}`}>← Bảng theo dõi kỳ báo cáo</a>
      </p>
      <h1>Tổng hợp số liệu: {period.title}</h1>
      <dl class="rollup-facts">
        <div>
          <dt>Bộ chỉ tiêu</dt>
          <dd>{set.label}</dd>
        </div>
        <div>
          <dt>Đơn vị đã được duyệt</dt>
          <dd>
            <span class="rollup-count">
              {viNumber(rollup.unitsReported)}/{viNumber(unitsExpected)}
            </span>{" "}
            đơn vị
          </dd>
        </div>
        <div>
          <dt>Kỳ báo cáo</dt>
          <dd>
            <span class={`badge period-${period.status}`}>{PERIOD_STATUS[period.status]}</span>
          </dd>
        </div>
      </dl>
      <p class="hint">
        Chỉ tính báo cáo đã được duyệt. Số lượng là tổng của các đơn vị; tỷ lệ được tính lại từ các tổng, không lấy trung bình tỷ lệ của các đơn vị. Thấp nhất,
        cao nhất: số của từng đơn vị, kèm tên đơn vị. Bạn xem số liệu của các đơn vị trong kỳ mà bạn phụ trách.
      </p>
      <p class="actions">
        <a class="button secondary" href={exportLink("xlsx")} download>
          Tải Excel (XLSX)
        </a>
        <a class="button secondary" href={exportLink("csv")} download>
          Tải CSV
        </a>
      </p>
      {rollup.unitsReported === 0 ? (
        <p class="notice">Chưa có báo cáo nào được duyệt: chưa có số liệu để tổng hợp. Tệp tải về vẫn liệt kê từng đơn vị và trạng thái của báo cáo.</p>
      ) : (
        <table class="responsive rollup-table">
          <thead>
            <tr>
              <th scope="col">Chỉ tiêu</th>
              <th scope="col" class="num">
                Tổng / Tỷ lệ
              </th>
              <th scope="col" class="num">
                Thấp nhất (đơn vị)
              </th>
              <th scope="col" class="num">
                Cao nhất (đơn vị)
              </th>
            </tr>
          </thead>
          <tbody>
            {rollup.indicators.map((i) => {
              const terms = rateTerms(i, rollup.indicators, ratioOf);
              const fewer = i.unitsCounted < rollup.unitsReported;
              return (
                <tr>
                  <th scope="row" data-label="Chỉ tiêu">
                    {i.label} <span class="hint">({i.unitLabel})</span>
                  </th>
                  <td class="num" data-label="Tổng / Tỷ lệ">
                    {i.value === null ? <span class="hint">{i.aggregate === "none" ? "Không cộng dồn tỷ lệ" : "Chưa có số liệu"}</span> : <strong>{shown(i, i.value)}</strong>}
                    {terms ? (
                      <>
                        <br />
                        <span class="hint">{terms}</span>
                      </>
                    ) : null}
                    {fewer && i.unitsCounted > 0 ? (
                      <>
                        <br />
                        <span class="hint">{`${viNumber(i.unitsCounted)} đơn vị có số liệu`}</span>
                      </>
                    ) : null}
                  </td>
                  <td class="num" data-label="Thấp nhất">
                    <Extreme i={i} at={i.min} />
                  </td>
                  <td class="num" data-label="Cao nhất">
                    <Extreme i={i} at={i.max} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
