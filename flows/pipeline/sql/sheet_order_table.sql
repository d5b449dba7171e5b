-- The day's sheet order (flows/pipeline/publishing.order_sheet), kept in this connection for
-- sheet_parts.sql to read the rows in it: _order is the ranked frame, registered
-- (scoring.sheet.order_leads: every lead of the day, in sheet order).
--
-- Each row's "Account contacts" is made here, the text scoring.sheet.account_contacts makes in
-- Python: on a primary row, the account's other contacts, one a line in sheet order
-- ("• name, title (12.3 %)"); on another contact's row, "primary: <name>". A name is the first
-- and last name joined by a space, stripped of the characters Python's str.strip() strips
-- ($whitespace); the probability is printed as Python's f"{p * 100:.1f}" prints it. Made in
-- DuckDB, under its memory limit, not as a million Python strings (0.4 GB and 6.7 s at a
-- million leads). An account is known by its account_rank (one per account), not by its key:
-- the keys as Python objects cost more to register than the rest of the frame.
CREATE OR REPLACE TEMP TABLE sheet_order AS
WITH people AS (
    SELECT CAST(lead_id AS VARCHAR) AS lead_id, CAST(rank AS BIGINT) AS rank,
           CAST(account_rank AS BIGINT) AS account_rank, CAST("primary" AS BOOLEAN) AS "primary",
           CAST(move_note AS VARCHAR) AS move_note, CAST(priority AS VARCHAR) AS priority,
           trim(coalesce(CAST(first_name AS VARCHAR), '') || ' '
                || coalesce(CAST(last_name AS VARCHAR), ''), $whitespace) AS name,
           CASE WHEN coalesce(CAST(title AS VARCHAR), '') = '' THEN ''
                ELSE ', ' || CAST(title AS VARCHAR) END AS role,
           printf(' (%.1f %%)', CAST(win_probability AS DOUBLE) * 100) AS chance
    FROM _order
),
others AS (
    SELECT account_rank, string_agg('• ' || name || role || chance, chr(10) ORDER BY rank) AS listed
    FROM people
    WHERE NOT "primary"
    GROUP BY account_rank
),
primaries AS (
    SELECT account_rank, arg_min(name, rank) AS primary_name
    FROM people
    WHERE "primary"
    GROUP BY account_rank
)
SELECT p.lead_id, p.rank, p.account_rank, p."primary", p.move_note, p.priority,
       CASE WHEN p."primary" THEN coalesce(o.listed, '')
            ELSE 'primary: ' || coalesce(m.primary_name, 'nan') END AS account_contacts
FROM people p
LEFT JOIN others o USING (account_rank)
LEFT JOIN primaries m USING (account_rank)
ORDER BY p.rank
