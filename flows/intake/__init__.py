"""Files in: CRM exports, the daily CSVs and outcomes read, checked and merged into the warehouse;
every row not imported goes to a rejects file with its line and reason.
"""
