-- One part of the sheet, in sheet order: the leads ranked after $after up to $last in
-- sheet_order (a temporary table of this connection: lead_id, rank, account_rank, "primary",
-- move_note, priority and account_contacts, as scoring.sheet.order_leads made them), joined to
-- the run's scores, quotes, talking points, facts and owners. A part at a time, because
-- sorting the whole day's wide rows (lists of reasons and points) is what DuckDB could not do
-- under its memory limit at a million leads; each part's few rows are the small side of every
-- join.
SELECT o.rank, o.account_rank, o."primary", o.move_note, o.priority, o.account_contacts,
       s.lead_id, s.win_probability, s.grade, s.reasons_positive, s.reasons_negative,
       s.movement, s.scored_by,
       t.points, f.enriched_facts,
       l.first_name, l.last_name, l.title, l.email, l.phone, l.source,
       c.name AS company, c.country,
       l.company_id, q.plan, q.seats, q.currency, q.terms, a.owner, a.reason,
       q.unit_price_monthly, q.list_price, q.volume_discount, q.prepay_discount,
       q.suggested_discount, q.discount_amount, q.acv, q.floor_discount, q.floor_price,
       q.approval_discount, q.expected_value
FROM (SELECT * FROM sheet_order WHERE rank > $after AND rank <= $last) o
JOIN scores s ON s.run_date = $run_date AND s.lead_id = o.lead_id
JOIN leads l ON l.lead_id = o.lead_id
LEFT JOIN companies c ON c.company_id = l.company_id
LEFT JOIN quotes q ON q.run_date = $run_date AND q.lead_id = o.lead_id
LEFT JOIN talking_points t ON t.run_date = $run_date AND t.lead_id = o.lead_id
LEFT JOIN lead_facts_wide f ON f.lead_id = o.lead_id
LEFT JOIN owner_assignments a ON a.run_date = $run_date AND a.lead_id = o.lead_id
ORDER BY o.rank
