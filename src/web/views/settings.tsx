/** @jsxImportSource hono/jsx */
// The user's own settings (/app/settings): delegations given and received (ủy quyền, ký thay) with
// a form to give one, and their absence (vắng mặt). Dates are typed dd/mm/yyyy in text fields, as
// on the periods' form: a native date input shows the browser's order, not the department's. Hints
// go under their fields, so that the fields of a row line up whatever their hints' length.
import { viDateTime } from "../../domain/vi-format";
import type { DelegateChoice } from "../../services/assignment-options";
import type { AbsenceView, DelegationView } from "../../services/delegations";
import { ROLE_LABELS } from "../../domain/roles";
import type { Role } from "../../db/schema";
import { ErrorSummary, FieldError, type FieldErrors } from "./shell";

export type DelegationValues = { toUserId: string; role: string; startsDate: string; endsDate: string; note: string };
export type AbsenceValues = { absFrom: string; absUntil: string; substituteId: string };

export const DELEGATION_LABELS: Record<string, string> = {
  toUserId: "Người nhận",
  role: "Vai trò",
  startsDate: "Từ ngày",
  endsDate: "Đến ngày",
  note: "Ghi chú",
  delegation: "Ủy quyền",
};

export const ABSENCE_LABELS: Record<string, string> = { absFrom: "Từ ngày", absUntil: "Đến ngày", substituteId: "Người thay", absence: "Vắng mặt" };

const STATE_LABELS: Record<DelegationView["state"], string> = { scheduled: "Sắp hiệu lực", active: "Đang hiệu lực", ended: "Đã kết thúc" };

export type SettingsProps = {
  csrf: string;
  roles: { role: Role; label: string }[];
  choices: DelegateChoice[];
  given: DelegationView[];
  received: DelegationView[];
  absence: AbsenceView | null;
  delegation: { values: DelegationValues; errors: FieldErrors };
  absenceForm: { values: AbsenceValues; errors: FieldErrors };
};

