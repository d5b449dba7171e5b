"""Sniffing bytes and applying a mapping: pure, and what they raise is a ReadError."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from support import REPO

from features.reading import Mapping, ReadError
from features.reading.sniffing import binary_header, sniff_delimiter, sniff_encoding


def test_binary_bytes_raise_a_read_error_that_is_a_value_error():
    with pytest.raises(ReadError, match="NUL bytes"):
        sniff_encoding(b"id,name\n1,\x00x\n", complete=True)
    assert issubclass(ReadError, ValueError)


def test_encodings_and_delimiters_are_told_from_the_bytes():
    assert sniff_encoding("id;nom\n1;Société\n".encode("cp1252"), complete=True) == (
        "cp1252", False)
    assert sniff_encoding(b"\xef\xbb\xbfid\n", complete=True) == ("utf-8-sig", True)
    assert sniff_delimiter(["id;nom;ville", "1;Zoé;Lyon"]) == ";"
    assert binary_header(["id", "na\x01me"]) and not binary_header(["\ufeffid", "name"])


def test_a_mapping_finds_its_columns_whatever_their_case():
    mapping = Mapping("m", "m", {"lead_id": ("Id",), "email": ("Email", "Mail")}, {}, {},
                      "web_form", "open")
    resolved = mapping.resolve(("EMAIL", "id", "Notes"))
    assert resolved.fields == {"lead_id": ("id",), "email": ("EMAIL",)}
    assert resolved.extra == ("Notes",)
    assert mapping.keys_leads
    companies = Mapping("c", "c", {"company_id": ("company_id",)}, {}, {}, "web_form", "open")
    assert not companies.keys_leads


def test_nothing_in_features_reading_imports_flows():
    for path in (REPO / "features" / "reading").glob("*.py"):
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
        modules = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        modules += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not [m for m in modules if m.split(".")[0] == "flows"], path.name
