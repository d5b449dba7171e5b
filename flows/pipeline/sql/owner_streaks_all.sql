-- owner_streaks made again from every kept day's owner assignments (as migration 022 fills it):
-- when an earlier day is run again, its owners may start or end the streaks of the days after it.
DELETE FROM owner_streaks;
INSERT INTO owner_streaks
SELECT lead_id, "owner", run_date
FROM (SELECT lead_id, "owner", run_date,
             "owner" IS DISTINCT FROM lag("owner") OVER (PARTITION BY lead_id ORDER BY run_date)
                 AS starts
      FROM owner_assignments
      WHERE run_date < DATE '9999-12-31')
WHERE starts;
