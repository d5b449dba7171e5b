-- The daily file `?` as it was last read: fingerprint, suppression lists, reader, when, counts.
SELECT sha256, erased, reader, imported_at, CAST(summary AS VARCHAR)
FROM daily_files
WHERE path = ?
