-- Every lead, with what offline enrichment reads.
SELECT lead_id, email, title, company_id FROM leads ORDER BY lead_id
