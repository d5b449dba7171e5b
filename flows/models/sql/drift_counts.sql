-- Today's leads per bin of each profiled feature and of the score (scoring/drift.py reads the
-- counts into a PSI), counted where they are stored instead of in pandas.
-- $categorical: names of categorical features, counted per label; an unknown value is 'unknown',
--   as the model reads it (features.point_in_time.model_matrix).
-- $numeric, $edges: names of numeric features (and 'score', the win probability stored by the
--   score step) and each one's bin edges: the bin is how many edges are <= the value
--   (numpy's searchsorted, side right), len(edges) + 1 for an unknown value.
WITH labels AS (
    SELECT coalesce(COLUMNS(lambda c: list_contains($categorical, c)), 'unknown')
    FROM lead_features
    WHERE run_date = $run_date
), numbers AS (
    SELECT coalesce(COLUMNS(lambda c: list_contains($numeric, c)), 'NaN'::DOUBLE)
    FROM lead_features
    WHERE run_date = $run_date
), cells AS (
    SELECT name, value, NULL::DOUBLE AS number FROM (
        UNPIVOT labels ON COLUMNS(*) INTO NAME name VALUE value)
    UNION ALL
    SELECT name, NULL, value FROM (UNPIVOT numbers ON COLUMNS(*) INTO NAME name VALUE value)
    UNION ALL
    SELECT 'score', NULL, win_probability FROM scores
    WHERE run_date = $run_date AND list_contains($numeric, 'score')
)
SELECT name,
       value AS label,
       CASE WHEN value IS NOT NULL THEN NULL
            WHEN isnan(number) THEN len($edges[list_position($numeric, name)]) + 1
            ELSE len(list_filter($edges[list_position($numeric, name)], lambda e: e <= number))
       END AS bin,
       count(*) AS leads
FROM cells
GROUP BY ALL
ORDER BY ALL
