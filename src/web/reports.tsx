/** @jsxImportSource hono/jsx */
// Pages for a unit's reports: list by status, create and edit drafts, images, submit, withdraw.
import type { Context, Hono } from "hono";
import { WORKFLOWS, REPORT_KINDS, type ReportKind } from "../../workflows";
import { database } from "../db/client";
import { allows, mayDo } from "../domain/policy";
import { ApiError } from "../errors";
import { getAttachment, MAX_ATTACHMENTS } from "../queries/attachments";
import { liveAttachments, type ReportRow } from "../queries/reports";
import { CreateReport, UpdateReport } from "../routes/reports/schemas";
import { Reorder } from "../routes/attachments/reorder";
import { Caption } from "../routes/attachments/schemas";
import { addImage, captionImage, removeImage, reorderImages } from "../services/attachments";
import { createDraft, editReport } from "../services/reports";
import { checksFrom, checksOf, figuresContextOf, newFiguresContext, type FiguresContext } from "../services/period-reports";
import { unexplained } from "../domain/indicators";
import { submitReport, withdrawReport } from "../services/review";
import { noteBookmark } from "../middleware/d1-session";
import { reportFor } from "../services/report-access";
import { refusal } from "./refusal";
import { apiErrorToFields, attendeesText, dateTimeText, dayText, issuesToFields, readForm, reportFields, reportInput, str, viNumberInput, type FormBody } from "./forms";
import { page, seeOther } from "./render";
import { webSession, type WebEnv } from "./session";
import { notFoundPage } from "./not-found";
import { LABELS, ReportForm, type ReportFormValues } from "./views/report-form";
import { figureText, type FiguresFormProps } from "./views/figures";
import { ArticlePreview, type PreviewContent } from "./views/report-detail";
import type { FieldErrors } from "./views/shell";
import { showReport } from "./report-page";
import { reportList } from "./report-list";
import { coveredUnits } from "../queries/web-lists";

const emptyValues = (kind: string): ReportFormValues => ({
  kind,
  title: "",
  summary: "",
  body: "",
  eventDate: "",
  location: "",
  attendees: "",
  sourceUrl: "",
  publishAt: "",
  correctionNote: "",
});

/** What the user typed, to put back in the form. */
const typedValues = (form: FormBody, kind: string): ReportFormValues => {
  const v = emptyValues(kind);
  for (const key of Object.keys(v) as (keyof ReportFormValues)[]) if (key !== "kind") v[key] = str(form, key);
  return v;
};

function valuesOf(r: ReportRow): ReportFormValues {
  return {
    kind: r.kind,
    title: r.title,
    summary: r.summary ?? "",
    body: r.body,
    eventDate: r.eventDate ? dayText(r.eventDate) : "",
    location: r.location ?? "",
    attendees: attendeesText(r.attendees),
    sourceUrl: r.sourceUrl ?? "",
    publishAt: r.publishAt ? dateTimeText(r.publishAt) : "",
    correctionNote: r.correctionNote ?? "",
  };
}

/** The figures part of a periodic report's form: stored values (Vietnamese writing) or what was typed, with the warnings for them. */
function figuresForm(ctx: FiguresContext, source: { stored: Pick<ReportRow, "figures" | "figureNotes"> } | { typed: FormBody }): Omit<FiguresFormProps, "errors"> {
  const values: Record<string, string> = {};
  const notes: Record<string, string> = {};
  const numbers: Record<string, unknown> = {};
  for (const ind of ctx.set.indicators) {
    if ("stored" in source) {
      const v = source.stored.figures?.[ind.id];
      values[ind.id] = figureText(ind, v);
      numbers[ind.id] = v;
      notes[ind.id] = source.stored.figureNotes?.[ind.id] ?? "";
    } else {
      values[ind.id] = str(source.typed, `figures.${ind.id}`);
      numbers[ind.id] = viNumberInput(values[ind.id]!);
      notes[ind.id] = str(source.typed, `figureNotes.${ind.id}`);
    }
  }
  return {
    set: ctx.set,
    period: ctx.period,
    values,
    notes,
    previous: { title: ctx.previous?.previousTitle ?? null, figures: ctx.previous?.previous ?? null },
    checks: checksFrom(ctx.previous, numbers),
  };
}

const NOTES_NEEDED = "Đã lưu. Có số liệu thay đổi nhiều so với kỳ trước: ghi giải trình ở các ô được đánh dấu bên dưới rồi lưu, trước khi trình.";

