-- Version 17: activities keeps event_id unique without an ART index, as leads (version 6) and
-- the per-run tables (version 16) do. DuckDB holds an ART index in memory and cannot spill it:
-- the demo's million open leads bring 14 million events, and their import failed at COMMIT
-- under the import's 1 GB memory limit ("could not allocate block"); 14 million rows with the
-- index fail the same way in a bare DuckDB, and pass in 19 s without it. Uniqueness is kept by
-- the only writer, flows/intake/activities.py: the file's events are first reduced to one row
-- per event_id, and the changed ones already stored are deleted before the insert
-- (tests/flows/test_intake.py).
CREATE TABLE activities_v17 (
    event_id     VARCHAR NOT NULL,
    lead_id      VARCHAR NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    event_type   VARCHAR NOT NULL
);
INSERT INTO activities_v17 BY NAME SELECT * FROM activities;
DROP TABLE activities;
ALTER TABLE activities_v17 RENAME TO activities;
