-- Version 18: a run written in chunks stages its rows in the run table itself, dated
-- 9999-12-31 until they are put in place (flows/store.py, staged_run), no longer in a table
-- staged_<table> beside it. A run that failed before version 18 may have left one: it held
-- leads' rows of a day that never ran to its end, so it goes.
DROP TABLE IF EXISTS staged_lead_features;
DROP TABLE IF EXISTS staged_scores;
DROP TABLE IF EXISTS staged_talking_points;
DROP TABLE IF EXISTS staged_quotes;
DROP TABLE IF EXISTS staged_sheet_rows;
DROP TABLE IF EXISTS staged_owner_assignments;
