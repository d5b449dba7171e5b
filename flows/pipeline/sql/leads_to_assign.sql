-- The leads scored on a run date with what decides their place in the day's lists:
-- - their owner: the CRM's owner, the company (the account), its country and industry;
-- - their priority: grade, win probability and expected value (exact money);
-- - do-not-contact: the CRM export's opt-out columns kept in leads.extra ($flags, matched
--   ignoring case) whose value says yes ($yes), named in one text ("" for none: a list per
--   lead costs a Python object each, 1M of them at a million leads);
-- - recycling: who held the lead on the previous runs (holder) since when (held_since: the
--   first run of the holder's latest streak), read from owner_streaks (migration 022: the streaks'
--   first runs, not every earlier day's assignments), and whether it was worked since: an
--   outcome recorded, or a mark on the sheet read back (lead_feedback: a talking point judged,
--   a move).
WITH held AS (
    SELECT lead_id, arg_max("owner", since) AS holder, max(since) AS held_since
    FROM owner_streaks
    WHERE since < $run_date
    GROUP BY lead_id
)
SELECT s.lead_id, l.owner, l.company_id, l.email, c.country, c.industry,
       s.grade, s.win_probability,
       q.expected_value,
       array_to_string([k FOR k IN json_keys(l.extra)
        IF list_contains($flags, lower(k))
           AND list_contains($yes, lower(trim(json_extract_string(l.extra, '$."' || k || '"'))))
       ], ', ') AS opt_outs,
       h.holder, h.held_since,
       EXISTS (SELECT 1 FROM outcomes o
               WHERE o.lead_id = s.lead_id AND o.recorded_at >= h.held_since)
       OR EXISTS (SELECT 1 FROM lead_feedback f
                  WHERE f.lead_id = s.lead_id AND f.recorded_at >= h.held_since) AS worked
FROM scores s
JOIN leads l USING (lead_id)
LEFT JOIN companies c ON c.company_id = l.company_id
LEFT JOIN quotes q ON q.run_date = s.run_date AND q.lead_id = s.lead_id
LEFT JOIN held h ON h.lead_id = s.lead_id
WHERE s.run_date = $run_date
ORDER BY s.lead_id
