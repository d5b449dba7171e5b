-- Version 6: leads keeps lead_id unique without an ART index.
-- DuckDB's PRIMARY KEY builds an in-memory ART index that every insert maintains and every
-- commit writes out: on a million-row `leadpilot import` that was about 1 s of a 2-3 s budget
-- (bench/intake.py). DuckDB's own documentation says indexes "slow down loading and updates"
-- and serve mainly point lookups, which leadpilot never does on leads. Uniqueness of lead_id is
-- kept by the only two writers: the import groups its rows by lead id and inserts only ids
-- the table does not hold (flows/intake/diff.py), and the daily intake's upsert deletes the
-- ids it replaces first (flows/store.py:upsert). tests/flows/test_store.py checks both.
CREATE TABLE leads_v6 (
    lead_id     VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    first_name  VARCHAR,
    last_name   VARCHAR,
    title       VARCHAR,
    email       VARCHAR,
    phone       VARCHAR,
    company_id  VARCHAR,
    source      VARCHAR NOT NULL,
    status      VARCHAR NOT NULL,   -- open, won, lost
    closed_at   TIMESTAMP,
    updated_at  TIMESTAMP NOT NULL,
    extra       JSON,
    owner       VARCHAR
);
INSERT INTO leads_v6 BY NAME SELECT * FROM leads;
DROP TABLE leads;
ALTER TABLE leads_v6 RENAME TO leads;
