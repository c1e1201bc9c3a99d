// The hand-written triggers (custom migrations) keep copies and counters in the statement that
// changes their source: report scopes and search rows, dashboard tallies, review queue cells, grant
// coverage and the look-up's copy of a user's grants, and the append-only audit tables. A future
// drizzle-kit migration that rebuilds a table (create __new_x, copy, drop, rename) would drop that
// table's triggers without a word, and every copy would quietly go stale: this lists them all.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const EXPECTED = [
  "calendar_override_events_no_delete",
  "calendar_override_events_no_update",
  "dashboard_stage_tallies_rollup_ad",
  "dashboard_stage_tallies_rollup_ai",
  "dashboard_stage_tallies_rollup_au",
  "dashboard_stage_times_rollup_ad",
  "dashboard_stage_times_rollup_ai",
  "dashboard_stage_times_rollup_au",
  "grant_units_coverage_ad",
  "grant_units_coverage_ai",
  "portal_fts_ad",
  "portal_fts_ai",
  "portal_fts_au",
  "report_events_dashboard_ai",
  "report_events_dashboard_prev_ai",
  "report_events_no_delete",
  "report_events_no_update",
  "report_revisions_no_delete",
  "report_revisions_no_update",
  "report_scopes_ad",
  "report_scopes_ai",
  "report_scopes_au",
  "report_scopes_unit_au",
  "reports_dashboard_ad",
  "reports_dashboard_ai",
  "reports_dashboard_au",
  "reports_dashboard_times_au",
  "reports_fts_ad",
  "reports_fts_ai",
  "reports_fts_au",
  "reports_review_queue_ad",
  "reports_review_queue_ai",
  "reports_review_queue_au",
  "reports_unit_name_ai",
  "reports_unit_name_au",
  "reports_unit_path_ai",
  "reports_unit_path_au",
  "role_grants_user_ad",
  "role_grants_user_ai",
  "role_grants_user_au",
  "units_dashboard_path_au",
  "units_name_au",
  "units_path_au",
];

describe("hand-written triggers", () => {
  it("every one the migrations create is in place after them, and no other", async () => {
    const { results } = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all<{ name: string }>();
    expect(results.map((r) => r.name)).toEqual([...EXPECTED].sort());
  });
});
