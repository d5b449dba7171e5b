-- The stored features of one run (migration 014: one typed column each), one row per lead.
-- The context's whole numbers come as DOUBLE, NaN when unknown, as the talking points have
-- always read them (a pandas nullable integer's missing value is not one their templates skip).
SELECT * EXCLUDE (run_date)
         REPLACE (CAST(employees AS DOUBLE) AS employees,
                  CAST(annual_revenue AS DOUBLE) AS annual_revenue)
FROM lead_features
WHERE run_date = ?
ORDER BY lead_id
