"""The suppression list: the people `leadpilot forget` erased, kept out of every later import.

An entry is a salted SHA-256 of the address, lower-cased and trimmed the way the import compares
emails, with the time the person was erased: never the address itself (migration 007). The
imports (flows/crm_import.py, flows/intake.py) leave a suppressed person's rows out without
rejecting them, since a rejects file would copy the personal data back to disk. They hash what
they read only when the list has entries: an empty list costs nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

import duckdb
import pandas as pd

from flows import store

# Anything shaped like an address inside a line of text (a record the CSV reader rejected).
_ADDRESS = re.compile(r"[^\s,;|\"'<>()\[\]]+@[^\s,;|\"'<>()\[\]]+")


def record(con: duckdb.DuckDBPyConnection, email: str, now: datetime) -> bool:
    """Add `email` to the list, in the caller's transaction; False when it was already there.

    Run it on a migrated warehouse (flows.store.connect).
    """
    _install(con)
    return con.execute(
        "INSERT OR IGNORE INTO suppressed_emails "
        "SELECT lp_suppression_key($email, salt), $now FROM suppression_salt",
        {"email": email.strip(), "now": now}).fetchone()[0] == 1


def has_entries(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether anyone is suppressed (False on a warehouse that predates the list)."""
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE NOT temporary "
                         "AND table_name = 'suppressed_emails' AND schema_name = 'main' "
                         "AND database_name = current_database()").fetchone()[0]
    return bool(exists) and con.execute(
        "SELECT EXISTS (SELECT 1 FROM suppressed_emails)").fetchone()[0]


def skip_rows(con: duckdb.DuckDBPyConnection, table: str = "lp_rows") -> int:
    """Turn the rows of `table` whose `email` is on the list into blank rows, without a reason.

    `table` is the import's typed rows (sql/import/validate.sql), where a blank row is neither
    imported nor rejected (sql/import/resolve.sql, flows/rejects.py). Returns how many rows.
    """
    if not has_entries(con):
        return 0
    _install(con)
    return con.execute(
        f"UPDATE {table} SET blank = true, reason = NULL FROM suppression_salt s "  # noqa: S608
        "WHERE NOT blank AND email IS NOT NULL AND lp_suppression_key(email, s.salt) IN "
        "(SELECT email_sha256 FROM suppressed_emails)").fetchone()[0]


def suppressed_among(con: duckdb.DuckDBPyConnection, addresses: Iterable[str]) -> set[str]:
    """The addresses, as given, that are on the list."""
    wanted = sorted({a for a in addresses if isinstance(a, str) and a.strip()})
    if not wanted or not has_entries(con):
        return set()
    _install(con)
    return {a for (a,) in con.execute(
        "SELECT address FROM unnest($addresses) AS t(address), suppression_salt s "
        "WHERE lp_suppression_key(address, s.salt) IN "
        "(SELECT email_sha256 FROM suppressed_emails)", {"addresses": wanted}).fetchall()}


def mentioning(con: duckdb.DuckDBPyConnection, texts: pd.Series) -> pd.Series:
    """Per text (a record's original line), whether it holds an address on the list."""
    found = texts.astype(str).map(_ADDRESS.findall)
    hits = suppressed_among(con, (a for addresses in found for a in addresses))
    return found.map(lambda addresses: any(a in hits for a in addresses)).astype(bool)


def _install(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(store.sql("suppression_key"))
