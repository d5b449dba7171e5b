-- Whether points_shown holds pairs first shown on $run_date (the day run again: its pairs may
-- have to go) and pairs first shown after it (an earlier day run again: its pairs may be first
-- shown earlier). A scan of the dates alone: on a new day, the newest, neither is true, and the
-- day's talking points are read once, by points_shown_add.sql, not three times.
SELECT coalesce(bool_or(first_shown = $run_date), false),
       coalesce(bool_or(first_shown > $run_date), false)
FROM points_shown
