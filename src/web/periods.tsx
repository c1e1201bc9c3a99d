/** @jsxImportSource hono/jsx */
// Web pages: /app/periods (the periods the user may read), /app/periods/new (open one) and
// /app/periods/:id/close (close one, after a confirmation step). The same services as the API
// (src/services/periods.ts) and the same request schema, so a form and a JSON request are held to
// the same rules; only the dates are typed the Vietnamese way here and turned into the API's form.
import type { Context, Hono } from "hono";
import { INDICATOR_SETS } from "../../indicators";
import { CALENDAR_MESSAGES, parseCalendarDate, vnDateOf, VN_UTC_OFFSET } from "../domain/calendar";
import { mayDo } from "../domain/policy";
import { ApiError } from "../errors";
import { viDate } from "../portal/format";
import { OpenPeriod } from "../routes/periods/schemas";
import { cursorCodec, pageOf } from "../routes/shared";
import { ownUnitInPeriods, unitsToOffer, type ReportingUnitChoice } from "../services/period-units";
import { closePeriodAs, openPeriod, periodsFor, readPeriod } from "../services/periods";
import { readForm, str, type FormBody } from "./forms";
import { forbiddenPage, refusal } from "./refusal";
import { page, seeOther } from "./render";
import { Notice } from "./reports";
import { webSession, type WebEnv } from "./session";
import { OPEN_PERIOD_LABELS, OpenPeriodForm, type OpenPeriodValues } from "./views/periods-form";
import { ClosePeriodConfirm, PeriodList } from "./views/periods";
import type { FieldErrors } from "./views/shell";

const LIST = "/app/periods";
const PAGE_SIZE = 25;

export const PERIOD_FORM_MESSAGES = {
  date: "Nhập ngày dạng dd/mm/yyyy, ví dụ 24/01/2025",
  time: "Nhập giờ dạng hh:mm, ví dụ 17:00 (hoặc để trống)",
  timeImpossible: "Giờ phải từ 00:00 đến 23:59",
  noUnits: "Chọn ít nhất một đơn vị phải báo cáo",
} as const;

/** "24/1/2025" or "24/01/2025" -> "2025-01-24", or why not (the calendar's own messages for an impossible day). */
export function dateInput(s: string): { value: string } | { error: string } {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s.trim());
  if (!m) return { error: PERIOD_FORM_MESSAGES.date };
  const parsed = parseCalendarDate(`${m[3]}-${m[2]!.padStart(2, "0")}-${m[1]!.padStart(2, "0")}`);
  return "value" in parsed ? parsed : { error: parsed.error === CALENDAR_MESSAGES.dateFormat ? PERIOD_FORM_MESSAGES.date : parsed.error };
}

/** "17:00", "7:30" or "17h00" -> "17:00"; empty -> null (the API's rule for a date alone applies). */
function timeInput(s: string): { value: string | null } | { error: string } {
  const t = s.trim();
  if (t === "") return { value: null };
  const m = /^(\d{1,2})[:hH](\d{2})$/.exec(t);
  if (!m) return { error: PERIOD_FORM_MESSAGES.time };
  if (Number(m[1]) > 23 || Number(m[2]) > 59) return { error: PERIOD_FORM_MESSAGES.timeImpossible };
  return { value: `${m[1]!.padStart(2, "0")}:${m[2]}` };
}

/**
 * A date and optional time as the API takes them: a date alone stays a date, so that the API's
 * rule decides its hour (00:00 for an opening, 17:00 for a due date), and a time is Viet Nam's.
 */
function instantInput(date: string, time: string, errors: FieldErrors, ids: { date: string; time: string }): string | undefined {
  const d = dateInput(date);
  const t = timeInput(time);
  if ("error" in d) errors[ids.date] = d.error;
  if ("error" in t) errors[ids.time] = t.error;
  if ("error" in d || "error" in t) return undefined;
  return t.value === null ? d.value : `${d.value}T${t.value}:00${VN_UTC_OFFSET}`;
}

const postedUnitIds = (form: FormBody) => ([] as unknown[]).concat(form.unitIds ?? []).filter((v): v is string => typeof v === "string");

const typedValues = (form: FormBody): OpenPeriodValues => ({
  title: str(form, "title"),
  indicatorSetId: str(form, "indicatorSetId"),
  opensDate: str(form, "opensDate"),
  opensTime: str(form, "opensTime"),
  dueDate: str(form, "dueDate"),
  dueTime: str(form, "dueTime"),
  unitIds: new Set(postedUnitIds(form)),
});

// The API's field names, by the form field that shows their errors.
const FIELD_OF: Record<string, string> = { opensAt: "opensDate", dueAt: "dueDate", unitIds: "unitIds", title: "title", indicatorSetId: "indicatorSetId" };
const fieldOf = (path: string) => FIELD_OF[path.split(".")[0]!] ?? "form";

/** The errors in the order of the fields on the page, so the summary reads top to bottom. */
const inFormOrder = (errors: FieldErrors): FieldErrors => {
  const order = Object.keys(OPEN_PERIOD_LABELS);
  return Object.fromEntries(Object.entries(errors).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)));
};

