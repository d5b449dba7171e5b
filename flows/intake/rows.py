"""Turn the loaded text table into typed lead rows with a reject reason, in one DuckDB query.

The SELECT is built from the resolved mapping (which header feeds which field); header names
are quoted as identifiers and every value (decimal separator, date order, translations) is a
bound parameter. Emails and websites are normalised by SQL macros that mirror
features/email.py and features/domains.py; the few non-ASCII values go through those Python
functions instead, so IDN domains are handled exactly as everywhere else in leadpilot.
"""

from __future__ import annotations

import json
import re
import weakref
from importlib.resources import files

import duckdb
import pandas as pd

from features.countries import country_code
from features.domains import normalise_domain
from features.email import email_domain
from features.reading.mapping import FIELDS, Resolved
from features.reading.reasons import REASONS
from features.reading.values import CsvFormat, date_formats, install_macros

LEGAL_FORMS = ("inc", "incorporated", "ltd", "limited", "llc", "llp", "plc", "corp",
               "corporation", "co", "company", "gmbh", "ag", "sa", "sas", "sarl", "srl", "spa",
               "bv", "nv", "ab", "oy", "as", "kg", "group")


def quote(name: str) -> str:
    """A header as a DuckDB identifier."""
    return '"' + name.replace('"', '""') + '"'


def _text(headers: tuple[str, ...], macro: str = "lp_text") -> str:
    parts = [f"{macro}({quote(h)})" for h in headers]
    return parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"


def _kept(header: str, value: str, fields: dict[str, tuple[str, ...]]) -> str:
    """The text an extra column keeps (`value`, its trimmed text); a translated source or status
    only when it differs from its translation."""
    if header in fields.get("source", ()):
        return f"CASE WHEN MAP($src_k, $src_v)[lower({value})] = lower({value}) THEN NULL " \
               f"ELSE {value} END"
    if header in fields.get("status", ()):
        return f"CASE WHEN MAP($st_k, $st_v)[lower({value})] = lower({value}) THEN NULL " \
               f"ELSE {value} END"
    return value


# Connections whose macros are committed: creating them costs ~20-40 ms, more than importing a
# small file's rows, and the daily intake imports three files on one connection.
_INSTALLED: weakref.WeakSet = weakref.WeakSet()


def install(con: duckdb.DuckDBPyConnection, *, committed: bool = False) -> None:
    """The value macros (numbers, dates) and the email/domain macros, as TEMP macros.

    `committed`: `con` has no transaction open, so the macros stay for the connection's life
    and a later call skips them. Inside a transaction they are created every time (a rollback
    drops TEMP macros too)."""
    if con in _INSTALLED:
        return
    install_macros(con)
    con.execute(files(__package__).joinpath("sql", "import", "normalise.sql")
                .read_text(encoding="utf-8"))
    if committed:
        _INSTALLED.add(con)


def fix_non_ascii(con: duckdb.DuckDBPyConnection, table: str = "lp_rows") -> None:
    """Give the few non-ASCII or punycode emails and websites of `table` the answers of
    features.email and features.domains (IDN), which the SQL macros leave to Python: the
    email's reject reason when it is not an address, the website's domain."""
    emails = [row[0] for row in con.execute(
        f"SELECT DISTINCT email FROM {table} WHERE email IS NOT NULL "  # noqa: S608
        "AND lp_needs_python(email)").fetchall()]
    bad = [value for value in emails if email_domain(value) is None]
    if bad:
        _register(con, "lp_py_email", bad, [None] * len(bad))
        con.execute(f"""
            UPDATE {table} SET reason = concat_ws('; ', lp_why($why, 'email', left(email, 80)),
                                                  reason)
            WHERE email IN (SELECT value FROM lp_py_email) AND NOT blank
        """, {"why": REASONS["bad_email"]})  # noqa: S608
    sites = [row[0] for row in con.execute(
        f"SELECT DISTINCT website FROM {table} WHERE website IS NOT NULL "  # noqa: S608
        "AND lp_needs_python(website)").fetchall()]
    if sites:
        _register(con, "lp_py_domain", sites, [normalise_domain(v) for v in sites])
        con.execute(f"UPDATE {table} SET domain = p.result FROM lp_py_domain p "  # noqa: S608
                    f"WHERE {table}.website = p.value")


