-- lp_parsed (the typed rows: flows/intake/rows.py puts its SELECT in the WITH below)
-- -> lp_rows: every record of the file, in file order, each with its reject reason (NULL when
-- valid or blank) and without the text the values were read from. DuckDB runs this while it
-- reads the file (flows/intake/loading.py). Parameters: $max_text and those of lp_parsed.
WITH lp_parsed AS ({parsed})
SELECT * EXCLUDE (created_at_text, closed_at_text, modified_at_text,
                  employees_text, annual_revenue_text, founded_year_text,
                  email_domain),  -- kept narrow: nothing downstream reads these
    coalesce(company_name, domain, country, industry, employees_text, annual_revenue_text,
             founded_year_text) IS NOT NULL AS has_company,
    -- every reason that applies, in this order (concat_ws skips the NULLs)
    CASE WHEN NOT blank THEN nullif(concat_ws('; ',
        CASE WHEN key_text IS NULL AND email IS NULL
            THEN 'required field missing: the row has neither an id nor an email' END,
        CASE WHEN email IS NOT NULL AND email_domain IS NULL
            THEN 'bad email: ' || left(email, 80) END,
        CASE WHEN created_at_text IS NOT NULL AND created_at IS NULL
            THEN 'created_at is not a date: ' || left(created_at_text, 40) END,
        CASE WHEN closed_at_text IS NOT NULL AND closed_at IS NULL
            THEN 'closed_at is not a date: ' || left(closed_at_text, 40) END,
        CASE WHEN modified_at_text IS NOT NULL AND modified_at IS NULL
            THEN 'modified_at is not a date: ' || left(modified_at_text, 40) END,
        CASE
            WHEN employees_text IS NOT NULL AND employees_number IS NULL
                THEN 'employees is not a number: ' || left(employees_text, 40)
            WHEN employees_number < 0 THEN 'employees is negative: ' || employees_text
            WHEN employees_number <> round(employees_number) OR employees_number > 2000000000
                THEN 'employees is not a whole number of people: ' || left(employees_text, 40)
        END,
        CASE
            WHEN annual_revenue_text IS NOT NULL AND annual_revenue_number IS NULL
                THEN 'annual_revenue is not a number: ' || left(annual_revenue_text, 40)
            WHEN annual_revenue_number < 0
                THEN 'annual_revenue is negative: ' || annual_revenue_text
            WHEN annual_revenue_number >= 1e18
                THEN 'annual_revenue is too large: ' || left(annual_revenue_text, 40)
        END,
        CASE WHEN founded_year_text IS NOT NULL AND (founded_year_number IS NULL
                OR founded_year_number <> round(founded_year_number)
                OR founded_year_number NOT BETWEEN 1800 AND 2100)
            THEN 'founded_year is not a year: ' || left(founded_year_text, 40) END,
        CASE WHEN greatest(length(key_text), length(first_name), length(last_name),
                           length(title), length(phone), length(company_name), length(website),
                           length(country), length(industry), length(company_id_text),
                           length(email), length(owner)) > $max_text
            THEN 'a field is longer than ' || $max_text || ' characters' END,
        CASE WHEN (created_at < TIMESTAMP '1900-01-01' OR closed_at < TIMESTAMP '1900-01-01')
            THEN 'a date is before 1900' END
    ), '') END AS reason
FROM lp_parsed
