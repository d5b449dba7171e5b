-- leadpilot warehouse, schema version 1. Idempotent: safe to apply on every connection.
-- Timestamps are UTC without a time zone; money is DECIMAL(18,2).

CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL);

CREATE TABLE IF NOT EXISTS companies (
    company_id      VARCHAR PRIMARY KEY,
    name            VARCHAR,
    domain          VARCHAR,
    country         VARCHAR,
    industry        VARCHAR,
    employees       INTEGER,
    annual_revenue  BIGINT,
    founded_year    INTEGER,
    updated_at      TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS leads (
    lead_id     VARCHAR PRIMARY KEY,
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
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS activities (
    event_id     VARCHAR PRIMARY KEY,
    lead_id      VARCHAR NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    event_type   VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS lead_enrichment (
    lead_id         VARCHAR PRIMARY KEY,
    email_domain    VARCHAR,
    email_kind      VARCHAR NOT NULL,
    company_domain  VARCHAR,
    seniority       VARCHAR NOT NULL,
    department      VARCHAR NOT NULL,
    enriched_at     TIMESTAMP NOT NULL
);

-- Everything below is keyed by run_date: a second run of the same day replaces its rows.
CREATE TABLE IF NOT EXISTS runs (
    run_date       DATE PRIMARY KEY,
    started_at     TIMESTAMP NOT NULL,
    finished_at    TIMESTAMP,
    model_version  VARCHAR,
    summary        JSON
);

CREATE TABLE IF NOT EXISTS scores (
    run_date         DATE NOT NULL,
    lead_id          VARCHAR NOT NULL,
    model_version    VARCHAR NOT NULL,
    win_probability  DOUBLE NOT NULL,
    grade            VARCHAR NOT NULL,
    reasons_positive VARCHAR[],
    reasons_negative VARCHAR[],
    PRIMARY KEY (run_date, lead_id)
);

CREATE TABLE IF NOT EXISTS talking_points (
    run_date  DATE NOT NULL,
    lead_id   VARCHAR NOT NULL,
    points    VARCHAR[] NOT NULL,
    PRIMARY KEY (run_date, lead_id)
);

CREATE TABLE IF NOT EXISTS quotes (
    run_date            DATE NOT NULL,
    lead_id             VARCHAR NOT NULL,
    plan                VARCHAR NOT NULL,
    seats               INTEGER NOT NULL,
    currency            VARCHAR NOT NULL,
    unit_price_monthly  DECIMAL(18,2) NOT NULL,
    list_price          DECIMAL(18,2) NOT NULL,
    volume_discount     DECIMAL(9,4) NOT NULL,
    prepay_discount     DECIMAL(9,4) NOT NULL,
    suggested_discount  DECIMAL(9,4) NOT NULL,
    discount_amount     DECIMAL(18,2) NOT NULL,
    acv                 DECIMAL(18,2) NOT NULL,
    floor_price         DECIMAL(18,2) NOT NULL,
    expected_value      DECIMAL(18,2) NOT NULL,
    PRIMARY KEY (run_date, lead_id)
);

-- The rows of every sheet handed to reps, as they were printed.
CREATE TABLE IF NOT EXISTS sheet_rows (
    run_date  DATE NOT NULL,
    rank      INTEGER NOT NULL,
    lead_id   VARCHAR NOT NULL,
    row       JSON NOT NULL,
    PRIMARY KEY (run_date, lead_id)
);

-- Point-in-time features of the leads scored that day (feature list: features/columns.py).
CREATE TABLE IF NOT EXISTS lead_features (
    run_date  DATE NOT NULL,
    lead_id   VARCHAR NOT NULL,
    as_of     TIMESTAMP NOT NULL,
    features  JSON NOT NULL,
    PRIMARY KEY (run_date, lead_id)
);

INSERT INTO schema_version
SELECT 1, now()::TIMESTAMP WHERE NOT EXISTS (SELECT 1 FROM schema_version WHERE version = 1);
