-- Version 7: the suppression list, so a person `leadpilot forget` erased stays out of every
-- later import (a CRM export or the daily CSVs that still hold them).
-- It keeps a salted SHA-256 of the normalised address (lower-case, trimmed: how the import
-- compares emails), never the address. The salt is drawn once per warehouse, so the list cannot
-- be matched against the unsalted "hashed email" lists that circulate elsewhere. No column is
-- named lead_id, email or key: `forget` itself never erases these rows
-- (flows/privacy/sql/personal_data_tables.sql). flows/privacy/suppression.py reads and writes them.
CREATE TABLE IF NOT EXISTS suppression_salt (salt VARCHAR NOT NULL);
INSERT INTO suppression_salt
SELECT sha256(gen_random_uuid()::VARCHAR || gen_random_uuid()::VARCHAR)
WHERE NOT EXISTS (SELECT 1 FROM suppression_salt);

CREATE TABLE IF NOT EXISTS suppressed_emails (
    email_sha256 VARCHAR PRIMARY KEY,   -- sha256(salt || lower(trim(address)))
    erased_at    TIMESTAMP NOT NULL     -- the first time `forget` erased the person (UTC)
);
