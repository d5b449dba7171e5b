-- Version 3: who owns each lead.
-- leads.owner is the owner a CRM export gave (a rep's name or email); empty when it gave none.
-- owner_assignments keeps, per run, the owner the sheet shows: the CRM's, else the one the
-- territories in data/reps.yaml give (rule: crm, territory or default).
ALTER TABLE leads ADD COLUMN IF NOT EXISTS owner VARCHAR;

CREATE TABLE IF NOT EXISTS owner_assignments (
    run_date     DATE NOT NULL,
    lead_id      VARCHAR NOT NULL,
    owner        VARCHAR NOT NULL,
    owner_email  VARCHAR,
    rule         VARCHAR NOT NULL,   -- crm, territory or default
    PRIMARY KEY (run_date, lead_id)
);
