"""The neighbour features, put together from tables, are those of their plain definition."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest
from tests.analysis._chats import chat

from turntoward.analysis.backends._features import CLIMATE_MSGS, FIRST_READINGS, Named, neighbour_rows
from turntoward.model import Message

SELF_EDGES, NEAR_EDGES = (0.2, 0.4, 0.6, 0.8), (0.3, 0.6)


def reference(start: int, stop: int, msgs: list[Message], readings: np.ndarray) -> list[list[str]]:
    """Message by message, reading by reading."""

    def binned(value: float, edges: tuple[float, ...]) -> int:
        """The edges at or below `value` (NaN sorts after every edge, as np.searchsorted puts it)."""
        return len(edges) if np.isnan(value) else sum(1 for e in edges if value >= e)

    def strongest(values: list[float]) -> float:
        """The highest, 0 for none (NaN if any is NaN, as np.maximum has it)."""
        return float("nan") if any(np.isnan(v) for v in values) else max(values, default=0.0)

    rows = []
    for i in range(start, min(stop, len(msgs))):
        row = [f"s_{name}={binned(readings[i, k], SELF_EDGES)}" for k, name in enumerate(FIRST_READINGS)]
        before = range(max(0, i - CLIMATE_MSGS), i)
        for who in ("same", "other"):
            for name in ("horseman", "control"):
                k = FIRST_READINGS.index(name)
                values = [readings[j, k] for j in before if (msgs[j].author == msgs[i].author) == (who == "same")]
                row.append(f"s_{name}_before_{who}={binned(strongest(values), NEAR_EDGES)}")
        for j, where in ((i - 1, "prev"), (i + 1, "next")):
            if not 0 <= j < len(msgs):
                continue
            who = "same" if msgs[j].author == msgs[i].author else "other"
            row += [f"s_{name}_{where}_{who}={binned(readings[j, k], NEAR_EDGES)}"
                    for k, name in enumerate(FIRST_READINGS)]
            if who == "same":
                row += [f"s_{name}_{where}_same_higher" for k, name in enumerate(FIRST_READINGS)
                        if readings[j, k] > readings[i, k]]
        rows.append(row)
    return rows


@pytest.mark.parametrize("seed", range(3))
def test_neighbour_rows_are_their_definition(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(200):
        n = int(rng.integers(1, 25 if rng.random() < 0.8 else 2 * CLIMATE_MSGS))
        msgs = [Message(i, datetime(2024, 1, 1), str(rng.choice(["a", "b"])), "x") for i in range(n)]
        readings = rng.choice([0.0, 0.2, 0.3, 0.5, 0.6, 0.8, 0.95, np.nan], size=(n, len(FIRST_READINGS)))
        readings = readings.astype(np.float32 if seed % 2 else np.float64)
        start, stop = int(rng.integers(0, n)), int(rng.integers(0, n + 3))
        assert neighbour_rows(start, stop, msgs, readings) == reference(start, stop, msgs, readings)


def test_named_features_are_the_prefixed_words_and_pairs_made_once() -> None:
    words, pairs = Named("t_w="), Named("t_b=")
    assert words["so"] == "t_w=so" and pairs["so", "good"] == "t_b=so good"
    assert words["so"] is words["so"]  # one string per word: its hash is computed once


def _outcome_row(lines: list[tuple[int, str, str]]) -> list[str]:
    """The outcome features of the bid in the first message, answered by the second, of a chat
    given as (minutes from the start, author, text)."""
    from datetime import timedelta

    from turntoward.analysis._config import thresholds
    from turntoward.analysis.backends._features import outcome_features
    from turntoward.analysis.backends.rules import RulesBackend
    from turntoward.analysis.findings import Bid, BidKind

    start = datetime(2024, 6, 1, 18, 0)
    msgs = [Message(i, start + timedelta(minutes=t), who, text) for i, (t, who, text) in enumerate(lines)]
    from turntoward.model import Conversation

    rp = RulesBackend().read(Conversation("t.txt", "t", "t", msgs))
    th = thresholds()
    bid = Bid(index=0, author=msgs[0].author, kind=BidKind.NEWS, score=1.0, cues=[], response_index=1)
    return outcome_features(bid, "news", msgs, rp.contexts, RulesBackend().lexicon, "toward", False,
                            follow_up=(th.follow_up_msgs, th.follow_up_s))


def test_the_bidders_next_message_after_the_answer_is_read() -> None:
    row = _outcome_row([(0, "Ana", "I got the job!!"), (3, "Tom", "cool"), (3, "Tom", "what's for dinner"),
                        (4, "Ana", "wow. ok then"), (5, "Tom", "jk!! congrats 🎉")])
    assert "f_w=wow" in row and "f_gap=0" in row and "no_follow" not in row
    assert not any(f.startswith("f_w=dinner") for f in row)  # the answerer's own words are not the bidder's
    assert "f2_w=jk" in row and "f2_w=wow" not in row  # ...and the answerer's next word after hers


def test_a_bidder_who_wrote_again_only_hours_later_did_not_follow_up() -> None:
    late = _outcome_row([(0, "Ana", "I got the job!!"), (3, "Tom", "cool"), (3 + 7 * 60, "Ana", "wow. ok then")])
    far = _outcome_row([(0, "Ana", "I got the job!!"), (3, "Tom", "cool"), *[(4 + k, "Tom", "and") for k in range(4)],
                        (9, "Ana", "wow. ok then")])
    assert "no_follow" in late and "no_follow" in far
    assert not any(f.startswith(("f_", "f2_")) for f in late + far)


def _group_outcome_row(*lines: str) -> list[str]:
    """The outcome features the hybrid backend learns from for a bid in the first message of a
    group chat (lines as `chat` takes them), answered where the rules find it."""
    from turntoward.analysis.backends.hybrid import HybridBackend
    from turntoward.model import GoldMessage

    conv = chat(*lines)
    plain = GoldMessage(None, None, None, None, False, None, False)
    gold = [GoldMessage("news", "toward", None, None, False, None, False), *[plain] * (len(conv.messages) - 1)]
    (row,) = HybridBackend(models={}).training_rows(conv, gold).rows["outcome"]
    return row


def test_a_group_reply_that_names_the_bidder_and_takes_up_her_news_is_read_as_reacting() -> None:
    row = _group_outcome_row("+0m Ana Costa: we got the keys to the new flat!!",
                             "+1m Ben: has anyone seen my charger",
                             "+1m Cara: ANA!! the flat!! when's the housewarming")
    assert {"group", "group&reacts", "group&names_bidder", "group&follows_other", "shared=1"} <= set(row)
    assert "group&passing" not in row


def test_a_group_message_that_only_comes_next_is_read_as_passing_and_sharing_nothing() -> None:
    row = _group_outcome_row("+0m Ana: we got the keys to the new flat",
                             "+2m Ben: traffic on the ring road is mad today",
                             "+1m Cara: Dario are you driving down tomorrow")
    assert {"group", "group&passing", "shared=0", "group&shared=0"} <= set(row)
    assert "group&reacts" not in row and "group&names_bidder" not in row


def test_a_two_person_reply_gets_no_group_features() -> None:
    row = _outcome_row([(0, "Ana", "I got the job at the bakery!!"), (3, "Tom", "the bakery?? amazing")])
    assert "shared=1" in row
    assert not any(f.startswith("group") for f in row)


@pytest.mark.parametrize("backend", ["hybrid", "rules"])
def test_a_group_message_names_the_bidder_only_by_a_whole_word(backend: str) -> None:
    """"also" does not name Al: passing talk is skipped for the first message that reacts."""
    from turntoward.analysis import analyze_conversation
    from turntoward.analysis.backends import get_backend

    def answer(*lines: str) -> int | None:
        bid = analyze_conversation(chat(*lines), get_backend(backend)).labels[0].bid
        assert bid is not None
        return bid.response_index

    assert answer("+0m Al: we got the keys to the new flat!!",
                  "+2m Ben: also traffic on the ring road is mad today",
                  "+1m Cara: no way!! congrats") == 2
    assert answer("+0m Al: we got the keys to the new flat!!",
                  "+2m Ben: @al whaaat",
                  "+1m Cara: no way!! congrats") == 1


@pytest.mark.parametrize("backend", ["hybrid", "rules"])
def test_a_bidder_with_no_name_to_call_them_by_is_analysed(backend: str) -> None:
    """An export can give a sender as blanks (a deleted account): the group's answers are still read."""
    from datetime import timedelta

    from turntoward.analysis import analyze_conversation
    from turntoward.analysis.backends import get_backend
    from turntoward.model import Conversation

    start = datetime(2024, 6, 1, 18, 0)
    lines = [(" ", "we got the keys to the new flat!!"), ("Ben", "no way!! congrats"), ("Cara", "amazing 🎉")]
    msgs = [Message(i, start + timedelta(minutes=i), who, text) for i, (who, text) in enumerate(lines)]
    result = analyze_conversation(Conversation("g.txt", "g", "g", msgs), get_backend(backend))
    bid = result.labels[0].bid
    assert bid is not None and bid.response_index == 1 and bid.outcome == "toward"


def test_an_answer_first_thing_in_the_morning_is_read_by_its_waking_latency() -> None:
    from turntoward.analysis.backends._features import LATENCY_MINUTES, _bin
    from turntoward.analysis.backends.hybrid import HybridBackend
    from turntoward.model import GoldMessage

    def latency(start: datetime, after: str) -> list[str]:
        conv = chat("+0m Ana: just booked us a table at the thai place for saturday!! 🥳",
                    f"{after} Ben: morning! amazing, can't wait", start=start)
        gold = [GoldMessage("invitation", "toward", None, None, False, None, False),
                GoldMessage(None, None, None, None, False, None, False)]
        (row,) = HybridBackend(models={}).training_rows(conv, gold).rows["outcome"]
        return [f for f in row if f.startswith("lat=")]

    # 23:50 to 07:20: twenty minutes of the day (the night, 23:00 to 07:00, does not count)
    assert latency(datetime(2025, 5, 14, 23, 50), "+450m") == [f"lat={_bin(20, LATENCY_MINUTES)}"]
    # the same seven and a half hours in the afternoon are seven and a half hours
    assert latency(datetime(2025, 5, 14, 12, 0), "+450m") == [f"lat={_bin(450, LATENCY_MINUTES)}"]
