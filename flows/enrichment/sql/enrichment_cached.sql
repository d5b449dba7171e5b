-- The cache entries of the lookups in the temp table `_wanted` (provider, key).
SELECT c.provider, c.key, c.status, c.payload, CAST(c.fields AS VARCHAR) AS fields, c.error,
       c.fetched_at, c.expires_at
FROM enrichment_cache c
JOIN _wanted w USING (provider, key)