/** A saved periodic report with a warning left unexplained: the author is taken back to the form, where its note field now is. */
async function needsNotes(db: D1Database, report: ReportRow): Promise<boolean> {
  if (!report.periodId) return false;
  return unexplained(await checksOf(db, report), report.figureNotes).length > 0;
}

/** A periodic report cannot be started outside a period: send the user to choose one, or to their report already in it. */
async function newPeriodicContext(c: Context<WebEnv>, periodId: string | undefined): Promise<FiguresContext | Response> {
  if (!periodId) return seeOther(c, "/app/periods", "Chọn kỳ báo cáo rồi bấm “Nhập số liệu” để lập báo cáo định kỳ.");
  try {
    return await newFiguresContext(c.env.DB, periodId, c.get("actor").unitId);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const existing = err.extra?.existingReport as { id?: string } | undefined;
    if (existing?.id) return seeOther(c, `/app/reports/${existing.id}`, "Đơn vị đã có báo cáo trong kỳ này: hãy sửa báo cáo này.");
    return seeOther(c, "/app/periods", err.errors?.[0]?.message ?? err.detail ?? "Không lập được báo cáo cho kỳ này.", "error");
  }
}

export function registerWebReports(app: Hono<WebEnv>) {
  const auth = webSession();

  app.get("/app", auth, (c) => {
    const roles = new Set(c.get("actor").grants.map((g) => g.role));
    if (roles.has("director") || roles.has("admin")) return c.redirect("/app/dashboard");
    if (roles.has("specialist") || roles.has("deputy_head") || roles.has("centre_head")) return c.redirect("/app/inbox");
    return c.redirect("/app/reports");
  });

  // The list, its search and filters: ./report-list.tsx.
  app.get("/app/reports", auth, reportList);

  // The names the unit filter suggests as the user types (app.js fills the field's datalist once,
  // on first focus): the units the caller reads, kept by the browser for a few minutes.
  app.get("/app/don-vi", auth, async (c) => {
    const names = (await coveredUnits(database(c.env.DB), c.get("actor"))).map((u) => u.name);
    return c.json(names, 200, { "cache-control": "private, max-age=60" });
  });

  app.get("/app/reports/new", auth, async (c) => {
    if (!mayDo(c.get("actor"), "report.create")) return c.text("Bạn không có quyền tạo báo cáo", 403);
    const kind = REPORT_KINDS.find((k) => k === c.req.query("kind"));
    if (!kind) {
      return page(
        c,
        "Tạo báo cáo",
        <>
          <h1>Tạo báo cáo mới</h1>
          <p>Chọn loại báo cáo:</p>
          <ul>
            {REPORT_KINDS.map((k) => (
              <li>
                <a href={`/app/reports/new?kind=${k}`}>{WORKFLOWS[k].label}</a> — duyệt qua {WORKFLOWS[k].stages.map((s) => s.label).join(" → ")}
              </li>
            ))}
          </ul>
        </>,
      );
    }
    let figures;
    if (WORKFLOWS[kind].requiresFigures) {
      const ctx = await newPeriodicContext(c, c.req.query("periodId"));
      if (ctx instanceof Response) return ctx;
      figures = figuresForm(ctx, { stored: { figures: null, figureNotes: null } });
    }
    // A period's report is titled by its period until the unit says otherwise.
    const values = { ...emptyValues(kind), title: figures ? figures.period.title : "" };
    return page(c, "Tạo báo cáo", <><h1>Tạo báo cáo: {WORKFLOWS[kind].label}</h1><ReportForm action="/app/reports/new" csrf={c.get("csrf")} values={values} errors={{}} creating figures={figures} uploads={{ slots: IMAGE_SLOTS, existing: 0 }} /></>);
  });

  app.post("/app/reports/new", auth, async (c) => {
    const form = await readForm(c);
    const kind = REPORT_KINDS.find((k) => k === str(form, "kind")) ?? "news";
    const periodId = str(form, "periodId") || undefined;
    let ctx: FiguresContext | undefined;
    if (WORKFLOWS[kind].requiresFigures) {
      const found = await newPeriodicContext(c, periodId);
      if (found instanceof Response) return found;
      ctx = found;
    }
    const uploads = { slots: IMAGE_SLOTS, existing: 0, captions: typedCaptions(form), lost: hasFiles(form) };
    const again = (errors: FieldErrors) =>
      page(c, "Tạo báo cáo", <><h1>Tạo báo cáo: {WORKFLOWS[kind].label}</h1><ReportForm action="/app/reports/new" csrf={c.get("csrf")} values={typedValues(form, kind)} errors={inFormOrder(errors)} creating figures={ctx ? figuresForm(ctx, { typed: form }) : undefined} uploads={uploads} /></>, 422);
    const input = reportInput(form, false);
    const parsed = CreateReport.safeParse({ kind, ...(periodId ? { periodId } : {}), ...input.fields });
    if (!parsed.success || hasErrors(input.errors)) return again({ ...(parsed.success ? {} : issuesToFields(parsed.error.issues)), ...input.errors });
    let row: ReportRow;
    try {
      row = await createDraft(c.env.DB, c.get("actor"), parsed.data);
    } catch (err) {
      if (err instanceof ApiError && err.code === "validation_failed") return again(apiErrorToFields(err));
      throw err;
    }
    // The draft is kept whatever happens to its images: a refused one is said beside its field on
    // the draft's own form, where it can be chosen again.
    const images = await storeImages(c, row.id, form);
    if (images.failed.length) return imagesRefused(c, row, "Đã lưu bản nháp.", images);
    const saved = `Đã lưu bản nháp.${uploadedText(images.stored)}`;
    if (await needsNotes(c.env.DB, row)) return seeOther(c, `/app/reports/${row.id}/edit#figures`, `${saved} ${NOTES_NEEDED}`);
    return seeOther(c, `/app/reports/${row.id}`, saved);
  });

  app.get("/app/reports/:id", auth, (c) => showReport(c, c.req.param("id")));

  app.get("/app/reports/:id/edit", auth, async (c) => {
    const report = await reportFor(database(c.env.DB), c.get("actor"), c.req.param("id"), "report.update").catch((err) => {
      if (err instanceof ApiError && err.code !== "not_found") return null;
      throw err;
    });
    if (!report) return seeOther(c, `/app/reports/${c.req.param("id")}`, "Báo cáo không sửa được ở trạng thái này.", "error");
    const ctx = await figuresContextOf(c.env.DB, report);
    const figures = ctx ? figuresForm(ctx, { stored: report }) : undefined;
    const images = { reportId: report.id, items: await liveAttachments(database(c.env.DB), report.id) };
    const uploads = uploadSlots(c, report, images.items.length);
    return page(c, `Sửa: ${report.title}`, <><h1>Sửa báo cáo</h1><Notice c={c} /><ReportForm action={`/app/reports/${report.id}/edit`} csrf={c.get("csrf")} values={valuesOf(report)} errors={{}} version={report.version} creating={false} figures={figures} images={images} corrects={report.publishedUrl !== null} uploads={uploads} /></>);
  });

  app.post("/app/reports/:id/edit", auth, async (c) => {
    const id = c.req.param("id");
    const form = await readForm(c);
    const kind = str(form, "kind");
    const version = Number(str(form, "version")) || undefined;
    // Who may edit it is settled before anything about it is shown again: the form for a periodic
    // report carries its period and the unit's previous figures.
    let report: ReportRow;
    try {
      report = await reportFor(database(c.env.DB), c.get("actor"), id, "report.update");
    } catch (err) {
      return refusal(c, err, `/app/reports/${id}`);
    }
    const again = async (errors: FieldErrors) => {
      const ctx = await figuresContextOf(c.env.DB, report);
      const figures = ctx ? figuresForm(ctx, { typed: form }) : undefined;
      const items = await liveAttachments(database(c.env.DB), report.id);
      const slots = uploadSlots(c, report, items.length);
      const uploads = slots && { ...slots, captions: typedCaptions(form), lost: hasFiles(form) };
      return page(c, "Sửa báo cáo", <><h1>Sửa báo cáo</h1><ReportForm action={`/app/reports/${id}/edit`} csrf={c.get("csrf")} values={typedValues(form, kind)} errors={inFormOrder(errors)} version={version} creating={false} figures={figures} images={{ reportId: report.id, items }} corrects={report.publishedUrl !== null} uploads={uploads} /></>, 422);
    };
    const input = reportInput(form, true);
    const parsed = UpdateReport.safeParse(input.fields);
    if (!parsed.success || hasErrors(input.errors)) return again({ ...(parsed.success ? {} : issuesToFields(parsed.error.issues)), ...input.errors });
    try {
      const saved = await editReport(c.env.DB, c.get("actor"), id, version, parsed.data);
      const images = await storeImages(c, id, form);
      if (images.failed.length) return imagesRefused(c, saved, "Đã lưu thay đổi.", images);
      const done = `Đã lưu thay đổi.${uploadedText(images.stored)}`;
      if (await needsNotes(c.env.DB, saved)) return seeOther(c, `/app/reports/${id}/edit#figures`, `${done} ${NOTES_NEEDED}`);
      return seeOther(c, `/app/reports/${id}`, done);
    } catch (err) {
      if (err instanceof ApiError && err.code === "validation_failed") return again(apiErrorToFields(err));
      if (err instanceof ApiError && err.code === "precondition_failed") {
        return again({ form: "Báo cáo vừa được thay đổi ở nơi khác. Hãy mở lại trang sửa để lấy bản mới nhất rồi sửa tiếp." });
      }
      return refusal(c, err, `/app/reports/${id}`);
    }
  });

  app.post("/app/reports/:id/submit", auth, async (c) => {
    const id = c.req.param("id");
    try {
      const view = await submitReport(c.env, c.get("actor"), id);
      noteBookmark(c, view.bookmark);
      return seeOther(c, `/app/reports/${id}`, `Đã gửi thẩm định: bước ${view.stage?.label ?? ""}.`);
    } catch (err) {
      // A correction without its note for readers: back to the form, at the field.
      const note = err instanceof ApiError ? err.errors?.find((e) => e.path === "correctionNote") : undefined;
      if (note) return seeOther(c, `/app/reports/${id}/edit#correctionNote`, `Không thực hiện được: ${note.message}`, "error");
      return refusal(c, err, `/app/reports/${id}`);
    }
  });

  app.post("/app/reports/:id/withdraw", auth, async (c) => {
    const id = c.req.param("id");
    try {
      noteBookmark(c, (await withdrawReport(c.env, c.get("actor"), id)).bookmark);
      return seeOther(c, `/app/reports/${id}`, "Đã rút báo cáo về đơn vị.");
    } catch (err) {
      return refusal(c, err, `/app/reports/${id}`);
    }
  });

  // Bodies of the upload are bounded by the guard in ./index.ts (the image limit, not the form one).
  app.post("/app/reports/:id/images", auth, async (c) => {
    const id = c.req.param("id");
    const form = await readForm(c);
    const file = form.file;
    if (!(file instanceof File) || file.size === 0) return seeOther(c, `/app/reports/${id}#hinh-anh`, "Chưa chọn ảnh để tải lên.", "error");
    const caption = Caption.safeParse(str(form, "caption"));
    if (!caption.success) return seeOther(c, `/app/reports/${id}#hinh-anh`, captionRefusal(caption.error.issues), "error");
    try {
      await addImage(c.env, c.get("actor"), id, file, caption.data);
      return seeOther(c, `/app/reports/${id}#hinh-anh`, "Đã tải lên 1 hình.");
    } catch (err) {
      return refusal(c, err, `/app/reports/${id}#hinh-anh`);
    }
  });

  app.post("/app/reports/:id/images/:aid", auth, async (c) => {
    const { id, aid } = c.req.param();
    const form = await readForm(c);
    const actor = c.get("actor");
    const back = `/app/reports/${id}#hinh-anh`;
    try {
      const action = str(form, "action");
      if (action === "caption") {
        const caption = Caption.safeParse(str(form, "caption"));
        if (!caption.success) return seeOther(c, back, captionRefusal(caption.error.issues), "error");
        await captionImage(c.env.DB, actor, id, aid, caption.data);
      } else if (action === "delete") {
        // Deleting is asked about first: app.js asks in a dialog and says so ("confirmed"); without
        // script the answer is this confirmation page.
        if (str(form, "confirmed") !== "1") return confirmImageDelete(c, id, aid);
        await removeImage(c.env.DB, actor, id, aid);
        return seeOther(c, back, "Đã xoá hình.");
      } else if (action === "up" || action === "down") {
        const order = Reorder.safeParse({ ids: str(form, "order").split(",").filter(Boolean) });
        if (!order.success) return seeOther(c, back, "Thứ tự ảnh không hợp lệ; hãy tải lại trang.", "error");
        const ids = order.data.ids;
        const i = ids.indexOf(aid);
        const j = action === "up" ? i - 1 : i + 1;
        if (i >= 0 && j >= 0 && j < ids.length) [ids[i], ids[j]] = [ids[j]!, ids[i]!];
        await reorderImages(c.env.DB, actor, id, ids);
      }
      return seeOther(c, back, "Đã cập nhật hình ảnh.");
    } catch (err) {
      return refusal(c, err, back);
    }
  });

  app.get("/app/reports/:id/images/:aid", auth, async (c) => {
    const { id, aid } = c.req.param();
    const db = database(c.env.DB);
    const report = await reportFor(db, c.get("actor"), id, "report.read").catch(() => null);
    const row = report ? await getAttachment(db, report.id, aid) : undefined;
    const object = row ? await c.env.BUCKET.get(row.r2Key) : null;
    if (!row || !object) return notFoundPage(c);
    return new Response(object.body, { headers: { "content-type": row.contentType, "cache-control": "private, max-age=300", "x-content-type-options": "nosniff" } });
  });

  // Live preview for the editor (app.js): the article as it will read, with the portal's renderer.
  app.post("/app/preview", auth, async (c) => {
    const form = await readForm(c);
    const fields = reportFields(form, true);
    const draft: PreviewContent = {
      id: "preview",
      title: fields.title || "(Chưa có tiêu đề)",
      summary: fields.summary ?? null,
      body: fields.body,
      eventDate: fields.eventDate && /^\d{4}-\d{2}-\d{2}$/.test(fields.eventDate) ? fields.eventDate : null,
      location: fields.location ?? null,
      attendees: fields.attendees,
      // Only a safe link is shown, as on the portal.
      sourceUrl: fields.sourceUrl && /^https?:\/\//.test(fields.sourceUrl) ? fields.sourceUrl : null,
    };
    // Editing a report (app.js sends its id): its images, so "[Hình 2]" shows where image 2 goes.
    const reportId = str(form, "reportId");
    const report = reportId ? await reportFor(database(c.env.DB), c.get("actor"), reportId, "report.read").catch(() => null) : null;
    const images = report ? await liveAttachments(database(c.env.DB), report.id) : [];
    if (report) draft.id = report.id;
    const html = await (<ArticlePreview report={draft} images={images} />).toString();
    return c.html(html, 200, { "cache-control": "no-store" });
  });
}

