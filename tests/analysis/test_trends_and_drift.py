"""Trend tests and drift: a real decline is named, noise is not."""

from __future__ import annotations

import random

from turntoward.analysis._config import thresholds
from turntoward.analysis.signs import mann_kendall, theil_sen, trend


def test_a_steady_decline_is_a_significant_downward_trend():
    weekly = [40, 38, 41, 35, 33, 30, 28, 25, 20, 18, 12, 9, 6, 4, 3, 3]
    tau, p = mann_kendall(weekly)
    assert tau < -0.8 and p < 0.001
    assert theil_sen(weekly) < -2


def test_noise_around_a_flat_level_is_not_a_trend():
    rng = random.Random(4)
    weekly = [30 + rng.randint(-6, 6) for _ in range(20)]
    _, p = mann_kendall(weekly)
    assert p > thresholds().watch_p


def test_hand_computed_mann_kendall_statistic():
    # For 1, 3, 2, 4: S = (+1 +1 +1) + (-1 +1) + (+1) = 4, tau = 4 / 6.
    tau, _ = mann_kendall([1, 3, 2, 4])
    assert abs(tau - 4 / 6) < 1e-9


def test_trend_levels_compare_first_and_last_quarters():
    t = trend("messages per week", [10, 10, 10, 10, 5, 5, 5, 5, 1, 1, 1, 1])
    assert t.first_level == 10 and t.last_level == 1 and t.n == 12


def test_a_chat_where_only_you_wrote_is_no_drift_and_no_crash():
    """A channel holding one note of yours beside a real chat (a real Discord export did this)."""
    from datetime import datetime, timedelta

    from turntoward.analysis import analyze
    from turntoward.model import Conversation, Message

    start = datetime(2024, 1, 1, 9)
    chat = [Message(i, start + timedelta(days=i // 4, hours=i % 4), ("Adam", "Bea")[i % 2], "how was your day?")
            for i in range(200)]
    note = [Message(0, start, "Adam", "welcome to the server, rules are pinned")]
    analysis = analyze([Conversation("dm.json", "discord", "Bea", chat),
                        Conversation("general.json", "discord", "general", note)], me="Adam")
    assert all(d.person != "Adam" for d in analysis.drift)


def test_the_user_named_with_plain_spaces_is_found_where_the_phone_wrote_no_break_spaces():
    """An iPhone export writes "+91\u00a099874\u00a044995" where the user types "+91 99874 44995"."""
    from datetime import datetime, timedelta

    from turntoward.analysis import analyze
    from turntoward.analysis.drift import spelled_here
    from turntoward.model import Conversation, Message

    me = "+91\u00a099874\u00a044995"
    assert spelled_here("+91 99874 44995", [me, "Bea"]) == me
    assert spelled_here("bea", ["Bea", "BEA"]) is None  # two alike: nobody is guessed
    start = datetime(2024, 1, 1, 9)
    busy = [Message(i, start + timedelta(days=i // 6, hours=i % 6), (me, "Bea")[i % 2], "how was your day?")
            for i in range(6 * 140)]  # twenty weeks of talk every day
    quiet = [Message(len(busy) + k, start + timedelta(days=140 + 7 * k), me, "hey, are you around?")
             for k in range(12)]  # then twelve weeks of the user alone
    analysis = analyze([Conversation("chat.txt", "whatsapp", "Bea", busy + quiet)], me="+91 99874 44995")
    assert [d.person for d in analysis.drift] == ["Bea"]


def test_someone_who_rarely_wrote_in_a_big_group_has_not_drifted_when_they_stop():
    """A real club's group of 123 people flagged 113 of them "from about 0 messages a week to 0"."""
    from datetime import datetime, timedelta

    from turntoward.analysis import analyze
    from turntoward.model import Conversation, Message

    start = datetime(2023, 1, 2, 18)
    messages: list[Message] = []
    for week in range(60):
        at = start + timedelta(weeks=week)
        if week < 50:  # Rae, the user's close friend, writes every day until ten weeks before the end
            messages += [Message(0, at + timedelta(days=d), "Rae", "anyone at the table tonight?") for d in range(7)]
        messages.append(Message(0, at + timedelta(hours=1), "Me", "I'm in, who else?"))
        if week in (3, 20, 41):  # Otto wrote three times in fourteen months, then never again
            messages.append(Message(0, at + timedelta(hours=2), "Otto", "count me in too"))
    for i, m in enumerate(messages := sorted(messages, key=lambda m: m.ts)):
        m.index = i
    analysis = analyze([Conversation("club.json", "groupme", "Pool club", messages, group=True)], me="Me")
    assert [d.person for d in analysis.drift] == ["Rae"]


def test_in_a_large_group_only_exchanges_with_the_user_are_contact():
    """A class group of 88: writing less in it is not drifting from each reader of it."""
    from datetime import datetime, timedelta

    from turntoward.analysis import analyze
    from turntoward.model import Conversation, Message

    start = datetime(2023, 1, 2, 9)
    classmates = [f"Student {n}" for n in range(10)]
    messages: list[Message] = []
    for day in range(7 * 30):
        at = start + timedelta(days=day)
        quiet = day >= 7 * 22  # everyone posts less in the last eight weeks
        for k, who in enumerate(classmates[: 3 if quiet else 10]):
            messages.append(Message(0, at + timedelta(minutes=k), who, "notes for thursday are up"))
        messages.append(Message(0, at + timedelta(hours=1), "Me", "thanks! anyone free to study tonight?"))
        if not quiet or day % 7 == 0:  # Student 9 answered the user every day, now once a week
            messages.append(Message(0, at + timedelta(hours=1, minutes=2), "Student 9", "yes, library at 7?"))
    for i, m in enumerate(messages):
        m.index = i
    analysis = analyze([Conversation("class.json", "groupme", "Class of 2024", messages, group=True)], me="Me")
    assert [d.person for d in analysis.drift] == ["Student 9"]
    assert analysis.drift[0].evidence.startswith("you and Student 9 went from about 14 messages a week to 1 message")
