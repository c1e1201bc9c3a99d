/** @jsxImportSource hono/jsx */
// The admin's calendar page under /app/admin/calendar (DESIGN.md section 12): the year's days off,
// the overrides (add, remove), the due helper and the audit trail. The same operations as the API
// (src/services/calendar.ts) and the same field rules and messages (src/domain/calendar/input.ts).
import type { Hono } from "hono";
import { ORDINARY_DAY, overrideName, parseCalendarDate, parseWorkingDays, parseYear, parseZonedDateTime, VN_UTC_OFFSET, type WorkingCalendar } from "../domain/calendar";
import { ApiError } from "../errors";
import { calendarForAdmin, currentVnYear, dropCalendarDay, dueOf, mayManageCalendar, setCalendarDay } from "../services/calendar";
import { dateTimeText, isoDayOf, isoLocalDateTimeOf, readForm, str } from "./forms";
import { forbiddenPage, refusal } from "./refusal";
import { page, seeOther } from "./render";
import { Notice } from "./reports";
import { webSession, type WebEnv } from "./session";
import { CalendarPage, overrideSentence } from "./views/calendar";
import { viDay, type DueState } from "./views/calendar-tools";
import type { FieldErrors } from "./views/shell";

const PAGE = "/app/admin/calendar";
/** How much of the year's audit trail the page shows; the API pages through all of it. */
const HISTORY_ON_PAGE = 200;
const LABELS: Record<string, string> = { date: "Ngày", working: "Đặt thành", name: "Lý do" };
// The helper's form fields, by the API fields they feed.
const DUE_FIELDS: Record<string, string> = { from: "tu", workingDays: "so-ngay" };
// The start as typed ("24/01/2025 10:00", a text field: a native date-time field follows the
// browser's language) or in the ISO form of older links, with no zone: read as Viet Nam's time.
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?$/;

/** Now as the field shows it ("24/01/2025 10:00", Viet Nam's time). */
const localNow = (now = new Date()) => dateTimeText(now.toISOString());

const pageFor = (year: number) => `${PAGE}?nam=${year}`;

/** The helper's answer, or its errors beside its fields. Nothing asked: the form only. */
function dueState(calendar: WorkingCalendar, tu: string | undefined, soNgay: string | undefined): DueState {
  const state: DueState = { from: tu ?? localNow(), workingDays: soNgay ?? "", errors: {} };
  if (tu === undefined && soNgay === undefined) return state;
  const local = isoLocalDateTimeOf(state.from);
  if (!LOCAL_DATE_TIME.test(local)) state.errors.tu = "Nhập ngày và giờ bắt đầu, ví dụ 24/01/2025 10:00";
  const from = `${local.length === 16 ? `${local}:00` : local}${VN_UTC_OFFSET}`;
  state.startDay = local.slice(0, 10);
  const at = parseZonedDateTime(from);
  if ("error" in at) state.errors.tu ??= at.error;
  const workingDays = parseWorkingDays(state.workingDays);
  if ("error" in workingDays) state.errors["so-ngay"] ??= workingDays.error;
  if (Object.keys(state.errors).length > 0 || "error" in workingDays) return state;
  try {
    state.result = dueOf(calendar, from, workingDays.value, "form");
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    for (const e of err.errors ?? []) state.errors[DUE_FIELDS[e.path] ?? "so-ngay"] ??= e.message;
  }
  return state;
}

const problemsOf = (errors: FieldErrors) =>
  Object.entries(errors)
    .map(([k, m]) => `${LABELS[k] ?? k}: ${m}`)
    .join("; ");

export function registerWebCalendar(app: Hono<WebEnv>) {
  const auth = webSession();

  app.get(PAGE, auth, async (c) => {
    const actor = c.get("actor");
    if (!mayManageCalendar(actor)) return forbiddenPage(c);
    const currentYear = currentVnYear();
    const asked = c.req.query("nam");
    const parsedYear = asked === undefined ? undefined : parseYear(asked);
    const year = parsedYear && "value" in parsedYear ? parsedYear.value : currentYear;
    const shown = await calendarForAdmin(c.env.DB, actor, year, HISTORY_ON_PAGE);
    return page(
      c,
      `Lịch làm việc năm ${year}`,
      <>
        <Notice c={c} />
        <CalendarPage
          year={year}
          yearError={parsedYear && "error" in parsedYear ? `${parsedYear.error}; đang hiện năm ${currentYear}.` : undefined}
          days={shown.days}
          overrides={shown.overrides}
          events={shown.events}
          moreEvents={shown.moreEvents}
          due={dueState(shown.calendar, c.req.query("tu"), c.req.query("so-ngay"))}
          csrf={c.get("csrf")}
        />
      </>,
    );
  });

  app.post(`${PAGE}/days`, auth, async (c) => {
    const actor = c.get("actor");
    if (!mayManageCalendar(actor)) return forbiddenPage(c);
    const form = await readForm(c);
    const errors: FieldErrors = {};
    // Typed dd/mm/yyyy (a text field; see ./views/calendar.tsx); the ISO form is read too.
    const date = parseCalendarDate(isoDayOf(str(form, "date")));
    if ("error" in date) errors.date = str(form, "date").trim() === "" ? "Chọn ngày cần điều chỉnh" : date.error;
    const working = str(form, "working");
    if (working !== "0" && working !== "1") errors.working = "Chọn ngày nghỉ hoặc ngày làm việc";
    const name = overrideName.safeParse(str(form, "name"));
    if (!name.success) errors.name = name.error.issues[0]!.message;
    const back = "value" in date ? pageFor(Number(date.value.slice(0, 4))) : PAGE;
    if (!("value" in date) || !name.success || errors.working) return seeOther(c, back, `Chưa lưu được: ${problemsOf(errors)}`, "error");
    try {
      const { day, changed } = await setCalendarDay(c.env.DB, actor, date.value, { working: working === "1", name: name.data });
      return seeOther(c, back, changed ? `Đã lưu: ${overrideSentence(day)}.` : `Không có gì thay đổi: ${overrideSentence(day)} đã được ghi như vậy.`);
    } catch (err) {
      return refusal(c, err, back, { labels: LABELS, forbiddenPage: true });
    }
  });

  app.post(`${PAGE}/days/:date/xoa`, auth, async (c) => {
    const actor = c.get("actor");
    if (!mayManageCalendar(actor)) return forbiddenPage(c);
    const date = parseCalendarDate(c.req.param("date"));
    if ("error" in date) return seeOther(c, PAGE, `Chưa xoá được: Ngày: ${date.error}`, "error");
    const back = pageFor(Number(date.value.slice(0, 4)));
    try {
      const { day } = await dropCalendarDay(c.env.DB, actor, date.value);
      const now = day.working ? "ngày làm việc" : day.name === ORDINARY_DAY.weekend ? "nghỉ cuối tuần" : `ngày nghỉ (${day.name})`;
      return seeOther(c, back, `Đã xoá điều chỉnh ${viDay(date.value)}; ngày này nay theo luật: ${now}.`);
    } catch (err) {
      // A second click, or another admin was quicker: say so on the page rather than a 404 page.
      if (err instanceof ApiError && err.code === "not_found") return seeOther(c, back, `${viDay(date.value)} không có điều chỉnh nào để xoá (có thể vừa được xoá).`);
      return refusal(c, err, back, { labels: LABELS, forbiddenPage: true });
    }
  });
}
