"""What the analysis promises about everyday messages (DESIGN.md definitions, ANNOTATION.md rules)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.analysis._chats import START, chat

from turntoward.analysis import analyze_conversation
from turntoward.analysis.backends import backend_names, get_backend
from turntoward.model import Reaction

BACKENDS = backend_names()


def labels(conv, backend):
    return analyze_conversation(conv, get_backend(backend)).labels


@pytest.mark.parametrize("backend", BACKENDS)
def test_ok_after_logistics_is_not_turning_away(backend):
    conv = chat("+0m Sam: home at 6, can you grab milk", "+3m Alex: ok")
    assert [lab.bid for lab in labels(conv, backend)] == [None, None]


@pytest.mark.parametrize("backend", BACKENDS)
def test_k_to_big_news_is_turning_away(backend):
    conv = chat("+0m Sam: I GOT THE JOB!! they just called me 😭", "+40m Alex: k")
    bid = labels(conv, backend)[0].bid
    assert bid is not None and bid.kind == "news"
    assert bid.outcome == "away"
    assert bid.response_index == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_enthusiastic_reply_to_news_is_turning_toward(backend):
    conv = chat("+0m Sam: I GOT THE JOB!! they just called me",
                "+2m Alex: NO WAY!!! I'm so proud of you, tell me everything")
    bid = labels(conv, backend)[0].bid
    assert bid is not None and bid.outcome == "toward"
    assert bid.latency_s == 120


@pytest.mark.parametrize("backend", BACKENDS)
def test_eye_roll_at_an_invitation_is_turning_against(backend):
    conv = chat(
        "+0m Sam: mum invited us for dinner on sunday, want to come with me?",
        "+5m Alex: oh great, another dinner with your mom 🙄",
    )
    bid = labels(conv, backend)[0].bid
    assert bid is not None and bid.kind == "invitation"
    assert bid.outcome == "against"


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_bid_nobody_answers_is_away_with_no_response(backend):
    conv = chat("+0m Sam: how was your day love?", "+0m Sam: ❤️")
    bid = labels(conv, backend)[0].bid
    assert bid is not None and bid.outcome == "away"
    assert bid.response_index is None and bid.latency_s is None


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_deleted_message_is_no_bid_and_no_answer_what_came_after_it_decides(backend):
    conv = chat("+0m Sam: I GOT THE JOB!! they just called me",
                "+1m Alex: This message was deleted",
                "+1m Alex: NO WAY!!! I'm so proud of you, tell me everything",
                "+2m Sam: This message was deleted",
                "+1m Alex: haha what did you say")
    labs = labels(conv, backend)
    bid = labs[0].bid
    assert bid is not None and bid.response_index == 2 and bid.outcome == "toward"
    assert labs[1].bid is None and labs[3].bid is None  # nobody can know what a deleted message said

    conv = chat("+0m Sam: how was your day love?", "+5m Alex: This message was deleted")
    bid = labels(conv, backend)[0].bid
    assert bid is not None and bid.outcome == "away" and bid.response_index is None


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_photo_is_an_attention_bid(backend):
    conv = chat("+0m Sam: <Media omitted>", "+1m Alex: omg that view!! where is that")
    bid = labels(conv, backend)[0].bid
    assert bid is not None and bid.kind == "attention" and bid.outcome == "toward"


@pytest.mark.parametrize("backend", BACKENDS)
def test_in_a_group_anyone_can_turn_toward(backend):
    conv = chat(
        "+0m Mum: I passed my driving test!!! first time!!",
        "+1m Dad: did anyone take the bins out",
        "+3m Ada: MUM!!! congratulations, so proud of you 🎉",
    )
    bid = labels(conv, backend)[0].bid
    assert bid is not None and bid.outcome == "toward"
    assert bid.response_index == 2


@pytest.mark.parametrize("backend", BACKENDS)
def test_demanding_location_is_control_and_gets_help_resources(backend):
    conv = chat(
        "+0m Alex: where are you. send me your location now",
        "+2m Sam: at the pub with the girls, I told you this morning",
        "+1m Alex: you're not going out with them again. come home right now or don't expect me to be here",
    )
    result = analyze_conversation(conv, get_backend(backend))
    assert result.labels[0].control and result.labels[2].control
    assert any(s.help_resources for s in result.suggestions)


@pytest.mark.parametrize("backend", BACKENDS)
def test_you_always_in_a_fight_is_criticism(backend):
    conv = chat(
        "+0m Sam: you forgot to pick up the kids AGAIN",
        "+2m Alex: so now it's my fault? I was at work, what about when you forgot last week",
        "+1m Sam: you always do this, you never think about anyone but yourself",
    )
    lab = labels(conv, backend)
    assert lab[2].horseman == "criticism"
    assert lab[1].horseman == "defensiveness"


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_apology_after_a_fight_is_a_repair_attempt(backend):
    conv = chat(
        "+0m Sam: you always do this, you never listen to me",
        "+1m Alex: whatever. I'm done talking about this",
        "+3h Alex: I'm sorry about earlier, you're right, I wasn't listening. can we talk tonight?",
        "+5m Sam: thank you for saying that. yes, let's talk ❤️",
    )
    lab = labels(conv, backend)
    assert lab[2].repair
    assert lab[2].bid is not None and lab[2].bid.kind == "repair" and lab[2].bid.outcome == "toward"


@pytest.mark.parametrize("backend", BACKENDS)
def test_playful_banter_is_not_criticism(backend):
    conv = chat("+0m Sam: you always make me laugh 😂 you absolute nerd", "+1m Alex: it's a gift 😌")
    assert labels(conv, backend)[0].horseman is None


def test_banter_long_after_one_sharp_word_in_a_group_is_not_contempt():
    # Shaped like a real group of college friends: one "stop reminding me" keeps the next six hours
    # "in conflict", and the hybrid used to read the laughing thanks at the end as contempt (as it
    # did 17 times in one real 46,000-message chat). A quarrel's heat is the dozen messages after a
    # sharp word, not the hours.
    conv = chat(
        "+0m Cloud: there's no late work for the lab btw", "+2m Phil: Just stop reminding me please",
        "+2m Phil: Why r u in sacramento", "+2m Phil: Shouldn't u be at school", "+2m Phil: Davis LOL",
        "+2m Chris: 🤔", "+2m Phil: LOL GOD DAMNIT GUYS", "+2m Phil: WE MISSED OUR CHANCE",
        "+2m Phil: APPARENTLY THE AUTOGRADER HAD A BUG",
        "+2m Phil: IF YOU JUST SUBMITTED AN EMPTY FILE IT GAVE FULL MARKS LOOOL",
        "+2m Chris: they'll check the timestamps", "+2m Phil: He already said he wasn't changing the grades LOL",
        "+2m Phil: :^)", "+2m Chris: LMAO", "+2m Chris: RIP", "+2m Phil: Thanks fam LOL",
        "+2m Anna: Rico are you coming tonight",
    )
    assert [(i, lab.horseman) for i, lab in enumerate(labels(conv, "hybrid")) if lab.horseman] == []


def test_in_a_group_a_sharp_reply_is_put_to_the_one_who_wrote_it():
    # Every bid not made by Ben used to count as received by Ben, so he was told he had answered
    # Ana "with irritation" twice, as Sam had.
    conv = chat(
        "+0m Ana: I GOT THE JOB!! they just called 😭", "+2m Sam: so? 🙄",
        "+3m Ben: ANA!!! congrats!! when do you start?", "+1m Ana: monday!! I'm so nervous",
        "+1h Ana: want to come to the climbing gym with me saturday?", "+5m Sam: not now, god. stop asking",
        "+2m Ben: I'm in! what time?", "+1m Ana: 10am, see you there 💪",
    )
    said = [s.text for s in analyze_conversation(conv, get_backend("hybrid")).suggestions]
    against = [text for text in said if "with irritation" in text]
    assert against == [next(t for t in said if t.startswith("2 bids were answered by Sam"))]


_BUSY_AFTER_A_SHARP_WORD = (
    "+0m Rae: ugh stop, not now", "+1m Ola: ok ok", *(f"+2m {who}: {text}" for who, text in [
        ("Ola", "anyone got the notes from tuesday"), ("Tim", "i do, one sec"), ("Tim", "sent"),
        ("Ola", "legend"), ("Rae", "is the lab still at 2"), ("Tim", "yeah room 4"), ("Ola", "cool"),
        ("Rae", "bringing snacks"), ("Tim", "nice"), ("Ola", "who has the charger"), ("Rae", "me"),
        ("Tim", "ok see you there"), ("Ola", "👍"), ("Rae", "on my way")]),
)
"""A busy group an hour after one sharp word: "in conflict" by the clock, well past the quarrel's heat."""


