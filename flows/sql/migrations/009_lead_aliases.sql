-- Version 9: the CRM ids an import merged into another lead (a second Salesforce or HubSpot
-- record of the same person, found by email). `leadpilot outcomes` and later imports find the
-- lead by them, so an outcome or an update entered on the duplicate record reaches the lead.
-- Keyed by lead_id: `leadpilot forget` erases a person's aliases with their leads
-- (flows/privacy/sql/personal_data_tables.sql). flows/intake/sql/import/resolve.sql and flows/intake/diff.py read
-- and write them.
CREATE TABLE IF NOT EXISTS lead_aliases (
    alias       VARCHAR NOT NULL,   -- the CRM's id of the duplicate record (trimmed)
    lead_id     VARCHAR NOT NULL,   -- the lead it was merged into
    recorded_at TIMESTAMP NOT NULL  -- when an import first merged it (UTC)
);
