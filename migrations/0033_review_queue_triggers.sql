-- Reports in review counted per unit on the report unit's path, stage role and assignee ('' when the
-- stage is open to all its holders), for the menu's "Chờ thẩm định (n)" and the inbox's tab counts
-- (DESIGN.md section 15: O(units shown), not O(reports)). A cell is the number of reports with
-- status 'in_review' whose unit lies under ancestor_id, waiting at stage_role, held by assignee_id.
-- Triggers on reports keep the cells in the same statement as the report's write; a cell whose n
-- reaches zero is deleted. Ancestors come from the row's own unit_path ('/root/div/school/' ->
-- root, div, school), so a unit moved elsewhere (its reports' unit_path rewritten) moves its counts.
-- A row inserted with a wrong unit_path (only a hand-written INSERT can: the app, the seed and the
-- bench's loader write the unit's path) is counted right because SQLite fires a table's triggers
-- newest first: this insert trigger counts the wrong path, then reports_unit_path_ai (0008) fixes
-- the row and the update trigger moves the count.

INSERT INTO `review_queue_counts` (`ancestor_id`, `stage_role`, `assignee_id`, `n`)
SELECT j.`value`, r.`stage_role`, coalesce(r.`assignee_id`, ''), count(*)
FROM `reports` r, json_each('["' || replace(trim(r.`unit_path`, '/'), '/', '","') || '"]') j
WHERE r.`status` = 'in_review' AND r.`stage_role` IS NOT NULL AND j.`value` <> ''
GROUP BY j.`value`, r.`stage_role`, coalesce(r.`assignee_id`, '');
--> statement-breakpoint
CREATE TRIGGER `reports_review_queue_ai` AFTER INSERT ON `reports`
WHEN new.`status` = 'in_review' AND new.`stage_role` IS NOT NULL
BEGIN
	INSERT INTO `review_queue_counts` (`ancestor_id`, `stage_role`, `assignee_id`, `n`)
	SELECT j.`value`, new.`stage_role`, coalesce(new.`assignee_id`, ''), 1
	FROM json_each('["' || replace(trim(new.`unit_path`, '/'), '/', '","') || '"]') j
	WHERE j.`value` <> ''
	ON CONFLICT (`ancestor_id`, `stage_role`, `assignee_id`) DO UPDATE SET `n` = `n` + excluded.`n`;
END;
--> statement-breakpoint
-- Old and new are netted per cell first, so a move within the same cell (a version bump, a due
-- time) writes nothing and a hand-over writes only the two assignees' cells.
CREATE TRIGGER `reports_review_queue_au` AFTER UPDATE OF `status`, `stage_role`, `assignee_id`, `unit_path` ON `reports`
WHEN (old.`status` = 'in_review' OR new.`status` = 'in_review')
	AND (old.`status` IS NOT new.`status` OR old.`stage_role` IS NOT new.`stage_role` OR old.`assignee_id` IS NOT new.`assignee_id` OR old.`unit_path` IS NOT new.`unit_path`)
BEGIN
	INSERT INTO `review_queue_counts` (`ancestor_id`, `stage_role`, `assignee_id`, `n`)
	SELECT d.`ancestor_id`, d.`stage_role`, d.`assignee_id`, sum(d.`n`)
	FROM (
		SELECT j.`value` AS `ancestor_id`, old.`stage_role` AS `stage_role`, coalesce(old.`assignee_id`, '') AS `assignee_id`, -1 AS `n`
		FROM json_each('["' || replace(trim(old.`unit_path`, '/'), '/', '","') || '"]') j
		WHERE old.`status` = 'in_review' AND old.`stage_role` IS NOT NULL
		UNION ALL
		SELECT j.`value`, new.`stage_role`, coalesce(new.`assignee_id`, ''), 1
		FROM json_each('["' || replace(trim(new.`unit_path`, '/'), '/', '","') || '"]') j
		WHERE new.`status` = 'in_review' AND new.`stage_role` IS NOT NULL
	) d
	WHERE d.`ancestor_id` <> ''
	GROUP BY d.`ancestor_id`, d.`stage_role`, d.`assignee_id`
	HAVING sum(d.`n`) <> 0
	ON CONFLICT (`ancestor_id`, `stage_role`, `assignee_id`) DO UPDATE SET `n` = `n` + excluded.`n`;
	DELETE FROM `review_queue_counts`
	WHERE old.`status` = 'in_review' AND `n` <= 0
		AND `ancestor_id` IN (SELECT `value` FROM json_each('["' || replace(trim(old.`unit_path`, '/'), '/', '","') || '"]'))
		AND `stage_role` = old.`stage_role` AND `assignee_id` = coalesce(old.`assignee_id`, '');
END;
--> statement-breakpoint
CREATE TRIGGER `reports_review_queue_ad` AFTER DELETE ON `reports`
WHEN old.`status` = 'in_review' AND old.`stage_role` IS NOT NULL
BEGIN
	UPDATE `review_queue_counts` SET `n` = `n` - 1
	WHERE `ancestor_id` IN (SELECT `value` FROM json_each('["' || replace(trim(old.`unit_path`, '/'), '/', '","') || '"]'))
		AND `stage_role` = old.`stage_role` AND `assignee_id` = coalesce(old.`assignee_id`, '');
	DELETE FROM `review_queue_counts`
	WHERE `n` <= 0
		AND `ancestor_id` IN (SELECT `value` FROM json_each('["' || replace(trim(old.`unit_path`, '/'), '/', '","') || '"]'))
		AND `stage_role` = old.`stage_role` AND `assignee_id` = coalesce(old.`assignee_id`, '');
END;