def country_codes(con: duckdb.DuckDBPyConnection, table: str = "lp_rows") -> int:
    """Write the countries of `table` as ISO codes ("France", "Allemagne", "U.K." -> FR, DE,
    GB: features.countries) so that territories, the sheet's language and the model see one
    value per country; unknown values stay as written. Returns the rows changed."""
    values = [row[0] for row in con.execute(
        f"SELECT DISTINCT country FROM {table} WHERE country IS NOT NULL").fetchall()]  # noqa: S608
    changed = {value: code for value in values
               if (code := country_code(value)) is not None and code != value}
    if not changed:
        return 0
    _register(con, "lp_country_codes", list(changed), list(changed.values()))
    return con.execute(f"UPDATE {table} SET country = c.result FROM lp_country_codes c "  # noqa: S608
                       f"WHERE {table}.country = c.value").fetchone()[0]


def _register(con: duckdb.DuckDBPyConnection, table: str, values: list[str],
              results: list[str | None]) -> None:
    frame = pd.DataFrame({"value": pd.Series(values, dtype="str"),
                          "result": pd.Series(results, dtype="str")})
    con.register(f"{table}_frame", frame)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS "  # noqa: S608
                f"SELECT value, result FROM {table}_frame")
    con.unregister(f"{table}_frame")


# Salesforce's API dates (2024-01-22T20:36:47.000+0000): read by strptime, not the macros.
ZONED_FORMATS = ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z")


def date_format_of(con: duckdb.DuckDBPyConnection, sample: str, text: str,
                   fmt: CsvFormat) -> str:
    """The strptime format most of a date column's first values (in `sample`) follow: the
    fast path; values it does not read go through the lp_date_parts macros."""
    candidates = [*date_formats(fmt), *ZONED_FORMATS]
    counts = con.execute("SELECT " + ", ".join(  # one query: each costs milliseconds   # noqa: S608
        f"count(*) FILTER (WHERE try_strptime({text}, $f{i}) >= TIMESTAMP '1900-01-01')"
        for i in range(len(candidates))) + f" FROM {sample}",
        {f"f{i}": c for i, c in enumerate(candidates)}).fetchone()
    best, best_count = candidates[0], 0
    for candidate, count in zip(candidates, counts, strict=True):
        if count > best_count:  # the first of the most read
            best, best_count = candidate, count
    return best


def typed_rows_sql(con: duckdb.DuckDBPyConnection, resolved: Resolved, fmt: CsvFormat,
                   sample: str, breaks: str = "0", swallows: str = "false"
                   ) -> tuple[str, dict]:
    """(the SELECT of the typed rows over `{csv}`, the file as DuckDB reads it; its parameters).

    `sample` is a table of the file's first records as text (to pick the date formats). The
    rows have `blank`, `_breaks` (the SQL `breaks`: the line breaks its fields hold),
    `_swallows` (the SQL `swallows`: a field holds a line that reads as a row), one typed
    column per field (NULL when the file has none),
    the text it came from (`<field>_text`), `extra` (JSON). Three layers, so that each regular
    expression runs once per value: text, then the parts of dates and numbers, then values.
    """
    m = resolved.mapping
    params = {"dec": fmt.decimal, "ord": fmt.date_order,
              "src_k": list(m.sources), "src_v": list(m.sources.values()),
              "st_k": list(m.statuses), "st_v": list(m.statuses.values()),
              "src_default": m.source_default}
    text = {f: (_text(resolved.fields[f], "lp_key_text" if f == "email" else "lp_text")
                if f in resolved.fields else "NULL::VARCHAR") for f in FIELDS}
    # coalesce stops at the first column with text; ltrim (not trim, and not inside nullif) so
    # that DuckDB does not hoist it out as a common subexpression run on every cell
    blank = ("coalesce(" + ", ".join(f"CASE WHEN ltrim({quote(h)}) <> '' THEN 1 END"
                                     for h in fmt.columns) + ") IS NULL")
    fast, slow = _layers(con, resolved, fmt, sample, text, params)
    sql = f"""SELECT blank, _breaks, _swallows, {_select(_values())}
FROM (
    SELECT *, {_select(slow)}
    FROM (
        SELECT *, {_select(fast)}
        FROM (
            SELECT ({blank}) AS blank, {breaks} AS _breaks, {swallows} AS _swallows,
                {_select(_texts(resolved, text))}
            FROM {{csv}}
        )
    )
)"""  # noqa: S608 (expressions built from the mapping; values are bound)
    return sql, {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)}


