"""Pure: model, grades, reasons, talking points, pricing and the sheet; no I/O, no clock.

The public names below are loaded on first use (PEP 562), so `import scoring` stays light:
LightGBM and scikit-learn load only when a model name such as `scoring.Model` is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from features.exports import lazy_exports

__all__ = [
    "GRADES", "SHEET_COLUMNS", "GradeBands", "Model", "PriceBook", "Quote", "build_sheet",
    "explain", "grade", "language_for", "metrics", "neutralise", "quote", "quote_leads",
    "rank_leads", "suggest", "fit", "train_and_judge", "Recipe",
    # one pure step from open leads to graded, explained scores with their movement
    "Scorer", "Thresholds", "choose_scorer", "score_leads",
    # accounts in priority order, and the day's lists filled up to each rep's capacity
    "rank_accounts", "fill_lists",
]

_HOME = {  # public name -> the module that defines it
    **dict.fromkeys(("GRADES", "GradeBands", "grade"), "grades"),
    **dict.fromkeys(("Recipe", "fit", "train_and_judge"), "learner"),
    **dict.fromkeys(("Model", "metrics"), "model"),
    **dict.fromkeys(("PriceBook", "Quote", "quote", "quote_leads"), "pricing"),
    **dict.fromkeys(("explain", "language_for"), "reasons"),
    **dict.fromkeys(("SHEET_COLUMNS", "build_sheet", "neutralise", "rank_leads"), "sheet"),
    "suggest": "talking_points",
    "rank_accounts": "accounts",
    "fill_lists": "workload",
    **dict.fromkeys(("Scorer", "Thresholds", "choose_scorer", "score_leads"), "scorer"),
}

__getattr__, __dir__ = lazy_exports(__name__, _HOME, globals())


if TYPE_CHECKING:  # what type checkers and IDEs see
    from scoring.accounts import rank_accounts
    from scoring.grades import GRADES, GradeBands, grade
    from scoring.learner import Recipe, fit, train_and_judge
    from scoring.model import Model, metrics
    from scoring.pricing import PriceBook, Quote, quote, quote_leads
    from scoring.reasons import explain, language_for
    from scoring.scorer import Scorer, Thresholds, choose_scorer, score_leads
    from scoring.sheet import SHEET_COLUMNS, build_sheet, neutralise, rank_leads
    from scoring.talking_points import suggest
    from scoring.workload import fill_lists
