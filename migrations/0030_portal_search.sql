-- The portal's search (DESIGN.md section 14, issue 14 point 4): one FTS5 row per LIVE published
-- article, rowid = portal_entries.seq (order of first publication), so "newest first" is a walk of
-- rowids downward that stops at the page. Text is the published revision's (title, summary, body
-- as plain text), with đ folded to d (unicode61 does not), as reports_fts does. A retraction takes
-- the row out; a correction replaces it. Kept by triggers: no writer can forget it.
CREATE VIRTUAL TABLE `portal_fts` USING fts5(
	`title`, `summary`, `body`,
	tokenize = 'unicode61 remove_diacritics 2'
);
--> statement-breakpoint
INSERT INTO `portal_fts` (rowid, `title`, `summary`, `body`)
SELECT `seq`,
	replace(replace(`title`, 'đ', 'd'), 'Đ', 'D'),
	replace(replace(coalesce(`summary`, ''), 'đ', 'd'), 'Đ', 'D'),
	replace(replace(`body_text`, 'đ', 'd'), 'Đ', 'D')
FROM `portal_entries` WHERE `retracted_at` IS NULL;
--> statement-breakpoint
CREATE TRIGGER `portal_fts_ai` AFTER INSERT ON `portal_entries` WHEN new.`retracted_at` IS NULL BEGIN
	INSERT INTO `portal_fts` (rowid, `title`, `summary`, `body`) VALUES (
		new.`seq`,
		replace(replace(new.`title`, 'đ', 'd'), 'Đ', 'D'),
		replace(replace(coalesce(new.`summary`, ''), 'đ', 'd'), 'Đ', 'D'),
		replace(replace(new.`body_text`, 'đ', 'd'), 'Đ', 'D')
	);
END;
--> statement-breakpoint
CREATE TRIGGER `portal_fts_au` AFTER UPDATE OF `title`, `summary`, `body_text`, `retracted_at` ON `portal_entries` BEGIN
	DELETE FROM `portal_fts` WHERE rowid = old.`seq`;
	INSERT INTO `portal_fts` (rowid, `title`, `summary`, `body`)
	SELECT new.`seq`,
		replace(replace(new.`title`, 'đ', 'd'), 'Đ', 'D'),
		replace(replace(coalesce(new.`summary`, ''), 'đ', 'd'), 'Đ', 'D'),
		replace(replace(new.`body_text`, 'đ', 'd'), 'Đ', 'D')
	WHERE new.`retracted_at` IS NULL;
END;
--> statement-breakpoint
CREATE TRIGGER `portal_fts_ad` AFTER DELETE ON `portal_entries` BEGIN
	DELETE FROM `portal_fts` WHERE rowid = old.`seq`;
END;
