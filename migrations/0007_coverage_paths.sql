ALTER TABLE `reports` ADD `unit_path` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `role_grants` ADD `coverage` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
CREATE INDEX `report_events_decider_idx` ON `report_events` (`report_id`,`revision`,`action`,`actor_id`);