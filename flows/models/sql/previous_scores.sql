-- Scores of the last run before the given date, with the feature values each lead had then
-- (for the score-movement column): every stored feature column (migration 014).
SELECT s.lead_id, s.win_probability, s.scored_by,
       CAST(s.contributions AS VARCHAR) AS contributions,
       f.* EXCLUDE (run_date, lead_id, as_of)
FROM scores s
JOIN lead_features f ON f.run_date = s.run_date AND f.lead_id = s.lead_id
WHERE s.run_date = (SELECT max(run_date) FROM scores WHERE run_date < ?)
ORDER BY s.lead_id
