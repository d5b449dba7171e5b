"""Calibration: Platt or isotonic, whichever predicts better on scores it was not fitted on."""

from __future__ import annotations

import numpy as np

from scoring.calibration import Calibrator, choose, fit


def _outcomes(p: np.ndarray, seed: int = 0) -> np.ndarray:
    return (np.random.default_rng(seed).random(len(p)) < p).astype(float)


def test_isotonic_wins_when_the_true_curve_is_a_step_that_no_logistic_curve_fits():
    raw = np.random.default_rng(1).normal(size=4000)
    truth = np.where(raw > 0.5, 0.7, 0.05)  # flat, then a jump: not a sigmoid of raw
    calibrator, briers = choose(raw, _outcomes(truth))
    assert calibrator.method == "isotonic"
    assert briers["isotonic"] < briers["platt"]


def test_platt_wins_when_the_scores_are_honest_log_odds_on_few_rows():
    raw = np.random.default_rng(2).normal(scale=1.5, size=300)
    calibrator, briers = choose(raw, _outcomes(1 / (1 + np.exp(-raw))))
    assert calibrator.method == "platt"
    assert abs(calibrator.a - 1) < 0.4


def test_thirty_percent_means_about_three_in_ten_after_calibration():
    raw = np.random.default_rng(3).normal(size=20000)
    won = _outcomes(1 / (1 + np.exp(-(2 * raw - 1))))  # overconfident by a factor 2, shifted
    calibrator, _ = choose(raw, won)
    p = calibrator.apply(raw)
    band = (p > 0.25) & (p < 0.35)
    assert abs(won[band].mean() - 0.30) < 0.03


def test_a_calibrator_survives_the_round_trip_through_the_model_card():
    raw = np.linspace(-3, 3, 200)
    won = (raw > 0).astype(float)
    for method in ("platt", "isotonic"):
        calibrator = fit(method, raw, won)
        again = Calibrator.from_dict(calibrator.to_dict())
        assert np.allclose(again.apply(raw), calibrator.apply(raw))
    assert Calibrator.from_dict({"method": "platt", "a": 1.0, "b": 0.0}).apply(
        np.array([0.0]))[0] == 0.5


def test_no_isotonic_step_says_a_lead_cannot_be_won_or_lost():
    # 20 leads below 0 all lost, 20 above all won: the plain steps are 0 and 1
    raw = np.linspace(-3, 3, 40)
    won = (raw > 0).astype(float)
    curve = fit("isotonic", raw, won)
    assert curve.y == (1 / 22, 1 / 22, 21 / 22, 21 / 22)  # (wins + 1) / (leads + 2), 2 knots a step
    p = curve.apply(np.array([-10.0, -1.0, 1.0, 10.0]))
    assert p.tolist() == [1 / 22, 1 / 22, 21 / 22, 21 / 22]


def test_smoothed_isotonic_steps_stay_in_order():
    raw = np.random.default_rng(4).normal(size=3000)
    won = _outcomes(1 / (1 + np.exp(-3 * raw)), seed=5)
    y = np.array(fit("isotonic", raw, won).y)
    assert np.all(np.diff(y) >= 0) and 0 < y.min() and y.max() < 1
