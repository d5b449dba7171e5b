"""`leadpilot import` and a quote never closed: it costs its own line, never the rows after it.

DuckDB's CSV reader, left to itself, reads such a quote to the next quote of the file: on a
1,000-row file it returned 2 rows and one reject of 55 lines, and the other 943 rows vanished
with the row equation still balanced. These tests pin the recovery (flows/intake/loading.py).
"""

from __future__ import annotations

import csv
import json
from datetime import datetime

import pytest

from flows import store
from flows.intake.importer import import_file
from flows.intake.loading import load_csv
from flows.intake.mapping import load_mapping
from flows.intake.reading import detect_format

NOW = datetime(2026, 11, 29, 6, 0)
HEADER = "lead_id,created_at,first_name,last_name,email,source,status,company_name,website"


def _row(i: int, last_name: str | None = None) -> str:
    return (f"L{i:05d},2026-11-0{i % 9 + 1},Ann{i},{last_name or f'Name{i}'},ann{i}@acme{i}.com,"
            f"web,open,Acme {i},acme{i}.com")


def _file(tmp_path, lines: list[str], sep: str = ",", encoding: str = "utf-8",
          name: str = "leads.csv"):
    path = tmp_path / name
    path.write_bytes(("\n".join(line.replace(",", sep) for line in [HEADER, *lines]) + "\n")
                     .encode(encoding))
    return path


def _import(tmp_path, path):
    with store.opened(tmp_path / "w.duckdb") as con:
        summary = import_file(con, path, load_mapping("leadpilot", None), tmp_path / "rejects",
                              NOW)
        names = dict(con.execute("SELECT lead_id, last_name FROM leads").fetchall())
    rejects = []
    if summary.rejects_file:
        with open(summary.rejects_file, encoding="utf-8-sig", newline="") as handle:
            rejects = list(csv.DictReader(handle))
    assert summary.balanced, summary
    return summary, names, rejects


@pytest.mark.parametrize("sep, encoding", [(",", "utf-8"), (";", "cp1252")])
def test_a_quote_never_closed_costs_its_own_line_and_every_other_row_lands(tmp_path, sep,
                                                                            encoding):
    lines = [_row(i) for i in range(1000)]
    broken = lines[2].replace(",Ann2,", ',"Ann2,')
    lines[2] = broken
    summary, names, rejects = _import(tmp_path, _file(tmp_path, lines, sep, encoding))
    assert (summary.read, summary.inserted, summary.rejected) == (1000, 999, 1)
    assert [(r["line"], r["raw"]) for r in rejects] == [("4", broken.replace(",", sep))]
    assert "never closed" in rejects[0]["reason"]
    assert "L00002" not in names and names["L00999"] == "Name999"


def test_two_stray_quotes_far_apart_do_not_swallow_the_rows_between(tmp_path):
    lines = [_row(i) for i in range(600)]
    lines[3] = lines[3].replace(",Ann3,", ',"Ann3,')
    lines[500] = _row(500, 'O"Brien')  # a quote inside a name closes the one left open above
    summary, names, rejects = _import(tmp_path, _file(tmp_path, lines))
    assert (summary.read, summary.inserted, summary.rejected) == (600, 599, 1)
    assert rejects[0]["line"] == "5"
    assert names["L00500"] == 'O"Brien' and names["L00499"] == "Name499"


def test_a_note_of_many_quoted_lines_with_commas_is_still_one_record(tmp_path):
    note = "\n".join(f"call {n}, then email, then wait" for n in range(30))
    path = tmp_path / "notes.csv"
    path.write_text(f"{HEADER},Notes\n" + "\n".join(
        f'{_row(i)},"{note}"' for i in range(50)) + "\n", encoding="utf-8")
    with store.opened(tmp_path / "w.duckdb") as con:
        summary = import_file(con, path, load_mapping("leadpilot", None), tmp_path / "rejects",
                              NOW)
        extras = [json.loads(v) for (v,) in con.execute("SELECT extra FROM leads").fetchall()]
    assert (summary.read, summary.inserted, summary.rejected) == (50, 50, 0)
    assert all(extra["Notes"] == note for extra in extras)


