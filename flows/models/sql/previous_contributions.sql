-- The contributions kept (two lists a lead, migration 023; NULL where the run kept none) by
-- the last run before $run_date, of the leads from $first up to (not including) $after (NULL:
-- to the last): read by that range alone, with no join and no sort, and put beside
-- previous_scores.sql's rows by lead_id (flows/models/chunks.py: previous_scores).
SELECT lead_id, contribution_names, contribution_values
FROM scores
WHERE run_date = (SELECT max(run_date) FROM scores WHERE run_date < $run_date)
  AND lead_id >= $first
  AND ($after IS NULL OR lead_id < $after)
