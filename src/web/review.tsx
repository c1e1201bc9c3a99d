/** @jsxImportSource hono/jsx */
// Reviewers' pages: the inbox (mine, unassigned, all), assignment, decisions, unpublishing.
import type { Hono } from "hono";
import { viDateTime } from "../portal/format";
import { database } from "../db/client";
import { inbox, INBOX_SCOPES, stageLabel, type InboxFilter, type InboxRow, type InboxScope } from "../queries/review";
import { inboxCounts } from "../queries/review-queue-counts";
import { searchExpression } from "../queries/report-search";
import { unitFilterOf } from "./unit-filter";
import { cursorCodec, pageOf } from "../routes/shared";
import { Decision } from "../routes/review/decide";
import { Unpublish } from "../routes/review/unpublish";
import { decideReport, unpublishReport } from "../services/review";
import { assignReport } from "../services/assignment";
import { noteBookmark } from "../middleware/d1-session";
import { issuesToFields, readForm, str } from "./forms";
import { page, seeOther } from "./render";
import { Notice } from "./reports";
import { webSession, type WebEnv } from "./session";
import { refusal } from "./refusal";
import { StatusBadge } from "./views/report-detail";
import { FilterForm, filterQuery, NoMatch, parseFilters } from "./views/list-filters";

const DECISION_LABELS: Record<string, string> = { stage: "Bước", comment: "Ý kiến", action: "Quyết định" };

/** A schema's refusal as one line of notice, "Ý kiến: Tối đa 5000 ký tự". */
const fieldsNotice = (issues: Parameters<typeof issuesToFields>[0], labels: Record<string, string>) =>
  Object.entries(issuesToFields(issues))
    .map(([field, message]) => `${labels[field] ?? field}: ${message}`)
    .join("; ");

const SCOPE_TABS: Record<InboxScope, { label: string; empty: string }> = {
  mine: { label: "Việc của tôi", empty: "Không có báo cáo nào giao cho bạn hay đang chờ người nhận." },
  unassigned: { label: "Chưa phân công", empty: "Không có báo cáo nào chưa phân công." },
  all: { label: "Tất cả", empty: "Không có báo cáo nào đang chờ ở các bước bạn phụ trách." },
};

/** A tab's count, read with a page of 99: more than that is "99+" (nobody needs the exact figure). */
const COUNT_CAP = 99;
const countText = (n: number) => (n > COUNT_CAP ? `${COUNT_CAP}+` : String(n));

