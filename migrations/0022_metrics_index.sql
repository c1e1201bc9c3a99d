-- The metrics (DESIGN.md section 12, GET /api/v1/metrics) read one period's review decisions in
-- time order. A partial index holds only the approve and return events, so that walk reads no
-- submit, publication or other event. Queries must repeat the WHERE term literally for SQLite to
-- use it (src/queries/metrics.ts names it with INDEXED BY).
CREATE INDEX `report_events_decided_idx` ON `report_events` (`created_at`) WHERE `action` IN ('approve', 'return');
