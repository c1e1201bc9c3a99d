/** @jsxImportSource hono/jsx */
// The dashboard's "Thời gian xử lý" section: the stage metrics in working hours (DESIGN.md section
// 12) for a period the user picks, by stage, reviewer or unit, with the same figures to download.
import { vnDateOf } from "../../domain/calendar";
import { FIGURE_HEADERS, GROUP_HEADERS, resolvePeriod, type GroupBy, type Period } from "../../domain/metrics";
import { viDate, viNumber } from "../../portal/format";
import type { Metrics, MetricsRow } from "../../services/metrics";

/** The page's query: ?tu=01/02/2025&den=28/02/2025&theo=nguoi-tham-dinh (Vietnamese words, dd/mm/yyyy). */
export const THEO: Record<GroupBy, { slug: string; label: string }> = {
  stage: { slug: "buoc", label: "Theo bước" },
  reviewer: { slug: "nguoi-tham-dinh", label: "Theo người thẩm định" },
  unit: { slug: "don-vi", label: "Theo đơn vị" },
};
const GROUPS = Object.keys(THEO) as GroupBy[];

export type MetricsChoice = { tu: string; den: string; groupBy: GroupBy };
/** keep: the page's other query values (the school year shown above), carried by the links and the form. */
export type MetricsForm = { choice: MetricsChoice; errors: { tu?: string; den?: string }; period: Period | null; keep: Record<string, string> };

/** "1/2/2025" or "01/02/2025" (or "2025-02-01") -> "2025-02-01"; anything else as it is (the period check refuses it). */
function isoOfVi(value: string): string {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value.trim());
  return m ? `${m[3]}-${m[2]!.padStart(2, "0")}-${m[1]!.padStart(2, "0")}` : value.trim();
}

/**
 * The choice in the page's query, and the period it stands for or what is wrong with it. Empty
 * dates take the API's defaults (the last 30 days), shown filled in.
 */
export function metricsFormOf(query: { tu?: string; den?: string; theo?: string }, now: Date, keep: Record<string, string> = {}): MetricsForm {
  const groupBy = GROUPS.find((g) => THEO[g].slug === query.theo) ?? "stage";
  const tu = query.tu?.trim() || undefined;
  const den = query.den?.trim() || undefined;
  const from = tu && isoOfVi(tu);
  const to = den && isoOfVi(den);
  // The page asks for dates only (the API also takes date-times).
  const notDate = "Ngày không hợp lệ (dạng dd/mm/yyyy)";
  const errors: MetricsForm["errors"] = {};
  if (from !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(from)) errors.tu = notDate;
  if (to !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(to)) errors.den = notDate;
  const resolved = errors.tu || errors.den ? null : resolvePeriod({ from, to }, now);
  if (!resolved || "issues" in resolved) {
    for (const issue of resolved?.issues ?? []) errors[issue.path === "from" ? "tu" : "den"] ??= issue.message.replace(/ \(dạng .*\)$/, " (dạng dd/mm/yyyy)");
    return { choice: { tu: tu ?? "", den: den ?? "", groupBy }, errors, period: null, keep };
  }
  const { first, last } = daysOf(resolved.period);
  return { choice: { tu: viDate(first), den: viDate(last), groupBy }, errors: {}, period: resolved.period, keep };
}

/** The first and last day (in Viet Nam) of a period whose end is exclusive. */
const daysOf = (p: Period) => ({ first: vnDateOf(p.from), last: vnDateOf(new Date(Date.parse(p.to) - 1)) });

const hours = (h: number | null) => (h === null ? "–" : viNumber(h, 1));
const pct = (p: number | null) => (p === null ? "–" : `${viNumber(p, 1)}%`);

function pageLink(form: MetricsForm, groupBy: GroupBy) {
  return `/app/dashboard?${new URLSearchParams({ ...form.keep, tu: form.choice.tu, den: form.choice.den, theo: THEO[groupBy].slug })}#thoi-gian-xu-ly`;
}

function exportLink(period: Period, groupBy: GroupBy, format: "csv" | "xlsx") {
  const { first, last } = daysOf(period);
  return `/api/v1/metrics/export?${new URLSearchParams({ format, groupBy, from: first, to: last })}`;
}