export function registerWebReview(app: Hono<WebEnv>) {
  const auth = webSession();

  app.get("/app/inbox", auth, async (c) => {
    const actor = c.get("actor");
    const scope = INBOX_SCOPES.find((s) => s === c.req.query("scope")) ?? "mine";
    const after = cursorCodec.decodeOrFirst(c.req.query("cursor"));
    const f = parseFilters((n) => c.req.query(n), await unitFilterOf(database(c.env.DB), actor, (n) => c.req.query(n)));
    // The search words as the API's search reads them (diacritics and đ folded), scoped to the
    // caller's subtrees; words that leave nothing to match find nothing.
    const match = f.q ? searchExpression(actor, f.q, f.unitId) : undefined;
    const filter: InboxFilter = { kind: f.kind, unitId: f.unitId, submittedFrom: f.fromIso, submittedBefore: f.beforeIso, sort: f.sort, ...(match ? { match } : {}) };
    const none = f.q !== undefined && match === null;
    // Unfiltered, the review queue's cells give the counts where they tell this caller's inbox
    // (one small read; review-queue-counts.ts), and the page is read on its own. Otherwise the tabs
    // count under the same filters, so a tab's figure is what opening it shows (inbox() returns one
    // row past its limit, to tell "99+" from 99), and the first page of the open tab is the start
    // of its count (26 rows: a page and the one that says there is more).
    const cells = f.active ? null : await inboxCounts(c.env.DB, actor);
    let counts: Record<InboxScope, number>;
    let rows: InboxRow[];
    if (cells) {
      counts = cells;
      rows = await inbox(c.env.DB, actor, { after, limit: 25, scope, filter });
    } else {
      const counted = none ? INBOX_SCOPES.map(() => []) : await Promise.all(INBOX_SCOPES.map((s) => inbox(c.env.DB, actor, { limit: COUNT_CAP, scope: s, filter })));
      rows = none ? [] : after ? await inbox(c.env.DB, actor, { after, limit: 25, scope, filter }) : counted[INBOX_SCOPES.indexOf(scope)]!.slice(0, 26);
      counts = Object.fromEntries(INBOX_SCOPES.map((s, i) => [s, counted[i]!.length])) as Record<InboxScope, number>;
    }
    const list = pageOf(rows, 25, (r) => (f.sort === "new" ? [r.submitted_at ?? "", r.id] : [r.stage_due_at, r.id]));
    const now = new Date().toISOString();
    const qs = filterQuery(f.values, { scope }, ["status"]);
    return page(
      c,
      "Chờ thẩm định",
      <>
        <h1>Báo cáo chờ bạn thẩm định</h1>
        <Notice c={c} />
        <nav aria-label="Phạm vi">
          <ul class="tabs inbox-tabs">
            {INBOX_SCOPES.map((s) => (
              <li>
                <a href={`/app/inbox?${filterQuery(f.values, { scope: s }, ["status"])}`} aria-current={s === scope ? "page" : undefined}>
                  {SCOPE_TABS[s].label} ({countText(counts[s])})
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <FilterForm action="/app/inbox" parsed={f} statuses={false} dateHint="Ngày gửi" sortable hidden={{ scope }} />
        {list.items.length === 0 ? f.active ? <NoMatch what="báo cáo" clearHref={`/app/inbox?scope=${scope}`} /> : <p>{SCOPE_TABS[scope].empty}</p> : null}
        {list.items.length ? (
          <table class="responsive">
            <thead>
              <tr>
                <th scope="col">Hạn xử lý</th>
                <th scope="col">Tiêu đề</th>
                <th scope="col">Đơn vị</th>
                <th scope="col">Gửi lúc</th>
                <th scope="col">Bước</th>
                <th scope="col">Người xử lý</th>
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
                  <td data-label="Gửi lúc">{r.submitted_at ? viDateTime(r.submitted_at) : ""}</td>
                  <td data-label="Bước">{stageLabel(r.kind, r.stage)}</td>
                  <td data-label="Người xử lý">
                    {r.assignee_id ? (r.assignee_id === actor.id ? `${r.assignee_name} (bạn)` : r.assignee_name) : <span class="badge unassigned">Chưa phân công</span>}
                  </td>
                  <td data-label="Phiên bản">{r.revision}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {list.nextCursor ? (
          <p>
            <a href={`/app/inbox?${qs}&cursor=${encodeURIComponent(list.nextCursor)}`}>Xem thêm</a>
          </p>
        ) : null}
      </>,
      200,
      // Unfiltered, the "Việc của tôi" tab counts what the menu's "Chờ thẩm định" counts.
      f.active || none ? {} : { waiting: counts.mine },
    );
  });

  // Claim (userId = the caller), give (another holder) or hand back (empty): the API's assignReport,
  // with the stage the page showed, so that a page left open after the report moved on is a refusal.
  app.post("/app/reports/:id/assignee", auth, async (c) => {
    const id = c.req.param("id");
    const actor = c.get("actor");
    const form = await readForm(c);
    const userId = str(form, "userId").trim() || null;
    const stage = str(form, "stage").trim() || undefined;
    if (userId !== null && userId.length > 64) return seeOther(c, `/app/reports/${id}`, "Không thực hiện được: Không có người dùng này", "error");
    try {
      const view = await assignReport(c.env, actor, id, userId, stage);
      noteBookmark(c, view.bookmark);
      const label = view.stage?.label ?? "";
      const done =
        view.assignee === null ? `Đã trả bước ${label} lại cho nhóm.` : view.assignee.userId === actor.id ? `Bạn đã nhận xử lý bước ${label}.` : `Đã giao bước ${label} cho ${view.assignee.name}.`;
      return seeOther(c, `/app/reports/${id}`, done);
    } catch (err) {
      return refusal(c, err, `/app/reports/${id}`);
    }
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
