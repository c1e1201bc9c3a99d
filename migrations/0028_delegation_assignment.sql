CREATE TABLE `delegations` (
	`id` text PRIMARY KEY NOT NULL,
	`from_user_id` text NOT NULL,
	`to_user_id` text NOT NULL,
	`role` text NOT NULL,
	`kind` text DEFAULT 'delegation' NOT NULL,
	`starts_at` text NOT NULL,
	`ends_at` text NOT NULL,
	`note` text,
	`created_by` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`ended_at` text,
	`ended_by` text,
	FOREIGN KEY (`from_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`to_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ended_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `delegations_to_idx` ON `delegations` (`to_user_id`,`ends_at`);--> statement-breakpoint
CREATE INDEX `delegations_from_idx` ON `delegations` (`from_user_id`,`role`,`ends_at`);--> statement-breakpoint
ALTER TABLE `report_events` ADD `on_behalf_of_id` text REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `report_events` ADD `on_behalf_of_name` text;--> statement-breakpoint
ALTER TABLE `report_events` ADD `on_behalf_of_role` text;--> statement-breakpoint
ALTER TABLE `report_events` ADD `assignee_id` text REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `report_events` ADD `assignee_name` text;--> statement-breakpoint
ALTER TABLE `reports` ADD `assignee_id` text REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `reports` ADD `assignee_name` text;--> statement-breakpoint
CREATE INDEX `reports_assignee_idx` ON `reports` (`assignee_id`,`stage_due_at`,`id`) WHERE assignee_id IS NOT NULL;