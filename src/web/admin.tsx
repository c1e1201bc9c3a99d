/** @jsxImportSource hono/jsx */
// Director and admin pages: the dashboard, the notifications log, users and units.
import type { Context, Hono } from "hono";
import { database } from "../db/client";
import { ROLES, UNIT_TYPES, type Role } from "../db/schema";
import { mayDo } from "../domain/policy";
import { viDateTime } from "../portal/format";
import { dashboardFigures, schoolYearOf } from "../queries/dashboard";
import { listUnits } from "../queries/units";
import { getUserView, listUsers } from "../queries/users";
import { CreateUnit } from "../routes/units/create";
import { CreateUser } from "../routes/users/create";
import { createUnit, createUser, setUserActive } from "../services/admin";
import { stagesWithoutHolder } from "../services/routing";
import { issuesToFields, readForm, str, type FormBody } from "./forms";
import { ApiError } from "../errors";
import { GrantsInput } from "../routes/users/schemas";
import { setUserGrants } from "../services/grants";
import { notFoundPage } from "./not-found";
import { COVERING, ConfirmStep, NewUserForm, NO_NEW_USER, RoleForm, USER_LABELS, type NewUserValues } from "./views/users";
import type { FieldErrors } from "./views/shell";
import { page, seeOther } from "./render";
import { Notice } from "./reports";
import { webSession, type WebEnv } from "./session";
import { forbiddenPage, refusal } from "./refusal";
import { stageMetrics } from "../services/metrics";
import { DashboardPage, schoolYearText } from "./views/dashboard";
import { metricsFormOf } from "./views/dashboard-metrics";
import { ROLE_LABELS } from "./views/shell";



