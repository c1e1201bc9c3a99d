/** @jsxImportSource hono/jsx */
// One report's page: what it says, where it stands, what changed, who did what, and the actions
// the viewer may take (edit, images, submit, withdraw, decide, unpublish).
import type { Context } from "hono";
import { WORKFLOWS, type ReportKind } from "../../workflows";
import { database } from "../db/client";
import { allows } from "../domain/policy";
import { diffRevisions } from "../domain/revision-diff";
import { ApiError } from "../errors";
import { viDateTime } from "../portal/format";
import { liveAttachments } from "../queries/reports";
import { history, lastReturnedBy, revisionContent } from "../queries/review";
import { stageAssignment } from "../services/assignment-options";
import { figuresContextOf } from "../services/period-reports";
import { reportFor } from "../services/report-access";
import { page } from "./render";
import { Notice } from "./reports";
import type { WebEnv } from "./session";
import { notFoundPage } from "./not-found";
import { ArticlePreview, DiffView, History, StatusBadge } from "./views/report-detail";
import { FiguresTable } from "./views/figures";
import { AssignmentPanel } from "./views/assignment";
import { signedFor } from "../domain/roles";

export async function showReport(c: Context<WebEnv>, id: string): Promise<Response> {
  const actor = c.get("actor");
  const db = database(c.env.DB);
  let report;
  try {
    report = await reportFor(db, actor, id, "report.read");
  } catch (err) {
    if (err instanceof ApiError && err.code === "not_found") return notFoundPage(c);
    throw err;
  }
  const [images, events, figures] = await Promise.all([liveAttachments(db, id), history(c.env.DB, id), figuresContextOf(c.env.DB, report)]);
  const def = WORKFLOWS[report.kind as ReportKind];
  const stageLabel = (s: string | null) => (s ? (def?.stages.find((x) => x.id === s)?.label ?? s) : null);
  const stage = report.stage ? def?.stages.find((s) => s.id === report.stage) : undefined;
  const csrf = c.get("csrf");
  const roles = actor.grants.map((g) => g.role);
  // Who has the stage, and whether the caller may decide it (their own, their delegator's, or open to them).
  const assignment = await stageAssignment(c.env, actor, report, events);
  // The policy table carries the editable states.
  const editable = allows(actor, "report.update", report);
  const canSubmit = allows(actor, "report.submit", report);
  const canWithdraw = allows(actor, "report.withdraw", report);
  const canDecide = report.status === "in_review" && stage !== undefined && assignment?.decide != null;
  // A reviewer of the stage who may not decide it is told who has it, rather than shown nothing.
  const heldElsewhere = !canDecide && assignment?.assignee && !assignment.mine && roles.includes(assignment.stage.role) ? assignment.assignee : null;
  const onBehalfOf = assignment?.decide?.onBehalfOf ?? null;
  const canUnpublish = allows(actor, "report.unpublish", report);
  const overdue = report.status === "in_review" && report.stageDueAt !== null && report.stageDueAt < new Date().toISOString();

  // What the reviewers said last time it came back: shown where the author works.
  const lastReturn = [...events].reverse().find((e) => e.action === "return");
  const showReturn = lastReturn && (report.status === "returned" || (report.revision > lastReturn.revision && report.status !== "published"));

  // A reviewer sees what changed since the revision they returned, or since the previous one.
  let diff = null;
  if (report.revision >= 2) {
    const returned = await lastReturnedBy(c.env.DB, id, actor.id);
    const from = returned !== null && returned < report.revision ? returned : report.revision - 1;
    const [a, b] = await Promise.all([revisionContent(c.env.DB, id, from), revisionContent(c.env.DB, id, report.revision)]);
    if (a && b) diff = { from, to: report.revision, ...diffRevisions(a.content, b.content) };
  }
  const order = images.map((i) => i.id).join(",");

  return page(
    c,
    report.title,
    <>
      <p>
        <a href="/app/reports">← Danh sách báo cáo</a>
      </p>
      <h1>{report.title}</h1>
      <Notice c={c} />
      <div class="card">
        <p>
          <StatusBadge status={report.status} /> {overdue ? <StatusBadge status="in_review" overdue /> : null} · {def?.label} · Phiên bản {report.revision || "chưa gửi"}
        </p>
        {report.status === "in_review" && stage ? (
          <p>
            Đang ở bước <strong>{stage.label}</strong>, hạn xử lý {report.stageDueAt ? viDateTime(report.stageDueAt) : ""}.
          </p>
        ) : null}
        {report.publishedUrl && report.status !== "unpublished" ? (
          <p>
            Bài đăng: <a href={report.publishedUrl}>{report.publishedUrl}</a>
          </p>
        ) : null}
        {assignment ? <AssignmentPanel reportId={id} a={assignment} csrf={csrf} actorId={actor.id} /> : null}
        {heldElsewhere && stage ? (
          <p class="hint" role="note">
            Bước {stage.label} đang do {heldElsewhere.name} xử lý: chỉ người được giao (hoặc người ký thay) quyết định.
          </p>
        ) : null}
        {def ? <p class="hint">Quy trình: {def.stages.map((s) => s.label).join(" → ")}</p> : null}
      </div>

      {showReturn && lastReturn ? (
        <div class="returned-note" role="note" aria-label="Ý kiến khi trả lại">
          <p>
            <strong>
              Ý kiến của {lastReturn.actor_name} ({stageLabel(lastReturn.stage)}), {viDateTime(lastReturn.created_at)}:
            </strong>
          </p>
          <p>{lastReturn.comment}</p>
        </div>
      ) : null}

      <div class="actions">
        {editable ? (
          <a class="button secondary" href={`/app/reports/${id}/edit`}>
            Sửa nội dung
          </a>
        ) : null}
        {canSubmit ? (
          <form method="post" action={`/app/reports/${id}/submit`} class="inline">
            <input type="hidden" name="_csrf" value={csrf} />
            <button type="submit">{report.revision > 0 ? "Gửi lại để thẩm định" : "Gửi thẩm định"}</button>
          </form>
        ) : null}
        {canWithdraw ? (
          <form method="post" action={`/app/reports/${id}/withdraw`} class="inline" data-confirm="Rút báo cáo về đơn vị?">
            <input type="hidden" name="_csrf" value={csrf} />
            <button type="submit" class="secondary">
              Rút lại
            </button>
          </form>
        ) : null}
      </div>

      {canDecide && stage ? (
        <section class="card" aria-labelledby="quyet-dinh">
          <h2 id="quyet-dinh" class="mt0">
            Thẩm định — bước {stage.label}
          </h2>
          {onBehalfOf ? (
            <p class="notice on-behalf" role="note">
              Bạn quyết định thay {onBehalfOf.name}: lịch sử ghi “{signedFor(stage.role)}: {actor.name}”.
            </p>
          ) : null}
          <form method="post" action={`/app/reports/${id}/decide`}>
            <input type="hidden" name="_csrf" value={csrf} />
            <input type="hidden" name="stage" value={stage.id} />
            <input type="hidden" name="version" value={String(report.version)} />
            <label for="comment">
              Ý kiến <span class="hint">(bắt buộc khi trả lại)</span>
            </label>
            <textarea id="comment" name="comment"></textarea>
            <div class="actions">
              <button type="submit" name="action" value="approve">
                Duyệt
              </button>
              <button type="submit" name="action" value="return" class="danger">
                Trả lại cho đơn vị
              </button>
            </div>
          </form>
        </section>
      ) : null}

      {canUnpublish ? (
        <section class="card" aria-labelledby="go-bai">
          <h2 id="go-bai" class="mt0">
            Gỡ bài khỏi cổng thông tin
          </h2>
          <form method="post" action={`/app/reports/${id}/unpublish`} data-confirm="Gỡ bài này khỏi cổng thông tin?">
            <input type="hidden" name="_csrf" value={csrf} />
            <label for="reason">Lý do (hiển thị công khai tại địa chỉ của bài)</label>
            <textarea id="reason" name="reason" required minlength={5}></textarea>
            <div class="actions">
              <button type="submit" class="danger">
                Gỡ bài
              </button>
            </div>
          </form>
        </section>
      ) : null}

      {diff ? <DiffView {...diff} figureSet={figures?.set ?? null} /> : null}

      {figures && report.figures ? (
        <FiguresTable
          set={figures.set}
          period={figures.period}
          figures={report.figures}
          notes={report.figureNotes}
          previous={{ title: figures.previous?.previousTitle ?? null, figures: figures.previous?.previous ?? null }}
          checks={figures.checks}
        />
      ) : null}

      {report.publishedUrl && report.correctionNote ? (
        <section class="correction-note" aria-labelledby="dinh-chinh">
          <h2 id="dinh-chinh">Nội dung đính chính (bạn đọc sẽ thấy)</h2>
          <p>{report.correctionNote}</p>
        </section>
      ) : null}

      <h2>Nội dung</h2>
      <ArticlePreview report={report} images={images} />

      <section aria-labelledby="hinh-anh">
        <h2 id="hinh-anh">Hình ảnh ({images.length})</h2>
        {images.length === 0 ? <p>Chưa có ảnh.</p> : null}
        <ol class="images plain-list">
          {images.map((img, i) => (
            <li>
              <img src={`/app/reports/${id}/images/${img.id}`} alt={img.caption} />
              <div class="grow">
                <p>
                  Hình {i + 1}: {img.caption}
                </p>
                {editable ? (
                  <form method="post" action={`/app/reports/${id}/images/${img.id}`}>
                    <input type="hidden" name="_csrf" value={csrf} />
                    <input type="hidden" name="order" value={order} />
                    <label for={`caption-${img.id}`}>Chú thích hình {i + 1}</label>
                    <input id={`caption-${img.id}`} name="caption" type="text" value={img.caption} />
                    <div class="actions">
                      <button type="submit" name="action" value="caption" class="secondary">
                        Lưu chú thích
                      </button>
                      {i > 0 ? (
                        <button type="submit" name="action" value="up" class="secondary" aria-label={`Chuyển hình ${i + 1} lên`}>
                          ↑ Lên
                        </button>
                      ) : null}
                      {i < images.length - 1 ? (
                        <button type="submit" name="action" value="down" class="secondary" aria-label={`Chuyển hình ${i + 1} xuống`}>
                          ↓ Xuống
                        </button>
                      ) : null}
                      <button type="submit" name="action" value="delete" class="danger" aria-label={`Xoá hình ${i + 1}`}>
                        Xoá
                      </button>
                    </div>
                  </form>
                ) : null}
              </div>
            </li>
          ))}
        </ol>
        {editable ? (
          <form method="post" action={`/app/reports/${id}/images`} enctype="multipart/form-data" class="card">
            <input type="hidden" name="_csrf" value={csrf} />
            <label for="file">Thêm ảnh (JPEG, PNG hoặc WebP, tối đa 10 MB)</label>
            <input id="file" name="file" type="file" accept="image/jpeg,image/png,image/webp" required />
            <label for="caption">Chú thích</label>
            <input id="caption" name="caption" type="text" required maxlength={500} />
            <div class="actions">
              <button type="submit">Tải ảnh lên</button>
            </div>
          </form>
        ) : null}
      </section>

      <section aria-labelledby="lich-su">
        <h2 id="lich-su">Lịch sử xử lý</h2>
        <History rows={events} stageLabel={stageLabel} />
      </section>
    </>,
  );
}