@pytest.mark.parametrize(("text", "cue", "found"), [
    # a stock phrase inside plain talk, read as contempt or dismissal in real chats from other projects...
    ("so what are we doing tomorrow", "dismissive", False),
    ("check to be sure you were in the root directory first", "contempt", False),
    # ...and the same phrase where it does what it says
    ("so what? it's my money", "dismissive", True),
    ("oh sure you were 🙄", "contempt", True),
])
def test_a_stock_phrase_inside_plain_talk_is_no_cue(text, cue, found):
    from turntoward.analysis._text import default_lexicon, read_text

    assert (cue in read_text(text, default_lexicon()).hits) is found


@pytest.mark.parametrize("line", ["+5m Tim: oh great. let me do the same then", "+5m Tim: thanks a lot, it worked 😊"])
def test_a_weak_conflict_phrase_past_the_heat_of_a_quarrel_is_no_horseman(line):
    # "oh great" and "thanks a lot" are sarcasm only in a quarrel: an hour after one sharp word in
    # a busy group, with a dozen messages since, they are what they say (read as contempt in a
    # real group before). The rules backend keeps its six-hour window.
    assert labels(chat(*_BUSY_AFTER_A_SHARP_WORD, line), "hybrid")[-1].horseman is None


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("line", [
    "that's a lot to hold babe. u always look after everyone else",
    "you never ask for anything for yourself, sweetie",
    "hun you always remember everyone's birthday",
])
def test_fond_you_always_is_not_criticism(backend, line):
    conv = chat("+0m Alex: work was brutal and then I did mum's shopping on the way home", f"+2m Sam: {line}",
                "+3m Alex: 🥹 thank you")
    assert labels(conv, backend)[1].horseman is None