/** The step before an image is deleted, for a browser without script: the image, and the two answers. */
async function confirmImageDelete(c: Context<WebEnv>, reportId: string, attachmentId: string) {
  const db = database(c.env.DB);
  const report = await reportFor(db, c.get("actor"), reportId, "attachment.write");
  const items = await liveAttachments(db, report.id);
  const index = items.findIndex((i) => i.id === attachmentId);
  if (index < 0) return notFoundPage(c);
  const img = items[index]!;
  return page(
    c,
    "Xoá hình?",
    <>
      <h1>Xoá hình {index + 1}?</h1>
      <p>
        Báo cáo: <a href={`/app/reports/${report.id}`}>{report.title}</a>
      </p>
      <figure class="confirm-figure">
        <img src={`/app/reports/${report.id}/images/${img.id}`} alt="" class="fit" />
        <figcaption>
          Hình {index + 1}: {img.caption}
        </figcaption>
      </figure>
      <p>Hình sẽ bị gỡ khỏi báo cáo; các hình sau được đánh số lại (kiểm tra các dòng “[Hình N]” trong bài).</p>
      <form method="post" action={`/app/reports/${report.id}/images/${img.id}`} class="actions">
        <input type="hidden" name="_csrf" value={c.get("csrf")} />
        <input type="hidden" name="confirmed" value="1" />
        <button type="submit" name="action" value="delete" class="danger">
          Xoá hình {index + 1}
        </button>
        <a class="button secondary" href={`/app/reports/${report.id}#hinh-anh`}>
          Không xoá, quay lại
        </a>
      </form>
    </>,
  );
}

