SELECT lead_id, as_of, CAST(features AS VARCHAR) AS features
FROM lead_features
WHERE run_date = ?
ORDER BY lead_id
