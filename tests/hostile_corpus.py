"""Damaged and hostile lead files, built here (not committed): each must end in a clean import
where the row equation holds, or in one sentence with the warehouse unchanged, through both
intake doors. Files are in leadpilot's own layout (the daily intake's leads file)."""

from __future__ import annotations

import codecs
import gzip
import io
import zipfile

HEADER = "lead_id,created_at,first_name,last_name,email,company_id,source,status"


def _row(i: int, **over: str) -> str:
    values = {"id": f"H{i}", "created": "2026-11-20 10:00:00", "first": f"Ann{i}",
              "last": "Lee", "email": f"h{i}@acme.fr", "company": "C1", "source": "event",
              "status": "open"} | over
    return ",".join(values[k] for k in ("id", "created", "first", "last", "email", "company",
                                        "source", "status"))


def _csv(*rows: str, header: str = HEADER, newline: str = "\n") -> bytes:
    return (newline.join([header, *rows]) + newline).encode()


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _bomb() -> bytes:
    """A zip named .xlsx whose sheet inflates to 64 MB of spaces (ratio ~1000)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b" " * (1 << 20)
            for _ in range(64):
                sheet.write(chunk)
    return buffer.getvalue()


def _workbook(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def hostile_files() -> dict[str, bytes]:
    """File name -> bytes: at least 40 damaged or hostile inputs."""
    mb = "x" * (1 << 20)
    sql = "'); DROP TABLE leads;--"
    return {
        "formulas.csv": _csv(_row(1, first="=1+1", last="@SUM(A1)"),
                             _row(2, first="-1+1", last="+cmd|' /C calc'!A0"),
                             _row(3, first='"=HYPERLINK(""http://evil"",""x"")"'),
                             _row(4, email="=1+1@x.fr")),
        "markup.csv": _csv(_row(1, first="[/]", last="[bold red]x"),
                           _row(2, email="[/]@@x.fr"), _row(3, first="[link=file:///]a[/link]")),
        "markup_header.csv": _csv(_row(1) + ",v", header=HEADER + ",[/]"),
        "nul_bytes.csv": _csv(_row(1), _row(2, first="A\x00n")),
        "nul_only.csv": b"\x00" * 4096,
        "bom_in_a_cell.csv": _csv(_row(1, first="\ufeffAnn"), _row(2)),
        "bom_mid_file.csv": _csv(_row(1)) + codecs.BOM_UTF8 + _row(2).encode() + b"\n",
        "bom_twice.csv": codecs.BOM_UTF8 + codecs.BOM_UTF8 + _csv(_row(1)),
        "one_mb_mapped_cell.csv": _csv(_row(1), _row(2, last=mb), _row(3)),
        "one_mb_unmapped_cell.csv": _csv(_row(1) + "," + mb, header=HEADER + ",notes"),
        "one_mb_header_name.csv": _csv(_row(1) + ",v", header=HEADER + "," + mb),
        "mixed_line_ends.csv": (HEADER + "\r\n" + _row(1) + "\n" + _row(2) + "\r" + _row(3)
                                + "\r\n").encode(),
        "cr_only.csv": _csv(_row(1), _row(2), newline="\r"),
        "duplicate_headers.csv": _csv(_row(1) + ",x@y.fr", header=HEADER + ",email"),
        "empty_header_names.csv": _csv(_row(1) + ",a,b", header=HEADER + ",,"),
        "only_a_header.csv": _csv(),
        "only_a_header_no_newline.csv": HEADER.encode(),
        "binary_junk.csv": bytes(range(256)) * 40,
        "zip_bomb.xlsx": _bomb(),
        "zip_without_workbook.xlsx": _zip({"readme.txt": b"hello"}),
        "csv_named_xlsx.xlsx": _csv(_row(1)),
        "xlsx_named_csv.csv": _workbook([HEADER.split(","), _row(1).split(",")]),
        "xlsx_hostile_cells.xlsx": _workbook([HEADER.split(","), _row(1, first="=1+1").split(
            ","), ["H2", "not a date", "[/]", sql, "@x", "C1", "event", "open"]]),
        "gzip_named_csv.csv": gzip.compress(_csv(_row(1))),
        "pdf_named_csv.csv": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" * 20,
        "html_page.csv": b"<!doctype html><html><body><table><tr><td>a</td></tr></table>"
                         b"</body></html>\n",
        "json_named_csv.csv": b'[{"lead_id": "H1", "email": "h1@acme.fr"}]\n',
        "emoji.csv": _csv(_row(1, first="Zo\u00eb \U0001f680", last="\U0001f468\u200d\U0001f469"),
                          _row(2, company="C\U0001f600")),
        "rtl_text.csv": _csv(_row(1, first="\u0645\u062d\u0645\u062f", last="\u05db\u05d4\u05df"),
                             _row(2, first="\u202eevil\u202c", last="a\u200fb")),
        "sql_values.csv": _csv(_row(1, first=sql, last="1; DELETE FROM leads"),
                               _row(2, id="H2' OR '1'='1", company="C1'); DROP TABLE x;--"),
                               _row(3, source=sql, status=sql)),
        "sql_header.csv": _csv(_row(1) + ",v", header=HEADER + ',"x""); DROP TABLE leads;--"'),
        "unbalanced_quotes.csv": _csv(_row(1, first='"Ann'), _row(2), _row(3, last='Lee"x')),
        "quote_only.csv": b'"',
        "five_thousand_fields_row.csv": _csv(_row(1), "," * 5000, _row(2)),
        "too_wide_header.csv": _csv(_row(1), header=HEADER + "".join(
            f",c{i}" for i in range(2000))),
        "control_chars.csv": _csv(_row(1, first="A\x07\x1bn"), _row(2, last="\x08\x0c")),
        "unicode_line_separators.csv": _csv(_row(1, first="A\u2028B\u2029C\u0085D"), _row(2)),
        "invalid_utf8.csv": _csv(_row(1)) + b"H2,2026-11-20 10:00:00,\xff\xfe\xc3,Lee,h2@x.fr,"
                                            b"C1,event,open\n",
        "utf16_formulas.csv": (HEADER + "\n" + _row(1, first="=1+1") + "\n").encode("utf-16"),
        "tab_separated_formulas.tsv": _csv(_row(1, first="@A1").replace(",", "\t"),
                                           header=HEADER.replace(",", "\t")),
        "sep_hint_only.csv": b"sep=;\n",
        "only_delimiters.csv": b",,,,,,,\n;;;\n",
        "whitespace_only.csv": b"   \n\t\n  \r\n",
        "blank_lines_then_header.csv": b"\n" * 10_000 + _csv(_row(1)),
        "conflicting_duplicates.csv": _csv(_row(1), _row(1, first="Bob", status="won"),
                                           _row(1, email="other@x.fr")),
        "extreme_numbers_and_dates.csv": _csv(_row(1, created="0001-01-01 00:00:00"),
                                              _row(2, created="9999-12-31 23:59:59"),
                                              _row(3, created="1e308"), _row(4, created="-1")),
        "newline_in_header.csv": _csv(_row(1) + ",v", header=HEADER + ',"multi\nline"'),
        "case_duplicate_headers.csv": _csv(_row(1) + ",X@Y.FR", header=HEADER + ",EMAIL"),
        "text_after_closing_quote.csv": _csv(_row(1, first='"Ann"junk'), _row(2)),
        "latin1_sql.csv": _csv(_row(1, first="Zo\u00e9", last=sql)).decode().encode("latin-1"),
        "no_key_columns.csv": b"first_name,last_name\nAnn,Lee\n",
        "hostile_status_and_source.csv": _csv(_row(1, status="WON ", source=" Event"),
                                              _row(2, status="=won", source="@event")),
    }
