/** @jsxImportSource hono/jsx */
// Director and admin pages: the dashboard, the notifications log, users and units.
import type { Context, Hono } from "hono";
import { database } from "../db/client";
import { ROLES, UNIT_TYPES } from "../db/schema";
import { mayDo } from "../domain/policy";
import { viDateTime } from "../portal/format";
import { dashboardFigures, schoolYearOf } from "../queries/dashboard";
import { listUnits } from "../queries/units";
import { listUsers } from "../queries/users";
import { CreateUnit } from "../routes/units/create";
import { CreateUser } from "../routes/users/create";
import { createUnit, createUser, setUserActive } from "../services/admin";
import { stagesWithoutHolder } from "../services/routing";
import { issuesToFields, str, type FormBody } from "./forms";
import { page, seeOther } from "./render";
import { Notice } from "./reports";
import { webSession, type WebEnv } from "./session";
import { forbiddenPage, refusal } from "./refusal";
import { stageMetrics } from "../services/metrics";
import { DashboardPage, schoolYearText } from "./views/dashboard";
import { metricsFormOf } from "./views/dashboard-metrics";
import { ROLE_LABELS } from "./views/shell";


const USER_LABELS: Record<string, string> = { email: "Email", name: "Họ tên", unitId: "Đơn vị", password: "Mật khẩu", grants: "Vai trò" };

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
    const [figures, metrics] = await Promise.all([
      dashboardFigures(database(c.env.DB), actor, now, year),
      metricsForm.period ? stageMetrics(c.env.DB, actor, metricsForm.period, metricsForm.choice.groupBy) : null,
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

  app.get("/app/users", auth, async (c) => {
    if (!mayDo(c.get("actor"), "user.manage")) return forbiddenPage(c);
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
        <table class="responsive">
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
                  {u.grants.map((g) => `${ROLE_LABELS[g.role]}${g.unitIds.length ? ` (${g.unitIds.map((id) => unitName.get(id) ?? id).join(", ")})` : ""}`).join("; ")}
                </td>
                <td data-label="Trạng thái">
                  {u.active ? "Đang hoạt động" : "Đã khoá"}{" "}
                  {u.id !== c.get("actor").id ? (
                    <form method="post" action={`/app/users/${u.id}/${u.active ? "deactivate" : "activate"}`} class="inline">
                      <input type="hidden" name="_csrf" value={csrf} />
                      <button type="submit" class="secondary">
                        {u.active ? "Khoá" : "Mở khoá"}
                      </button>
                    </form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <section class="card" aria-labelledby="them-nguoi-dung">
          <h2 id="them-nguoi-dung" class="mt0">
            Thêm người dùng
          </h2>
          <form method="post" action="/app/users">
            <input type="hidden" name="_csrf" value={csrf} />
            <div class="grid">
              <div>
                <label for="name">Họ tên</label>
                <input id="name" name="name" type="text" required />
              </div>
              <div>
                <label for="email">Email</label>
                <input id="email" name="email" type="email" required />
              </div>
              <div>
                <label for="unitId">Đơn vị</label>
                <select id="unitId" name="unitId">
                  {units.map((u) => (
                    <option value={u.id}>{u.name}</option>
                  ))}
                </select>
              </div>
              <div>
                <label for="role">Vai trò</label>
                <select id="role" name="role">
                  {ROLES.map((r) => (
                    <option value={r}>{ROLE_LABELS[r]}</option>
                  ))}
                </select>
              </div>
            </div>
            <label for="covers">
              Đơn vị phụ trách <span class="hint">(cho Chuyên viên, Phó Trưởng phòng, Trưởng phòng; giữ Ctrl để chọn nhiều)</span>
            </label>
            <select id="covers" name="covers" multiple size={5}>
              {units.map((u) => (
                <option value={u.id}>{u.name}</option>
              ))}
            </select>
            <label for="password">Mật khẩu ban đầu (ít nhất 10 ký tự)</label>
            <input id="password" name="password" type="password" required minlength={10} autocomplete="new-password" />
            <div class="actions">
              <button type="submit">Thêm người dùng</button>
            </div>
          </form>
        </section>
      </>,
    );
  });

  app.post("/app/users", auth, async (c) => {
    const form = (await c.req.parseBody({ all: true })) as FormBody;
    const role = str(form, "role");
    const covers = ([] as unknown[]).concat(form.covers ?? []).filter((v): v is string => typeof v === "string");
    const covering = ["specialist", "deputy_head", "director"].includes(role);
    const parsed = CreateUser.safeParse({
      email: str(form, "email").trim(),
      name: str(form, "name"),
      unitId: str(form, "unitId"),
      password: str(form, "password"),
      grants: [{ role, unitIds: covering ? covers : [] }],
    });
    if (!parsed.success) return seeOther(c, "/app/users", `Chưa thêm được: ${Object.entries(issuesToFields(parsed.error.issues)).map(([k, m]) => `${USER_LABELS[k] ?? k}: ${m}`).join("; ")}`);
    try {
      const user = await createUser(c.env.DB, c.get("actor"), parsed.data);
      return seeOther(c, "/app/users", `Đã thêm ${user.name}.`);
    } catch (err) {
      return refusal(c, err, "/app/users", { labels: USER_LABELS, forbiddenPage: true });
    }
  });

  for (const action of ["deactivate", "activate"] as const) {
    app.post(`/app/users/:id/${action}`, auth, async (c) => {
      try {
        await setUserActive(c.env, c.get("actor"), c.req.param("id"), action === "activate");
        return seeOther(c, "/app/users", action === "deactivate" ? "Đã khoá tài khoản; các phiên đăng nhập của họ đã kết thúc." : "Đã mở khoá tài khoản.");
      } catch (err) {
        return refusal(c, err, "/app/users", { labels: USER_LABELS, forbiddenPage: true });
      }
    });
  }

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
