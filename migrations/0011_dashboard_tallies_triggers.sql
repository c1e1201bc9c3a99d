-- The dashboard's counters (issue 10, DESIGN.md section 15), kept by the database itself so that
-- they move in the same transaction as every writer of reports and report_events: the ReportFlow
-- projection batch, the submit claim, the seed, tests and the bench loader. Each cell is a report's
-- contribution under its unit, its review_reach and (for the unit table) its status: a transition
-- takes the old row's contribution away and adds the new one's, so no cell can drift or go
-- negative, and a cell that reaches zero is deleted. The unit's path is read from units (not the
-- row's copy, which another trigger may be correcting in the same statement).
-- School year (năm học): from 1 September, Vietnam time (UTC+7).

-- Backfill from what is already there.
INSERT INTO `dashboard_unit_tallies` (`school_year`, `unit_id`, `unit_path`, `reach`, `in_review`, `returned`, `withdrawn`, `approved`, `scheduled`, `published`, `unpublished`)
SELECT (CAST(strftime('%Y', r.`created_at`, '+7 hours') AS INTEGER) - (CAST(strftime('%m', r.`created_at`, '+7 hours') AS INTEGER) < 9)), r.`unit_id`, u.`path`, r.`review_reach`, sum(r.`status` = 'in_review'), sum(r.`status` = 'returned'), sum(r.`status` = 'withdrawn'), sum(r.`status` = 'approved'), sum(r.`status` = 'scheduled'), sum(r.`status` = 'published'), sum(r.`status` = 'unpublished')
FROM `reports` r JOIN `units` u ON u.`id` = r.`unit_id`
WHERE r.`status` <> 'draft'
GROUP BY 1, r.`unit_id`, r.`review_reach`;
--> statement-breakpoint
INSERT INTO `dashboard_stage_tallies` (`unit_id`, `unit_path`, `reach`, `kind`, `stage`, `n`)
SELECT r.`unit_id`, u.`path`, r.`review_reach`, r.`kind`, coalesce(r.`stage`, ''), count(*)
FROM `reports` r JOIN `units` u ON u.`id` = r.`unit_id`
WHERE r.`status` = 'in_review'
GROUP BY r.`unit_id`, r.`review_reach`, r.`kind`, coalesce(r.`stage`, '');
--> statement-breakpoint
INSERT INTO `dashboard_stage_times` (`school_year`, `unit_id`, `unit_path`, `reach`, `stage`, `n`, `seconds`, `h1`, `h4`, `h8`, `h24`, `h48`, `h72`, `h120`, `h168`, `h336`, `h_more`)
SELECT d.`y`, d.`unit_id`, u.`path`, d.`reach`, d.`stage`, count(*), sum(d.`s`), sum((d.`s` < 3600)), sum((d.`s` >= 3600 AND d.`s` < 14400)), sum((d.`s` >= 14400 AND d.`s` < 28800)), sum((d.`s` >= 28800 AND d.`s` < 86400)), sum((d.`s` >= 86400 AND d.`s` < 172800)), sum((d.`s` >= 172800 AND d.`s` < 259200)), sum((d.`s` >= 259200 AND d.`s` < 432000)), sum((d.`s` >= 432000 AND d.`s` < 604800)), sum((d.`s` >= 604800 AND d.`s` < 1209600)), sum((d.`s` >= 1209600))
FROM (
	SELECT (CAST(strftime('%Y', e.`created_at`, '+7 hours') AS INTEGER) - (CAST(strftime('%m', e.`created_at`, '+7 hours') AS INTEGER) < 9)) AS `y`, r.`unit_id` AS `unit_id`, r.`review_reach` AS `reach`, coalesce(e.`stage`, '') AS `stage`,
		CAST(round((julianday(e.`created_at`) - julianday(p.`created_at`)) * 86400) AS INTEGER) AS `s`
	FROM `report_events` e
	JOIN `report_events` p ON p.`report_id` = e.`report_id` AND p.`seq` = e.`seq` - 1
	JOIN `reports` r ON r.`id` = e.`report_id`
	WHERE e.`action` IN ('approve', 'return')
) d JOIN `units` u ON u.`id` = d.`unit_id`
GROUP BY d.`y`, d.`unit_id`, d.`reach`, d.`stage`;
--> statement-breakpoint
-- A new report (usually a draft: it counts once submitted, unless a writer inserts it submitted).
CREATE TRIGGER `reports_dashboard_ai` AFTER INSERT ON `reports` BEGIN
	INSERT INTO `dashboard_unit_tallies` (`school_year`, `unit_id`, `unit_path`, `reach`, `in_review`, `returned`, `withdrawn`, `approved`, `scheduled`, `published`, `unpublished`)
	SELECT (CAST(strftime('%Y', new.`created_at`, '+7 hours') AS INTEGER) - (CAST(strftime('%m', new.`created_at`, '+7 hours') AS INTEGER) < 9)), new.`unit_id`, (SELECT `path` FROM `units` WHERE `id` = new.`unit_id`), new.`review_reach`, +(new.`status` = 'in_review'), +(new.`status` = 'returned'), +(new.`status` = 'withdrawn'), +(new.`status` = 'approved'), +(new.`status` = 'scheduled'), +(new.`status` = 'published'), +(new.`status` = 'unpublished')
	WHERE new.`status` <> 'draft'
	ON CONFLICT (`unit_id`, `reach`, `school_year`) DO UPDATE SET `in_review` = `in_review` + excluded.`in_review`, `returned` = `returned` + excluded.`returned`, `withdrawn` = `withdrawn` + excluded.`withdrawn`, `approved` = `approved` + excluded.`approved`, `scheduled` = `scheduled` + excluded.`scheduled`, `published` = `published` + excluded.`published`, `unpublished` = `unpublished` + excluded.`unpublished`, `unit_path` = excluded.`unit_path`;
	INSERT INTO `dashboard_stage_tallies` (`unit_id`, `unit_path`, `reach`, `kind`, `stage`, `n`)
	SELECT new.`unit_id`, (SELECT `path` FROM `units` WHERE `id` = new.`unit_id`), new.`review_reach`, new.`kind`, coalesce(new.`stage`, ''), +1
	WHERE new.`status` = 'in_review'
	ON CONFLICT (`unit_id`, `reach`, `kind`, `stage`) DO UPDATE SET `n` = `n` + excluded.`n`, `unit_path` = excluded.`unit_path`;
