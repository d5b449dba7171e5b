-- Each talking point (playbook entry id) shown to a lead on $run_date or later, and not shown to
-- that lead before (points_shown keeps the rest, after points_shown_clear.sql), with the first
-- day it was. On a new day that is the day's talking points against the pairs kept: the cost of
-- a day, not of every day kept. Run again, the same day replaces its own pairs; an earlier day
-- run again counts again the days after it too. $pending: a staged run's date (store.PENDING).
INSERT INTO points_shown
SELECT t.point_id, t.lead_id, min(t.run_date)
FROM (SELECT run_date, lead_id, unnest(point_ids) AS point_id FROM talking_points
      WHERE run_date >= $run_date AND run_date < $pending AND point_ids IS NOT NULL) t
ANTI JOIN points_shown s ON s.point_id = t.point_id AND s.lead_id = t.lead_id
WHERE t.point_id IS NOT NULL
GROUP BY t.point_id, t.lead_id
