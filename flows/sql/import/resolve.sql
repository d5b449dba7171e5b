-- lp_rows -> lp_valid: each valid row with the lead it belongs to and its company.
-- A lead is found by its id, else by its email (case and surrounding spaces ignored); rows of
-- one file sharing an email share the id of the first of them. A company is found by its
-- normalised domain, else by its normalised name; a row without a website borrows the domain
-- another row of the same company name gave. Parameters: $legal (regex of legal forms).
CREATE OR REPLACE TEMP MACRO lp_name_key(n, legal) AS nullif(trim(regexp_replace(
    regexp_replace(regexp_replace(replace(lower(strip_accents(n)), '.', ''), '[^a-z0-9]+', ' ',
                                  'g'), legal, ' ', 'g'), '\s+', ' ', 'g')), '');

CREATE OR REPLACE TEMP TABLE lp_known_companies AS
SELECT company_id, lp_domain(domain) AS domain_key, lp_name_key(name, $legal) AS name_key
FROM companies;

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
), rows AS (
    SELECT *, lower(email) AS email_key, lp_name_key(company_name, $legal) AS name_key,
           coalesce(company_name, domain, country, industry, employees_text,
                    annual_revenue_text, founded_year_text) IS NOT NULL AS has_company
    FROM lp_rows WHERE reason IS NULL
), keyed AS (
    SELECT *,
        CASE WHEN email_key IS NOT NULL THEN first_value(key_text IGNORE NULLS) OVER (
            PARTITION BY email_key ORDER BY _rec
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) END AS email_group_key,
        coalesce(domain, CASE WHEN name_key IS NOT NULL THEN first_value(domain IGNORE NULLS)
            OVER (PARTITION BY name_key ORDER BY _rec
                  ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) END) AS domain_any
    FROM rows
)
SELECT * EXCLUDE (found_company_id),
    -- a company known by neither domain nor name (only its size, say) belongs to its lead
    CASE
        WHEN company_id_text IS NOT NULL THEN company_id_text
        WHEN has_company THEN coalesce(found_company_id, 'l:' || lead_id)
    END AS company_id
FROM (
    SELECT keyed.* EXCLUDE (email_group_key, domain, employees_number, annual_revenue_number,
                            founded_year_number),
        coalesce(l.lead_id, e.lead_id, email_group_key, keyed.key_text,
                 'em-' || left(sha256(keyed.email_key), 16)) AS lead_id,
        domain_any AS domain,
        coalesce(d.company_id, CASE WHEN domain_any IS NULL THEN n.company_id END,
                 'd:' || domain_any, 'n:' || keyed.name_key) AS found_company_id,
        employees_number::INTEGER AS employees,
        round(annual_revenue_number)::BIGINT AS annual_revenue,
        founded_year_number::INTEGER AS founded_year
    FROM keyed
    LEFT JOIN leads l ON l.lead_id = keyed.key_text
    LEFT JOIN by_email e ON e.email_key = keyed.email_key
    LEFT JOIN by_domain d ON d.domain_key = keyed.domain_any
    LEFT JOIN by_name n ON n.name_key = keyed.name_key
);
