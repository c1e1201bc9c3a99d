-- The audit trail and frozen revisions are append-only: the database itself refuses to change them.
CREATE TRIGGER `report_events_no_update` BEFORE UPDATE ON `report_events` BEGIN
	SELECT RAISE(ABORT, 'report_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `report_events_no_delete` BEFORE DELETE ON `report_events` BEGIN
	SELECT RAISE(ABORT, 'report_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `report_revisions_no_update` BEFORE UPDATE ON `report_revisions` BEGIN
	SELECT RAISE(ABORT, 'report_revisions are immutable');
END;
--> statement-breakpoint
CREATE TRIGGER `report_revisions_no_delete` BEFORE DELETE ON `report_revisions` BEGIN
	SELECT RAISE(ABORT, 'report_revisions are immutable');
END;
