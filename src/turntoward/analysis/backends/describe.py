"""What the cues behind a label mean, in words (for `turntoward explain`).

A label's cues are of three sorts: a lexicon phrase that fired (``invites:wanna``), a rule's
reading of a reply (``minimal_reply``), and the model features that pushed hardest toward the
decision (``model:reply_gap=0``, as `_features` names them). The JSONL keeps them as they are
(a stable contract for scripts); `describe` says what each means, so a person can check it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from turntoward.analysis.backends._features import (
    CLIMATE_MSGS,
    FIRST_READINGS,
    FOLLOW_GAP_MINUTES,
    LATENCY_MINUTES,
    LEN_WORDS,
    NEAR_EDGES,
    NEXT_GAP_MINUTES,
    NEXT_LEN_WORDS,
    REPLY_GAP_MINUTES,
    SELF_EDGES,
    SILENCE_HOURS,
    TONE_EDGES,
)

_CUES = {
    "asks_about_you": "a question about the other person",
    "checks_in": "a check-in",
    "shares_news": "news",
    "feeling_word": "a feeling word",
    "self_harm": "words about wanting to die or hurting oneself",
    "affection": "affection",
    "invites": "an invitation",
    "asks_support": "a request for support",
    "apologises": "an apology",
    "laughs": "laughter or play",
    "endearment": "a term of endearment",
    "look_at_this": "a 'look at this'",
    "logistics": "logistics",
    "acknowledgement": "an acknowledgement",
    "enthusiasm": "enthusiasm",
    "empathy": "empathy",
    "declines_warmly": "a warm no",
    "dismissive": "a dismissive phrase",
    "minimal": "minimal words ('ok', 'k')",
    "criticism": "criticism",
    "contempt": "contempt",
    "defensiveness": "defensiveness",
    "stonewalling": "stonewalling",
    "control": "control",
    "insult": "an insult",
    "threat": "a threat",
    "owns_it": "an admission of fault",
    "deflects": "blame deflected",
}
_RULE_CUES = {
    "engages": "the reply takes it up",
    "minimal_reply": "a minimal reply (\"ok\", \"k\", a thumbs-up) to a bid that needed more",
    "late_reply_ignores_bid": "a late reply that does not take it up",
    "changes_subject": "the reply turns to logistics instead",
    "no_reply": "nobody replied",
    "negative_reaction": "a hostile reaction (an eye-roll, a thumbs-down...)",
}
_READINGS = {"kind": "a bid", "horseman": "a horseman", "control": "control", "repair": "a repair attempt"}
_SUBJECTS = {
    "": "it",
    "r_": "the reply",
    "r2_": "the rest of the reply",
    "prev_": "the message it answers",
    "next_": "the next message by someone else",
    "f_": "the bidder's next message after the reply",
    "f2_": "the replier's next message after that",
}
_PREFIXES = sorted(_SUBJECTS, key=len, reverse=True)  # "r2_" before "r_"
_TONE_LEVELS = ("", "a little", "clearly", "strongly")
_FLAGS = {
    "media": "is a photo, video or other media",
    "deleted": "was deleted",
    "question": "asks a question",
    "exclaim": "exclaims (!)",
    "url": "holds a link",
    "emoji_only": "is only emoji",
    "first_person": "speaks of the writer (I, me, my)",
    "second_person": "speaks to the other person (you)",
    "q_you": "asks the other person a question",
    "we": "says we or us",
    "capital": "starts with a capital",
}
_PLAIN = {
    "bias": "the model's starting point",
    "new_session": "it opens a new conversation after a pause",
    "first_of_turn": "it opens its writer's turn",
    "continues_turn": "it follows its writer's own message (the same turn)",
    "group": "in a group chat",
    "in_conflict": "in a quarrel",
    "is_reply": "it answers someone else's message",
    "replies_to_bid": "it answers a bid",
    "replies_to_question": "it answers a question",
    "prev_media": "it answers a photo or other media",
    "not_reply": "it answers nobody",
    "no_next": "nobody else wrote soon after",
    "next_question": "the next message by someone else asks a question",
    "rule_nobid": "the lexicons read no bid in it",
    "rule_control": "the lexicons read control in it",
    "rule_repair": "the lexicons read a repair attempt in it",
    "no_response": "nobody answered",
    "late": "answered late (hours of waking time later)",
    "not_next": "the answer came after other messages",
    "r_in_conflict": "the reply is in a quarrel",
    "bid_in_conflict": "the bid is in a quarrel",
    "r_rule_control": "the lexicons read control in the reply",
    "no_follow": "the bidder wrote nothing more soon after the reply",
    "group&reacts": "in a group chat, the reply plainly reacts to the bid (answers it, names the bidder...)",
    "group&passing": "in a group chat, the reply is only the next words soon after the bid",
    "group&follows_other": "in a group chat, the reply follows someone else's message, not the bidder's",
    "group&names_bidder": "in a group chat, the reply names the bidder",
}
_BALANCE = re.compile(r"balance:against (\S+)->(\S+)")
_READING = re.compile(r"reading:bid ([\d.]+)<([\d.]+)")


def _a(kind: str) -> str:
    """A bid kind with its article: "an attention", "a question"."""
    return f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind}"


def _has(subject: str, value: str) -> str:
    return f'{subject} has "{value}"'


def _length(subject: str, value: str, edges: tuple[int, ...] = LEN_WORDS) -> str:
    b = int(value)
    return f"{subject} is {_words(b, edges)} long" if b else f"{subject} has no words"


def _cue_of(subject: str, value: str) -> str:
    cue, _, strong = value.partition(":")
    return f"{subject} has {'a strong sign of ' if strong else ''}{_cue_name(cue)}"


def _phrase_of(subject: str, value: str) -> str:
    cue, _, phrase = value.partition(":")
    return f'{subject} says "{phrase}" ({_cue_name(cue)})'


def _tone_of(subject: str, value: str) -> str:
    tone, _, level = value.partition(":")
    return f"{subject} reads {tone}, {_TONE_LEVELS[int(level)]} (tone model, {_chance(int(level), TONE_EDGES)})"


_WORDS_OF: dict[str, Callable[[str, str], str]] = {  # by name after the prefix naming the message
    "w": _has,
    "b": _has,
    "first": lambda subject, value: f'{subject} starts with "{value}"',
    "last": lambda subject, value: f'the last word of {subject} is "{value}"',
    "end": lambda subject, value: f'{subject} ends with "{value}"',
    "len": _length,
    "cue": _cue_of,
    "p": _phrase_of,
    "tone": _tone_of,
}
_NEXT = "the next message by someone else"
_VALUED: dict[str, Callable[[str], str]] = {  # the conversation around a message or a bid
    "n_w": lambda value: f'{_NEXT} has "{value}"',
    "conflict&cue": lambda value: f"{_cue_name(value)} in a quarrel",
    "silence": lambda value: f"it comes after a silence of {_span(int(value), SILENCE_HOURS, 60, later=False)}",
    "reply_gap": lambda value: f"it answers someone else's message {_span(int(value), REPLY_GAP_MINUTES)}",
    "next_len": lambda value: _length(_NEXT, value, NEXT_LEN_WORDS),
    "next_gap": lambda value: f"{_NEXT} came {_span(int(value), NEXT_GAP_MINUTES)}",
    "f_gap": lambda value: f"the bidder's next message came {_span(int(value), FOLLOW_GAP_MINUTES)}",
    "lat": lambda value: f"answered {_span(int(value), LATENCY_MINUTES)}, not counting the night",
    "shared": lambda value: ("the reply takes up none of the bid's words", "the reply takes up a word of the bid",
                             "the reply takes up two or more of the bid's words")[int(value)],
    "kind": lambda value: f"{_a(value)} bid",
    "rule_o": lambda value: f"the lexicons read the reply as turning {value}",
    "rule_bid": lambda value: f"the lexicons read {_a(value)} bid in it",
    "rule_h": lambda value: f"the lexicons read {value} in it",
    "r_rule_h": lambda value: f"the lexicons read {value} in the reply",
    "rule_acc": lambda value: f"the lexicons read it as {'owning a fault' if value == 'owns' else 'deflecting blame'}",
}


def describe(cue: str) -> str:
    """One cue of a label, in words: ``model:reply_gap=0`` is "it answers someone else's message
    within 2 min"; a cue not known here is given back as it is."""
    if cue.startswith("model:"):
        return describe_feature(cue[len("model:"):])
    if m := _BALANCE.match(cue):
        return (f"turning against is rarer (or commoner) in the bids around than in our corpus: "
                f"its reading went from {m[1]} to {m[2]}")
    if m := _READING.match(cue):
        read, needed = float(m[1]), float(m[2])
        shown = ".0%" if f"{read:.0%}" != f"{needed:.0%}" else ".1%"  # not "at 55%; it takes 55%"
        return f"the model read it as a bid at {read:{shown}}; it takes {needed:{shown}}"
    if cue in _RULE_CUES:
        return _RULE_CUES[cue]
    if cue.startswith("reaction:"):
        emoji, _, who = cue[len("reaction:"):].partition(" from ")
        return f"{who} reacted with {emoji}" if who else f"a reaction: {emoji}"
    name, sep, phrase = cue.partition(":")
    if sep and name in _CUES:
        return f'"{phrase}" ({_CUES[name]})'
    return cue


