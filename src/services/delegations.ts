// Delegations (ủy quyền, ký thay) and absences (DESIGN.md section 13): who may give one, to whom,
// for how long, and what an overlap is. The routes (src/routes/delegations/) only parse and
// answer. Roles "held" here are a person's own grants (role_grants), never ones they hold for now
// under someone else's delegation: a delegate cannot pass a delegated role on.
import { newId, nowIso } from "../domain/ids";
import { isReviewerRole, REVIEWER_ROLES, ROLE_LABELS } from "../domain/roles";
import { viDateTime } from "../domain/vi-format";
import type { Role } from "../db/schema";
import { ApiError, type FieldError } from "../errors";
import type { Actor } from "../env";
import {
  endAbsence,
  delegationsByIds,
  endDelegation,
  firstOverlap,
  getDelegation,
  insertDelegationUnlessOverlap,
  listDelegations,
  liveAbsenceRows,
  partiesByIds,
  replaceAbsence,
  type DelegationParty,
  type DelegationRow,
  type DelegationState,
  type ListScope,
  type NewDelegation,
} from "../queries/delegations";

const label = (role: string) => ROLE_LABELS[role as Role] ?? role;

export const DELEGATION_MESSAGES = {
  when: "Thời điểm phải có dạng YYYY-MM-DD hoặc ngày giờ ISO 8601 có múi giờ, ví dụ 2025-03-14 hoặc 2025-03-14T17:00:00+07:00",
  notReviewerRole: `Chỉ ủy quyền được vai trò thẩm định: ${REVIEWER_ROLES.map((r) => `${r} (${label(r)})`).join(", ")}`,
  notHeld: (name: string, role: string) => `${name} không giữ vai trò ${label(role)}`,
  self: "Không thể ủy quyền cho chính mình",
  unknownUser: "Không có người dùng này",
  inactiveUser: "Tài khoản này đã ngừng hoạt động",
  notEligible: "Người nhận ủy quyền phải giữ một vai trò thẩm định hoặc thuộc cùng đơn vị với người ủy quyền",
  endsBeforeStart: "Thời điểm kết thúc phải sau thời điểm bắt đầu",
  endsPast: "Thời điểm kết thúc đã qua",
  tooLong: "Ủy quyền dài tối đa 366 ngày",
  fromRequired: "Quản trị viên cần chọn người ủy quyền",
  mayNotForOthers: "Chỉ quản trị viên được ủy quyền thay cho người khác",
  mayNotDelegate: "Chỉ người giữ vai trò thẩm định (cho chính mình) hoặc quản trị viên được ủy quyền",
  mayNotListAll: "Chỉ quản trị viên được xem mọi ủy quyền",
  notFound: "Không tìm thấy ủy quyền",
  alreadyEnded: "Ủy quyền này đã kết thúc",
  conflict: (d: DelegationRow) =>
    `Đã có ủy quyền vai trò ${label(d.role)} của ${d.fromName} cho ${d.toName} từ ${viDateTime(d.startsAt)} đến ${viDateTime(d.endsAt)}, trùng thời gian với ủy quyền mới`,
  noSubstitute: "Cần chọn người thay",
  noReviewerRole: "Bạn không giữ vai trò thẩm định nào để nhờ người thay khi vắng mặt",
  noAbsence: "Bạn không có lịch vắng mặt nào đang hoặc sắp diễn ra",
  retry: "Ủy quyền trùng thời gian với một ủy quyền vừa thay đổi, vui lòng thử lại",
} as const;

/** The longest a delegation may run: a year and a day, anything longer is a typo. */
const MAX_DAYS = 366;
const DAY_MS = 86_400_000;

export type Person = { userId: string; name: string };

export type DelegationView = {
  id: string;
  from: Person;
  to: Person;
  role: string;
  roleLabel: string;
  kind: "delegation" | "absence";
  startsAt: string;
  endsAt: string;
  note: string | null;
  createdBy: Person;
  createdAt: string;
  endedAt: string | null;
  state: DelegationState;
};

export function stateOf(d: Pick<DelegationRow, "startsAt" | "endsAt" | "endedAt">, now: string): DelegationState {
  if (d.endedAt !== null || d.endsAt <= now) return "ended";
  return d.startsAt > now ? "scheduled" : "active";
}

export const view = (d: DelegationRow, now: string): DelegationView => ({
  id: d.id,
  from: { userId: d.fromUserId, name: d.fromName },
  to: { userId: d.toUserId, name: d.toName },
  role: d.role,
  roleLabel: label(d.role),
  kind: d.kind,
  startsAt: d.startsAt,
  endsAt: d.endsAt,
  note: d.note,
  createdBy: { userId: d.createdBy, name: d.createdByName },
  createdAt: d.createdAt,
  endedAt: d.endedAt,
  state: stateOf(d, now),
});

