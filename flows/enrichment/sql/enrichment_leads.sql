-- Every lead with what enrichment over HTTP reads: its company (name, website, SIREN, postal
-- code, country) and its email domain and kind (from offline enrichment), and its status.
SELECT l.lead_id, l.status, c.name AS company, c.domain AS website, c.siren, c.postal_code,
       c.country, e.email_domain, e.email_kind, e.company_domain
FROM leads l
LEFT JOIN companies c ON c.company_id = l.company_id
LEFT JOIN lead_enrichment e ON e.lead_id = l.lead_id
ORDER BY l.lead_id
