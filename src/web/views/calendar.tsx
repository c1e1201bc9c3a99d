/** @jsxImportSource hono/jsx */
// The admin's calendar page (/app/admin/calendar): a year's days off and working weekend days,
// the overrides with who set them and a remove button, and the form to add one. The due helper
// and the audit trail are in ./calendar-tools.tsx.
import { FIRST_YEAR, LAST_YEAR, type CalendarDay } from "../../domain/calendar";
import { viDate, viDateTime } from "../../portal/format";
import type { OverrideEvent, OverrideView } from "../../services/calendar";
import { DueHelper, History, viDay, viWeekday, type DueState } from "./calendar-tools";

export type CalendarPageProps = {
  year: number;
  yearError?: string;
  days: CalendarDay[];
  overrides: OverrideView[];
  events: OverrideEvent[];
  moreEvents: boolean;
  due: DueState;
  csrf: string;
};

function YearPicker(props: { year: number; error?: string }) {
  const { year } = props;
  return (
    <form method="get" action="/app/admin/calendar" aria-label="Chọn năm">
      <label for="nam">Năm</label>
      <div class="actions inline-actions">
        <input id="nam" name="nam" type="number" min={FIRST_YEAR} max={LAST_YEAR} step={1} value={String(year)} required class="year-input" aria-invalid={props.error ? "true" : undefined} aria-describedby={props.error ? "nam-error" : undefined} />
        <button type="submit">Xem</button>
        <span>
          {year > FIRST_YEAR ? <a href={`/app/admin/calendar?nam=${year - 1}`}>← Năm {year - 1}</a> : null}
          {year > FIRST_YEAR && year < LAST_YEAR ? " · " : null}
          {year < LAST_YEAR ? <a href={`/app/admin/calendar?nam=${year + 1}`}>Năm {year + 1} →</a> : null}
        </span>
      </div>
      {props.error ? (
        <p class="error" id="nam-error">
          {props.error}
        </p>
      ) : null}
    </form>
  );
}

