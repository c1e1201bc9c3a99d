CREATE TABLE `dashboard_stage_rollups` (
	`ancestor_id` text NOT NULL,
	`reach` integer NOT NULL,
	`kind` text NOT NULL,
	`stage` text NOT NULL,
	`n` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`ancestor_id`, `reach`, `kind`, `stage`)
);
--> statement-breakpoint
CREATE TABLE `dashboard_time_rollups` (
	`school_year` integer NOT NULL,
	`ancestor_id` text NOT NULL,
	`reach` integer NOT NULL,
	`stage` text NOT NULL,
	`n` integer DEFAULT 0 NOT NULL,
	`seconds` integer DEFAULT 0 NOT NULL,
	`h1` integer DEFAULT 0 NOT NULL,
	`h4` integer DEFAULT 0 NOT NULL,
	`h8` integer DEFAULT 0 NOT NULL,
	`h24` integer DEFAULT 0 NOT NULL,
	`h48` integer DEFAULT 0 NOT NULL,
	`h72` integer DEFAULT 0 NOT NULL,
	`h120` integer DEFAULT 0 NOT NULL,
	`h168` integer DEFAULT 0 NOT NULL,
	`h336` integer DEFAULT 0 NOT NULL,
	`h_more` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`school_year`, `ancestor_id`, `reach`, `stage`)
);
--> statement-breakpoint
ALTER TABLE `reports` ADD `unit_name` text DEFAULT '' NOT NULL;