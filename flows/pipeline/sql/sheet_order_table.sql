-- The day's sheet order (flows/pipeline/publishing.order_sheet), kept in this connection for
-- sheet_parts.sql to read the rows in it: _order is the ranked frame, registered.
CREATE OR REPLACE TEMP TABLE sheet_order AS
SELECT CAST(lead_id AS VARCHAR) AS lead_id, CAST(rank AS BIGINT) AS rank,
       CAST(account_rank AS BIGINT) AS account_rank, CAST("primary" AS BOOLEAN) AS "primary",
       CAST(move_note AS VARCHAR) AS move_note, CAST(priority AS VARCHAR) AS priority,
       CAST(account_contacts AS VARCHAR) AS account_contacts
FROM _order
