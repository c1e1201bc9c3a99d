-- Full-text search over reports, matching with or without diacritics.
-- unicode61 remove_diacritics 2 folds tone marks but not đ/Đ, so the triggers fold those
-- by hand; queries are folded the same way in src/domain/text.ts (foldForSearch).
CREATE VIRTUAL TABLE `reports_fts` USING fts5(
	`title`, `summary`, `body`, `location`,
	tokenize = 'unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER `reports_fts_ai` AFTER INSERT ON `reports` BEGIN
	INSERT INTO `reports_fts` (rowid, `title`, `summary`, `body`, `location`) VALUES (
		new.rowid,
		replace(replace(new.`title`, 'đ', 'd'), 'Đ', 'D'),
		replace(replace(coalesce(new.`summary`, ''), 'đ', 'd'), 'Đ', 'D'),
		replace(replace(new.`body`, 'đ', 'd'), 'Đ', 'D'),
		replace(replace(coalesce(new.`location`, ''), 'đ', 'd'), 'Đ', 'D')
	);
END;
--> statement-breakpoint
CREATE TRIGGER `reports_fts_au` AFTER UPDATE OF `title`, `summary`, `body`, `location` ON `reports` BEGIN
	DELETE FROM `reports_fts` WHERE rowid = old.rowid;
	INSERT INTO `reports_fts` (rowid, `title`, `summary`, `body`, `location`) VALUES (
		new.rowid,
		replace(replace(new.`title`, 'đ', 'd'), 'Đ', 'D'),
		replace(replace(coalesce(new.`summary`, ''), 'đ', 'd'), 'Đ', 'D'),
		replace(replace(new.`body`, 'đ', 'd'), 'Đ', 'D'),
		replace(replace(coalesce(new.`location`, ''), 'đ', 'd'), 'Đ', 'D')
	);
END;
--> statement-breakpoint
CREATE TRIGGER `reports_fts_ad` AFTER DELETE ON `reports` BEGIN
	DELETE FROM `reports_fts` WHERE rowid = old.rowid;
END;