END;
--> statement-breakpoint
-- A transition (or any change of what a cell is keyed by): the old contribution out, the new in.
CREATE TRIGGER `reports_dashboard_au` AFTER UPDATE OF `status`, `stage`, `kind`, `review_reach`, `unit_id`, `created_at` ON `reports`
WHEN old.`status` IS NOT new.`status` OR old.`stage` IS NOT new.`stage` OR old.`kind` IS NOT new.`kind`
	OR old.`review_reach` IS NOT new.`review_reach` OR old.`unit_id` IS NOT new.`unit_id` OR old.`created_at` IS NOT new.`created_at`
BEGIN
	INSERT INTO `dashboard_unit_tallies` (`school_year`, `unit_id`, `unit_path`, `reach`, `in_review`, `returned`, `withdrawn`, `approved`, `scheduled`, `published`, `unpublished`)
	SELECT (CAST(strftime('%Y', old.`created_at`, '+7 hours') AS INTEGER) - (CAST(strftime('%m', old.`created_at`, '+7 hours') AS INTEGER) < 9)), old.`unit_id`, (SELECT `path` FROM `units` WHERE `id` = old.`unit_id`), old.`review_reach`, -(old.`status` = 'in_review'), -(old.`status` = 'returned'), -(old.`status` = 'withdrawn'), -(old.`status` = 'approved'), -(old.`status` = 'scheduled'), -(old.`status` = 'published'), -(old.`status` = 'unpublished')
	WHERE old.`status` <> 'draft'
	ON CONFLICT (`unit_id`, `reach`, `school_year`) DO UPDATE SET `in_review` = `in_review` + excluded.`in_review`, `returned` = `returned` + excluded.`returned`, `withdrawn` = `withdrawn` + excluded.`withdrawn`, `approved` = `approved` + excluded.`approved`, `scheduled` = `scheduled` + excluded.`scheduled`, `published` = `published` + excluded.`published`, `unpublished` = `unpublished` + excluded.`unpublished`, `unit_path` = excluded.`unit_path`;
	DELETE FROM `dashboard_unit_tallies`
	WHERE `unit_id` = old.`unit_id` AND `reach` = old.`review_reach` AND `school_year` = (CAST(strftime('%Y', old.`created_at`, '+7 hours') AS INTEGER) - (CAST(strftime('%m', old.`created_at`, '+7 hours') AS INTEGER) < 9)) AND `in_review` = 0 AND `returned` = 0 AND `withdrawn` = 0 AND `approved` = 0 AND `scheduled` = 0 AND `published` = 0 AND `unpublished` = 0;
	INSERT INTO `dashboard_unit_tallies` (`school_year`, `unit_id`, `unit_path`, `reach`, `in_review`, `returned`, `withdrawn`, `approved`, `scheduled`, `published`, `unpublished`)
	SELECT (CAST(strftime('%Y', new.`created_at`, '+7 hours') AS INTEGER) - (CAST(strftime('%m', new.`created_at`, '+7 hours') AS INTEGER) < 9)), new.`unit_id`, (SELECT `path` FROM `units` WHERE `id` = new.`unit_id`), new.`review_reach`, +(new.`status` = 'in_review'), +(new.`status` = 'returned'), +(new.`status` = 'withdrawn'), +(new.`status` = 'approved'), +(new.`status` = 'scheduled'), +(new.`status` = 'published'), +(new.`status` = 'unpublished')
	WHERE new.`status` <> 'draft'
	ON CONFLICT (`unit_id`, `reach`, `school_year`) DO UPDATE SET `in_review` = `in_review` + excluded.`in_review`, `returned` = `returned` + excluded.`returned`, `withdrawn` = `withdrawn` + excluded.`withdrawn`, `approved` = `approved` + excluded.`approved`, `scheduled` = `scheduled` + excluded.`scheduled`, `published` = `published` + excluded.`published`, `unpublished` = `unpublished` + excluded.`unpublished`, `unit_path` = excluded.`unit_path`;
	INSERT INTO `dashboard_stage_tallies` (`unit_id`, `unit_path`, `reach`, `kind`, `stage`, `n`)
	SELECT old.`unit_id`, (SELECT `path` FROM `units` WHERE `id` = old.`unit_id`), old.`review_reach`, old.`kind`, coalesce(old.`stage`, ''), -1
	WHERE old.`status` = 'in_review'
	ON CONFLICT (`unit_id`, `reach`, `kind`, `stage`) DO UPDATE SET `n` = `n` + excluded.`n`, `unit_path` = excluded.`unit_path`;
	DELETE FROM `dashboard_stage_tallies`
	WHERE `unit_id` = old.`unit_id` AND `reach` = old.`review_reach` AND `kind` = old.`kind` AND `stage` = coalesce(old.`stage`, '') AND `n` = 0;
	INSERT INTO `dashboard_stage_tallies` (`unit_id`, `unit_path`, `reach`, `kind`, `stage`, `n`)
	SELECT new.`unit_id`, (SELECT `path` FROM `units` WHERE `id` = new.`unit_id`), new.`review_reach`, new.`kind`, coalesce(new.`stage`, ''), +1
	WHERE new.`status` = 'in_review'
	ON CONFLICT (`unit_id`, `reach`, `kind`, `stage`) DO UPDATE SET `n` = `n` + excluded.`n`, `unit_path` = excluded.`unit_path`;
