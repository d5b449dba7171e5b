-- Scoring moments of closed leads: when the daily run would have scored them. The daily run
-- scores at the start of its day (UTC midnight), so a past lead is seen at the midnight
-- $lag_days days after the day it came in (never after it closed).
SELECT lead_id,
       least(date_trunc('day', created_at) + to_days(CAST($lag_days AS INTEGER)),
             closed_at) AS as_of,
       CASE status WHEN 'won' THEN 1 ELSE 0 END AS won,
       created_at,
       closed_at
FROM leads
WHERE status IN ('won', 'lost') AND closed_at IS NOT NULL
ORDER BY created_at, lead_id
