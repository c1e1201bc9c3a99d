CREATE TABLE `dashboard_stage_tallies` (
	`unit_id` text NOT NULL,
	`unit_path` text NOT NULL,
	`reach` integer NOT NULL,
	`kind` text NOT NULL,
	`stage` text NOT NULL,
	`n` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`unit_id`, `reach`, `kind`, `stage`)
);
--> statement-breakpoint
CREATE INDEX `dashboard_stage_tallies_path_idx` ON `dashboard_stage_tallies` (`unit_path`);--> statement-breakpoint
CREATE TABLE `dashboard_stage_times` (
	`school_year` integer NOT NULL,
	`unit_id` text NOT NULL,
	`unit_path` text NOT NULL,
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
	PRIMARY KEY(`unit_id`, `reach`, `school_year`, `stage`)
);
--> statement-breakpoint
CREATE INDEX `dashboard_stage_times_path_idx` ON `dashboard_stage_times` (`school_year`,`unit_path`);--> statement-breakpoint
CREATE TABLE `dashboard_unit_tallies` (
	`school_year` integer NOT NULL,
	`unit_id` text NOT NULL,
	`unit_path` text NOT NULL,
	`reach` integer NOT NULL,
	`in_review` integer DEFAULT 0 NOT NULL,
	`returned` integer DEFAULT 0 NOT NULL,
	`withdrawn` integer DEFAULT 0 NOT NULL,
	`approved` integer DEFAULT 0 NOT NULL,
	`scheduled` integer DEFAULT 0 NOT NULL,
	`published` integer DEFAULT 0 NOT NULL,
	`unpublished` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`unit_id`, `reach`, `school_year`)
);
--> statement-breakpoint
CREATE INDEX `dashboard_unit_tallies_path_idx` ON `dashboard_unit_tallies` (`school_year`,`unit_path`);