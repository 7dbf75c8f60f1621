"""The hybrid backend's linear models learn what they are given, including annotators' disagreement."""

from __future__ import annotations

import numpy as np

from turntoward.analysis.backends._features import BUCKETS
from turntoward.analysis.backends._linear import LinearModel, feature_matrix, hashed, predict_many, train

CLASSES = ["none", "question", "humor"]


def probabilities(model, rows):
    (p,) = predict_many([model], *feature_matrix(rows))
    return p


def test_votes_teach_the_annotators_shares_not_the_majority_as_certain():
    rows = [["bias", "w=you", "w=up"]] * 30 + [["bias", "w=ok"]] * 30
    votes = [("question", "question", "none")] * 30 + [("none", "none", "none")] * 30
    model = train(rows, votes, CLASSES, l2=1e-6, epochs=400)
    p = probabilities(model, [["bias", "w=you", "w=up"], ["bias", "w=ok"]])
    assert abs(p[0, 1] - 2 / 3) < 0.03 and abs(p[0, 0] - 1 / 3) < 0.03
    assert p[1, 0] > 0.95
    majority = train(rows, ["question"] * 30 + ["none"] * 30, CLASSES, l2=1e-6, epochs=400)
    assert probabilities(majority, rows[:1])[0, 1] > 0.95


def test_votes_are_the_same_as_one_row_a_vote_with_class_weights():
    rows = [["bias", "w=lol"], ["bias", "w=why"], ["bias", "w=lol", "w=why"]]
    votes = [("humor", "none", "humor"), ("question",), ("none", "question", "humor")]
    weights = {"none": 1.0, "question": 2.0, "humor": 2.0}
    soft = train(rows, votes, CLASSES, l2=1e-4, epochs=200, class_weight=weights)
    # Each vote as a row of its own, three copies of each single-vote row (every row then counts alike).
    flat_rows = [r for r, v in zip(rows, votes, strict=True) for _ in range(3 // len(v)) for _ in v]
    flat = [x for v in votes for x in (v if len(v) == 3 else v * 3)]
    spread = train(flat_rows, flat, CLASSES, l2=1e-4, epochs=200, class_weight=weights)
    assert np.allclose(probabilities(soft, rows), probabilities(spread, rows), atol=1e-4)


def _random_model(seed: int, levels: int) -> tuple[LinearModel, list[list[str]]]:
    """A model whose weights take few distinct values (many ties), and rows with repeated features."""
    rng = np.random.default_rng(seed)
    weights = (rng.integers(-levels, levels + 1, size=(BUCKETS, len(CLASSES))) / levels).astype(np.float32)
    model = LinearModel(list(CLASSES), weights, np.zeros(len(CLASSES), dtype=np.float32))
    vocabulary = [f"w={k}" for k in range(60)]
    rows = [["bias", *rng.choice(vocabulary, size=int(rng.integers(0, 40))).tolist()] for _ in range(300)]
    return model, rows


def test_decisions_and_top_features_of_many_rows_are_those_of_each_row():
    for seed, levels in ((1, 2), (2, 7), (3, 1000)):
        model, rows = _random_model(seed, levels)
        model.default_threshold, model.last_floor = 0.4, 0.45
        p = probabilities(model, rows)
        assert model.decide_many(p) == [model.decide(row) for row in p]
        halves = [row[:len(row) // 2] for row in rows], [row[len(row) // 2:] for row in rows]
        for cls in CLASSES:
            wanted = [cls if k % 3 else None for k in range(len(rows))]
            for n in (1, 4, 6):
                expected = [model.top_features(row, c, n) if c else [] for row, c in zip(rows, wanted, strict=True)]
                assert model.top_features_many([(rows, None)], wanted, n) == expected
                parts = [(halves[0], hashed(halves[0])), (halves[1], None)]
                assert model.top_features_many(parts, wanted, n) == expected


def test_a_feature_is_named_for_the_class_it_pushes_toward_not_for_its_raw_weight():
    # "sorry" weighs for both answers, more for turning toward: it pulls away from "away"
    weights = np.zeros((BUCKETS, 3), dtype=np.float32)
    for feature, w in (("r_w=sorry", (0.6, 0.2, 0.0)), ("lat=4", (-0.3, 0.6, 0.1))):
        weights[hashed([[feature]])[0]] = w
    model = LinearModel(["toward", "away", "against"], weights, np.zeros(3, dtype=np.float32))
    row = ["r_w=sorry", "lat=4"]
    assert model.top_features(row, "away") == ["lat=4"]
    assert model.top_features(row, "toward") == ["r_w=sorry"]
    assert model.top_features_many([([row, row], None)], ["away", "toward"], 4) == [["lat=4"], ["r_w=sorry"]]
