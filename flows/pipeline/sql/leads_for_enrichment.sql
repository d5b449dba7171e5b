-- The leads whose offline enrichment is missing or was derived from other inputs than today's,
-- with what it reads: the lead's email, title and company, and the company's website. `inputs`
-- fingerprints them with the enrichment rules ($rules); JSON keeps a missing value apart from
-- an empty one.
WITH current AS (
    SELECT l.lead_id, l.email, l.title, l.company_id, c.domain,
           md5($rules || to_json([l.email, l.title, l.company_id, c.domain])) AS inputs
    FROM leads l
    LEFT JOIN companies c ON c.company_id = l.company_id
)
SELECT current.*
FROM current
LEFT JOIN lead_enrichment e ON e.lead_id = current.lead_id
WHERE e.inputs IS DISTINCT FROM current.inputs
ORDER BY current.lead_id
