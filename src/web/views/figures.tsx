/** @jsxImportSource hono/jsx */
// A periodic report's figures on the web: the form built from the period's indicator set (a field
// per indicator with its unit, the previous period's value beside it, a note where a value moved
// more than the set allows), and the table reviewers read (value, previous value, warning, note).
import type { Indicator, IndicatorSet } from "../../../indicators";
import { describeCheck, type FigureCheck } from "../../domain/indicators";
import { viDateTime, viNumber } from "../../portal/format";
import { FieldError, type FieldErrors } from "./shell";

/** A value as typed and read in Vietnam: "13.184", "98,6". */
export function figureText(ind: Pick<Indicator, "type">, value: unknown): string {
  if (typeof value !== "number" || !Number.isFinite(value)) return "";
  // A percent is stated to one decimal (98,6%; 96,0% as the roll-up shows it).
  const decimals = ind.type === "count" ? 0 : Math.min(4, Math.max(ind.type === "percent" ? 1 : 0, (String(value).split(".")[1] ?? "").length));
  return viNumber(value, decimals);
}

/** A value with its unit ("13.184 học viên", "98,6%"), or "—" when there is none. */
export const shown = (ind: Indicator, value: unknown) => {
  const text = figureText(ind, value);
  if (!text) return "—";
  return ind.type === "percent" ? `${text}%` : `${text} ${ind.unitLabel}`;
};

/** Labels for the error summary: `figures.<id>` and `figureNotes.<id>` by the indicator's name. */
export function figureLabels(set: IndicatorSet): Record<string, string> {
  const out: Record<string, string> = { figures: "Số liệu", figureNotes: "Giải trình", periodId: "Kỳ báo cáo" };
  for (const ind of set.indicators) {
    out[`figures.${ind.id}`] = ind.label;
    out[`figureNotes.${ind.id}`] = `Giải trình: ${ind.label}`;
  }
  return out;
}

export type FiguresFormProps = {
  set: IndicatorSet;
  period: { id: string; title: string; dueAt: string };
  /** What is in the fields: as typed, or the stored values written the Vietnamese way. */
  values: Record<string, string>;
  notes: Record<string, string>;
  previous: { title: string | null; figures: Record<string, unknown> | null };
  /** Warnings for the values in the fields: each gets a note field. */
  checks: readonly FigureCheck[];
  errors: FieldErrors;
};

