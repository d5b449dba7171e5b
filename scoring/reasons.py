"""Why a lead scores high or low: its strongest model contributions, phrased for a sales rep.

Pure: the phrases arrive as parsed data (``data/reasons.yaml``); nothing here reads a file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import pandas as pd
from jinja2 import StrictUndefined, Template, TemplateError, meta
from jinja2.sandbox import SandboxedEnvironment

from features.columns import FEATURE_NAMES, FEATURES, NUMERIC
from features.countries import country_code
from scoring.distinct import text_lists

LANGUAGES: tuple[str, ...] = ("en", "fr")
FRENCH_COUNTRIES: frozenset[str] = frozenset({"FR", "BE", "CH"})
MIN_CONTRIBUTION = 0.01  # smaller contributions are noise, never a reason
ROUNDED: frozenset[str] = frozenset({"days_since_last_event", "company_age_years"})
PERCENT: frozenset[str] = frozenset({"completeness"})  # a 0-1 share, shown as "75%"
SIGNS: tuple[str, ...] = ("positive", "negative")
MISSING = "missing"  # key of the `values:` phrase used when a feature value is empty
UNKNOWN = "unknown"  # a value that says nothing either: like an empty one, never a reason

_BLOCK_KEYS = frozenset({"label", "positive", "negative", "values", "names"})
_VARIABLES = frozenset({"value", "label"})
_NO_DATA = {"en": "{label}: no data", "fr": "{label} : pas de donnée"}
_LABELS = {feature.name: feature.label for feature in FEATURES}
_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
_ENV.globals.clear()  # phrases see `value` and `label`, nothing else


def language_for(country: str | None, override: str | None = None) -> str:
    """Pick the language of a lead's texts: French for FR, BE and CH, English elsewhere.

    Args:
        country: the lead's country as the CRM wrote it: a code (any case) or a name in
            English or French ("Belgique"); None or NaN if unknown.
        override: the language setting; when set, it wins over the country.

    Returns:
        "fr" or "en".

    Raises:
        ValueError: if the override is not a supported language.

    Example:
        >>> language_for("be"), language_for("Suisse"), language_for("DE")
        ('fr', 'fr', 'en')
        >>> language_for("FR", override="en")
        'en'
    """
    if isinstance(override, str) and override.strip():
        language = override.strip().lower()
        if language not in LANGUAGES:
            raise ValueError(f"language {override!r} is not supported: use one of {LANGUAGES}")
        return language
    return "fr" if country_code(country) in FRENCH_COUNTRIES else "en"


def languages_for(countries: pd.Series, override: str | None = None) -> pd.Series:
    """`language_for` of each lead's country, with the index of `countries`.

    >>> languages_for(pd.Series(["Belgique", None, "US"])).tolist()
    ['fr', 'en', 'en']
    """
    if countries.empty:
        return countries.map(lambda country: language_for(country, override))
    codes, distinct = pd.factorize(countries, use_na_sentinel=False)  # once per country
    chosen = np.asarray([language_for(country, override) for country in distinct], dtype=object)
    return pd.Series(chosen[codes].tolist(), index=countries.index, name=countries.name)


def validate_languages(languages: pd.Series, index: pd.Index) -> np.ndarray:
    """Return the languages as an array aligned with `index`, or raise ValueError."""
    if not languages.index.equals(index):
        raise ValueError("languages must have the same index as the leads, in the same order")
    unknown = sorted(set(languages.dropna().unique()) - set(LANGUAGES), key=str)
    if unknown or languages.isna().any():
        raise ValueError(f"languages must be one of {LANGUAGES}; found {unknown or 'empty values'}")
    return languages.to_numpy(dtype=object)


def check_phrases(phrases: Mapping) -> list[str]:
    """List what is wrong with the reason phrases (as loaded from ``data/reasons.yaml``).

    Every model feature needs, in every language, a `positive` and a `negative` template that
    compiles and uses only `value` and `label`; non-English blocks also need their `label`.

    Returns:
        One readable problem per line, naming the feature, language and key; empty when fine.
    """
    if not isinstance(phrases, Mapping):
        return ["the phrases must be a mapping of feature name to languages"]
    problems = [f"{name}: not a model feature" for name in phrases if name not in FEATURE_NAMES]
    for name in FEATURE_NAMES:
        feature = phrases.get(name)
        if not isinstance(feature, Mapping):
            problems.append(f"{name}: no phrases")
            continue
        problems += [f"{name}.{lang}: unknown language" for lang in feature
                     if lang not in LANGUAGES]
        for lang in LANGUAGES:
            problems += _check_block(f"{name}.{lang}", feature.get(lang), lang)
    return problems


def explain(
    contributions: np.ndarray,
    features: pd.DataFrame,
    phrases: dict,
    languages: pd.Series,
    n_positive: int = 3,
    n_negative: int = 2,
) -> pd.DataFrame:
    """Phrase each lead's strongest positive and negative contributions in its language.

    Args:
        contributions: LightGBM ``pred_contrib=True`` output, shape (n_leads, len(FEATURES) + 1):
            columns in FEATURES order, the bias last (never a reason).
        features: one row per lead with every FEATURES column (the values the model saw).
        phrases: parsed ``data/reasons.yaml``.
        languages: "en" or "fr" per lead, same index as `features` (see `language_for`).
        n_positive: at most this many reasons that raise the score, strongest first.
        n_negative: at most this many reasons that lower the score, most negative first.

    Returns:
        A DataFrame with the index of `features` and list[str] columns `reasons_positive` and
        `reasons_negative` (Arrow lists: an element reads as a Python list). Contributions
        below MIN_CONTRIBUTION in absolute value are ignored, and so are those of an empty or
        "unknown" value: "company age unknown" tells a rep nothing to act on, so it is never a
        reason, up or down; the next strongest is shown.

    Raises:
        ValueError: on a shape mismatch, a missing feature column, misaligned or unsupported
            languages, or phrases that fail `check_phrases`.
    """
    problems = check_phrases(phrases)
    if problems:
        raise ValueError("reason phrases have problems: " + "; ".join(problems))
    expected = (len(features), len(FEATURE_NAMES) + 1)
    if np.shape(contributions) != expected:
        raise ValueError(f"contributions have shape {np.shape(contributions)}, expected {expected}")
    absent = [name for name in FEATURE_NAMES if name not in features.columns]
    if absent:
        raise ValueError(f"features lack the columns {absent}")
    langs = validate_languages(languages, features.index)
    codes, distinct, unknown = _distinct_values(features)
    scores = np.where(unknown, 0.0, np.nan_to_num(np.asarray(contributions, dtype=float)[:, :-1]))
    phrase = _Phraser(phrases)
    lang_codes, lang_names = pd.factorize(langs)
    keys = (lang_codes, lang_names, codes, distinct)
    return pd.DataFrame(
        {
            "reasons_positive": _phrased(phrase, scores, n_positive, "positive", *keys),
            "reasons_negative": _phrased(phrase, -scores, n_negative, "negative", *keys),
        },
        index=features.index,
    )


def _phrased(phrase: _Phraser, scores: np.ndarray, n: int, sign: str, lang_codes: np.ndarray,
             lang_names: pd.Index, codes: np.ndarray, distinct_values: list[list]
             ) -> pd.api.extensions.ExtensionArray:
    """Each lead's n strongest reasons of one sign, each phrase rendered once per distinct
    (language, feature, value); a value is formatted only when some lead shows it. An Arrow
    list column (an element reads as a Python list), made of the kept phrases in a few array
    operations: a Python list per lead cost more than the rest of the reasons."""
    order, keep = _strongest(scores, n)  # strongest first, so the kept ones come first
    width = codes.max(initial=0) + 1
    keys = (lang_codes[:, None] * len(FEATURE_NAMES) + order) * width + np.take_along_axis(
        codes, order, axis=1)
    which, distinct = pd.factorize(keys[keep])  # the kept, row after row (hashed: no sort)
    lang, rest = np.divmod(distinct, len(FEATURE_NAMES) * width)
    texts = [phrase.text(lang_names[la], FEATURE_NAMES[j], sign,
                         phrase.value(j, v, distinct_values))
             for la, j, v in zip(lang.tolist(), *np.divmod(rest, width), strict=True)]
    # a row keeps its first reasons (its scores are sorted): its list is its kept ones in order
    lists = text_lists(keep.sum(axis=1), which.reshape(-1), texts)
    return pd.arrays.ArrowExtensionArray(lists)


def _distinct_values(features: pd.DataFrame) -> tuple[np.ndarray, list[list], np.ndarray]:
    """Each feature value as a code, once per feature and distinct value: the codes
    (n_leads, n_features), the raw value per feature and code (None when empty; formatted by
    `_format_value` for the reasons shown), and where a value is empty or "unknown" (never a
    reason)."""
    codes = np.empty((len(features), len(FEATURE_NAMES)), dtype=np.int64)
    unknown = np.empty(codes.shape, dtype=bool)
    values = []
    for j, name in enumerate(FEATURE_NAMES):
        raw, distinct = pd.factorize(features[name])
        numeric = pd.api.types.is_numeric_dtype(distinct.dtype)
        empty = _unknown_numbers(distinct) if numeric else None
        distinct = distinct.tolist()
        empty = np.append(_unknown(distinct) if empty is None else empty, True)
        distinct.append(None)
        codes[:, j] = np.where(raw < 0, len(distinct) - 1, raw)  # empty values: the last code
        unknown[:, j] = empty[codes[:, j]]
        values.append(distinct)
    return codes, values, unknown


def _unknown_numbers(values: pd.Index) -> np.ndarray:
    """`_unknown` of numbers: only a missing one (no number prints as blank or "unknown")."""
    return np.asarray(pd.isna(values), dtype=bool)


def _unknown(values: list) -> np.ndarray:
    """True where a value is empty (None, NaN, blank) or the word "unknown". A loop over a
    feature's distinct values (a few dozen), not pandas calls: at a million leads, pandas'
    per-call cost over such small frames was 1.1 s of the score step.

    >>> _unknown(["", " Unknown ", None, float("nan"), "SaaS", 0]).tolist()
    [True, True, True, True, False, False]
    """
    return np.fromiter((pd.isna(value) is True or str(value).strip().lower() in ("", UNKNOWN)
                        for value in values), dtype=bool, count=len(values))


def _strongest(scores: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Column indices of the n largest scores per row, and which of them pass the threshold."""
    if n < 0:
        raise ValueError(f"the number of reasons must be >= 0, got {n}")
    order = np.empty((len(scores), min(n, scores.shape[1])), dtype=np.intp)
    left, rows = np.array(scores, dtype=float), np.arange(len(scores))
    for k in range(order.shape[1]):  # n passes of argmax, not a sort of every row: the first
        order[:, k] = np.argmax(left, axis=1)  # of equal scores, as a stable sort gives
        left[rows, order[:, k]] = -np.inf
    keep = np.take_along_axis(scores, order, axis=1) >= MIN_CONTRIBUTION
    return order, keep


