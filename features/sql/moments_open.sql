-- Scoring moments of the leads open at the start of $as_of: in by then, not closed before.
SELECT lead_id, CAST($as_of AS TIMESTAMP) AS as_of
FROM leads
WHERE created_at < CAST($as_of AS TIMESTAMP)
  AND (status = 'open' OR closed_at >= CAST($as_of AS TIMESTAMP))
ORDER BY lead_id
