import { describe, expect, it } from "vitest";
import { REPORT_KINDS, WORKFLOWS, workflowDefinitionSchema } from ".";
import news from "./news";

describe("workflow definitions", () => {
  it.each(REPORT_KINDS)("%s parses against the schema", (kind) => {
    expect(workflowDefinitionSchema.safeParse(WORKFLOWS[kind]).success).toBe(true);
    expect(WORKFLOWS[kind].kind).toBe(kind);
  });

  it("news and event run the default chain specialist -> deputy head -> director", () => {
    for (const kind of ["news", "event"] as const) {
      expect(WORKFLOWS[kind].stages.map((s) => s.role)).toEqual(["specialist", "deputy_head", "director"]);
    }
  });

  it("periodic adds the centre's own head first", () => {
    expect(WORKFLOWS.periodic.stages.map((s) => s.role)).toEqual(["centre_head", "specialist", "deputy_head", "director"]);
    expect(WORKFLOWS.periodic.stages[0]!.scope).toBe("own_unit");
    expect(WORKFLOWS.periodic.requiresFigures).toBe(true);
  });

  it("every stage has a Vietnamese label and a service level in whole working days", () => {
    for (const def of Object.values(WORKFLOWS)) {
      for (const s of def.stages) {
        expect(s.label.length).toBeGreaterThan(0);
        expect(Number.isInteger(s.slaWorkingDays) && s.slaWorkingDays >= 1).toBe(true);
      }
    }
    // The department's chain: two working days for the specialist, one for each head.
    expect(WORKFLOWS.news.stages.map((s) => [s.id, s.slaWorkingDays])).toEqual([["specialist", 2], ["deputy_head", 1], ["director", 1]]);
    expect(WORKFLOWS.periodic.stages[0]!.slaWorkingDays).toBe(2);
  });

  it.each([
    ["a duplicated stage", { ...news, stages: [...news.stages, news.stages[0]] }],
    ["a service level of zero working days", { ...news, stages: [{ ...news.stages[0]!, slaWorkingDays: 0 }] }],
    ["a service level in part days", { ...news, stages: [{ ...news.stages[0]!, slaWorkingDays: 1.5 }] }],
    ["a service level still in hours", { ...news, stages: [{ ...news.stages[0]!, slaWorkingDays: undefined, slaHours: 48 }] }],
    ["a final stage that cannot approve", { ...news, stages: [{ ...news.stages[0]!, actions: ["return"] }] }],
    ["an unknown role", { ...news, stages: [{ ...news.stages[0]!, role: "janitor" }] }],
    ["an unknown field", { ...news, colour: "red" }],
    ["no stages", { ...news, stages: [] }],
  ])("a definition with %s is rejected", (_what, def) => {
    expect(workflowDefinitionSchema.safeParse(def).success).toBe(false);
  });
});