def _format_value(name: str, raw: object) -> str | None:
    """A feature value as a rep reads it: "4" not "4.0", days rounded, "75%"; None when empty."""
    if raw is None or (not isinstance(raw, str) and pd.isna(raw)):
        return None
    if isinstance(raw, str):
        return raw.strip() or None
    number = float(raw)
    if name in PERCENT:
        return f"{math.floor(number * 100 + 0.5)}%"
    if name in ROUNDED:
        number = float(math.floor(number + 0.5))
    if number.is_integer():
        return str(int(number))
    return f"{number:.2f}".rstrip("0").rstrip(".")


class _Phraser:
    """Renders one (language, feature, sign, value) once, however many leads share it."""

    def __init__(self, phrases: Mapping) -> None:
        self._phrases = phrases
        self._done: dict[tuple[str, str, str, str | None], str] = {}
        self._values: dict[tuple[int, int], str | None] = {}

    def value(self, feature: int, code: int, distinct_values: list[list]) -> str | None:
        """The value of FEATURES[feature] with that code as a rep reads it, formatted once."""
        if (feature, code) not in self._values:
            self._values[feature, code] = _format_value(FEATURE_NAMES[feature],
                                                        distinct_values[feature][code])
        return self._values[feature, code]

    def text(self, lang: str, name: str, sign: str, value: str | None) -> str:
        """The phrase of a value already formatted by `_format_value`."""
        key = (lang, name, sign, value)
        if key not in self._done:
            self._done[key] = self._render(*key)
        return self._done[key]

    def _render(self, lang: str, name: str, sign: str, value: str | None) -> str:
        block = self._phrases[name][lang]
        label = block.get("label") or _LABELS[name]
        source = _pick(block, sign, value)
        if source is None:
            return _NO_DATA[lang].format(label=label)
        shown = (block.get("names") or {}).get(value, value)  # "software" -> "logiciel"
        if value is not None and lang == "fr" and name in NUMERIC:
            shown = value.replace(".", ",").replace("%", " %")
        return " ".join(_compile(source).render(value=shown, label=label).split())