END;
--> statement-breakpoint
-- Time in stage is filed under the report's CURRENT reach (visibility reads the current row): when
-- the reach grows (or the unit changes), the report's past decisions move with it.
CREATE TRIGGER `reports_dashboard_times_au` AFTER UPDATE OF `review_reach`, `unit_id` ON `reports`
WHEN old.`review_reach` IS NOT new.`review_reach` OR old.`unit_id` IS NOT new.`unit_id`
BEGIN
	INSERT INTO `dashboard_stage_times` (`school_year`, `unit_id`, `unit_path`, `reach`, `stage`, `n`, `seconds`, `h1`, `h4`, `h8`, `h24`, `h48`, `h72`, `h120`, `h168`, `h336`, `h_more`)
	SELECT d.`y`, old.`unit_id`, (SELECT `path` FROM `units` WHERE `id` = old.`unit_id`), old.`review_reach`, d.`stage`, -count(*), -sum(d.`s`), -sum((d.`s` < 3600)), -sum((d.`s` >= 3600 AND d.`s` < 14400)), -sum((d.`s` >= 14400 AND d.`s` < 28800)), -sum((d.`s` >= 28800 AND d.`s` < 86400)), -sum((d.`s` >= 86400 AND d.`s` < 172800)), -sum((d.`s` >= 172800 AND d.`s` < 259200)), -sum((d.`s` >= 259200 AND d.`s` < 432000)), -sum((d.`s` >= 432000 AND d.`s` < 604800)), -sum((d.`s` >= 604800 AND d.`s` < 1209600)), -sum((d.`s` >= 1209600))
	FROM (
		SELECT (CAST(strftime('%Y', e.`created_at`, '+7 hours') AS INTEGER) - (CAST(strftime('%m', e.`created_at`, '+7 hours') AS INTEGER) < 9)) AS `y`, coalesce(e.`stage`, '') AS `stage`, CAST(round((julianday(e.`created_at`) - julianday(p.`created_at`)) * 86400) AS INTEGER) AS `s`
		FROM `report_events` e JOIN `report_events` p ON p.`report_id` = e.`report_id` AND p.`seq` = e.`seq` - 1
		WHERE e.`report_id` = old.`id` AND e.`action` IN ('approve', 'return')
	) d
	WHERE true GROUP BY d.`y`, d.`stage`
	ON CONFLICT (`unit_id`, `reach`, `school_year`, `stage`) DO UPDATE SET `n` = `n` + excluded.`n`, `seconds` = `seconds` + excluded.`seconds`, `h1` = `h1` + excluded.`h1`, `h4` = `h4` + excluded.`h4`, `h8` = `h8` + excluded.`h8`, `h24` = `h24` + excluded.`h24`, `h48` = `h48` + excluded.`h48`, `h72` = `h72` + excluded.`h72`, `h120` = `h120` + excluded.`h120`, `h168` = `h168` + excluded.`h168`, `h336` = `h336` + excluded.`h336`, `h_more` = `h_more` + excluded.`h_more`, `unit_path` = excluded.`unit_path`;
	DELETE FROM `dashboard_stage_times` WHERE `unit_id` = old.`unit_id` AND `reach` = old.`review_reach` AND `n` = 0;
	INSERT INTO `dashboard_stage_times` (`school_year`, `unit_id`, `unit_path`, `reach`, `stage`, `n`, `seconds`, `h1`, `h4`, `h8`, `h24`, `h48`, `h72`, `h120`, `h168`, `h336`, `h_more`)
	SELECT d.`y`, new.`unit_id`, (SELECT `path` FROM `units` WHERE `id` = new.`unit_id`), new.`review_reach`, d.`stage`, +count(*), +sum(d.`s`), +sum((d.`s` < 3600)), +sum((d.`s` >= 3600 AND d.`s` < 14400)), +sum((d.`s` >= 14400 AND d.`s` < 28800)), +sum((d.`s` >= 28800 AND d.`s` < 86400)), +sum((d.`s` >= 86400 AND d.`s` < 172800)), +sum((d.`s` >= 172800 AND d.`s` < 259200)), +sum((d.`s` >= 259200 AND d.`s` < 432000)), +sum((d.`s` >= 432000 AND d.`s` < 604800)), +sum((d.`s` >= 604800 AND d.`s` < 1209600)), +sum((d.`s` >= 1209600))
	FROM (
		SELECT (CAST(strftime('%Y', e.`created_at`, '+7 hours') AS INTEGER) - (CAST(strftime('%m', e.`created_at`, '+7 hours') AS INTEGER) < 9)) AS `y`, coalesce(e.`stage`, '') AS `stage`, CAST(round((julianday(e.`created_at`) - julianday(p.`created_at`)) * 86400) AS INTEGER) AS `s`
		FROM `report_events` e JOIN `report_events` p ON p.`report_id` = e.`report_id` AND p.`seq` = e.`seq` - 1
		WHERE e.`report_id` = new.`id` AND e.`action` IN ('approve', 'return')
	) d
	WHERE true GROUP BY d.`y`, d.`stage`
	ON CONFLICT (`unit_id`, `reach`, `school_year`, `stage`) DO UPDATE SET `n` = `n` + excluded.`n`, `seconds` = `seconds` + excluded.`seconds`, `h1` = `h1` + excluded.`h1`, `h4` = `h4` + excluded.`h4`, `h8` = `h8` + excluded.`h8`, `h24` = `h24` + excluded.`h24`, `h48` = `h48` + excluded.`h48`, `h72` = `h72` + excluded.`h72`, `h120` = `h120` + excluded.`h120`, `h168` = `h168` + excluded.`h168`, `h336` = `h336` + excluded.`h336`, `h_more` = `h_more` + excluded.`h_more`, `unit_path` = excluded.`unit_path`;
