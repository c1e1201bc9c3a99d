-- The roll-up triggers of 0019, looking for emptied roll-up cells only when one can have emptied.
-- A roll-up cell is a sum of per-unit cells' n, and a per-unit cell's n is a count, never negative
-- (0011 writes +1 / -1 as reports come and go and deletes a cell at 0); so a roll-up cell reaches
-- zero only when a contribution to it shrinks: on an update, the old cell's contribution when n
-- went down or the cell moved (another path or key: the old ancestors lose old.n; an ancestor both
-- paths share is among the old ones); on an insert, never (new.n > 0 there). The conditions on old
-- and new are constant in each statement, so SQLite tests them before it reads anything: the
-- DELETEs that 0019 ran on every change (each one reading the path's ancestors and seeking their
-- cells) now run only when they can find something. The usual move of a report between stages
-- thus reads the new stage's cells once instead of three times. This relies on per-unit n never
-- going negative: the `new.n < 0` arms keep the statements but would not by themselves restore
-- 0019's rule (no roll-up cell left at zero) if it ever did. Names unchanged (test/db.triggers.test.ts
-- lists them).
DROP TRIGGER IF EXISTS `dashboard_stage_tallies_rollup_ai`;
--> statement-breakpoint
CREATE TRIGGER `dashboard_stage_tallies_rollup_ai` AFTER INSERT ON `dashboard_stage_tallies` WHEN new.`n` <> 0 BEGIN
	INSERT INTO `dashboard_stage_rollups` (`ancestor_id`, `reach`, `kind`, `stage`, `n`)
	SELECT j.`value`, new.`reach`, new.`kind`, new.`stage`, new.`n`
	FROM json_each('["*","' || replace(trim(new.`unit_path`, '/'), '/', '","') || '"]') j
	WHERE true
	ON CONFLICT (`ancestor_id`, `reach`, `kind`, `stage`) DO UPDATE SET `n` = `n` + excluded.`n`;
	DELETE FROM `dashboard_stage_rollups`
	WHERE `ancestor_id` IN (SELECT `value` FROM json_each('["*","' || replace(trim(new.`unit_path`, '/'), '/', '","') || '"]'))
		AND `reach` = new.`reach` AND `kind` = new.`kind` AND `stage` = new.`stage` AND `n` = 0
		AND new.`n` < 0;
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `dashboard_stage_tallies_rollup_au`;
--> statement-breakpoint
CREATE TRIGGER `dashboard_stage_tallies_rollup_au` AFTER UPDATE ON `dashboard_stage_tallies`
WHEN old.`n` IS NOT new.`n` OR old.`unit_path` IS NOT new.`unit_path` OR old.`reach` IS NOT new.`reach` OR old.`kind` IS NOT new.`kind` OR old.`stage` IS NOT new.`stage`
BEGIN
	INSERT INTO `dashboard_stage_rollups` (`ancestor_id`, `reach`, `kind`, `stage`, `n`)
	SELECT d.`ancestor_id`, d.`reach`, d.`kind`, d.`stage`, sum(d.`n`)
	FROM (
		SELECT j.`value` AS `ancestor_id`, old.`reach` AS `reach`, old.`kind` AS `kind`, old.`stage` AS `stage`, -old.`n` AS `n`
		FROM json_each('["*","' || replace(trim(old.`unit_path`, '/'), '/', '","') || '"]') j
		UNION ALL
		SELECT j.`value`, new.`reach`, new.`kind`, new.`stage`, new.`n`
		FROM json_each('["*","' || replace(trim(new.`unit_path`, '/'), '/', '","') || '"]') j
	) d
	GROUP BY d.`ancestor_id`, d.`reach`, d.`kind`, d.`stage`
	HAVING sum(d.`n`) <> 0
	ON CONFLICT (`ancestor_id`, `reach`, `kind`, `stage`) DO UPDATE SET `n` = `n` + excluded.`n`;
	DELETE FROM `dashboard_stage_rollups`
	WHERE `ancestor_id` IN (SELECT `value` FROM json_each('["*","' || replace(trim(old.`unit_path`, '/'), '/', '","') || '"]'))
		AND `reach` = old.`reach` AND `kind` = old.`kind` AND `stage` = old.`stage` AND `n` = 0
		AND NOT (new.`n` >= old.`n` AND old.`unit_path` IS new.`unit_path` AND old.`reach` IS new.`reach` AND old.`kind` IS new.`kind` AND old.`stage` IS new.`stage`);
	DELETE FROM `dashboard_stage_rollups`
	WHERE `ancestor_id` IN (SELECT `value` FROM json_each('["*","' || replace(trim(new.`unit_path`, '/'), '/', '","') || '"]'))
		AND `reach` = new.`reach` AND `kind` = new.`kind` AND `stage` = new.`stage` AND `n` = 0
		AND new.`n` < 0;
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `dashboard_stage_times_rollup_ai`;
--> statement-breakpoint
CREATE TRIGGER `dashboard_stage_times_rollup_ai` AFTER INSERT ON `dashboard_stage_times` WHEN new.`n` <> 0 BEGIN
	INSERT INTO `dashboard_time_rollups` (`school_year`, `ancestor_id`, `reach`, `stage`, `n`, `seconds`, `h1`, `h4`, `h8`, `h24`, `h48`, `h72`, `h120`, `h168`, `h336`, `h_more`)
	SELECT new.`school_year`, j.`value`, new.`reach`, new.`stage`, new.`n`, new.`seconds`, new.`h1`, new.`h4`, new.`h8`, new.`h24`, new.`h48`, new.`h72`, new.`h120`, new.`h168`, new.`h336`, new.`h_more`
	FROM json_each('["*","' || replace(trim(new.`unit_path`, '/'), '/', '","') || '"]') j
	WHERE true
	ON CONFLICT (`school_year`, `ancestor_id`, `reach`, `stage`) DO UPDATE SET `n` = `n` + excluded.`n`, `seconds` = `seconds` + excluded.`seconds`, `h1` = `h1` + excluded.`h1`, `h4` = `h4` + excluded.`h4`, `h8` = `h8` + excluded.`h8`, `h24` = `h24` + excluded.`h24`, `h48` = `h48` + excluded.`h48`, `h72` = `h72` + excluded.`h72`, `h120` = `h120` + excluded.`h120`, `h168` = `h168` + excluded.`h168`, `h336` = `h336` + excluded.`h336`, `h_more` = `h_more` + excluded.`h_more`;
	DELETE FROM `dashboard_time_rollups`
	WHERE `school_year` = new.`school_year` AND `ancestor_id` IN (SELECT `value` FROM json_each('["*","' || replace(trim(new.`unit_path`, '/'), '/', '","') || '"]'))
		AND `reach` = new.`reach` AND `stage` = new.`stage` AND `n` = 0
		AND new.`n` < 0;
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `dashboard_stage_times_rollup_au`;
--> statement-breakpoint
CREATE TRIGGER `dashboard_stage_times_rollup_au` AFTER UPDATE ON `dashboard_stage_times`
WHEN old.`n` IS NOT new.`n` OR old.`seconds` IS NOT new.`seconds` OR old.`unit_path` IS NOT new.`unit_path` OR old.`reach` IS NOT new.`reach` OR old.`school_year` IS NOT new.`school_year` OR old.`stage` IS NOT new.`stage`
	OR old.`h1` IS NOT new.`h1` OR old.`h4` IS NOT new.`h4` OR old.`h8` IS NOT new.`h8` OR old.`h24` IS NOT new.`h24` OR old.`h48` IS NOT new.`h48`
	OR old.`h72` IS NOT new.`h72` OR old.`h120` IS NOT new.`h120` OR old.`h168` IS NOT new.`h168` OR old.`h336` IS NOT new.`h336` OR old.`h_more` IS NOT new.`h_more`