function Row(props: { row: MetricsRow; groupBy: GroupBy }) {
  const r = props.row;
  return (
    <tr>
      <td data-label={GROUP_HEADERS[props.groupBy]}>{r.label}</td>
      <td class="num" data-label={FIGURE_HEADERS.decided}>
        {viNumber(r.decided)}
      </td>
      <td class="num" data-label={FIGURE_HEADERS.medianWorkingHours}>
        {hours(r.medianWorkingHours)}
      </td>
      <td class="num" data-label={FIGURE_HEADERS.p90WorkingHours}>
        {hours(r.p90WorkingHours)}
      </td>
      <td class="num" data-label="Đúng hạn">
        {pct(r.onTimePct)}
      </td>
      <td class="num" data-label="Trả lại">
        {pct(r.returnedPct)}
      </td>
    </tr>
  );
}

export function MetricsSection(props: { form: MetricsForm; metrics: Metrics | null }) {
  const { choice, errors, period } = props.form;
  const m = props.metrics;
  const invalid = (id: "tu" | "den") => (errors[id] ? "true" : undefined);
  return (
    <section aria-labelledby="thoi-gian-xu-ly">
      <h2 id="thoi-gian-xu-ly">Thời gian xử lý (giờ làm việc)</h2>
      <p class="hint">
        Từ khi báo cáo đến một bước đến khi bước đó duyệt hoặc trả lại, chỉ tính giờ làm việc (8:00–17:00 các ngày làm việc, trừ ngày nghỉ lễ, Tết). Trung vị: một
        nửa số lượt xử lý xong trong thời gian này; P90: 9/10 số lượt. Đúng hạn: quyết định trong hạn xử lý của bước. Chỉ tính các báo cáo bạn được xem: ở các
        đơn vị bạn phụ trách, từ khi báo cáo đến bước của bạn.
      </p>
      <ul class="tabs" aria-label="Cách nhóm">
        {GROUPS.map((g) => (
          <li>
            <a href={pageLink(props.form, g)} aria-current={m && g === choice.groupBy ? "page" : undefined}>
              {THEO[g].label}
            </a>
          </li>
        ))}
      </ul>
      <form method="get" action="/app/dashboard#thoi-gian-xu-ly" novalidate>
        {Object.entries(props.form.keep).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <input type="hidden" name="theo" value={THEO[choice.groupBy].slug} />
        <div class="grid">
          {(["tu", "den"] as const).map((id) => (
            <div>
              <label for={id}>
                {id === "tu" ? "Từ ngày" : "Đến ngày"} <span class="hint">(dd/mm/yyyy)</span>
              </label>
              {errors[id] ? (
                <p class="error" id={`${id}-error`} role="alert">
                  {errors[id]}
                </p>
              ) : null}
              <input id={id} name={id} type="text" inputmode="numeric" autocomplete="off" placeholder="dd/mm/yyyy" value={choice[id]} aria-invalid={invalid(id)} aria-describedby={errors[id] ? `${id}-error` : undefined} />
            </div>
          ))}
        </div>
        <div class="actions">
          <button type="submit">Xem</button>
        </div>
      </form>
      {period && !m ? <p>Chọn khoảng thời gian rồi bấm “Xem” để tính thời gian xử lý (tính trên mọi quyết định trong khoảng đó).</p> : null}
      {period && m ? (
        <>
          <p>
            {`${THEO[choice.groupBy].label}, từ ${choice.tu} đến ${choice.den}: ${viNumber(m.rows.reduce((a, r) => a + r.decided, 0))} quyết định.`}
          </p>
          {m.rows.length === 0 ? (
            <p>Không có quyết định nào trong khoảng thời gian này ở các báo cáo bạn được xem.</p>
          ) : (
            <table class="responsive">
              <thead>
                <tr>
                  <th scope="col">{GROUP_HEADERS[choice.groupBy]}</th>
                  {(["decided", "medianWorkingHours", "p90WorkingHours", "onTimePct", "returnedPct"] as const).map((k) => (
                    <th scope="col" class="num">
                      {k === "onTimePct" ? "Đúng hạn" : k === "returnedPct" ? "Trả lại" : FIGURE_HEADERS[k]}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {m.rows.map((r) => (
                  <Row row={r} groupBy={choice.groupBy} />
                ))}
              </tbody>
            </table>
          )}
          <p class="actions">
            <a class="button secondary" href={exportLink(period, choice.groupBy, "xlsx")} download>
              Tải về Excel (.xlsx)
            </a>
            <a class="button secondary" href={exportLink(period, choice.groupBy, "csv")} download>
              Tải về CSV
            </a>
          </p>
        </>
      ) : null}
    </section>
  );
}
