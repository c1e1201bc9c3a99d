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
import type { WorkingCalendar } from "../../domain/calendar";

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
  submit: "Trình",
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
          <th scope="col">Ý kiến xử lý</th>
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
            <td data-label="Ý kiến xử lý">{commentOf(e)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The words the review pages use, as Vietnamese offices use them, and what each means here. The
 * one source: the report page's "Thuật ngữ" shows this list, and the README's "Thuật ngữ trên giao
 * diện" section repeats it word for word (test/review-page.web.test.ts keeps the two the same).
 */
export const GLOSSARY: readonly { term: string; meaning: string }[] = [
  { term: "Trình", meaning: "Đơn vị gửi báo cáo lên để thẩm định; sau khi sửa một báo cáo bị trả lại hoặc đã rút, đơn vị trình lại." },
  { term: "Duyệt", meaning: "Người xử lý đồng ý ở bước của mình: báo cáo sang bước sau, hoặc được đăng sau bước cuối." },
  { term: "Trả lại", meaning: "Người xử lý gửi báo cáo về đơn vị để sửa, kèm ý kiến xử lý (bắt buộc)." },
  { term: "Rút lại", meaning: "Đơn vị lấy về báo cáo đang thẩm định để sửa; sửa xong phải trình lại." },
  { term: "Ý kiến xử lý", meaning: "Nhận xét của người xử lý khi duyệt hoặc trả lại; ghi vào lịch sử xử lý và đơn vị đọc được." },
  { term: "KT.", meaning: "Ký thay: người được uỷ quyền quyết định thay cấp trưởng; lịch sử ghi “KT. Trưởng phòng: tên người ký”." },
  { term: "Người xử lý", meaning: "Người được giao, hoặc tự nhận, một bước thẩm định; chỉ người đó (hoặc người ký thay) quyết định bước ấy." },
];

export function Glossary() {
  return (
    <details class="glossary">
      <summary>Thuật ngữ</summary>
      <dl>
        {GLOSSARY.map((g) => (
          <>
            <dt>{g.term}</dt>
            <dd>{g.meaning}</dd>
          </>
        ))}
      </dl>
    </details>
  );
}

/**
 * How long a stage has left, or how late it is, in working hours (08:00-17:00 of working days, by
 * the stored calendar): what a reviewer plans a day by. Whole hours, rounded down; under an hour
 * said as such rather than "0 giờ".
 */
export function timeLeftText(calendar: WorkingCalendar, now: string, due: string): { text: string; overdue: boolean } {
  if (Date.parse(due) > Date.parse(now)) {
    const h = Math.floor(calendar.workingHoursBetween(now, due));
    return { text: h >= 1 ? `còn ${h} giờ làm việc` : "còn dưới 1 giờ làm việc", overdue: false };
  }
  const h = Math.floor(calendar.workingHoursBetween(due, now));
  return { text: h >= 1 ? `quá hạn ${h} giờ làm việc` : "quá hạn dưới 1 giờ làm việc", overdue: true };
}

/** One line of the change table; `note` says what happened when there is no before/after to show ("Đổi thứ tự"). */
type Row = { label: string; before: string[]; after: string[]; note?: string };

const EMPTY = "(trống)";

/** A field's value as people read it: dates dd/mm/yyyy, times with the hour in Viet Nam; never JSON. */
function showField(field: string, v: unknown): string {
  if (v === null || v === undefined || v === "") return EMPTY;
  if (typeof v === "string" && field === "eventDate") return viDate(v);
  if (typeof v === "string" && field === "publishAt") return viDateTime(v);
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return String(v);
  return "(đã thay đổi)";
}

const asList = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null) : []);
const text = (v: unknown) => (typeof v === "string" ? v : "");

/** Guests by name: who was added, who was taken off, whose title changed ("Ông A – Phó Giám đốc Sở"). */
function attendeeRows(before: unknown, after: unknown): Row[] {
  const line = (a: Record<string, unknown>) => (text(a.title) ? `${text(a.name)} – ${text(a.title)}` : text(a.name));
  const [a, b] = [asList(before), asList(after)];
  const oldByName = new Map(a.map((x) => [text(x.name), x]));
  const newByName = new Map(b.map((x) => [text(x.name), x]));
  const added = b.filter((x) => !oldByName.has(text(x.name)));
  const removed = a.filter((x) => !newByName.has(text(x.name)));
  const retitled = b.filter((x) => oldByName.has(text(x.name)) && text(oldByName.get(text(x.name))!.title) !== text(x.title));
  const rows: Row[] = [];
  if (added.length) rows.push({ label: "Đại biểu: thêm", before: [], after: added.map(line) });
  if (removed.length) rows.push({ label: "Đại biểu: bỏ", before: removed.map(line), after: [] });
  if (retitled.length) rows.push({ label: "Đại biểu: đổi chức danh", before: retitled.map((x) => line(oldByName.get(text(x.name))!)), after: retitled.map(line) });
  if (rows.length === 0) rows.push({ label: "Đại biểu tham dự", before: [], after: [], note: "Đổi thứ tự" });
  return rows;
}

