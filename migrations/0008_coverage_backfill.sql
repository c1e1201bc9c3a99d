-- Coverage as paths (issue 10). Every writer of reports and grants (API, seed, bench loader,
-- tests) is kept right by the database itself, so no code path can forget.

-- reports.unit_path: a copy of units.path, filled in when a writer left it out or got it wrong.
UPDATE `reports` SET `unit_path` = (SELECT `path` FROM `units` WHERE `units`.`id` = `reports`.`unit_id`);
--> statement-breakpoint
CREATE TRIGGER `reports_unit_path_ai` AFTER INSERT ON `reports`
WHEN new.`unit_path` IS NOT (SELECT `path` FROM `units` WHERE `id` = new.`unit_id`)
BEGIN
	UPDATE `reports` SET `unit_path` = (SELECT `path` FROM `units` WHERE `id` = new.`unit_id`) WHERE rowid = new.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER `reports_unit_path_au` AFTER UPDATE OF `unit_id`, `unit_path` ON `reports`
WHEN new.`unit_path` IS NOT (SELECT `path` FROM `units` WHERE `id` = new.`unit_id`)
BEGIN
	UPDATE `reports` SET `unit_path` = (SELECT `path` FROM `units` WHERE `id` = new.`unit_id`) WHERE rowid = new.rowid;
END;
--> statement-breakpoint
-- role_grants.coverage: the JSON array of the granted units' paths, recomputed whenever a grant's
-- units change. The signed-in look-up reads it instead of expanding the tree on every request.
UPDATE `role_grants` SET `coverage` = (
	SELECT coalesce(json_group_array(`path`), '[]') FROM (
		SELECT u.`path` FROM `grant_units` gu JOIN `units` u ON u.`id` = gu.`unit_id`
		WHERE gu.`grant_id` = `role_grants`.`id` ORDER BY u.`path`
	)
);
--> statement-breakpoint
CREATE TRIGGER `grant_units_coverage_ai` AFTER INSERT ON `grant_units` BEGIN
	UPDATE `role_grants` SET `coverage` = (
		SELECT coalesce(json_group_array(`path`), '[]') FROM (
			SELECT u.`path` FROM `grant_units` gu JOIN `units` u ON u.`id` = gu.`unit_id`
			WHERE gu.`grant_id` = new.`grant_id` ORDER BY u.`path`
		)
	) WHERE `id` = new.`grant_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `grant_units_coverage_ad` AFTER DELETE ON `grant_units` BEGIN
	UPDATE `role_grants` SET `coverage` = (
		SELECT coalesce(json_group_array(`path`), '[]') FROM (
			SELECT u.`path` FROM `grant_units` gu JOIN `units` u ON u.`id` = gu.`unit_id`
			WHERE gu.`grant_id` = old.`grant_id` ORDER BY u.`path`
		)
	) WHERE `id` = old.`grant_id`;
END;
--> statement-breakpoint
-- Paths never change today (a unit cannot be moved); if that ever changes, copies follow.
CREATE TRIGGER `units_path_au` AFTER UPDATE OF `path` ON `units` BEGIN
	UPDATE `reports` SET `unit_path` = new.`path` WHERE `unit_id` = new.`id`;
	UPDATE `role_grants` SET `coverage` = (
		SELECT coalesce(json_group_array(`path`), '[]') FROM (
			SELECT u.`path` FROM `grant_units` gu JOIN `units` u ON u.`id` = gu.`unit_id`
			WHERE gu.`grant_id` = `role_grants`.`id` ORDER BY u.`path`
		)
	) WHERE `id` IN (SELECT `grant_id` FROM `grant_units` WHERE `unit_id` = new.`id`);
END;
