"""The import corpus: malformed and awkward lead files as real CRMs and spreadsheets produce them.

Each case is (file name, bytes, preset, expectation). The expectation is either
`Clean(read=…, rejected=…)`: the import succeeds and the row equation holds with these counts,
or `Fails("words of the one-sentence error")`. Files are built here rather than committed, so
the 10 MB field costs nothing in the repository.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

HEADER = "Email,First Name,Last Name,Company Name,Website URL,Number of Employees,Create Date"


@dataclass(frozen=True)
class Clean:
    read: int
    rejected: int = 0
    inserted: int | None = None


@dataclass(frozen=True)
class Fails:
    message: str


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    expect: Clean | Fails
    preset: str = "hubspot"


def _csv(*rows: str, header: str = HEADER, newline: str = "\n") -> str:
    return newline.join([header, *rows]) + newline


def _row(i: int, **over: str) -> str:
    values = {"email": f"lead{i}@acme{i}.fr", "first": f"Ann{i}", "last": "Lee",
              "company": f"Acme {i}", "web": f"acme{i}.fr", "size": str(10 + i),
              "created": "2026-11-20 10:00:00"} | over
    return ",".join(values[k] for k in ("email", "first", "last", "company", "web", "size",
                                        "created"))


ROWS = [_row(i) for i in range(1, 4)]


def cases() -> list[Case]:
    """At least 30 files, each ending in a clean import or one clear error."""
    big = "x" * (10 * 1024 * 1024)
    late_cp1252 = _csv(*[_row(i) for i in range(1, 30001)], _row(30001, first="Zoé"))
    return [
        Case("empty.csv", b"", Fails("is empty")),
        Case("header_only.csv", (HEADER + "\n").encode(), Clean(read=0)),
        Case("bom_only.csv", codecs.BOM_UTF8, Fails("byte-order mark")),
        Case("blank_lines_only.csv", b"\n\n  \n", Fails("is empty")),
        Case("binary_garbage.bin", bytes(range(256)) * 64, Fails("is not a CSV file")),
        Case("nul_bytes.csv", _csv(*ROWS).encode().replace(b"Ann1", b"A\x00n1"),
             Fails("is not a CSV file")),
        Case("excel_workbook_renamed.csv", b"PK\x03\x04" + b"\x00" * 200,
             Fails("not a readable Excel workbook")),
        Case("no_key_column.csv", b"Name,City\nAnn,Lyon\n", Fails("no id or email column")),
        Case("wrong_declared_encoding.csv",
             codecs.BOM_UTF8 + _csv(_row(1, first="Zoé"), _row(2, first="Hélène")).encode(
                 "cp1252"), Clean(read=2)),
        Case("cp1252_french_excel.csv", _csv(
            "élodie@exemple.fr;Élodie;Müller;Société Générale;www.sg.fr;1 250;31/12/2026",
            "marc@exemple.fr;Marc;Dupré;Crédit Agricole;ca.fr;12 000;01/02/2026",
            header=HEADER.replace(",", ";"), newline="\r\n").encode("cp1252"), Clean(read=2)),
        Case("latin1.csv", _csv(_row(1, last="Groß"), _row(2, last="Ñúñez")).encode("latin-1"),
             Clean(read=2)),
        Case("utf16_unicode_text.txt", _csv(*[r.replace(",", "\t") for r in ROWS],
                                            header=HEADER.replace(",", "\t")).encode("utf-16"),
             Clean(read=3)),
        Case("utf16le_no_bom.txt", _csv(*[r.replace(",", "\t") for r in ROWS],
                                        header=HEADER.replace(",", "\t")).encode("utf-16-le"),
             Clean(read=3)),
        Case("pipe_delimited.csv", _csv(*[r.replace(",", "|") for r in ROWS],
                                        header=HEADER.replace(",", "|")).encode(), Clean(read=3)),
        Case("excel_sep_hint.csv", ("sep=;\n" + _csv(*[r.replace(",", ";") for r in ROWS],
                                                     header=HEADER.replace(",", ";"))).encode(),
             Clean(read=3)),
        Case("mixed_line_endings.csv",
             (HEADER + "\r\n" + ROWS[0] + "\n" + ROWS[1] + "\r\n" + ROWS[2] + "\n").encode(),
             Clean(read=3)),
        Case("no_final_newline.csv", _csv(*ROWS).rstrip("\n").encode(), Clean(read=3)),
        Case("blank_lines_between.csv", (HEADER + "\n\n" + ROWS[0] + "\n\n\n" + ROWS[1]
                                         + "\n,,,,,,\n" + ROWS[2] + "\n\n").encode(),
             Clean(read=3)),
        Case("ragged_rows.csv", _csv(ROWS[0], "short@row.fr,Ann", ROWS[1] + ",extra,cells",
                                     ROWS[2]).encode(), Clean(read=4, rejected=2)),
        # the quote never closed costs its own line; the row after it still lands
        Case("unbalanced_quote.csv", _csv(ROWS[0], ROWS[1].replace("Ann2", '"Ann2'),
                                          ROWS[2]).encode(), Clean(read=3, rejected=1,
                                                                   inserted=2)),
        Case("duplicate_headers.csv", _csv(*[r + ",other@x.fr" for r in ROWS],
                                           header=HEADER + ",Email").encode(), Clean(read=3)),
        Case("whitespace_headers.csv", _csv(*ROWS, header=" " + HEADER.replace(",", " , ")
                                            ).encode(), Clean(read=3)),
        Case("trailing_delimiters.csv", _csv(*[r + "," for r in ROWS], header=HEADER + ","
                                             ).encode(), Clean(read=3)),
        Case("ten_mb_field.csv", _csv(ROWS[0], _row(2, last=big), ROWS[2],
                                      header=HEADER).encode(), Clean(read=3, rejected=1)),
        Case("ten_mb_unmapped_field.csv", _csv(ROWS[0] + "," + big, header=HEADER + ",Notes"
                                               ).encode(), Clean(read=1)),
        Case("formula_injection.csv", _csv(
            _row(1, first="=HYPERLINK(\"http://evil\")", last="+cmd|' /C calc'!A0"),
            _row(2, first="-2+3", last="@SUM(A1)"),
        ).encode(), Clean(read=2)),
        Case("emoji_and_accents.csv", _csv(_row(1, first="Zoë 🚀", last="Ðørðe"),
                                           _row(2, first="李雷", last="Nguyễn"),
                                           _row(3, company="Café 😀 Crème")).encode(),
             Clean(read=3)),
        Case("impossible_dates.csv", _csv(_row(1, created="31/02/2026"),
                                          _row(2, created="2026-13-01"),
                                          _row(3, created="01/01/2026")).encode(),
             Clean(read=3, rejected=2)),
        Case("negative_employee_counts.csv", _csv(_row(1, size="-5"), _row(2, size="12.5"),
                                                  _row(3, size="1 200")).encode(),
             Clean(read=3, rejected=2)),
        Case("bad_emails.csv", _csv(_row(1, email="jean.dupont@"), _row(2, email="a@b"),
                                    _row(3, email='"x y"@z.fr'), _row(4)).encode(),
             Clean(read=4, rejected=3)),
        Case("quoted_newlines.csv", _csv(_row(1, first='"Multi\nline"'),
                                         _row(2, first='"Ann\r\nCRLF"'),
                                         _row(3, email="broken@")).encode(),
             Clean(read=3, rejected=1)),
        Case("thousands_and_decimals.csv", _csv(_row(1, size='"1,234"'),
                                                _row(2, size='"2 500"')).encode(),
             Clean(read=2)),
        Case("us_salesforce_dates.csv", _csv(_row(1, created="02/24/26 02:18 AM"),
                                             _row(2, created="12/31/2025 11:59 PM")).encode(),
             Clean(read=2)),
        Case("duplicate_emails_in_case.csv", _csv(_row(1, email="John@X.com"),
                                                  _row(2, email="  john@x.com "),
                                                  _row(3)).encode(),
             Clean(read=3, inserted=2)),
        Case("only_empty_rows.csv", _csv(",,,,,,", " , , ,,,,").encode(), Clean(read=0)),
        Case("wide_header.csv", _csv(*[r + "," * 999 for r in ROWS], header=HEADER + "".join(
            f",col{i}" for i in range(999))).encode(), Clean(read=3)),
        Case("invalid_utf8_after_the_sample.csv", late_cp1252.encode("cp1252"),
             Clean(read=30001)),
        Case("salesforce_without_id.csv", b"Email,LastName,Company\nann@acme.fr,Lee,Acme\n",
             Clean(read=1), preset="salesforce"),
    ]
