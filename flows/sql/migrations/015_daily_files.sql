-- Version 15: the daily intake's files as they were last read (flows/intake/repeats.py). A
-- file byte-identical to the one recorded here, with the same suppression lists and the same
-- reader, is not read again: the daily run reports that import's counts.
CREATE TABLE IF NOT EXISTS daily_files (
    path         VARCHAR PRIMARY KEY,  -- the configured file (LEADPILOT_LEADS_CSV...)
    sha256       VARCHAR NOT NULL,     -- of the bytes read
    erased       BIGINT NOT NULL,      -- people and lead ids on the suppression lists then
    reader       VARCHAR NOT NULL,     -- digest of the intake's code (flows/intake/repeats.py)
    imported_at  TIMESTAMP NOT NULL,
    summary      JSON NOT NULL         -- that import's counts and rejects file
);
