/** @jsxImportSource hono/jsx */
// Pages for a unit's reports: list by status, create and edit drafts, images, submit, withdraw.
import type { Context, Hono } from "hono";
import { WORKFLOWS, REPORT_KINDS, type ReportKind } from "../../workflows";
import { database } from "../db/client";
import { mayDo } from "../domain/policy";
import { ApiError } from "../errors";
import { getAttachment } from "../queries/attachments";
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
import { apiErrorToFields, attendeesText, issuesToFields, readForm, reportFields, str, viNumberInput, type FormBody } from "./forms";
import { page, seeOther } from "./render";
import { webSession, type WebEnv } from "./session";
import { notFoundPage } from "./not-found";
import { ReportForm, type ReportFormValues } from "./views/report-form";
import { figureText, type FiguresFormProps } from "./views/figures";
import { ArticlePreview, type PreviewContent } from "./views/report-detail";
import type { FieldErrors } from "./views/shell";
import { showReport } from "./report-page";
import { reportList } from "./report-list";

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

const VN_OFFSET_MS = 7 * 3600_000;

function valuesOf(r: ReportRow): ReportFormValues {
  return {
    kind: r.kind,
    title: r.title,
    summary: r.summary ?? "",
    body: r.body,
    eventDate: r.eventDate ?? "",
    location: r.location ?? "",
    attendees: attendeesText(r.attendees),
    sourceUrl: r.sourceUrl ?? "",
    publishAt: r.publishAt ? new Date(Date.parse(r.publishAt) + VN_OFFSET_MS).toISOString().slice(0, 16) : "",
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
    return page(c, "Tạo báo cáo", <><h1>Tạo báo cáo: {WORKFLOWS[kind].label}</h1><ReportForm action="/app/reports/new" csrf={c.get("csrf")} values={values} errors={{}} creating figures={figures} /></>);
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
    const again = (errors: FieldErrors) =>
      page(c, "Tạo báo cáo", <><h1>Tạo báo cáo: {WORKFLOWS[kind].label}</h1><ReportForm action="/app/reports/new" csrf={c.get("csrf")} values={typedValues(form, kind)} errors={errors} creating figures={ctx ? figuresForm(ctx, { typed: form }) : undefined} /></>, 422);
    const parsed = CreateReport.safeParse({ kind, ...(periodId ? { periodId } : {}), ...reportFields(form, false) });
    if (!parsed.success) return again(issuesToFields(parsed.error.issues));
    try {
      const row = await createDraft(c.env.DB, c.get("actor"), parsed.data);
      if (await needsNotes(c.env.DB, row)) return seeOther(c, `/app/reports/${row.id}/edit#figures`, NOTES_NEEDED);
      return seeOther(c, `/app/reports/${row.id}`, "Đã lưu bản nháp.");
    } catch (err) {
      if (err instanceof ApiError && err.code === "validation_failed") return again(apiErrorToFields(err));
      throw err;
    }
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
    return page(c, `Sửa: ${report.title}`, <><h1>Sửa báo cáo</h1><Notice c={c} /><ReportForm action={`/app/reports/${report.id}/edit`} csrf={c.get("csrf")} values={valuesOf(report)} errors={{}} version={report.version} creating={false} figures={figures} images={images} corrects={report.publishedUrl !== null} /></>);
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
      return page(c, "Sửa báo cáo", <><h1>Sửa báo cáo</h1><ReportForm action={`/app/reports/${id}/edit`} csrf={c.get("csrf")} values={typedValues(form, kind)} errors={errors} version={version} creating={false} figures={figures} corrects={report.publishedUrl !== null} /></>, 422);
    };
    const parsed = UpdateReport.safeParse(reportFields(form, true));
    if (!parsed.success) return again(issuesToFields(parsed.error.issues));
    try {
      const saved = await editReport(c.env.DB, c.get("actor"), id, version, parsed.data);
      if (await needsNotes(c.env.DB, saved)) return seeOther(c, `/app/reports/${id}/edit#figures`, NOTES_NEEDED);
      return seeOther(c, `/app/reports/${id}`, "Đã lưu thay đổi.");
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
      return seeOther(c, `/app/reports/${id}#hinh-anh`, "Đã tải ảnh lên.");
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
        await removeImage(c.env.DB, actor, id, aid);
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