_WANTED = ("lead_id", "email", "first_name", "last_name", "title", "phone", "company_id",
           "company_name", "website", "country", "industry", "created_at", "closed_at",
           "modified_at", "employees", "annual_revenue", "founded_year", "owner", "siren",
           "postal_code")
_DATES = ("created_at", "closed_at", "modified_at")
_NUMBERS = ("employees", "annual_revenue", "founded_year")


def _texts(resolved: Resolved, text: dict[str, str]) -> dict[str, str]:
    """The first layer: each field's trimmed text, the translated source and status."""
    texts = {f"{f}_text": text[f] for f in _WANTED}  # owner: NULL when the file has none
    texts["source_text"], texts["status_text"] = text["source"], text["status"]
    status_parts = [f"MAP($st_k, $st_v)[lower(lp_text({quote(h)}))]"
                    for h in resolved.fields.get("status", ())]
    texts["source"] = (f"CASE WHEN {text['source']} IS NOT NULL THEN coalesce("
                       f"MAP($src_k, $src_v)[lower({text['source']})], $src_default) END")
    texts["status"] = f"coalesce({', '.join(status_parts)})" if status_parts else "NULL::VARCHAR"
    texts.update(_extra_texts(resolved))
    return texts


def _layers(con: duckdb.DuckDBPyConnection, resolved: Resolved, fmt: CsvFormat, sample: str,
            text: dict[str, str], params: dict) -> tuple[dict[str, str], dict[str, str]]:
    """The second and third layers: the cheap reading of dates and numbers first, the
    regexes only where it fails. Adds each date column's strptime format to `params`."""
    fast, slow = {}, {}
    for f in _DATES:
        params[f"{f}_format"] = (date_format_of(con, sample, text[f], fmt)
                                 if f in resolved.fields else "%Y-%m-%d")
        read = f"try_strptime({f}_text, ${f}_format)"
        if "%z" in params[f"{f}_format"]:  # an offset gives a TIMESTAMPTZ: the UTC time of it
            read = f"timezone('UTC', {read})"
        fast[f"{f}_fast"] = (  # %Y would read "26" as the year 26: such a date is no reading
            f"CASE WHEN {read} >= TIMESTAMP '1900-01-01' THEN {read} END")
        slow[f"{f}_g"] = (f"CASE WHEN {f}_text IS NOT NULL AND {f}_fast IS NULL "
                          f"THEN lp_date_parts({f}_text) END")
    for f in _NUMBERS:  # a whole number that fits a BIGINT never becomes a DECIMAL(38, 6)
        fast[f"{f}_int"] = (f"CASE WHEN regexp_full_match({f}_text, '[-+]?[0-9]+') "
                            f"THEN TRY_CAST({f}_text AS BIGINT) END")
        slow[f"{f}_clean"] = (f"CASE WHEN {f}_text IS NOT NULL AND {f}_int IS NULL "
                              f"THEN lp_clean_number({f}_text) END")
    fast["extra"] = _extra_json(resolved)
    fast["email_plain"] = "lp_email_plain(email_text)"
    slow["email_parts"] = "CASE WHEN NOT email_plain THEN lp_email_parts(email_text) END"
    # a website written as a bare lower-case host (acme.com, www.acme.com) is its own host:
    # lp_website_host runs on the others only (on NULL for these; a CASE around its splits
    # would cost 2-3 times more)
    fast["website_plain"] = "lp_host_ok(website_text)"
    slow["website_host"] = "lp_website_host(CASE WHEN NOT website_plain THEN website_text END)"
    return fast, slow


