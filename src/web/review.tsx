/** @jsxImportSource hono/jsx */
// Reviewers' pages: the inbox, decisions, unpublishing.
import type { Hono } from "hono";
import { viDateTime } from "../portal/format";
import { inbox, stageLabel } from "../queries/review";
import { cursorCodec, pageOf } from "../routes/shared";
import { Decision } from "../routes/review/decide";
import { Unpublish } from "../routes/review/unpublish";
import { decideReport, unpublishReport } from "../services/review";
import { noteBookmark } from "../middleware/d1-session";
import { issuesToFields, readForm, str } from "./forms";
import { page, seeOther } from "./render";
import { Notice } from "./reports";
import { webSession, type WebEnv } from "./session";
import { refusal } from "./refusal";
import { StatusBadge } from "./views/report-detail";

const DECISION_LABELS: Record<string, string> = { stage: "Bước", comment: "Ý kiến", action: "Quyết định" };

/** A schema's refusal as one line of notice, "Ý kiến: Tối đa 5000 ký tự". */
const fieldsNotice = (issues: Parameters<typeof issuesToFields>[0], labels: Record<string, string>) =>
  Object.entries(issuesToFields(issues))
    .map(([field, message]) => `${labels[field] ?? field}: ${message}`)
    .join("; ");

export function registerWebReview(app: Hono<WebEnv>) {
  const auth = webSession();

  app.get("/app/inbox", auth, async (c) => {
    const after = cursorCodec.decodeOrFirst(c.req.query("cursor"));
    const rows = await inbox(c.env.DB, c.get("actor"), { after, limit: 25 });
    const list = pageOf(rows, 25, (r) => [r.stage_due_at, r.id]);
    const now = new Date().toISOString();
    return page(
      c,
      "Chờ thẩm định",
      <>
        <h1>Báo cáo chờ bạn thẩm định</h1>
        <Notice c={c} />
        {list.items.length === 0 ? <p>Không có báo cáo nào đang chờ bạn.</p> : null}
        {list.items.length ? (
          <table class="responsive">
            <thead>
              <tr>
                <th scope="col">Hạn xử lý</th>
                <th scope="col">Tiêu đề</th>
                <th scope="col">Đơn vị</th>
                <th scope="col">Bước</th>
                <th scope="col">Phiên bản</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((r) => (
                <tr>
                  <td data-label="Hạn xử lý">
                    {viDateTime(r.stage_due_at)} {r.stage_due_at < now ? <StatusBadge status="in_review" overdue /> : null}
                  </td>
                  <td data-label="Tiêu đề">
                    <a href={`/app/reports/${r.id}`}>{r.title}</a>
                  </td>
                  <td data-label="Đơn vị">{r.unit_name}</td>
                  <td data-label="Bước">{stageLabel(r.kind, r.stage)}</td>
                  <td data-label="Phiên bản">{r.revision}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {list.nextCursor ? (
          <p>
            <a href={`/app/inbox?cursor=${encodeURIComponent(list.nextCursor)}`}>Xem thêm</a>
          </p>
        ) : null}
      </>,
    );
  });

  app.post("/app/reports/:id/decide", auth, async (c) => {
    const id = c.req.param("id");
    const form = await readForm(c);
    const action = str(form, "action") === "return" ? "return" : "approve";
    // The API's schema, so the page and the API take the same stage ids and comments.
    const decision = Decision.safeParse({ action, stage: str(form, "stage"), ...(str(form, "comment").trim() ? { comment: str(form, "comment") } : {}) });
    if (!decision.success) return seeOther(c, `/app/reports/${id}`, `Không thực hiện được: ${fieldsNotice(decision.error.issues, DECISION_LABELS)}`, "error");
    const version = Number(str(form, "version")) || undefined;
    try {
      const view = await decideReport(c.env, c.get("actor"), id, decision.data, version);
      noteBookmark(c, view.bookmark);
      const done = action === "return" ? "Đã trả lại báo cáo cho đơn vị." : view.stage ? `Đã duyệt; chuyển bước ${view.stage.label}.` : "Đã duyệt bước cuối.";
      return seeOther(c, "/app/inbox", done);
    } catch (err) {
      return refusal(c, err, `/app/reports/${id}`);
    }
  });

  app.post("/app/reports/:id/unpublish", auth, async (c) => {
    const id = c.req.param("id");
    const form = await readForm(c);
    const parsed = Unpublish.safeParse({ reason: str(form, "reason") });
    if (!parsed.success) {
      const short = parsed.error.issues.some((i) => i.code === "too_small");
      return seeOther(c, `/app/reports/${id}`, short ? "Cần nêu lý do gỡ bài (ít nhất 5 ký tự)." : `Không thực hiện được: ${fieldsNotice(parsed.error.issues, { reason: "Lý do" })}`, "error");
    }
    try {
      noteBookmark(c, (await unpublishReport(c.env, c.get("actor"), id, parsed.data.reason)).bookmark);
      return seeOther(c, `/app/reports/${id}`, "Đã gỡ bài khỏi cổng thông tin.");
    } catch (err) {
      return refusal(c, err, `/app/reports/${id}`);
    }
  });
}
