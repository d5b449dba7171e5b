"""One table of reject texts: the words both intake doors write in the rejects file."""

from __future__ import annotations

import duckdb
import pytest

from features.reading import REASONS, reason, reason_params


def test_a_reason_names_its_field_and_the_value_that_failed():
    assert reason("bad_email", "email", "bob@@acme.fr") == "bad email: bob@@acme.fr"
    assert reason("not_date", "created_at", "2026-13-45") == "created_at is not a date: 2026-13-45"
    assert reason("required", "source") == "source is required"
    assert reason("field_count", 11, 3) == "has 3 fields where the header has 11"


def test_an_unknown_reason_is_an_error_not_a_silent_text():
    with pytest.raises(KeyError):
        reason("no such reason")


@pytest.mark.parametrize("key", sorted(REASONS))
def test_the_sql_macro_words_every_reason_as_python_does(key):
    con = duckdb.connect()
    con.execute("CREATE TEMP MACRO lp_why(template, field, value) AS "
                "replace(replace(template, '{field}', field), '{value}', coalesce(value, ''))")
    params = reason_params()
    got = con.execute(f"SELECT lp_why($why_{key}, 'employees', '-5')",
                      {f"why_{key}": params[f"why_{key}"]}).fetchone()[0]
    assert got == reason(key, "employees", "-5")
