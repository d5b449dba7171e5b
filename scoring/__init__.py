"""Pure: model, grades, reasons, talking points, pricing and the sheet; no I/O, no clock."""

from scoring.grades import GRADES, GradeBands, grade
from scoring.learner import Recipe, fit, train_and_judge
from scoring.model import Model, metrics
from scoring.pricing import PriceBook, Quote, quote, quote_leads
from scoring.reasons import explain, language_for
from scoring.sheet import SHEET_COLUMNS, build_sheet, neutralise, rank_leads
from scoring.talking_points import suggest

__all__ = [
    "GRADES", "SHEET_COLUMNS", "GradeBands", "Model", "PriceBook", "Quote", "build_sheet",
    "explain", "grade", "language_for", "metrics", "neutralise", "quote", "quote_leads",
    "rank_leads", "suggest", "fit", "train_and_judge", "Recipe",
]
