"""The suppression list: the people `leadpilot forget` erased, kept out of every later import.

An entry is a salted SHA-256 of the address, lower-cased and trimmed the way the import compares
emails, with the time the person was erased: never the address itself (migration 007). The lead
ids the person had are kept the same way (trimmed, case kept: migration 008), so that a row naming
them only by lead id (a filled-in lead sheet or a CRM export without the email column) stays out
too. The imports (intake/importer.py, intake/daily.py, intake/outcomes.py) leave a suppressed
person's rows out without rejecting them, since a rejects file would copy the personal data back
to disk. They hash what they read only when the list has entries of that kind: an empty list
costs nothing.

The list (salt and hashes) is also kept beside the warehouse as `<warehouse>.suppressed`, written
by `forget`; every connection puts back what a deleted, rebuilt or restored warehouse lacks, and
refuses to run on a damaged copy. A warehouse that lacked entries may be a backup made before a
`forget`, which still holds the people erased since: the same connection erases them from it
again, before anything reads it (`put_back`).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from flows import store
from flows.errors import LeadpilotError

# Anything shaped like an address inside a line of text (a record the CSV reader rejected).
_ADDRESS = re.compile(r"[^\s,;|\"'<>()\[\]]+@[^\s,;|\"'<>()\[\]]+")
# What separates the fields of such a line, whatever the file's delimiter.
_SEPARATOR = re.compile(r"[,;|\t]")
# (table, hash column, key macro of sql/suppression_key.sql) of each kind of entry.
_EMAILS = ("suppressed_emails", "email_sha256", "lp_suppression_key")
_LEAD_IDS = ("suppressed_lead_ids", "lead_id_sha256", "lp_suppression_lead_key")


def record(con: duckdb.DuckDBPyConnection, email: str, now: datetime) -> bool:
    """Add `email` to the list, in the caller's transaction; False when it was already there.

    Run it on a migrated warehouse (flows.store.connect).
    """
    _install(con)
    return con.execute(
        "INSERT OR IGNORE INTO suppressed_emails "
        "SELECT lp_suppression_key($email, salt), $now FROM suppression_salt",
        {"email": email.strip(), "now": now}).fetchone()[0] == 1


def record_lead_ids(con: duckdb.DuckDBPyConnection, lead_ids: Iterable[str], now: datetime
                    ) -> int:
    """Add the erased person's lead ids to the list, in the caller's transaction; returns how
    many were not there yet. Run it on a migrated warehouse (flows.store.connect)."""
    ids = sorted({i.strip() for i in lead_ids if isinstance(i, str) and i.strip()})
    if not ids:
        return 0
    _install(con)
    return con.execute(
        "INSERT OR IGNORE INTO suppressed_lead_ids SELECT DISTINCT "
        "lp_suppression_lead_key(id, salt), $now FROM unnest($ids) AS t(id), suppression_salt",
        {"ids": ids, "now": now}).fetchone()[0]


def has_entries(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether anyone is suppressed (False on a warehouse that predates the list)."""
    return _listed(con, _EMAILS) or _listed(con, _LEAD_IDS)


def _listed(con: duckdb.DuckDBPyConnection, kind: tuple[str, str, str]) -> bool:
    """Whether the list holds entries of this kind (its table may predate the warehouse)."""
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE NOT temporary "
                         "AND table_name = ? AND schema_name = 'main' "
                         "AND database_name = current_database()", [kind[0]]).fetchall()[0][0]
    return bool(exists) and con.execute(
        f"SELECT EXISTS (SELECT 1 FROM {kind[0]})").fetchall()[0][0]  # noqa: S608 (ours)


