-- The leads whose address or lead id is on the suppression list, with their address as the
-- import compares it (lower-cased, trimmed): none in a warehouse that `forget` erased them
-- from, all of them in one restored from a backup made before (or rebuilt from a copy of it).
-- Needs the macros of suppression_key.sql.
SELECT l.lead_id, lower(trim(l.email)) AS email
FROM leads l, suppression_salt s
WHERE (l.email IS NOT NULL
       AND lp_suppression_key(l.email, s.salt) IN (SELECT email_sha256 FROM suppressed_emails))
   OR lp_suppression_lead_key(l.lead_id, s.salt) IN (SELECT lead_id_sha256
                                                      FROM suppressed_lead_ids)
ORDER BY email NULLS LAST, l.lead_id
