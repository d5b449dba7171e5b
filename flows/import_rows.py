"""Turn the loaded text table into typed lead rows with a reject reason, in one DuckDB query.

The SELECT is built from the resolved mapping (which header feeds which field); header names
are quoted as identifiers and every value (decimal separator, date order, translations) is a
bound parameter. Emails and websites are normalised by SQL macros that mirror
features/email.py and features/domains.py; the few non-ASCII values go through those Python
functions instead, so IDN domains are handled exactly as everywhere else in leadpilot.
"""

from __future__ import annotations

import re
from importlib.resources import files

import duckdb
import pandas as pd

from features.domains import normalise_domain
from features.email import email_domain
from flows.csv_reading import CsvFormat, install_macros
from flows.import_mapping import FIELDS, Resolved

LEGAL_FORMS = ("inc", "incorporated", "ltd", "limited", "llc", "llp", "plc", "corp",
               "corporation", "co", "company", "gmbh", "ag", "sa", "sas", "sarl", "srl", "spa",
               "bv", "nv", "ab", "oy", "as", "kg", "group")


def quote(name: str) -> str:
    """A header as a DuckDB identifier."""
    return '"' + name.replace('"', '""') + '"'


def _text(headers: tuple[str, ...]) -> str:
    parts = [f"nullif(trim({quote(h)}), '')" for h in headers]
    return parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"


def _kept(header: str, fields: dict[str, tuple[str, ...]]) -> str:
    """The text an extra column keeps; a translated source or status only when it differs."""
    value = f"nullif(trim({quote(header)}), '')"
    if header in fields.get("source", ()):
        return f"CASE WHEN MAP($src_k, $src_v)[lower({value})] = lower({value}) THEN NULL " \
               f"ELSE {value} END"
    if header in fields.get("status", ()):
        return f"CASE WHEN MAP($st_k, $st_v)[lower({value})] = lower({value}) THEN NULL " \
               f"ELSE {value} END"
    return value


def install(con: duckdb.DuckDBPyConnection) -> None:
    """The value macros (numbers, dates) and the email/domain macros, as TEMP macros."""
    install_macros(con)
    con.execute(files("flows").joinpath("sql", "import", "normalise.sql")
                .read_text(encoding="utf-8"))


def python_lookups(con: duckdb.DuckDBPyConnection, resolved: Resolved) -> None:
    """Fill `lp_py_email` and `lp_py_domain` with the non-ASCII values the macros leave out."""
    for table, field, function in (("lp_py_email", "email", email_domain),
                                   ("lp_py_domain", "website", normalise_domain)):
        values: list[str] = []
        if field in resolved.fields:
            values = [row[0] for row in con.execute(
                f"SELECT DISTINCT v FROM (SELECT {_text(resolved.fields[field])} AS v "  # noqa: S608
                "FROM lp_raw) WHERE v IS NOT NULL AND lp_needs_python(v)").fetchall()]
        frame = pd.DataFrame({"value": pd.Series(values, dtype="str"),
                              "result": pd.Series([function(v) for v in values], dtype="str")})
        con.register(f"{table}_frame", frame)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS "  # noqa: S608
                    f"SELECT value, result FROM {table}_frame")
        con.unregister(f"{table}_frame")


def typed_rows_sql(resolved: Resolved, fmt: CsvFormat, all_headers: tuple[str, ...],
                   lead_columns: set[str], first_rowid: int) -> tuple[str, dict]:
    """(`CREATE TEMP TABLE lp_rows AS SELECT …` over `lp_raw`, its parameters).

    lp_rows has `_rec`, `blank`, one typed column per field (NULL when the file has none), the
    company key parts, `extra` (JSON) and `reason` (NULL when the row is valid).
    """
    fields = resolved.fields
    m = resolved.mapping
    params = {"dec": fmt.decimal, "ord": fmt.date_order,
              "src_k": list(m.sources), "src_v": list(m.sources.values()),
              "st_k": list(m.statuses), "st_v": list(m.statuses.values()),
              "src_default": m.source_default, "base": first_rowid}
    text = {f: (_text(fields[f]) if f in fields else "NULL::VARCHAR") for f in FIELDS}
    status_parts = [f"MAP($st_k, $st_v)[lower(nullif(trim({quote(h)}), ''))]"
                    for h in fields.get("status", ())]
    columns = {
        "key_text": text["lead_id"],
        "email": text["email"],
        "email_domain": (
            f"CASE WHEN {text['email']} IS NULL THEN NULL "
            f"WHEN lp_needs_python({text['email']}) THEN (SELECT result FROM lp_py_email "
            f"WHERE value = {text['email']}) ELSE lp_email_domain({text['email']}) END"),
        "first_name": text["first_name"], "last_name": text["last_name"],
        "title": text["title"], "phone": text["phone"],
        "source": (f"CASE WHEN {text['source']} IS NOT NULL THEN coalesce("
                   f"MAP($src_k, $src_v)[lower({text['source']})], $src_default) END"),
        "status": f"coalesce({', '.join(status_parts)})" if status_parts else "NULL::VARCHAR",
        "company_id_text": text["company_id"], "company_name": text["company_name"],
        "website": text["website"],
        "domain": (
            f"CASE WHEN {text['website']} IS NULL THEN NULL "
            f"WHEN lp_needs_python({text['website']}) THEN (SELECT result FROM lp_py_domain "
            f"WHERE value = {text['website']}) ELSE lp_domain({text['website']}) END"),
        "country": text["country"], "industry": text["industry"],
    }
    if "owner" in lead_columns:
        columns["owner"] = text["owner"]
    for field in ("created_at", "closed_at", "modified_at"):
        columns[field] = f"lp_timestamp({text[field]}, $ord)"
        columns[f"{field}_text"] = text[field]
    for field in ("employees", "annual_revenue", "founded_year"):
        columns[f"{field}_number"] = f"lp_decimal({text[field]}, $dec)"
        columns[f"{field}_text"] = text[field]
    extra = [f"('{h.replace(chr(39), chr(39) * 2)}', {_kept(h, fields)})" for h in resolved.extra]
    columns["extra"] = (
        f"CASE WHEN {' OR '.join(f'nullif(trim({quote(h)}), {chr(39)}{chr(39)}) IS NOT NULL' for h in resolved.extra)} "  # noqa: E501
        f"THEN to_json(map_from_entries(list_filter([{', '.join(extra)}], "
        "lambda e: e[2] IS NOT NULL))) END" if extra else "NULL::JSON")
    blank = " AND ".join(f"nullif(trim({quote(h)}), '') IS NULL" for h in all_headers)
    select = ",\n    ".join(f"{expr} AS {quote(name)}" for name, expr in columns.items())
    sql = (f"CREATE OR REPLACE TEMP TABLE lp_parsed AS SELECT rowid - $base AS _rec, "
           f"({blank}) AS blank,"
           f"\n    {select}\nFROM lp_raw")
    return sql, {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)}


LEGAL_FORMS_PATTERN = r"\b(" + "|".join(LEGAL_FORMS) + r")\b"
