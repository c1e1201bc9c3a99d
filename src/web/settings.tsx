/** @jsxImportSource hono/jsx */
// The user's own settings (/app/settings, linked from the user menu): delegations given and
// received, a form to give one, "Kết thúc" to end one; the user's absence, a form to set it and
// "Kết thúc sớm". The same services and request schemas as the API (src/routes/delegations/), so a
// form is held to the same rules; only the dates are typed dd/mm/yyyy and turned into the API's
// form (a date alone: that whole day in Viet Nam).
import type { Context, Hono } from "hono";
import { CreateDelegation, PutAbsence } from "../routes/delegations/schemas";
import { delegateChoices, ownReviewerRoles } from "../services/assignment-options";
import { absenceOf, createDelegation, delegationsFor } from "../services/delegations";
import { endAbsence, endDelegation, setAbsence } from "../services/delegation-endings";
import { ApiError } from "../errors";
import { apiErrorToFields, issuesToFields, readForm, str, type FormBody } from "./forms";
import { dateInput } from "./periods";
import { refusal } from "./refusal";
import { page, seeOther } from "./render";
import { Notice } from "./reports";
import { webSession, type WebEnv } from "./session";
import { SettingsPage, type AbsenceValues, type DelegationValues } from "./views/settings";
import type { FieldErrors } from "./views/shell";

const PAGE = "/app/settings";
/** Delegations shown per side: a person gives a few a year; older ones are in the API's list. */
const LISTED = 50;

const EMPTY_DELEGATION: DelegationValues = { toUserId: "", role: "", startsDate: "", endsDate: "", note: "" };
const EMPTY_ABSENCE: AbsenceValues = { absFrom: "", absUntil: "", substituteId: "" };

type Forms = { delegation?: { values: DelegationValues; errors: FieldErrors }; absence?: { values: AbsenceValues; errors: FieldErrors } };

async function settingsPage(c: Context<WebEnv>, forms: Forms = {}, status: 200 | 409 | 422 = 200) {
  const actor = c.get("actor");
  const db = c.env.DB;
  const [choices, mine, absence] = await Promise.all([delegateChoices(c.env, actor), delegationsFor(db, actor, { scope: "mine", limit: LISTED * 2 }), absenceOf(db, actor)]);
  // The caller's own absence rows are shown as their absence, not again among the delegations.
  const given = mine.filter((d) => d.from.userId === actor.id && d.kind === "delegation").slice(0, LISTED);
  const received = mine.filter((d) => d.to.userId === actor.id).slice(0, LISTED);
  const roles = ownReviewerRoles(actor);
  return page(
    c,
    "Cài đặt",
    <>
      <h1>Cài đặt</h1>
      <Notice c={c} />
      <SettingsPage
        csrf={c.get("csrf")}
        roles={roles}
        choices={choices}
        given={given}
        received={received}
        absence={absence}
        delegation={forms.delegation ?? { values: EMPTY_DELEGATION, errors: {} }}
        absenceForm={forms.absence ?? { values: EMPTY_ABSENCE, errors: {} }}
      />
    </>,
    status,
  );
}

/** A typed dd/mm/yyyy as the API's YYYY-MM-DD; empty stays undefined; an error goes beside its field. */
function dateField(form: FormBody, id: string, errors: FieldErrors): string | undefined {
  const typed = str(form, id).trim();
  if (typed === "") return undefined;
  const d = dateInput(typed);
  if ("error" in d) {
    errors[id] = d.error;
    return undefined;
  }
  return d.value;
}

/** The API's field names, by the form field that shows their errors. */
const DELEGATION_FIELD: Record<string, string> = { toUserId: "toUserId", role: "role", startsAt: "startsDate", endsAt: "endsDate", note: "note", fromUserId: "delegation" };
const ABSENCE_FIELD: Record<string, string> = { from: "absFrom", until: "absUntil", substituteId: "substituteId", note: "absence" };

/** Errors keyed by the API's paths, re-keyed by the form's fields (others: the form's own line); the first message per field wins. */
function rekey(errors: FieldErrors, fields: Record<string, string>, formKey: string): FieldErrors {
  const out: FieldErrors = {};
  for (const [path, message] of Object.entries(errors)) out[fields[path] ?? formKey] ??= message;
  return out;
}

/** The order of the fields on the page, so that the list of errors reads top to bottom. */
const ordered = (errors: FieldErrors, order: string[]): FieldErrors =>
  Object.fromEntries(Object.entries(errors).sort(([a], [b]) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99)));

