"""Each column's contribution (SHAP value, log-odds) to a LightGBM model's raw score, worked out
over whole columns in numpy: what the booster's ``predict(..., pred_contrib=True)`` gives, to
rounding (about 1e-15), for models of small trees, several times quicker.

LightGBM explains a lead tree by tree with TreeSHAP (arXiv:1706.06060), one lead at a time, in
C++: at a million leads and 300 trees, 75 core-seconds, as much as the rest of the daily run's
scoring. A tree of at most `MAX_NODES` splits sends a lead down one of a few branch patterns (a
left or right turn at each split, its own or not), and its contributions depend on that pattern
alone. So each tree's contributions are worked out once per pattern, from the tree's dump
(exact Shapley values of the same path-dependent expectations TreeSHAP uses: every subset of the
tree's columns, the others averaged by the training counts of each branch); then each lead's
pattern is read off its columns, a comparison per split over every lead at once, and its
contributions gathered.

A split turns the way LightGBM's own prediction turns it (include/LightGBM/tree.h: a missing
value counted as zero unless the split keeps missing values apart; a category as its integer
code, a missing or negative one to the right). Pure: a booster's dump and a float matrix in,
arrays out.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

MAX_NODES = 6  # splits per tree: 64 patterns, 2**columns subsets (at most 64) each
ZERO = float(np.float32(1e-35))  # LightGBM's kZeroThreshold (a float, widened)


@dataclass(frozen=True)
class _Split:
    feature: int
    categorical: bool
    threshold: float
    categories: frozenset[int]
    missing: str  # "None", "Zero" or "NaN"
    default_left: bool

    def left(self, values: np.ndarray) -> np.ndarray:
        """Which of `values` (one column, float64) turn left here."""
        if self.categorical:
            whole = ~np.isnan(values) & (values > -1) & (values < 2.0 ** 31)
            codes = np.where(whole, values, -1).astype(np.int64)
            # a table of the codes that turn left (the last entry: any other), not np.isin:
            # eight times quicker
            left = np.zeros(max(self.categories, default=-1) + 2, dtype=bool)
            left[list(self.categories)] = True
            return left[np.where(whole & (codes < len(left)), codes, len(left) - 1)]
        if self.missing != "NaN":
            values = np.where(np.isnan(values), 0.0, values)
        turns = values <= self.threshold
        if self.missing == "Zero":
            return np.where((values >= -ZERO) & (values <= ZERO), self.default_left, turns)
        if self.missing == "NaN":
            return np.where(np.isnan(values), self.default_left, turns)
        return turns


@dataclass(frozen=True)
class _Tree:
    splits: tuple[_Split, ...]  # in the order of the pattern's bits
    features: tuple[int, ...]  # the distinct columns it splits on
    table: np.ndarray  # (len(features), 2 ** len(splits)): each column's contribution
    outputs: np.ndarray  # (2 ** len(splits),): the value of the leaf each pattern reaches
    expected: float  # its average output over the training leads (the bias it adds)


class TreeContributions:
    """The contributions of a booster's trees, for a float64 matrix of its columns (as LightGBM
    reads a frame: a category as its code, missing as NaN)."""

    def __init__(self, trees: list[_Tree], columns: int) -> None:
        self._trees = trees
        self._columns = columns

    @classmethod
    def of(cls, dump: dict[str, Any]) -> TreeContributions | None:
        """From ``booster.dump_model()``; None when a tree is too large for this method (more
        than MAX_NODES splits), or the model is not one of plain trees of one output."""
        if dump.get("num_tree_per_iteration", 1) != 1 or dump.get("average_output"):
            return None
        trees = []
        for info in dump["tree_info"]:
            if info.get("num_leaves", 1) - 1 > MAX_NODES:
                return None
            tree = _tree(info["tree_structure"])
            if tree is None:
                return None
            trees.append(tree)
        return cls(trees, dump["max_feature_idx"] + 1)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Shape (n, columns + 1), the bias last: each row adds up to its raw score."""
        return self.explained(x)[1]

    def explained(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The raw score of each row (the leaves' values added tree by tree, as LightGBM's
        predict adds them: the same float64 sums, bit for bit, where the turns are the same)
        and its contributions (`__call__`)."""
        out, raw = np.zeros((self._columns + 1, len(x))), np.zeros(len(x))
        turns: dict[_Split, np.ndarray] = {}  # many trees share a split
        bias = 0.0
        for tree in self._trees:
            bias += tree.expected  # in tree order, as LightGBM adds them
            if not tree.splits:
                raw += tree.outputs[0]
                continue
            pattern = np.zeros(len(x), dtype=np.int64)
            for bit, split in enumerate(tree.splits):
                if split not in turns:
                    turns[split] = split.left(x[:, split.feature])
                pattern |= turns[split].astype(np.int64) << bit
            raw += tree.outputs[pattern]
            for row, feature in zip(tree.table, tree.features, strict=True):
                out[feature] += row[pattern]
        out[-1] = bias
        return raw, out.T


def _tree(root: dict[str, Any]) -> _Tree | None:
    splits: list[_Split] = []
    leaves: list[tuple[int, float, int]] = []  # (leaf_index, value, count)

    def walk(node: dict[str, Any]) -> Any:
        if "leaf_index" in node:
            leaves.append((node["leaf_index"], float(node["leaf_value"]), node["leaf_count"]))
            return ("leaf", float(node["leaf_value"]))
        split = _split(node)
        splits.append(split)
        at = len(splits) - 1
        left, right = walk(node["left_child"]), walk(node["right_child"])
        return ("split", at, left, right, _count(node["left_child"]),
                _count(node["right_child"]), node["internal_count"])

    if any("leaf_const" in node for node in _nodes(root)):  # a linear tree: a leaf's output
        return None  # depends on the lead, not on its pattern alone
    if "split_index" not in root:  # one leaf: its value is the tree's output and its bias
        value = float(root["leaf_value"])
        return _Tree((), (), np.zeros((0, 1)), np.array([value]), value)
    shape = walk(root)
    if any(s is None for s in splits):
        return None
    total = float(root["internal_count"])
    expected = 0.0
    for _, value, count in sorted(leaves):  # by leaf index, as LightGBM's ExpectedValue
        expected += (count / total) * value
    features = tuple(dict.fromkeys(s.feature for s in splits))
    return _Tree(tuple(splits), features, *_table(shape, splits, features), expected)


def _split(node: dict[str, Any]) -> _Split | None:
    if node["decision_type"] == "==":
        categories = frozenset(int(c) for c in str(node["threshold"]).split("||"))
        return _Split(node["split_feature"], True, 0.0, categories,  # 0.0: equal splits equal
                      node["missing_type"], bool(node["default_left"]))
    if node["decision_type"] != "<=":
        return None
    return _Split(node["split_feature"], False, float(node["threshold"]), frozenset(),
                  node["missing_type"], bool(node["default_left"]))


def _count(node: dict[str, Any]) -> int:
    return node["leaf_count"] if "leaf_index" in node else node["internal_count"]


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in ("left_child", "right_child"):
        if child in node:
            yield from _nodes(node[child])


def _table(shape: Any, splits: list[_Split], features: tuple[int, ...]
           ) -> tuple[np.ndarray, np.ndarray]:
    """Each feature's Shapley value for each pattern of turns (bit k: left at split k), and the
    value of the leaf each pattern reaches (the tree's output with every feature known)."""
    patterns = np.arange(2 ** len(splits))
    lefts = [(patterns >> k) & 1 == 1 for k in range(len(splits))]

    def value(node: Any, known: frozenset[int]) -> np.ndarray:
        if node[0] == "leaf":
            return np.full(len(patterns), node[1])
        _, at, left, right, left_count, right_count, count = node
        if splits[at].feature in known:
            return np.where(lefts[at], value(left, known), value(right, known))
        return (left_count * value(left, known) + right_count * value(right, known)) / count

    n = len(features)
    values = {known: value(shape, frozenset(known))
              for size in range(n + 1) for known in combinations(features, size)}
    table = np.zeros((n, len(patterns)))
    for i, feature in enumerate(features):
        others = [f for f in features if f != feature]
        for size in range(n):
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for known in combinations(others, size):
                with_it = tuple(f for f in features if f in known or f == feature)
                table[i] += weight * (values[with_it] - values[known])
    return table, values[features]


def lightgbm_matrix(x: pd.DataFrame, categories: list[list] | None) -> np.ndarray:
    """`x` as the float64 matrix LightGBM predicts from (lightgbm.basic._data_from_pandas): each
    category column as its code among the training's `categories` (booster.pandas_categorical;
    NaN where unknown), every column cast to the common float type (float32 where all are)."""
    x = x.copy(deep=False)
    kinds = [c for c in x.columns if isinstance(x[c].dtype, pd.CategoricalDtype)]
    for column, known in zip(kinds, categories or [], strict=False):
        if list(x[column].cat.categories) != list(known):
            x[column] = x[column].cat.set_categories(known)
    for column in kinds:
        codes = x[column].cat.codes
        x[column] = codes.where(codes != -1, np.nan).astype(np.float64)
    common = np.result_type(*[dtype.type for dtype in x.dtypes], np.float32)
    return x.to_numpy(dtype=common).astype(np.float64, copy=False)
