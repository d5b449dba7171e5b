"""Record splitting over text: a quote never closed costs its own line, no more."""

from __future__ import annotations

import io

from features.reading.records import split_records, strict


def test_a_quote_never_closed_comes_back_alone_and_the_next_lines_are_read_again():
    text = 'id,name,email\n1,"Acme,a@acme.fr\n2,Béta,b@beta.fr\n'
    records = list(split_records(io.StringIO(text, newline=""), ",", '"'))
    assert records == [(1, ["id", "name", "email"], "id,name,email"),
                       (2, None, '1,"Acme,a@acme.fr'),
                       (3, ["2", "Béta", "b@beta.fr"], "2,Béta,b@beta.fr")]


def test_a_quoted_field_with_a_line_break_is_one_record_numbered_by_its_first_line():
    text = 'id,note\n1,"two\nlines"\n2,x\n'
    lines = [(line, fields) for line, fields, _ in
             split_records(io.StringIO(text, newline=""), ",", '"')]
    assert lines == [(1, ["id", "note"]), (2, ["1", "two\nlines"]), (4, ["2", "x"])]


def test_text_after_a_closing_quote_is_not_strict_csv():
    assert strict('1,"Acme",x', ",", '"')
    assert not strict('1,"Acme"Inc,x', ",", '"')