// Only the caller's own grants: a grant held under someone's delegation gives no power to delegate.
const ownGrants = (actor: Actor) => actor.grants.filter((g) => !g.delegatedBy);
const isAdmin = (actor: Actor) => ownGrants(actor).some((g) => g.role === "admin");

/** Why the delegate cannot receive from the delegator, or nothing. */
function delegateProblem(to: DelegationParty | undefined, from: DelegationParty | undefined, toId: string, fromId: string): string | undefined {
  if (!to) return DELEGATION_MESSAGES.unknownUser;
  if (toId === fromId) return DELEGATION_MESSAGES.self;
  if (!to.active) return DELEGATION_MESSAGES.inactiveUser;
  // A reviewer elsewhere, or someone of the delegator's own unit (a centre's deputy for its head).
  if (!to.roles.some(isReviewerRole) && to.unitId !== from?.unitId) return DELEGATION_MESSAGES.notEligible;
  return undefined;
}

/** The time checks shared by a delegation and an absence, each naming the end's field. */
function timeProblem(startsAt: string, endsAt: string, now: string): string | undefined {
  if (endsAt <= startsAt) return DELEGATION_MESSAGES.endsBeforeStart;
  if (endsAt <= now) return DELEGATION_MESSAGES.endsPast;
  if (Date.parse(endsAt) - Date.parse(startsAt) > MAX_DAYS * DAY_MS) return DELEGATION_MESSAGES.tooLong;
  return undefined;
}

const conflict = (d: DelegationRow, now: string) =>
  new ApiError("conflict", { detail: DELEGATION_MESSAGES.conflict(d), extra: { conflicting: view(d, now) } });

export type CreateDelegationInput = { toUserId: string; role: string; startsAt?: string; endsAt: string; note?: string; fromUserId?: string };

/**
 * Creates a delegation: by a holder of the role for themselves, or an admin for anyone (who then
 * names the delegator). Every field's problem is reported at once (422), and nothing is written
 * unless all pass; an overlap with a live delegation of that role by that person is a 409 naming it.
 */
export async function createDelegation(db: D1Database, actor: Actor, input: CreateDelegationInput, now = nowIso()): Promise<DelegationView> {
  const admin = isAdmin(actor);
  if (input.fromUserId !== undefined && input.fromUserId !== actor.id && !admin) throw new ApiError("forbidden", { detail: DELEGATION_MESSAGES.mayNotForOthers });
  if (!admin && !ownGrants(actor).some((g) => isReviewerRole(g.role))) throw new ApiError("forbidden", { detail: DELEGATION_MESSAGES.mayNotDelegate });
  if (admin && input.fromUserId === undefined) {
    throw new ApiError("validation_failed", { errors: [{ path: "fromUserId", in: "json", message: DELEGATION_MESSAGES.fromRequired }] });
  }
  const fromUserId = input.fromUserId ?? actor.id;
  const startsAt = input.startsAt ?? now;
  const parties = await partiesByIds(db, [fromUserId, input.toUserId]);
  const from = parties.get(fromUserId);
  const to = parties.get(input.toUserId);

  const errors: FieldError[] = [];
  const fail = (path: string, message: string | undefined) => message && errors.push({ path, in: "json", message });
  fail("fromUserId", !from ? DELEGATION_MESSAGES.unknownUser : !from.active ? DELEGATION_MESSAGES.inactiveUser : undefined);
  fail("toUserId", delegateProblem(to, from, input.toUserId, fromUserId));
  if (from && !from.roles.includes(input.role as Role)) fail("role", DELEGATION_MESSAGES.notHeld(from.id === actor.id ? "Bạn" : from.name, input.role));
  fail("endsAt", timeProblem(startsAt, input.endsAt, now));
  if (errors.length) throw new ApiError("validation_failed", { errors });

  const row: NewDelegation = {
    id: newId(),
    fromUserId,
    toUserId: input.toUserId,
    role: input.role as Role,
    kind: "delegation",
    startsAt,
    endsAt: input.endsAt,
    note: input.note || null,
    createdBy: actor.id,
    createdAt: now,
  };
  // The check and the write are one statement; a refusal is explained by the row it met. Should
  // that row end between the two (its holder ended it), the write is simply tried again.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await insertDelegationUnlessOverlap(db, row, now)) {
      const created = await getDelegation(db, row.id);
      if (!created) throw new Error("delegation vanished after insert");
      return view(created, now);
    }
    const met = await firstOverlap(db, { fromUserId, roles: [row.role], now, startsAt, endsAt: row.endsAt });
    if (met) throw conflict(met, now);
  }
  throw new ApiError("conflict", { detail: DELEGATION_MESSAGES.retry });
}

/** A page of delegations for the caller: given and received (mine), one side, or every one (admin). */
export async function delegationsFor(
  db: D1Database,
  actor: Actor,
  q: { scope: ListScope; state?: DelegationState; after?: [string, string]; limit: number },
  now = nowIso(),
): Promise<DelegationView[]> {
  if (q.scope === "all" && !isAdmin(actor)) throw new ApiError("forbidden", { detail: DELEGATION_MESSAGES.mayNotListAll });
  const rows = await listDelegations(db, { ...q, userId: actor.id, now });
  return rows.map((r) => view(r, now));
}

