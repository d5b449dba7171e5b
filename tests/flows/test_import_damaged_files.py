"""Damaged quoted exports: whatever a stray or missing quote, a cut line, a CRLF or a blank line
does to a few rows, every other row lands and the row equation holds (seeded, so a failure
repeats)."""

from __future__ import annotations

import random
from datetime import datetime

import pytest

from flows import store
from flows.intake.importer import import_file
from flows.intake.mapping import load_mapping

NOW = datetime(2026, 11, 29, 6, 0)
HEADER = ["Id", "FirstName", "LastName", "Email", "Company", "Website", "Title", "Description"]


def _rows(count: int) -> list[bytes]:
    rows = [",".join(f'"{h}"' for h in HEADER).encode() + b"\n"]
    for i in range(count):
        cells = [f"00Q{i:012d}", f"Ann{i}", f"Lee{i}", f"ann{i}@acme{i}.com", f"Acme {i}",
                 f"acme{i}.com", "CFO", f"met at the fair, day {i % 3}"]
        rows.append(",".join(f'"{c}"' for c in cells).encode() + b"\n")
    return rows


def _stray_quote(line: bytes, pick: random.Random) -> bytes:
    at = pick.randrange(len(line) - 1)
    return line[:at] + b'"' + line[at:]


def _missing_quote(line: bytes, pick: random.Random) -> bytes:
    at = pick.choice([i for i, byte in enumerate(line) if byte == ord('"')])
    return line[:at] + line[at + 1:]


def _cut_line(line: bytes, pick: random.Random) -> bytes:
    at = pick.randrange(1, len(line) - 1)
    return line[:at] + b"\n" + line[at:]


DAMAGES = (_stray_quote, _missing_quote, _cut_line)


@pytest.mark.parametrize("seed", range(25))
def test_every_row_the_damage_did_not_touch_lands(tmp_path, seed):
    pick = random.Random(seed)
    rows = _rows(200)
    touched = set()
    for _ in range(pick.randint(1, 5)):
        at = pick.randrange(1, len(rows))
        rows[at] = pick.choice(DAMAGES)(rows[at], pick)
        touched.add(at)
    for _ in range(pick.randint(0, 2)):  # harmless: a Windows line end, a blank line
        at = pick.randrange(1, len(rows))
        rows[at] = rows[at].rstrip(b"\n") + b"\r\n" if pick.random() < 0.5 else b"\n" + rows[at]
    path = tmp_path / "Lead.csv"
    path.write_bytes(b"".join(rows))
    with store.opened(tmp_path / "w.duckdb") as con:
        summary = import_file(con, path, load_mapping("salesforce", None), tmp_path / "rejects",
                              NOW)
        landed = {lead for (lead,) in con.execute("SELECT lead_id FROM leads").fetchall()}
    assert summary.balanced, summary
    untouched = {f"00Q{i - 1:012d}" for i in range(1, len(rows)) if i not in touched}
    assert untouched <= landed, sorted(untouched - landed)[:5]
    assert summary.read >= 200 - len(touched)
