INSERT OR REPLACE INTO runs (run_date, started_at, finished_at, model_version, summary)
VALUES ($run_date, $started_at, $finished_at, $model_version, $summary)
