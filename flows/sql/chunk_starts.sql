-- The first lead_id of each chunk of $size leads of one run's stored features, in lead_id
-- order: chunk k holds the leads from start k up to (not including) start k + 1.
SELECT lead_id
FROM (SELECT lead_id, row_number() OVER (ORDER BY lead_id) - 1 AS position
      FROM lead_features
      WHERE run_date = $run_date)
WHERE position % $size = 0
ORDER BY lead_id
