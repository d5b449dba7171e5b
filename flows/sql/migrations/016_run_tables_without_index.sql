-- Version 16: the per-run tables (one row per run date and lead) keep that key without an ART
-- index, as leads does since version 6. A day run again replaced its rows by deleting and
-- inserting them: on these indexed tables DuckDB's commit took 4-10 s per table at 100,000
-- leads, and INSERT OR REPLACE was slower still on wide or list columns (talking points: 20 s;
-- features: 12 s). Without the index the delete, insert and commit take about 0.5 s. The key
-- is kept by the only writer, flows/store.py:put_run, which deletes the day's rows before
-- inserting and refuses rows that name a lead twice (tests/flows/test_store.py).

CREATE TABLE lead_features_v16(run_date DATE NOT NULL, lead_id VARCHAR NOT NULL, as_of TIMESTAMP NOT NULL, size_band VARCHAR, industry VARCHAR, country VARCHAR, company_age_years DOUBLE, "source" VARCHAR, seniority VARCHAR, department VARCHAR, email_kind VARCHAR, events_7d DOUBLE, events_30d DOUBLE, events_90d DOUBLE, pricing_views_7d DOUBLE, pricing_views_30d DOUBLE, demo_requests_90d DOUBLE, webinars_90d DOUBLE, docs_views_30d DOUBLE, email_clicks_30d DOUBLE, days_since_last_event DOUBLE, completeness DOUBLE, headcount_band VARCHAR, company_category VARCHAR, naf_section VARCHAR, web_stack VARCHAR, first_name VARCHAR, last_name VARCHAR, title VARCHAR, email VARCHAR, phone VARCHAR, created_at TIMESTAMP, company VARCHAR, employees INTEGER, annual_revenue BIGINT, company_domain VARCHAR, last_event_type VARCHAR, last_event_at TIMESTAMP, headcount_band_by VARCHAR, headcount_band_on VARCHAR, company_category_by VARCHAR, company_category_on VARCHAR, naf_code VARCHAR, naf_code_by VARCHAR, naf_code_on VARCHAR, naf_label VARCHAR, naf_label_by VARCHAR, naf_label_on VARCHAR, creation_date VARCHAR, creation_date_by VARCHAR, creation_date_on VARCHAR, hq_city VARCHAR, hq_city_by VARCHAR, hq_city_on VARCHAR, establishments DOUBLE, establishments_by VARCHAR, establishments_on VARCHAR, web_stack_by VARCHAR, web_stack_on VARCHAR, tech_hints VARCHAR, tech_hints_by VARCHAR, tech_hints_on VARCHAR, site_description VARCHAR, site_description_by VARCHAR, site_description_on VARCHAR, industry_label VARCHAR, industry_label_by VARCHAR, industry_label_on VARCHAR, enriched_facts VARCHAR[]);
INSERT INTO lead_features_v16 BY NAME SELECT * FROM lead_features;
DROP TABLE lead_features;
ALTER TABLE lead_features_v16 RENAME TO lead_features;

CREATE TABLE scores_v16(run_date DATE NOT NULL, lead_id VARCHAR NOT NULL, model_version VARCHAR NOT NULL, win_probability DOUBLE NOT NULL, grade VARCHAR NOT NULL, reasons_positive VARCHAR[], reasons_negative VARCHAR[], scored_by VARCHAR, contributions JSON, movement VARCHAR);
INSERT INTO scores_v16 BY NAME SELECT * FROM scores;
DROP TABLE scores;
ALTER TABLE scores_v16 RENAME TO scores;

CREATE TABLE talking_points_v16(run_date DATE NOT NULL, lead_id VARCHAR NOT NULL, points VARCHAR[] NOT NULL, point_ids VARCHAR[]);
INSERT INTO talking_points_v16 BY NAME SELECT * FROM talking_points;
DROP TABLE talking_points;
ALTER TABLE talking_points_v16 RENAME TO talking_points;

CREATE TABLE quotes_v16(run_date DATE NOT NULL, lead_id VARCHAR NOT NULL, plan VARCHAR NOT NULL, seats INTEGER NOT NULL, currency VARCHAR NOT NULL, unit_price_monthly DECIMAL(18,2) NOT NULL, list_price DECIMAL(18,2) NOT NULL, volume_discount DECIMAL(9,4) NOT NULL, prepay_discount DECIMAL(9,4) NOT NULL, suggested_discount DECIMAL(9,4) NOT NULL, discount_amount DECIMAL(18,2) NOT NULL, acv DECIMAL(18,2) NOT NULL, floor_price DECIMAL(18,2) NOT NULL, expected_value DECIMAL(18,2) NOT NULL, floor_discount DECIMAL(9,4), approval_discount DECIMAL(9,4), terms VARCHAR);
INSERT INTO quotes_v16 BY NAME SELECT * FROM quotes;
DROP TABLE quotes;
ALTER TABLE quotes_v16 RENAME TO quotes;

CREATE TABLE sheet_rows_v16(run_date DATE NOT NULL, rank INTEGER NOT NULL, lead_id VARCHAR NOT NULL, "row" JSON NOT NULL);
INSERT INTO sheet_rows_v16 BY NAME SELECT * FROM sheet_rows;
DROP TABLE sheet_rows;
ALTER TABLE sheet_rows_v16 RENAME TO sheet_rows;

CREATE TABLE owner_assignments_v16(run_date DATE NOT NULL, lead_id VARCHAR NOT NULL, "owner" VARCHAR NOT NULL, owner_email VARCHAR, "rule" VARCHAR NOT NULL, reason VARCHAR);
INSERT INTO owner_assignments_v16 BY NAME SELECT * FROM owner_assignments;
DROP TABLE owner_assignments;
ALTER TABLE owner_assignments_v16 RENAME TO owner_assignments;
