-- The owners of $run_date in owner_streaks, when no later day is kept: each lead assigned that
-- day whose owner is not the one of its latest streak before the day (or that had none) starts a
-- streak on the day. It reads the day's assignments against the streaks kept, not every day.
INSERT INTO owner_streaks
SELECT a.lead_id, a."owner", $run_date
FROM owner_assignments a
LEFT JOIN (SELECT lead_id, arg_max("owner", since) AS holder
           FROM owner_streaks
           WHERE since < $run_date
           GROUP BY lead_id) h USING (lead_id)
WHERE a.run_date = $run_date AND a."owner" IS DISTINCT FROM h.holder
