-- Version 11: every file `leadpilot export` wrote (its --out folder included), so that
-- `leadpilot forget` can rewrite the copies of a sheet it made outside out_dir too
-- (flows/sheets/export.py records them, flows/privacy/erasure.py rewrites them). No personal
-- data here: the path, the sheet's day and how it was written. (Number 010 is taken by another
-- branch's migration.)
CREATE TABLE IF NOT EXISTS exports (
    path       VARCHAR PRIMARY KEY,  -- absolute path of the file written
    run_date   DATE NOT NULL,        -- the day of the sheet it holds
    format     VARCHAR NOT NULL,     -- csv or xlsx
    locale     VARCHAR NOT NULL,     -- en or fr
    written_at TIMESTAMP NOT NULL    -- when it was last written (UTC)
);
