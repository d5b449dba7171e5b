"""The Prefect flows (daily sheet, weekly retrain), their steps, schedules and `serve`: thin
wrappers that load, call the pure functions and store.
"""