END;
--> statement-breakpoint
CREATE TRIGGER `reports_dashboard_ad` AFTER DELETE ON `reports` BEGIN
	INSERT INTO `dashboard_unit_tallies` (`school_year`, `unit_id`, `unit_path`, `reach`, `in_review`, `returned`, `withdrawn`, `approved`, `scheduled`, `published`, `unpublished`)
	SELECT (CAST(strftime('%Y', old.`created_at`, '+7 hours') AS INTEGER) - (CAST(strftime('%m', old.`created_at`, '+7 hours') AS INTEGER) < 9)), old.`unit_id`, (SELECT `path` FROM `units` WHERE `id` = old.`unit_id`), old.`review_reach`, -(old.`status` = 'in_review'), -(old.`status` = 'returned'), -(old.`status` = 'withdrawn'), -(old.`status` = 'approved'), -(old.`status` = 'scheduled'), -(old.`status` = 'published'), -(old.`status` = 'unpublished')
	WHERE old.`status` <> 'draft'
	ON CONFLICT (`unit_id`, `reach`, `school_year`) DO UPDATE SET `in_review` = `in_review` + excluded.`in_review`, `returned` = `returned` + excluded.`returned`, `withdrawn` = `withdrawn` + excluded.`withdrawn`, `approved` = `approved` + excluded.`approved`, `scheduled` = `scheduled` + excluded.`scheduled`, `published` = `published` + excluded.`published`, `unpublished` = `unpublished` + excluded.`unpublished`, `unit_path` = excluded.`unit_path`;
	DELETE FROM `dashboard_unit_tallies`
	WHERE `unit_id` = old.`unit_id` AND `reach` = old.`review_reach` AND `school_year` = (CAST(strftime('%Y', old.`created_at`, '+7 hours') AS INTEGER) - (CAST(strftime('%m', old.`created_at`, '+7 hours') AS INTEGER) < 9)) AND `in_review` = 0 AND `returned` = 0 AND `withdrawn` = 0 AND `approved` = 0 AND `scheduled` = 0 AND `published` = 0 AND `unpublished` = 0;
	INSERT INTO `dashboard_stage_tallies` (`unit_id`, `unit_path`, `reach`, `kind`, `stage`, `n`)
	SELECT old.`unit_id`, (SELECT `path` FROM `units` WHERE `id` = old.`unit_id`), old.`review_reach`, old.`kind`, coalesce(old.`stage`, ''), -1
	WHERE old.`status` = 'in_review'
	ON CONFLICT (`unit_id`, `reach`, `kind`, `stage`) DO UPDATE SET `n` = `n` + excluded.`n`, `unit_path` = excluded.`unit_path`;
	DELETE FROM `dashboard_stage_tallies`
	WHERE `unit_id` = old.`unit_id` AND `reach` = old.`review_reach` AND `kind` = old.`kind` AND `stage` = coalesce(old.`stage`, '') AND `n` = 0;
	INSERT INTO `dashboard_stage_times` (`school_year`, `unit_id`, `unit_path`, `reach`, `stage`, `n`, `seconds`, `h1`, `h4`, `h8`, `h24`, `h48`, `h72`, `h120`, `h168`, `h336`, `h_more`)
	SELECT d.`y`, old.`unit_id`, (SELECT `path` FROM `units` WHERE `id` = old.`unit_id`), old.`review_reach`, d.`stage`, -count(*), -sum(d.`s`), -sum((d.`s` < 3600)), -sum((d.`s` >= 3600 AND d.`s` < 14400)), -sum((d.`s` >= 14400 AND d.`s` < 28800)), -sum((d.`s` >= 28800 AND d.`s` < 86400)), -sum((d.`s` >= 86400 AND d.`s` < 172800)), -sum((d.`s` >= 172800 AND d.`s` < 259200)), -sum((d.`s` >= 259200 AND d.`s` < 432000)), -sum((d.`s` >= 432000 AND d.`s` < 604800)), -sum((d.`s` >= 604800 AND d.`s` < 1209600)), -sum((d.`s` >= 1209600))
	FROM (
		SELECT (CAST(strftime('%Y', e.`created_at`, '+7 hours') AS INTEGER) - (CAST(strftime('%m', e.`created_at`, '+7 hours') AS INTEGER) < 9)) AS `y`, coalesce(e.`stage`, '') AS `stage`, CAST(round((julianday(e.`created_at`) - julianday(p.`created_at`)) * 86400) AS INTEGER) AS `s`
		FROM `report_events` e JOIN `report_events` p ON p.`report_id` = e.`report_id` AND p.`seq` = e.`seq` - 1
		WHERE e.`report_id` = old.`id` AND e.`action` IN ('approve', 'return')
	) d
	WHERE true GROUP BY d.`y`, d.`stage`
	ON CONFLICT (`unit_id`, `reach`, `school_year`, `stage`) DO UPDATE SET `n` = `n` + excluded.`n`, `seconds` = `seconds` + excluded.`seconds`, `h1` = `h1` + excluded.`h1`, `h4` = `h4` + excluded.`h4`, `h8` = `h8` + excluded.`h8`, `h24` = `h24` + excluded.`h24`, `h48` = `h48` + excluded.`h48`, `h72` = `h72` + excluded.`h72`, `h120` = `h120` + excluded.`h120`, `h168` = `h168` + excluded.`h168`, `h336` = `h336` + excluded.`h336`, `h_more` = `h_more` + excluded.`h_more`, `unit_path` = excluded.`unit_path`;
	DELETE FROM `dashboard_stage_times` WHERE `unit_id` = old.`unit_id` AND `reach` = old.`review_reach` AND `n` = 0;
