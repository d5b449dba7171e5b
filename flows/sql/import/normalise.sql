-- Email and domain normalisation as DuckDB macros, for files of millions of rows. They give
-- the same answers as features/email.py and features/domains.py for ASCII input (a test checks
-- it on the awkward cases); the importer sends non-ASCII and punycode values to those Python
-- functions instead (lp_needs_python).

CREATE OR REPLACE TEMP MACRO lp_needs_python(s) AS
    regexp_matches(s, '[^\x01-\x7f]') OR contains(lower(s), 'xn--');

-- A lower-case ASCII host with two or more valid labels and an alphabetic top-level label.
CREATE OR REPLACE TEMP MACRO lp_host_ok(h) AS
    length(h) <= 253
    AND regexp_full_match(h, '([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}');

-- The email's lower-case domain when the address is well formed (features.email.email_domain).
CREATE OR REPLACE TEMP MACRO lp_email_domain(e) AS (
    CASE
        WHEN length(trim(e)) <= 254
             AND regexp_full_match(trim(e), '[^@]{1,64}@[^@]+')
             AND NOT regexp_matches(split_part(trim(e), '@', 1),
                                    '[\s"(),:;<>\[\\\]\x00-\x1f\x7f]|^\.|\.$|\.\.')
             AND lp_host_ok(lower(split_part(trim(e), '@', 2)))
            THEN lower(split_part(trim(e), '@', 2))
    END
);

-- The bare host of a website, URL or mistyped email (features.domains.normalise_domain).
CREATE OR REPLACE TEMP MACRO lp_host_of(t) AS lower(regexp_replace(regexp_replace(
    regexp_extract(
        CASE
            WHEN regexp_matches(t, '^[A-Za-z][A-Za-z0-9+.-]*://')
                THEN regexp_replace(t, '^[A-Za-z][A-Za-z0-9+.-]*://', '')
            WHEN starts_with(t, '//') THEN t[3:]
            ELSE t
        END, '^[^/?#]*'),
    '^.*@', ''), ':.*$', ''));
CREATE OR REPLACE TEMP MACRO lp_bare(h) AS
    CASE WHEN ends_with(h, '.') THEN h[:-2] ELSE h END;
CREATE OR REPLACE TEMP MACRO lp_domain_of(h) AS (
    CASE
        WHEN NOT lp_host_ok(h) THEN NULL
        WHEN contains(regexp_replace(h, '^www\d*\.', ''), '.')
            THEN regexp_replace(h, '^www\d*\.', '')
        ELSE h
    END
);
CREATE OR REPLACE TEMP MACRO lp_domain(s) AS (
    CASE
        WHEN s IS NULL OR trim(s) = '' OR regexp_matches(trim(s), '\s') THEN NULL
        ELSE lp_domain_of(lp_bare(lp_host_of(trim(s))))
    END
);
