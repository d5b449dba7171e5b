"""Time the per-lead scoring steps against their version at a git revision (`--base`, by
default `main`; on main itself, name the commit to compare with), on the same leads:
`.venv/bin/python bench/scoring_steps.py 100000 [talking_points|pricing|reasons ...]
[--base REV]`.

For each step prints seconds old vs new, the ratio, and whether the outputs are identical (the
old module is `git show <base>:<path>` imported under another name, so nothing old stays in
the package).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import yaml

from bench.scoring_inputs import open_leads, priced_leads, scored_features
from features.columns import FEATURE_NAMES
from flows.editable_files import load_yaml
from scoring import pricing, reasons, scorer, talking_points
from scoring.grades import GradeBands
from scoring.pricebook import PriceBook
from scoring.reasons import languages_for
from scoring.scorer import Scorer, score_leads

REPO = Path(__file__).resolve().parents[1]
MODEL_SCORER = Scorer("model", "model bench", 300, 40, version="bench")
BASE = {"ref": "main"}  # the revision the old modules come from (--base)


def old_module(path: str, ref: str | None = None):
    """The module at `path` as it is on `ref` (default: --base), imported as `old_<name>`."""
    ref = ref or BASE["ref"]
    source = subprocess.run(["git", "show", f"{ref}:{path}"], cwd=REPO, check=True,
                            capture_output=True, text=True).stdout
    folder = Path(tempfile.mkdtemp())
    name = f"old_{Path(path).stem}"
    (folder / f"{name}.py").write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, folder / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _yaml(name: str) -> dict:
    return yaml.safe_load((REPO / "data" / name).read_text(encoding="utf-8"))


def _timed(run: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def _report(step: str, n: int, old: Callable[[], object], new: Callable[[], object]) -> None:
    old_s, old_out = _timed(old)
    new_s, new_out = _timed(new)
    same = identical(old_out, new_out)
    print(f"{step:15} {n:>8} leads: old {old_s:7.2f} s  new {new_s:7.2f} s  "
          f"x{old_s / new_s:6.1f}  identical: {same}", flush=True)


def identical(old: pd.DataFrame, new: pd.DataFrame) -> bool:
    """Same index, columns, dtypes and values, Decimals to the last printed digit (lists
    compared as Python lists, whether a column holds them as objects or as Arrow lists; scores
    rows' contributions as the JSON text kept before migration 023)."""
    old, new = python_lists(json_contributions(old)), python_lists(json_contributions(new))
    return (old.index.equals(new.index) and old.dtypes.equals(new.dtypes)
            and old.equals(new) and old.astype(str).equals(new.astype(str)))


def python_lists(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with each Arrow list column as an object column of Python lists (as str() and
    to_csv print them: Arrow's own text of a list is numpy's)."""
    lists = {name: pd.Series(column.tolist(), index=column.index, dtype=object)
             for name, column in frame.items() if _is_list(column.dtype)}
    return frame.assign(**lists) if lists else frame


def json_contributions(frame: pd.DataFrame) -> pd.DataFrame:
    """Scores rows with their contribution_names and contribution_values as the one JSON text
    column `contributions` the scores table kept before migration 023 (json.dumps of each
    lead's names and values), in their place; any other frame as it is."""
    if "contribution_names" not in frame:
        return frame
    texts = [json.dumps(dict(zip(names, values, strict=True)))
             for names, values in zip(frame["contribution_names"].tolist(),
                                      frame["contribution_values"].tolist(), strict=True)]
    at = list(frame.columns).index("contribution_names")
    out = frame.drop(columns=["contribution_names", "contribution_values"])
    out.insert(at, "contributions", pd.Series(texts, index=frame.index, dtype="str"))
    return out


def _is_list(dtype) -> bool:
    return isinstance(dtype, pd.ArrowDtype) and (pa.types.is_list(dtype.pyarrow_dtype)
                                                 or pa.types.is_large_list(dtype.pyarrow_dtype))


def talking_points_step(n: int) -> None:
    leads, playbook = open_leads(n), _yaml("playbook.yaml")
    langs = languages_for(leads["country"])
    old = old_module("scoring/talking_points.py")
    _report("talking points", len(leads), lambda: old.pick_points(leads, playbook, langs),
            lambda: talking_points.pick_points(leads, playbook, langs))


def pricing_step(n: int) -> None:
    leads = priced_leads(n)
    book = PriceBook.from_file(_editable("pricebook.yaml"))
    old = old_module("scoring/pricing.py")
    _report("pricing", len(leads), lambda: old.quote_leads(leads, book),
            lambda: pricing.quote_leads(leads, book))


def reasons_step(n: int) -> None:
    features, contributions = scored_features(n)
    phrases, langs = _yaml("reasons.yaml"), languages_for(features["country"])
    old = old_module("scoring/reasons.py")
    _report("reasons", len(features), lambda: old.explain(contributions, features, phrases, langs),
            lambda: reasons.explain(contributions, features, phrases, langs))


def _editable(name: str):
    return load_yaml(REPO / "data" / name)


STEPS = {"talking_points": talking_points_step, "pricing": pricing_step, "reasons": reasons_step}



class FixedModel:
    """Stands in for scoring.model.Model: pre-drawn probabilities and contributions (LightGBM's
    own cost, predict and pred_contrib, is not what this bench measures)."""

    def __init__(self, contributions: np.ndarray) -> None:
        self.columns = tuple(FEATURE_NAMES)
        self.card: dict = {}
        self._contributions = contributions
        # np.exp of float64 differs in the last bit between CPUs (numpy takes Intel's SVML
        # where the CPU shows AVX-512, glibc's exp elsewhere): rounded, so the frozen score
        # rows of tests/scoring/test_scorer.py are the same on every machine
        self._probability = np.round(1 / (1 + np.exp(-contributions.sum(axis=1))), 12)

    def predict(self, matrix: pd.DataFrame) -> np.ndarray:
        return self._probability[: len(matrix)]

    def predicted(self, matrix: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        return self.predict(matrix), self.contributions(matrix)

    def contributions(self, matrix: pd.DataFrame) -> np.ndarray:
        return self._contributions[: len(matrix)]


def scoring_inputs(n: int) -> tuple:
    """Features (with lead_id), a fixed model, and yesterday's scores of the same leads."""
    features, contributions = scored_features(n)
    features.insert(0, "lead_id", [f"L{i:07d}" for i in range(len(features))])
    model = FixedModel(contributions)
    yesterday = score_leads(features, MODEL_SCORER, _no_previous(), GradeBands(0.45, 0.25, 0.1),
                            _yaml("reasons.yaml"), model=FixedModel(contributions[::-1].copy()))
    before = features[list(FEATURE_NAMES)].sample(frac=1.0, random_state=1)  # other values
    previous = pd.concat([  # as flows/models/sql/previous_scores.sql gives them: feature columns
        yesterday[["lead_id", "win_probability", "scored_by", "contribution_names",
                   "contribution_values"]].reset_index(drop=True),
        before.reset_index(drop=True)], axis=1)
    previous.loc[previous.index % 7 == 0, "scored_by"] = "rules-based: not enough wins yet"
    return features, model, previous.iloc[: len(previous) * 9 // 10]  # some leads are new


def _no_previous() -> pd.DataFrame:
    return pd.DataFrame(columns=["lead_id", "win_probability", "scored_by", "contribution_names",
                                 "contribution_values", *FEATURE_NAMES])


def score_leads_step(n: int) -> None:
    features, model, previous = scoring_inputs(n)
    phrases, bands = _yaml("reasons.yaml"), GradeBands(0.45, 0.25, 0.1)
    old = old_module("scoring/scorer.py")
    old.explain = old_module("scoring/reasons.py").explain
    old.describe = old_module("scoring/movement.py").describe
    _report("score_leads", len(features),
            lambda: old.score_leads(features, MODEL_SCORER, previous, bands, phrases, model=model),
            lambda: scorer.score_leads(features, MODEL_SCORER, previous, bands, phrases,
                                       model=model))


STEPS["score_leads"] = score_leads_step

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", nargs="?", type=int, default=100_000, help="open leads")
    parser.add_argument("steps", nargs="*", help=f"of {', '.join(STEPS)} (default: all)")
    parser.add_argument("--base", default="main", help="git revision of the old modules")
    args = parser.parse_args()
    if unknown := sorted(set(args.steps) - set(STEPS)):
        parser.error(f"no step named {', '.join(unknown)}")
    BASE["ref"] = args.base
    for chosen in args.steps or list(STEPS):
        STEPS[chosen](args.size)
