// Vietnamese email templates, text and HTML. Every value is escaped in the HTML part.
import { html } from "hono/html";
import type { NotificationMessage, NotificationTemplate } from "../flow/effects";
import { signedFor } from "../domain/roles";
import { replaceLoneSurrogates } from "../domain/text";
import { viDateTime } from "../portal/format";

/** Essential messages cannot be switched off: without them the review stops. */
export const ESSENTIAL: readonly NotificationTemplate[] = ["awaiting_review", "returned", "assigned"];

export type Rendered = { subject: string; text: string; html: string };

/** What a letter says: its subject, its paragraphs (empty ones are dropped) and one link. */
export type Parts = { subject: string; lines: string[]; link: { href: string; label: string } | null };

/** Longest subject sent; a title may be 300 characters, mail clients show far fewer. */
const SUBJECT_MAX = 200;

/**
 * A subject is one header line whatever the title holds: titles are refused with line breaks or
 * control characters when they are saved (src/domain/text.ts), and this holds even for a title
 * stored before that rule, or one that reached the queue another way. Every control character
 * (C0, DEL, C1) and the Unicode line and paragraph separators become a space, runs of spaces
 * one, and the result is cut short with an ellipsis (never inside a surrogate pair).
 */
export function subjectLine(s: string): string {
  const one = replaceLoneSurrogates(s.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g, " "))
    .replace(/\s+/g, " ")
    .trim();
  if (one.length <= SUBJECT_MAX) return one;
  const cut = Array.from(one).slice(0, SUBJECT_MAX - 1).join("").trimEnd();
  return `${cut}…`;
}

/** "Trần Thị B", or "KT. Giám đốc Trần Thị B" for a decision made under a delegation. */
export function deciderName(by: NonNullable<NotificationMessage["by"]>): string {
  return by.onBehalfOf ? `${signedFor(by.onBehalfOf.role)} ${by.name}` : by.name;
}

/** Who decided, for the letters that tell of a decision (none on messages queued before it was carried). */
const decidedBy = (m: NotificationMessage) => (m.by ? `Người xử lý: ${deciderName(m.by)}.` : "");

/** Why a stand-in is told: they act for a holder who is away, or who delegated the role to them. */
function standIn(m: NotificationMessage): string {
  const s = m.standsInFor;
  if (!s) return "";
  const until = viDateTime(s.until);
  return s.kind === "absence"
    ? `Bạn nhận thư này vì đang xử lý thay ${s.name} trong thời gian vắng mặt (đến ${until}).`
    : `Bạn nhận thư này vì được ${s.name} ủy quyền ký thay (đến ${until}).`;
}

