/** @jsxImportSource hono/jsx */
import { WORKFLOWS } from "../../../workflows";
import { FiguresFieldset, figureLabels, type FiguresFormProps } from "./figures";
import { MAX_IMAGE_BYTES } from "../../domain/images";
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

/**
 * Dates are text fields, not <input type=date>: a native date field shows and takes the date in
 * the browser's language (mm/dd/yyyy on an English Windows), whatever the page's; these take
 * dd/mm/yyyy and 24-hour times everywhere. app.js puts the "/", " " and ":" in as digits are typed
 * on a phone's number pad (which has none of them); the server reads them with or without.
 */
const DATE_FIELDS = {
  eventDate: { placeholder: "dd/mm/yyyy", mask: "date", hint: "Dạng ngày/tháng/năm, ví dụ 23/01/2025." },
  publishAt: { placeholder: "dd/mm/yyyy HH:mm", mask: "datetime", hint: "Dạng ngày/tháng/năm giờ:phút (24 giờ, giờ Việt Nam), ví dụ 23/01/2025 14:30. Để trống để đăng ngay khi được duyệt." },
} as const;

function Field(props: { id: keyof ReportFormValues; values: ReportFormValues; errors: FieldErrors; hint?: string; type?: string; textarea?: boolean; required?: boolean; className?: string }) {
  const dated = props.id === "eventDate" || props.id === "publishAt" ? DATE_FIELDS[props.id] : undefined;
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
        <input
          id={props.id}
          name={props.id}
          type={props.type ?? "text"}
          value={props.values[props.id]}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          required={props.required}
          {...(dated ? { inputmode: "numeric", placeholder: dated.placeholder, autocomplete: "off", "data-date-mask": dated.mask, class: `date-input ${dated.mask}` } : {})}
        />
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
  /**
   * Images to add with this save (while writing, before the first save too): `slots` file and
   * caption pairs, numbered after the `existing` images; `captions` as typed; `lost` when the page
   * comes back after files were chosen (a browser never fills a file field again).
   */
  uploads?: { slots: number; existing: number; captions?: string[]; lost?: boolean };
}) {
  const v = props.values;
  const def = WORKFLOWS[v.kind as keyof typeof WORKFLOWS];
  const labels: Record<string, string> = { ...LABELS, ...(props.figures ? figureLabels(props.figures.set) : {}), ...uploadLabels(props.uploads) };
  return (
    <form method="post" action={props.action} novalidate enctype={props.uploads?.slots ? "multipart/form-data" : undefined}>
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
            <Field id="eventDate" values={v} errors={props.errors} hint={DATE_FIELDS.eventDate.hint} />
            <Field id="location" values={v} errors={props.errors} />
          </div>
          <Field id="attendees" values={v} errors={props.errors} textarea hint="Mỗi dòng một người: Họ tên – Chức vụ. Ví dụ: Ông Dương Trí Dũng – Phó Giám đốc Sở" />
          <Field id="sourceUrl" values={v} errors={props.errors} type="url" hint="Nếu bài đã đăng ở trang của đơn vị." />
        </>
      )}
      {props.uploads?.slots ? <ImageSlots {...props.uploads} errors={props.errors} /> : null}
      {v.kind === "event" || def?.afterApproval === "publish_at" ? (
        <Field id="publishAt" values={v} errors={props.errors} hint={DATE_FIELDS.publishAt.hint} />
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

const slotNumbers = (u: { slots: number }) => Array.from({ length: u.slots }, (_, i) => i + 1);

/** "Hình 3" and "Chú thích hình 3" for the error summary, numbered as on the page. */
function uploadLabels(u: { slots: number; existing: number } | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!u) return out;
  for (const n of slotNumbers(u)) {
    out[`image${n}`] = `Hình ${u.existing + n}`;
    out[`caption${n}`] = `Chú thích hình ${u.existing + n}`;
  }
  return out;
}

/** File and caption pairs: the images go up with the save (src/web/reports.tsx storeImages). */
function ImageSlots(props: { slots: number; existing: number; captions?: string[]; lost?: boolean; errors: FieldErrors }) {
  const invalid = (id: string) => (props.errors[id] ? { "aria-invalid": "true", "aria-describedby": `${id}-error hinh-moi-hint` } : { "aria-describedby": "hinh-moi-hint" });
  return (
    <fieldset class="card image-slots" id="hinh-moi">
      <legend>{props.existing ? "Thêm hình ảnh" : "Hình ảnh (không bắt buộc)"}</legend>
      <p class="hint" id="hinh-moi-hint">
        JPEG, PNG hoặc WebP, tối đa {MAX_IMAGE_BYTES / 1024 / 1024} MB mỗi hình; hình nào cũng cần chú thích. Hình được tải lên khi bấm “{props.existing ? "Lưu thay đổi" : "Lưu bản nháp"}”.
      </p>
      {props.lost ? (
        <p class="error" id="hinh-moi-chon-lai">
          Trình duyệt không giữ tệp đã chọn khi trang hiện lại: hãy chọn lại hình.
        </p>
      ) : null}
      {slotNumbers(props).map((n) => (
        <div class="grid image-slot">
          <div>
            <label for={`image${n}`}>Hình {props.existing + n}</label>
            <FieldError id={`image${n}`} errors={props.errors} />
            <input id={`image${n}`} name={`image${n}`} type="file" accept="image/jpeg,image/png,image/webp" {...invalid(`image${n}`)} />
          </div>
          <div>
            <label for={`caption${n}`}>Chú thích hình {props.existing + n}</label>
            <FieldError id={`caption${n}`} errors={props.errors} />
            <input id={`caption${n}`} name={`caption${n}`} type="text" maxlength={500} value={props.captions?.[n - 1] ?? ""} {...invalid(`caption${n}`)} />
          </div>
        </div>
      ))}
    </fieldset>
  );
}
