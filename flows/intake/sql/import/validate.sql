-- lp_parsed (the typed rows: flows/intake/rows.py puts its SELECT in the WITH below)
-- -> lp_rows: every record of the file, in file order, each with its reject reason (NULL when
-- valid or blank) and without the text the values were read from. DuckDB runs this while it
-- reads the file (flows/intake/loading.py). Parameters: $max_text, $required (fields a row
-- must fill when the file has their column), $companies (the rows are companies, keyed by
-- company_id: a file of companies), the reason texts $why_<key>
-- (features/reading/reasons.py) and those of lp_parsed.
WITH lp_parsed AS ({parsed})
SELECT * EXCLUDE (created_at_text, closed_at_text, modified_at_text,
                  employees_text, annual_revenue_text, founded_year_text,
                  email_domain, source_text, status_text),  -- nothing downstream reads these
    $companies OR coalesce(company_name, domain, country, industry, employees_text,
                           annual_revenue_text, founded_year_text) IS NOT NULL AS has_company,
    -- every reason that applies, in this order (concat_ws skips the NULLs)
    CASE WHEN NOT blank THEN nullif(concat_ws('; ',
        CASE WHEN key_text IS NULL AND email IS NULL AND NOT $companies THEN $why_no_key END,
        CASE WHEN company_id_text IS NULL AND list_contains($required, 'company_id')
            THEN lp_why($why_required, 'company_id', NULL) END,
        CASE WHEN key_text IS NULL AND list_contains($required, 'lead_id')
            THEN lp_why($why_required, 'lead_id', NULL) END,
        CASE WHEN email IS NULL AND list_contains($required, 'email')
            THEN lp_why($why_required, 'email', NULL) END,
        CASE WHEN email IS NOT NULL AND email_domain IS NULL
            THEN lp_why($why_bad_email, 'email', left(email, 80)) END,
        CASE WHEN created_at_text IS NULL AND list_contains($required, 'created_at')
            THEN lp_why($why_required, 'created_at', NULL) END,
        CASE WHEN created_at_text IS NOT NULL AND created_at IS NULL
            THEN lp_why($why_not_date, 'created_at', left(created_at_text, 40)) END,
        CASE WHEN closed_at_text IS NOT NULL AND closed_at IS NULL
            THEN lp_why($why_not_date, 'closed_at', left(closed_at_text, 40)) END,
        CASE WHEN modified_at_text IS NOT NULL AND modified_at IS NULL
            THEN lp_why($why_not_date, 'modified_at', left(modified_at_text, 40)) END,
        CASE WHEN source_text IS NULL AND list_contains($required, 'source')
            THEN lp_why($why_required, 'source', NULL) END,
        -- a number is its whole `_int` (a BIGINT), else its `_number` (a DECIMAL): the
        -- coalesce reads the DECIMAL only where there is no `_int`
        CASE
            WHEN employees_text IS NOT NULL AND employees_int IS NULL
                 AND employees_number IS NULL
                THEN lp_why($why_not_number, 'employees', left(employees_text, 40))
            WHEN coalesce(employees_int < 0, employees_number < 0)
                THEN lp_why($why_negative, 'employees', employees_text)
            WHEN coalesce(employees_int > 2000000000, employees_number <> round(employees_number)
                          OR employees_number > 2000000000)
                THEN lp_why($why_not_people, 'employees', left(employees_text, 40))
        END,
        CASE
            WHEN annual_revenue_text IS NOT NULL AND annual_revenue_int IS NULL
                 AND annual_revenue_number IS NULL
                THEN lp_why($why_not_number, 'annual_revenue', left(annual_revenue_text, 40))
            WHEN coalesce(annual_revenue_int < 0, annual_revenue_number < 0)
                THEN lp_why($why_negative, 'annual_revenue', annual_revenue_text)
            WHEN coalesce(annual_revenue_int >= 1000000000000000000,  -- exact, not a DOUBLE
                          annual_revenue_number >= 1000000000000000000)
                THEN lp_why($why_too_large, 'annual_revenue', left(annual_revenue_text, 40))
        END,
        CASE WHEN founded_year_text IS NOT NULL
                AND coalesce(founded_year_int NOT BETWEEN 1800 AND 2100,
                             founded_year_number IS NULL
                             OR founded_year_number <> round(founded_year_number)
                             OR founded_year_number NOT BETWEEN 1800 AND 2100)
            THEN lp_why($why_not_year, 'founded_year', left(founded_year_text, 40)) END,
        CASE WHEN greatest(length(key_text), length(first_name), length(last_name),
                           length(title), length(phone), length(company_name), length(website),
                           length(country), length(industry), length(company_id_text),
                           length(email), length(owner), length(source_text),
                           length(status_text), length(siren), length(postal_code)) > $max_text
            THEN lp_why($why_too_long, '', $max_text::VARCHAR) END,
        CASE WHEN (created_at < TIMESTAMP '1900-01-01' OR closed_at < TIMESTAMP '1900-01-01')
            THEN $why_before_1900 END
    ), '') END AS reason
FROM lp_parsed
