-- Model registry, champion history and per-lead score details (issue: a model sales can trust).

-- Every trained model, with its card and the booster text, so the warehouse alone can score.
-- kind: 'warehouse' (FEATURES from the point-in-time SQL; the daily flow's models) or 'history'
-- (trained on a CRM export's own columns; scores that file's open rows, never the daily sheet).
CREATE TABLE IF NOT EXISTS models (
    version     VARCHAR PRIMARY KEY,
    kind        VARCHAR NOT NULL,
    trained_at  TIMESTAMP NOT NULL,
    card        JSON NOT NULL,
    model_text  VARCHAR NOT NULL
);

-- Who was champion when: the newest 'promoted' row of a kind is its champion. Rows are never
-- deleted, so a rollback is one more row and the history stays readable.
CREATE TABLE IF NOT EXISTS model_events (
    event_at TIMESTAMP NOT NULL,
    version  VARCHAR NOT NULL,
    kind     VARCHAR NOT NULL,
    action   VARCHAR NOT NULL,   -- promoted, kept_champion, rolled_back, registered (history)
    reason   VARCHAR NOT NULL
);

-- How each lead was scored: 'model <version>' or the rules label; per-feature contributions
-- (log-odds for a model, rule points for the rules score) for the score-movement column.
ALTER TABLE scores ADD COLUMN IF NOT EXISTS scored_by VARCHAR;
ALTER TABLE scores ADD COLUMN IF NOT EXISTS contributions JSON;
ALTER TABLE scores ADD COLUMN IF NOT EXISTS movement VARCHAR;