/**
 * Ends a delegation at once: by its delegator, its delegate (declining it) or an admin. Anyone else
 * is told it does not exist (404), as for anything they cannot see. Already ended or past: 409.
 */
export async function endDelegationAs(db: D1Database, actor: Actor, id: string, now = nowIso()): Promise<DelegationView> {
  const row = await getDelegation(db, id);
  if (!row || (row.fromUserId !== actor.id && row.toUserId !== actor.id && !isAdmin(actor))) {
    throw new ApiError("not_found", { detail: DELEGATION_MESSAGES.notFound });
  }
  if (stateOf(row, now) === "ended" || !(await endDelegation(db, id, actor.id, now))) {
    throw new ApiError("conflict", { detail: DELEGATION_MESSAGES.alreadyEnded, extra: { delegation: view((await getDelegation(db, id)) ?? row, now) } });
  }
  const ended = await getDelegation(db, id);
  return view(ended ?? row, now);
}

// ------------------------------------------------------------------------------------------------
// Absence: every reviewer role of the caller, to one substitute, for one time.

export type AbsenceView = {
  from: string;
  until: string;
  substitute: Person;
  roles: string[];
  note: string | null;
  delegations: DelegationView[];
};

/** One absence from its rows (one per role, all alike but for the role). */
function absenceView(rows: DelegationRow[], now: string): AbsenceView | null {
  const first = rows[0];
  if (!first) return null;
  // Rows of one absence share their time and substitute; should two sets ever be live, the earliest is the one shown.
  const same = rows.filter((r) => r.startsAt === first.startsAt && r.endsAt === first.endsAt && r.toUserId === first.toUserId);
  return {
    from: first.startsAt,
    until: first.endsAt,
    substitute: { userId: first.toUserId, name: first.toName },
    roles: same.map((r) => r.role),
    note: first.note,
    delegations: same.map((r) => view(r, now)),
  };
}

export type PutAbsenceInput = { from?: string; until: string; substituteId: string; note?: string };

/**
 * Sets the caller's absence: each reviewer role they hold goes to the substitute for that time,
 * one row per role, replacing their previous absence (ended in the same batch). A manual
 * delegation of one of those roles meeting that time is a 409 naming it, and then nothing changes.
 */
export async function putAbsence(db: D1Database, actor: Actor, input: PutAbsenceInput, now = nowIso()): Promise<AbsenceView> {
  const parties = await partiesByIds(db, [actor.id, input.substituteId]);
  const me = parties.get(actor.id);
  const roles = (me?.roles ?? []).filter(isReviewerRole);
  if (roles.length === 0) throw new ApiError("validation_failed", { errors: [{ path: "(root)", in: "json", message: DELEGATION_MESSAGES.noReviewerRole }] });
  const startsAt = input.from ?? now;
  const errors: FieldError[] = [];
  const fail = (path: string, message: string | undefined) => message && errors.push({ path, in: "json", message });
  fail("substituteId", delegateProblem(parties.get(input.substituteId), me, input.substituteId, actor.id));
  fail("until", timeProblem(startsAt, input.until, now));
  if (errors.length) throw new ApiError("validation_failed", { errors });

  const rows: NewDelegation[] = roles.map((role) => ({
    id: newId(),
    fromUserId: actor.id,
    toUserId: input.substituteId,
    role,
    kind: "absence",
    startsAt,
    endsAt: input.until,
    note: input.note || null,
    createdBy: actor.id,
    createdAt: now,
  }));
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await replaceAbsence(db, actor.id, rows, now)) {
      // Read back by id, not as "the live absence": a PUT right behind this one may already have replaced it.
      const absence = absenceView(await delegationsByIds(db, rows.map((r) => r.id)), now);
      if (!absence) throw new Error("absence vanished after insert");
      return absence;
    }
    const met = await firstOverlap(db, { fromUserId: actor.id, roles, now, startsAt, endsAt: input.until, kind: "delegation" });
    if (met) throw conflict(met, now);
  }
  throw new ApiError("conflict", { detail: DELEGATION_MESSAGES.retry });
}

/** The caller's absence running now or next, or null. */
export async function absenceOf(db: D1Database, actor: Actor, now = nowIso()): Promise<AbsenceView | null> {
  return absenceView(await liveAbsenceRows(db, actor.id, now), now);
}

/** Ends the caller's absence early (or calls off one to come); 404 when there is none. */
export async function endAbsenceOf(db: D1Database, actor: Actor, now = nowIso()): Promise<void> {
  if ((await endAbsence(db, actor.id, now)) === 0) throw new ApiError("not_found", { detail: DELEGATION_MESSAGES.noAbsence });
}