@pytest.mark.parametrize("backend", BACKENDS)
def test_handing_a_question_back_is_not_defensiveness(backend):
    conv = chat("+0m Alex: how was the weekend? did you get up the hill in the end",
                "+5m Sam: we did!! windy but worth it. what about you?",
                "+6m Alex: lazy one, finished my book and made soup")
    found = labels(conv, backend)
    assert found[1].horseman is None
    assert found[0].bid is not None and found[0].bid.outcome == "toward"


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_polite_wow_is_not_turning_against(backend):
    # (Without "omg" the hybrid reads the fact as a bid at 0.53, just short of its threshold: this
    # test is about the reply, so the bid is written as people write one they are excited about.)
    conv = chat("+0m Alex: omg did you know octopuses have three hearts??",
                "+1m Sam: Wow, I had no idea. I wonder why they need so many",
                "+2m Alex: something about their blue blood being bad at carrying oxygen")
    found = labels(conv, backend)
    assert found[0].bid is not None and found[0].bid.outcome == "toward"
    assert not any(lab.horseman for lab in found)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("line", [
    "ha maybe, you never know with ferries",
    "ok I'm off, have a good one!",
    "can't tonight, I'm not allowed to have my phone on the ward",
    "I'll leave you with this: octopuses have three hearts",
])
def test_idioms_holding_a_cue_phrase_are_not_flagged(backend, line):
    conv = chat("+0m Alex: do you think the boat will run in this wind?", f"+3m Sam: {line}",
                "+4m Alex: fair enough, speak tomorrow")
    found = labels(conv, backend)[1]
    assert found.horseman is None and not found.control


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("line", [
    "aw you poor thing, what do you want for dinner? I'll order",
    "nooo go lie down. what do u want to eat, I'll bring it",
])
def test_asking_what_they_want_for_dinner_is_turning_toward(backend, line):
    conv = chat("+0m Sam: finally home, that double shift nearly killed me 😩", f"+2m Alex: {line}")
    found = labels(conv, backend)
    assert found[0].bid is not None and found[0].bid.outcome == "toward"
    assert found[1].horseman is None