export function registerWebAdmin(app: Hono<WebEnv>) {
  const auth = webSession();

  app.get("/app/dashboard", auth, async (c) => {
    const actor = c.get("actor");
    const roles = actor.grants.map((g) => g.role);
    if (!roles.includes("director") && !roles.includes("admin")) return forbiddenPage(c);
    // The school year to show (?nam-hoc=2024 is 2024-2025); the current one unless a past one is asked for.
    const now = new Date();
    const currentYear = schoolYearOf(now);
    const asked = Number(c.req.query("nam-hoc"));
    const year = Number.isInteger(asked) && asked >= 2000 && asked <= currentYear ? asked : currentYear;
    // The metrics' own period (?tu=&den=&theo=, section "Thời gian xử lý"); a wrong date shows beside its field.
    const metricsForm = metricsFormOf({ tu: c.req.query("tu"), den: c.req.query("den"), theo: c.req.query("theo") }, now, year === currentYear ? {} : { "nam-hoc": String(year) });
    // The metrics read every decision of the period (O(decisions), like an export), so the page
    // computes them only when asked (a date or a grouping chosen), not on every landing: the
    // dashboard itself reads O(units shown) whatever the number of reports (issue 10).
    const metricsAsked = ["tu", "den", "theo"].some((k) => c.req.query(k) !== undefined);
    const [figures, metrics] = await Promise.all([
      dashboardFigures(database(c.env.DB), actor, now, year),
      metricsAsked && metricsForm.period ? stageMetrics(c.env.DB, actor, metricsForm.period, metricsForm.choice.groupBy) : null,
    ]);
    return page(
      c,
      year === currentYear ? "Tổng quan" : `Tổng quan năm học ${schoolYearText(year)}`,
      <DashboardPage figures={figures} currentYear={currentYear} metricsForm={metricsForm} metrics={metrics} />,
      metricsForm.period ? 200 : 422,
    );
  });

  app.get("/app/notifications", auth, async (c) => {
    if (!mayDo(c.get("actor"), "notification.read")) return forbiddenPage(c);
    const status = ["queued", "sent", "failed", "skipped"].find((s) => s === c.req.query("status"));
    const stmt = status
      ? c.env.DB.prepare("SELECT * FROM notifications WHERE status = ? ORDER BY created_at DESC, id DESC LIMIT 100").bind(status)
      : c.env.DB.prepare("SELECT * FROM notifications ORDER BY created_at DESC, id DESC LIMIT 100");
    const rows = (await stmt.all<{ id: string; to_email: string; template: string; subject: string; status: string; attempts: number; last_error: string | null; created_at: string; sent_at: string | null }>()).results;
    const STATUS: Record<string, string> = { queued: "Đang chờ gửi", sent: "Đã gửi", failed: "Gửi lỗi", skipped: "Bỏ qua (người nhận tắt)" };
    return page(
      c,
      "Nhật ký thư",
      <>
        <h1>Nhật ký thư thông báo</h1>
        <ul class="tabs">
          <li>
            <a href="/app/notifications" aria-current={status ? undefined : "page"}>
              Tất cả
            </a>
          </li>
          {Object.entries(STATUS).map(([s, l]) => (
            <li>
              <a href={`/app/notifications?status=${s}`} aria-current={status === s ? "page" : undefined}>
                {l}
              </a>
            </li>
          ))}
        </ul>
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">Thời gian</th>
              <th scope="col">Người nhận</th>
              <th scope="col">Tiêu đề thư</th>
              <th scope="col">Trạng thái</th>
              <th scope="col" class="num">Số lần</th>
              <th scope="col">Lỗi gần nhất</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td data-label="Thời gian">{viDateTime(r.created_at)}</td>
                <td data-label="Người nhận">{r.to_email}</td>
                <td data-label="Tiêu đề thư">{r.subject}</td>
                <td data-label="Trạng thái">{STATUS[r.status] ?? r.status}</td>
                <td data-label="Số lần" class="num">
                  {r.attempts}
                </td>
                <td data-label="Lỗi gần nhất">{r.last_error ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </>,
    );
  });

  app.get("/app/users", auth, (c) => {
    if (!mayDo(c.get("actor"), "user.manage")) return forbiddenPage(c);
    return usersPage(c, NO_NEW_USER, {}, 200);
  });

  app.post("/app/users", auth, async (c) => {
    if (!mayDo(c.get("actor"), "user.manage")) return forbiddenPage(c);
    const form = await readForm(c);
    const values: NewUserValues = { name: str(form, "name"), email: str(form, "email").trim(), unitId: str(form, "unitId"), role: str(form, "role"), covers: listOf(form, "covers") };
    const grant = grantOf(values.role, values.covers);
    const parsed = CreateUser.safeParse({ email: values.email, name: values.name, unitId: values.unitId, password: str(form, "password"), grants: grant ? [grant] : [] });
    const errors: FieldErrors = {};
    if (!values.unitId) errors.unitId = "Chọn đơn vị của người dùng.";
    if (!grant) errors.role = "Chọn vai trò cho người dùng.";
    if (!parsed.success) for (const issue of parsed.error.issues) errors[userField(issue.path.map(String))] ??= issue.message;
    if (!parsed.success || !grant) return usersPage(c, values, inOrder(errors), 422);
    try {
      const user = await createUser(c.env.DB, c.get("actor"), parsed.data);
      return seeOther(c, "/app/users", `Đã thêm ${user.name}.`);
    } catch (err) {
      if (err instanceof ApiError && err.errors?.length && err.code !== "forbidden") {
        for (const e of err.errors) errors[userField(e.path.split("."))] ??= e.message;
        return usersPage(c, values, inOrder(errors), 422);
      }
      return refusal(c, err, "/app/users", { labels: USER_LABELS, forbiddenPage: true });
    }
  });

  // Locking ends the user's sessions at once: asked first (app.js in a dialog, else a page).
  app.post("/app/users/:id/deactivate", auth, async (c) => {
    const form = await readForm(c);
    if (str(form, "confirmed") !== "1") {
      if (!mayDo(c.get("actor"), "user.manage")) return forbiddenPage(c);
      const user = await getUserView(database(c.env.DB), c.req.param("id"));
      if (!user) return notFoundPage(c);
      return page(
        c,
        "Khoá tài khoản?",
        <ConfirmStep title={`Khoá tài khoản của ${user.name}?`} action={`/app/users/${user.id}/deactivate`} csrf={c.get("csrf")} confirm="Khoá tài khoản" back="/app/users" backLabel="Không khoá, quay lại">
          <p>
            {user.name} ({user.email}) sẽ bị đăng xuất ngay và không đăng nhập được cho đến khi được mở khoá. Các báo cáo và lịch sử của họ vẫn giữ nguyên.
          </p>
        </ConfirmStep>,
      );
    }
    try {
      await setUserActive(c.env, c.get("actor"), c.req.param("id"), false);
      return seeOther(c, "/app/users", "Đã khoá tài khoản; các phiên đăng nhập của họ đã kết thúc.");
    } catch (err) {
      return refusal(c, err, "/app/users", { labels: USER_LABELS, forbiddenPage: true });
    }
  });

  app.post("/app/users/:id/activate", auth, async (c) => {
    try {
      await setUserActive(c.env, c.get("actor"), c.req.param("id"), true);
      return seeOther(c, "/app/users", "Đã mở khoá tài khoản.");
    } catch (err) {
      return refusal(c, err, "/app/users", { labels: USER_LABELS, forbiddenPage: true });
    }
  });

  app.get("/app/users/:id/vai-tro", auth, async (c) => {
    if (!mayDo(c.get("actor"), "user.manage")) return forbiddenPage(c);
    const db = database(c.env.DB);
    const [user, units] = await Promise.all([getUserView(db, c.req.param("id")), listUnits(db, { limit: 200 })]);
    if (!user) return notFoundPage(c);
    const only = user.grants.length === 1 ? user.grants[0]! : undefined;
    return page(c, `Đổi vai trò: ${user.name}`, <RoleForm csrf={c.get("csrf")} user={user} units={units} role={only?.role ?? ""} covers={only?.unitIds ?? []} errors={{}} current={grantsText(user.grants, units)} />);
  });

  // A role change can take away someone's work or give them the whole department: asked first.
  app.post("/app/users/:id/vai-tro", auth, async (c) => {
    if (!mayDo(c.get("actor"), "user.manage")) return forbiddenPage(c);
    const db = database(c.env.DB);
    const [user, units] = await Promise.all([getUserView(db, c.req.param("id")), listUnits(db, { limit: 200 })]);
    if (!user) return notFoundPage(c);
    const form = await readForm(c);
    const role = str(form, "role");
    const covers = listOf(form, "covers");
    const again = (errors: FieldErrors) =>
      page(c, `Đổi vai trò: ${user.name}`, <RoleForm csrf={c.get("csrf")} user={user} units={units} role={role} covers={covers} errors={inOrder(errors)} current={grantsText(user.grants, units)} />, 422);
    const grant = grantOf(role, covers);
    if (!grant) return again({ role: "Chọn vai trò mới." });
    const parsed = GrantsInput.safeParse([grant]);
    if (!parsed.success) return again(Object.fromEntries(parsed.error.issues.map((i) => [userField(["grants", ...i.path.map(String)]), i.message])));
    const after = grantsText(parsed.data, units);
    if (str(form, "confirmed") !== "1") {
      return page(
        c,
        "Đổi vai trò?",
        <ConfirmStep title={`Đổi vai trò của ${user.name}?`} action={`/app/users/${user.id}/vai-tro`} csrf={c.get("csrf")} fields={{ role, covers }} confirm="Đổi vai trò" back={`/app/users/${user.id}/vai-tro`} backLabel="Không đổi, quay lại">
          <dl class="facts">
            <dt>Hiện tại</dt>
            <dd>{grantsText(user.grants, units) || "(chưa có)"}</dd>
            <dt>Sau khi đổi</dt>
            <dd>{after}</dd>
          </dl>
        </ConfirmStep>,
      );
    }
    try {
      await setUserGrants(c.env, c.get("actor"), user.id, parsed.data);
      return seeOther(c, "/app/users", `Đã đổi vai trò của ${user.name}: ${after}.`);
    } catch (err) {
      if (err instanceof ApiError && err.errors?.length && err.code !== "forbidden") return again(Object.fromEntries(err.errors.map((e) => [userField(e.path.split(".")), e.message])));
      return refusal(c, err, "/app/users", { labels: USER_LABELS, forbiddenPage: true });
    }
  });

  app.get("/app/units", auth, async (c) => {
    if (!mayDo(c.get("actor"), "unit.manage")) return forbiddenPage(c);
    const units = await listUnits(database(c.env.DB), { limit: 200 });
    // Stages nobody can decide for a centre or school: its reports would stop there (or not be submitted at all).
    const missing = await stagesWithoutHolder(c.env.DB, units);
    const name = new Map(units.map((u) => [u.id, u.name]));
    const TYPE: Record<string, string> = { department: "Sở", division: "Phòng", centre: "Trung tâm", school: "Trường" };
    const short = [...missing.values()].filter((m) => m.length > 0).length;
    return page(
      c,
      "Đơn vị",
      <>
        <h1>Đơn vị</h1>
        <Notice c={c} />
        {short > 0 ? (
          <p class="warning-text" id="thieu-tham-dinh">
            {short} đơn vị còn bước chưa có người thẩm định: báo cáo của các đơn vị này không trình được cho đến khi quản trị viên cấp vai trò còn thiếu cho người phụ trách.
          </p>
        ) : null}
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">Tên</th>
              <th scope="col">Mã</th>
              <th scope="col">Loại</th>
              <th scope="col">Trực thuộc</th>
              <th scope="col">Trạng thái</th>
              <th scope="col">Thẩm định</th>
            </tr>
          </thead>
          <tbody>
            {units.map((u) => {
              const stages = missing.get(u.id);
              return (
                <tr>
                  <td data-label="Tên">{u.name}</td>
                  <td data-label="Mã">{u.code}</td>
                  <td data-label="Loại">{TYPE[u.type]}</td>
                  <td data-label="Trực thuộc">{u.parentId ? name.get(u.parentId) : ""}</td>
                  <td data-label="Trạng thái">{u.active ? "Hoạt động" : "Ngừng"}</td>
                  <td data-label="Thẩm định">
                    {stages?.length ? (
                      <>
                        <strong class="warning-text">Thiếu người thẩm định:</strong>
                        <ul class="missing-stages">
                          {stages.map((s) => (
                            <li>
                              {s.label} <span class="hint">({s.workflows.join(", ")})</span>
                            </li>
                          ))}
                        </ul>
                      </>
                    ) : stages ? (
                      "Đủ các bước"
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <section class="card" aria-labelledby="them-don-vi">
          <h2 id="them-don-vi" class="mt0">
            Thêm đơn vị
          </h2>
          <form method="post" action="/app/units">
            <input type="hidden" name="_csrf" value={c.get("csrf")} />
            <div class="grid">
              <div>
                <label for="uname">Tên đơn vị</label>
                <input id="uname" name="name" type="text" required />
              </div>
              <div>
                <label for="code">Mã</label>
                <input id="code" name="code" type="text" required pattern="[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}" />
              </div>
              <div>
                <label for="type">Loại</label>
                <select id="type" name="type">
                  {UNIT_TYPES.map((t) => (
                    <option value={t}>{TYPE[t]}</option>
                  ))}
                </select>
              </div>
              <div>
                <label for="parentId">Trực thuộc</label>
                <select id="parentId" name="parentId">
                  {units.map((u) => (
                    <option value={u.id}>{u.name}</option>
                  ))}
                </select>
              </div>
            </div>
            <div class="actions">
              <button type="submit">Thêm đơn vị</button>
            </div>
          </form>
        </section>
      </>,
    );
  });

  app.post("/app/units", auth, async (c) => {
    const form = (await c.req.parseBody()) as FormBody;
    const parsed = CreateUnit.safeParse({ code: str(form, "code"), name: str(form, "name"), type: str(form, "type"), parentId: str(form, "parentId") || null });
    if (!parsed.success) return seeOther(c, "/app/units", `Chưa thêm được: ${Object.entries(issuesToFields(parsed.error.issues)).map(([k, m]) => `${k}: ${m}`).join("; ")}`);
    try {
      const unit = await createUnit(c.env.DB, c.get("actor"), parsed.data);
      return seeOther(c, "/app/units", `Đã thêm ${unit.name}.`);
    } catch (err) {
      return refusal(c, err, "/app/units", { labels: USER_LABELS, forbiddenPage: true });
    }
  });
}

const listOf = (form: FormBody, key: string) => ([] as unknown[]).concat(form[key] ?? []).filter((v): v is string => typeof v === "string" && v !== "");

/** The one grant the forms give: a covering role with its units, another role alone; none without a role. */
function grantOf(role: string, covers: string[]): { role: Role; unitIds: string[] } | undefined {
  const known = ROLES.find((r) => r === role);
  if (!known) return undefined;
  return { role: known, unitIds: COVERING.includes(known) ? covers : [] };
}

/** An error's path (the API's) as the form field that shows it. */
function userField(path: string[]): string {
  if (path[0] === "grants") return path.includes("unitIds") ? "covers" : "role";
  return path[0] && path[0] in USER_LABELS ? path[0] : "form";
}

const inOrder = (errors: FieldErrors): FieldErrors => {
  const order = Object.keys(USER_LABELS);
  return Object.fromEntries(Object.entries(errors).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)));
};

function grantsText(grants: readonly { role: Role; unitIds: readonly string[] }[], units: { id: string; name: string }[]): string {
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  return grants.map((g) => `${ROLE_LABELS[g.role]}${g.unitIds.length ? ` (${g.unitIds.map((id) => unitName.get(id) ?? id).join(", ")})` : ""}`).join("; ");
}

/** The users list and the "new user" form (blank, or as typed with its errors). */
async function usersPage(c: Context<WebEnv>, values: NewUserValues, errors: FieldErrors, status: 200 | 422) {
  const db = database(c.env.DB);
  const [people, units] = await Promise.all([listUsers(db, { limit: 200 }), listUnits(db, { limit: 200 })]);
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  const csrf = c.get("csrf");
  return page(
    c,
    "Người dùng",
    <>
      <h1>Người dùng</h1>
      <Notice c={c} />
      <table class="responsive users-table">
        <thead>
          <tr>
            <th scope="col">Họ tên</th>
            <th scope="col">Email</th>
            <th scope="col">Đơn vị</th>
            <th scope="col">Vai trò</th>
            <th scope="col">Trạng thái</th>
          </tr>
        </thead>
        <tbody>
          {people.map(({ view: u }) => (
            <tr>
              <td data-label="Họ tên">{u.name}</td>
              <td data-label="Email">{u.email}</td>
              <td data-label="Đơn vị">{unitName.get(u.unitId) ?? ""}</td>
              <td data-label="Vai trò">
                {grantsText(u.grants, units)}{" "}
                {u.id !== c.get("actor").id ? (
                  <a href={`/app/users/${u.id}/vai-tro`} aria-label={`Đổi vai trò của ${u.name}`}>
                    Đổi vai trò
                  </a>
                ) : null}
              </td>
              <td data-label="Trạng thái">
                {u.active ? "Đang hoạt động" : "Đã khoá"}{" "}
                {u.id !== c.get("actor").id ? (
                  <form
                    method="post"
                    action={`/app/users/${u.id}/${u.active ? "deactivate" : "activate"}`}
                    class="inline"
                    data-confirm={u.active ? `Khoá tài khoản của ${u.name}? Họ sẽ bị đăng xuất ngay và không đăng nhập được cho đến khi được mở khoá.` : undefined}
                  >
                    <input type="hidden" name="_csrf" value={csrf} />
                    <button type="submit" class={u.active ? "secondary danger-text" : "secondary"} aria-label={`${u.active ? "Khoá" : "Mở khoá"} tài khoản của ${u.name}`}>
                      {u.active ? "Khoá" : "Mở khoá"}
                    </button>
                  </form>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <NewUserForm csrf={csrf} units={units} values={values} errors={errors} />
    </>,
    status,
  );
}
