-- The stored features of one run (migration 014: one typed column each), one row per lead.
-- The context's whole numbers come as DOUBLE, NaN when unknown, as the talking points have
-- always read them (a pandas nullable integer's missing value is not one their templates skip).
-- $first and $after bound a chunk of leads by lead_id ('' and NULL: every lead of the run).
SELECT * EXCLUDE (run_date)
         REPLACE (CAST(employees AS DOUBLE) AS employees,
                  CAST(annual_revenue AS DOUBLE) AS annual_revenue)
FROM lead_features
WHERE run_date = $run_date
  AND lead_id >= $first
  AND ($after IS NULL OR lead_id < $after)
ORDER BY lead_id