export function FiguresFieldset(props: FiguresFormProps) {
  const { set, errors } = props;
  const warned = new Map(props.checks.map((c) => [c.indicatorId, c]));
  return (
    <fieldset id="figures" class="figures">
      <legend>Số liệu — {set.label}</legend>
      <input type="hidden" name="periodId" value={props.period.id} />
      <p class="hint">
        Kỳ báo cáo: <strong>{props.period.title}</strong>, hạn nộp {viDateTime(props.period.dueAt)}.
        {props.previous.figures ? ` Số liệu kỳ trước (${props.previous.title ?? ""}) ghi bên mỗi ô để đối chiếu.` : " Chưa có số liệu kỳ trước để đối chiếu."}
      </p>
      <FieldError id="figures" errors={errors} />
      <div class="figure-grid">
        {set.indicators.map((ind) => {
          const id = `figures.${ind.id}`;
          const noteId = `figureNotes.${ind.id}`;
          const check = warned.get(ind.id);
          const hasNote = check !== undefined || (props.notes[ind.id] ?? "") !== "" || errors[noteId] !== undefined;
          const previous = props.previous.figures?.[ind.id];
          // A value that may move too far gets its note field on the page, hidden until app.js sees
          // the typed value move past the threshold (without the script: shown after a save).
          const watched = ind.maxChangePct !== undefined && typeof previous === "number";
          const invalid = errors[id] ? "true" : undefined;
          const describedBy = [`${id}-hint`, invalid ? `${id}-error` : ""].filter(Boolean).join(" ");
          return (
            <div class="figure">
              <label for={id}>
                {ind.label}
                {ind.required ? " *" : ""} <span class="unit">({ind.type === "percent" ? "%" : ind.unitLabel})</span>
              </label>
              <p class="hint" id={`${id}-hint`}>
                {props.previous.figures ? `Kỳ trước: ${shown(ind, previous)}` : ind.description ?? ""}
              </p>
              <FieldError id={id} errors={errors} />
              <input
                id={id}
                name={id}
                type="text"
                inputmode={ind.type === "count" ? "numeric" : "decimal"}
                value={props.values[ind.id] ?? ""}
                aria-invalid={invalid}
                aria-describedby={describedBy}
                required={ind.required}
                data-previous={watched ? String(previous) : undefined}
                data-max-change={watched ? String(ind.maxChangePct) : undefined}
                data-label={watched ? ind.label : undefined}
                data-percent={watched && ind.type === "percent" ? "1" : undefined}
                data-unit={watched && ind.type !== "percent" ? ind.unitLabel : undefined}
                data-note={watched ? noteId : undefined}
              />
              {hasNote || watched ? (
                <div class={check ? "figure-note warning" : "figure-note"} id={`${noteId}-block`} hidden={!hasNote}>
                  <p class="warning-text" id={`${noteId}-hint`} aria-live="polite">
                    {check ? `${describeCheck(set, check)}. Ghi giải trình trước khi trình.` : ""}
                  </p>
                  <label for={noteId}>Giải trình: {ind.label}</label>
                  <FieldError id={noteId} errors={errors} />
                  <textarea id={noteId} name={noteId} aria-invalid={errors[noteId] ? "true" : undefined} aria-describedby={`${noteId}-hint`}>
                    {props.notes[ind.id] ?? ""}
                  </textarea>
                </div>
              ) : null}
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

/** The figures as reviewers read them: one row per indicator, the previous value, any warning and its note. */
export function FiguresTable(props: {
  set: IndicatorSet;
  period: { id: string; title: string } | null;
  figures: Record<string, unknown>;
  notes: Record<string, string> | null;
  previous: { title: string | null; figures: Record<string, unknown> | null };
  checks: readonly FigureCheck[];
}) {
  const warned = new Map(props.checks.map((c) => [c.indicatorId, c]));
  return (
    <section class="card" aria-labelledby="so-lieu">
      <h2 id="so-lieu" class="mt0">
        Số liệu
      </h2>
      <p class="hint">
        {props.period ? (
          <>
            Kỳ báo cáo: <a href={`/app/periods/${props.period.id}`}>{props.period.title}</a> ·{" "}
          </>
        ) : null}
        Bộ chỉ tiêu: {props.set.label}
        {props.checks.length > 0 ? ` · ${props.checks.length} chỉ tiêu thay đổi nhiều so với kỳ trước` : ""}
      </p>
      <table class="responsive figures-table">
        <thead>
          <tr>
            <th scope="col">Chỉ tiêu</th>
            <th scope="col">Kỳ này</th>
            <th scope="col">Kỳ trước{props.previous.title ? ` (${props.previous.title})` : ""}</th>
            <th scope="col">Ghi chú</th>
          </tr>
        </thead>
        <tbody>
          {props.set.indicators.map((ind) => {
            const check = warned.get(ind.id);
            const note = props.notes?.[ind.id];
            return (
              <tr class={check ? "warning" : undefined}>
                <td data-label="Chỉ tiêu">
                  <strong>{ind.label}</strong>
                </td>
                <td data-label="Kỳ này" class="num">
                  {shown(ind, props.figures[ind.id])}
                </td>
                <td data-label="Kỳ trước" class="num">
                  {props.previous.figures ? shown(ind, props.previous.figures[ind.id]) : "—"}
                </td>
                <td data-label="Ghi chú">
                  {check ? <p class="warning-text">⚠ {describeCheck(props.set, check)}</p> : null}
                  {note ? (
                    <p>
                      <strong>Giải trình:</strong> {note}
                    </p>
                  ) : check ? (
                    <p class="error">Chưa có giải trình</p>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** The rows of a change in figures or notes, one per indicator that changed, by its label: never the raw object. */
export function figureChangeRows(set: IndicatorSet | null, field: "figures" | "figureNotes", before: unknown, after: unknown): { label: string; before: string; after: string }[] {
  const a = isObject(before) ? before : {};
  const b = isObject(after) ? after : {};
  const ids = set ? set.indicators.map((i) => i.id) : [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const rows: { label: string; before: string; after: string }[] = [];
  for (const id of ids) {
    const [x, y] = [Object.hasOwn(a, id) ? a[id] : undefined, Object.hasOwn(b, id) ? b[id] : undefined];
    if (x === y) continue;
    const ind = set?.indicators.find((i) => i.id === id);
    const label = ind?.label ?? id;
    if (field === "figureNotes") rows.push({ label: `Giải trình: ${label}`, before: typeof x === "string" ? x : "(trống)", after: typeof y === "string" ? y : "(trống)" });
    else rows.push({ label, before: ind ? shown(ind, x) : String(x ?? "—"), after: ind ? shown(ind, y) : String(y ?? "—") });
  }
  return rows;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
