"""`import features` stays light: its public names load on first use."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import features


def test_importing_features_loads_neither_pandas_nor_duckdb():
    code = ("import json, sys, features\n"
            "print(json.dumps([m for m in ('pandas', 'duckdb', 'lightgbm', 'prefect') "
            "if m in sys.modules]))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=120)
    assert json.loads(result.stdout.splitlines()[-1]) == []


@pytest.mark.parametrize("name", features.__all__)
def test_every_public_name_resolves_to_its_defining_module(name):
    value = getattr(features, name)
    assert value is getattr(sys.modules[f"features.{features._HOME[name]}"], name)
    assert set(features._HOME) == set(features.__all__)