def _values() -> dict[str, str]:
    """The last layer: the typed values, and the texts validate.sql words its reasons with."""
    values = {
        "key_text": "lead_id_text", "email": "email_text",
        # non-ASCII values: features.email and features.domains decide (fix_non_ascii)
        # NULL when the address is not well formed (validate.sql reads nothing else): ''
        # for a plain address, whose domain nothing needs
        "email_domain": ("CASE WHEN email_text IS NULL THEN NULL WHEN lp_needs_python("
                         "email_text) THEN '' WHEN email_plain THEN '' "
                         "ELSE lp_email_domain_of(email_text, email_parts) END"),
        "domain": ("CASE WHEN website_text IS NULL OR lp_needs_python(website_text) THEN NULL "
                   "WHEN website_plain THEN lp_without_www(website_text) "
                   "ELSE lp_domain_of(website_host) END"),
        "company_id_text": "company_id_text", "source": "source", "status": "status",
        "source_text": "source_text", "status_text": "status_text", "extra": "extra",
    }
    for field in ("first_name", "last_name", "title", "phone", "company_name", "website",
                  "country", "industry", "owner", "siren", "postal_code"):
        values[field] = f"{field}_text"
    for field in _DATES:
        values[field] = f"coalesce({field}_fast, lp_timestamp_of({field}_g, $ord))"
        values[f"{field}_text"] = f"{field}_text"
    for field in _NUMBERS:  # the number: `_int`, else (not whole, or too long) `_number`
        values[f"{field}_int"] = f"{field}_int"
        values[f"{field}_number"] = (f"CASE WHEN {field}_int IS NULL "
                                     f"THEN lp_decimal_of({field}_clean, $dec) END")
        values[f"{field}_text"] = f"{field}_text"
    return values


def _select(columns: dict[str, str]) -> str:
    return ",\n    ".join(f"{expr} AS {quote(name)}" for name, expr in columns.items())


def _extra_texts(resolved: Resolved) -> dict[str, str]:
    """The trimmed text of each extra column, as `_extra<i>` (read once, for _extra_json)."""
    return {f"_extra{i}": f"lp_text({quote(h)})" for i, h in enumerate(resolved.extra)}


def _extra_json(resolved: Resolved) -> str:
    """A JSON object of the extra columns' non-empty values (`_extra_texts`), or NULL when all
    are empty.

    Built as text for a few columns; for many, json_merge_patch onto {} drops the null members
    of a struct (RFC 7386).
    """
    if not resolved.extra:
        return "NULL::JSON"
    kept = [(h, _kept(h, f"_extra{i}", resolved.fields)) for i, h in enumerate(resolved.extra)]
    if len(kept) > 40:  # quick to plan on hundreds of columns, slower to run
        members = ", ".join(f"{quote(h)} := {value}" for h, value in kept)
        return f"nullif(json_merge_patch('{{}}', to_json(struct_pack({members}))), '{{}}'::JSON)"
    parts = []
    for header, value in kept:  # NULL for an empty value: concat_ws skips it (no CASE, so
        # that a translated source or status is compared with its translation once, not twice)
        key = json.dumps(header, ensure_ascii=False).replace("'", "''")
        parts.append(f"'{key}:' || to_json({value})")
    return f"('{{' || nullif(concat_ws(',', {', '.join(parts)}), '') || '}}')::JSON"


LEGAL_FORMS_PATTERN = r"\b(" + "|".join(LEGAL_FORMS) + r")\b"
