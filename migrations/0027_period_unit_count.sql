ALTER TABLE `periods` ADD `unit_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE `periods` SET `unit_count` = (SELECT count(*) FROM `period_units` WHERE `period_units`.`period_id` = `periods`.`id`);
