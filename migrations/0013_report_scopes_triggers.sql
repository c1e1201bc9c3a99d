-- report_scopes: one row per report and per unit on its path, kept by the database on every write
-- to reports (API, ReportFlow projection, seed, bench loader, tests), so no writer can forget.
-- The unit ids on a path come from units.path ("/root/div/school/") as a JSON array.
INSERT INTO `report_scopes` (`unit_id`, `report_id`, `created_at`, `status`, `review_reach`, `stage_role`, `stage_due_at`)
SELECT j.value, r.`id`, r.`created_at`, r.`status`, r.`review_reach`, r.`stage_role`, r.`stage_due_at`
FROM `reports` r JOIN `units` u ON u.`id` = r.`unit_id`, json_each('["' || replace(trim(u.`path`, '/'), '/', '","') || '"]') j;
--> statement-breakpoint
CREATE TRIGGER `report_scopes_ai` AFTER INSERT ON `reports` BEGIN
	INSERT INTO `report_scopes` (`unit_id`, `report_id`, `created_at`, `status`, `review_reach`, `stage_role`, `stage_due_at`)
	SELECT j.value, new.`id`, new.`created_at`, new.`status`, new.`review_reach`, new.`stage_role`, new.`stage_due_at`
	FROM `units` u, json_each('["' || replace(trim(u.`path`, '/'), '/', '","') || '"]') j WHERE u.`id` = new.`unit_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `report_scopes_au` AFTER UPDATE OF `status`, `review_reach`, `stage_role`, `stage_due_at`, `created_at` ON `reports` BEGIN
	UPDATE `report_scopes`
	SET `status` = new.`status`, `review_reach` = new.`review_reach`, `stage_role` = new.`stage_role`, `stage_due_at` = new.`stage_due_at`, `created_at` = new.`created_at`
	WHERE `report_id` = new.`id`;
END;
--> statement-breakpoint
-- A report's unit never changes today, nor does a unit's path; if either ever does, the rows follow.
CREATE TRIGGER `report_scopes_unit_au` AFTER UPDATE OF `unit_id`, `unit_path` ON `reports` BEGIN
	DELETE FROM `report_scopes` WHERE `report_id` = new.`id`;
	INSERT INTO `report_scopes` (`unit_id`, `report_id`, `created_at`, `status`, `review_reach`, `stage_role`, `stage_due_at`)
	SELECT j.value, new.`id`, new.`created_at`, new.`status`, new.`review_reach`, new.`stage_role`, new.`stage_due_at`
	FROM `units` u, json_each('["' || replace(trim(u.`path`, '/'), '/', '","') || '"]') j WHERE u.`id` = new.`unit_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `report_scopes_ad` AFTER DELETE ON `reports` BEGIN
	DELETE FROM `report_scopes` WHERE `report_id` = old.`id`;
END;
