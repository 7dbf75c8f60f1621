"""The outcome model's readings weighed against how often each outcome reads in the bids around."""

from __future__ import annotations

import numpy as np

from turntoward.analysis._config import thresholds
from turntoward.analysis.backends.hybrid import HybridBackend, local_balance

CALM = [0.95, 0.04, 0.01]
SHARP = [0.35, 0.10, 0.55]
BORDERLINE = [0.58, 0.10, 0.32]
PRIOR = np.array([0.86, 0.07, 0.07])


def _readings(*rows: list[float]) -> np.ndarray:
    return np.array(rows, dtype=float)


def test_a_borderline_against_among_calm_bids_reads_weaker_and_among_sharp_ones_stronger():
    th = thresholds()
    calm = _readings(*[CALM] * 30, BORDERLINE, *[CALM] * 30)
    sharp = _readings(*[SHARP] * 6, BORDERLINE, *[SHARP] * 6)
    among_calm = local_balance(calm, list(range(0, 122, 2)), PRIOR, th)[30]
    among_sharp = local_balance(sharp, list(range(13)), PRIOR, th)[6]
    assert among_calm[2] < BORDERLINE[2] / 2
    assert among_sharp[2] > BORDERLINE[2]
    assert np.allclose(among_calm.sum(), 1.0) and np.allclose(among_sharp.sum(), 1.0)


def test_a_short_chat_stays_near_the_model_s_own_reading():
    one = local_balance(_readings(BORDERLINE), [0], PRIOR, thresholds())[0]
    assert np.allclose(one, BORDERLINE)


def test_a_bid_is_weighed_only_by_the_bids_within_its_window():
    """What lets a long chat be labelled in stretches with the same labels (analysis/segments.py)."""
    th = thresholds()
    rng = np.random.default_rng(3)
    p = rng.dirichlet([8, 1, 1], size=400)
    at = sorted(rng.choice(3000, size=400, replace=False).tolist())
    whole = local_balance(p, at, PRIOR, th)
    k = 200  # the bid at[k], with every bid within the window around it, and a few more
    lo = next(i for i, a in enumerate(at) if a >= at[k] - th.prior_window_msgs - 7)
    hi = next(i for i, a in enumerate(at) if a > at[k] + th.prior_window_msgs + 7)
    part = local_balance(p[lo:hi], at[lo:hi], PRIOR, th)
    assert np.array_equal(part[k - lo], whole[k])


def test_without_a_measured_balance_the_readings_are_the_model_s():
    p = _readings(CALM, BORDERLINE)
    assert local_balance(p, [0, 1], None, thresholds()) is p


def test_the_shipped_outcome_model_knows_the_balance_it_was_trained_for():
    model = HybridBackend().models["outcome"]
    assert model.prior is not None
    assert model.prior.shape == (3,) and np.isclose(model.prior.sum(), 1.0)
    assert model.prior[model.classes.index("toward")] > 0.5


def test_only_turning_against_is_reweighed():
    """Away is left as the model reads it: a chat full of unanswered photos must not make a
    laughing reply to the next photo "away"."""
    quiet = _readings(*[[0.05, 0.94, 0.01]] * 20, BORDERLINE, *[[0.05, 0.94, 0.01]] * 20)
    out = local_balance(quiet, list(range(41)), PRIOR, thresholds())[20]
    assert out[2] < BORDERLINE[2]
    assert np.isclose(out[0] / out[1], BORDERLINE[0] / BORDERLINE[1])
