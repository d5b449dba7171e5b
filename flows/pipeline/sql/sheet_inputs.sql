-- One row per scored lead of a run with everything the sheet shows, but the leads the owner
-- step marked do-not-contact (they are on nobody's list, nor on the sheet). Money leaves as text so
-- that it reaches Python's Decimal exactly (DuckDB hands DECIMAL to pandas as float).
SELECT s.lead_id, s.win_probability, s.grade, s.reasons_positive, s.reasons_negative,
       s.movement, s.scored_by,
       t.points, f.enriched_facts,
       l.first_name, l.last_name, l.title, l.email, l.phone, l.source,
       c.name AS company, c.country,
       l.company_id, q.plan, q.seats, q.currency, q.terms, a.owner, a.reason,
       CAST(q.unit_price_monthly AS VARCHAR) AS unit_price_monthly,
       CAST(q.list_price AS VARCHAR)         AS list_price,
       CAST(q.volume_discount AS VARCHAR)    AS volume_discount,
       CAST(q.prepay_discount AS VARCHAR)    AS prepay_discount,
       CAST(q.suggested_discount AS VARCHAR) AS suggested_discount,
       CAST(q.discount_amount AS VARCHAR)    AS discount_amount,
       CAST(q.acv AS VARCHAR)                AS acv,
       CAST(q.floor_discount AS VARCHAR)     AS floor_discount,
       CAST(q.floor_price AS VARCHAR)        AS floor_price,
       CAST(q.approval_discount AS VARCHAR)  AS approval_discount,
       CAST(q.expected_value AS VARCHAR)     AS expected_value
FROM scores s
JOIN leads l USING (lead_id)
LEFT JOIN companies c ON c.company_id = l.company_id
LEFT JOIN quotes q ON q.run_date = s.run_date AND q.lead_id = s.lead_id
LEFT JOIN talking_points t ON t.run_date = s.run_date AND t.lead_id = s.lead_id
LEFT JOIN lead_facts_wide f ON f.lead_id = s.lead_id
LEFT JOIN owner_assignments a ON a.run_date = s.run_date AND a.lead_id = s.lead_id
WHERE s.run_date = ? AND a.rule IS DISTINCT FROM 'do_not_contact'
ORDER BY s.lead_id
