-- Before the owners of $run_date are noted in owner_streaks, when no later day is kept: the
-- streaks that day started go (the day run again; on a new day there is none).
DELETE FROM owner_streaks WHERE since >= $run_date
