CREATE TABLE `portal_entries` (
	`report_id` text PRIMARY KEY NOT NULL,
	`path` text NOT NULL,
	`unit_id` text NOT NULL,
	`seq` integer NOT NULL,
	`unit_seq` integer NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`summary` text,
	`event_date` text,
	`revision` integer NOT NULL,
	`first_published_at` text NOT NULL,
	`updated_at` text,
	`retracted_at` text,
	`retraction_note` text,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `portal_entries_path_uq` ON `portal_entries` (`path`);--> statement-breakpoint
CREATE UNIQUE INDEX `portal_entries_seq_uq` ON `portal_entries` (`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `portal_entries_unit_seq_uq` ON `portal_entries` (`unit_id`,`unit_seq`);--> statement-breakpoint
CREATE INDEX `portal_entries_live_idx` ON `portal_entries` (`retracted_at`,`seq`);