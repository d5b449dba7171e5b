"""Merge a file's valid rows into one row per lead and company, compare with the warehouse,
and write only what changed, with a history row per changed field.

SQL is generated here only for the lists of column names (the leads table may carry more
columns as migrations land); every value is a bound parameter.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from flows.intake.rows import quote

LEAD_FIELDS = ("created_at", "first_name", "last_name", "title", "email", "phone",
               "company_id", "source", "status", "closed_at", "owner", "extra")
COMPANY_FIELDS = ("name", "domain", "country", "industry", "employees", "annual_revenue",
                  "founded_year", "siren", "postal_code")
_COMPANY_INPUT = {"name": "company_name"}


def lead_fields(con: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    """The lead fields an import may set: those the warehouse's `leads` table has."""
    present = {row[0] for row in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = 'leads' "
        "AND schema_name = 'main'").fetchall()}
    return tuple(f for f in LEAD_FIELDS if f in present)


def _last(column: str, alias: str | None = None) -> str:
    name = quote(column)
    return (f"arg_max({name}, _rec) FILTER (WHERE {name} IS NOT NULL) "
            f"AS {quote(alias or column)}")


def merge(con: duckdb.DuckDBPyConnection, fields: tuple[str, ...]) -> None:
    """lp_valid -> lp_repeated (leads on several rows), lp_existing (leads the warehouse has),
    lp_in (one row per lead) and lp_cin (one row per company).

    Rows of one lead are merged field by field: the last non-empty value in the file wins.
    """
    con.execute("CREATE OR REPLACE TEMP TABLE lp_repeated AS SELECT lead_id, count(*) AS n_rows "
                "FROM lp_valid GROUP BY lead_id HAVING count(*) > 1")
    con.execute("CREATE OR REPLACE TEMP TABLE lp_existing AS SELECT DISTINCT lead_id "
                "FROM lp_valid SEMI JOIN leads USING (lead_id)")
    lead_inputs = [f for f in fields if f not in ("extra",)] + ["modified_at"]
    single = ", ".join(quote(f) for f in lead_inputs)
    many = ", ".join(_last(f) for f in lead_inputs)
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW lp_in_many AS
        SELECT lead_id, {many}, arg_max(extra, _rec) FILTER (WHERE extra IS NOT NULL) AS extra,
               count(*) AS n_rows
        FROM lp_valid SEMI JOIN lp_repeated USING (lead_id) GROUP BY lead_id
    """)  # noqa: S608
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW lp_in AS
        SELECT lead_id, {single}, extra, 1 AS n_rows
        FROM lp_valid ANTI JOIN lp_repeated USING (lead_id)
        UNION ALL BY NAME SELECT * FROM lp_in_many
    """)  # noqa: S608
    company = ", ".join(_last(_COMPANY_INPUT.get(f, f), f) for f in COMPANY_FIELDS)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE lp_cin AS
        SELECT company_id, {company}
        FROM lp_valid WHERE company_id IS NOT NULL AND has_company GROUP BY company_id
    """)  # noqa: S608


def _lead_columns(fields: tuple[str, ...], stored: bool) -> list[str]:
    """The next value of each lead field from the file's row `i` and, when `stored`, the
    warehouse's row `l`: an empty cell keeps the stored value; a translated status or source
    overrides it; a lead closed (won, lost) without a date is closed at its last
    modification, else now; extra columns are merged key by key."""
    def kept(expr: str, field: str) -> str:
        return f"coalesce({expr}, l.{quote(field)})" if stored else expr

    simple = [f for f in fields if f not in ("created_at", "source", "status", "closed_at",
                                             "extra")]
    status = f"coalesce({kept('i.status', 'status')}, $status)"
    closed = kept("i.closed_at", "closed_at")
    return [f"{kept(f'i.{quote(f)}', f)} AS {quote(f)}" for f in simple] + [
        f"coalesce({kept('i.created_at', 'created_at')}, least(i.closed_at, i.modified_at), "
        "$now) AS created_at",
        f"coalesce({kept('i.source', 'source')}, $src) AS source",
        f"{status} AS status",
        f"CASE WHEN {status} = 'open' THEN NULL ELSE coalesce({closed}, i.modified_at, $now) "
        "END AS closed_at",
        ("CASE WHEN i.extra IS NULL THEN l.extra WHEN l.extra IS NULL THEN i.extra "
         "ELSE json_merge_patch(l.extra, i.extra) END AS extra") if stored else "i.extra AS extra",
    ]


def compare(con: duckdb.DuckDBPyConnection, fields: tuple[str, ...], now: datetime,
            source_default: str, status_default: str) -> None:
    """lp_in, lp_cin + the warehouse -> lp_lead_next (the leads the warehouse already has, as
    they will be), lp_company_next and lp_changes. New leads are written straight from
    lp_valid by `write` (a million new rows are never copied once more)."""
    params = {"now": now, "src": source_default, "status": status_default}
    stored = ", ".join(f"l.{quote(f)} AS {quote('_old_' + f)}" for f in fields)
    differs = " OR ".join(f"{quote(f)} IS DISTINCT FROM {quote('_old_' + f)}" for f in fields)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE lp_lead_next AS
        SELECT * EXCLUDE ({', '.join(quote('_old_' + f) for f in fields)}),
               ({differs}) AS changed
        FROM (SELECT i.lead_id, i.n_rows, {', '.join(_lead_columns(fields, stored=True))},
                     {stored}
              FROM lp_in i JOIN leads l ON l.lead_id = i.lead_id)
    """, params)  # noqa: S608
    company_columns = [
        "CASE WHEN lp_domain(k.domain) = c.domain THEN k.domain "
        "ELSE coalesce(c.domain, k.domain) END AS domain"] + [
        f"coalesce(c.{quote(f)}, k.{quote(f)}) AS {quote(f)}"
        for f in COMPANY_FIELDS if f != "domain"]
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE lp_company_next AS
        SELECT c.company_id, k.company_id IS NOT NULL AS existed,
               {', '.join(company_columns)}
        FROM lp_cin c LEFT JOIN companies k ON k.company_id = c.company_id
    """)  # noqa: S608
    lead_pairs = ", ".join(f"('{f}', l.{quote(f)}::VARCHAR, n.{quote(f)}::VARCHAR)"
                           for f in fields)
    company_pairs = ", ".join(f"('company.{f}', k.{quote(f)}::VARCHAR, n.{quote(f)}::VARCHAR)"
                              for f in COMPANY_FIELDS)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE lp_changes AS
        WITH changed AS (SELECT * FROM lp_lead_next WHERE changed)
        SELECT n.lead_id, p.field, p.old, p.new
        FROM changed n JOIN leads l ON l.lead_id = n.lead_id,
             LATERAL (VALUES {lead_pairs}) AS p(field, old, new)
        WHERE p.old IS DISTINCT FROM p.new
        UNION ALL
        SELECT DISTINCT v.lead_id, c.field, c.old, c.new FROM (
            SELECT n.company_id, p.field, p.old, p.new
            FROM lp_company_next n JOIN companies k ON k.company_id = n.company_id,
                 LATERAL (VALUES {company_pairs}) AS p(field, old, new)
            WHERE p.old IS DISTINCT FROM p.new
        ) AS c JOIN lp_valid v ON v.company_id = c.company_id AND v.has_company
        WHERE v.lead_id IN (SELECT lead_id FROM lp_lead_next)
    """)  # noqa: S608


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """inserted, updated (really changed), unchanged and merged (extra rows of a lead)."""
    inserted, merged = con.execute("""
        SELECT (SELECT count(*) FROM lp_valid ANTI JOIN lp_existing USING (lead_id))
               - (SELECT coalesce(sum(n_rows - 1), 0)
                  FROM lp_repeated ANTI JOIN lp_existing USING (lead_id)),
               (SELECT coalesce(sum(n_rows - 1), 0) FROM lp_repeated)
    """).fetchone()
    existed = con.execute("SELECT count(*) FROM lp_existing").fetchone()[0]
    updated = con.execute("SELECT count(DISTINCT lead_id) FROM lp_changes").fetchone()[0]
    return {"inserted": int(inserted), "updated": updated, "unchanged": existed - updated,
            "merged": int(merged)}


