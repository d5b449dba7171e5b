-- lp_events (a daily activities file as text, one column per header: flows/intake/loading.py)
-- -> lp_event_rows: every record, in file order, typed, with its reject reason (NULL when valid;
-- blank records left out). {event_id}, {lead_id}, {occurred_at}, {event_type} are the file's
-- header names as identifiers. Parameters: $base (rowid - $base numbers the records from 0),
-- $formats (strptime formats worth trying first), $ord (date order), $types (event types),
-- the reason texts $why_<key> (features/reading/reasons.py).
CREATE OR REPLACE TEMP TABLE lp_event_rows AS
SELECT _rec, event_id, lead_id, occurred_at, event_type,
    nullif(concat_ws('; ',
        CASE WHEN event_id IS NULL THEN lp_why($why_required, 'event_id', NULL) END,
        CASE WHEN lead_id IS NULL THEN lp_why($why_required, 'lead_id', NULL) END,
        CASE WHEN occurred_text IS NULL THEN lp_why($why_required, 'occurred_at', NULL)
             WHEN occurred_at IS NULL
                THEN lp_why($why_not_date, 'occurred_at', left(occurred_text, 40)) END,
        CASE WHEN type_text IS NULL THEN lp_why($why_required, 'event_type', NULL)
             WHEN event_type IS NULL
                THEN lp_why($why_choice, 'event_type', array_to_string($types, ', ')) END
    ), '') AS reason
FROM (
    SELECT *, coalesce(CASE WHEN try_strptime(occurred_text, $formats)
                                 >= TIMESTAMP '1900-01-01'
                            THEN try_strptime(occurred_text, $formats) END,
                       lp_timestamp_of(lp_date_parts(occurred_text), $ord)) AS occurred_at,
           CASE WHEN list_contains($types, lower(type_text)) THEN lower(type_text) END
               AS event_type
    FROM (
        SELECT rowid - $base AS _rec, lp_text({event_id}) AS event_id,
               lp_text({lead_id}) AS lead_id, lp_text({occurred_at}) AS occurred_text,
               lp_text({event_type}) AS type_text
        FROM lp_events
    )
)
WHERE coalesce(event_id, lead_id, occurred_text, type_text) IS NOT NULL;

-- The valid rows, one per event (a later row replaces an earlier one), each marked new or
-- changed against the warehouse.
CREATE OR REPLACE TEMP TABLE lp_event_valid AS
SELECT e.event_id, e.lead_id, e.occurred_at, e.event_type, a.event_id IS NOT NULL AS existed,
       (e.lead_id, e.occurred_at, e.event_type)
           IS DISTINCT FROM (a.lead_id, a.occurred_at, a.event_type) AS changed
FROM (SELECT * FROM lp_event_rows WHERE reason IS NULL
      QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY _rec DESC) = 1) AS e
LEFT JOIN activities a USING (event_id);
