-- Before the talking points of $run_date are counted in points_shown, when that day is run again:
-- the pairs first shown that day that its talking points no longer show go (a playbook changed).
-- Nothing else is read: on a new day, or a day without leads, no row was first shown that day.
DELETE FROM points_shown s
WHERE s.first_shown = $run_date
  AND NOT EXISTS (SELECT 1 FROM (SELECT lead_id, unnest(point_ids) AS point_id FROM talking_points
                                 WHERE run_date = $run_date AND point_ids IS NOT NULL) t
                  WHERE t.point_id = s.point_id AND t.lead_id = s.lead_id)
