"""What the connection report says, in the essays' terms, for the bundled example chats."""

from __future__ import annotations

import re
import socket
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from turntoward.analysis.checkin_signs import CheckinReading, CheckinSeries
from turntoward.analysis.engine import Analysis
from turntoward.api.analysis import analyze_conversations, explain
from turntoward.model import Conversation, Message
from turntoward.report import Report, build_report

from ._page import parse, section, visible_text

REF = re.compile(r'<code class="ref"[^>]*>([^<]+)</code>')


def test_the_summary_says_what_goes_well_what_to_watch_and_one_next_step(examples_html: str) -> None:
    summary = section(examples_html, "summary")
    assert "What is going well" in summary and "What to watch" in summary and "One next step" in summary
    # Priya moved away and the chat went quiet: the opening names it.
    assert "Priya" in summary and "rarer" in summary


def test_turn_toward_rates_sit_beside_the_research_reference_as_an_illustration(
    examples_analysis: Analysis, examples_html: str
) -> None:
    couple = examples_analysis.conversations[0]
    text = section(examples_html, "conversation-1")
    for person, rate in couple.turn_toward_rate().items():
        assert rate is not None
        assert re.search(rf"{person} \d+ \d+ \d+ \d+ \d+ {rate:.0%}", text), person
    assert "86%" in text and "33%" in text and "The Relationship Cure (2001)" in text
    assert "illustration" in text and "say nothing about how your relationship will go" in text


def test_a_groups_rates_in_the_report_are_the_summarys(examples_analysis: Analysis, examples_html: str) -> None:
    # The report counted a group bid nobody answered as missed by every member (a real member
    # who was barely there read 1%, the summary 100%).
    k, family = next((k, r) for k, r in enumerate(examples_analysis.conversations) if len(r.people) > 2)
    text = section(examples_html, f"conversation-{k + 1}")
    for person, rate in family.turn_toward_rate().items():
        if rate is not None:
            assert re.search(rf"{person} \d+ \d+ \d+ \d+ \d+ {rate:.0%}", text), person


def test_every_quoted_example_carries_a_reference_that_explain_resolves_to_the_same_message(
    examples_analysis: Analysis, examples_html: str
) -> None:
    refs = REF.findall(examples_html)
    assert len(refs) >= 12
    quotes = re.findall(r'<code class="ref"[^>]*>([^<]+)</code></p>\s*<blockquote>([^<]*)</blockquote>',
                        examples_html)
    assert len(quotes) >= 8
    single = {r.conversation.source: Analysis([r]) for r in examples_analysis.conversations}
    for ref, quoted in quotes:
        source = ref.rpartition(":")[0]
        record = explain(single[source], ref).record
        shown = quoted.replace("&amp;", "&").replace("&#39;", "'").replace("&#34;", '"').replace("&lt;", "<")
        assert record["text"].startswith(shown.rstrip("…")), ref


def test_moments_that_went_well_and_missed_bids_are_quoted_with_their_dates(examples_html: str) -> None:
    text = section(examples_html, "conversation-1")
    assert "Moments that went well" in text and "Missed bids" in text
    assert re.search(r"Maya, 2024-\d\d-\d\d \d\d:\d\d · \w+ bid · turned toward", text)
    assert re.search(r", 2024-\d\d-\d\d \d\d:\d\d · \w+ bid · turned (away|against)", text)


def test_the_page_quotes_a_handful_of_messages_never_the_whole_history(
    examples_analysis: Analysis, examples_html: str
) -> None:
    for number, result in enumerate(examples_analysis.conversations, start=1):
        text = section(examples_html, f"conversation-{number}")
        long_messages = {m.text for m in result.conversation.messages if len(m.text) >= 25}
        shown = [t for t in long_messages if t in text]
        assert len(shown) <= 24, (number, len(shown))


def test_conflict_shows_episodes_horsemen_repair_and_the_five_to_one_guide(
    examples_analysis: Analysis, examples_html: str
) -> None:
    couple = examples_analysis.conversations[0]
    assert couple.episodes
    text = section(examples_html, "conversation-1")
    assert f"{len(couple.episodes)} stretch(es) of conflict" in text
    repaired = sum(e.repaired for e in couple.episodes)
    assert f"{repaired} ended with a repair that was taken up" in text
    assert "five positive moments for every negative one" in text and "Gottman & Levenson" in text
    for e in couple.episodes:
        assert f"{couple.conversation.source}:{e.start_index}" in text


CONTROLLING = (
    ("Alex", "where are you. send me your location now"),
    ("Sam", "at the pub with the girls, I told you this morning"),
    ("Alex", "you're not going out with them again. come home right now or don't expect me to be here"),
    ("Sam", "ok I'm leaving now, sorry"),
    ("Alex", "and give me your password when you're back, I want to see who you've been texting"),
)


