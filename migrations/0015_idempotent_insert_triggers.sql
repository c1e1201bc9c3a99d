-- The AFTER INSERT triggers that derive rows from a new report (its search entry, its scope rows)
-- do not rely on firing before the trigger that fills in reports.unit_path, whose UPDATE re-derives
-- the same rows: SQLite does not document the order in which triggers on one event fire. Each now
-- replaces whatever is there, so either order gives the same result.
DROP TRIGGER IF EXISTS `reports_fts_ai`;
--> statement-breakpoint
CREATE TRIGGER `reports_fts_ai` AFTER INSERT ON `reports` BEGIN
	DELETE FROM `reports_fts` WHERE rowid = new.rowid;
	INSERT INTO `reports_fts` (rowid, `title`, `summary`, `body`, `location`, `scope`) VALUES (
		new.rowid,
		replace(replace(new.`title`, 'đ', 'd'), 'Đ', 'D'),
		replace(replace(coalesce(new.`summary`, ''), 'đ', 'd'), 'Đ', 'D'),
		replace(replace(new.`body`, 'đ', 'd'), 'Đ', 'D'),
		replace(replace(coalesce(new.`location`, ''), 'đ', 'd'), 'Đ', 'D'),
		'u' || replace(replace(trim((SELECT `path` FROM `units` WHERE `id` = new.`unit_id`), '/'), '-', ''), '/', ' u')
	);
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `report_scopes_ai`;
--> statement-breakpoint
CREATE TRIGGER `report_scopes_ai` AFTER INSERT ON `reports` BEGIN
	INSERT OR REPLACE INTO `report_scopes` (`unit_id`, `report_id`, `created_at`, `status`, `review_reach`, `stage_role`, `stage_due_at`)
	SELECT j.value, new.`id`, new.`created_at`, new.`status`, new.`review_reach`, new.`stage_role`, new.`stage_due_at`
	FROM `units` u, json_each('["' || replace(trim(u.`path`, '/'), '/', '","') || '"]') j WHERE u.`id` = new.`unit_id`;
END;
