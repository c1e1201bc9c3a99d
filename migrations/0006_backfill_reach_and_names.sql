-- Backfill of 0005. Ranks must match REVIEW_RANK in src/domain/policy.ts.
-- How far each report has reached up the review chain: the highest stage any event touched, or
-- the stage it waits at now.
UPDATE `reports` SET `review_reach` = max(
  coalesce((SELECT max(CASE e.`stage` WHEN 'centre_head' THEN 1 WHEN 'specialist' THEN 2 WHEN 'deputy_head' THEN 3 WHEN 'director' THEN 4 ELSE 0 END)
            FROM `report_events` e WHERE e.`report_id` = `reports`.`id`), 0),
  CASE `stage_role` WHEN 'centre_head' THEN 1 WHEN 'specialist' THEN 2 WHEN 'deputy_head' THEN 3 WHEN 'director' THEN 4 ELSE 0 END
);
--> statement-breakpoint
-- Rows the old version guard left behind (a transition made after content edits had raised the
-- version, e.g. unpublishing a report being corrected) are put right from their last event, whose
-- row was always written.
UPDATE `reports` SET `status` = (SELECT e.`to_status` FROM `report_events` e WHERE e.`report_id` = `reports`.`id` ORDER BY e.`seq` DESC LIMIT 1),
  `stage` = CASE WHEN (SELECT e.`to_status` FROM `report_events` e WHERE e.`report_id` = `reports`.`id` ORDER BY e.`seq` DESC LIMIT 1) = 'in_review' THEN `stage` END,
  `stage_role` = CASE WHEN (SELECT e.`to_status` FROM `report_events` e WHERE e.`report_id` = `reports`.`id` ORDER BY e.`seq` DESC LIMIT 1) = 'in_review' THEN `stage_role` END
WHERE EXISTS (SELECT 1 FROM `report_events` e WHERE e.`report_id` = `reports`.`id` AND e.`seq` > 0)
  AND `status` <> (SELECT e.`to_status` FROM `report_events` e WHERE e.`report_id` = `reports`.`id` ORDER BY e.`seq` DESC LIMIT 1);
--> statement-breakpoint
UPDATE `reports` SET `flow_seq` = coalesce((SELECT max(e.`seq`) FROM `report_events` e WHERE e.`report_id` = `reports`.`id`), 0);
--> statement-breakpoint
-- Names on past events: the best record there is of who acted is the name they have now. The
-- audit trail is append-only, so its guard is lifted for this one backfill and put back.
DROP TRIGGER `report_events_no_update`;
--> statement-breakpoint
UPDATE `report_events` SET `actor_name` = (SELECT u.`name` FROM `users` u WHERE u.`id` = `report_events`.`actor_id`) WHERE `actor_id` IS NOT NULL AND `actor_name` IS NULL;
--> statement-breakpoint
CREATE TRIGGER `report_events_no_update` BEFORE UPDATE ON `report_events` BEGIN
	SELECT RAISE(ABORT, 'report_events is append-only');
END;
