-- Before the talking points of $run_date are counted in points_shown (points_shown_add.sql):
-- the pairs first shown that day or later go, to be counted again from the days they were shown.
DELETE FROM points_shown WHERE first_shown >= $run_date