BEGIN
	INSERT INTO `dashboard_time_rollups` (`school_year`, `ancestor_id`, `reach`, `stage`, `n`, `seconds`, `h1`, `h4`, `h8`, `h24`, `h48`, `h72`, `h120`, `h168`, `h336`, `h_more`)
	SELECT d.`school_year`, d.`ancestor_id`, d.`reach`, d.`stage`, sum(d.`n`), sum(d.`seconds`), sum(d.`h1`), sum(d.`h4`), sum(d.`h8`), sum(d.`h24`), sum(d.`h48`), sum(d.`h72`), sum(d.`h120`), sum(d.`h168`), sum(d.`h336`), sum(d.`h_more`)
	FROM (
		SELECT old.`school_year` AS `school_year`, j.`value` AS `ancestor_id`, old.`reach` AS `reach`, old.`stage` AS `stage`, -old.`n` AS `n`, -old.`seconds` AS `seconds`,
			-old.`h1` AS `h1`, -old.`h4` AS `h4`, -old.`h8` AS `h8`, -old.`h24` AS `h24`, -old.`h48` AS `h48`, -old.`h72` AS `h72`, -old.`h120` AS `h120`, -old.`h168` AS `h168`, -old.`h336` AS `h336`, -old.`h_more` AS `h_more`
		FROM json_each('["*","' || replace(trim(old.`unit_path`, '/'), '/', '","') || '"]') j
		UNION ALL
		SELECT new.`school_year`, j.`value`, new.`reach`, new.`stage`, new.`n`, new.`seconds`, new.`h1`, new.`h4`, new.`h8`, new.`h24`, new.`h48`, new.`h72`, new.`h120`, new.`h168`, new.`h336`, new.`h_more`
		FROM json_each('["*","' || replace(trim(new.`unit_path`, '/'), '/', '","') || '"]') j
	) d
	GROUP BY d.`school_year`, d.`ancestor_id`, d.`reach`, d.`stage`
	HAVING sum(d.`n`) <> 0 OR sum(d.`seconds`) <> 0 OR sum(d.`h1`) <> 0 OR sum(d.`h4`) <> 0 OR sum(d.`h8`) <> 0 OR sum(d.`h24`) <> 0 OR sum(d.`h48`) <> 0
		OR sum(d.`h72`) <> 0 OR sum(d.`h120`) <> 0 OR sum(d.`h168`) <> 0 OR sum(d.`h336`) <> 0 OR sum(d.`h_more`) <> 0
	ON CONFLICT (`school_year`, `ancestor_id`, `reach`, `stage`) DO UPDATE SET `n` = `n` + excluded.`n`, `seconds` = `seconds` + excluded.`seconds`, `h1` = `h1` + excluded.`h1`, `h4` = `h4` + excluded.`h4`, `h8` = `h8` + excluded.`h8`, `h24` = `h24` + excluded.`h24`, `h48` = `h48` + excluded.`h48`, `h72` = `h72` + excluded.`h72`, `h120` = `h120` + excluded.`h120`, `h168` = `h168` + excluded.`h168`, `h336` = `h336` + excluded.`h336`, `h_more` = `h_more` + excluded.`h_more`;
	DELETE FROM `dashboard_time_rollups`
	WHERE `school_year` = old.`school_year` AND `ancestor_id` IN (SELECT `value` FROM json_each('["*","' || replace(trim(old.`unit_path`, '/'), '/', '","') || '"]'))
		AND `reach` = old.`reach` AND `stage` = old.`stage` AND `n` = 0
		AND NOT (new.`n` >= old.`n` AND old.`unit_path` IS new.`unit_path` AND old.`reach` IS new.`reach` AND old.`school_year` IS new.`school_year` AND old.`stage` IS new.`stage`);
	DELETE FROM `dashboard_time_rollups`
	WHERE `school_year` = new.`school_year` AND `ancestor_id` IN (SELECT `value` FROM json_each('["*","' || replace(trim(new.`unit_path`, '/'), '/', '","') || '"]'))
		AND `reach` = new.`reach` AND `stage` = new.`stage` AND `n` = 0
		AND new.`n` < 0;
END;
