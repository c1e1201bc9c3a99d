/** @jsxImportSource hono/jsx */
import { raw } from "hono/html";
import type { BodyPart, FieldChange } from "../../domain/revision-diff";
import { viDate, viDateTime } from "../../portal/format";
import { AttendeeList } from "../../portal/views/parts";
import { bareCaption } from "../../portal/images";
import { placeFigures, renderMarkdown } from "../../portal/markdown";
import type { AttachmentRow, ReportRow } from "../../queries/reports";
import type { HistoryRow } from "../../queries/review";
import { ROLE_LABELS } from "./shell";
import { signedFor } from "../../domain/roles";
import { LABELS } from "./report-form";
import { figureChangeRows } from "./figures";
import type { IndicatorSet } from "../../../indicators";

export const STATUS_LABELS: Record<string, string> = {
  draft: "Bản nháp",
  in_review: "Đang thẩm định",
  returned: "Bị trả lại",
  withdrawn: "Đã rút",
  approved: "Đã duyệt",
  scheduled: "Chờ đăng theo lịch",
  published: "Đã đăng",
  unpublished: "Đã gỡ",
};

const ACTION_LABELS: Record<string, string> = {
  create: "Tạo bản nháp",
  submit: "Gửi thẩm định",
  approve: "Duyệt",
  return: "Trả lại",
  withdraw: "Rút lại",
  schedule: "Hẹn giờ đăng",
  publish: "Đăng",
  unpublish: "Gỡ bài",
  cancel: "Huỷ lịch đăng",
  assign: "Phân công",
};

/**
 * What an event did, as people say it: an assignment by whom it went to (the system's own, when a
 * stage has one holder, or when its assignee can no longer decide it); a decision made under a
 * delegation with the signature it carries, "Duyệt — KT. Trưởng phòng: Trần Thị B".
 */
export function eventLabel(e: HistoryRow): string {
  if (e.action === "assign") {
    if (e.comment === "auto" && e.assignee_name) return `Tự động giao cho ${e.assignee_name} (người duy nhất phụ trách)`;
    if (e.comment === "released") return "Tự động trả lại nhóm (người được giao không còn xử lý được)";
    if (!e.assignee_id) return "Trả lại nhóm";
    if (e.actor_id && e.assignee_id === e.actor_id) return "Nhận xử lý";
    return `Giao cho ${e.assignee_name ?? ""}`;
  }
  const label = ACTION_LABELS[e.action] ?? e.action;
  return e.on_behalf_of_role ? `${label} — ${signedFor(e.on_behalf_of_role)}: ${e.actor_name ?? ""}` : label;
}

/** Who did it: the system, a person in their role, or a person signing for someone else. */
function actorLabel(e: HistoryRow): string {
  if (!e.actor_name) return "Hệ thống";
  if (e.on_behalf_of_name) return `${e.actor_name} (ký thay ${e.on_behalf_of_name})`;
  return e.actor_role ? `${e.actor_name} (${ROLE_LABELS[e.actor_role as keyof typeof ROLE_LABELS] ?? e.actor_role})` : e.actor_name;
}

/** The comment column: a decision's words; nothing for events whose comment is the system's own note. */
const commentOf = (e: HistoryRow) => (e.action === "publish" || e.action === "schedule" || e.action === "assign" ? "" : (e.comment ?? ""));

export function StatusBadge(props: { status: string; overdue?: boolean }) {
  return (
    <span class={`badge ${props.overdue ? "overdue" : props.status}`}>
      {props.overdue ? "Quá hạn" : (STATUS_LABELS[props.status] ?? props.status)}
    </span>
  );
}



/** The report as it will read on the portal. */
export type PreviewContent = Pick<ReportRow, "id" | "title" | "summary" | "body" | "eventDate" | "location" | "attendees" | "sourceUrl">;

function PreviewFigure(props: { reportId: string; img: AttachmentRow; n: number }) {
  const caption = bareCaption(props.img.caption);
  return (
    <figure>
      <img src={`/app/reports/${props.reportId}/images/${props.img.id}`} alt={caption} class="fit" />
      <figcaption>
        Hình {props.n}: {caption}
      </figcaption>
    </figure>
  );
}

export function ArticlePreview(props: { report: PreviewContent; images: AttachmentRow[] }) {
  const r = props.report;
  // As on the portal: "[Hình 2]" on a line of its own places image 2 there, the rest follow the text.
  const body = placeFigures(renderMarkdown(r.body), (n) => {
    const img = props.images[n - 1];
    return img ? String(<PreviewFigure reportId={r.id} img={img} n={n} />) : null;
  });
  return (
    <article class="card" aria-label="Xem trước bài viết">
      <h2 class="mt0">{r.title}</h2>
      <p class="hint">
        {r.eventDate ? `Ngày ${viDate(r.eventDate)}` : ""}
        {r.eventDate && r.location ? " · " : ""}
        {r.location ? `Tại ${r.location}` : ""}
      </p>
      {r.summary ? (
        <p>
          <strong>{r.summary}</strong>
        </p>
      ) : null}
      <div>{raw(body.html)}</div>
      {r.attendees.length ? (
        <>
          <h3>Đại biểu tham dự</h3>
          <AttendeeList attendees={r.attendees} />
        </>
      ) : null}
      {props.images.map((img, i) => (body.placed.has(i + 1) ? null : <PreviewFigure reportId={r.id} img={img} n={i + 1} />))}
      {r.sourceUrl ? (
        <p>
          <a href={r.sourceUrl} rel="noopener noreferrer nofollow">
            Liên kết bài viết gốc
          </a>
        </p>
      ) : null}
    </article>
  );
}

