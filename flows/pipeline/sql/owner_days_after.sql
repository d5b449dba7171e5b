-- Whether owner assignments of a run after $run_date are kept (a staged run's are not: none is
-- staged, but its date would count): then the day's owners change the streaks after it too.
SELECT EXISTS (SELECT 1 FROM owner_assignments
               WHERE run_date > $run_date AND run_date < DATE '9999-12-31')
