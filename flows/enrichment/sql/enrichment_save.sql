-- Write the lookups of this run (temp table `_answers`) into the cache, one row per key.
INSERT OR REPLACE INTO enrichment_cache
    (provider, key, status, payload, fields, error, attempts, fetched_at, checked_at, expires_at)
SELECT provider, key, status, payload, CAST(fields AS JSON), error, attempts, fetched_at,
       checked_at, expires_at
FROM _answers
