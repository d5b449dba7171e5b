"""Enrichment over HTTP: providers, the SSRF guard, fetching with retries and rate limits, and the
cached lookups step. The only network code.
"""
