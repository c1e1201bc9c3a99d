CREATE TABLE `calendar_override_events` (
	`id` text PRIMARY KEY NOT NULL,
	`date` text NOT NULL,
	`action` text NOT NULL,
	`working` integer NOT NULL,
	`name` text NOT NULL,
	`actor_id` text NOT NULL,
	`actor_name` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `calendar_override_events_date_idx` ON `calendar_override_events` (`date`,`created_at`);--> statement-breakpoint
CREATE TABLE `calendar_overrides` (
	`date` text PRIMARY KEY NOT NULL,
	`working` integer NOT NULL,
	`name` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
