-- The scores of the last run before $run_date of the leads open on $run_date
-- from $first up to (not including) $after (NULL: to the last; a chunk of leads, as
-- features_of_run.sql reads them), with the feature values each lead had then (for the
-- score-movement column): every stored feature column (migration 014). The contributions come
-- as their JSON text, and read by DuckDB as two lists (contribution_names and
-- contribution_values, in the same order; NULL where the run kept none, or kept no object):
-- the movement reads the lists, with no Python dict made per lead (json_keys and '$.*': 0.13 s
-- a chunk of 50,000 at a million leads, from_json to a MAP 0.32 s).
SELECT s.lead_id, s.win_probability, s.scored_by,
       CAST(s.contributions AS VARCHAR) AS contributions,
       CASE WHEN json_type(s.contributions) = 'OBJECT' THEN json_keys(s.contributions) END
           AS contribution_names,
       CASE WHEN json_type(s.contributions) = 'OBJECT'  -- its values, in the keys' order
            THEN CAST(json_extract(s.contributions, '$.*') AS DOUBLE[]) END
           AS contribution_values,
       f.* EXCLUDE (run_date, lead_id, as_of)
FROM scores s
JOIN lead_features f ON f.run_date = s.run_date AND f.lead_id = s.lead_id
SEMI JOIN lead_features today ON today.run_date = $run_date AND today.lead_id = s.lead_id
WHERE s.run_date = (SELECT max(run_date) FROM scores WHERE run_date < $run_date)
  AND s.lead_id >= $first
  AND ($after IS NULL OR s.lead_id < $after)
ORDER BY s.lead_id
