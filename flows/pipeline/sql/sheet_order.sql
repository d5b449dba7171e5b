-- What ranking the sheet needs of each lead of the run (scoring.sheet.order_leads): a few
-- columns of every lead, whatever the day's size; sheet_parts.sql brings the rest a part at a
-- time. The leads the owner step marked do-not-contact are on nobody's list, nor on the sheet.
-- Money stays DECIMAL: read through Arrow, it reaches Python's Decimal exactly.
SELECT s.lead_id, s.win_probability, s.grade, l.first_name, l.last_name, l.title, l.company_id,
       q.expected_value
FROM scores s
JOIN leads l USING (lead_id)
LEFT JOIN quotes q ON q.run_date = s.run_date AND q.lead_id = s.lead_id
LEFT JOIN owner_assignments a ON a.run_date = s.run_date AND a.lead_id = s.lead_id
WHERE s.run_date = ? AND a.rule IS DISTINCT FROM 'do_not_contact'
ORDER BY s.lead_id
