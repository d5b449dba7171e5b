-- Scored leads of a run with the company size that sets their seat count and the country
-- that sets their currency; only those from $first up to (not including) $after (NULL: to
-- the last): a chunk of leads, as features_of_run.sql reads them.
SELECT s.lead_id, c.employees, c.country, s.grade, s.win_probability
FROM scores s
JOIN leads l USING (lead_id)
LEFT JOIN companies c ON c.company_id = l.company_id
WHERE s.run_date = $run_date
  AND s.lead_id >= $first
  AND ($after IS NULL OR s.lead_id < $after)
ORDER BY s.lead_id
