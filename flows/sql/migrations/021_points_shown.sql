-- Version 21: which talking point (playbook entry id) was shown to which lead, and the first day
-- it was, kept as the sheets are published (flows/pipeline/sql/points_shown_add.sql). The
-- playbook stats counted these from every kept day's talking points, a cost that grew with each
-- day kept (0.7 s per day of a million leads); counted from this table, it is the pairs'. The
-- table is filled here from the talking points already kept (not the rows of a run staged and
-- never put in place: run date 9999-12-31).

CREATE TABLE IF NOT EXISTS points_shown (
    point_id    VARCHAR NOT NULL,
    lead_id     VARCHAR NOT NULL,
    first_shown DATE NOT NULL
);
INSERT INTO points_shown
SELECT point_id, lead_id, min(run_date)
FROM (SELECT run_date, lead_id, unnest(point_ids) AS point_id FROM talking_points
      WHERE point_ids IS NOT NULL AND run_date < DATE '9999-12-31')
WHERE point_id IS NOT NULL
GROUP BY point_id, lead_id;
