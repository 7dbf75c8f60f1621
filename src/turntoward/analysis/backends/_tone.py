"""The tone of a message (warm, hostile, hurt, neutral), learned from real human-written text.

A small linear model over words and word pairs, trained by `training/train_tone.py` on
GoEmotions and ConvAbuse (attributions in NOTICE). The hybrid backend uses its output as
features: it knows many more ways of being warm or hostile than our own corpus shows.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from io import BytesIO
from itertools import pairwise

import numpy as np

from turntoward.analysis._text import tokens
from turntoward.analysis.backends._features import Named
from turntoward.analysis.backends._linear import LinearModel, feature_matrix, load, predict_many

TONES = ("neutral", "warm", "hostile", "hurt")


def tone_features(text: str) -> list[str]:
    return tone_features_of(tokens(text))


def tone_features_of(toks: list[str]) -> list[str]:
    """`tone_features` of a text from its `tokens` (read once for the tone and the other features)."""
    toks = toks[:60]
    words = [t for t in toks if t[0].isalnum()]
    return ["t_bias", *map(_WORDS.__getitem__, toks), *map(_PAIRS.__getitem__, pairwise(words))]


_WORDS, _PAIRS = Named("t_w="), Named("t_b=")  # "t_w=so", "t_b=so good"


@cache
def tone_model() -> LinearModel | None:
    """The shipped tone model, or None when the package was built without it."""
    path = resources.files("turntoward.analysis.models").joinpath("tone.npz")
    if not path.is_file():
        return None
    data = dict(np.load(BytesIO(path.read_bytes()), allow_pickle=False))
    return load(data, "tone")


def tones(texts: list[str]) -> np.ndarray:
    """Probabilities of each tone (columns in `TONES` order) for every text."""
    return tones_of([tokens(t) for t in texts])


def tones_of(token_lists: list[list[str]]) -> np.ndarray:
    """`tones` of texts given by their `tokens`."""
    model = tone_model()
    if model is None or not token_lists:
        return np.zeros((len(token_lists), len(TONES)))
    (p,) = predict_many([model], *feature_matrix([tone_features_of(t) for t in token_lists]))
    return p
