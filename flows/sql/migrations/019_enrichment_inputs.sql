-- Version 19: each offline enrichment row keeps a fingerprint of what it was derived from (the
-- lead's email, title and company, the company's website, and the enrichment rules:
-- features.enrichment.rules_fingerprint), so the daily run enriches only the leads that are
-- new or changed (flows/pipeline/sql/leads_for_enrichment.sql). Rows from before have none,
-- so the next run enriches them all once more.
ALTER TABLE lead_enrichment ADD COLUMN inputs VARCHAR;
