-- Text-to-value macros shared by every CSV reader (flows/csv_reading.py installs them as TEMP
-- macros on a connection). A value that cannot be read becomes NULL; callers turn "not empty
-- but NULL" into a reject reason.

-- A number written with a decimal comma or point and optional thousands separators (space,
-- no-break space, dot, comma, apostrophe) and currency signs. The file's decimal separator
-- (`dec`) decides only the ambiguous shapes: "1,234" is 1234 in a '.' file and 1.234 in a ','
-- file; "1,5" and "1 234,50" read the same everywhere.
CREATE OR REPLACE TEMP MACRO lp_number_text(v, dec) AS (
    CASE
        WHEN regexp_full_match(v, '[-+]?\d[\d.]*,\d+')
             AND (contains(v, '.') OR dec = ',' OR NOT regexp_full_match(v, '[-+]?[1-9]\d{0,2}(,\d{3})+'))
            THEN replace(replace(v, '.', ''), ',', '.')
        WHEN regexp_full_match(v, '[-+]?\d[\d,]*\.\d+')
             AND (contains(v, ',') OR dec = '.' OR NOT regexp_full_match(v, '[-+]?[1-9]\d{0,2}(\.\d{3})+'))
            THEN replace(v, ',', '')
        WHEN regexp_full_match(v, '[-+]?[1-9]\d{0,2}(,\d{3})+') THEN replace(v, ',', '')
        WHEN regexp_full_match(v, '[-+]?[1-9]\d{0,2}(\.\d{3})+') THEN replace(v, '.', '')
        ELSE v
    END
);
CREATE OR REPLACE TEMP MACRO lp_clean_number(s) AS
    regexp_replace(trim(s), '[\s\x{00A0}\x{202F}''€$£¥]|EUR|USD|GBP|CHF', '', 'g');
CREATE OR REPLACE TEMP MACRO lp_number(s, dec) AS
    TRY_CAST(lp_number_text(lp_clean_number(s), dec) AS DOUBLE);
CREATE OR REPLACE TEMP MACRO lp_decimal(s, dec) AS
    TRY_CAST(lp_number_text(lp_clean_number(s), dec) AS DECIMAL(38, 6));

-- A date with an optional time: ISO (2026-11-29, 2026-11-29T08:30:00.000+0000) whatever the
-- order, else day/month/year or month/day/year as the file's `ord` says ('dmy' or 'mdy'),
-- with '/', '.' or '-', two- or four-digit years, 12- or 24-hour clocks (02:18 AM) and an
-- optional UTC offset. The result is a UTC TIMESTAMP; 31/02/2026 is NULL.
CREATE OR REPLACE TEMP MACRO lp_date_parts(s) AS regexp_extract(
    trim(s),
    '^(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})(?:(?:T|\s+)(\d{1,2})[:h](\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:\s*([AaPp])\.?[Mm]\.?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$',
    ['a', 'b', 'c', 'hh', 'mi', 'ss', 'ampm', 'tz']);
CREATE OR REPLACE TEMP MACRO lp_year(g) AS (
    CASE
        WHEN length(g.a) = 4 AND length(g.c) <= 2 THEN g.a::INTEGER
        WHEN length(g.a) <= 2 AND length(g.c) = 4 THEN g.c::INTEGER
        WHEN length(g.a) <= 2 AND length(g.c) = 2
            THEN g.c::INTEGER + CASE WHEN g.c::INTEGER < 70 THEN 2000 ELSE 1900 END
    END
);
CREATE OR REPLACE TEMP MACRO lp_hour(g) AS (
    CASE
        WHEN g.hh = '' THEN 0
        WHEN g.ampm = '' THEN g.hh::INTEGER
        WHEN g.hh::INTEGER BETWEEN 1 AND 12
            THEN g.hh::INTEGER % 12 + CASE WHEN upper(g.ampm) = 'P' THEN 12 ELSE 0 END
    END
);
CREATE OR REPLACE TEMP MACRO lp_offset_minutes(g) AS (
    CASE
        WHEN g.tz IN ('', 'Z') THEN 0
        ELSE (CASE WHEN g.tz[1] = '-' THEN -1 ELSE 1 END)
             * (g.tz[2:3]::INTEGER * 60 + right(g.tz, 2)::INTEGER)
    END
);
CREATE OR REPLACE TEMP MACRO lp_timestamp_of(g, ord) AS (
    try_strptime(
        lp_year(g)::VARCHAR
        || '-' || (CASE WHEN length(g.a) = 4 THEN g.b WHEN ord = 'mdy' THEN g.a ELSE g.b END)
        || '-' || (CASE WHEN length(g.a) = 4 THEN g.c WHEN ord = 'mdy' THEN g.b ELSE g.a END)
        || ' ' || lp_hour(g)::VARCHAR || ':' || coalesce(nullif(g.mi, ''), '0')
        || ':' || coalesce(nullif(g.ss, ''), '0'),
        '%Y-%m-%d %H:%M:%S')
    - to_minutes(lp_offset_minutes(g)::BIGINT)
);
CREATE OR REPLACE TEMP MACRO lp_timestamp(s, ord) AS
    CASE WHEN lp_date_parts(s).a <> '' THEN lp_timestamp_of(lp_date_parts(s), ord) END;
