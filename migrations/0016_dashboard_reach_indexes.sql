CREATE INDEX `dashboard_stage_tallies_reach_idx` ON `dashboard_stage_tallies` (`reach`,`unit_path`);--> statement-breakpoint
CREATE INDEX `dashboard_stage_times_reach_idx` ON `dashboard_stage_times` (`school_year`,`reach`,`unit_path`);--> statement-breakpoint
CREATE INDEX `dashboard_unit_tallies_reach_idx` ON `dashboard_unit_tallies` (`school_year`,`reach`,`unit_path`);