"""The edges: disk, network, clock, settings, the CLI and the Prefect flows (kept thin)."""
