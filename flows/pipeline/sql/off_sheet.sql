-- The leads a rep took off the sheet before $run_date: marked "wrong contact" (do not contact)
-- or "not a fit" in the Feedback column, or whose latest outcome is bad fit. They are not
-- scored, priced or assigned again; their data stays in the warehouse.
SELECT lead_id FROM lead_feedback
WHERE kind IN ('wrong_contact', 'not_a_fit') AND marked_on < $run_date
UNION
SELECT lead_id FROM (
    SELECT lead_id, outcome,
           row_number() OVER (PARTITION BY lead_id ORDER BY recorded_at DESC) AS latest
    FROM outcomes WHERE recorded_at < CAST($run_date AS TIMESTAMP))
WHERE latest = 1 AND outcome = 'bad_fit'