export function History(props: { rows: HistoryRow[]; stageLabel: (id: string | null) => string | null }) {
  return (
    <table class="responsive">
      <thead>
        <tr>
          <th scope="col">Thời gian</th>
          <th scope="col">Người thực hiện</th>
          <th scope="col">Thao tác</th>
          <th scope="col">Bước</th>
          <th scope="col">Phiên bản</th>
          <th scope="col">Ý kiến</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((e) => (
          <tr>
            <td data-label="Thời gian">{viDateTime(e.created_at)}</td>
            <td data-label="Người thực hiện">{actorLabel(e)}</td>
            <td data-label="Thao tác">{eventLabel(e)}</td>
            <td data-label="Bước">{props.stageLabel(e.stage) ?? ""}</td>
            <td data-label="Phiên bản">{e.revision || ""}</td>
            <td data-label="Ý kiến">{commentOf(e)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const show = (v: unknown) => (v === null || v === undefined || v === "" ? "(trống)" : typeof v === "string" ? v : String(v));

type Row = { label: string; before: string; after: string };

/** A field's value as people read it: dates dd/mm/yyyy, times with the hour in Viet Nam. */
function showField(field: string, v: unknown): string {
  if (typeof v === "string" && v !== "" && field === "eventDate") return viDate(v);
  if (typeof v === "string" && v !== "" && field === "publishAt") return viDateTime(v);
  return show(v);
}

const asList = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null) : []);
const text = (v: unknown) => (typeof v === "string" ? v : "");

/** Guests as people read them: "Ông A – Phó Giám đốc Sở"; the change as who was taken off and who was added. */
function attendeeRows(before: unknown, after: unknown): Row[] {
  const line = (a: Record<string, unknown>) => (text(a.title) ? `${text(a.name)} – ${text(a.title)}` : text(a.name));
  const [a, b] = [asList(before).map(line), asList(after).map(line)];
  const removed = a.filter((x) => !b.includes(x));
  const added = b.filter((x) => !a.includes(x));
  if (removed.length === 0 && added.length === 0) return [{ label: "Đại biểu tham dự", before: "", after: "Đổi thứ tự" }];
  return [{ label: "Đại biểu tham dự", before: removed.length ? `Bỏ: ${removed.join("; ")}` : "", after: added.length ? `Thêm: ${added.join("; ")}` : "" }];
}

/** Images by their captions: added, removed, re-captioned, or only moved; never their ids. */
function imageRows(before: unknown, after: unknown): Row[] {
  const [a, b] = [asList(before), asList(after)];
  const byId = new Map(a.map((x) => [text(x.id), x]));
  const after_ = new Set(b.map((x) => text(x.id)));
  const rows: Row[] = [];
  const removed = a.filter((x) => !after_.has(text(x.id))).map((x) => text(x.caption));
  const added = b.filter((x) => !byId.has(text(x.id))).map((x) => text(x.caption));
  if (removed.length || added.length) rows.push({ label: "Hình ảnh", before: removed.length ? `Bỏ: ${removed.join("; ")}` : "", after: added.length ? `Thêm: ${added.join("; ")}` : "" });
  for (const x of b) {
    const old = byId.get(text(x.id));
    if (old && text(old.caption) !== text(x.caption)) rows.push({ label: "Chú thích hình", before: text(old.caption), after: text(x.caption) });
  }
  const kept = (list: Record<string, unknown>[]) => list.map((x) => text(x.id)).filter((id) => byId.has(id) && after_.has(id));
  if (rows.length === 0 && kept(a).join() !== kept(b).join()) rows.push({ label: "Hình ảnh", before: "", after: "Đổi thứ tự" });
  return rows;
}

export function DiffView(props: { from: number; to: number; fields: FieldChange[]; body: BodyPart[]; bodyChanged: boolean; figureSet?: IndicatorSet | null }) {
  const rows: Row[] = props.fields.flatMap((f) =>
    f.field === "figures" || f.field === "figureNotes"
      ? figureChangeRows(props.figureSet ?? null, f.field, f.before, f.after)
      : f.field === "attendees"
        ? attendeeRows(f.before, f.after)
        : f.field === "attachments"
          ? imageRows(f.before, f.after)
          : [{ label: LABELS[f.field] ?? f.field, before: showField(f.field, f.before), after: showField(f.field, f.after) }],
  );
  return (
    <section aria-labelledby="thay-doi">
      <h2 id="thay-doi">
        Thay đổi từ phiên bản {props.from} đến {props.to}
      </h2>
      {rows.length === 0 && !props.bodyChanged ? <p>Không có thay đổi.</p> : null}
      {rows.length ? (
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">Trường</th>
              <th scope="col">Trước</th>
              <th scope="col">Sau</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td data-label="Trường">{r.label}</td>
                <td data-label="Trước">
                  <del>{r.before}</del>
                </td>
                <td data-label="Sau">
                  <ins>{r.after}</ins>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {props.bodyChanged ? (
        <div class="card prewrap" aria-label="Nội dung: phần thêm được gạch chân xanh, phần bỏ gạch ngang đỏ">
          {props.body.map((p) => (p.op === "insert" ? <ins>{p.text}</ins> : p.op === "delete" ? <del>{p.text}</del> : p.text))}
        </div>
      ) : null}
    </section>
  );
}
