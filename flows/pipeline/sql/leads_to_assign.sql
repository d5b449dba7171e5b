-- The leads scored on a run date, with what decides their owner: the CRM's owner, the company's
-- country and industry.
SELECT s.lead_id, l.owner, c.country, c.industry
FROM scores s
JOIN leads l USING (lead_id)
LEFT JOIN companies c ON c.company_id = l.company_id
WHERE s.run_date = ?
ORDER BY s.lead_id
