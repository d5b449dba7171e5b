-- After points_shown_drop.sql dropped pairs of an earlier day run again: those of them a later day
-- showed come back, with the first later day (every other pair of a later day is kept already).
-- Read only when it dropped some: it reads every day after $run_date. $pending: a staged run's
-- date (store.PENDING).
INSERT INTO points_shown
SELECT t.point_id, t.lead_id, min(t.run_date)
FROM (SELECT run_date, lead_id, unnest(point_ids) AS point_id FROM talking_points
      WHERE run_date > $run_date AND run_date < $pending AND point_ids IS NOT NULL) t
ANTI JOIN points_shown s ON s.point_id = t.point_id AND s.lead_id = t.lead_id
WHERE t.point_id IS NOT NULL
GROUP BY t.point_id, t.lead_id