def describe_feature(feature: str) -> str:
    """What a model feature (as `_features` names it) says about a message or a bid's reply."""
    if feature in _PLAIN:
        return _PLAIN[feature]
    name, sep, value = feature.partition("=")
    if "&" in name and not name.startswith("conflict&"):  # "news&r_cue=minimal": a kind and a reply feature
        kind, _, rest = feature.partition("&")
        if kind == "group":
            return f"in a group chat, {describe_feature(rest)}"
        if kind == "late":
            return f"{_a(value)} bid answered late"
        if kind == "kind":
            bid_kind, _, rule = value.partition(":")
            return f"{_a(bid_kind)} bid the lexicons read as turned {rule}"
        return f"{_a(kind)} bid, and {describe_feature(rest)}"
    if not sep:
        return _flag(feature)
    said = _VALUED.get(name)
    if said is not None:
        return said(value)
    if name.startswith(("s_", "r_s_")):
        return _reading(name, int(value))
    for prefix in _PREFIXES:  # a feature of the words of one message: which one, then what
        said_of = _WORDS_OF.get(name[len(prefix):]) if name.startswith(prefix) else None
        if said_of is not None:
            return said_of(_SUBJECTS[prefix], value)
    return feature


def _flag(feature: str) -> str:
    """A feature without a value: a flag of the message or a neighbour's higher reading."""
    m = re.fullmatch(r"s_(\w+?)_(prev|next)_same_higher", feature)
    if m and m[1] in _READINGS:
        where = "previous" if m[2] == "prev" else "next"
        return f"its writer's {where} message reads more like {_READINGS[m[1]]} than it does"
    for prefix in _PREFIXES:
        rest = feature[len(prefix):]
        if feature.startswith(prefix) and rest in _FLAGS:
            return f"{_SUBJECTS[prefix]} {_FLAGS[rest]}"
    return feature


