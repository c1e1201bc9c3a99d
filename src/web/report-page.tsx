/** @jsxImportSource hono/jsx */
// One report's page: who sent it and when, where it stands and how long the stage has left, what
// it says, what changed, the decision (after the article: a reviewer reads before deciding), who
// did what, and the actions the viewer may take. `?in=1` is the same report as a "phiếu trình",
// the sheet an office prints and files: the article, the figures and the full history, no menu.
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import { WORKFLOWS, type ReportKind } from "../../workflows";
import { database } from "../db/client";
import { allows } from "../domain/policy";
import { diffRevisions } from "../domain/revision-diff";
import { ApiError } from "../errors";
import { viDateTime } from "../portal/format";
import { plainText } from "../portal/plain";
import { SITE_NAME, toDocument } from "../portal/views/layout";
import { ASSET_URLS } from "../assets.gen";
import { workingCalendarOf } from "../queries/calendar";
import { liveAttachments, type AttachmentRow, type ReportRow } from "../queries/reports";
import { history, lastReturnedBy, revisionContent, type HistoryRow } from "../queries/review";
import { stageAssignment } from "../services/assignment-options";
import { figuresContextOf } from "../services/period-reports";
import { reportFor } from "../services/report-access";
import { page } from "./render";
import { Notice } from "./reports";
import type { WebEnv } from "./session";
import { notFoundPage } from "./not-found";
import { ArticlePreview, DiffView, Glossary, History, StatusBadge, timeLeftText } from "./views/report-detail";
import { FiguresTable } from "./views/figures";
import { AssignmentPanel } from "./views/assignment";
import { REVIEWER_ROLES, signedFor } from "../domain/roles";

type Facts = {
  report: ReportRow;
  kindLabel: string;
  authorName: string | null;
  submittedAt: string | null;
  stageLabel: string | null;
  due: { at: string; left: { text: string; overdue: boolean } } | null;
};

