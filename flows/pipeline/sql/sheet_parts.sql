-- One part of the sheet, in sheet order: the leads ranked after $after up to $last in
-- sheet_order (a temporary table of this connection: lead_id, rank, account_rank, "primary",
-- move_note, priority and account_contacts, as scoring.sheet.order_leads made them), joined to
-- the run's scores, quotes, talking points, features (the enriched facts the run scored with:
-- lead_facts_wide as the features step read it) and owners. A part at a time, because
-- sorting the whole day's wide rows (lists of reasons and points) is what DuckDB could not do
-- under its memory limit at a million leads.
--
-- Its reasons, talking points and enriched facts come as the sheet's text (as
-- scoring.sheet.sheet_part makes it of the lists: a line each, ▲/▼ reasons, numbered talking
-- points, bulleted facts, a missing list or item left out), not as lists: lists made into
-- Python objects and joined row by row cost more than the rest of a part. Likewise its
-- discount and approval rates come as the sheet's points (scoring.sheet's _percent: x 100,
-- rounded to 0.1 half away from zero, as ROUND_HALF_UP does; DECIMAL, exact), not made of
-- each row's Decimal in Python. Only the amounts the sheet shows are read: each DECIMAL cell
-- becomes a Python Decimal (pyarrow's to_pandas), 0.03 s per 100,000 leads for each column.
--
-- A part's leads are spread over the whole day (ranks, not lead_ids), so each join reads its
-- table's whole day. The part must be the side each join builds its hash table of: talking
-- points, owners and facts are first cut to the part's leads, or DuckDB built a table of the
-- day's million talking points (lists) for every part (1.0 s a part at a million leads, 0.5 s
-- cut). The facts come from the run's features, not the lead_facts_wide view, which would
-- aggregate every lead's facts for every part (3 facts for each of a million leads: 3.6 s a
-- part, 2.1 s of it that aggregate).
WITH part AS (SELECT * FROM sheet_order WHERE rank > $after AND rank <= $last)
SELECT o.rank, o.account_rank, o."primary", o.move_note, o.priority, o.account_contacts,
       s.lead_id, s.win_probability, s.grade,
       coalesce(array_to_string(list_concat(
           list_transform(list_filter(s.reasons_positive, lambda r: r IS NOT NULL),
                          lambda r: $up || r),
           list_transform(list_filter(s.reasons_negative, lambda r: r IS NOT NULL),
                          lambda r: $down || r)), chr(10)), '') AS reasons_text,
       s.movement, s.scored_by,
       coalesce(array_to_string(list_transform(list_filter(t.points, lambda p: p IS NOT NULL),
                                               lambda p, n: n || '. ' || p), chr(10)), '')
           AS points_text,
       coalesce(array_to_string(list_transform(list_filter(f.enriched_facts,
                                                           lambda e: e IS NOT NULL),
                                               lambda e: $bullet || e), chr(10)), '')
           AS facts_text,
       l.first_name, l.last_name, l.title, l.email, l.phone, l.source,
       c.name AS company, c.country,
       l.company_id, q.plan, q.seats, q.currency, q.terms, a.owner, a.reason,
       q.list_price, q.acv, q.floor_price, q.expected_value,
       round(q.suggested_discount * 100, 1) AS discount_points,
       round(q.approval_discount * 100, 1) AS approval_points
FROM part o
JOIN scores s ON s.run_date = $run_date AND s.lead_id = o.lead_id
JOIN leads l ON l.lead_id = o.lead_id
LEFT JOIN companies c ON c.company_id = l.company_id
LEFT JOIN quotes q ON q.run_date = $run_date AND q.lead_id = o.lead_id
LEFT JOIN (SELECT lead_id, points FROM talking_points
           WHERE run_date = $run_date AND lead_id IN (SELECT lead_id FROM part)) t
       ON t.lead_id = o.lead_id
LEFT JOIN (SELECT lead_id, enriched_facts FROM lead_features
           WHERE run_date = $run_date AND lead_id IN (SELECT lead_id FROM part)) f
       ON f.lead_id = o.lead_id
LEFT JOIN (SELECT lead_id, owner, reason FROM owner_assignments
           WHERE run_date = $run_date AND lead_id IN (SELECT lead_id FROM part)) a
       ON a.lead_id = o.lead_id
ORDER BY o.rank