/** Images by their captions: added, removed, re-captioned, or only moved; never their ids. */
function imageRows(before: unknown, after: unknown): Row[] {
  const [a, b] = [asList(before), asList(after)];
  const caption = (x: Record<string, unknown>) => bareCaption(text(x.caption)) || "(không có chú thích)";
  const byId = new Map(a.map((x) => [text(x.id), x]));
  const after_ = new Set(b.map((x) => text(x.id)));
  const rows: Row[] = [];
  const added = b.filter((x) => !byId.has(text(x.id))).map(caption);
  const removed = a.filter((x) => !after_.has(text(x.id))).map(caption);
  if (added.length) rows.push({ label: "Hình ảnh: thêm", before: [], after: added });
  if (removed.length) rows.push({ label: "Hình ảnh: bỏ", before: removed, after: [] });
  const recaptioned = b.filter((x) => byId.has(text(x.id)) && text(byId.get(text(x.id))!.caption) !== text(x.caption));
  if (recaptioned.length) rows.push({ label: "Hình ảnh: đổi chú thích", before: recaptioned.map((x) => caption(byId.get(text(x.id))!)), after: recaptioned.map(caption) });
  const kept = (list: Record<string, unknown>[]) => list.map((x) => text(x.id)).filter((id) => byId.has(id) && after_.has(id));
  if (rows.length === 0 && kept(a).join() !== kept(b).join()) rows.push({ label: "Hình ảnh", before: [], after: [], note: "Đổi thứ tự" });
  return rows;
}

/** A cell's lines: one line as text, several as a list, so each name or caption reads on its own. */
function Lines(props: { lines: string[]; as: "ins" | "del" }) {
  const wrap = (s: string) => (props.as === "ins" ? <ins>{s}</ins> : <del>{s}</del>);
  if (props.lines.length === 0) return null;
  if (props.lines.length === 1) return wrap(props.lines[0]!);
  return (
    <ul class="diff-lines">
      {props.lines.map((s) => (
        <li>{wrap(s)}</li>
      ))}
    </ul>
  );
}

/**
 * What changed between two revisions, as text a reviewer reads: fields with their labels, guests
 * and images by name and caption, and the body as a word diff of the article's text as it reads
 * (the caller passes the diff of the rendered text, not of the Markdown). `formattingOnly`: the
 * Markdown changed but not the words (bold, a list), said in a line rather than shown as markup.
 */
export function DiffView(props: { from: number; to: number; fields: FieldChange[]; body: BodyPart[]; bodyChanged: boolean; formattingOnly?: boolean; figureSet?: IndicatorSet | null }) {
  const rows: Row[] = props.fields.flatMap((f): Row[] =>
    f.field === "figures" || f.field === "figureNotes"
      ? figureChangeRows(props.figureSet ?? null, f.field, f.before, f.after).map((r) => ({ label: r.label, before: [r.before], after: [r.after] }))
      : f.field === "attendees"
        ? attendeeRows(f.before, f.after)
        : f.field === "attachments"
          ? imageRows(f.before, f.after)
          : [{ label: LABELS[f.field] ?? "Thông tin khác", before: [showField(f.field, f.before)], after: [showField(f.field, f.after)] }],
  );
  return (
    <section aria-labelledby="thay-doi" class="diff">
      <h2 id="thay-doi">
        Thay đổi từ phiên bản {props.from} đến {props.to}
      </h2>
      {rows.length === 0 && !props.bodyChanged && !props.formattingOnly ? <p>Không có thay đổi.</p> : null}
      {rows.length ? (
        <table class="responsive diff-table">
          <thead>
            <tr>
              <th scope="col">Mục</th>
              <th scope="col">Trước</th>
              <th scope="col">Sau</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td data-label="Mục">{r.label}</td>
                <td data-label="Trước">
                  <Lines lines={r.before} as="del" />
                </td>
                <td data-label="Sau">{r.note ?? <Lines lines={r.after} as="ins" />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {props.bodyChanged ? (
        <>
          <h3 id="thay-doi-noi-dung">Nội dung bài</h3>
          <p class="hint">
            Chữ thêm vào <ins>gạch chân, nền xanh</ins>; chữ bỏ đi <del>gạch ngang, nền đỏ</del>.
          </p>
          <div class="card prewrap diff-body">
            {props.body.map((p) => (p.op === "insert" ? <ins>{p.text}</ins> : p.op === "delete" ? <del>{p.text}</del> : p.text))}
          </div>
        </>
      ) : props.formattingOnly ? (
        <p>Nội dung bài: chỉ đổi cách trình bày (in đậm, danh sách, liên kết…), chữ không đổi.</p>
      ) : null}
    </section>
  );
}