/** The header every reviewer asks first: from which unit, by whom, sent when, at which step, due when. */
function ReportFacts(props: { f: Facts; print?: boolean }) {
  const { f } = props;
  return (
    <dl class="facts report-facts">
      <dt>Đơn vị gửi</dt>
      <dd>{f.report.unitName || "—"}</dd>
      <dt>Người soạn</dt>
      <dd>{f.authorName ?? "—"}</dd>
      <dt>Loại</dt>
      <dd>{f.kindLabel}</dd>
      <dt>Trình lúc</dt>
      <dd>{f.submittedAt ? viDateTime(f.submittedAt) : "Chưa trình"}</dd>
      <dt>Tình trạng</dt>
      <dd>
        <StatusBadge status={f.report.status} />
        {f.due?.left.overdue ? (
          <>
            {" "}
            <StatusBadge status="in_review" overdue />
          </>
        ) : null}{" "}
        · Phiên bản {f.report.revision || "chưa trình"}
      </dd>
      {f.stageLabel ? (
        <>
          <dt>Bước hiện tại</dt>
          <dd>
            <strong>{f.stageLabel}</strong>
          </dd>
        </>
      ) : null}
      {f.due ? (
        <>
          <dt>Hạn xử lý</dt>
          <dd>
            {viDateTime(f.due.at)}{" "}
            <span class={f.due.left.overdue ? "time-left overdue-text" : "time-left"}>({f.due.left.text})</span>
          </dd>
        </>
      ) : null}
      {props.print ? (
        <>
          <dt>In lúc</dt>
          <dd>{viDateTime(new Date().toISOString())}</dd>
        </>
      ) : null}
    </dl>
  );
}

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
  const inReview = report.status === "in_review" && report.stageDueAt !== null;
  const [images, events, figures, author, calendar] = await Promise.all([
    liveAttachments(db, id),
    history(c.env.DB, id),
    figuresContextOf(c.env.DB, report),
    c.env.DB.prepare("SELECT name FROM users WHERE id = ?").bind(report.authorId).first<{ name: string }>(),
    inReview ? workingCalendarOf(c.env.DB) : Promise.resolve(null),
  ]);
  const def = WORKFLOWS[report.kind as ReportKind];
  const stageLabel = (s: string | null) => (s ? (def?.stages.find((x) => x.id === s)?.label ?? s) : null);
  const stage = report.stage ? def?.stages.find((s) => s.id === report.stage) : undefined;
  // The latest "Trình" (a resubmission after a return is what the reviewer now has in hand).
  const lastSubmit = [...events].reverse().find((e) => e.action === "submit");
  const facts: Facts = {
    report,
    kindLabel: def?.label ?? report.kind,
    authorName: author?.name ?? null,
    submittedAt: lastSubmit?.created_at ?? report.submittedAt,
    stageLabel: report.status === "in_review" && stage ? stage.label : null,
    due: inReview && calendar ? { at: report.stageDueAt!, left: timeLeftText(calendar, new Date().toISOString(), report.stageDueAt!) } : null,
  };
  const figureTable =
    figures && report.figures ? (
      <FiguresTable
        set={figures.set}
        period={figures.period}
        figures={report.figures}
        notes={report.figureNotes}
        previous={{ title: figures.previous?.previousTitle ?? null, figures: figures.previous?.previous ?? null }}
        checks={figures.checks}
      />
    ) : null;

  if (c.req.query("in") === "1") return printSheet(c, facts, images, events, stageLabel, figureTable);

  const csrf = c.get("csrf");
  const roles = actor.grants.map((g) => g.role);
  const reviewer = roles.some((r) => (REVIEWER_ROLES as readonly string[]).includes(r));
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

  // What the reviewers said last time it came back: shown where the author works.
  const lastReturn = [...events].reverse().find((e) => e.action === "return");
  const showReturn = lastReturn && (report.status === "returned" || (report.revision > lastReturn.revision && report.status !== "published"));

  // A reviewer sees what changed since the revision they returned, or since the previous one:
  // the body compared as it reads (rendered, then plain text), word by word, not its Markdown.
  let diff = null;
  if (report.revision >= 2) {
    const returned = await lastReturnedBy(c.env.DB, id, actor.id);
    const from = returned !== null && returned < report.revision ? returned : report.revision - 1;
    const [a, b] = await Promise.all([revisionContent(c.env.DB, id, from), revisionContent(c.env.DB, id, report.revision)]);
    if (a && b) {
      const d = diffRevisions(a.content, b.content, plainText);
      diff = { from, to: report.revision, ...d, formattingOnly: !d.bodyChanged && String(a.content.body ?? "") !== String(b.content.body ?? "") };
    }
  }
  const order = images.map((i) => i.id).join(",");

  const decision =
    canDecide && stage ? (
      <section class="card decision" aria-labelledby="quyet-dinh">
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
            Ý kiến xử lý <span class="hint">(bắt buộc khi trả lại)</span>
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
    ) : null;

  return page(
    c,
    report.title,
    <>
      <p class="back-links">
        {reviewer ? <a href="/app/inbox">← Về hộp thư</a> : <a href="/app/reports">← Danh sách báo cáo</a>}
      </p>
      <header class="sheet-head print-only">
        <p class="sheet-org">{SITE_NAME.toUpperCase()}</p>
        <p class="sheet-org">PHIẾU TRÌNH</p>
      </header>
      <h1>{report.title}</h1>
      <Notice c={c} />
      <section class="card report-head" aria-labelledby="thong-tin">
        <h2 id="thong-tin" class="visually-hidden">
          Thông tin báo cáo
        </h2>
        <ReportFacts f={facts} />
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
        {def ? <p class="hint flow-line">Quy trình: {def.stages.map((s) => s.label).join(" → ")}</p> : null}
        <Glossary />
      </section>

      {showReturn && lastReturn ? (
        <div class="returned-note" role="note" aria-label="Ý kiến xử lý khi trả lại">
          <p>
            <strong>
              Ý kiến xử lý của {lastReturn.actor_name} ({stageLabel(lastReturn.stage)}), {viDateTime(lastReturn.created_at)}:
            </strong>
          </p>
          <p>{lastReturn.comment}</p>
        </div>
      ) : null}

      <div class="actions page-actions">
        {editable ? (
          <a class="button secondary" href={`/app/reports/${id}/edit`}>
            Sửa nội dung
          </a>
        ) : null}
        {canSubmit ? (
          <form method="post" action={`/app/reports/${id}/submit`} class="inline">
            <input type="hidden" name="_csrf" value={csrf} />
            <button type="submit">{report.revision > 0 ? "Trình lại" : "Trình"}</button>
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
        <a class="button secondary" href={`/app/reports/${id}?in=1`}>
          In phiếu trình
        </a>
      </div>

      {report.publishedUrl && report.correctionNote ? (
        <section class="correction-note" aria-labelledby="dinh-chinh">
          <h2 id="dinh-chinh">Nội dung đính chính (bạn đọc sẽ thấy)</h2>
          <p>{report.correctionNote}</p>
        </section>
      ) : null}

      <div class={decision ? "review-layout" : "single-layout"}>
        <div class="review-main">
          <section aria-labelledby="noi-dung-bai">
            <h2 id="noi-dung-bai">Nội dung</h2>
            <ArticlePreview report={report} images={images} />
          </section>
          {figureTable}
          {diff ? <DiffView {...diff} figureSet={figures?.set ?? null} /> : null}
        </div>
        {decision ? <div class="decision-bar">{decision}</div> : null}
      </div>

      {canUnpublish ? (
        <section class="card unpublish" aria-labelledby="go-bai">
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

      <section aria-labelledby="hinh-anh" class="image-manage">
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

      <section aria-labelledby="lich-su" class="history">
        <h2 id="lich-su">Lịch sử xử lý</h2>
        <History rows={events} stageLabel={stageLabel} />
      </section>
    </>,
  );
}

/**
 * The "phiếu trình": the report alone on a sheet, as the office files it. Its own small document
 * rather than the app's shell, so that neither the menu nor any form is there to hide; the print
 * stylesheet (app.css) does the same for the ordinary page when it is printed as it is.
 */
async function printSheet(
  c: Context<WebEnv>,
  f: Facts,
  images: AttachmentRow[],
  events: HistoryRow[],
  stageLabel: (id: string | null) => string | null,
  figureTable: Child,
): Promise<Response> {
  const r = f.report;
  const html = await toDocument(
    <html lang="vi">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`Phiếu trình: ${r.title} — Sở GD&ĐT`}</title>
        <link rel="stylesheet" href={ASSET_URLS.appCss} />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <script src={ASSET_URLS.appJs} defer></script>
      </head>
      <body class="print-view">
        <main id="noi-dung" class="print-sheet">
          <nav class="print-tools actions" aria-label="Bản in">
            <a href={`/app/reports/${r.id}`}>← Về trang báo cáo</a>
            <button type="button" data-print="" hidden>
              In phiếu trình
            </button>
          </nav>
          <header class="sheet-head">
            <p class="sheet-org">{SITE_NAME.toUpperCase()}</p>
            <h1>PHIẾU TRÌNH</h1>
            <p class="sheet-title">{r.title}</p>
          </header>
          <ReportFacts f={f} print />
          <section aria-labelledby="noi-dung-bai">
            <h2 id="noi-dung-bai">Nội dung</h2>
            <ArticlePreview report={r} images={images} />
          </section>
          {figureTable}
          {r.publishedUrl && r.correctionNote ? (
            <section aria-labelledby="dinh-chinh">
              <h2 id="dinh-chinh">Nội dung đính chính</h2>
              <p>{r.correctionNote}</p>
            </section>
          ) : null}
          <section aria-labelledby="lich-su" class="history">
            <h2 id="lich-su">Lịch sử xử lý và ý kiến</h2>
            {events.length ? <History rows={events} stageLabel={stageLabel} /> : <p>Chưa có.</p>}
          </section>
        </main>
      </body>
    </html>,
  );
  return c.html(html, 200, { "cache-control": "no-store" });
}
