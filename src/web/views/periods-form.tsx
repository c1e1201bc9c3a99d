/** @jsxImportSource hono/jsx */
// The form to open a reporting period (/app/periods/new). Dates are typed as dd/mm/yyyy in text
// fields: a native date input shows the browser's language and order, not the department's.
import { INDICATOR_SETS } from "../../../indicators";
import type { ReportingUnitChoice } from "../../services/period-units";
import { ErrorSummary, FieldError, type FieldErrors } from "./shell";

export type OpenPeriodValues = {
  title: string;
  indicatorSetId: string;
  opensDate: string;
  opensTime: string;
  dueDate: string;
  dueTime: string;
  unitIds: ReadonlySet<string>;
};

export const OPEN_PERIOD_LABELS: Record<string, string> = {
  title: "Tên kỳ báo cáo",
  indicatorSetId: "Bộ chỉ tiêu",
  opensDate: "Ngày mở kỳ",
  opensTime: "Giờ mở kỳ",
  dueDate: "Hạn nộp",
  dueTime: "Giờ hạn nộp",
  unitIds: "Đơn vị báo cáo",
  form: "Biểu mẫu",
};

type TextId = "title" | "opensDate" | "opensTime" | "dueDate" | "dueTime";

/** aria-describedby for a field: its hint and, when it has one, its error. */
const describedBy = (id: string, hint: boolean, errors: FieldErrors) => [hint ? `${id}-hint` : "", errors[id] ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;

function TextField(props: { id: TextId; values: OpenPeriodValues; errors: FieldErrors; hint?: string; required?: boolean; placeholder?: string; className?: string }) {
  const { id, errors } = props;
  return (
    <div class={props.className}>
      <label for={id}>
        {OPEN_PERIOD_LABELS[id]}
        {props.required ? " *" : ""}
      </label>
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <FieldError id={id} errors={errors} />
      <input
        id={id}
        name={id}
        type="text"
        value={props.values[id]}
        placeholder={props.placeholder}
        inputmode={props.placeholder ? "numeric" : undefined}
        autocomplete="off"
        aria-invalid={errors[id] ? "true" : undefined}
        aria-describedby={describedBy(id, Boolean(props.hint), errors)}
        required={props.required}
      />
    </div>
  );
}

/** The units by parent (a division, the department), in the order the query gave them. */
function groupsOf(units: readonly ReportingUnitChoice[]) {
  const groups = new Map<string, { name: string; units: ReportingUnitChoice[] }>();
  for (const u of units) {
    const key = u.parentId ?? "";
    const group = groups.get(key) ?? { name: u.parentName ?? "Không trực thuộc đơn vị nào", units: [] };
    group.units.push(u);
    groups.set(key, group);
  }
  return [...groups.values()];
}

export function OpenPeriodForm(props: { csrf: string; values: OpenPeriodValues; errors: FieldErrors; units: readonly ReportingUnitChoice[] }) {
  // A unit nobody can sign for would learn it only when it tries to submit, perhaps on the due day.
  const headless = props.units.filter((u) => !u.hasHead);
  const { values: v, errors } = props;
  const unitsInvalid = errors.unitIds ? "true" : undefined;
  return (
    <form method="post" action="/app/periods/new" novalidate class="period-form">
      <ErrorSummary errors={errors} labels={OPEN_PERIOD_LABELS} />
      <FieldError id="form" errors={errors} />
      <input type="hidden" name="_csrf" value={props.csrf} />
      <TextField id="title" values={v} errors={errors} required hint="Ví dụ: Kết quả học kỳ I năm học 2024 – 2025" />
      <div>
        <label for="indicatorSetId">{OPEN_PERIOD_LABELS.indicatorSetId} *</label>
        <FieldError id="indicatorSetId" errors={errors} />
        <select id="indicatorSetId" name="indicatorSetId" aria-invalid={errors.indicatorSetId ? "true" : undefined} aria-describedby={describedBy("indicatorSetId", false, errors)}>
          {INDICATOR_SETS.list().map((s) => (
            <option value={s.id} selected={s.id === v.indicatorSetId}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      <div class="grid">
        <div class="date-time">
          <TextField id="opensDate" values={v} errors={errors} required placeholder="dd/mm/yyyy" hint="Dạng dd/mm/yyyy." />
          <TextField id="opensTime" values={v} errors={errors} placeholder="hh:mm" hint="Để trống: 00:00." />
        </div>
        <div class="date-time">
          <TextField id="dueDate" values={v} errors={errors} required placeholder="dd/mm/yyyy" hint="Dạng dd/mm/yyyy." />
          <TextField id="dueTime" values={v} errors={errors} placeholder="hh:mm" hint="Để trống: 17:00." />
        </div>
      </div>
      <fieldset id="unitIds" class="period-units" aria-describedby={describedBy("unitIds", true, errors)}>
        <legend>{OPEN_PERIOD_LABELS.unitIds} *</legend>
        <p class="hint" id="unitIds-hint">
          Các trung tâm và trường đang hoạt động thuộc phạm vi bạn phụ trách ({props.units.length} đơn vị). Bỏ chọn đơn vị không phải báo cáo kỳ này.
        </p>
        <FieldError id="unitIds" errors={errors} />
        {headless.length > 0 ? (
          <p class="warning-text" id="unitIds-headless">
            {headless.length} đơn vị chưa có lãnh đạo đơn vị để ký duyệt ({headless.map((u) => u.name).join(", ")}): báo cáo của các đơn vị này sẽ không trình được cho đến khi quản trị viên phân công.
          </p>
        ) : null}
        {groupsOf(props.units).map((g) => (
          <fieldset class="plain unit-group">
            <legend>{g.name}</legend>
            {g.units.map((u) => (
              <label class="choice">
                <input type="checkbox" name="unitIds" value={u.id} checked={v.unitIds.has(u.id)} aria-invalid={unitsInvalid} aria-describedby={unitsInvalid ? "unitIds-error" : undefined} />{" "}
                <span>
                  {u.name}
                  {u.hasHead ? null : <span class="warning-text"> — chưa có lãnh đạo đơn vị ký duyệt</span>}
                </span>
              </label>
            ))}
          </fieldset>
        ))}
      </fieldset>
      <div class="actions">
        <button type="submit">Mở kỳ báo cáo</button>
        <a class="button secondary" href="/app/periods">
          Huỷ
        </a>
      </div>
    </form>
  );
}
