-- The calendar's audit trail is append-only, as report_events is (0003): the database itself
-- refuses to change or remove a row of it. Setting or dropping an override only ever appends.
CREATE TRIGGER `calendar_override_events_no_update` BEFORE UPDATE ON `calendar_override_events` BEGIN
	SELECT RAISE(ABORT, 'calendar_override_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `calendar_override_events_no_delete` BEFORE DELETE ON `calendar_override_events` BEGIN
	SELECT RAISE(ABORT, 'calendar_override_events is append-only');
END;
