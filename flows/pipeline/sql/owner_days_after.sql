-- Whether owner assignments of a run after $run_date are kept: then the owners of $run_date
-- may start or end the streaks of the days after it. The placeholder date of a staged run
-- (9999-12-31) is not a run (owner assignments are never staged, but the date is excluded).
SELECT EXISTS (SELECT 1 FROM owner_assignments
               WHERE run_date > $run_date AND run_date < DATE '9999-12-31')
