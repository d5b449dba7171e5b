-- The suppression list's key of an address (migration 007): a salted SHA-256 of the address
-- lower-cased and trimmed, the way the import compares emails (sql/import/resolve.sql).
CREATE OR REPLACE TEMP MACRO lp_suppression_key(address, salt) AS
    sha256(salt || lower(trim(address)));
-- The key of an erased lead id (migration 008): a salted SHA-256 of the id trimmed, its case
-- kept, the way the import and outcomes compare ids.
CREATE OR REPLACE TEMP MACRO lp_suppression_lead_key(id, salt) AS
    sha256(salt || trim(id));
