-- Per talking point (playbook entry id): to how many leads a sheet showed it (points_shown:
-- one row per point and lead, kept as sheets are published), and how many leads' reps marked it
-- useful or wrong (a lead counts once per point and kind).
WITH shown AS (
    SELECT point_id, count(*) AS shown_to_leads FROM points_shown GROUP BY point_id),
marked AS (
    SELECT point_id,
           count(DISTINCT lead_id) FILTER (WHERE kind = 'point_useful') AS useful,
           count(DISTINCT lead_id) FILTER (WHERE kind = 'point_wrong') AS wrong
    FROM lead_feedback WHERE kind IN ('point_useful', 'point_wrong')
    GROUP BY point_id)
SELECT point_id, coalesce(shown_to_leads, 0) AS shown_to_leads,
       coalesce(useful, 0) AS useful, coalesce(wrong, 0) AS wrong
FROM shown FULL OUTER JOIN marked USING (point_id)
ORDER BY wrong DESC, useful DESC, shown_to_leads DESC, point_id
