-- Version 2: importing any CRM file (`leadpilot import FILE`) and recording outcomes.
-- leads.extra keeps, as a JSON object {header: text}, every column of an imported file that
-- leadpilot has no field for, and the original text of values it translated (LeadSource…).
ALTER TABLE leads ADD COLUMN IF NOT EXISTS extra JSON;

-- One row per `leadpilot import FILE` or `leadpilot outcomes FILE` that wrote something.
CREATE TABLE IF NOT EXISTS imports (
    import_id    VARCHAR PRIMARY KEY,
    kind         VARCHAR NOT NULL,   -- leads or outcomes
    source_file  VARCHAR NOT NULL,
    mapping      VARCHAR NOT NULL,   -- preset name or mapping file
    format       VARCHAR NOT NULL,   -- what detection found, one line
    imported_at  TIMESTAMP NOT NULL,
    summary      JSON NOT NULL       -- read, inserted, updated, unchanged, merged, rejected
);

-- What an import changed in a lead that was already there: one row per field.
CREATE TABLE IF NOT EXISTS lead_changes (
    lead_id      VARCHAR NOT NULL,
    field        VARCHAR NOT NULL,
    old          VARCHAR,
    new          VARCHAR,
    changed_at   TIMESTAMP NOT NULL,
    source_file  VARCHAR NOT NULL
);

-- Every outcome a rep or a CRM reported, kept even when a later one supersedes it.
-- outcome: won, lost, no_answer or bad_fit; won and lost also close the lead (leads.status).
CREATE TABLE IF NOT EXISTS outcomes (
    lead_id      VARCHAR NOT NULL,
    outcome      VARCHAR NOT NULL,
    reason       VARCHAR,
    close_date   DATE,
    deal_value   DECIMAL(18,2),
    recorded_at  TIMESTAMP NOT NULL,
    source_file  VARCHAR NOT NULL
);
