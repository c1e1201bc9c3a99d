-- Backfill of 0005. Ranks must match REVIEW_RANK in src/domain/policy.ts.
-- How far each report has reached up the review chain: the highest stage any event touched, or
-- the stage it waits at now.
UPDATE `reports` SET `review_reach` = max(
  coalesce((SELECT max(CASE e.`stage` WHEN 'centre_head' THEN 1 WHEN 'specialist' THEN 2 WHEN 'deputy_head' THEN 3 WHEN 'director' THEN 4 ELSE 0 END)
            FROM `report_events` e WHERE e.`report_id` = `reports`.`id`), 0),
  CASE `stage_role` WHEN 'centre_head' THEN 1 WHEN 'specialist' THEN 2 WHEN 'deputy_head' THEN 3 WHEN 'director' THEN 4 ELSE 0 END
);
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
