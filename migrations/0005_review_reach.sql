ALTER TABLE `report_events` ADD `actor_name` text;--> statement-breakpoint
ALTER TABLE `reports` ADD `flow_seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `reports` ADD `review_reach` integer DEFAULT 0 NOT NULL;