/** @jsxImportSource hono/jsx */
// The dashboard page (/app/dashboard): what the counters say, for one school year (năm học).
import { WORKFLOWS, type ReportKind } from "../../../workflows";
import { viDateTime, viNumber } from "../../portal/format";
import { medianBin, OVERDUE_PAGE, UNIT_STATUSES, type Dashboard } from "../../queries/dashboard";
import { MetricsSection, type MetricsForm } from "./dashboard-metrics";
import type { Metrics } from "../../services/metrics";
import { StatusBadge, STATUS_LABELS } from "./report-detail";

const stageLabel = (stage: string | null, kind?: string) => {
  const inKind = kind ? WORKFLOWS[kind as ReportKind]?.stages.find((s) => s.id === stage)?.label : undefined;
  // Stage ids are the reviewing roles: every workflow names the same stage the same way.
  return inKind ?? Object.values(WORKFLOWS).flatMap((w) => w.stages).find((s) => s.id === stage)?.label ?? stage ?? "";
};

// Stages in review order (the periodic chain has them all), for tiles and rows.
const STAGE_ORDER = [...new Set(Object.values(WORKFLOWS).flatMap((w) => w.stages.map((s) => s.id)))];
const byChain = <T extends { stage: string | null }>(rows: readonly T[]) =>
  [...rows].sort((a, b) => (STAGE_ORDER.indexOf(a.stage ?? "") >>> 0) - (STAGE_ORDER.indexOf(b.stage ?? "") >>> 0));

const hoursText = (h: number) => (h >= 24 && h % 24 === 0 ? `${viNumber(h / 24)} ngày` : `${viNumber(h)} giờ`);

/** The histogram bin the median falls in, in words ("8 giờ – 1 ngày"). */
export function medianText(histogram: readonly number[]): string {
  const bin = medianBin(histogram);
  if (!bin) return "–";
  if (bin.from === 0) return `Dưới ${hoursText(bin.to)}`;
  if (bin.to === Infinity) return `Trên ${hoursText(bin.from)}`;
  return `${hoursText(bin.from)} – ${hoursText(bin.to)}`;
}

export const schoolYearText = (y: number) => `${y}–${y + 1}`;