def _pick(block: Mapping, sign: str, value: str | None) -> str | None:
    """The template for a value: its `values:` entry, else the sign's; None for an unphrased gap."""
    overrides = {str(key): entry for key, entry in (block.get("values") or {}).items()}
    entry = overrides.get(MISSING if value is None else value)
    if isinstance(entry, str):
        return entry
    if isinstance(entry, Mapping) and entry.get(sign):
        return entry[sign]
    return None if value is None else block[sign]


@lru_cache(maxsize=2048)
def _compile(source: str) -> Template:
    return _ENV.from_string(source)


@lru_cache(maxsize=2048)
def _variables(source: str) -> frozenset[str]:
    """The variables a template reads; TemplateError when it does not compile. Cached: the
    phrases are checked again for each chunk of leads (at a million, 20 chunks of 216
    templates parsed twice each took 0.7 s)."""
    _compile(source)
    return frozenset(meta.find_undeclared_variables(_ENV.parse(source)))


def _check_block(where: str, block: object, lang: str) -> list[str]:
    if not isinstance(block, Mapping):
        return [f"{where}: missing"]
    problems = [f"{where}.{key}: unknown key" for key in block if key not in _BLOCK_KEYS]
    if lang != "en" and not isinstance(block.get("label"), str):
        problems.append(f"{where}.label: missing")
    templates = {sign: block.get(sign) for sign in SIGNS}
    names = block.get("names") or {}
    if not isinstance(names, Mapping) or not all(isinstance(n, str) for n in names.values()):
        problems.append(f"{where}.names: must map a value to the words shown for it")
    values = block.get("values") or {}
    if not isinstance(values, Mapping):
        return [*problems, f"{where}.values: must map a value to a phrase"]
    for value, entry in values.items():
        if isinstance(entry, Mapping):
            problems += [f"{where}.values.{value}.{key}: unknown key" for key in entry
                         if key not in SIGNS]
            templates.update({f"values.{value}.{sign}": entry[sign] for sign in entry
                              if sign in SIGNS})
        else:
            templates[f"values.{value}"] = entry
    for key, source in templates.items():
        problems += _check_template(f"{where}.{key}", source)
    return problems


def _check_template(where: str, source: object) -> list[str]:
    if not isinstance(source, str) or not source.strip():
        return [f"{where}: missing"]
    try:
        names = _variables(source)
    except TemplateError as error:
        return [f"{where}: does not compile: {error}"]
    unknown = sorted(names - _VARIABLES - set(_ENV.globals))
    return [f"{where}: unknown variable {name!r} (use value, label)" for name in unknown]