const describedBy = (id: string, hint: boolean, errors: FieldErrors) => [hint ? `${id}-hint` : "", errors[id] ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;

function DateField(props: { id: string; label: string; value: string; errors: FieldErrors; hint: string; required?: boolean }) {
  const { id, errors } = props;
  return (
    <div>
      <label for={id}>
        {props.label}
        {props.required ? " *" : ""}
      </label>
      <FieldError id={id} errors={errors} />
      <input
        id={id}
        name={id}
        type="text"
        value={props.value}
        placeholder="dd/mm/yyyy"
        inputmode="numeric"
        autocomplete="off"
        aria-invalid={errors[id] ? "true" : undefined}
        aria-describedby={describedBy(id, true, errors)}
        required={props.required}
      />
      <p class="hint field-hint" id={`${id}-hint`}>
        {props.hint}
      </p>
    </div>
  );
}

/** A person to choose: "Name — Unit (roles)", so that two people of one name are told apart. */
function PersonSelect(props: { id: string; value: string; choices: DelegateChoice[]; errors: FieldErrors; label: string; hint?: string }) {
  const { id, errors } = props;
  return (
    <div class="wide">
      <label for={id}>{props.label} *</label>
      <FieldError id={id} errors={errors} />
      <select id={id} name={id} required aria-invalid={errors[id] ? "true" : undefined} aria-describedby={describedBy(id, Boolean(props.hint), errors)}>
        <option value="">— Chọn người —</option>
        {props.choices.map((p) => (
          <option value={p.id} selected={p.id === props.value}>
            {p.name} — {p.unitName}
            {p.roles.length ? ` (${p.roles.map((r) => ROLE_LABELS[r as Role] ?? r).join(", ")})` : ""}
          </option>
        ))}
      </select>
      {props.hint ? (
        <p class="hint field-hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

const span = (d: { startsAt: string; endsAt: string }) => `${viDateTime(d.startsAt)} – ${viDateTime(d.endsAt)}`;

function EndButton(props: { csrf: string; d: DelegationView; side: "given" | "received" }) {
  if (props.d.state === "ended") return null;
  const question =
    props.side === "given"
      ? `Kết thúc ủy quyền vai trò ${props.d.roleLabel} cho ${props.d.to.name} ngay bây giờ?`
      : `Thôi nhận ủy quyền vai trò ${props.d.roleLabel} của ${props.d.from.name} ngay bây giờ?`;
  return (
    <form method="post" action={`/app/settings/delegations/${props.d.id}/end`} class="inline" data-confirm={question}>
      <input type="hidden" name="_csrf" value={props.csrf} />
      <button type="submit" class="secondary small" aria-label={`Kết thúc ủy quyền vai trò ${props.d.roleLabel} ${props.side === "given" ? `cho ${props.d.to.name}` : `của ${props.d.from.name}`}`}>
        Kết thúc
      </button>
    </form>
  );
}

function DelegationTable(props: { csrf: string; rows: DelegationView[]; side: "given" | "received"; caption: string }) {
  const other = props.side === "given" ? "Người nhận" : "Người ủy quyền";
  return (
    <table class="responsive delegations">
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Vai trò</th>
          <th scope="col">{other}</th>
          <th scope="col">Từ – đến</th>
          <th scope="col">Trạng thái</th>
          <th scope="col">
            <span class="visually-hidden">Thao tác</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((d) => (
          <tr class={`delegation-${d.state}`}>
            <td data-label="Vai trò">
              {d.roleLabel}
              {d.kind === "absence" ? <span class="hint"> (vắng mặt)</span> : null}
            </td>
            <td data-label={other}>{props.side === "given" ? d.to.name : d.from.name}</td>
            <td data-label="Từ – đến">{span(d)}</td>
            <td data-label="Trạng thái">
              <span class={`badge delegation-${d.state}`}>{STATE_LABELS[d.state]}</span>
            </td>
            <td class="row-actions">
              <EndButton csrf={props.csrf} d={d} side={props.side} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DelegationForm(props: SettingsProps) {
  const { values: v, errors } = props.delegation;
  return (
    <form method="post" action="/app/settings/delegations" id="delegation" novalidate class="card settings-form" aria-labelledby="uy-quyen-moi">
      <h3 id="uy-quyen-moi" class="mt0">
        Ủy quyền mới
      </h3>
      <ErrorSummary errors={errors} labels={DELEGATION_LABELS} />
      <input type="hidden" name="_csrf" value={props.csrf} />
      <div class="settings-grid">
        <PersonSelect id="toUserId" label="Người nhận" value={v.toUserId} choices={props.choices} errors={errors} hint="Người giữ vai trò thẩm định, hoặc người cùng đơn vị với bạn" />
        <div class="wide">
          <label for="role">Vai trò *</label>
          <FieldError id="role" errors={errors} />
          <select id="role" name="role" aria-invalid={errors.role ? "true" : undefined} aria-describedby={describedBy("role", false, errors)}>
            {props.roles.map((r) => (
              <option value={r.role} selected={r.role === v.role}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        <DateField id="startsDate" label="Từ ngày" value={v.startsDate} errors={errors} hint="Để trống: bắt đầu ngay" />
        <DateField id="endsDate" label="Đến ngày" value={v.endsDate} errors={errors} hint="Hết ngày này (tối đa 366 ngày)" required />
      </div>
      <label for="note">Ghi chú</label>
      <FieldError id="note" errors={errors} />
      <textarea id="note" name="note" class="short" maxlength={500} aria-invalid={errors.note ? "true" : undefined}>
        {v.note}
      </textarea>
      <div class="actions">
        <button type="submit">Ủy quyền</button>
      </div>
    </form>
  );
}

function AbsenceSection(props: SettingsProps) {
  const a = props.absence;
  const { values: v, errors } = props.absenceForm;
  if (props.roles.length === 0) {
    return (
      <>
        <ErrorSummary errors={errors} labels={ABSENCE_LABELS} />
        <p>Bạn không giữ vai trò thẩm định nào, nên không cần đặt người thay khi vắng mặt.</p>
      </>
    );
  }
  const running = a !== null && a.delegations.some((d) => d.state === "active");
  return (
    <>
      {a ? (
        <div class="card absence-now" role="status">
          <p class="mt0">
            <span class={`badge delegation-${running ? "active" : "scheduled"}`}>{running ? "Đang vắng mặt" : "Sắp vắng mặt"}</span>
          </p>
          <dl class="facts">
            <dt>Thời gian</dt>
            <dd>{span({ startsAt: a.from, endsAt: a.until })}</dd>
            <dt>Người thay</dt>
            <dd>{a.substitute.name}</dd>
            <dt>Vai trò</dt>
            <dd>{a.roles.map((r) => ROLE_LABELS[r as Role] ?? r).join(", ")}</dd>
          </dl>
          <form method="post" action="/app/settings/absence/end" data-confirm={running ? "Kết thúc vắng mặt ngay bây giờ? Bạn sẽ tự xử lý lại các bước của mình." : "Huỷ lịch vắng mặt sắp tới?"}>
            <input type="hidden" name="_csrf" value={props.csrf} />
            <button type="submit" class="secondary">
              {running ? "Kết thúc sớm" : "Huỷ lịch vắng mặt"}
            </button>
          </form>
        </div>
      ) : (
        <p>Bạn không có lịch vắng mặt nào.</p>
      )}
      <form method="post" action="/app/settings/absence" id="absence" novalidate class="card settings-form" aria-labelledby="vang-mat-moi">
        <h3 id="vang-mat-moi" class="mt0">
          {a ? "Đặt lại lịch vắng mặt" : "Báo vắng mặt"}
        </h3>
        <p class="hint">Trong thời gian vắng mặt, người thay ký thay bạn ở mọi vai trò thẩm định của bạn.{a ? " Lịch mới thay cho lịch hiện có." : ""}</p>
        <ErrorSummary errors={errors} labels={ABSENCE_LABELS} />
        <input type="hidden" name="_csrf" value={props.csrf} />
        <div class="settings-grid">
          <DateField id="absFrom" label="Từ ngày" value={v.absFrom} errors={errors} hint="Để trống: từ bây giờ" />
          <DateField id="absUntil" label="Đến ngày" value={v.absUntil} errors={errors} hint="Hết ngày này" required />
          <PersonSelect id="substituteId" label="Người thay" value={v.substituteId} choices={props.choices} errors={errors} />
        </div>
        <div class="actions">
          <button type="submit">Lưu lịch vắng mặt</button>
        </div>
      </form>
    </>
  );
}

export function SettingsPage(props: SettingsProps) {
  return (
    <>
      <section aria-labelledby="uy-quyen">
        <h2 id="uy-quyen">Ủy quyền (ký thay)</h2>
        <p class="hint">Người nhận ủy quyền quyết định các bước thẩm định của vai trò đó thay bạn, trong thời gian đã định; lịch sử ghi {"“KT. <vai trò>: <người nhận>”"}.</p>
        {props.given.length ? <DelegationTable csrf={props.csrf} rows={props.given} side="given" caption="Bạn ủy quyền" /> : <p>Bạn chưa ủy quyền cho ai.</p>}
        {props.received.length ? <DelegationTable csrf={props.csrf} rows={props.received} side="received" caption="Bạn được ủy quyền" /> : <p>Chưa ai ủy quyền cho bạn.</p>}
        {props.roles.length ? <DelegationForm {...props} /> : <p>Bạn không giữ vai trò thẩm định nào để ủy quyền.</p>}
      </section>
      <section aria-labelledby="vang-mat">
        <h2 id="vang-mat">Vắng mặt</h2>
        <AbsenceSection {...props} />
      </section>
    </>
  );
}
