import type { IndicatorSetInput } from "./schema";

/** A continuing-education centre's results for a whole school year, with the upper-secondary graduation exam. */
export default {
  id: "gdtx-nam-hoc",
  version: 1,
  label: "Kết quả năm học của trung tâm GDNN-GDTX",
  description:
    "Số liệu mỗi trung tâm Giáo dục nghề nghiệp – Giáo dục thường xuyên báo cáo khi kết thúc năm học: quy mô học viên theo cấp học, kết quả thi tốt nghiệp THPT, học viên bỏ học, học nghề và đội ngũ giáo viên.",
  indicators: [
    { id: "classes", label: "Số lớp", type: "count", unitLabel: "lớp", min: 0, max: 2_000, required: true, maxChangePct: 30 },
    { id: "enrolledLowerSecondary", label: "Số học viên GDTX cấp THCS", type: "count", unitLabel: "học viên", min: 0, max: 100_000, required: true, maxChangePct: 50 },
    { id: "enrolledUpperSecondary", label: "Số học viên GDTX cấp THPT", type: "count", unitLabel: "học viên", min: 0, max: 100_000, required: true, maxChangePct: 30 },
    { id: "enrolled", label: "Tổng số học viên", type: "count", unitLabel: "học viên", min: 0, max: 200_000, required: true, maxChangePct: 30 },
    { id: "examCandidates", label: "Số học viên dự thi tốt nghiệp THPT", type: "count", unitLabel: "học viên", min: 0, max: 100_000, required: true, maxChangePct: 30 },
    { id: "graduates", label: "Số học viên đỗ tốt nghiệp THPT", type: "count", unitLabel: "học viên", min: 0, max: 100_000, required: true, maxChangePct: 30 },
    {
      id: "graduationRate",
      label: "Tỷ lệ đỗ tốt nghiệp THPT",
      description: "Số học viên đỗ tốt nghiệp chia cho số học viên dự thi, làm tròn đến hai chữ số thập phân (96,85%).",
      type: "percent",
      unitLabel: "%",
      min: 0,
      max: 100,
      required: true,
      maxChangePct: 10,
    },
    { id: "dropouts", label: "Số học viên bỏ học", type: "count", unitLabel: "học viên", min: 0, max: 100_000, required: true },
    {
      id: "vocationalLearners",
      label: "Số học viên học nghề",
      description: "Học viên theo học các khóa đào tạo nghề, kể cả học viên vừa học văn hóa vừa học nghề.",
      type: "count",
      unitLabel: "học viên",
      min: 0,
      max: 100_000,
      required: false,
      maxChangePct: 50,
    },
    { id: "teachers", label: "Số giáo viên", type: "count", unitLabel: "giáo viên", min: 0, max: 2_000, required: true, maxChangePct: 25 },
  ],
  rules: [
    { type: "sum", total: "enrolled", parts: ["enrolledLowerSecondary", "enrolledUpperSecondary"] },
    { type: "lte", left: "examCandidates", right: "enrolledUpperSecondary" },
    { type: "lte", left: "graduates", right: "examCandidates" },
    { type: "ratio", target: "graduationRate", numerator: "graduates", denominator: "examCandidates", decimals: 2, tolerance: 0.01 },
    { type: "lte", left: "dropouts", right: "enrolled" },
  ],
} satisfies IndicatorSetInput;