@pytest.mark.parametrize("backend", BACKENDS)
def test_what_do_you_want_thrown_back_is_still_turning_against(backend):
    conv = chat("+0m Sam: I passed my first exam!! 88%", "+5m Alex: what do you want, a parade? 🙄")
    bid = labels(conv, backend)[0].bid
    assert bid is not None and bid.outcome == "against"


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_burst_carries_its_bid_on_the_message_with_the_news(backend):
    conv = chat("+0m Sam: omg", "+0m Sam: ok", "+0m Sam: i passed my driving test!!! first try",
                "+3m Alex: SAM!!! that's amazing, how do you feel")
    found = [lab.bid for lab in labels(conv, backend)]
    assert found[0] is None and found[1] is None
    assert found[2] is not None and found[2].kind == "news" and found[2].outcome == "toward"


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("lines", [
    ("+0m Priti: could you take mum to the dentist on tuesday? i've used all my leave", "+20m Arun: yes of course"),
    ("+0m Jo: have fun tonight!! text me when you're home safe x", "+1m Kit: will do ❤️"),
    # hyperbole and a polite condition, both read as control in real group chats before
    ("+0m Dev: library till midnight again", "+2m Dev: feel free to keep me company while I kill myself on this "
     "problem set :^)", "+5m Ana: omw with snacks"),
    ("+0m Wanja: the fundraiser is on saturday! if you can't go but want to sponsor someone, message me 🙏",
     "+1h Otieno: count me in for 2"),
    # "or else" as "otherwise", and a rule that binds someone else, both read as control in real chats before
    ("+0m Kiran: with a UK visa you can travel till London, or else they'll stop you in Hyderabad",
     "+10m Meena: oh ok good to know"),
    ("+0m Tom: the climbing gym says members are not allowed to bring guests after 8", "+2m Ella: boo"),
])
def test_worry_and_favours_are_not_called_control(backend, lines):
    assert not any(lab.control for lab in labels(chat(*lines), backend))


