"""The deterministic demo data with its hidden answer key."""
