CREATE TABLE `portal_corrections` (
	`report_id` text NOT NULL,
	`revision` integer NOT NULL,
	`at` text NOT NULL,
	`note` text NOT NULL,
	PRIMARY KEY(`report_id`, `revision`),
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `portal_entries` ADD `body_text` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `reports` ADD `correction_note` text;