def company_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """`counts` of a file of companies: inserted, updated (really changed), unchanged and
    merged (extra rows of a company)."""
    differs = " OR ".join(f"n.{quote(f)} IS DISTINCT FROM k.{quote(f)}" for f in COMPANY_FIELDS)
    inserted, updated, existed = con.execute(f"""
        SELECT count(*) FILTER (WHERE NOT n.existed),
               count(*) FILTER (WHERE n.existed AND ({differs})), count(*) FILTER (WHERE n.existed)
        FROM lp_company_next n LEFT JOIN companies k USING (company_id)
    """).fetchone()  # noqa: S608
    merged = con.execute("SELECT (SELECT count(*) FROM lp_valid) - (SELECT count(*) FROM lp_cin)"
                         ).fetchone()[0]
    return {"inserted": inserted, "updated": updated, "unchanged": existed - updated,
            "merged": merged}


def write(con: duckdb.DuckDBPyConnection, fields: tuple[str, ...], now: datetime,
          source_file: str, source_default: str, status_default: str,
          new_leads: int = 1) -> None:
    """Insert new companies and leads (none looked for when `new_leads` is 0, as `counts`
    says), update changed ones, append the change history and the new aliases (the ids of
    duplicate records merged into a lead)."""
    params = {"now": now}
    company_set = ", ".join(f"{quote(f)} = n.{quote(f)}" for f in COMPANY_FIELDS)
    company_list = ", ".join(quote(f) for f in COMPANY_FIELDS)
    con.execute(f"""
        INSERT INTO companies BY NAME
        SELECT company_id, {company_list}, $now AS updated_at
        FROM lp_company_next WHERE NOT existed
    """, params)  # noqa: S608
    con.execute(f"""
        UPDATE companies SET {company_set}, updated_at = $now FROM lp_company_next n
        WHERE companies.company_id = n.company_id AND n.existed AND n.company_id IN (
            SELECT n2.company_id FROM lp_company_next n2 JOIN companies k USING (company_id)
            WHERE {' OR '.join(f'n2.{quote(f)} IS DISTINCT FROM k.{quote(f)}'
                               for f in COMPANY_FIELDS)})
    """, params)  # noqa: S608
    new = ", ".join(_lead_columns(fields, stored=False))
    new_rows = ("lp_valid ANTI JOIN lp_repeated USING (lead_id)",  # most leads: one row each
                "lp_in_many")
    for rows in new_rows if new_leads else ():
        con.execute(f"""
            INSERT INTO leads BY NAME
            SELECT i.lead_id, {new}, $now AS updated_at
            FROM (SELECT * FROM {rows}) AS i ANTI JOIN lp_existing USING (lead_id)
        """, {**params, "src": source_default, "status": status_default})  # noqa: S608
    lead_set = ", ".join(f"{quote(f)} = n.{quote(f)}" for f in fields)
    con.execute(f"""
        UPDATE leads SET {lead_set}, updated_at = $now FROM lp_lead_next n
        WHERE leads.lead_id = n.lead_id
          AND n.lead_id IN (SELECT lead_id FROM lp_changes WHERE field NOT LIKE 'company.%')
    """, params)  # noqa: S608
    con.execute("INSERT INTO lead_changes SELECT lead_id, field, old, new, $now, $file "
                "FROM lp_changes", {"now": now, "file": source_file})
    con.execute("""
        INSERT INTO lead_aliases
        SELECT alias, min(lead_id), $now FROM lp_valid
        WHERE alias IS NOT NULL AND alias NOT IN (SELECT alias FROM lead_aliases)
        GROUP BY alias
    """, params)
