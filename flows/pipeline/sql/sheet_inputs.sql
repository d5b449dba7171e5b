-- One row per scored lead of a run with everything the sheet shows, but the leads the owner
-- step marked do-not-contact (they are on nobody's list, nor on the sheet). Money stays DECIMAL:
-- read through Arrow, it reaches Python's Decimal exactly (DuckDB's .df() would hand it as float).
SELECT s.lead_id, s.win_probability, s.grade, s.reasons_positive, s.reasons_negative,
       s.movement, s.scored_by,
       t.points, f.enriched_facts,
       l.first_name, l.last_name, l.title, l.email, l.phone, l.source,
       c.name AS company, c.country,
       l.company_id, q.plan, q.seats, q.currency, q.terms, a.owner, a.reason,
       q.unit_price_monthly, q.list_price, q.volume_discount, q.prepay_discount,
       q.suggested_discount, q.discount_amount, q.acv, q.floor_discount, q.floor_price,
       q.approval_discount, q.expected_value
FROM scores s
JOIN leads l USING (lead_id)
LEFT JOIN companies c ON c.company_id = l.company_id
LEFT JOIN quotes q ON q.run_date = s.run_date AND q.lead_id = s.lead_id
LEFT JOIN talking_points t ON t.run_date = s.run_date AND t.lead_id = s.lead_id
LEFT JOIN lead_facts_wide f ON f.lead_id = s.lead_id
LEFT JOIN owner_assignments a ON a.run_date = s.run_date AND a.lead_id = s.lead_id
WHERE s.run_date = ? AND a.rule IS DISTINCT FROM 'do_not_contact'
ORDER BY s.lead_id
