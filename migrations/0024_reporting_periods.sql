CREATE TABLE `period_units` (
	`period_id` text NOT NULL,
	`unit_id` text NOT NULL,
	PRIMARY KEY(`period_id`, `unit_id`),
	FOREIGN KEY (`period_id`) REFERENCES `periods`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `period_units_unit_idx` ON `period_units` (`unit_id`,`period_id`);--> statement-breakpoint
CREATE TABLE `periods` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`indicator_set_id` text NOT NULL,
	`opens_at` text NOT NULL,
	`due_at` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`opened_by` text NOT NULL,
	`opened_by_name` text NOT NULL,
	`created_at` text NOT NULL,
	`closed_at` text,
	`closed_by` text,
	FOREIGN KEY (`opened_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`closed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `periods_created_idx` ON `periods` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `periods_status_due_idx` ON `periods` (`status`,`due_at`);