"""Versioned model files on disk: data/models/<version>/model.txt plus card.json."""

from __future__ import annotations

import hashlib
import json
import platform
import re
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


_VERSION = re.compile(r"\d{8}T\d{6}-(?P<digest>[0-9a-f]{8})")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def save(model: Model, card: dict[str, Any], models_dir: Path, trained_at: datetime) -> Path:
    """Write the model and its card; the version is the training time plus a content hash."""
    text = model.booster.model_to_string()
    version = f"{trained_at:%Y%m%dT%H%M%S}-{_digest(text)}"
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
    try:
        card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
        text = (folder / "model.txt").read_text(encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise damaged(folder.name, folder) from exc
    return from_text(text, card, folder)


def damaged(version: str, where: Path | str) -> LeadpilotError:
    """The one sentence for a model whose stored text or card was damaged."""
    return LeadpilotError(f"The model {version} stored in {where} is damaged; restore {where} "
                          "from a backup, or retrain with `leadpilot train`.")


def check_intact(model_text: str, card: dict[str, Any], where: Path | str) -> None:
    """Refuse a model text that is not the one saved: its version ends with the text's checksum.

    LightGBM aborts the whole process (SIGABRT) on some damaged texts and silently loads a
    truncated one, so nothing reaches it unchecked.
    """
    version = str(card.get("version", "?"))
    shape = _VERSION.fullmatch(version)
    intact = (shape.group("digest") == _digest(model_text) if shape else
              model_text.startswith("tree\n") and "end of trees" in model_text)
    if not intact:
        raise damaged(version, where)


def from_text(model_text: str, card: dict[str, Any], where: Path | str) -> Model:
    """Rebuild a model from its booster text and its card (as the registry stores them);
    `where` (the warehouse or the folder) names the file in the error when it is damaged."""
    check_intact(model_text, card, where)
    try:
        booster = lgb.Booster(model_str=model_text)
    except lgb.basic.LightGBMError as exc:
        raise damaged(str(card.get("version", "?")), where) from exc
    columns = tuple(card.get("columns") or booster.feature_name())
    blend = card.get("blend") or {"trees": 1.0}
    linear = LinearModel.from_dict(card["linear"]) if card.get("linear") else None
    frequency = FrequencyModel.from_dict(card["frequency"]) if card.get("frequency") else None
    return Model(booster, Calibrator.from_dict(card["calibration"]), card, columns, linear,
                 tuple(float(blend.get(part, 0.0)) for part in PARTS), frequency)
