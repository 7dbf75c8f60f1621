"""`explain` says in words what each cue and model feature behind a label means."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from turntoward.analysis.backends._features import (
    LATENCY_MINUTES,
    LEN_WORDS,
    _bin,
    neighbour_rows,
    response_readings,
)
from turntoward.analysis.backends.describe import describe, describe_feature
from turntoward.analysis.backends.hybrid import HybridBackend
from turntoward.ingest import Source
from turntoward.ingest.labelled import read_labelled

ROOT = Path(__file__).resolve().parents[2]


def every_feature() -> set[str]:
    """Every feature the hybrid's models read on the labelled examples: message rows, outcome rows,
    neighbours' and replies' readings at every strength."""
    out: set[str] = set()
    rng = np.random.default_rng(3)
    for name in ("couple", "friends", "family"):
        path = ROOT / f"examples/labelled/{name}.json"
        conv, gold = read_labelled(Source(str(path), path=path))
        rows = HybridBackend().training_rows(conv, gold)
        for feats in (*rows.rows["kind"], *rows.rows["outcome"]):
            out.update(feats)
        readings = rng.random((len(conv.messages), 4))
        for row in neighbour_rows(0, len(conv.messages), conv.messages, readings):
            out.update(row)
        for j in range(len(conv.messages)):
            out.update(response_readings(j, readings))
    return out


def test_every_feature_the_models_read_is_said_in_words():
    features = every_feature()
    assert len(features) > 2000
    untold = sorted(f for f in features if describe_feature(f) == f)
    assert untold == []


def test_a_bin_is_told_as_the_range_it_holds():
    for words in range(1, 40):
        told = describe(f"model:len={_bin(words, LEN_WORDS)}")
        if words == 1:
            assert told == "it is 1 word long"
        else:
            lo, hi = (int(x) for x in told.removeprefix("it is ").split(" words")[0].split(" to ")) \
                if " to " in told else (int(told.split()[2]), 10**6)
            assert lo <= words <= hi, told
    assert describe("model:len=0") == "it has no words"
    assert describe(f"model:lat={_bin(90, LATENCY_MINUTES)}") == "answered 30 min to 2 h later, not counting the night"
    assert describe(f"model:lat={_bin(0.5, LATENCY_MINUTES)}") == "answered within 1 min, not counting the night"
    assert describe(f"model:lat={_bin(5000, LATENCY_MINUTES)}") == (
        "answered 3 days or more later, not counting the night")


def test_every_lexicon_cue_reads_as_words():
    from turntoward.analysis._text import default_lexicon

    unsaid = [name for name in default_lexicon().cues if describe(f"{name}:x") == f"{name}:x"]
    assert unsaid == []


def test_lexicon_rule_and_reaction_cues_read_as_words():
    assert describe("invites:wanna") == '"wanna" (an invitation)'
    assert describe("minimal_reply").startswith("a minimal reply")
    assert describe("reaction:😂 from Sam") == "Sam reacted with 😂"
    assert describe("model:r_p=dismissive:whatever") == 'the reply says "whatever" (a dismissive phrase)'
    assert describe("model:s_kind_prev_other=2") == "the previous message, by someone else, reads as a bid: 60% or more"
    assert describe("model:feelings&r_cue=minimal") == (
        "a feelings bid, and the reply has minimal words ('ok', 'k')")
    assert describe("balance:against 0.34->0.25 (how common it is in the bids around)").endswith("from 0.34 to 0.25")


def test_a_bid_kind_takes_its_article():
    assert describe("model:kind=attention") == "an attention bid"
    assert describe("model:kind=question") == "a question bid"
    assert describe("model:rule_bid=invitation") == "the lexicons read an invitation bid in it"
    assert describe("model:affection&r_cue=minimal") == (
        "an affection bid, and the reply has minimal words ('ok', 'k')")


def test_an_outcome_decided_against_the_lexicons_names_what_they_read_then_the_models_reasons():
    from turntoward.analysis import analyze_conversation

    overridden = 0
    for name in ("couple", "friends", "family"):
        path = ROOT / f"examples/labelled/{name}.json"
        conv, _ = read_labelled(Source(str(path), path=path))
        for lab in analyze_conversation(conv, HybridBackend()).labels:
            bid = lab.bid
            if bid is None or not any(c.startswith("model:") for c in bid.response_cues):
                continue
            overridden += 1
            read, *reasons = bid.response_cues
            assert read.startswith("model:rule_o=") and read != f"model:rule_o={bid.outcome.value}"
            assert reasons and all(c.startswith(("model:", "balance:")) for c in reasons), bid.response_cues
    assert overridden > 10


def test_a_reading_just_short_of_a_bid_is_told_apart_from_the_threshold():
    assert describe("reading:bid 0.230<0.550") == "the model read it as a bid at 23%; it takes 55%"
    assert describe("reading:bid 0.547<0.550") == "the model read it as a bid at 54.7%; it takes 55.0%"
