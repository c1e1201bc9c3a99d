-- users.grants (0036): the user's grants as the signed-in look-up reads them, [[role, coverage], ...]
-- with coverage the grant's JSON list of covered paths as text (role_grants.coverage, itself kept
-- by the triggers of 0008 on grant_units and units). Kept here in the statement that inserts,
-- changes or deletes a grant, so a revoked grant is gone from the next request's look-up.
-- grant_units rows are only ever inserted or deleted (replaceGrantsStatements, the seed): 0008 has
-- no trigger for an UPDATE of one, so neither the coverage nor this copy would follow it.

UPDATE `users` SET `grants` = (SELECT json_group_array(json_array(g.`role`, g.`coverage`)) FROM `role_grants` g WHERE g.`user_id` = `users`.`id`);
--> statement-breakpoint
CREATE TRIGGER `role_grants_user_ai` AFTER INSERT ON `role_grants` BEGIN
	UPDATE `users` SET `grants` = (SELECT json_group_array(json_array(g.`role`, g.`coverage`)) FROM `role_grants` g WHERE g.`user_id` = new.`user_id`)
	WHERE `id` = new.`user_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `role_grants_user_au` AFTER UPDATE OF `user_id`, `role`, `coverage` ON `role_grants` BEGIN
	UPDATE `users` SET `grants` = (SELECT json_group_array(json_array(g.`role`, g.`coverage`)) FROM `role_grants` g WHERE g.`user_id` = `users`.`id`)
	WHERE `id` IN (old.`user_id`, new.`user_id`);
END;
--> statement-breakpoint
CREATE TRIGGER `role_grants_user_ad` AFTER DELETE ON `role_grants` BEGIN
	UPDATE `users` SET `grants` = (SELECT json_group_array(json_array(g.`role`, g.`coverage`)) FROM `role_grants` g WHERE g.`user_id` = old.`user_id`)
	WHERE `id` = old.`user_id`;
END;