def skip_rows(con: duckdb.DuckDBPyConnection, table: str = "lp_rows",
              lead_id: str = "key_text") -> list[str | None]:
    """Turn the rows of `table` whose `email` or lead id (column `lead_id`) is on the list into
    blank rows, without a reason.

    `table` is the import's typed rows (sql/import/validate.sql), where a blank row is neither
    imported nor rejected (sql/import/resolve.sql, flows/intake/rejects.py). Returns the lead
    id of each row skipped (None for a row without one).
    """
    tests = []
    for column, kind in (("email", _EMAILS), (lead_id, _LEAD_IDS)):
        listing, hashed, macro = kind
        if _listed(con, kind):
            tests.append(f"({column} IS NOT NULL AND {macro}({column}, s.salt) IN "  # noqa: S608
                         f"(SELECT {hashed} FROM {listing}))")
    if not tests:
        return []
    _install(con)
    return [row[0] for row in con.execute(
        f"UPDATE {table} SET blank = true, reason = NULL FROM suppression_salt s "  # noqa: S608
        f"WHERE NOT blank AND ({' OR '.join(tests)}) RETURNING {lead_id}").fetchall()]


def listed_leads(con: duckdb.DuckDBPyConnection) -> dict[str | None, list[str]]:
    """The warehouse's leads whose address or lead id is on the list, by address (as the import
    compares it; None for leads without one): what a warehouse restored from a backup older
    than a `forget` still holds of the people it erased. Hashes every lead: run it when the
    warehouse lacked entries of the list (`restore_beside`), not on each connection."""
    if not has_entries(con):
        return {}
    _install(con)
    found: dict[str | None, list[str]] = {}
    for lead_id, email in con.execute(store.sql("listed_leads", __package__)).fetchall():
        found.setdefault(email, []).append(lead_id)
    return found


def suppressed_among(con: duckdb.DuckDBPyConnection, addresses: Iterable[str]) -> set[str]:
    """The addresses, as given, that are on the list."""
    return _among(con, addresses, _EMAILS)


def lead_ids_among(con: duckdb.DuckDBPyConnection, lead_ids: Iterable[str]) -> set[str]:
    """The lead ids, as given, that are on the list."""
    return _among(con, lead_ids, _LEAD_IDS)


def _among(con: duckdb.DuckDBPyConnection, values: Iterable[str],
           kind: tuple[str, str, str]) -> set[str]:
    """The values, as given, whose key is in `kind`'s table: hashed in DuckDB, in one query.
    An empty list (most days) answers before the values are read (a million of them: 1.9 s)."""
    if not _listed(con, kind):
        return set()
    wanted = {v for v in values if isinstance(v, str) and v.strip()}
    if not wanted:
        return set()
    _install(con)
    listing, hashed, macro = kind
    con.register("lp_suppression_probe", pd.DataFrame({"value": list(wanted)}, dtype=object))
    try:
        return {v for (v,) in con.execute(
            f"SELECT value FROM lp_suppression_probe, suppression_salt s "  # noqa: S608 (ours)
            f"WHERE {macro}(value, s.salt) IN (SELECT {hashed} FROM {listing})").fetchall()}
    finally:
        con.unregister("lp_suppression_probe")


def mentioning(con: duckdb.DuckDBPyConnection, texts: pd.Series) -> pd.Series:
    """Per text (a record's original line), whether it holds an address on the list, or a
    field (split at , ; | or tab, unquoted) that is a lead id on the list."""
    texts = texts.astype(str)
    found = texts.map(_ADDRESS.findall)
    hits = suppressed_among(con, (a for addresses in found for a in addresses))
    named = found.map(lambda addresses: any(a in hits for a in addresses)).astype(bool)
    if len(texts) and _listed(con, _LEAD_IDS):
        fields = texts.map(_fields)
        ids = lead_ids_among(con, (f for row in fields for f in row))
        named |= fields.map(lambda row: any(f in ids for f in row)).astype(bool)
    return named


def _fields(text: str) -> list[str]:
    return [f.strip().strip("\"'").strip() for f in _SEPARATOR.split(text)]


def beside(warehouse: Path) -> Path:
    """The copy of the list kept beside the warehouse file: `<warehouse>.suppressed`."""
    return warehouse.with_name(warehouse.name + ".suppressed")


