"""Versioned model files on disk: data/models/<version>/model.txt plus card.json."""

from __future__ import annotations

import hashlib
import json
import platform
from datetime import datetime
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import lightgbm as lgb

from flows.errors import LeadpilotError
from scoring.calibration import Calibrator
from scoring.frequency import FrequencyModel
from scoring.learner import PARTS
from scoring.linear import LinearModel
from scoring.model import Model

LIBRARIES = ("lightgbm", "pandas", "numpy", "duckdb", "scikit-learn", "prefect")


def save(model: Model, card: dict[str, Any], models_dir: Path, trained_at: datetime) -> Path:
    """Write the model and its card; the version is the training time plus a content hash."""
    text = model.booster.model_to_string()
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    version = f"{trained_at:%Y%m%dT%H%M%S}-{digest}"
    folder = models_dir / version
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "model.txt").write_text(text, encoding="utf-8")
    full_card = {
        "version": version,
        "trained_at": trained_at.isoformat(timespec="seconds"),
        **card,
        "calibration": model.calibration.to_dict(),
        "columns": list(model.columns),
        "blend": dict(zip(PARTS, model.weights, strict=True)),
        "linear": model.linear.to_dict() if model.linear is not None else None,
        "frequency": model.frequency.to_dict() if model.frequency is not None else None,
        "libraries": {name: package_version(name) for name in LIBRARIES},
        "python": platform.python_version(),
    }
    (folder / "card.json").write_text(json.dumps(full_card, indent=2, default=str) + "\n",
                                      encoding="utf-8")
    return folder


def latest(models_dir: Path) -> Path | None:
    """The newest model folder, or None when no model was trained yet."""
    folders = sorted(p for p in models_dir.glob("*") if (p / "card.json").exists())
    return folders[-1] if folders else None


def require_latest(models_dir: Path) -> Path:
    """The newest model folder; a clear error when there is none."""
    folder = latest(models_dir)
    if folder is None:
        raise LeadpilotError("No model has been trained yet: run `leadpilot train` first.")
    return folder


def load(folder: Path | None) -> Model:
    """Load a saved model and its card."""
    if folder is None:
        raise LeadpilotError("No model has been trained yet: run `leadpilot train` first.")
    card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
    return from_text((folder / "model.txt").read_text(encoding="utf-8"), card)


def from_text(model_text: str, card: dict[str, Any]) -> Model:
    """Rebuild a model from its booster text and its card (as the registry stores them)."""
    booster = lgb.Booster(model_str=model_text)
    columns = tuple(card.get("columns") or booster.feature_name())
    blend = card.get("blend") or {"trees": 1.0}
    linear = LinearModel.from_dict(card["linear"]) if card.get("linear") else None
    frequency = FrequencyModel.from_dict(card["frequency"]) if card.get("frequency") else None
    return Model(booster, Calibrator.from_dict(card["calibration"]), card, columns, linear,
                 tuple(float(blend.get(part, 0.0)) for part in PARTS), frequency)
