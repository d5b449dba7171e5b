-- An earlier day run again: the pairs it shows that points_shown had first from a later day are
-- first shown that day (on the newest day, no pair is dated later, and nothing is changed).
UPDATE points_shown s SET first_shown = $run_date
FROM (SELECT DISTINCT lead_id, unnest(point_ids) AS point_id FROM talking_points
      WHERE run_date = $run_date AND point_ids IS NOT NULL) t
WHERE s.first_shown > $run_date AND t.point_id = s.point_id AND t.lead_id = s.lead_id