def test_control_is_named_plainly_with_help_and_never_scored() -> None:
    start = datetime(2024, 5, 3, 21, 0)
    messages = [Message(i, start + timedelta(minutes=3 * i), a, t) for i, (a, t) in enumerate(CONTROLLING)]
    analysis = analyze_conversations([Conversation("control.txt", "test", "Alex", messages)])
    assert analysis.conversations[0].control_messages
    text = section(build_report(analysis, generated=datetime(2024, 8, 1)).html(), "conversation-1")
    assert "read as control or coercion" in text and "not something to score" in text
    assert "Where to find help" in text and "Domestic-abuse helplines" in text
    assert not re.search(r"control(ling)? score|coercion score", text, re.I)


def test_past_its_limit_the_report_gives_sections_to_chats_calling_for_help_first_and_counts_the_rest(
        monkeypatch: pytest.MonkeyPatch, examples_analysis: Analysis) -> None:
    from turntoward.report import _content

    monkeypatch.setattr(_content, "DETAILED", 2)
    start = datetime(2024, 5, 3, 21, 0)
    messages = [Message(i, start + timedelta(minutes=3 * i), a, t) for i, (a, t) in enumerate(CONTROLLING)]
    control = analyze_conversations([Conversation("control.txt", "test", "Alex", messages)]).conversations[0]
    analysis = Analysis([*examples_analysis.conversations, control], examples_analysis.drift, examples_analysis.me)
    report = build_report(analysis, generated=datetime(2024, 8, 1))
    titles = [v.title for v in report.view.conversations]
    assert len(titles) == 2 and "Alex" in titles  # the shortest, but it calls for help
    assert sorted(titles + [o.title for o in report.view.others]) == sorted(
        r.conversation.title for r in analysis.conversations)
    others = section(report.html(), "others")
    assert "The other 2 conversations" in others and all(o.title in others for o in report.view.others)
    assert report.view.title == "Connection report: 4 conversations"
    redacted = build_report(analysis, redact=True, generated=datetime(2024, 8, 1))
    hidden = section(redacted.html(), "others")
    assert not any(o.title in hidden for o in report.view.others)


def test_the_example_chats_which_have_no_control_are_not_called_controlling(examples_analysis: Analysis) -> None:
    assert [r.control_messages for r in examples_analysis.conversations] == [[], [], []]


def test_lying_is_said_plainly_to_be_unreadable_from_text(examples_html: str) -> None:
    assert visible_text(examples_html).count("Lying cannot be read from text.") == 3


def test_the_page_says_once_how_far_to_trust_a_single_reading(examples_html: str) -> None:
    text = visible_text(examples_html)
    assert text.count("These readings are often wrong about a single message.") == 1
    assert "a little over half of the messages turntoward read as bids were bids to them" in text
    assert "by rules" not in text  # the default reading is rules and learned models together


def test_check_in_signs_say_not_measured_until_there_are_check_ins(examples_html: str) -> None:
    text = visible_text(examples_html)
    assert text.count("not measured yet: run `turntoward checkin`") == 3 * 4
    assert 'id="checkins"' not in examples_html


def test_check_ins_when_given_fill_their_signs_and_draw_their_trend(examples_analysis: Analysis) -> None:
    start = datetime(2024, 3, 1, 20, 0)
    lonely = [CheckinReading(ts=start + timedelta(weeks=i), sign="lonely", instrument="Weekly check-in",
                             score=1 + i * 0.5, low=1, high=5, level=min(1.0, i * 0.12), watch=0.5, concern=0.75,
                             author="Maya", about="Jonah") for i in range(8)]
    report = build_report(Analysis(examples_analysis.conversations[:1], [], "Maya"),
                          checkins=[CheckinSeries("Maya", lonely)])
    text = section(report.html(), "conversation-1")
    assert re.search(r"(watch|concern) Lonely in the relationship, though not alone: your check-ins", text)
    assert text.count("not measured yet: run `turntoward checkin`") == 3
    assert "checkins" in report.charts
    assert len(report.charts["checkins"].spec["data"]["values"]) == 8
    assert 'id="checkins"' in report.html()


def test_drift_names_the_friend_who_went_quiet_and_nudges_to_reach_out(examples_html: str) -> None:
    text = section(examples_html, "across")
    assert re.search(r"concern Priya: you and Priya went from about \d+ messages a week", text)
    assert "Take the first step: a short message to Priya this week" in text


