-- Version 22: who held each lead from which run, kept as the owners are assigned
-- (flows/pipeline/owners.py:note_owner_streaks). The owner step asks, of each lead, who held it
-- on the runs before the day and since when; it read that from every earlier day's
-- owner_assignments, a window over all of them, a cost that grew with each day kept. A row here
-- is the first run of a streak: a run whose owner is not the owner of the lead's run before it.
-- Filled from the owner assignments already kept (not a run staged and never put in place:
-- run date 9999-12-31).

CREATE TABLE IF NOT EXISTS owner_streaks (
    lead_id VARCHAR NOT NULL,
    "owner" VARCHAR NOT NULL,
    since   DATE NOT NULL
);
INSERT INTO owner_streaks
SELECT lead_id, "owner", run_date
FROM (SELECT lead_id, "owner", run_date,
             "owner" IS DISTINCT FROM lag("owner") OVER (PARTITION BY lead_id ORDER BY run_date)
                 AS starts
      FROM owner_assignments
      WHERE run_date < DATE '9999-12-31')
WHERE starts;
