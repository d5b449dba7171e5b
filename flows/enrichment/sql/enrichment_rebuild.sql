-- What each lead knows from the providers switched on: `_plan` (lead_id, provider, key) says
-- which lookup each lead needs, `_order` (provider, rank) which provider wins a shared field,
-- `_labels` (field, label) how the sheet names a field.
DELETE FROM lead_lookups;
INSERT INTO lead_lookups (lead_id, provider, key, status, error, checked_at)
SELECT p.lead_id, p.provider, p.key, coalesce(c.status, 'pending'), c.error, c.checked_at
FROM _plan p
LEFT JOIN enrichment_cache c USING (provider, key);

DELETE FROM lead_facts;
INSERT INTO lead_facts (lead_id, field, label, value, provider, fetched_at)
WITH known AS (
    SELECT p.lead_id, c.provider, c.fetched_at, o.rank, c.fields,
           unnest(json_keys(c.fields)) AS field
    FROM _plan p
    JOIN enrichment_cache c USING (provider, key)
    JOIN _order o USING (provider)
    WHERE c.fields IS NOT NULL AND c.fetched_at IS NOT NULL
)
SELECT k.lead_id, k.field, l.label, k.fields ->> k.field AS value, k.provider, k.fetched_at
FROM known k
JOIN _labels l USING (field)
WHERE (k.fields ->> k.field) IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY k.lead_id, k.field ORDER BY k.rank) = 1;
