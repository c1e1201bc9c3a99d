ALTER TABLE `reports` ADD `period_id` text REFERENCES periods(id);--> statement-breakpoint
ALTER TABLE `reports` ADD `figure_notes` text;--> statement-breakpoint
ALTER TABLE `reports` ADD `submitted_at` text;--> statement-breakpoint
CREATE UNIQUE INDEX `reports_period_unit_idx` ON `reports` (`period_id`,`unit_id`) WHERE period_id IS NOT NULL;--> statement-breakpoint
-- Reports submitted before this migration: their first submission is in the history.
UPDATE `reports` SET `submitted_at` = (SELECT min(`created_at`) FROM `report_events` WHERE `report_events`.`report_id` = `reports`.`id` AND `report_events`.`action` = 'submit') WHERE `revision` > 0;
