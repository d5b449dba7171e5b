"""Score movement: how much a lead's score moved since its last run, and the main cause.

Pure. The cause is the feature whose contribution moved most in the direction of the change:
model log-odds for a model score, rule points for the rules score. Example: "▲ +12: Pricing
page views in 7 days 0 → 2".
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

STEADY = "±0"
NEW = "new"


def _shown(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if isinstance(value, str):
        return value
    number = float(value)
    return str(int(round(number))) if abs(number - round(number)) < 0.05 else f"{number:.1f}"


def _shown_all(found) -> np.ndarray:
    """_shown of each of `found`: numbers by NumPy (a whole number's text made once per
    value, one decimal by str.format), other values once per distinct value (a country)."""
    if isinstance(found, np.ndarray) and found.dtype.kind in "biuf":
        number = found.astype(float)
        whole = np.round(number)
        if (np.abs(whole[~np.isnan(whole)]) < 2.0**53).all():  # exact as int64 (no inf)
            return _shown_numbers(number, whole)
    if not isinstance(found, np.ndarray):  # a list (values read from each lead's dict)
        found = _objects(pd.Series(found, dtype=object))
    codes, distinct = pd.factorize(found.astype(object, copy=False))
    return np.array([*map(_shown, distinct), _shown(None)], dtype=object)[codes]


def _shown_numbers(number: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """_shown of floats (NaN for none), `whole` their rounding (half to even, as round())."""
    out = np.full(len(number), _shown(None), dtype=object)
    near = np.abs(number - whole) < 0.05  # False for NaN
    tenths = ~near & ~np.isnan(number)
    codes, distinct = pd.factorize(whole[near].astype(np.int64))
    out[near] = np.array([str(n) for n in distinct.tolist()], dtype=object)[codes]
    out[tenths] = list(map("{:.1f}".format, number[tenths].tolist()))
    return out


def _cells(column: pd.Series) -> np.ndarray:
    """A column's values: NumPy's numbers where it holds numbers, else Python objects."""
    found = column.to_numpy()
    return found if found.dtype.kind in "biuf" else _objects(column)


def _labelled(labels: Mapping[str, Mapping[str, str]], feature: str,
              langs: np.ndarray) -> np.ndarray:
    """The label of `feature` a rep reads, per lead's language (English's when its language
    has none)."""
    codes, distinct = pd.factorize(langs)
    named = [labels.get(lang, labels["en"]).get(feature, feature) for lang in distinct]
    return np.array([*named, labels["en"].get(feature, feature)], dtype=object)[codes]


def _with_cause(heads: np.ndarray, label: np.ndarray, old: np.ndarray,
                new: np.ndarray) -> np.ndarray:
    """"<head>: <label> <old> → <new>", or "<head>: <label>" where the value did not change:
    joined element-wise by NumPy (object arrays of str), not one f-string per lead."""
    tail = np.where(old != new, " " + old + " → " + new, "")
    return heads + ": " + label + tail


def describe(today: pd.DataFrame, before: pd.DataFrame,
             labels: Mapping[str, Mapping[str, str]], languages: pd.Series,
             values: pd.DataFrame | None = None,
             contributions: pd.DataFrame | None = None,
             before_values: pd.DataFrame | None = None,
             before_contributions: pd.DataFrame | None = None) -> pd.Series:
    """One short text per lead of `today`: "▲ +12: <feature> <before> → <now>", "±0" or "new".

    Args:
        today, before: indexed by lead_id, with `win_probability` (0-1), `scored_by`,
            `contributions` (feature -> log-odds or points) and `values` (feature -> value),
            each a dict or its JSON text (parsed only for the leads whose score moved).
        labels: language -> feature -> label a rep reads.
        languages: "en" or "fr" per lead of `today` (same index).
        values, contributions: today's values and contributions as columns (same index as
            `today`; 0 for a contribution the lead has not), read in place of
            `today["values"]` and `today["contributions"]` when given.
        before_values: the earlier values as columns (indexed by lead_id like `before`), read
            in place of `before["values"]` when given: only the moved leads' cells are read.
        before_contributions: the earlier contributions as columns (`contribution_columns`,
            indexed like `before`), read in place of `before["contributions"]` when given.
    """
    where = _positions(before.index, today.index)
    mine = np.flatnonzero(where >= 0)  # today's leads seen before, in today's order
    out = np.full(len(today), NEW, dtype=object)
    if not len(mine):
        return pd.Series(out, index=today.index, dtype=object)
    at = where[mine]  # where they stand in `before`: every frame is taken by position
    now, then = today.iloc[mine], before.iloc[at]
    diff = (now["win_probability"].to_numpy(dtype=float)
            - then["win_probability"].to_numpy(dtype=float)) * 100
    for bad in diff[~np.isfinite(diff)][:1]:
        int(round(float(bad)))  # raises as a lead with no probability always did
    change = np.rint(diff).astype(np.int64)
    heads = {c: f"{'▲' if c > 0 else '▼'} {c:+d}" for c in np.unique(change).tolist()}
    # an arrow first: a cell that starts with + or - would be quoted as a possible formula
    texts = np.array([STEADY if c == 0 else heads[c] for c in change.tolist()], dtype=object)
    now_by, then_by = _objects(now["scored_by"]), _objects(then["scored_by"])
    switched = (change != 0) & (now_by != then_by)
    texts[switched] = [f"{head}: now {a} (was {b})" for head, a, b in zip(
        texts[switched], now_by[switched], then_by[switched], strict=True)]
    rows = np.flatnonzero((change != 0) & ~switched)
    causes = _causes(_of_rows(now, _like(contributions, today.index), mine[rows], rows),
                     _of_rows(then, _like(before_contributions, before.index), at[rows], rows),
                     np.where(change[rows] > 0, 1, -1))
    langs = _like(languages, today.index).to_numpy(dtype=object)[mine]
    earlier = _earlier(then, _like(before_values, before.index), at)
    today_values = _objects(now["values"]) if values is None else _like(values, today.index)
    causes = np.asarray(causes, dtype=object)
    for feature in {cause for cause in causes if cause is not None}:
        picked = rows[causes == feature]
        shown_now = (_cells(today_values[feature])[mine[picked]] if values is not None
                     else [_parsed(v).get(feature) for v in today_values[picked]])
        texts[picked] = _with_cause(texts[picked], _labelled(labels, feature, langs[picked]),
                                    _shown_all(earlier(feature, picked)),
                                    _shown_all(shown_now))
    out[mine] = texts
    return pd.Series(out, index=today.index, dtype=object)


def _positions(before: pd.Index, today: pd.Index) -> np.ndarray:
    """Where each lead of `today` stands in `before` (-1 where it is not; the first place of
    a lead `before` holds twice), by one pass of Arrow's hash table. Each label lookup this
    replaces (the intersection, .loc and reindex of each frame) made a hash pass of its own
    over the chunk's text ids: the movement of a million leads took 3.8-4.0 s, now 2.9-3.5 s.

    >>> _positions(pd.Index(["L2", "L3"]), pd.Index(["L1", "L3", "L2"])).tolist()
    [-1, 1, 0]
    """
    text = pa.large_string()
    found = pc.index_in(pa.array(today, from_pandas=True).cast(text),
                        value_set=pa.array(before, from_pandas=True).cast(text))
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def _like(frame: pd.DataFrame | pd.Series | None, index: pd.Index
          ) -> pd.DataFrame | pd.Series | None:
    """`frame` in the order of `index` (as it comes when it is: the score step's are)."""
    if frame is None or frame.index.equals(index):
        return frame
    return frame.reindex(index)


def _of_rows(scores: pd.DataFrame, columns: pd.DataFrame | None, places: np.ndarray,
             rows: np.ndarray) -> list[Mapping] | pd.DataFrame:
    """The contributions of `rows` of `scores`: the rows at `places` of their columns when
    given, else each one's dict (its JSON text parsed)."""
    return _dicts(scores["contributions"], rows) if columns is None else columns.iloc[places]


def _earlier(then: pd.DataFrame, columns: pd.DataFrame | None, places: np.ndarray):
    """(feature, rows) -> the earlier values of those rows of `then`: from the rows at
    `places` of `columns` when given (NaN for a lead it lacks), else parsed from each row's
    `values`."""
    if columns is None:
        dicts = _objects(then["values"])
        return lambda feature, rows: [_parsed(v).get(feature) for v in dicts[rows]]
    return lambda feature, rows: (_cells(columns[feature])[places[rows]]
                                  if feature in columns else [None] * len(rows))


def _causes(today: list[Mapping] | pd.DataFrame, before: list[Mapping] | pd.DataFrame,
            signs: np.ndarray) -> list[str | None]:
    """Per lead, the feature whose contribution moved most in the direction `signs` (else the
    one that moved most), or None when nothing moved: one matrix over every feature named (a
    feature a lead lacks moves by 0, so it never changes that lead's pick)."""
    names = sorted({*_named(today), *_named(before)})
    if not names:
        return [None] * len(today)
    moves = _matrix(today, names) - _matrix(before, names)
    aligned = np.where(np.sign(moves) == signs[:, None], np.abs(moves), -1.0)
    pick = np.where(aligned.max(axis=1) > 0, np.argmax(aligned, axis=1),
                    np.argmax(np.abs(moves), axis=1))
    moved = np.any(np.abs(moves) > 1e-9, axis=1)
    return [names[j] if m else None for j, m in zip(pick.tolist(), moved.tolist(), strict=True)]


def _named(found: list[Mapping] | pd.DataFrame):
    return found.columns if isinstance(found, pd.DataFrame) else (
        name for each in found for name in each)


def _matrix(found: list[Mapping] | pd.DataFrame, names: list[str]) -> np.ndarray:
    if isinstance(found, pd.DataFrame):
        return found.reindex(columns=names, fill_value=0.0).fillna(0.0).to_numpy(dtype=float)
    return _dense(found, names)


def contribution_columns(names: pd.Series, values: pd.Series) -> pd.DataFrame:
    """Each lead's contributions as columns (0.0 where it has none), from two lists per lead
    in the same order, feature names and values (as the scores table keeps them, migration
    023; a missing list is none): no dict made per lead. Indexed like `names`.

    >>> import pyarrow as pa
    >>> lists = lambda rows, kind: pd.Series(pd.arrays.ArrowExtensionArray(pa.array(
    ...     rows, pa.list_(kind))))
    >>> contribution_columns(lists([["a", "b"], None, ["b"]], pa.string()),
    ...                      lists([[0.5, -1.0], None, [2.0]], pa.float64())).to_dict("list")
    {'a': [0.5, 0.0, 0.0], 'b': [-1.0, 0.0, 2.0]}
    """
    keys, numbers = (pa.chunked_array(pa.array(column, from_pandas=True)).combine_chunks()
                     for column in (names, values))
    if pa.types.is_null(keys.type):  # no list at all (an empty or all-missing object column)
        return pd.DataFrame(index=names.index)
    counts = pc.fill_null(pc.list_value_length(keys), 0).to_numpy(zero_copy_only=False)
    coded = pc.list_flatten(keys).dictionary_encode()  # numbered by Arrow: no str per name
    matrix = np.zeros((len(keys), len(coded.dictionary)))
    matrix[np.repeat(np.arange(len(keys)), counts),
           coded.indices.to_numpy(zero_copy_only=False)] = pc.list_flatten(numbers).to_numpy(
        zero_copy_only=False)
    return pd.DataFrame(matrix, index=names.index, columns=coded.dictionary.to_pylist())


def _dense(found: list[Mapping], names: list[str]) -> np.ndarray:
    """The contributions as a matrix over `names`, 0.0 where a lead has none."""
    matrix = np.zeros((len(found), len(names)))
    lengths = np.fromiter(map(len, found), dtype=np.int64, count=len(found))
    rows = np.repeat(np.arange(len(found)), lengths)
    columns = pd.Index(names).get_indexer([name for each in found for name in each])
    matrix[rows, columns] = [float(value) for each in found for value in each.values()]
    return matrix


def _dicts(column: pd.Series, rows: np.ndarray) -> list[Mapping]:
    return [_parsed(found) for found in column.iloc[rows]]


def _parsed(found: object) -> Mapping:
    """A dict as it is, its JSON text parsed; {} for anything else (None, NaN, "null")."""
    if isinstance(found, str):
        found = json.loads(found)
    return found if isinstance(found, Mapping) and found else {}


def _objects(column: pd.Series) -> np.ndarray:
    return column.to_numpy(dtype=object)