/** File and caption pairs on the report form: images added with the save, before the first one too. */
export const IMAGE_SLOTS = 3;
const slotNumbers = Array.from({ length: IMAGE_SLOTS }, (_, i) => i + 1);

const fileOf = (form: FormBody, n: number) => {
  const f = form[`image${n}`];
  return f instanceof File && f.size > 0 ? f : undefined;
};
const typedCaptions = (form: FormBody) => slotNumbers.map((n) => str(form, `caption${n}`));
const hasFiles = (form: FormBody) => slotNumbers.some((n) => fileOf(form, n));
const hasErrors = (errors: FieldErrors) => Object.keys(errors).length > 0;

/** Errors in the order of the fields on the page, so the summary reads top to bottom. */
function inFormOrder(errors: FieldErrors): FieldErrors {
  const order = [...Object.keys(LABELS), ...slotNumbers.flatMap((n) => [`image${n}`, `caption${n}`])];
  const rank = (k: string) => {
    const i = order.indexOf(k.split(".")[0]!);
    return i < 0 ? order.length : i;
  };
  return Object.fromEntries(Object.entries(errors).sort(([a], [b]) => rank(a) - rank(b)));
}

/** The form's image slots for a saved report, if the user may add images to it and it has room. */
function uploadSlots(c: Context<WebEnv>, report: ReportRow, existing: number) {
  if (!allows(c.get("actor"), "attachment.write", report)) return undefined;
  const slots = Math.min(IMAGE_SLOTS, MAX_ATTACHMENTS - existing);
  return slots > 0 ? { slots, existing } : undefined;
}

