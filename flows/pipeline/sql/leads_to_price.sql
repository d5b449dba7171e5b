-- Scored leads of a run with the company size that sets their seat count and the country
-- that sets their currency.
SELECT s.lead_id, c.employees, c.country, s.grade, s.win_probability
FROM scores s
JOIN leads l USING (lead_id)
LEFT JOIN companies c ON c.company_id = l.company_id
WHERE s.run_date = ?
ORDER BY s.lead_id
