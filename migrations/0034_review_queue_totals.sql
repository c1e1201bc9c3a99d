-- A total cell per (unit, stage role), assignee_id '*', beside the per-assignee cells of 0033: the
-- inbox's "Tất cả" tab reads it instead of summing one cell per person holding items, so the inbox
-- page reads three cells per covered subtree ('', the caller, '*') whoever else holds reports, and
-- the menu's "Chờ thẩm định" two ('' and the caller). The triggers of 0033 are replaced by ones
-- that keep both; a hand-over nets to nothing in the total.

INSERT INTO `review_queue_counts` (`ancestor_id`, `stage_role`, `assignee_id`, `n`)
SELECT `ancestor_id`, `stage_role`, '*', sum(`n`) FROM `review_queue_counts`
WHERE `assignee_id` <> '*'
GROUP BY `ancestor_id`, `stage_role`;
--> statement-breakpoint
DROP TRIGGER `reports_review_queue_ai`;
--> statement-breakpoint
DROP TRIGGER `reports_review_queue_au`;
--> statement-breakpoint
DROP TRIGGER `reports_review_queue_ad`;
--> statement-breakpoint
CREATE TRIGGER `reports_review_queue_ai` AFTER INSERT ON `reports`
WHEN new.`status` = 'in_review' AND new.`stage_role` IS NOT NULL
BEGIN
	INSERT INTO `review_queue_counts` (`ancestor_id`, `stage_role`, `assignee_id`, `n`)
	SELECT j.`value`, new.`stage_role`, a.`value`, 1
	FROM json_each('["' || replace(trim(new.`unit_path`, '/'), '/', '","') || '"]') j,
		(SELECT coalesce(new.`assignee_id`, '') AS `value` UNION ALL SELECT '*') a
	WHERE j.`value` <> ''
	ON CONFLICT (`ancestor_id`, `stage_role`, `assignee_id`) DO UPDATE SET `n` = `n` + excluded.`n`;
END;
--> statement-breakpoint
-- Old and new are netted per cell first, so a move within the same cell (a version bump, a due
-- time) writes nothing and a hand-over writes only the two assignees' cells (the total nets out).
CREATE TRIGGER `reports_review_queue_au` AFTER UPDATE OF `status`, `stage_role`, `assignee_id`, `unit_path` ON `reports`
WHEN (old.`status` = 'in_review' OR new.`status` = 'in_review')
	AND (old.`status` IS NOT new.`status` OR old.`stage_role` IS NOT new.`stage_role` OR old.`assignee_id` IS NOT new.`assignee_id` OR old.`unit_path` IS NOT new.`unit_path`)
BEGIN
	INSERT INTO `review_queue_counts` (`ancestor_id`, `stage_role`, `assignee_id`, `n`)
	SELECT d.`ancestor_id`, d.`stage_role`, d.`assignee_id`, sum(d.`n`)
	FROM (
		SELECT j.`value` AS `ancestor_id`, old.`stage_role` AS `stage_role`, a.`value` AS `assignee_id`, -1 AS `n`
		FROM json_each('["' || replace(trim(old.`unit_path`, '/'), '/', '","') || '"]') j,
			(SELECT coalesce(old.`assignee_id`, '') AS `value` UNION ALL SELECT '*') a
		WHERE old.`status` = 'in_review' AND old.`stage_role` IS NOT NULL
		UNION ALL
		SELECT j.`value`, new.`stage_role`, a.`value`, 1
		FROM json_each('["' || replace(trim(new.`unit_path`, '/'), '/', '","') || '"]') j,
			(SELECT coalesce(new.`assignee_id`, '') AS `value` UNION ALL SELECT '*') a
		WHERE new.`status` = 'in_review' AND new.`stage_role` IS NOT NULL
	) d
	WHERE d.`ancestor_id` <> ''
	GROUP BY d.`ancestor_id`, d.`stage_role`, d.`assignee_id`
	HAVING sum(d.`n`) <> 0
	ON CONFLICT (`ancestor_id`, `stage_role`, `assignee_id`) DO UPDATE SET `n` = `n` + excluded.`n`;
	DELETE FROM `review_queue_counts`
	WHERE old.`status` = 'in_review' AND `n` <= 0
		AND `ancestor_id` IN (SELECT `value` FROM json_each('["' || replace(trim(old.`unit_path`, '/'), '/', '","') || '"]'))
		AND `stage_role` = old.`stage_role` AND `assignee_id` IN (coalesce(old.`assignee_id`, ''), '*');
END;
--> statement-breakpoint
CREATE TRIGGER `reports_review_queue_ad` AFTER DELETE ON `reports`
WHEN old.`status` = 'in_review' AND old.`stage_role` IS NOT NULL
BEGIN
	UPDATE `review_queue_counts` SET `n` = `n` - 1
	WHERE `ancestor_id` IN (SELECT `value` FROM json_each('["' || replace(trim(old.`unit_path`, '/'), '/', '","') || '"]'))
		AND `stage_role` = old.`stage_role` AND `assignee_id` IN (coalesce(old.`assignee_id`, ''), '*');
	DELETE FROM `review_queue_counts`
	WHERE `n` <= 0
		AND `ancestor_id` IN (SELECT `value` FROM json_each('["' || replace(trim(old.`unit_path`, '/'), '/', '","') || '"]'))
		AND `stage_role` = old.`stage_role` AND `assignee_id` IN (coalesce(old.`assignee_id`, ''), '*');
END;
