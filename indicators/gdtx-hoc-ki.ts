import type { IndicatorSetInput } from "./schema";

/** Semester results of a continuing-education centre (trung tâm GDNN-GDTX), reported after each semester. */
export default {
  id: "gdtx-hoc-ki",
  version: 1,
  label: "Kết quả học kỳ của trung tâm GDNN-GDTX",
  description:
    "Số liệu mỗi trung tâm Giáo dục nghề nghiệp – Giáo dục thường xuyên báo cáo khi kết thúc học kỳ: số lớp, số học viên, kết quả hoàn thành học kỳ, học viên bỏ học và đội ngũ giáo viên.",
  indicators: [
    { id: "classes", label: "Số lớp", description: "Số lớp chương trình GDTX đang học trong học kỳ.", type: "count", unitLabel: "lớp", min: 0, max: 2_000, required: true, maxChangePct: 30 },
    { id: "enrolled", label: "Số học viên", description: "Số học viên theo học trong học kỳ.", type: "count", unitLabel: "học viên", min: 0, max: 100_000, required: true, maxChangePct: 30 },
    { id: "completed", label: "Số học viên hoàn thành học kỳ", type: "count", unitLabel: "học viên", min: 0, max: 100_000, required: true, maxChangePct: 30 },
    {
      id: "completionRate",
      label: "Tỷ lệ hoàn thành",
      description: "Số học viên hoàn thành học kỳ chia cho số học viên, làm tròn đến một chữ số thập phân (98,6%).",
      type: "percent",
      unitLabel: "%",
      min: 0,
      max: 100,
      required: true,
      maxChangePct: 10,
    },
    // Small numbers that move by large fractions from one semester to the next: no change warning.
    { id: "dropouts", label: "Số học viên bỏ học", description: "Số học viên thôi học trong học kỳ.", type: "count", unitLabel: "học viên", min: 0, max: 100_000, required: true },
    {
      id: "adultLearners",
      label: "Số học viên là người lớn",
      description: "Số học viên từ 18 tuổi trở lên (người lao động, người học để nâng cao trình độ).",
      type: "count",
      unitLabel: "học viên",
      min: 0,
      max: 100_000,
      required: false,
      maxChangePct: 50,
    },
    { id: "teachers", label: "Số giáo viên", description: "Giáo viên cơ hữu và thỉnh giảng dạy trong học kỳ.", type: "count", unitLabel: "giáo viên", min: 0, max: 2_000, required: true, maxChangePct: 25 },
  ],
  rules: [
    { type: "lte", left: "completed", right: "enrolled" },
    { type: "lte", left: "dropouts", right: "enrolled" },
    { type: "lte", left: "adultLearners", right: "enrolled" },
    { type: "ratio", target: "completionRate", numerator: "completed", denominator: "enrolled", decimals: 1, tolerance: 0.1 },
  ],
} satisfies IndicatorSetInput;
