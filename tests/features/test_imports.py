"""`import features` stays light: its public names load on first use."""

from __future__ import annotations

import sys

import pytest
from support import loaded_by

import features


def test_importing_features_loads_neither_pandas_nor_duckdb():
    assert loaded_by("import features", ("pandas", "duckdb", "lightgbm", "prefect")) == []


@pytest.mark.parametrize("name", features.__all__)
def test_every_public_name_resolves_to_its_defining_module(name):
    value = getattr(features, name)
    assert value is getattr(sys.modules[f"features.{features._HOME[name]}"], name)
    assert set(features._HOME) == set(features.__all__)
