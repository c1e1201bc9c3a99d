// The Worker's side of ReportFlow: the stub for a report, and RPC results back into problems.
import { ApiError } from "../errors";
import type { FlowResult, TransitionView } from "./view";

export const flowOf = (env: Env, reportId: string) => env.REPORT_FLOW.get(env.REPORT_FLOW.idFromName(reportId));

export function unwrap(result: FlowResult): TransitionView {
  if (result.ok) return result.view;
  const { code, ...rest } = result.problem;
  throw new ApiError(code, rest);
}
