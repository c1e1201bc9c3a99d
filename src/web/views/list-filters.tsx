/** @jsxImportSource hono/jsx */
// The search and filter form above the reports list and the inbox (issue 15 point 8): a GET form,
// so the filters live in the address (a link, "Xem thêm", the back button all keep them), with a
// visible label on every field and dates typed dd/mm/yyyy whatever the browser's language.
import { WORKFLOWS, REPORT_KINDS } from "../../../workflows";
import { REPORT_STATUSES, type ReportStatus } from "../../db/schema";
import { dateInput } from "../periods";
import { STATUS_LABELS } from "./report-detail";
import { FieldError, type FieldErrors } from "./shell";
import type { UnitFilter } from "../unit-filter";

/** What the user typed, as typed (put back in the form and in links). */
export type FilterValues = { q: string; unit: string; kind: string; status: string; from: string; to: string; sort: string };

/** The filters as the queries take them; a field typed wrong is left out (and marked on the form). */
export type ParsedFilters = {
  values: FilterValues;
  errors: FieldErrors;
  q?: string;
  unitId?: string;
  unitField: UnitFilter;
  kind?: string;
  status?: ReportStatus;
  /** The first instant of the "from" day in Viet Nam, inclusive. */
  fromIso?: string;
  /** The first instant after the "to" day in Viet Nam, exclusive. */
  beforeIso?: string;
  sort: "due" | "new";
  /** Anything narrows the list (the empty result then offers "Xoá bộ lọc"). */
  active: boolean;
};

const FIELDS = ["q", "unit", "kind", "status", "from", "to", "sort"] as const;

/** Viet Nam has no daylight saving: a day there starts at 17:00 UTC the day before. */
const vnDayStart = (ymd: string, plusDays = 0) => new Date(Date.parse(`${ymd}T00:00:00+07:00`) + plusDays * 86_400_000).toISOString();

export const FILTER_MESSAGES = {
  order: "Ngày “Đến ngày” phải sau hoặc bằng “Từ ngày”.",
};

/**
 * Reads the filters from the query string; unknown kinds and statuses are simply no filter. The unit
 * comes resolved (a unit the caller reads, by id or by the name typed): links carry its id.
 */
export function parseFilters(query: (name: string) => string | undefined, unitField: UnitFilter): ParsedFilters {
  const values = Object.fromEntries(FIELDS.map((f) => [f, (query(f) ?? "").slice(0, 200)])) as FilterValues;
  values.unit = unitField.unit?.id ?? "";
  const errors: FieldErrors = {};
  if (unitField.error) errors.donvi = unitField.error;
  const out: ParsedFilters = { values, errors, unitField, sort: values.sort === "new" ? "new" : "due", active: false };
  const q = values.q.trim();
  if (q) out.q = q;
  if (unitField.unit) out.unitId = unitField.unit.id;
  out.kind = REPORT_KINDS.find((k) => k === values.kind);
  out.status = REPORT_STATUSES.find((s) => s === values.status);
  let fromDay: string | undefined;
  let toDay: string | undefined;
  if (values.from.trim()) {
    const d = dateInput(values.from);
    if ("error" in d) errors.from = d.error;
    else fromDay = d.value;
  }
  if (values.to.trim()) {
    const d = dateInput(values.to);
    if ("error" in d) errors.to = d.error;
    else toDay = d.value;
  }
  if (fromDay && toDay && toDay < fromDay) {
    errors.to = FILTER_MESSAGES.order;
    toDay = undefined;
  }
  if (fromDay) out.fromIso = vnDayStart(fromDay);
  if (toDay) out.beforeIso = vnDayStart(toDay, 1);
  out.active = Boolean(out.q || out.unitId || out.kind || out.status || out.fromIso || out.beforeIso || Object.keys(errors).length);
  return out;
}

/** The filters as a query string (no leading "?"), empty fields left out; `extra` first (the inbox's scope). */
export function filterQuery(values: FilterValues, extra: Record<string, string> = {}, omit: readonly string[] = []): string {
  const params = new URLSearchParams(extra);
  for (const f of FIELDS) if (values[f].trim() && !omit.includes(f)) params.set(f, values[f].trim());
  return params.toString();
}