def test_a_plain_load_sets_the_broken_line_aside_too(tmp_path):
    lines = [_row(i) for i in range(300)]
    lines[10] = lines[10].replace(",Ann10,", ',"Ann10,')
    path = _file(tmp_path, lines)
    with store.opened(tmp_path / "w.duckdb") as con:
        loaded = load_csv(con, path, detect_format(path), "t", tmp_path / "work")
        emails = {e for (e,) in con.execute("SELECT email FROM t").fetchall()}
    assert loaded.rows == 299 and list(loaded.rejects["line"]) == [12]
    assert "ann11@acme11.com" in emails and "ann10@acme10.com" not in emails


def test_a_quote_closed_by_the_next_rows_own_quoted_field_still_lets_that_row_land(tmp_path):
    lines = [_row(i) for i in range(50)]
    lines[10] = lines[10].replace(",Ann10,", ',"Ann10,')
    lines[11] = lines[11].replace(",Ann11,", ',"Ann11",')  # its quotes pair up on its line
    summary, names, rejects = _import(tmp_path, _file(tmp_path, lines))
    assert (summary.read, summary.inserted, summary.rejected) == (50, 49, 1)
    assert [r["line"] for r in rejects] == ["12"] and "L00011" in names


def test_a_quoted_note_whose_last_line_has_commas_stays_whole(tmp_path):
    # the note is the first column, its last line reads alone as a row of 4 fields, and its
    # 25 lines are enough to have the file split again by Python's reader
    note = "called, left a message\n" * 24 + "see,L1,x@y.fr,Zoé"
    path = tmp_path / "first.csv"
    path.write_text(f'Notes,lead_id,email,first_name\n"{note}",L1,ann@acme.com,Ann\n',
                    encoding="utf-8")
    with store.opened(tmp_path / "w.duckdb") as con:
        summary = import_file(con, path, load_mapping("leadpilot", None), tmp_path / "rejects",
                              NOW)
        (extra,) = con.execute("SELECT extra FROM leads").fetchone()
    assert (summary.read, summary.inserted, summary.rejected) == (1, 1, 0)
    assert json.loads(extra)["Notes"] == note


def test_rows_a_stray_quote_made_into_one_valid_note_are_read_as_rows(tmp_path):
    """The quote opened in row 10's note closes at the end of row 15 (`27"`): DuckDB reads
    rows 11-15 as row 10's note without any error, and the lines still add up."""
    lines = [f"{_row(i)},note {i}" for i in range(50)]
    lines[10] = f'{_row(10)},"Call back'
    lines[15] = f'{_row(15)},Screen 27"'
    path = tmp_path / "notes.csv"
    path.write_text("\n".join([f"{HEADER},Notes", *lines]) + "\n", encoding="utf-8")
    summary, names, rejects = _import(tmp_path, path)
    assert (summary.read, summary.inserted, summary.rejected) == (50, 49, 1)
    assert [(r["line"], r["raw"]) for r in rejects] == [("12", lines[10])]
    assert {"L00011", "L00014", "L00015"} <= set(names)


def test_text_after_a_closing_quote_is_reported_on_its_own_line_with_its_own_text(tmp_path):
    """DuckDB's strict reader named the line before (a row it had imported) and gave part of
    the line as its text: 41 rows "read" out of 40."""
    def quoted(i: int) -> str:
        return ",".join(f'"{cell}"' for cell in _row(i).split(","))

    lines = [quoted(i) for i in range(40)]
    lines[19] = lines[19].replace(',"ann19', ',""ann19').replace('"Acme 19"', '"Acme" 19"')
    summary, names, rejects = _import(tmp_path, _file(tmp_path, lines))
    assert (summary.read, summary.inserted, summary.rejected) == (40, 39, 1)
    assert [(r["line"], r["raw"]) for r in rejects] == [("21", lines[19])]
    assert "L00018" in names and "L00019" not in names