export function registerWebSettings(app: Hono<WebEnv>) {
  const auth = webSession();

  app.get(PAGE, auth, (c) => settingsPage(c));

  app.post(`${PAGE}/delegations`, auth, async (c) => {
    const form = await readForm(c);
    const values: DelegationValues = { toUserId: str(form, "toUserId"), role: str(form, "role"), startsDate: str(form, "startsDate"), endsDate: str(form, "endsDate"), note: str(form, "note") };
    const again = (errors: FieldErrors, status: 409 | 422 = 422) =>
      settingsPage(c, { delegation: { values, errors: ordered(errors, ["toUserId", "role", "startsDate", "endsDate", "note", "delegation"]) } }, status);
    const errors: FieldErrors = {};
    const startsAt = dateField(form, "startsDate", errors);
    const endsAt = dateField(form, "endsDate", errors);
    if (!values.endsDate.trim()) errors.endsDate = "Nhập ngày kết thúc ủy quyền";
    if (!values.toUserId) errors.toUserId = "Chọn người nhận ủy quyền";
    const parsed = CreateDelegation.safeParse({
      toUserId: values.toUserId,
      role: values.role,
      ...(startsAt ? { startsAt } : {}),
      endsAt,
      ...(values.note.trim() ? { note: values.note } : {}),
    });
    // The schema's word on a field comes after the form's own (a date typed wrongly is said as such).
    if (!parsed.success) Object.assign(errors, { ...rekey(issuesToFields(parsed.error.issues), DELEGATION_FIELD, "delegation"), ...errors });
    if (Object.keys(errors).length || !parsed.success) return again(errors);
    try {
      const d = await createDelegation(c.env.DB, c.get("actor"), parsed.data);
      return seeOther(c, `${PAGE}#uy-quyen`, `Đã ủy quyền vai trò ${d.roleLabel} cho ${d.to.name}.`);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.code === "validation_failed") return again(rekey(apiErrorToFields(err), DELEGATION_FIELD, "delegation"));
      // An overlap with a delegation of that role, named: the form stays as typed, the reason above it.
      if (err.code === "conflict") return again({ delegation: err.detail ?? err.message }, 409);
      return refusal(c, err, PAGE);
    }
  });

  app.post(`${PAGE}/delegations/:id/end`, auth, async (c) => {
    try {
      const d = await endDelegation(c.env, c.get("actor"), c.req.param("id"));
      const whom = d.from.userId === c.get("actor").id ? `cho ${d.to.name}` : `của ${d.from.name}`;
      return seeOther(c, `${PAGE}#uy-quyen`, `Đã kết thúc ủy quyền vai trò ${d.roleLabel} ${whom}.`);
    } catch (err) {
      // Somebody else's delegation is "not found" to the caller: a notice here, not a 404 page.
      if (err instanceof ApiError && err.code === "not_found") return seeOther(c, PAGE, `Không thực hiện được: ${err.detail ?? err.message}`, "error");
      return refusal(c, err, PAGE);
    }
  });

  app.post(`${PAGE}/absence`, auth, async (c) => {
    const form = await readForm(c);
    const values: AbsenceValues = { absFrom: str(form, "absFrom"), absUntil: str(form, "absUntil"), substituteId: str(form, "substituteId") };
    const again = (errors: FieldErrors, status: 409 | 422 = 422) =>
      settingsPage(c, { absence: { values, errors: ordered(errors, ["absFrom", "absUntil", "substituteId", "absence"]) } }, status);
    const errors: FieldErrors = {};
    const from = dateField(form, "absFrom", errors);
    const until = dateField(form, "absUntil", errors);
    if (!values.absUntil.trim()) errors.absUntil = "Nhập ngày đi làm lại (hết ngày vắng mặt cuối)";
    const parsed = PutAbsence.safeParse({ ...(from ? { from } : {}), until, substituteId: values.substituteId });
    if (!parsed.success) Object.assign(errors, { ...rekey(issuesToFields(parsed.error.issues), ABSENCE_FIELD, "absence"), ...errors });
    if (Object.keys(errors).length || !parsed.success) return again(errors);
    try {
      const a = await setAbsence(c.env, c.get("actor"), parsed.data);
      return seeOther(c, `${PAGE}#vang-mat`, `Đã lưu lịch vắng mặt; ${a.substitute.name} ký thay bạn trong thời gian đó.`);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.code === "validation_failed") return again(rekey(apiErrorToFields(err), { ...ABSENCE_FIELD, "(root)": "absence" }, "absence"));
      if (err.code === "conflict") return again({ absence: err.detail ?? err.message }, 409);
      return refusal(c, err, PAGE);
    }
  });

  app.post(`${PAGE}/absence/end`, auth, async (c) => {
    try {
      await endAbsence(c.env, c.get("actor"));
      return seeOther(c, `${PAGE}#vang-mat`, "Đã kết thúc lịch vắng mặt.");
    } catch (err) {
      if (err instanceof ApiError && err.code === "not_found") return seeOther(c, PAGE, `Không thực hiện được: ${err.detail ?? err.message}`, "error");
      return refusal(c, err, PAGE);
    }
  });
}