type ImageFailure = { caption: string; image?: string; captionError?: string };

/**
 * The images chosen on the report form, stored one by one through the upload route's service
 * (the same checks of content, size and count); each refusal is kept with its caption so that the
 * form can say it beside the field. A caption without a file is a mistake worth saying too.
 */
async function storeImages(c: Context<WebEnv>, reportId: string, form: FormBody): Promise<{ stored: number; failed: ImageFailure[] }> {
  let stored = 0;
  const failed: ImageFailure[] = [];
  for (const n of slotNumbers) {
    const file = fileOf(form, n);
    const typed = str(form, `caption${n}`);
    if (!file) {
      if (typed.trim()) failed.push({ caption: typed, image: "Chưa chọn hình cho chú thích này." });
      continue;
    }
    const caption = Caption.safeParse(typed);
    if (!caption.success) {
      failed.push({ caption: typed, image: "Hình chưa được tải lên: cần chú thích.", captionError: captionRefusal(caption.error.issues) });
      continue;
    }
    try {
      await addImage(c.env, c.get("actor"), reportId, file, caption.data);
      stored++;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      failed.push({ caption: typed, image: `${file.name ? `${file.name}: ` : ""}${err.errors?.[0]?.message ?? err.detail ?? err.message}` });
    }
  }
  return { stored, failed };
}

