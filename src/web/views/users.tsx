/** @jsxImportSource hono/jsx */
// The users page (/app/users), its "new user" form, the role form of one user, and the steps
// that ask before a destructive action (locking an account, changing its roles) when the page's
// script does not run: with it, app.js asks in a dialog and the form goes straight through.
import type { Child } from "hono/jsx";
import { ROLES, type Role } from "../../db/schema";
import { ErrorSummary, FieldError, ROLE_LABELS, type FieldErrors } from "./shell";

export const USER_LABELS: Record<string, string> = { name: "Họ tên", email: "Email", unitId: "Đơn vị", role: "Vai trò", covers: "Đơn vị phụ trách", password: "Mật khẩu ban đầu", form: "Biểu mẫu" };

/** Roles whose reach is the units they are given (the API's COVERING_ROLES). */
export const COVERING: readonly string[] = ["specialist", "deputy_head", "director"];

export type NewUserValues = { name: string; email: string; unitId: string; role: string; covers: string[] };
export const NO_NEW_USER: NewUserValues = { name: "", email: "", unitId: "", role: "", covers: [] };

type Unit = { id: string; name: string };

const fieldAttrs = (id: string, errors: FieldErrors, hint?: string) => {
  const describedBy = [hint ?? "", errors[id] ? `${id}-error` : ""].filter(Boolean).join(" ");
  return { "aria-invalid": errors[id] ? "true" : undefined, "aria-describedby": describedBy || undefined };
};

/** The role select: nothing chosen until the admin chooses (an admin role given by a slip is the risk). */
function RoleSelect(props: { value: string; errors: FieldErrors }) {
  return (
    <select id="role" name="role" required {...fieldAttrs("role", props.errors)}>
      <option value="" selected={props.value === ""}>
        — Chọn vai trò —
      </option>
      {ROLES.map((r) => (
        <option value={r} selected={props.value === r}>
          {ROLE_LABELS[r]}
        </option>
      ))}
    </select>
  );
}

function CoversSelect(props: { units: Unit[]; chosen: readonly string[]; errors: FieldErrors }) {
  return (
    <>
      <label for="covers">
        Đơn vị phụ trách <span class="hint">(cho {COVERING.map((r) => ROLE_LABELS[r as Role]).join(", ")}; giữ Ctrl để chọn nhiều)</span>
      </label>
      <FieldError id="covers" errors={props.errors} />
      <select id="covers" name="covers" multiple size={5} {...fieldAttrs("covers", props.errors)}>
        {props.units.map((u) => (
          <option value={u.id} selected={props.chosen.includes(u.id)}>
            {u.name}
          </option>
        ))}
      </select>
    </>
  );
}

export function NewUserForm(props: { csrf: string; units: Unit[]; values: NewUserValues; errors: FieldErrors }) {
  const { values: v, errors } = props;
  return (
    <section class="card" aria-labelledby="them-nguoi-dung" id="them">
      <h2 id="them-nguoi-dung" class="mt0">
        Thêm người dùng
      </h2>
      <form method="post" action="/app/users#them" novalidate>
        <ErrorSummary errors={errors} labels={USER_LABELS} />
        <input type="hidden" name="_csrf" value={props.csrf} />
        <div class="grid">
          <div>
            <label for="name">Họ tên</label>
            <FieldError id="name" errors={errors} />
            <input id="name" name="name" type="text" required value={v.name} {...fieldAttrs("name", errors)} />
          </div>
          <div>
            <label for="email">Email</label>
            <FieldError id="email" errors={errors} />
            <input id="email" name="email" type="email" required value={v.email} autocomplete="off" {...fieldAttrs("email", errors)} />
          </div>
          <div>
            <label for="unitId">Đơn vị</label>
            <FieldError id="unitId" errors={errors} />
            <select id="unitId" name="unitId" required {...fieldAttrs("unitId", errors)}>
              <option value="" selected={v.unitId === ""}>
                — Chọn đơn vị —
              </option>
              {props.units.map((u) => (
                <option value={u.id} selected={v.unitId === u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="role">Vai trò</label>
            <FieldError id="role" errors={errors} />
            <RoleSelect value={v.role} errors={errors} />
          </div>
        </div>
        <CoversSelect units={props.units} chosen={v.covers} errors={errors} />
        <label for="password">Mật khẩu ban đầu</label>
        <p class="hint" id="password-hint">
          Ít nhất 10 ký tự. Gửi cho người dùng qua kênh riêng; họ đổi sau khi đăng nhập.
        </p>
        <FieldError id="password" errors={errors} />
        <input id="password" name="password" type="password" required minlength={10} autocomplete="new-password" {...fieldAttrs("password", errors, "password-hint")} />
        <div class="actions">
          <button type="submit">Thêm người dùng</button>
        </div>
      </form>
    </section>
  );
}

/** One user's role, replacing what they hold; the change is confirmed before it is made. */
export function RoleForm(props: { csrf: string; user: { id: string; name: string; grants: { role: Role; unitIds: string[] }[] }; units: Unit[]; role: string; covers: string[]; errors: FieldErrors; current: string }) {
  return (
    <>
      <h1>Đổi vai trò: {props.user.name}</h1>
      <p>
        Vai trò hiện tại: <strong>{props.current || "(chưa có)"}</strong>
      </p>
      <form method="post" action={`/app/users/${props.user.id}/vai-tro`} novalidate data-confirm={`Đổi vai trò của ${props.user.name}? Vai trò hiện tại sẽ được thay.`}>
        <ErrorSummary errors={props.errors} labels={USER_LABELS} />
        <input type="hidden" name="_csrf" value={props.csrf} />
        <label for="role">Vai trò mới</label>
        <p class="hint" id="role-hint">
          Thay toàn bộ vai trò hiện có của người dùng.
        </p>
        <FieldError id="role" errors={props.errors} />
        <RoleSelect value={props.role} errors={props.errors} />
        <CoversSelect units={props.units} chosen={props.covers} errors={props.errors} />
        <div class="actions">
          <button type="submit">Đổi vai trò</button>
          <a class="button secondary" href="/app/users">
            Quay lại danh sách
          </a>
        </div>
      </form>
    </>
  );
}

/**
 * The question before a destructive action, for a browser without script: what will happen, the
 * same form again with `confirmed=1`, and a way back that changes nothing.
 */
export function ConfirmStep(props: { title: string; children: Child; action: string; csrf: string; fields?: Record<string, string | string[]>; confirm: string; back: string; backLabel: string }) {
  return (
    <>
      <h1>{props.title}</h1>
      {props.children}
      <form method="post" action={props.action} class="actions">
        <input type="hidden" name="_csrf" value={props.csrf} />
        {Object.entries(props.fields ?? {}).flatMap(([name, value]) => ([] as string[]).concat(value).map((v) => <input type="hidden" name={name} value={v} />))}
        <input type="hidden" name="confirmed" value="1" />
        <button type="submit" class="danger">
          {props.confirm}
        </button>
        <a class="button secondary" href={props.back}>
          {props.backLabel}
        </a>
      </form>
    </>
  );
}
