-- Email and domain normalisation as DuckDB macros, for files of millions of rows. They give
-- the same answers as features/email.py and features/domains.py for ASCII input (a test checks
-- it on the awkward cases); the importer sends non-ASCII and punycode values to those Python
-- functions instead (lp_needs_python). Inputs are trimmed text. Each macro that names its
-- argument twice is given a column computed in an inner SELECT, so regexes run once.

CREATE OR REPLACE TEMP MACRO lp_needs_python(s) AS
    strlen(s) <> length(s) OR s ILIKE '%xn--%';

-- A lower-case ASCII host with two or more valid labels and an alphabetic top-level label.
CREATE OR REPLACE TEMP MACRO lp_host_ok(h) AS
    length(h) <= 253
    AND regexp_full_match(h, '([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}');

-- True for the plain shape of address that every check below accepts (letters, digits and
-- _%+- in dot-separated local words, a host of valid labels): one regex with no capture
-- group, so that most addresses skip lp_email_parts (three times the cost) and
-- lp_email_domain_of. False or NULL says nothing: those addresses take the full checks.
CREATE OR REPLACE TEMP MACRO lp_email_plain(e) AS
    strlen(e) <= 254 AND strpos(e, '@') <= 65
    AND regexp_full_match(e, '[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}');

-- An address split at its one '@' (empty parts when it has none, or more than one).
CREATE OR REPLACE TEMP MACRO lp_email_parts(e) AS
    regexp_extract(e, '^([^@]{1,64})@([^@]+)$', ['local', 'host']);

-- The address's lower-case domain when it is well formed (features.email.email_domain).
CREATE OR REPLACE TEMP MACRO lp_email_domain_of(e, parts) AS (
    CASE
        WHEN length(e) <= 254 AND parts.local <> ''
             AND NOT regexp_matches(parts.local, '[\s"(),:;<>\[\\\]\x00-\x1f\x7f]|^\.|\.$|\.\.')
             AND lp_host_ok(lower(parts.host))
            THEN lower(parts.host)
    END
);

-- The lower-case host of a website, URL or mistyped email: scheme, user info, port, path,
-- query and one trailing dot dropped (what urllib.parse.urlsplit(...).hostname gives). Text with
-- whitespace gets a host ending in a space, which no check accepts (lp_host_ok). Written as one
-- regexp_replace, plain splits and no CASE around them: a regexp_extract with a capture group,
-- or the same splits inside a CASE, costs 3 to 8 times more CPU over a million rows.
CREATE OR REPLACE TEMP MACRO lp_website_host(s) AS
    regexp_replace(lower(split_part(split_part(split_part(split_part(
        regexp_replace(s, '^(?:[A-Za-z][A-Za-z0-9+.-]*://|//)?(?:[^/?#]*@)?', ''),
        '/', 1), '?', 1), '#', 1), ':', 1)), '\.$', '')
    || CASE WHEN regexp_matches(s, '\s') THEN ' ' ELSE '' END;

-- A valid host without one leading www.
CREATE OR REPLACE TEMP MACRO lp_without_www(h) AS (
    CASE WHEN regexp_matches(h, '^www\d*\.[^.]+\.') THEN regexp_replace(h, '^www\d*\.', '') ELSE h END
);

-- The domain of a host: valid, and without one leading www (features.domains.normalise_domain).
CREATE OR REPLACE TEMP MACRO lp_domain_of(h) AS (
    CASE
        WHEN h IS NULL OR NOT lp_host_ok(h) THEN NULL
        ELSE lp_without_www(h)
    END
);

-- The domain of any text in one call, for small tables (the host is computed three times).
CREATE OR REPLACE TEMP MACRO lp_domain(s) AS lp_domain_of(lp_website_host(trim(s)));

-- A reject reason from its template (features/reading/reasons.py, bound as $why_<key>).
CREATE OR REPLACE TEMP MACRO lp_why(template, field, value) AS
    replace(replace(template, '{field}', field), '{value}', coalesce(value, ''));
