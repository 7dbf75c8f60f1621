"""Insults and threats said in so many words are contempt and control (ANNOTATION.md: "insults",
"threatening"), whatever the models make of phrases our corpus seldom holds; banter is not."""

from __future__ import annotations

import pytest
from tests.analysis._chats import chat

from turntoward.analysis import analyze
from turntoward.analysis.findings import Horseman, Outcome


def labels(*lines: str):
    result = analyze([chat(*lines)]).conversations[0]
    return result.labels, {b.index: b for b in result.bids}


@pytest.mark.parametrize("line", ["fuck you", "You suck.", "go fuck yourself", "you bastard", "nobody likes you",
                                  "you are stupid", "honestly youre an idiot", "you are pathetic"])
def test_an_insult_said_plainly_is_contempt(line: str) -> None:
    found, _ = labels(
        "+0m Dana: I told you I'd be late, the bus broke down",
        "+3m Eli: " + line,
    )
    assert found[1].horseman is Horseman.CONTEMPT
    assert found[0].horseman is None


@pytest.mark.parametrize("line", [
    "fuck you 😂 that was MY fries",
    "you suck at this game lol",
    "Good good. Don't kill yourself with work o",
    "ah piss off with your made up words",
    "I want to fuck you so bad tonight",
    "I'm trying to be a bad bitch",
    "you're an idiot 😂 it was on mute",
    "love you idiot",
])
def test_banter_care_and_desire_are_not_insults(line: str) -> None:
    found, _ = labels(
        "+0m Dana: guess who beat your high score",
        "+1m Eli: " + line,
    )
    assert found[1].horseman is None


def test_a_threat_said_plainly_is_control_and_a_joking_one_is_not() -> None:
    found, _ = labels(
        "+0m Dana: I told your sister what you said",
        "+2m Eli: i'm going to hurt you for that",
    )
    assert [lab.control for lab in found] == [False, True]
    found, _ = labels(  # outside a quarrel, laughter makes it banter; a denial is no threat
        "+0m Dana: sorry, I finished the fries",
        "+2m Eli: im gonna kill you 😂 those were MINE",
        "+2d Dana: you think i'll hurt you? i never would",
    )
    assert [lab.control for lab in found] == [False, False, False]


def test_a_bid_answered_with_an_insult_was_turned_against() -> None:
    _, bids = labels(
        "+0m Dana: I got the job!! they called an hour ago",
        "+2m Eli: fuck off",
    )
    assert bids[0].outcome is Outcome.AGAINST and bids[0].response_index == 1