/** The form; `units` are those the opener may choose from (unitsToOffer). */
function formPage(c: Context<WebEnv>, units: ReportingUnitChoice[], values: OpenPeriodValues, errors: FieldErrors, status: 200 | 422) {
  return page(
    c,
    "Mở kỳ báo cáo",
    <>
      <h1>Mở kỳ báo cáo</h1>
      {units.length === 0 ? (
        <p class="notice" role="status">
          Không có trung tâm hay trường đang hoạt động nào trong phạm vi bạn phụ trách, nên chưa thể mở kỳ báo cáo.
        </p>
      ) : (
        <OpenPeriodForm csrf={c.get("csrf")} values={values} errors={errors} units={units} />
      )}
    </>,
    status,
  );
}

export function registerWebPeriods(app: Hono<WebEnv>) {
  const auth = webSession();

  app.get(LIST, auth, async (c) => {
    const actor = c.get("actor");
    if (!mayDo(actor, "period.read")) return forbiddenPage(c);
    const status = (["open", "closed"] as const).find((s) => s === c.req.query("status"));
    const rows = await periodsFor(c.env.DB, actor, { status, after: cursorCodec.decodeOrFirst(c.req.query("cursor")), limit: PAGE_SIZE });
    const list = pageOf(rows, PAGE_SIZE, (p) => [p.createdAt, p.id]);
    const own = await ownUnitInPeriods(c.env.DB, actor, list.items.map((p) => p.id));
    return page(
      c,
      "Kỳ báo cáo",
      <PeriodList
        periods={list.items}
        status={status}
        nextCursor={list.nextCursor}
        own={own}
        mayOpen={mayDo(actor, "period.open")}
        mayClose={mayDo(actor, "period.close")}
        mayMonitor={mayDo(actor, "period.monitor")}
        notice={<Notice c={c} />}
      />,
    );
  });

  app.get(`${LIST}/new`, auth, async (c) => {
    if (!mayDo(c.get("actor"), "period.open")) return forbiddenPage(c);
    const all = await unitsToOffer(c.env.DB, c.get("actor"));
    const fresh: OpenPeriodValues = {
      title: "",
      indicatorSetId: INDICATOR_SETS.list()[0]?.id ?? "",
      opensDate: viDate(vnDateOf(new Date())),
      opensTime: "",
      dueDate: "",
      dueTime: "",
      unitIds: new Set(all.map((u) => u.id)),
    };
    return formPage(c, all, fresh, {}, 200);
  });

  app.post(`${LIST}/new`, auth, async (c) => {
    const actor = c.get("actor");
    if (!mayDo(actor, "period.open")) return forbiddenPage(c);
    const form = await readForm(c);
    const values = typedValues(form);
    const errors: FieldErrors = {};
    const opensAt = instantInput(values.opensDate, values.opensTime, errors, { date: "opensDate", time: "opensTime" });
    const dueAt = instantInput(values.dueDate, values.dueTime, errors, { date: "dueDate", time: "dueTime" });
    if (values.unitIds.size === 0) errors.unitIds = PERIOD_FORM_MESSAGES.noUnits;
    // Always a list: an empty form means "none chosen" here, where the API reads a missing list as "all".
    const parsed = OpenPeriod.safeParse({ title: values.title, indicatorSetId: values.indicatorSetId, unitIds: postedUnitIds(form), opensAt: opensAt ?? "", dueAt: dueAt ?? "" });
    // A moment the form could not read (its date or its time) is not also "not ISO 8601" to the schema.
    const unread = new Set([opensAt === undefined ? "opensAt" : "", dueAt === undefined ? "dueAt" : ""]);
    if (!parsed.success) for (const issue of parsed.error.issues) if (!unread.has(String(issue.path[0]))) errors[fieldOf(issue.path.map(String).join("."))] ??= issue.message;
    if (!parsed.success || Object.keys(errors).length > 0) return formPage(c, await unitsToOffer(c.env.DB, actor), values, inFormOrder(errors), 422);
    try {
      const period = await openPeriod(c.env.DB, actor, parsed.data);
      return seeOther(c, `${LIST}/${period.id}`, `Đã mở kỳ báo cáo "${period.title}" cho ${period.unitCount} đơn vị.`);
    } catch (err) {
      // The service's checks of the set and of each unit (one posted by hand, or deactivated since the form was shown).
      if (!(err instanceof ApiError) || (err.code !== "validation_failed" && !(err.code === "forbidden" && err.errors?.length))) throw err;
      for (const e of err.errors ?? []) errors[fieldOf(e.path)] ??= e.message;
      return formPage(c, await unitsToOffer(c.env.DB, actor), values, inFormOrder(errors), 422);
    }
  });

  app.get(`${LIST}/:id/close`, auth, async (c) => {
    const actor = c.get("actor");
    if (!mayDo(actor, "period.close")) return forbiddenPage(c);
    try {
      const period = await readPeriod(c.env.DB, actor, c.req.param("id"));
      if (period.status === "closed") return seeOther(c, LIST, `Kỳ báo cáo "${period.title}" đã đóng từ trước.`);
      return page(c, "Đóng kỳ báo cáo", <ClosePeriodConfirm period={period} csrf={c.get("csrf")} />);
    } catch (err) {
      return refusal(c, err, LIST);
    }
  });

  app.post(`${LIST}/:id/close`, auth, async (c) => {
    const actor = c.get("actor");
    if (!mayDo(actor, "period.close")) return forbiddenPage(c);
    try {
      const period = await closePeriodAs(c.env.DB, actor, c.req.param("id"));
      return seeOther(c, LIST, `Đã đóng kỳ báo cáo "${period.title}". Kỳ không nhận báo cáo mới.`);
    } catch (err) {
      // Not covering every unit of the period: said on the list, not a bare 403 page.
      return refusal(c, err, LIST);
    }
  });
}
