-- reports.unit_name (issue 10): a copy of units.name, so that the inbox and the report lists show
-- each row's unit without a look-up per row. Writers that know the name (the API: the actor's
-- unit) set it; the database corrects any writer that left it out or got it wrong, and follows a
-- rename. Only unit_name changes in these UPDATEs, which no other trigger watches.
UPDATE `reports` SET `unit_name` = (SELECT `name` FROM `units` WHERE `units`.`id` = `reports`.`unit_id`);
--> statement-breakpoint
CREATE TRIGGER `reports_unit_name_ai` AFTER INSERT ON `reports`
WHEN new.`unit_name` IS NOT (SELECT `name` FROM `units` WHERE `id` = new.`unit_id`)
BEGIN
	UPDATE `reports` SET `unit_name` = (SELECT `name` FROM `units` WHERE `id` = new.`unit_id`) WHERE rowid = new.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER `reports_unit_name_au` AFTER UPDATE OF `unit_id`, `unit_name` ON `reports`
WHEN new.`unit_name` IS NOT (SELECT `name` FROM `units` WHERE `id` = new.`unit_id`)
BEGIN
	UPDATE `reports` SET `unit_name` = (SELECT `name` FROM `units` WHERE `id` = new.`unit_id`) WHERE rowid = new.rowid;
END;
--> statement-breakpoint
-- A rename reaches every report of the unit (through reports_unit_created_idx): rare, and an
-- admin's action, so its cost is paid there and not on every list.
CREATE TRIGGER `units_name_au` AFTER UPDATE OF `name` ON `units`
WHEN old.`name` IS NOT new.`name`
BEGIN
	UPDATE `reports` SET `unit_name` = new.`name` WHERE `unit_id` = new.`id`;
END;
