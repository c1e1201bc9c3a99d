-- Dashboard rollups: filled in by the next commit.
SELECT 1;
