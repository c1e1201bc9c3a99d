/** @jsxImportSource hono/jsx */
// Two parts of the admin's calendar page: "Khi nào đến hạn?" (the due helper, a GET form that
// answers on the same page) and the audit trail of the year's overrides.
import { MAX_WORKING_DAYS, vnDateOf, weekday } from "../../domain/calendar";
import { viDate, viDateTime } from "../../portal/format";
import type { OverrideEvent } from "../../services/calendar";
import { FieldError, type FieldErrors } from "./shell";

const WEEKDAYS = ["Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"];

/** "2025-02-08" -> "Thứ Bảy". */
export const viWeekday = (date: string) => WEEKDAYS[weekday(date)]!;

/** "2025-02-08" -> "Thứ Bảy, 08/02/2025". */
export const viDay = (date: string) => `${viWeekday(date)}, ${viDate(date)}`;

/** What the helper was asked (as typed: "dd/mm/yyyy HH:mm" in Viet Nam's time) and its answer. */
export type DueState = {
  from: string;
  /** The start's day as read ("2025-01-24"). */
  startDay?: string;
  workingDays: string;
  result?: { dueAt: string; workingDaysCounted: string[] };
  errors: FieldErrors;
};

export function DueHelper(props: { year: number; due: DueState }) {
  const { due } = props;
  const invalid = (id: string) => (due.errors[id] ? { "aria-invalid": "true", "aria-describedby": `${id}-error` } : {});
  return (
    <section class="card" id="khi-nao-den-han" aria-labelledby="khi-nao-den-han-tieu-de">
      <h2 id="khi-nao-den-han-tieu-de" class="mt0">
        Khi nào đến hạn?
      </h2>
      <p class="hint">Hạn là 17:00 (giờ Việt Nam) của ngày làm việc thứ n sau ngày bắt đầu; chính ngày bắt đầu không được tính.</p>
      <form method="get" action="/app/admin/calendar#khi-nao-den-han">
        <input type="hidden" name="nam" value={String(props.year)} />
        <div class="grid">
          <div>
            <label for="tu">Bắt đầu từ (giờ Việt Nam)</label>
            <p class="hint" id="tu-hint">
              Dạng ngày/tháng/năm giờ:phút, 24 giờ, ví dụ 24/01/2025 10:00.
            </p>
            {/* Text, not type=datetime-local: that one follows the browser's language (mm/dd/yyyy, AM/PM). */}
            <input id="tu" name="tu" type="text" inputmode="numeric" placeholder="dd/mm/yyyy HH:mm" autocomplete="off" data-date-mask="datetime" class="date-input datetime" required value={due.from} {...invalid("tu")} aria-describedby={due.errors.tu ? "tu-hint tu-error" : "tu-hint"} />
            <FieldError id="tu" errors={due.errors} />
          </div>
          <div>
            <label for="so-ngay">Số ngày làm việc</label>
            <input id="so-ngay" name="so-ngay" type="number" inputmode="numeric" min={1} max={MAX_WORKING_DAYS} step={1} required value={due.workingDays} {...invalid("so-ngay")} />
            <FieldError id="so-ngay" errors={due.errors} />
          </div>
        </div>
        <div class="actions">
          <button type="submit">Tính hạn</button>
        </div>
      </form>
      {due.result ? <DueAnswer from={due.startDay ?? due.from} result={due.result} /> : null}
    </section>
  );
}

function DueAnswer(props: { from: string; result: { dueAt: string; workingDaysCounted: string[] } }) {
  const { dueAt, workingDaysCounted: days } = props.result;
  const dueDay = vnDateOf(dueAt);
  const startDay = props.from.slice(0, 10);
  return (
    <div role="status" id="ket-qua-han">
      <p class="notice">
        Hạn: <strong>{viDateTime(dueAt)}</strong> ({viWeekday(dueDay)}).
      </p>
      <p>
        Tính từ {viDay(startDay)} (ngày này không tính), {days.length} ngày làm việc:
      </p>
      <ol>
        {days.map((d) => (
          <li>
            {viDay(d)}
          </li>
        ))}
      </ol>
    </div>
  );
}

const ACTION_TEXT = (e: OverrideEvent) => (e.action === "put" ? `Đặt thành ${e.working ? "ngày làm việc" : "ngày nghỉ"}` : `Xoá điều chỉnh (trước đó: ${e.working ? "ngày làm việc" : "ngày nghỉ"})`);

export function History(props: { year: number; events: OverrideEvent[]; more: boolean }) {
  return (
    <section aria-labelledby="nhat-ky">
      <h2 id="nhat-ky">Nhật ký thay đổi lịch năm {props.year}</h2>
      {props.events.length === 0 ? (
        <p>Chưa ai thay đổi lịch của năm {props.year}.</p>
      ) : (
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">Ngày</th>
              <th scope="col">Thao tác</th>
              <th scope="col">Lý do</th>
              <th scope="col">Người thực hiện</th>
              <th scope="col">Lúc</th>
            </tr>
          </thead>
          <tbody>
            {props.events.map((e) => (
              <tr>
                <td data-label="Ngày">{viDate(e.date)}</td>
                <td data-label="Thao tác">{ACTION_TEXT(e)}</td>
                <td data-label="Lý do">{e.name}</td>
                <td data-label="Người thực hiện">{e.actor.name}</td>
                <td data-label="Lúc">{viDateTime(e.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.more ? (
        <p class="hint">
          Chỉ hiện {props.events.length} thay đổi đầu tiên; toàn bộ nhật ký có ở <code>/api/v1/calendar/history?year={props.year}</code>.
        </p>
      ) : null}
    </section>
  );
}
