// Reporting periods for tests: every periodic report belongs to a period (DESIGN.md section 11),
// so a test that needs one opens a period first. Each call opens a fresh period (one report per
// unit and period), for every active centre and school unless told otherwise.
import { expect } from "vitest";
import { call, tokenFor, USERS } from "./api";

/** Valid gdtx-hoc-ki figures: 13.001 / 13.184 = 98,6%. */
export const GOOD_FIGURES = { classes: 412, enrolled: 13184, completed: 13001, completionRate: 98.6, dropouts: 95, adultLearners: 5210, teachers: 640 } as const;

let opened = 0;

/** Opens a gdtx-hoc-ki period as `who` (admin by default) and returns its id. Later calls open later periods. */
export async function openPeriod(options: { unitIds?: string[]; who?: string; title?: string; opensAt?: string; dueAt?: string } = {}): Promise<string> {
  opened += 1;
  const day = String(1 + (opened % 28)).padStart(2, "0");
  const year = 2040 + Math.floor(opened / 28);
  const res = await call("/api/v1/periods", {
    token: await tokenFor(options.who ?? USERS.admin),
    json: {
      title: options.title ?? `Kết quả học kì I — kỳ thử ${opened}`,
      indicatorSetId: "gdtx-hoc-ki",
      opensAt: options.opensAt ?? `${year}-01-${day}`,
      dueAt: options.dueAt ?? `${year + 1}-01-${day}`,
      ...(options.unitIds ? { unitIds: options.unitIds } : {}),
    },
  });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text).id;
}

/** The body of a periodic report in a new period (opened here unless `periodId` is given). */
export async function periodicInput(overrides: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const periodId = typeof overrides.periodId === "string" ? overrides.periodId : await openPeriod();
  return {
    kind: "periodic",
    title: "Báo cáo kết quả học kì I năm học 2023 – 2024",
    body: "Trung tâm báo cáo kết quả thực hiện nhiệm vụ học kì I.",
    figures: { ...GOOD_FIGURES },
    ...overrides,
    periodId,
  };
}
