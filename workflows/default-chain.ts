import type { Stage } from "./schema";

/**
 * The department's review chain: specialist -> deputy head -> director. The service levels are the
 * old 48 h / 24 h / 24 h read as working days (DESIGN.md section 12).
 */
export const departmentStages: Stage[] = [
  { id: "specialist", role: "specialist", label: "Chuyên viên", slaWorkingDays: 2, actions: ["approve", "return"], scope: "covered_units" },
  { id: "deputy_head", role: "deputy_head", label: "Phó Trưởng phòng", slaWorkingDays: 1, actions: ["approve", "return"], scope: "covered_units" },
  { id: "director", role: "director", label: "Trưởng phòng", slaWorkingDays: 1, actions: ["approve", "return"], scope: "covered_units" },
];