def test_reciprocity_shows_who_makes_bids_and_who_reaches_out_first(
    examples_analysis: Analysis, examples_report: Report
) -> None:
    friends = examples_analysis.conversations[1]
    chart = examples_report.conversation_charts[1]["reciprocity"]
    made = {row["person"]: row["count"] for row in chart.spec["data"]["values"] if row["measure"] == "bids made"}
    assert made == {p: t.made for p, t in friends.bids_by_person().items()}
    assert "Maya made" in chart.alt and "conversations" in chart.alt


def test_the_reflection_questions_of_the_first_essay_close_the_report(examples_html: str) -> None:
    text = section(examples_html, "reflection")
    assert "Are you turning toward your partner? Accepting this bid and making space to connect?" in text
    assert "Or are you turning against?" in text
    assert text.count("?") >= 5


def test_the_page_refers_to_nothing_outside_itself(examples_html: str) -> None:
    page = parse(examples_html)
    outside = [(tag, attr, value) for tag, attr, value in page.references if not value.startswith("#")]
    assert outside == []
    assert not any(tag in ("link", "iframe", "img", "object", "embed", "base") for tag, _ in page.tags)
    assert not any(attrs.get("src") for tag, attrs in page.tags if tag == "script")
    for css in page.styles:
        assert "url(" not in css and "@import" not in css
    assert "default-src 'none'" in examples_html
    assert examples_html.count("<script>") == 2  # the Vega bundle once, and the few lines that draw


def test_a_report_is_made_with_networking_disabled(
    examples_analysis: Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the report tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    report = build_report(Analysis(examples_analysis.conversations[1:2], [], "Maya"))
    html = report.write_html(tmp_path / "report.html")
    pngs = report.write_pngs(tmp_path / "charts")
    assert html.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert len(pngs) == len(report.all_charts())


def test_a_redacted_report_shows_no_name_and_no_message_text(
    examples_analysis: Analysis, redacted_report: Report
) -> None:
    html = redacted_report.html()
    specs = repr([c.spec for c in redacted_report.all_charts()]) + repr([c.alt for c in redacted_report.all_charts()])
    names = {p for r in examples_analysis.conversations for p in r.conversation.people}
    names |= {"Okafor", "WhatsApp", "result.json"}
    for name in names:
        assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", html), name
        assert name not in specs, name
    texts = {m.text for r in examples_analysis.conversations for m in r.conversation.messages if len(m.text) >= 12}
    page = visible_text(html)
    assert [t for t in texts if t in page or t in specs] == []
    assert "Person A" in page and "[message]" in page
    assert re.search(r"conversation-1:\d+", page)  # the index still points at the message


def test_a_chat_of_a_few_messages_still_makes_a_whole_page() -> None:
    start = datetime(2024, 5, 2, 18, 0)
    lines = [("Sam", "I got the job!!"), ("Alex", "no way!! tell me everything"), ("Sam", "starting in June")]
    conv = Conversation("short.txt", "test", "Sam and Alex",
                        [Message(i, start + timedelta(minutes=(0, 2, 7)[i]), a, t) for i, (a, t) in enumerate(lines)])
    report = build_report(analyze_conversations([conv]))  # (a step alike between all three: no times)
    text = visible_text(report.html())
    assert "Connection report: Sam and Alex" in text
    assert "only 1 week(s) of messages" in text
    assert len(report.all_charts()) == 6  # no conflict, so no conflict chart


def test_a_big_group_names_its_most_active_people_and_sums_up_the_rest() -> None:
    start = datetime(2024, 3, 1, 9, 0)
    members = [f"Member {k:02d}" for k in range(1, 31)]
    lines = []
    for _day in range(20):
        for k, who in enumerate(members):
            for _ in range(1 + (30 - k) // 6):  # the first members write most
                lines.append((who, "anyone up for football on saturday?" if k % 2 else "haha yes!! count me in"))
    messages = [Message(i, start + timedelta(days=i // 120, minutes=i % 120), a, t) for i, (a, t) in enumerate(lines)]
    analysis = analyze_conversations([Conversation("club.txt", "test", "Club", messages)])
    html = build_report(analysis, generated=datetime(2024, 8, 1)).html()
    text = section(html, "conversation-1")
    assert "Member 01, Member 02" in text and "Member 10 and 20 others" in text and "Member 11" not in text
    table = html[html.index("<caption>Bids per person</caption>"):html.index("</table>", html.index("Bids per person"))]
    assert table.count("<tr") == 1 + 10 + 1  # header, the ten most active, everyone else in one row
    assert "20 others" in table
    warm = sum(1 for b in analysis.conversations[0].bids if b.outcome.value == "toward")
    assert f"{warm} bids for connection were warmly answered" in visible_text(html)  # everyone's, not the ten's
    specs = html[html.index('id="chart-specs"'):]
    assert "Member 11" not in specs[:specs.index("</script>")]  # the charts draw the ten, not thirty lines
