-- The run dates whose features, scores and prices a pruning deletes (flows/pipeline/old_runs.py):
-- those before $cutoff, but never the latest run up to $run_date, whatever its age: the next run
-- reads its scores and features (flows/models/sql/previous_scores.sql). The staged rows' date
-- (9999-12-31) is never before a cutoff.
SELECT DISTINCT run_date
FROM (SELECT run_date FROM lead_features
      UNION ALL SELECT run_date FROM scores
      UNION ALL SELECT run_date FROM quotes)
WHERE run_date < $cutoff
  AND run_date < coalesce((SELECT max(run_date) FROM scores WHERE run_date <= $run_date), $cutoff)
ORDER BY run_date
