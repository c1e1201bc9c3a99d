// The Vietnamese letters of a period's notices, in the same layout as every other notification
// (src/notifications/templates.ts letter(): escaped HTML, one clean subject line).
import { letter, type Rendered } from "../notifications/templates";
import { viDateTime, viNumber } from "../domain/vi-format";
import { PeriodMessageSchema, type PeriodMessage } from "./messages";

export function renderPeriodNotification(input: PeriodMessage, appBase: string): Rendered {
  const m = PeriodMessageSchema.parse(input);
  const due = viDateTime(m.dueAt);
  const title = m.periodTitle;
  const unit = m.units[0] ?? "";
  const link = { href: `${appBase}/app/periods/${encodeURIComponent(m.periodId)}`, label: "Mở kỳ báo cáo" };
  switch (m.template) {
    case "period_reminder":
      return letter(m.name, {
        subject: `[Nhắc nộp báo cáo] ${title}`,
        lines: [
          `Kỳ báo cáo “${title}” sẽ hết hạn nộp lúc ${due}.`,
          `Đến thời điểm này, ${unit} chưa gửi báo cáo của kỳ. Đề nghị đơn vị hoàn thành các chỉ tiêu và gửi báo cáo trước hạn.`,
        ],
        link,
      });
    case "period_late":
      return letter(m.name, {
        subject: `[Quá hạn nộp báo cáo] ${title}`,
        lines: [`Đã quá hạn nộp báo cáo kỳ “${title}” (hạn ${due}) nhưng ${unit} chưa gửi báo cáo.`, "Đề nghị đồng chí đôn đốc đơn vị hoàn thành và gửi báo cáo."],
        link,
      });
    case "period_late_summary": {
      const late = m.units.length + m.moreUnits;
      return letter(m.name, {
        subject: `[Quá hạn nộp báo cáo] ${title}: ${viNumber(late)} đơn vị chưa nộp`,
        lines: [
          `Đã quá hạn nộp báo cáo kỳ “${title}” (hạn ${due}). ${viNumber(late)}/${viNumber(m.expected)} đơn vị chưa gửi báo cáo đúng hạn:`,
          ...m.units.map((name) => `– ${name}`),
          m.moreUnits > 0 ? `và ${viNumber(m.moreUnits)} đơn vị khác.` : "",
        ],
        link: { ...link, label: "Xem tình hình nộp báo cáo" },
      });
    }
  }
}
