CREATE TABLE `review_queue_counts` (
	`ancestor_id` text NOT NULL,
	`stage_role` text NOT NULL,
	`assignee_id` text NOT NULL,
	`n` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`ancestor_id`, `stage_role`, `assignee_id`)
);
