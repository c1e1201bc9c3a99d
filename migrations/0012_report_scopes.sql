CREATE TABLE `report_scopes` (
	`unit_id` text NOT NULL,
	`report_id` text NOT NULL,
	`created_at` text NOT NULL,
	`status` text NOT NULL,
	`review_reach` integer NOT NULL,
	`stage_role` text,
	`stage_due_at` text,
	PRIMARY KEY(`unit_id`, `report_id`),
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `report_scopes_report_idx` ON `report_scopes` (`report_id`);--> statement-breakpoint
CREATE INDEX `report_scopes_list_idx` ON `report_scopes` (`unit_id`,`created_at`,`report_id`,`status`,`review_reach`);--> statement-breakpoint
CREATE INDEX `report_scopes_inbox_idx` ON `report_scopes` (`unit_id`,`status`,`stage_role`,`stage_due_at`,`report_id`);