-- Version 10: the rep steers. What a rep marks on the sheet (`leadpilot outcomes FILE` reads
-- it back, flows/intake/feedback.py): one row per mark, kept even when a later one supersedes
-- it. kind:
--   wrong_contact  the lead never comes back on the sheet (do not contact; the data stays)
--   not_a_fit      the lead leaves the sheet; a bad-fit signal, not a training label (README)
--   move_up, move_down  a manual priority for LEADPILOT_MOVE_DAYS days from marked_on
--   point_useful, point_wrong  about one talking point (point_id: its playbook entry id)
-- Keyed by lead_id: `leadpilot forget` erases a person's marks with their leads
-- (flows/privacy/sql/personal_data_tables.sql).
CREATE TABLE IF NOT EXISTS lead_feedback (
    lead_id      VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,
    point_id     VARCHAR,             -- playbook entry id, for point_useful and point_wrong
    reason       VARCHAR,             -- the rep's words ("Feedback reason")
    rep          VARCHAR,             -- the sheet's Owner column of the row, when it has one
    marked_on    DATE NOT NULL,       -- the team's day the mark was read
    recorded_at  TIMESTAMP NOT NULL,  -- UTC
    source_file  VARCHAR NOT NULL
);

-- Which playbook entry each talking point of a run came from, in the order of points: the
-- sheet numbers them 1, 2, 3… so a rep can say "talking point 2 was wrong".
ALTER TABLE talking_points ADD COLUMN IF NOT EXISTS point_ids VARCHAR[];
