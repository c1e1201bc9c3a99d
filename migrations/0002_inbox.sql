DROP INDEX `reports_stage_due_idx`;--> statement-breakpoint
ALTER TABLE `reports` ADD `stage_role` text;--> statement-breakpoint
CREATE INDEX `reports_inbox_idx` ON `reports` (`status`,`stage_role`,`stage_due_at`,`id`);