-- Text-to-value macros shared by every CSV reader (flows/intake/reading.py installs them as TEMP
-- macros on a connection). A value that cannot be read becomes NULL; callers turn "not empty
-- but NULL" into a reject reason.

-- A number written with a decimal comma or point and optional thousands separators (space,
-- no-break space, dot, comma, apostrophe) and currency signs. The file's decimal separator
-- (`dec`) decides only the ambiguous shapes: "1,234" is 1234 in a '.' file and 1.234 in a ','
-- file; "1,5" and "1 234,50" read the same everywhere.
CREATE OR REPLACE TEMP MACRO lp_number_text(v, dec) AS (
    CASE
        WHEN v IS NULL OR regexp_full_match(v, '[-+]?\d{1,15}') THEN v
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
-- Each macro below names its argument several times: give it a column, not an expression
-- (compute lp_clean_number(s) in an inner SELECT), or the expression runs that many times.
CREATE OR REPLACE TEMP MACRO lp_number_of(clean, dec) AS
    TRY_CAST(lp_number_text(clean, dec) AS DOUBLE);
CREATE OR REPLACE TEMP MACRO lp_decimal_of(clean, dec) AS
    TRY_CAST(lp_number_text(clean, dec) AS DECIMAL(38, 6));

-- A date with an optional time: ISO (2026-11-29, 2026-11-29T08:30:00.000+0000) whatever the
-- order, else day/month/year or month/day/year as the file's `ord` says ('dmy' or 'mdy'),
-- with '/', '.' or '-', two- or four-digit years, 12- or 24-hour clocks (02:18 AM) and an
-- optional UTC offset. The result is a UTC TIMESTAMP; 31/02/2026 is NULL. Use it in two
-- steps: `lp_date_parts(text) AS g` in an inner SELECT, then `lp_timestamp_of(g, ord)`.
-- Callers try try_strptime(text, <the file's usual formats>) first: it is several times
-- faster and agrees with these macros wherever it succeeds (two-digit years: 00-68 -> 20xx).
--
-- Month names, French or English, in any case, with or without accents or an abbreviation
-- dot, read the same whatever `ord` says: 24 févr. 2026, 1er mars 2026, mardi 24 février 2026
-- à 14h05, Feb 24, 2026, February 24th 2026 3:05 PM, Tue, 24 Feb 2026 14:18:00 +0000,
-- 24-Feb-26. lp_date_parts rewrites the words around the date into the day-name-year shape
-- ("24-févr-2026 14:05", one regexp_replace: the day and month sit in groups 1-2 or 5-4),
-- its regex reads the name as `b`, and lp_timestamp_of turns the name into a number.
CREATE OR REPLACE TEMP MACRO lp_date_parts(s) AS regexp_extract(
    trim(CASE WHEN NOT regexp_matches(s, '[a-zA-Z\x{C0}-\x{FF}]{3}') THEN s ELSE regexp_replace(
        s,
        '^\s*(?i:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven|sam|dim)\.?,?\s+)?(?:(\d{1,2})(?i:er|st|nd|rd|th)?\.?\s*[-/.\s]?\s*(?i:of\s+)?([a-zA-Z\x{C0}-\x{FF}]{3,})\.?\s*[-/.,\s]?\s*(\d{4}|\d{2})|([a-zA-Z\x{C0}-\x{FF}]{3,})\.?\s*[-/.\s]?\s*(\d{1,2})(?i:st|nd|rd|th)?\s*[-/.,\s]\s*(\d{4}|\d{2}))(?:\s*,\s*|\s+(?i:at|à)\s+|\s+|$)',
        '\1\5-\2\4-\3\6 ') END),
    '^(\d{1,4})[-/.](\d{1,2}|[a-zA-Z\x{C0}-\x{FF}]{3,})[-/.](\d{1,4})(?:(?:T|\s+)(\d{1,2})[:h](\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:\s*([AaPp])\.?[Mm]\.?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$',
    ['a', 'b', 'c', 'hh', 'mi', 'ss', 'ampm', 'tz']);
-- A month's name or its usual abbreviation (lower case, no accents, no dot) -> its number.
CREATE OR REPLACE TEMP MACRO lp_month_of(name) AS MAP {
    'jan': '1', 'janv': '1', 'janvier': '1', 'january': '1',
    'feb': '2', 'fev': '2', 'fevr': '2', 'fevrier': '2', 'february': '2',
    'mar': '3', 'mars': '3', 'march': '3',
    'apr': '4', 'avr': '4', 'avril': '4', 'april': '4',
    'may': '5', 'mai': '5',
    'jun': '6', 'juin': '6', 'june': '6',
    'jul': '7', 'juil': '7', 'juill': '7', 'juillet': '7', 'july': '7',
    'aug': '8', 'aou': '8', 'aout': '8', 'august': '8',
    'sep': '9', 'sept': '9', 'septembre': '9', 'september': '9',
    'oct': '10', 'octobre': '10', 'october': '10',
    'nov': '11', 'novembre': '11', 'november': '11',
    'dec': '12', 'decembre': '12', 'december': '12'
}[lower(strip_accents(name))];
CREATE OR REPLACE TEMP MACRO lp_year(g) AS (
    CASE
        WHEN length(g.a) = 4 AND length(g.c) <= 2 THEN g.a::INTEGER
        WHEN length(g.a) <= 2 AND length(g.c) = 4 THEN g.c::INTEGER
        WHEN length(g.a) <= 2 AND length(g.c) = 2
            THEN g.c::INTEGER + CASE WHEN g.c::INTEGER < 69 THEN 2000 ELSE 1900 END
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
    CASE WHEN g.a <> '' THEN try_strptime(
        lp_year(g)::VARCHAR
        || '-' || (CASE WHEN length(g.b) > 2 THEN lp_month_of(g.b)
                        WHEN length(g.a) = 4 THEN g.b WHEN ord = 'mdy' THEN g.a ELSE g.b END)
        || '-' || (CASE WHEN length(g.a) = 4 THEN g.c WHEN length(g.b) > 2 THEN g.a
                        WHEN ord = 'mdy' THEN g.b ELSE g.a END)
        || ' ' || lp_hour(g)::VARCHAR || ':' || coalesce(nullif(g.mi, ''), '0')
        || ':' || coalesce(nullif(g.ss, ''), '0'),
        '%Y-%m-%d %H:%M:%S')
    - to_minutes(lp_offset_minutes(g)::BIGINT) END
);

-- A cell's text without surrounding spaces, NULL when empty. Trimming only the cells that need
-- it is several times faster than trim() on every cell of a million-row file.
-- (trim() appears once, in its branch: written with nullif() around the CASE, DuckDB would
-- hoist trim() out as a common subexpression and run it on every cell.)
CREATE OR REPLACE TEMP MACRO lp_text(c) AS
    CASE
        WHEN c = '' THEN NULL
        WHEN c LIKE ' %' OR c LIKE '% ' THEN nullif(trim(c), '')
        ELSE c
    END;
-- The same, also without surrounding tabs: for the columns that identify a person (emails),
-- where a pasted tab must not make another address. (Twice the cost of lp_text.)
CREATE OR REPLACE TEMP MACRO lp_key_text(c) AS
    CASE
        WHEN c = '' THEN NULL
        WHEN c LIKE ' %' OR c LIKE '% ' OR starts_with(c, chr(9)) OR ends_with(c, chr(9))
            THEN nullif(trim(c, ' ' || chr(9)), '')
        ELSE c
    END;
