-- lp_rows -> lp_valid: each valid row with the lead it belongs to and its company.
-- A lead is found by its id, else by an alias of it (the id of a duplicate record an earlier
-- import merged into it), else by its email (case and surrounding spaces ignored); rows of
-- one file sharing an email share the id of the first of them. A company is found by its
-- normalised domain, else by its normalised name; a row without a website borrows the domain
-- another row of the same company name gave. Parameters: $legal (regex of legal forms), $base
-- (rowid - $base numbers lp_rows' records from 0, in file order), $by_email (false: a row
-- with an id of its own is never merged into another lead by its email: the mapping's
-- merge_same_email).
CREATE OR REPLACE TEMP MACRO lp_name_key(n, legal) AS nullif(trim(regexp_replace(
    regexp_replace(regexp_replace(replace(lower(strip_accents(n)), '.', ''), '[^a-z0-9]+', ' ',
                                  'g'), legal, ' ', 'g'), '\s+', ' ', 'g')), '');

CREATE OR REPLACE TEMP TABLE lp_known_companies AS
SELECT company_id, lp_domain_of(host) AS domain_key, lp_name_key(name, $legal) AS name_key
FROM (SELECT *, lp_website_host(trim(domain)) AS host FROM companies);

-- Each company name of the file's valid rows with its key.
CREATE OR REPLACE TEMP TABLE lp_names AS
SELECT company_name, lp_name_key(company_name, $legal) AS name_key
FROM (SELECT DISTINCT company_name FROM lp_rows
      WHERE reason IS NULL AND NOT blank AND company_name IS NOT NULL);

-- An email on several valid rows: the id of the first row that has one. (Counting first and
-- ranking only the repeated emails spares an arg_min over every row.)
CREATE OR REPLACE TEMP TABLE lp_email_groups AS
WITH repeated AS (
    SELECT lower(email) AS email_key FROM lp_rows
    WHERE reason IS NULL AND NOT blank AND email IS NOT NULL
    GROUP BY 1 HAVING count(*) > 1
)
SELECT email_key, arg_min(key_text, rowid) FILTER (WHERE key_text IS NOT NULL) AS group_key
FROM (SELECT lower(email) AS email_key, key_text, rowid FROM lp_rows
      WHERE reason IS NULL AND NOT blank AND email IS NOT NULL)
SEMI JOIN repeated USING (email_key)
GROUP BY 1;

-- The first domain given for a company name (names first grouped as written, then by key).
CREATE OR REPLACE TEMP TABLE lp_name_domains AS
SELECT n.name_key, arg_min(f.domain, f.first_row) AS domain
FROM (SELECT company_name, arg_min(domain, rowid) AS domain, min(rowid) AS first_row
      FROM lp_rows
      WHERE reason IS NULL AND NOT blank AND domain IS NOT NULL AND company_name IS NOT NULL
      GROUP BY company_name) AS f
JOIN lp_names n USING (company_name)
WHERE n.name_key IS NOT NULL
GROUP BY n.name_key;

CREATE OR REPLACE TEMP TABLE lp_valid AS
WITH by_email AS (
    SELECT lower(trim(email)) AS email_key, min(lead_id) AS lead_id
    FROM leads WHERE email IS NOT NULL GROUP BY 1
), by_domain AS (
    SELECT domain_key, min(company_id) AS company_id
    FROM lp_known_companies WHERE domain_key IS NOT NULL GROUP BY 1
), by_name AS (
    SELECT name_key, min(company_id) AS company_id
    FROM lp_known_companies WHERE name_key IS NOT NULL GROUP BY 1
), keyed AS (
    SELECT r.* EXCLUDE (domain), g.group_key, names.name_key,
           coalesce(r.domain, CASE WHEN names.name_key IS NOT NULL THEN nd.domain END)
               AS domain_any
    FROM (SELECT rowid - $base AS _rec, lower(email) AS email_key,
                 * EXCLUDE (blank, _breaks, _swallows, reason, website)
          FROM lp_rows WHERE reason IS NULL AND NOT blank) AS r
    LEFT JOIN lp_names names USING (company_name)
    LEFT JOIN lp_email_groups g USING (email_key)
    LEFT JOIN lp_name_domains nd ON nd.name_key = names.name_key
)
SELECT * EXCLUDE (found_company_id, key_text, company_id_text, email_key, name_key,
                  domain_any),  -- kept narrow: merge and compare read the rest
    -- the row's own id when it belongs to another lead: an alias of that lead (lead_aliases)
    CASE WHEN key_text <> lead_id THEN key_text END AS alias,
    -- a company known by neither domain nor name (only its size, say) belongs to its lead
    CASE
        WHEN company_id_text IS NOT NULL THEN company_id_text
        WHEN has_company THEN coalesce(found_company_id, 'l:' || lead_id)
    END AS company_id
FROM (
    SELECT keyed.* EXCLUDE (group_key, employees_int, employees_number, annual_revenue_int,
                            annual_revenue_number, founded_year_int, founded_year_number),
        coalesce(l.lead_id, a.lead_id,
                 CASE WHEN $by_email OR keyed.key_text IS NULL
                     THEN coalesce(e.lead_id, keyed.group_key) END,
                 keyed.key_text, 'em-' || left(sha256(keyed.email_key), 16)) AS lead_id,
        domain_any AS domain,
        coalesce(d.company_id, CASE WHEN domain_any IS NULL THEN n.company_id END,
                 'd:' || domain_any, 'n:' || keyed.name_key) AS found_company_id,
        -- a whole number (nearly all) is a BIGINT already: no DECIMAL(38, 6) to convert
        coalesce(employees_int::INTEGER, employees_number::INTEGER) AS employees,
        coalesce(annual_revenue_int, round(annual_revenue_number)::BIGINT) AS annual_revenue,
        coalesce(founded_year_int::INTEGER, founded_year_number::INTEGER) AS founded_year
    FROM keyed
    LEFT JOIN leads l ON l.lead_id = keyed.key_text
    LEFT JOIN (SELECT alias, min(lead_id) AS lead_id FROM lead_aliases GROUP BY alias) AS a
        ON a.alias = keyed.key_text
    LEFT JOIN by_email e ON e.email_key = keyed.email_key
    LEFT JOIN by_domain d ON d.domain_key = keyed.domain_any
    LEFT JOIN by_name n ON n.name_key = keyed.name_key
);
