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

  it("every stage has a Vietnamese label and an SLA", () => {
    for (const def of Object.values(WORKFLOWS)) {
      for (const s of def.stages) {
        expect(s.label.length).toBeGreaterThan(0);
        expect(s.slaHours).toBeGreaterThan(s.remindBeforeHours);
      }
    }
  });

  it.each([
    ["a duplicated stage", { ...news, stages: [...news.stages, news.stages[0]] }],
    ["a reminder after the due time", { ...news, stages: [{ ...news.stages[0]!, remindBeforeHours: 100 }] }],
    ["a final stage that cannot approve", { ...news, stages: [{ ...news.stages[0]!, actions: ["return"] }] }],
    ["an unknown role", { ...news, stages: [{ ...news.stages[0]!, role: "janitor" }] }],
    ["an unknown field", { ...news, colour: "red" }],
    ["no stages", { ...news, stages: [] }],
  ])("a definition with %s is rejected", (_what, def) => {
    expect(workflowDefinitionSchema.safeParse(def).success).toBe(false);
  });
});