const uploadedText = (n: number) => (n > 0 ? ` Đã tải lên ${n} hình.` : "");

/** The saved report's form again, with each refused image beside its field (the report itself is saved). */
async function imagesRefused(c: Context<WebEnv>, report: ReportRow, saved: string, images: { stored: number; failed: ImageFailure[] }) {
  const db = database(c.env.DB);
  const items = await liveAttachments(db, report.id);
  const errors: FieldErrors = {};
  images.failed.forEach((f, i) => {
    if (f.image) errors[`image${i + 1}`] = f.image;
    if (f.captionError) errors[`caption${i + 1}`] = f.captionError;
  });
  const ctx = await figuresContextOf(c.env.DB, report);
  const uploads = { slots: Math.max(images.failed.length, Math.min(IMAGE_SLOTS, MAX_ATTACHMENTS - items.length)), existing: items.length, captions: images.failed.map((f) => f.caption) };
  return page(
    c,
    `Sửa: ${report.title}`,
    <>
      <h1>Sửa báo cáo</h1>
      <p class="notice" role="status">
        {saved}
        {uploadedText(images.stored)} {images.failed.length} hình chưa tải lên được: xem bên dưới, chọn lại rồi bấm “Lưu thay đổi”.
      </p>
      <ReportForm
        action={`/app/reports/${report.id}/edit`}
        csrf={c.get("csrf")}
        values={valuesOf(report)}
        errors={errors}
        version={report.version}
        creating={false}
        figures={ctx ? figuresForm(ctx, { stored: report }) : undefined}
        images={{ reportId: report.id, items }}
        corrects={report.publishedUrl !== null}
        uploads={uploads}
      />
    </>,
    422,
  );
}

/** A caption the shared rule refused (empty, too long, a line break or a control character), as a notice. */
function captionRefusal(issues: readonly { message: string; code: string }[]): string {
  const issue = issues[0];
  return !issue || issue.code === "too_small" ? "Ảnh cần có chú thích." : `Chú thích: ${issue.message}`;
}

export function Notice(props: { c: Context<WebEnv> }) {
  const notice = props.c.req.query("tb");
  if (!notice) return null;
  // A refusal looks like an error (the error box, announced at once); news is a quiet status line.
  return props.c.req.query("loi") ? (
    <div class="errors" role="alert">
      <p>{notice}</p>
    </div>
  ) : (
    <p class="notice" role="status">
      {notice}
    </p>
  );
}