def _reading(name: str, b: int) -> str:
    """A first-pass reading of this message, a neighbour or the reply (`neighbour_rows`)."""
    m = re.fullmatch(r"(r_)?s_(\w+?)(?:_(prev|next|before)_(same|other))?", name)
    if not m or m[2] not in FIRST_READINGS:
        return f"{name}={b}"
    what = _READINGS[m[2]]
    if m[3] == "before":
        who = "its writer's" if m[4] == "same" else "the others'"
        return (f"of the {CLIMATE_MSGS} messages before it, {who} that reads most as {what} does so: "
                f"{_chance(b, NEAR_EDGES)}")
    if m[3]:
        where = "previous" if m[3] == "prev" else "next"
        who = "the same writer" if m[4] == "same" else "someone else"
        return f"the {where} message, by {who}, reads as {what}: {_chance(b, NEAR_EDGES)}"
    subject = "the reply" if m[1] else "on its own, it"
    return f"{subject} reads as {what}: {_chance(b, SELF_EDGES)}"


def _chance(b: int, edges: tuple[float, ...]) -> str:
    lo = f"{edges[b - 1]:.0%}" if b > 0 else None
    hi = f"{edges[b]:.0%}" if b < len(edges) else None
    return f"under {hi}" if lo is None else f"{lo} or more" if hi is None else f"{lo} to {hi}"


def _cue_name(name: str) -> str:
    return _CUES.get(name, name.replace("_", " "))


def _words(b: int, edges: tuple[int, ...]) -> str:
    """Bin `b` (at least 1) of a word count (`_bin`: the number of edges at or below the count)."""
    lo = edges[b - 1]
    if b == len(edges):
        return f"{lo} words or more"
    hi = edges[b] - 1
    return f"{lo} word{'s' if lo > 1 else ''}" if lo == hi else f"{lo} to {hi} words"


def _span(b: int, edges: tuple[int, ...], scale: int = 1, later: bool = True) -> str:
    """Bin `b` of a time (edges in minutes, or hours with scale 60), in words: "within 2 min",
    "2 min to 10 min later" (or without "later")."""
    if b == 0:
        return f"{'within' if later else 'under'} {_duration(edges[0] * scale)}"
    after = " later" if later else ""
    if b == len(edges):
        return f"{_duration(edges[-1] * scale)} or more{after}"
    return f"{_duration(edges[b - 1] * scale)} to {_duration(edges[b] * scale)}{after}"


def _duration(minutes: int) -> str:
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 1440:
        return f"{minutes // 60} h"
    days = minutes // 1440
    return f"{days} day{'s' if days > 1 else ''}"
