"""Personal data: `leadpilot forget` and the suppression list that keeps erased people out of later
imports.
"""
