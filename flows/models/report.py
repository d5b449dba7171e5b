"""The HTML report of `leadpilot evaluate`: figures, reliability table and four plots
(calibration curve, cumulative gains, feature importance, score distribution) as inline SVG, so
the report is one file that opens anywhere, offline."""

from __future__ import annotations

import html
import io
from pathlib import Path

import numpy as np

from flows.models.evaluation import Evaluation

_STYLE = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}"
          "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
          "padding:4px 10px;text-align:right}.plots{display:grid;grid-template-columns:1fr 1fr;"
          "gap:1em}figure{margin:0}figcaption{font-weight:600}")


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _plots(evaluation: Evaluation) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    plots = {}
    table = evaluation.reliability
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot([0, 1], [0, 1], ls="--", color="grey", label="perfect")
    ax.plot(table["predicted"], table["observed"], marker="o", label="leadpilot")
    ax.set(xlabel="predicted win probability", ylabel="observed win rate", title="Calibration")
    ax.legend()
    plots["Calibration curve (per decile)"] = _svg(fig)
    plt.close(fig)

    order = np.argsort(-evaluation.probability, kind="stable")
    gained = np.concatenate([[0], np.cumsum(evaluation.won[order]) / max(evaluation.won.sum(), 1)])
    share = np.linspace(0, 1, len(gained))
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot(share, gained, label="leadpilot")
    ax.plot([0, 1], [0, 1], ls="--", color="grey", label="random order")
    ax.set(xlabel="share of leads called, best first", ylabel="share of wins reached",
           title="Cumulative gains")
    ax.legend()
    plots["Lift / gains chart"] = _svg(fig)
    plt.close(fig)

    top = list(evaluation.importance.items())[:15][::-1]
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.barh([name for name, _ in top], [value for _, value in top])
    ax.set(xlabel="share of mean |contribution|", title="Feature importance")
    plots["Feature importance"] = _svg(fig)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(5, 4))
    bins = np.linspace(0, 1, 26)
    ax.hist(evaluation.probability[evaluation.won == 1], bins=bins, alpha=0.6, label="won")
    ax.hist(evaluation.probability[evaluation.won == 0], bins=bins, alpha=0.6, label="lost")
    ax.set(xlabel="predicted win probability", ylabel="leads", title="Score distribution")
    ax.legend()
    plots["Score distribution"] = _svg(fig)
    plt.close(fig)
    return plots


def render(evaluation: Evaluation) -> str:
    """The report as one HTML page."""
    s = evaluation.summary
    figures = "".join(f"<figure><figcaption>{html.escape(t)}</figcaption>{svg}</figure>"
                      for t, svg in _plots(evaluation).items())
    rows = "".join(f"<tr><td>{r.decile}</td><td>{r.leads}</td><td>{r.predicted:.1%}</td>"
                   f"<td>{r.observed:.1%}</td></tr>" for r in evaluation.reliability.itertuples())
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>leadpilot evaluation: "
        f"{html.escape(evaluation.dataset)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>Model evaluation: {html.escape(evaluation.dataset)}</h1>"
        f"<p>{evaluation.rows} closed leads ({evaluation.wins} wins); "
        f"{html.escape(evaluation.validation)}; leadpilot's default training.</p>"
        "<table><tr><th>ROC AUC</th><th>PR AUC</th><th>lift in the top 10 %</th>"
        f"<th>Brier</th></tr><tr><td>{s['roc_auc']:.3f}</td><td>{s['pr_auc']:.3f}</td>"
        f"<td>{s['lift_at_10']:.2f}</td><td>{s['brier']:.4f}</td></tr></table>"
        "<h2>Reliability per decile</h2><table><tr><th>decile</th><th>leads</th>"
        f"<th>predicted</th><th>observed</th></tr>{rows}</table>"
        f"<h2>Plots</h2><div class='plots'>{figures}</div></body></html>")


def write_report(evaluation: Evaluation, path: Path) -> Path:
    """Write the HTML report to `path` (folders created); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(evaluation), encoding="utf-8")
    return path