function DaysTable(props: { year: number; days: CalendarDay[] }) {
  if (props.days.length === 0) return <p>Năm {props.year} không có ngày nào khác lịch Thứ Hai – Thứ Sáu.</p>;
  return (
    <table class="responsive">
      <thead>
        <tr>
          <th scope="col">Ngày</th>
          <th scope="col">Thứ</th>
          <th scope="col">Tên ngày / lý do</th>
          <th scope="col">Loại</th>
          <th scope="col">Nguồn</th>
        </tr>
      </thead>
      <tbody>
        {props.days.map((d) => (
          <tr>
            <td data-label="Ngày">{viDate(d.date)}</td>
            <td data-label="Thứ">{viWeekday(d.date)}</td>
            <td data-label="Tên ngày / lý do">{d.name}</td>
            <td data-label="Loại">{d.working ? "Làm việc (làm bù)" : "Nghỉ"}</td>
            <td data-label="Nguồn">{d.source === "law" ? "Theo luật" : "Điều chỉnh"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OverridesTable(props: { year: number; overrides: OverrideView[]; csrf: string }) {
  if (props.overrides.length === 0) return <p>Chưa có điều chỉnh nào cho năm {props.year}: lịch năm này theo luật.</p>;
  return (
    <table class="responsive">
      <thead>
        <tr>
          <th scope="col">Ngày</th>
          <th scope="col">Đặt thành</th>
          <th scope="col">Lý do</th>
          <th scope="col">Người đặt, lúc</th>
          <th scope="col">
            <span class="skip">Thao tác</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {props.overrides.map((o) => (
          <tr>
            <td data-label="Ngày">{viDay(o.date)}</td>
            <td data-label="Đặt thành">{o.working ? "Ngày làm việc" : "Ngày nghỉ"}</td>
            <td data-label="Lý do">{o.name}</td>
            <td data-label="Người đặt, lúc">
              {o.updatedBy?.name ?? "–"}, {viDateTime(o.updatedAt)}
            </td>
            <td data-label="Thao tác">
              <form method="post" action={`/app/admin/calendar/days/${o.date}/xoa`} class="inline" data-confirm={`Xoá điều chỉnh ngày ${viDate(o.date)}? Ngày này sẽ theo lịch của luật.`}>
                <input type="hidden" name="_csrf" value={props.csrf} />
                <button type="submit" class="secondary" aria-label={`Xoá điều chỉnh ngày ${viDate(o.date)}`}>
                  Xoá
                </button>
              </form>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AddOverride(props: { csrf: string }) {
  // The date starts empty on purpose: a pre-filled date would be saved by an admin who forgot it.
  return (
    <section class="card mt16" aria-labelledby="them-dieu-chinh">
      <h2 id="them-dieu-chinh" class="mt0">
        Thêm điều chỉnh
      </h2>
      <p class="hint">Ghi lại ngày nghỉ bù hoặc làm bù theo quyết định của Thủ tướng, UBND tỉnh. Nếu ngày đã có điều chỉnh, điều chỉnh mới thay điều chỉnh cũ.</p>
      <form method="post" action="/app/admin/calendar/days">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <div class="grid">
          <div>
            <label for="date">Ngày</label>
            <p class="hint" id="date-hint">
              Dạng ngày/tháng/năm, ví dụ 08/02/2025 (năm {FIRST_YEAR}–{LAST_YEAR}).
            </p>
            {/* Text, not type=date: that one shows the date in the browser's language (mm/dd/yyyy). */}
            <input id="date" name="date" type="text" inputmode="numeric" placeholder="dd/mm/yyyy" autocomplete="off" data-date-mask="date" class="date-input date" required aria-describedby="date-hint" />
          </div>
          <fieldset class="plain">
            <legend>Đặt thành</legend>
            <label class="choice">
              <input type="radio" name="working" value="0" checked /> Ngày nghỉ (nghỉ bù, nghỉ thêm)
            </label>
            <label class="choice">
              <input type="radio" name="working" value="1" /> Ngày làm việc (làm bù)
            </label>
          </fieldset>
        </div>
        <label for="name">Lý do</label>
        <input id="name" name="name" type="text" required maxlength={200} placeholder="Ví dụ: Làm bù cho ngày 27/01/2025 theo Công văn số …" />
        <div class="actions">
          <button type="submit">Lưu điều chỉnh</button>
        </div>
      </form>
    </section>
  );
}

export function CalendarPage(props: CalendarPageProps) {
  const { year } = props;
  return (
    <>
      <h1>Lịch làm việc năm {year}</h1>
      <p class="hint">
        Ngày làm việc là Thứ Hai đến Thứ Sáu, trừ các ngày nghỉ lễ, Tết theo Bộ luật Lao động 2019 (Điều 112). Điều chỉnh của quản trị (nghỉ bù, làm bù) được ưu tiên hơn lịch theo luật. Hạn thẩm định tính theo
        lịch này.
      </p>
      <YearPicker year={year} error={props.yearError} />
      <section aria-labelledby="ngay-dac-biet">
        <h2 id="ngay-dac-biet">Ngày nghỉ và ngày làm bù năm {year}</h2>
        <DaysTable year={year} days={props.days} />
      </section>
      <section aria-labelledby="dieu-chinh">
        <h2 id="dieu-chinh">Điều chỉnh năm {year}</h2>
        <OverridesTable year={year} overrides={props.overrides} csrf={props.csrf} />
      </section>
      <AddOverride csrf={props.csrf} />
      <DueHelper year={year} due={props.due} />
      <History year={year} events={props.events} more={props.moreEvents} />
    </>
  );
}

/** The notice after saving an override, in words: "Thứ Bảy, 08/02/2025: ngày làm việc (Làm bù …)". */
export const overrideSentence = (o: { date: string; working: boolean; name: string }) => `${viDay(o.date)}: ${o.working ? "ngày làm việc" : "ngày nghỉ"} (${o.name})`;
