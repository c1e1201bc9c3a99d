/** @jsxImportSource hono/jsx */
// The admin's calendar page under /app/admin/calendar (DESIGN.md section 12): the year's days off,
// the overrides (add, remove), the due helper and the audit trail. Same operations and the same
// validation as the API (src/routes/calendar/).
import type { Hono } from "hono";
import { ApiError } from "../errors";
import { overridesAndCalendar, overrideEvents } from "../queries/calendar-overrides";
import { currentVnYear, dropCalendarDay, dueOf, mayManageCalendar, setCalendarDay, yearFrom } from "../routes/calendar/operations";
import { calendarDate, DueQuery, SetDay, yearQuery } from "../routes/calendar/schemas";
import { readForm, str } from "./forms";
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
// The helper's form fields, and the API fields they feed.
const DUE_FIELDS: Record<string, string> = { from: "tu", workingDays: "so-ngay" };
// What <input type="datetime-local"> sends: no zone, read as Viet Nam's time.
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?$/;

/** The moment as a datetime-local value in Viet Nam ("2025-01-24T10:00"). */
const localNow = (now = new Date()) => new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 16);

const pageFor = (year: number) => `${PAGE}?nam=${year}`;

/** The helper's answer, or its errors beside its fields. Nothing asked: the form only. */
function dueState(calendar: Parameters<typeof dueOf>[0], tu: string | undefined, soNgay: string | undefined): DueState {
  const state: DueState = { from: tu ?? localNow(), workingDays: soNgay ?? "", errors: {} };
  if (tu === undefined && soNgay === undefined) return state;
  if (!LOCAL_DATE_TIME.test(state.from)) state.errors.tu = "Nhập ngày và giờ bắt đầu, ví dụ 24/01/2025 10:00";
  const parsed = DueQuery.safeParse({ from: `${state.from.length === 16 ? `${state.from}:00` : state.from}+07:00`, workingDays: state.workingDays });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = DUE_FIELDS[String(issue.path[0])];
      if (field) state.errors[field] ??= issue.message;
    }
  }
  if (Object.keys(state.errors).length > 0 || !parsed.success) return state;
  try {
    state.result = dueOf(calendar, parsed.data.from, parsed.data.workingDays, "form");
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
    if (!mayManageCalendar(c.get("actor"))) return forbiddenPage(c);
    const currentYear = currentVnYear();
    const asked = c.req.query("nam");
    const parsedYear = asked === undefined ? undefined : yearQuery.safeParse(asked);
    const year = parsedYear?.success ? parsedYear.data : currentYear;
    const [stored, events] = await Promise.all([overridesAndCalendar(c.env.DB), overrideEvents(c.env.DB, { year, limit: HISTORY_ON_PAGE + 1 })]);
    const { days, overrides } = yearFrom(stored, year);
    return page(
      c,
      `Lịch làm việc năm ${year}`,
      <>
        <Notice c={c} />
        <CalendarPage
          year={year}
          yearError={parsedYear && !parsedYear.success ? `${parsedYear.error.issues[0]?.message ?? "Năm không hợp lệ"}; đang hiện năm ${currentYear}.` : undefined}
          days={days}
          overrides={overrides}
          events={events.slice(0, HISTORY_ON_PAGE)}
          moreEvents={events.length > HISTORY_ON_PAGE}
          due={dueState(stored.calendar, c.req.query("tu"), c.req.query("so-ngay"))}
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
    const date = calendarDate.safeParse(str(form, "date").trim());
    if (!date.success) errors.date = str(form, "date").trim() === "" ? "Chọn ngày cần điều chỉnh" : date.error.issues[0]!.message;
    const working = str(form, "working");
    if (working !== "0" && working !== "1") errors.working = "Chọn ngày nghỉ hoặc ngày làm việc";
    const body = SetDay.safeParse({ working: working === "1", name: str(form, "name") });
    if (!body.success) for (const issue of body.error.issues) errors[String(issue.path[0] ?? "name")] ??= issue.message;
    const back = date.success ? pageFor(Number(date.data.slice(0, 4))) : PAGE;
    if (!date.success || !body.success || errors.working) return seeOther(c, back, `Chưa lưu được: ${problemsOf(errors)}`);
    try {
      const { day, changed } = await setCalendarDay(c.env.DB, actor, date.data, body.data);
      return seeOther(c, back, changed ? `Đã lưu: ${overrideSentence(day)}.` : `Không có gì thay đổi: ${overrideSentence(day)} đã được ghi như vậy.`);
    } catch (err) {
      return refusal(c, err, back, { labels: LABELS, forbiddenPage: true });
    }
  });

  app.post(`${PAGE}/days/:date/xoa`, auth, async (c) => {
    const actor = c.get("actor");
    if (!mayManageCalendar(actor)) return forbiddenPage(c);
    const date = calendarDate.safeParse(c.req.param("date"));
    if (!date.success) return seeOther(c, PAGE, `Chưa xoá được: Ngày: ${date.error.issues[0]!.message}`);
    const back = pageFor(Number(date.data.slice(0, 4)));
    try {
      const { day } = await dropCalendarDay(c.env.DB, actor, date.data);
      const now = day.working ? "ngày làm việc" : day.name === "Nghỉ cuối tuần" ? "nghỉ cuối tuần" : `ngày nghỉ (${day.name})`;
      return seeOther(c, back, `Đã xoá điều chỉnh ${viDay(date.data)}; ngày này nay theo luật: ${now}.`);
    } catch (err) {
      // A second click, or another admin was quicker: say so on the page rather than a 404 page.
      if (err instanceof ApiError && err.code === "not_found") return seeOther(c, back, `${viDay(date.data)} không có điều chỉnh nào để xoá (có thể vừa được xoá).`);
      return refusal(c, err, back, { labels: LABELS, forbiddenPage: true });
    }
  });
}
