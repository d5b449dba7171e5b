-- The plan and seats quoted to each lead of a run from $first up to (not including) $after
-- (NULL: to the last), for the talking points that name them.
SELECT lead_id, plan, seats
FROM quotes
WHERE run_date = $run_date
  AND lead_id >= $first
  AND ($after IS NULL OR lead_id < $after)
