-- People and lead ids on the suppression lists (`leadpilot forget`).
SELECT (SELECT count(*) FROM suppressed_emails) + (SELECT count(*) FROM suppressed_lead_ids)