export function FilterForm(props: {
  action: string;
  parsed: ParsedFilters;
  /** The reports list filters by status; the inbox holds reports in review only. */
  statuses: boolean;
  /** What "Từ ngày / Đến ngày" are about: the report's creation, or its sending for review. */
  dateHint: string;
  /** The inbox's order: due soonest (default) or newest sent. */
  sortable?: boolean;
  hidden?: Record<string, string>;
}) {
  const v = props.parsed.values;
  const e = props.parsed.errors;
  const unit = props.parsed.unitField;
  const invalid = (id: string) => (e[id] ? { "aria-invalid": "true", "aria-describedby": `${id}-error ${id}-hint` } : { "aria-describedby": `${id}-hint` });
  return (
    <form method="get" action={props.action} class="filters" role="search" aria-label="Tìm kiếm và lọc">
      {Object.entries(props.hidden ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <div class="filter-q">
        <label for="q">Tìm kiếm</label>
        <input type="search" id="q" name="q" value={v.q} placeholder="Tiêu đề, nội dung… (gõ có dấu hay không dấu đều được)" />
      </div>
      {unit.offered ? (
        <div class="filter-unit">
          <label for="donvi">Đơn vị</label>
          {/* Suggestions come from the page's script (/app/don-vi); without it, the name typed is looked up on "Lọc". */}
          <input type="search" id="donvi" name="donvi" value={unit.typed} list="donvi-goi-y" autocomplete="off" data-unit-names="/app/don-vi" placeholder="Gõ tên đơn vị, ví dụ: Quận 6" {...invalid("donvi")} />
          <datalist id="donvi-goi-y"></datalist>
          {unit.unit ? <input type="hidden" name="unit" value={unit.unit.id} /> : null}
          <p class="hint" id="donvi-hint">
            Có dấu hay không dấu đều được; để trống là tất cả đơn vị.
          </p>
          <FieldError id="donvi" errors={e} />
          {unit.matches?.length ? (
            <ul class="unit-matches" aria-label="Các đơn vị khớp">
              {unit.matches.map((m) => (
                <li>
                  <a href={`${props.action}?${filterQuery({ ...v, unit: m.id }, props.hidden ?? {})}`}>{m.name}</a>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <div>
        <label for="kind">Loại báo cáo</label>
        <select id="kind" name="kind">
          <option value="">Tất cả loại</option>
          {REPORT_KINDS.map((k) => (
            <option value={k} selected={k === props.parsed.kind}>
              {WORKFLOWS[k].label}
            </option>
          ))}
        </select>
      </div>
      {props.statuses ? (
        <div>
          <label for="status">Trạng thái</label>
          <select id="status" name="status">
            <option value="">Tất cả trạng thái</option>
            {REPORT_STATUSES.map((s) => (
              <option value={s} selected={s === props.parsed.status}>
                {STATUS_LABELS[s] ?? s}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div>
        <label for="from">Từ ngày</label>
        <input type="text" id="from" name="from" value={v.from} inputmode="numeric" autocomplete="off" placeholder="dd/mm/yyyy" {...invalid("from")} />
        <p class="hint" id="from-hint">
          {props.dateHint}, dạng ngày/tháng/năm.
        </p>
        <FieldError id="from" errors={e} />
      </div>
      <div>
        <label for="to">Đến ngày</label>
        <input type="text" id="to" name="to" value={v.to} inputmode="numeric" autocomplete="off" placeholder="dd/mm/yyyy" {...invalid("to")} />
        <p class="hint" id="to-hint">
          Ví dụ 31/12/2024.
        </p>
        <FieldError id="to" errors={e} />
      </div>
      {props.sortable ? (
        <div>
          <label for="sort">Sắp xếp</label>
          <select id="sort" name="sort">
            <option value="due" selected={props.parsed.sort === "due"}>
              Hạn gần nhất
            </option>
            <option value="new" selected={props.parsed.sort === "new"}>
              Mới gửi nhất
            </option>
          </select>
        </div>
      ) : null}
      <div class="filter-actions">
        <button type="submit">Lọc</button>
        {props.parsed.active ? (
          <a class="button secondary" href={props.hidden && Object.keys(props.hidden).length ? `${props.action}?${new URLSearchParams(props.hidden)}` : props.action}>
            Xoá bộ lọc
          </a>
        ) : null}
      </div>
    </form>
  );
}

/** The empty result under active filters: says so, and offers the way out. */
export function NoMatch(props: { clearHref: string; what: string }) {
  return (
    <p class="no-match" role="status">
      Không có {props.what} nào khớp với bộ lọc. <a href={props.clearHref}>Xoá bộ lọc</a>
    </p>
  );
}