def save_beside(con: duckdb.DuckDBPyConnection, warehouse: Path) -> None:
    """Write the whole list (salt and hashes, never an address) beside the warehouse, atomically,
    so that deleting the warehouse or restoring an older backup cannot bring erased people back.
    """
    payload = {"salt": con.execute("SELECT salt FROM suppression_salt").fetchone()[0]}
    for listing, hashed, _ in (_EMAILS, _LEAD_IDS):
        payload[listing] = [[h, at.isoformat()] for h, at in con.execute(
            f"SELECT {hashed}, erased_at FROM {listing} ORDER BY 1").fetchall()]  # noqa: S608
    path = beside(warehouse)
    fresh = path.with_name(path.name + ".new")
    fresh.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    fresh.replace(path)


def put_back(con: duckdb.DuckDBPyConnection, warehouse: Path) -> duckdb.DuckDBPyConnection:
    """`restore_beside`, and, when the warehouse lacked entries of the list (restored from a
    backup made before a `forget`, it still holds the people erased since), those people erased
    from it again (flows/privacy/erasure.erase_listed): both or neither, in one transaction.
    When rows went, the file is compacted, as `forget` does (DuckDB leaves deleted rows readable
    in its freed blocks), and a new connection to it is returned; else `con`."""
    con.execute("BEGIN TRANSACTION")
    try:
        erased = 0
        if restore_beside(con, warehouse):
            from flows.privacy.erasure import erase_listed  # it needs this module

            erased = erase_listed(con, warehouse)
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
    if not erased:
        return con
    con.close()
    store.compact(warehouse)
    return store.connect(warehouse)


def restore_beside(con: duckdb.DuckDBPyConnection, warehouse: Path) -> int:
    """Put back into the warehouse the entries of the list kept beside it that it lacks (it was
    deleted and rebuilt, or restored from a backup older than a `forget`); returns how many.

    Raises:
        LeadpilotError: when the file beside it cannot be read or belongs to another warehouse
            with its own erasures: running on would let erased people back in.
    """
    path = beside(warehouse)
    if not path.exists():
        if has_entries(con):  # the copy was lost: write it again
            save_beside(con, warehouse)
        return 0
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        salt = kept["salt"]
        entries = {listing: [(h, datetime.fromisoformat(at)) for h, at in kept[listing]]
                   for listing, _, _ in (_EMAILS, _LEAD_IDS)}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LeadpilotError(
            f"The suppression list {path} is damaged; restore it from a backup before running "
            "leadpilot again, or erased people would come back.") from exc
    if con.execute("SELECT salt FROM suppression_salt").fetchall()[0][0] != salt:
        if has_entries(con):
            raise LeadpilotError(
                f"The suppression list {path} does not belong to the warehouse {warehouse} "
                "(another salt); put back the warehouse's own list before running leadpilot.")
        con.execute("UPDATE suppression_salt SET salt = ?", [salt])
    added = 0
    for (listing, _, _), rows in zip((_EMAILS, _LEAD_IDS), entries.values(), strict=True):
        if rows:
            added += con.execute(
                f"INSERT OR IGNORE INTO {listing} SELECT unnest($h), unnest($at)",
                {"h": [h for h, _ in rows], "at": [a for _, a in rows]}).fetchone()[0]
    if added:
        logging.getLogger("leadpilot").warning(
            "The warehouse %s lacked %d entries of the suppression list kept beside it (%s): "
            "they were put back, so the people erased stay out.", warehouse, added, path)
    count = sum(len(rows) for rows in entries.values())
    if sum(con.execute(f"SELECT count(*) FROM {listing}").fetchall()[0][0]  # noqa: S608
           for listing, _, _ in (_EMAILS, _LEAD_IDS)) != count:
        save_beside(con, warehouse)  # the warehouse knew more: the copy catches up
    return added


def _install(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(store.sql("suppression_key", __package__))
