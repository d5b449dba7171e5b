-- The warehouse tables that can hold a person's data: those with a lead_id, an email or a key
-- column (a cache keyed by what was looked up). `leadpilot forget` erases from every one of
-- them, so a new table holding personal data must use one of these column names to be covered.
SELECT table_name,
       bool_or(column_name = 'lead_id') AS has_lead_id,
       bool_or(column_name = 'email')   AS has_email,
       bool_or(column_name = 'key')     AS has_key
FROM information_schema.columns
WHERE table_catalog = current_database() AND table_schema = 'main'
  AND column_name IN ('lead_id', 'email', 'key')
  AND table_name IN (SELECT table_name FROM information_schema.tables
                     WHERE table_type = 'BASE TABLE' AND table_schema = 'main'
                       AND table_catalog = current_database())
GROUP BY table_name
ORDER BY table_name
