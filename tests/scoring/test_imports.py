"""`import scoring` stays light: its public names load on first use, so a command that only
needs grades or pricing never pays for LightGBM, scikit-learn or Prefect."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import scoring

HEAVY = ("lightgbm", "sklearn", "prefect")


def _loaded_after(statement: str, modules: tuple[str, ...]) -> list[str]:
    code = f"import json, sys\n{statement}\nprint(json.dumps([m for m in {modules!r} " \
           "if m in sys.modules]))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=120)
    return json.loads(result.stdout.splitlines()[-1])


def test_importing_scoring_loads_no_lightgbm_sklearn_or_prefect():
    assert _loaded_after("import scoring", HEAVY) == []


def test_importing_the_pure_scorer_loads_no_lightgbm_sklearn_or_prefect():
    assert _loaded_after("import scoring.scorer", HEAVY) == []


def test_a_model_name_still_loads_lightgbm_when_used():
    assert _loaded_after("import scoring; scoring.Model", ("lightgbm",)) == ["lightgbm"]


@pytest.mark.parametrize("name", scoring.__all__)
def test_every_public_name_resolves_to_its_defining_module(name):
    value = getattr(scoring, name)
    module = sys.modules[f"scoring.{scoring._HOME[name]}"]
    assert value is getattr(module, name)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        scoring.nothing  # noqa: B018
    assert set(scoring._HOME) == set(scoring.__all__)
