"""Editable YAML files: a mistake is one sentence naming the file, the line and the field."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from flows.editable_files import ConfigError, EditableFile, load_yaml
from flows.errors import LeadpilotError
from scoring.editable import Editable

LABEL = "data/pricebook.yaml"

# Comments and blank lines on purpose: they must not shift the line numbers.
NESTED = """\
# Price book (test copy)
currency: EUR

plans:
  - name: Starter          # line 5
    per_seat_monthly: "29.00"
  - name: Growth           # line 7
    per_seat_monthly: "59.00"
    tags: [smb, "é"]       # line 9: a flow list
max_discount_by_grade:     # line 10
  A: "10%"
  B: "15%"
flow_map: {x: 1, y: 2}     # line 13
"""


def _write(tmp_path: Path, text: str, name: str = "pricebook.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(tmp_path: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_yaml(_write(tmp_path, text), LABEL)
    return caught.value


def test_the_error_reads_as_one_sentence_with_file_line_and_field() -> None:
    err = ConfigError(LABEL, 12, "plans[1].per_seat_monthly",
                      "must be a decimal amount like 29.00, got 'abc'")
    assert str(err) == ("data/pricebook.yaml, line 12, field plans[1].per_seat_monthly: "
                        "must be a decimal amount like 29.00, got 'abc'")
    assert (err.file, err.line, err.field) == (LABEL, 12, "plans[1].per_seat_monthly")


def test_the_error_leaves_out_a_missing_line_and_the_whole_file_field() -> None:
    assert str(ConfigError(LABEL, None, "-", "file not found")) == (
        "data/pricebook.yaml: file not found")
    assert str(ConfigError(LABEL, None, "currency", "is missing")) == (
        "data/pricebook.yaml, field currency: is missing")


def test_the_error_is_a_leadpilot_error_and_survives_pickling() -> None:
    err = ConfigError(LABEL, 3, "currency", "is missing")
    assert isinstance(err, LeadpilotError)  # the CLI prints these as a sentence, no traceback
    copy = pickle.loads(pickle.dumps(err))  # Prefect moves exceptions between processes
    assert (str(copy), copy.line, copy.field) == (str(err), 3, "currency")


def test_a_missing_file_is_named_with_no_line_and_no_field(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_yaml(tmp_path / "absent.yaml", LABEL)
    err = caught.value
    assert (err.file, err.line, err.field, err.problem) == (LABEL, None, "-", "file not found")
    assert str(err) == "data/pricebook.yaml: file not found"


def test_the_label_defaults_to_the_path(tmp_path: Path) -> None:
    path = _write(tmp_path, "currency: EUR\n")
    assert load_yaml(path).path == str(path)
    with pytest.raises(ConfigError, match=r"absent\.yaml: file not found"):
        load_yaml(tmp_path / "absent.yaml")


@pytest.mark.parametrize(
    ("text", "line", "clue"),
    [
        # "b" has no colon: PyYAML notices on line 3, the mistake is on line 2.
        ("a: 1\nb\nc: 2\n", 2, "could not find expected ':'"),
        ("a:\n  b: 1\n c: 2\n", 3, "check the indentation"),
        ("a:\n\tb: 1\n", 2, "indent with spaces, not tabs"),
        ('a: "unclosed\nb: 2\n', 1, "missing its closing mark"),
        ("note: price: 29\n", 1, "in quotes"),
        ("a: [1, 2\nb: 3\n", 2, "flow sequence that starts on line 1"),
        ("a: 1\nb: \x07\n", 2, "special character"),
    ],
    ids=["no-colon", "bad-indent", "tab", "unclosed-quote", "colon-in-text", "unclosed-bracket",
         "control-char"],
)
def test_a_syntax_error_names_the_line_of_the_mistake(
    tmp_path: Path, text: str, line: int, clue: str
) -> None:
    err = _error(tmp_path, text)
    assert (err.file, err.line, err.field) == (LABEL, line, "-")
    assert str(err).startswith(f"data/pricebook.yaml, line {line}: ")
    assert clue in str(err)


def test_python_tags_are_refused_by_the_safe_loader(tmp_path: Path) -> None:
    err = _error(tmp_path, "a: 1\nb: !!python/object/apply:os.system ['echo hi']\n")
    assert err.line == 2 and "tag" in err.problem


def test_a_key_given_twice_is_refused_at_its_second_line(tmp_path: Path) -> None:
    err = _error(tmp_path, "max_discount_by_grade:\n  A: '10%'\n  B: '15%'\n  A: '12%'\n")
    assert str(err) == ("data/pricebook.yaml, line 4, field max_discount_by_grade.A: "
                        "is given twice (first on line 2); keep only one")


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: Société\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="is not UTF-8 text"):
        load_yaml(path, LABEL)


def test_every_field_of_nested_lists_and_mappings_has_its_line(tmp_path: Path) -> None:
    loaded = load_yaml(_write(tmp_path, NESTED), LABEL)
    assert loaded.data["plans"][1] == {"name": "Growth", "per_seat_monthly": "59.00",
                                       "tags": ["smb", "é"]}
    assert loaded.lines == {
        "currency": 2,
        "plans": 4,
        "plans[0]": 5, "plans[0].name": 5, "plans[0].per_seat_monthly": 6,
        "plans[1]": 7, "plans[1].name": 7, "plans[1].per_seat_monthly": 8,
        "plans[1].tags": 9, "plans[1].tags[0]": 9, "plans[1].tags[1]": 9,
        "max_discount_by_grade": 10, "max_discount_by_grade.A": 11, "max_discount_by_grade.B": 12,
        "flow_map": 13, "flow_map.x": 13, "flow_map.y": 13,
    }


def test_an_error_on_a_known_field_points_at_its_own_line(tmp_path: Path) -> None:
    loaded = load_yaml(_write(tmp_path, NESTED), LABEL)
    err = loaded.error("plans[1].per_seat_monthly", "must be a decimal amount like 29.00, got 'x'")
    assert isinstance(err, ConfigError)  # built, not raised: the caller raises it
    assert str(err) == ("data/pricebook.yaml, line 8, field plans[1].per_seat_monthly: "
                        "must be a decimal amount like 29.00, got 'x'")


@pytest.mark.parametrize(
    ("field", "line"),
    [
        ("plans[1].max_seats", 7),  # missing setting: the line of its plan
        ("plans[1].tags[5]", 9),  # missing list item: the line of the list
        ("plans[9].name", 4),  # missing plan: the line of `plans:`
        ("max_discount_by_grade.D", 10),  # missing grade: the line of the section
        ("max_discount_by_grade.A.extra", 11),
        ("seat_tiers[0].discount", None),  # missing section: no line, the field still named
    ],
)
def test_an_unknown_field_is_located_at_its_nearest_parent(
    tmp_path: Path, field: str, line: int | None
) -> None:
    loaded = load_yaml(_write(tmp_path, NESTED), LABEL)
    err = loaded.error(field, "is missing")
    assert (err.line, err.field) == (line, field)
    where = f"line {line}, " if line else ""
    assert str(err) == f"data/pricebook.yaml, {where}field {field}: is missing"


def test_an_empty_file_parses_to_nothing(tmp_path: Path) -> None:
    loaded = load_yaml(_write(tmp_path, "# only a comment\n"), LABEL)
    assert loaded == EditableFile(path=LABEL, data=None, lines={})
    assert loaded.error("currency", "is missing").line is None


def test_a_loaded_file_is_the_editable_that_the_scoring_validators_receive(tmp_path: Path) -> None:
    loaded = load_yaml(_write(tmp_path, NESTED), LABEL)
    assert isinstance(loaded, Editable)
    assert isinstance(loaded.error("plans", "is wrong"), Exception)


@pytest.mark.parametrize("name", ["grades", "playbook", "pricebook", "reasons", "reps", "rules"])
def test_the_fast_loader_reads_each_shipped_file_as_the_pure_python_one_does(name, monkeypatch):
    import flows.editable_files as editable

    path = Path(__file__).parents[2] / "data" / f"{name}.yaml"
    fast = load_yaml(path)
    monkeypatch.setattr(editable, "_FAST_LOADER", __import__("yaml").SafeLoader)
    pure = load_yaml(path)
    assert fast.data == pure.data and fast.lines == pure.lines
