-- Version 20: the sheet rows kept in the warehouse (one JSON object of about 2 KB per lead and
-- day) are compressed with ZSTD. DuckDB's own choice for such text (dictionary and FSST) took
-- 2.5 s to store 100,000 rows and 112 MB of file per day; ZSTD takes 1.15 s and 14 MB, and reads
-- back as fast (bench/sheet_rows_storage.py). The publish step stores them in a second thread
-- while it writes the sheet; at a million leads this thread set the step's pace.

CREATE TABLE sheet_rows_v20(run_date DATE NOT NULL, rank INTEGER NOT NULL, lead_id VARCHAR NOT NULL, "row" JSON USING COMPRESSION zstd NOT NULL);
INSERT INTO sheet_rows_v20 BY NAME SELECT * FROM sheet_rows;
DROP TABLE sheet_rows;
ALTER TABLE sheet_rows_v20 RENAME TO sheet_rows;
