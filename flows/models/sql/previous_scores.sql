-- The scores of the last run before $run_date of the leads open on $run_date
-- from $first up to (not including) $after (NULL: to the last; a chunk of leads, as
-- features_of_run.sql reads them), with the feature values each lead had then (for the
-- score-movement column): every stored feature column (migration 014). The contributions are
-- read apart (previous_contributions.sql): two lists a lead carried through this join and its
-- sort cost more than the rest of the read.
SELECT s.lead_id, s.win_probability, s.scored_by, f.* EXCLUDE (run_date, lead_id, as_of)
FROM scores s
JOIN lead_features f ON f.run_date = s.run_date AND f.lead_id = s.lead_id
SEMI JOIN lead_features today ON today.run_date = $run_date AND today.lead_id = s.lead_id
WHERE s.run_date = (SELECT max(run_date) FROM scores WHERE run_date < $run_date)
  AND s.lead_id >= $first
  AND ($after IS NULL OR s.lead_id < $after)
ORDER BY s.lead_id
