"""The lead sheet: files a rep opens (CSV, XLSX), each day kept as printed, `leadpilot export`."""
