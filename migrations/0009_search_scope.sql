-- Search reads O(page) rows (issue 10): the index also holds each report's place in the unit tree,
-- as one token per unit on its path ("u" + the unit id without dashes), so that FTS5 itself keeps
-- only matches inside the caller's coverage and the newest page is read in rowid order.
-- The user's words are matched against the text columns only (src/domain/text.ts ftsQuery).
DROP TRIGGER IF EXISTS `reports_fts_ai`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `reports_fts_au`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `reports_fts_ad`;
--> statement-breakpoint
DROP TABLE IF EXISTS `reports_fts`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `reports_fts` USING fts5(
	`title`, `summary`, `body`, `location`, `scope`,
	tokenize = 'unicode61 remove_diacritics 2'
);
--> statement-breakpoint
INSERT INTO `reports_fts` (rowid, `title`, `summary`, `body`, `location`, `scope`)
SELECT r.rowid,
	replace(replace(r.`title`, 'đ', 'd'), 'Đ', 'D'),
	replace(replace(coalesce(r.`summary`, ''), 'đ', 'd'), 'Đ', 'D'),
	replace(replace(r.`body`, 'đ', 'd'), 'Đ', 'D'),
	replace(replace(coalesce(r.`location`, ''), 'đ', 'd'), 'Đ', 'D'),
	'u' || replace(replace(trim(u.`path`, '/'), '-', ''), '/', ' u')
FROM `reports` r JOIN `units` u ON u.`id` = r.`unit_id`;
--> statement-breakpoint
CREATE TRIGGER `reports_fts_ai` AFTER INSERT ON `reports` BEGIN
	INSERT INTO `reports_fts` (rowid, `title`, `summary`, `body`, `location`, `scope`) VALUES (
		new.rowid,
		replace(replace(new.`title`, 'đ', 'd'), 'Đ', 'D'),
		replace(replace(coalesce(new.`summary`, ''), 'đ', 'd'), 'Đ', 'D'),
		replace(replace(new.`body`, 'đ', 'd'), 'Đ', 'D'),
		replace(replace(coalesce(new.`location`, ''), 'đ', 'd'), 'Đ', 'D'),
		'u' || replace(replace(trim((SELECT `path` FROM `units` WHERE `id` = new.`unit_id`), '/'), '-', ''), '/', ' u')
	);
END;
--> statement-breakpoint
CREATE TRIGGER `reports_fts_au` AFTER UPDATE OF `title`, `summary`, `body`, `location`, `unit_id`, `unit_path` ON `reports` BEGIN
	DELETE FROM `reports_fts` WHERE rowid = old.rowid;
	INSERT INTO `reports_fts` (rowid, `title`, `summary`, `body`, `location`, `scope`) VALUES (
		new.rowid,
		replace(replace(new.`title`, 'đ', 'd'), 'Đ', 'D'),
		replace(replace(coalesce(new.`summary`, ''), 'đ', 'd'), 'Đ', 'D'),
		replace(replace(new.`body`, 'đ', 'd'), 'Đ', 'D'),
		replace(replace(coalesce(new.`location`, ''), 'đ', 'd'), 'Đ', 'D'),
		'u' || replace(replace(trim((SELECT `path` FROM `units` WHERE `id` = new.`unit_id`), '/'), '-', ''), '/', ' u')
	);
END;
--> statement-breakpoint
CREATE TRIGGER `reports_fts_ad` AFTER DELETE ON `reports` BEGIN
	DELETE FROM `reports_fts` WHERE rowid = old.rowid;
END;
