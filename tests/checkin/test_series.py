"""From stored answers to the five signs: what a viewer's report gets from `checkin_series`."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from typer.testing import CliRunner

from turntoward.analysis.findings import Status
from turntoward.api import checkin as api
from turntoward.checkin import checkin_series
from turntoward.cli import _load_commands, app
from turntoward.model import Conversation, Message
from turntoward.store import Store

_load_commands()

SUNDAYS = [datetime(2025, 1, 5, 21) + timedelta(weeks=2 * i) for i in range(8)]
RISING = [(1, 1, 1), (1, 2, 1), (1, 1, 1), (2, 1, 1), (3, 2, 2), (3, 3, 2), (3, 2, 3), (3, 3, 3)]


def record_loneliness(store: Store, *, share: bool = False) -> None:
    for when, (a, b, c) in zip(SUNDAYS, RISING, strict=True):
        api.record_checkin(
            store,
            "loneliness3",
            {"companionship": a, "left_out": b, "isolated": c},
            about="Sam",
            when=when,
            share=share,
        )


def test_stored_check_ins_become_readings_with_their_scores_and_cut_offs(store: Store) -> None:
    record_loneliness(store)
    series = checkin_series(store)
    assert series.viewer == "Alex"
    assert [r.score for r in series.readings] == [3, 4, 3, 4, 7, 8, 8, 9]
    first = series.readings[0]
    assert (first.sign, first.level, first.watch, first.about) == ("lonely", 0.0, 0.5, "Sam")


def test_a_viewers_report_names_the_turn_in_their_own_check_ins(store: Store) -> None:
    record_loneliness(store)
    signs = api.checkin_findings(store)
    assert signs["lonely"].status is Status.CONCERN
    assert "felt lonely more often since March 2025" in signs["lonely"].evidence
    # The partner's report has nothing of it: none of it was shared.
    assert api.checkin_findings(store, viewer="Sam")["lonely"].evidence.startswith("no check-in")


def test_what_was_shared_reaches_the_partner_as_the_authors(store: Store) -> None:
    record_loneliness(store, share=True)
    series = checkin_series(store, viewer="Sam")
    assert {r.author for r in series.readings} == {"Alex"}
    assert api.checkin_findings(store, viewer="Sam")["lonely"].status is Status.OK  # Sam's own signs


def test_recording_a_whole_check_in_refuses_questions_it_does_not_ask(store: Store) -> None:
    import pytest

    from turntoward.errors import UsageError

    with pytest.raises(UsageError, match="no question lonelyness"):
        api.record_checkin(store, "loneliness3", {"lonelyness": 3})
    assert api.list_checkins(store) == []


def busy_then_quiet_chat() -> Conversation:
    """Alex and Sam: about six messages a day until March 2025, three a day after."""
    messages = []
    day = datetime(2025, 1, 6, 9)
    while day < datetime(2025, 4, 28):
        per_day = 6 if day < datetime(2025, 3, 3) else 3
        for i in range(per_day):
            author = "Alex" if i % 2 == 0 else "Sam"
            messages.append(Message(len(messages), day + timedelta(minutes=40 * i), author, f"how's it going {i}"))
        day += timedelta(days=1)
    return Conversation("sam-phone.txt", "whatsapp", "Sam (phone)", messages, chat_id="sam-phone")


def test_the_signs_command_joins_check_ins_with_the_chat_with_that_person(store: Store) -> None:
    store.save_source("sam-phone.txt", [busy_then_quiet_chat()])
    record_loneliness(store)
    result = CliRunner().invoke(app, ["checkin", "signs", "--about", "Sam", "--json", "--db", store.url])
    assert result.exit_code == 0, result.output
    lonely = json.loads(result.output)["lonely"]
    assert lonely["status"] == "concern"
    assert "since March 2025" in lonely["evidence"]
    assert "messages with Sam halved since March" in lonely["evidence"]
