-- Each talking point (playbook entry id) shown to a lead on $run_date and not shown to that lead
-- before, with that day as its first: the day's talking points against the pairs kept, the cost
-- of a day, not of every day kept.
INSERT INTO points_shown
SELECT DISTINCT t.point_id, t.lead_id, $run_date
FROM (SELECT lead_id, unnest(point_ids) AS point_id FROM talking_points
      WHERE run_date = $run_date AND point_ids IS NOT NULL) t
ANTI JOIN points_shown s ON s.point_id = t.point_id AND s.lead_id = t.lead_id
WHERE t.point_id IS NOT NULL
