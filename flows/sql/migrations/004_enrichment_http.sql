-- Version 4: enrichment over HTTP (company registry, company website, any JSON API).
-- companies.siren and companies.postal_code let the registry find a company exactly; both are
-- optional columns of the companies CSV.
ALTER TABLE companies ADD COLUMN IF NOT EXISTS siren VARCHAR;
ALTER TABLE companies ADD COLUMN IF NOT EXISTS postal_code VARCHAR;

-- One row per (provider, lookup key): the last good payload, its parsed facts and when it was
-- fetched, plus how the last attempt went. Within expires_at a lookup is not requested again.
-- status: ok, not_found, refused (SSRF guard) or error (retried on the next run). After an
-- error the last good payload, fields and fetched_at stay, so a lead keeps what was known.
CREATE TABLE IF NOT EXISTS enrichment_cache (
    provider    VARCHAR NOT NULL,
    key         VARCHAR NOT NULL,
    status      VARCHAR NOT NULL,
    payload     VARCHAR,            -- raw body as received (text)
    fields      JSON,               -- {fact field: text}, see features/facts.py
    error       VARCHAR,            -- why the last attempt failed; never holds a secret
    attempts    INTEGER NOT NULL,   -- HTTP requests the last attempt sent
    fetched_at  TIMESTAMP,          -- when payload and fields were fetched
    checked_at  TIMESTAMP NOT NULL, -- when the last attempt ran
    expires_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (provider, key)
);

-- Per lead and provider: which lookup the lead needs and how it went (failures per lead).
CREATE TABLE IF NOT EXISTS lead_lookups (
    lead_id     VARCHAR NOT NULL,
    provider    VARCHAR NOT NULL,
    key         VARCHAR NOT NULL,
    status      VARCHAR NOT NULL,   -- ok, not_found, refused, error, or pending (never tried)
    error       VARCHAR,
    checked_at  TIMESTAMP,
    PRIMARY KEY (lead_id, provider)
);

-- Every enriched fact of a lead with its provenance: one value per field, from the first
-- provider (in data/providers.toml order) that knows it.
CREATE TABLE IF NOT EXISTS lead_facts (
    lead_id     VARCHAR NOT NULL,
    field       VARCHAR NOT NULL,
    label       VARCHAR NOT NULL,
    value       VARCHAR NOT NULL,
    provider    VARCHAR NOT NULL,
    fetched_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (lead_id, field)
);

-- The facts the features, the playbook and the sheet read, one row per lead: each value with
-- `<field>_by` (provider) and `<field>_on` (fetch date), and every fact as one line each.
CREATE OR REPLACE VIEW lead_facts_wide AS
SELECT lead_id,
    max(value) FILTER (WHERE field = 'headcount_band')                     AS headcount_band,
    max(provider) FILTER (WHERE field = 'headcount_band')                  AS headcount_band_by,
    max(strftime(fetched_at, '%Y-%m-%d')) FILTER (WHERE field = 'headcount_band')
                                                                           AS headcount_band_on,
    max(value) FILTER (WHERE field = 'company_category')                   AS company_category,
    max(provider) FILTER (WHERE field = 'company_category')                AS company_category_by,
    max(strftime(fetched_at, '%Y-%m-%d')) FILTER (WHERE field = 'company_category')
                                                                           AS company_category_on,
    max(value) FILTER (WHERE field = 'naf_section')                        AS naf_section,
    max(value) FILTER (WHERE field = 'naf_code')                           AS naf_code,
    max(provider) FILTER (WHERE field = 'naf_code')                        AS naf_code_by,
    max(strftime(fetched_at, '%Y-%m-%d')) FILTER (WHERE field = 'naf_code') AS naf_code_on,
    max(value) FILTER (WHERE field = 'naf_label')                          AS naf_label,
    max(provider) FILTER (WHERE field = 'naf_label')                       AS naf_label_by,
    max(strftime(fetched_at, '%Y-%m-%d')) FILTER (WHERE field = 'naf_label') AS naf_label_on,
    max(value) FILTER (WHERE field = 'creation_date')                      AS creation_date,
    max(provider) FILTER (WHERE field = 'creation_date')                   AS creation_date_by,
    max(strftime(fetched_at, '%Y-%m-%d')) FILTER (WHERE field = 'creation_date')
                                                                           AS creation_date_on,
    max(value) FILTER (WHERE field = 'hq_city')                            AS hq_city,
    max(provider) FILTER (WHERE field = 'hq_city')                         AS hq_city_by,
    max(strftime(fetched_at, '%Y-%m-%d')) FILTER (WHERE field = 'hq_city') AS hq_city_on,
    TRY_CAST(max(value) FILTER (WHERE field = 'establishments') AS DOUBLE) AS establishments,
    max(provider) FILTER (WHERE field = 'establishments')                  AS establishments_by,
    max(strftime(fetched_at, '%Y-%m-%d')) FILTER (WHERE field = 'establishments')
                                                                           AS establishments_on,
    max(value) FILTER (WHERE field = 'web_stack')                          AS web_stack,
    max(provider) FILTER (WHERE field = 'web_stack')                       AS web_stack_by,
    max(strftime(fetched_at, '%Y-%m-%d')) FILTER (WHERE field = 'web_stack') AS web_stack_on,
    max(value) FILTER (WHERE field = 'tech_hints')                         AS tech_hints,
    max(provider) FILTER (WHERE field = 'tech_hints')                      AS tech_hints_by,
    max(strftime(fetched_at, '%Y-%m-%d')) FILTER (WHERE field = 'tech_hints') AS tech_hints_on,
    max(value) FILTER (WHERE field = 'site_description')                   AS site_description,
    max(provider) FILTER (WHERE field = 'site_description')                AS site_description_by,
    max(strftime(fetched_at, '%Y-%m-%d')) FILTER (WHERE field = 'site_description')
                                                                           AS site_description_on,
    max(value) FILTER (WHERE field = 'industry_label')                     AS industry_label,
    max(provider) FILTER (WHERE field = 'industry_label')                  AS industry_label_by,
    max(strftime(fetched_at, '%Y-%m-%d')) FILTER (WHERE field = 'industry_label')
                                                                           AS industry_label_on,
    list(label || ': ' || value || ' (' || provider || ', '
         || strftime(fetched_at, '%Y-%m-%d') || ')' ORDER BY field)       AS enriched_facts
FROM lead_facts
GROUP BY lead_id;
