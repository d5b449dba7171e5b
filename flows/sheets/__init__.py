"""The lead sheet as files a rep opens (CSV, XLSX) and `leadpilot export`."""