export function DashboardPage(props: { figures: Dashboard; currentYear: number; metricsForm: MetricsForm; metrics: Metrics | null }) {
  const f = props.figures;
  const year = f.schoolYear;
  const stageCounts = new Map<string, number>();
  for (const r of byChain(f.byStage)) stageCounts.set(stageLabel(r.stage, r.kind), (stageCounts.get(stageLabel(r.stage, r.kind)) ?? 0) + r.n);
  const times = new Map<string, { n: number; seconds: number; histogram: number[] }>();
  for (const r of byChain(f.stageTimes)) {
    const label = stageLabel(r.stage);
    const t = times.get(label) ?? { n: 0, seconds: 0, histogram: r.histogram.map(() => 0) };
    times.set(label, { n: t.n + r.n, seconds: t.seconds + r.seconds, histogram: t.histogram.map((x, i) => x + (r.histogram[i] ?? 0)) });
  }
  // Only the statuses some unit has: a table of empty columns says nothing.
  const statuses = UNIT_STATUSES.filter((s) => s === "in_review" || f.byUnit.some((u) => u.counts[s] > 0));
  const overdueCount = f.overdueMore ? `${viNumber(OVERDUE_PAGE)}+` : viNumber(f.overdue.length);
  const from = `01/09/${year}`;
  return (
    <>
      <h1>Tổng quan</h1>
      <section aria-labelledby="theo-buoc">
        <h2 id="theo-buoc">Đang thẩm định, theo bước</h2>
        <p class="hint">Số báo cáo đang chờ ở mỗi bước, tính đến lúc này.</p>
        <div class="stats">
          {stageCounts.size === 0 ? <p>Không có báo cáo nào đang thẩm định.</p> : null}
          {/* Each tile opens the list it counts: in review (all stages: the list has no stage filter), and the overdue table below. */}
          {[...stageCounts].map(([stage, n]) => (
            <a class="stat" href="/app/reports?status=in_review">
              <b>{viNumber(n)}</b>
              {stage}
            </a>
          ))}
          <a class="stat" href="#qua-han">
            <b>{overdueCount}</b>Quá hạn
          </a>
        </div>
      </section>
      <section aria-labelledby="qua-han">
        <h2 id="qua-han">Quá hạn xử lý</h2>
        {f.overdue.length === 0 ? <p>Không có báo cáo quá hạn.</p> : null}
        {f.overdueMore ? <p class="hint">{`${viNumber(OVERDUE_PAGE)} báo cáo quá hạn lâu nhất; còn những báo cáo khác quá hạn.`}</p> : null}
        {f.overdue.length ? (
          <table class="responsive">
            <thead>
              <tr>
                <th scope="col">Hạn</th>
                <th scope="col">Tiêu đề</th>
                <th scope="col">Đơn vị</th>
                <th scope="col">Bước</th>
              </tr>
            </thead>
            <tbody>
              {f.overdue.map((r) => (
                <tr>
                  <td data-label="Hạn">
                    {viDateTime(r.stageDueAt ?? "")} <StatusBadge status="in_review" overdue />
                  </td>
                  <td data-label="Tiêu đề">
                    <a href={`/app/reports/${r.id}`}>{r.title}</a>
                  </td>
                  <td data-label="Đơn vị">{r.unit}</td>
                  <td data-label="Bước">{stageLabel(r.stage, r.kind)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      <MetricsSection form={props.metricsForm} metrics={props.metrics} />
      <nav aria-label="Năm học">
        <h2 id="nam-hoc">Năm học {schoolYearText(year)}</h2>
        <p class="hint">Hai bảng dưới đây tính theo năm học, từ ngày {from} (giờ Việt Nam).</p>
        <ul class="tabs">
          <li>
            <a href={`/app/dashboard?nam-hoc=${year - 1}`}>← Năm học {schoolYearText(year - 1)}</a>
          </li>
          {year < props.currentYear ? (
            <li>
              <a href={year + 1 === props.currentYear ? "/app/dashboard" : `/app/dashboard?nam-hoc=${year + 1}`}>Năm học {schoolYearText(year + 1)} →</a>
            </li>
          ) : null}
        </ul>
      </nav>
      <section aria-labelledby="thoi-gian">
        <h3 id="thoi-gian">Thời gian xử lý ở mỗi bước</h3>
        <p class="hint">
          Từ khi báo cáo đến bước đến khi bước đó duyệt hoặc trả lại, với các quyết định trong năm học, tính theo thời gian thực (cả ngoài giờ và ngày nghỉ; tính theo giờ
          làm việc: xem mục <a href="#thoi-gian-xu-ly">Thời gian xử lý</a> ở trên). Trung vị cho biết khoảng thời gian mà một nửa số lượt xử lý xong trong đó.
        </p>
        {times.size === 0 ? <p>Chưa có quyết định nào trong năm học này ở các đơn vị bạn phụ trách.</p> : null}
        <table hidden={times.size === 0}>
          <thead>
            <tr>
              <th scope="col">Bước</th>
              <th scope="col" class="num">Số lượt</th>
              <th scope="col" class="num">Trung bình (giờ)</th>
              <th scope="col" class="num">Trung vị (khoảng)</th>
            </tr>
          </thead>
          <tbody>
            {[...times].map(([stage, t]) => (
              <tr>
                <td>{stage}</td>
                <td class="num">{viNumber(t.n)}</td>
                <td class="num">{viNumber(t.seconds / 3600 / t.n, 1)}</td>
                <td class="num">{medianText(t.histogram)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="theo-don-vi">
        <h3 id="theo-don-vi">Theo đơn vị</h3>
        <p class="hint">Báo cáo đã gửi (không tính bản nháp) được tạo trong năm học, theo trạng thái hiện tại.</p>
        {f.byUnit.length === 0 ? <p>Chưa có báo cáo nào đã gửi trong năm học này ở các đơn vị bạn phụ trách.</p> : null}
        {/* A plain table, narrow numbers under their headings: the stacked layout's cell labels do not show. */}
        <table hidden={f.byUnit.length === 0}>
          <thead>
            <tr>
              <th scope="col">Đơn vị</th>
              {statuses.map((s) => (
                <th scope="col" class="num">
                  {STATUS_LABELS[s]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {f.byUnit.map((u) => (
              <tr>
                <td>{u.unit}</td>
                {/* A count opens the reports list under the same unit, status and school year. */}
                {statuses.map((s) => (
                  <td class="num">
                    {u.counts[s] > 0 ? (
                      <a href={`/app/reports?${new URLSearchParams({ unit: u.unitId, status: s, from: from, to: `31/08/${year + 1}` })}`} aria-label={`${viNumber(u.counts[s])} báo cáo ${STATUS_LABELS[s]} của ${u.unit}`}>
                        {viNumber(u.counts[s])}
                      </a>
                    ) : (
                      viNumber(u.counts[s])
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
