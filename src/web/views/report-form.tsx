/** @jsxImportSource hono/jsx */
import { WORKFLOWS } from "../../../workflows";
import { FiguresFieldset, figureLabels, type FiguresFormProps } from "./figures";
import { ErrorSummary, FieldError, type FieldErrors } from "./shell";

export type ReportFormValues = {
  kind: string;
  title: string;
  summary: string;
  body: string;
  eventDate: string;
  location: string;
  attendees: string;
  sourceUrl: string;
  publishAt: string;
  correctionNote: string;
};

export const LABELS: Record<string, string> = {
  kind: "Loại",
  title: "Tiêu đề",
  summary: "Tóm tắt (đoạn dẫn)",
  body: "Nội dung",
  eventDate: "Ngày diễn ra",
  location: "Địa điểm",
  attendees: "Đại biểu tham dự",
  sourceUrl: "Liên kết bài viết gốc",
  publishAt: "Hẹn giờ đăng",
  correctionNote: "Nội dung đính chính",
  figures: "Số liệu",
  periodId: "Kỳ báo cáo",
  version: "Phiên bản",
  form: "Biểu mẫu",
};

function Field(props: { id: keyof ReportFormValues; values: ReportFormValues; errors: FieldErrors; hint?: string; type?: string; textarea?: boolean; required?: boolean; className?: string }) {
  const invalid = props.errors[props.id] ? "true" : undefined;
  const describedBy = [props.hint ? `${props.id}-hint` : "", invalid ? `${props.id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div>
      <label for={props.id}>
        {LABELS[props.id]}
        {props.required ? " *" : ""}
      </label>
      {props.hint ? (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <FieldError id={props.id} errors={props.errors} />
      {props.textarea ? (
        <textarea id={props.id} name={props.id} class={props.className} aria-invalid={invalid} aria-describedby={describedBy} required={props.required}>
          {props.values[props.id]}
        </textarea>
      ) : (
        <input id={props.id} name={props.id} type={props.type ?? "text"} value={props.values[props.id]} aria-invalid={invalid} aria-describedby={describedBy} required={props.required} />
      )}
    </div>
  );
}

export function ReportForm(props: {
  action: string;
  csrf: string;
  values: ReportFormValues;
  errors: FieldErrors;
  version?: number;
  creating: boolean;
  /** A periodic report's figures: the fields come from its period's indicator set. */
  figures?: Omit<FiguresFormProps, "errors">;
  /** The report's images (editing): each can be placed in the body with a "[Hình N]" line. */
  images?: { reportId: string; items: { id: string; caption: string }[] };
  /** The report has been published: this edit is a correction, and readers are told what it changes. */
  corrects?: boolean;
}) {
  const v = props.values;
  const def = WORKFLOWS[v.kind as keyof typeof WORKFLOWS];
  const labels = props.figures ? { ...LABELS, ...figureLabels(props.figures.set) } : LABELS;
  return (
    <form method="post" action={props.action} novalidate>
      <ErrorSummary errors={props.errors} labels={labels} />
      <input type="hidden" name="_csrf" value={props.csrf} />
      {props.version !== undefined ? <input type="hidden" name="version" value={String(props.version)} /> : null}
      <p>
        Loại: <strong>{def?.label ?? v.kind}</strong>
        <input type="hidden" name="kind" value={v.kind} />
      </p>
      <FieldError id="kind" errors={props.errors} />
      <Field id="title" values={v} errors={props.errors} required />
      {/* A periodic report is its figures first, then the centre's account of them; it has no
          date, place, guests or source link (those are for news and events on the portal). */}
      {props.figures ? <FiguresFieldset {...props.figures} errors={props.errors} /> : <FieldError id="figures" errors={props.errors} />}
      <Field id="summary" values={v} errors={props.errors} textarea hint={props.figures ? "Một đoạn ngắn tóm tắt kết quả của kỳ." : "Một đoạn ngắn mở đầu bài."} />
      <div class="grid">
        <div>
          <Field id="body" values={v} errors={props.errors} textarea required className="body" hint="Viết bằng Markdown: **đậm**, *nghiêng*, - gạch đầu dòng, [liên kết](https://...). Không dùng thẻ HTML." />
          {props.images?.items.length ? <FigurePicker {...props.images} /> : null}
        </div>
        <div>
          <p class="hint" id="xem-truoc-nhan">
            Xem trước (cập nhật khi gõ):
          </p>
          <div class="preview" id="xem-truoc" aria-live="polite" aria-labelledby="xem-truoc-nhan" data-preview-for="body" data-report-id={props.images?.reportId}></div>
        </div>
      </div>
      {props.figures ? null : (
        <>
          <div class="grid">
            <Field id="eventDate" values={v} errors={props.errors} type="date" />
            <Field id="location" values={v} errors={props.errors} />
          </div>
          <Field id="attendees" values={v} errors={props.errors} textarea hint="Mỗi dòng một người: Họ tên – Chức vụ. Ví dụ: Ông Dương Trí Dũng – Phó Giám đốc Sở" />
          <Field id="sourceUrl" values={v} errors={props.errors} type="url" hint="Nếu bài đã đăng ở trang của đơn vị." />
        </>
      )}
      {v.kind === "event" || def?.afterApproval === "publish_at" ? (
        <Field id="publishAt" values={v} errors={props.errors} type="datetime-local" hint="Để trống để đăng ngay khi được duyệt (giờ Việt Nam)." />
      ) : null}
      {props.corrects ? (
        <Field
          id="correctionNote"
          values={v}
          errors={props.errors}
          textarea
          hint="Bài đã đăng trên cổng thông tin: ghi ngắn gọn điều được sửa. Bạn đọc sẽ thấy dòng “Đính chính ngày …: <nội dung>” dưới tiêu đề. Bắt buộc trước khi trình lại."
        />
      ) : null}
      <div class="actions">
        <button type="submit">{props.creating ? "Lưu bản nháp" : "Lưu thay đổi"}</button>
      </div>
    </form>
  );
}

/**
 * The report's images under the body field, with how to place one in the text. Without script the
 * hint says what to type; app.js adds a "Chèn vào bài" button to each that types it at the cursor.
 */
function FigurePicker(props: { reportId: string; items: { id: string; caption: string }[] }) {
  return (
    <div class="figure-picker">
      <p class="hint" id="chen-hinh-nhan">
        Đặt hình vào bài: gõ <code>[Hình 2]</code> trên một dòng riêng ở chỗ muốn đặt hình 2. Hình không được đặt sẽ ở cuối bài.
      </p>
      <ul class="plain-list" aria-labelledby="chen-hinh-nhan">
        {props.items.map((img, i) => (
          <li data-insert-figure={String(i + 1)} data-insert-into="body">
            <img src={`/app/reports/${props.reportId}/images/${img.id}`} alt="" width={64} height={48} loading="lazy" /> Hình {i + 1}: {img.caption}
          </li>
        ))}
      </ul>
    </div>
  );
}