function parts(m: NotificationMessage, appBase: string): Parts {
  const review = { href: `${appBase}/app/reports/${m.reportId}`, label: "Mở báo cáo" };
  const stage = m.stage?.label ?? "";
  const due = m.dueAt ? viDateTime(m.dueAt) : "";
  // Whose the stage is: the recipient's, or (told in someone's stead) that person's.
  const whom = m.standsInFor ? m.standsInFor.name : "bạn";
  const Whom = m.standsInFor ? m.standsInFor.name : "Bạn";
  const unit = m.unitName ? ` cho đơn vị ${m.unitName}` : "";
  // Given by the system, as the stage started, to the one holder covering the unit.
  const onlyHolder = `${Whom} là người duy nhất phụ trách bước này${unit}, nên báo cáo được giao tự động.`;
  switch (m.template) {
    case "awaiting_review":
      return {
        subject: `[Chờ thẩm định] ${m.reportTitle}`,
        lines: [
          m.audience.type === "user"
            ? `Báo cáo “${m.reportTitle}” được giao cho ${whom} thẩm định ở bước ${stage}.`
            : `Báo cáo “${m.reportTitle}” đang chờ bạn thẩm định ở bước ${stage}.`,
          due ? `Hạn xử lý: ${due}.` : "",
          // Addressed to one person as the stage starts: it was given to them automatically.
          m.audience.type === "user" ? onlyHolder : "",
          standIn(m),
        ],
        link: review,
      };
    case "reminder":
      return { subject: `[Nhắc hạn] ${m.reportTitle}`, lines: [`Báo cáo “${m.reportTitle}” ở bước ${stage} sắp đến hạn xử lý (${due}).`, standIn(m)], link: review };
    case "escalation":
      // The stage's own holders are asked to act; those who oversee it (and anyone told by a
      // message from before the flag existed, which went to overseers only) to see it done.
      return {
        subject: `[Quá hạn] ${m.reportTitle}`,
        lines: [`Báo cáo “${m.reportTitle}” đã quá hạn ở bước ${stage} (hạn ${due}).`, m.oversight === false ? "Đề nghị khẩn trương xử lý." : "Đề nghị đôn đốc xử lý.", standIn(m)],
        link: review,
      };
    case "returned":
      return {
        subject: `[Trả lại] ${m.reportTitle}`,
        lines: [`Báo cáo “${m.reportTitle}” được trả lại ở bước ${stage} để chỉnh sửa.`, decidedBy(m), `Ý kiến: ${m.comment ?? ""}`],
        link: review,
      };
    case "approved":
      return { subject: `[Đã duyệt] ${m.reportTitle}`, lines: [`Báo cáo “${m.reportTitle}” đã được phê duyệt.`, decidedBy(m)], link: review };
    case "published":
      return {
        subject: `[Đã đăng] ${m.reportTitle}`,
        lines: [`Bài “${m.reportTitle}” đã được đăng trên cổng thông tin.`],
        link: m.comment ? { href: `${appBase}${m.comment}`, label: "Xem bài đăng" } : null,
      };
    case "assigned":
      return {
        subject: `[Được giao] ${m.reportTitle}`,
        lines: [
          `Báo cáo “${m.reportTitle}” được giao cho ${whom} thẩm định ở bước ${stage}.`,
          due ? `Hạn xử lý: ${due}.` : "",
          m.by ? `Người giao: ${deciderName(m.by)}.` : onlyHolder,
          standIn(m),
        ],
        link: review,
      };
    case "cancelled":
      return { subject: `[Huỷ lịch đăng] ${m.reportTitle}`, lines: [`Lịch đăng bài “${m.reportTitle}” đã bị huỷ; bài không được đăng và trở về đơn vị.`, `Lý do: ${m.comment ?? ""}`], link: review };
    case "unpublished":
      return { subject: `[Đã gỡ] ${m.reportTitle}`, lines: [`Bài “${m.reportTitle}” đã được gỡ khỏi cổng thông tin.`, `Lý do: ${m.comment ?? ""}`], link: review };
  }
}

export function renderNotification(m: NotificationMessage, appBase: string): Rendered {
  return letter(m.name, parts(m, appBase));
}

/**
 * One letter to `name` in the text and HTML forms every notification shares (the period
 * reminders, src/reminders/templates.ts, are written with it too).
 */
export function letter(name: string, p: Parts): Rendered {
  const lines = p.lines.filter(Boolean);
  const greeting = `Kính gửi ${name},`;
  const footer = "Thư này được gửi tự động từ hệ thống tiếp nhận và thẩm định tin bài của Sở Giáo dục và Đào tạo.";
  const text = [greeting, "", ...lines, ...(p.link ? ["", `${p.link.label}: ${p.link.href}`] : []), "", footer].join("\n");
  const body = html`<!doctype html><html lang="vi"><body style="font-family:Arial,sans-serif;line-height:1.5;color:#1b1f24">
<p>${greeting}</p>
${lines.map((l) => html`<p>${l}</p>`)}
${p.link ? html`<p><a href="${p.link.href}">${p.link.label}</a></p>` : ""}
<p style="color:#545d68;font-size:13px">${footer}</p>
</body></html>`;
  return { subject: subjectLine(p.subject), text, html: String(body) };
}
