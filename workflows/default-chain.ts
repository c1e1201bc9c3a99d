import type { Stage } from "./schema";

/** The department's review chain: specialist -> deputy head -> director. */
export const departmentStages: Stage[] = [
  { id: "specialist", role: "specialist", label: "Chuyên viên", slaHours: 48, remindBeforeHours: 8, actions: ["approve", "return"], scope: "covered_units" },
  { id: "deputy_head", role: "deputy_head", label: "Phó Trưởng phòng", slaHours: 24, remindBeforeHours: 4, actions: ["approve", "return"], scope: "covered_units" },
  { id: "director", role: "director", label: "Trưởng phòng", slaHours: 24, remindBeforeHours: 4, actions: ["approve", "return"], scope: "covered_units" },
];
