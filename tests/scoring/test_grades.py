"""Grades A-D from the cut-offs sales ops keep in data/grades.yaml."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from flows.editable_files import ConfigError, load_yaml
from scoring.grades import GradeBands, grade

REPO = Path(__file__).resolve().parents[2]


def test_each_probability_gets_the_highest_grade_it_reaches():
    bands = GradeBands(0.45, 0.25, 0.10)
    assert grade(np.array([0.45, 0.4499, 0.25, 0.1, 0.0999, 0.0]), bands).tolist() == [
        "A", "B", "B", "C", "D", "D"]


def test_the_shipped_cut_offs_load():
    bands = GradeBands.from_file(load_yaml(REPO / "data" / "grades.yaml"))
    assert bands.a > bands.b > bands.c > 0


@pytest.mark.parametrize("text, field", [
    ("minimum_probability:\n  A: 0.2\n  B: 0.3\n  C: 0.1\n", "minimum_probability"),
    ("minimum_probability:\n  A: 0.5\n  B: high\n  C: 0.1\n", "minimum_probability.B"),
    ("minimum_probability:\n  A: 0.5\n  B: 0.3\n", "minimum_probability.C"),
])
def test_a_bad_cut_off_names_the_file_line_and_field(tmp_path, text, field):
    path = tmp_path / "grades.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        GradeBands.from_file(load_yaml(path))
    assert "grades.yaml" in str(caught.value)
    assert field in str(caught.value)
    assert "line" in str(caught.value)
