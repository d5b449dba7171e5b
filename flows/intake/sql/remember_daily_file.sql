-- Record (or replace) the daily file $path as the intake just read it.
INSERT OR REPLACE INTO daily_files (path, sha256, erased, reader, imported_at, summary)
VALUES ($path, $sha256, $erased, $reader, $imported_at, $summary)