END;
--> statement-breakpoint
-- A decision: the time from the event before it. report_events is append-only (0003), so inserts
-- are all there is to follow; INSERT OR IGNORE of a projected event does not fire this again.
CREATE TRIGGER `report_events_dashboard_ai` AFTER INSERT ON `report_events` WHEN new.`action` IN ('approve', 'return') BEGIN
	INSERT INTO `dashboard_stage_times` (`school_year`, `unit_id`, `unit_path`, `reach`, `stage`, `n`, `seconds`, `h1`, `h4`, `h8`, `h24`, `h48`, `h72`, `h120`, `h168`, `h336`, `h_more`)
	SELECT (CAST(strftime('%Y', new.`created_at`, '+7 hours') AS INTEGER) - (CAST(strftime('%m', new.`created_at`, '+7 hours') AS INTEGER) < 9)), r.`unit_id`, (SELECT `path` FROM `units` WHERE `id` = r.`unit_id`), r.`review_reach`, coalesce(new.`stage`, ''), 1, d.`s`, (d.`s` < 3600), (d.`s` >= 3600 AND d.`s` < 14400), (d.`s` >= 14400 AND d.`s` < 28800), (d.`s` >= 28800 AND d.`s` < 86400), (d.`s` >= 86400 AND d.`s` < 172800), (d.`s` >= 172800 AND d.`s` < 259200), (d.`s` >= 259200 AND d.`s` < 432000), (d.`s` >= 432000 AND d.`s` < 604800), (d.`s` >= 604800 AND d.`s` < 1209600), (d.`s` >= 1209600)
	FROM (SELECT CAST(round((julianday(new.`created_at`) - julianday(p.`created_at`)) * 86400) AS INTEGER) AS `s` FROM `report_events` p WHERE p.`report_id` = new.`report_id` AND p.`seq` = new.`seq` - 1) d JOIN `reports` r ON r.`id` = new.`report_id`
	WHERE true
	ON CONFLICT (`unit_id`, `reach`, `school_year`, `stage`) DO UPDATE SET `n` = `n` + excluded.`n`, `seconds` = `seconds` + excluded.`seconds`, `h1` = `h1` + excluded.`h1`, `h4` = `h4` + excluded.`h4`, `h8` = `h8` + excluded.`h8`, `h24` = `h24` + excluded.`h24`, `h48` = `h48` + excluded.`h48`, `h72` = `h72` + excluded.`h72`, `h120` = `h120` + excluded.`h120`, `h168` = `h168` + excluded.`h168`, `h336` = `h336` + excluded.`h336`, `h_more` = `h_more` + excluded.`h_more`, `unit_path` = excluded.`unit_path`;
