-- The suppression list's key of an address (migration 007): a salted SHA-256 of the address
-- lower-cased and trimmed, the way the import compares emails (sql/import/resolve.sql).
CREATE OR REPLACE TEMP MACRO lp_suppression_key(address, salt) AS
    sha256(salt || lower(trim(address)));
