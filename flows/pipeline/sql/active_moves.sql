-- The reps' moves still in force on $run_date: read before that day and at most $days days
-- ago; the latest move of a lead wins (a move down after a move up undoes it).
SELECT lead_id, kind, rep, CAST(marked_on AS VARCHAR) AS marked_on,
       CAST(marked_on + CAST($days AS INTEGER) AS VARCHAR) AS until, reason
FROM (
    SELECT *, row_number() OVER (PARTITION BY lead_id
                                 ORDER BY recorded_at DESC, kind) AS latest
    FROM lead_feedback
    WHERE kind IN ('move_up', 'move_down') AND marked_on < $run_date)
WHERE latest = 1 AND $run_date <= marked_on + CAST($days AS INTEGER)
ORDER BY lead_id