END;
--> statement-breakpoint
-- A writer that inserts events out of order: the decision after this event is counted now.
CREATE TRIGGER `report_events_dashboard_prev_ai` AFTER INSERT ON `report_events`
WHEN EXISTS (SELECT 1 FROM `report_events` x WHERE x.`report_id` = new.`report_id` AND x.`seq` = new.`seq` + 1 AND x.`action` IN ('approve', 'return'))
BEGIN
	INSERT INTO `dashboard_stage_times` (`school_year`, `unit_id`, `unit_path`, `reach`, `stage`, `n`, `seconds`, `h1`, `h4`, `h8`, `h24`, `h48`, `h72`, `h120`, `h168`, `h336`, `h_more`)
	SELECT (CAST(strftime('%Y', x.`created_at`, '+7 hours') AS INTEGER) - (CAST(strftime('%m', x.`created_at`, '+7 hours') AS INTEGER) < 9)), r.`unit_id`, (SELECT `path` FROM `units` WHERE `id` = r.`unit_id`), r.`review_reach`, coalesce(x.`stage`, ''), 1, x.`s`, (x.`s` < 3600), (x.`s` >= 3600 AND x.`s` < 14400), (x.`s` >= 14400 AND x.`s` < 28800), (x.`s` >= 28800 AND x.`s` < 86400), (x.`s` >= 86400 AND x.`s` < 172800), (x.`s` >= 172800 AND x.`s` < 259200), (x.`s` >= 259200 AND x.`s` < 432000), (x.`s` >= 432000 AND x.`s` < 604800), (x.`s` >= 604800 AND x.`s` < 1209600), (x.`s` >= 1209600)
	FROM (SELECT x.*, CAST(round((julianday(x.`created_at`) - julianday(new.`created_at`)) * 86400) AS INTEGER) AS `s` FROM `report_events` x WHERE x.`report_id` = new.`report_id` AND x.`seq` = new.`seq` + 1) x JOIN `reports` r ON r.`id` = x.`report_id`
	WHERE true
	ON CONFLICT (`unit_id`, `reach`, `school_year`, `stage`) DO UPDATE SET `n` = `n` + excluded.`n`, `seconds` = `seconds` + excluded.`seconds`, `h1` = `h1` + excluded.`h1`, `h4` = `h4` + excluded.`h4`, `h8` = `h8` + excluded.`h8`, `h24` = `h24` + excluded.`h24`, `h48` = `h48` + excluded.`h48`, `h72` = `h72` + excluded.`h72`, `h120` = `h120` + excluded.`h120`, `h168` = `h168` + excluded.`h168`, `h336` = `h336` + excluded.`h336`, `h_more` = `h_more` + excluded.`h_more`, `unit_path` = excluded.`unit_path`;
END;
--> statement-breakpoint
-- Paths never change today (0008); if they do, the counters' copies follow.
CREATE TRIGGER `units_dashboard_path_au` AFTER UPDATE OF `path` ON `units` BEGIN
	UPDATE `dashboard_unit_tallies` SET `unit_path` = new.`path` WHERE `unit_id` = new.`id`;
	UPDATE `dashboard_stage_tallies` SET `unit_path` = new.`path` WHERE `unit_id` = new.`id`;
	UPDATE `dashboard_stage_times` SET `unit_path` = new.`path` WHERE `unit_id` = new.`id`;
END;
--> statement-breakpoint
-- The overdue list walks in-review reports in due order and stops at the page: all of them for a
-- caller who reads every reach (admin), or one review_reach at a time for a reviewer, so that the
-- walk never passes over the reports below their stage. Both indexes hold in-review reports only.
CREATE INDEX `reports_due_idx` ON `reports` (`stage_due_at`, `id`) WHERE `status` = 'in_review';
--> statement-breakpoint
CREATE INDEX `reports_due_reach_idx` ON `reports` (`review_reach`, `stage_due_at`, `id`) WHERE `status` = 'in_review';
