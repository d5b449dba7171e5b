-- Version 8: the suppression list also keeps the lead ids `leadpilot forget` erased, so that a
-- row naming the person only by lead id (a filled-in lead sheet or a CRM export without an
-- email, read back by `leadpilot outcomes`, an import or the daily intake) stays out too.
-- A salted SHA-256 of the trimmed id (the salt of migration 007), never the id: the name avoids
-- the columns lead_id, email and key, so `forget` never erases these rows
-- (flows/privacy/sql/personal_data_tables.sql). flows/privacy/suppression.py reads and writes them.
CREATE TABLE IF NOT EXISTS suppressed_lead_ids (
    lead_id_sha256 VARCHAR PRIMARY KEY,  -- sha256(salt || trim(lead id))
    erased_at      TIMESTAMP NOT NULL    -- the first time `forget` erased the lead (UTC)
);