def _reacted(conv, *reactions):
    """`conv` with `reactions` on its first message."""
    conv.messages[0].reactions = tuple(reactions)
    return conv


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_heart_on_news_nobody_replied_to_is_turning_toward(backend):
    news = "+0m Sam: I GOT THE JOB!! they just called me 😭"
    assert labels(chat(news, "+3h Sam: hello??"), backend)[0].bid.outcome == "away"
    conv = _reacted(chat(news, "+3h Sam: hello??"), Reaction("Alex", "❤️", START + timedelta(minutes=2)))
    bid = labels(conv, backend)[0].bid
    assert (bid.outcome, bid.response_index, bid.latency_s) == ("toward", None, None)
    assert bid.response_cues[0] == "reaction:❤️ from Alex"
    undated = _reacted(chat(news, "+3h Sam: hello??"), Reaction("Alex", "❤️"))  # as Telegram's HTML shows it
    assert labels(undated, backend)[0].bid == bid


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_thumbs_up_is_fine_for_a_plan_and_minimal_for_big_news(backend):
    plan = _reacted(chat("+0m Sam: want to get dinner at Rosa's tonight?", "+1d Sam: morning"),
                    Reaction("Alex", "👍🏽"))
    news = _reacted(chat("+0m Sam: I GOT THE JOB!! they just called me 😭", "+1d Sam: morning"),
                    Reaction("Alex", "👍"))
    assert labels(plan, backend)[0].bid.outcome == "toward"
    assert labels(news, backend)[0].bid.outcome == "away"


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_eye_roll_reaction_is_turning_against_and_own_reactions_do_not_count(backend):
    lines = ("+0m Sam: I GOT THE JOB!! they just called me 😭", "+1d Sam: morning")
    rolled = _reacted(chat(*lines), Reaction("Sam", "❤️"), Reaction("Alex", "🙄"))
    assert labels(rolled, backend)[0].bid.outcome == "against"
    own = _reacted(chat(*lines), Reaction("Sam", "❤️"))
    assert labels(own, backend)[0].bid.response_cues == ["no_reply"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_reaction_speaks_for_a_reply_that_turned_away_but_not_over_a_hostile_one(backend):
    news = "+0m Sam: I GOT THE JOB!! they just called me 😭"
    terse = _reacted(chat(news, "+40m Alex: k"), Reaction("Alex", "❤️"))
    bid = labels(terse, backend)[0].bid
    assert (bid.outcome, bid.response_index) == ("toward", 1)
    assert bid.response_cues[0] == "reaction:❤️ from Alex" and "minimal_reply" in bid.response_cues
    invite = "+0m Sam: mum invited us for dinner on sunday, want to come with me?"
    hostile = _reacted(chat(invite, "+5m Alex: oh great, another dinner with your mom 🙄"), Reaction("Alex", "❤️"))
    assert labels(hostile, backend)[0].bid.outcome == "against"


def test_in_a_group_a_bid_nobody_answered_is_nobody_s_to_have_missed():
    # The report's monthly "turns toward" counted an unanswered group bid as missed by every
    # member (a friend who was barely there read "1%"), the summary as missed by nobody.
    conv = chat(
        "+0m Ana: who's around saturday? I'm making dumplings 🥟", "+3m Ben: me!! I'll bring the chilli oil",
        "+2h Ana: look at this view from the office 🌇", "+3h Sam: anyone seen my blue jacket",
        "+1d Ana: I passed my driving test!!!", "+5m Ben: ANA!! that's huge, how do you feel?",
    )
    result = analyze_conversation(conv, get_backend("hybrid"))
    rows = [r for r in result.monthly if r.person is not None]
    received = {r.person: (r.turned_toward, r.bids_received) for r in rows if r.bids_received}
    rates = result.turn_toward_rate()
    assert {p: round(t / n, 3) for p, (t, n) in received.items()} == {p: x for p, x in rates.items() if x is not None}
    assert "Sam" not in received  # Sam answered nobody's bid, and nobody's bid was his to answer


def test_the_shallower_suggestion_names_only_what_fell():
    from turntoward.analysis.findings import Sign, Status, Trend
    from turntoward.analysis.suggest import suggestions

    def said(words: tuple[float, float], depth: tuple[float, float]) -> str:
        trends = [Trend("words per message", 20, -0.4 if words[1] < words[0] else 0.3, 0.01, 0.0, *words),
                  Trend("disclosures and questions per 10 messages", 20, -0.4 if depth[1] < depth[0] else 0.2,
                        0.01, 0.0, *depth)]
        signs = {"shallower": Sign("shallower", Status.WATCH, "", trends)}
        (sug,) = suggestions(["Jo", "Sam"], [], [], [], [], signs, responders={})
        return sug.text

    # A real chat's words per message fell from 4.8 to 2.9 while its disclosures and questions
    # rose from 0.6 to 1 per 10 messages; it was told it "carries fewer feelings and questions".
    assert said((4.8, 2.9), (0.6, 1.0)).startswith("Messages have become shorter.")
    assert "fewer feelings" not in said((4.8, 2.9), (0.6, 1.0))
    assert said((5.0, 5.2), (1.2, 0.5)).startswith("Messages carry fewer feelings and questions")
    assert said((5.0, 3.0), (1.2, 0.5)).startswith("Messages have become shorter and carry fewer feelings")


@pytest.mark.parametrize("backend", BACKENDS)
def test_calling_out_meanness_in_a_group_quarrel_is_read(backend):
    # Words a real community group's quarrel used that the lexicon did not know.
    conv = chat("+0m Wanjiru: anyone know a good tailor in town?", "+2m Kip: learn to sew lol",
                "+1m Wanjiru: wow ok", "+1m Amani: Kip you're being mean to people and you need to stop it",
                "+2m Kip: it was a joke relax", "+1m Amani: you're a bully and when called out you say it was a joke")
    found = labels(conv, backend)
    assert found[3].horseman is not None and found[5].horseman is not None


def test_a_person_is_named_for_sharp_replies_only_where_they_are_a_pattern():
    from turntoward.analysis.findings import Bid, BidKind, Outcome
    from turntoward.analysis.suggest import suggestions

    def told(against: int, total: int = 100) -> list[str]:
        bids = [Bid(2 * i, "Ana", BidKind.NEWS, 0.9, [], Outcome.AGAINST if i < against else Outcome.TOWARD,
                    2 * i + 1) for i in range(total)]
        responders = {b.index: "Sam" for b in bids}
        return [s.text for s in suggestions(["Ana", "Sam"], [], bids, [], [], {}, responders=responders)
                if "with irritation" in s.text]

    assert told(2) == []  # two in a hundred: an incident (and on real chats, mostly a misreading)
    assert told(5) == ["5 bids were answered by Sam with irritation, sarcasm or dismissal. When you can't engage "
                       "right now, saying so warmly ('can't talk now, tell me tonight?') keeps the door open."]
    assert told(2, total=10) != []


def test_a_big_group_names_only_the_few_a_suggestion_concerns_most():
    from turntoward.analysis.findings import Bid, BidKind, Outcome
    from turntoward.analysis.suggest import GROUP_NAMED, suggestions

    members = [f"Member {k}" for k in range(8)]
    bids, responders = [], {}
    for k, member in enumerate(members[1:], start=1):  # member k answered k + 1 bids sharply, 2 warmly
        for j in range(k + 3):
            bid = Bid(len(bids), members[0], BidKind.NEWS, 0.9, [],
                      Outcome.AGAINST if j <= k else Outcome.TOWARD, len(bids) + 1000)
            responders[bid.index] = member
            bids.append(bid)
    said = [s.text for s in suggestions(members, [], bids, [], [], {}, responders=responders)
            if "with irritation" in s.text]
    assert len(said) == GROUP_NAMED == 3
    assert [t.split(" with")[0] for t in said] == [
        "8 bids were answered by Member 7", "7 bids were answered by Member 6", "6 bids were answered by Member 5"]


def test_in_a_group_an_offer_of_help_is_not_turning_against():
    # Shaped like a real group of college friends: the reply to the cover-letter groan has no word
    # of any lexicon in it, and the hybrid read it as turning against. A group message that does
    # not plainly react to a bid and shows no hostility of its own cannot turn against it.
    conv = chat(
        "+0m Maya: ugh my bike got stolen outside the library", "+1m Sam: Sorry to hear friend",
        "+2m Leo: Holy shit bitcoin dropped below 10k", "+1m Maya: lol priorities",
        "+5m Leo: I'm serious this is huge", "+80m Sam: I cried 3 times at that movie LOL",
        "+1m Leo: isnt it more about the struggles of rich people", "+9m Maya: side note playoffs are really sick rn",
        "+1m Sam: who won", "+21m Leo: i dont wanna write a cover letter 😭😭😭😭",
        "+1m Sam: process sucks friend, lemme know if you need any help",
    )
    bid = labels(conv, "hybrid")[9].bid
    assert bid is not None and bid.response_index == 10
    assert bid.outcome.value != "against"


@pytest.mark.parametrize("backend", BACKENDS)
def test_wanting_to_die_is_a_bid_of_feelings_and_points_to_crisis_lines(backend):
    # Shaped like a real group chat, where the hybrid read the second message as a humour bid.
    from turntoward.analysis.suggest import help_resources

    conv = chat("+0m Maya: mgt lecture is 3 hrs long", "+1m Maya: Actually want to end my life",
                "+2m Leo: wait are you ok?? talk to me", "+1m Maya: idk. not really")
    result = analyze_conversation(conv, get_backend(backend))
    bid = result.labels[1].bid
    assert bid is not None and bid.kind == "feelings" and bid.cues[0] == "self_harm:want to end my life"
    first = result.suggestions[0]
    assert first.crisis and first.evidence == [1] and "wanting to die" in first.text
    lines = help_resources(result.suggestions)
    assert "988" in lines[0] and "Samaritans 116 123" in lines[0]
    assert not any("Domestic-abuse" in line for line in lines)  # nothing here calls for those


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("line", [
    "this lecture makes me want to die 😂",  # a laugh marks the figure of speech
    "I don't want to live my life without you baby",
    "I'm not going to kill myself bro, it's one exam",
    "oop cut myself off, anyway the point is",
])
def test_figures_of_speech_about_dying_are_no_crisis(backend, line):
    result = analyze_conversation(chat("+0m Leo: how's it going", f"+1m Maya: {line}", "+2m Leo: haha"),
                                  get_backend(backend))
    assert not any(s.crisis for s in result.suggestions)


def test_a_threat_to_kill_oneself_in_a_quarrel_gets_crisis_and_abuse_help():
    from turntoward.analysis.suggest import help_resources

    conv = chat("+0m Alex: where were you. answer me", "+1m Sam: out with the girls, I told you",
                "+1m Alex: if you go out with them again I'll kill myself")
    result = analyze_conversation(conv, get_backend("hybrid"))
    assert result.labels[2].control
    lines = help_resources(result.suggestions)
    assert "988" in lines[0] and any("Domestic-abuse" in line for line in lines)


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_eager_answer_first_thing_in_the_morning_to_a_late_night_bid_is_turning_toward(backend):
    from datetime import datetime

    conv = chat("+0m Ana: just booked us a table at that thai place for saturday!! 🥳",
                "+460m Ben: morning! amazing, can't wait", start=datetime(2025, 5, 14, 23, 50))
    bid = labels(conv, backend)[0].bid
    assert bid is not None and bid.response_index == 1
    assert bid.outcome == "toward"
    assert bid.latency_s == 460 * 60  # the contract's latency is the clock's
