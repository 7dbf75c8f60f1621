"""Features for the learned layer: what the rules saw, the words, and the conversation around.

Features are strings hashed into a fixed number of buckets, so the model is a small matrix of
weights shipped with the package. Every feature of a decision can be listed for `explain`.
"""

from __future__ import annotations

import zlib
from bisect import bisect_right
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import pairwise

import numpy as np

from turntoward.analysis._text import Lexicon, TextCues, tokens
from turntoward.analysis.context import MessageContext
from turntoward.analysis.findings import Bid, MessageLabel
from turntoward.analysis.responses import names
from turntoward.model import Message, MessageKind

BUCKETS = 1 << 17
"""Weight rows the features are hashed into. The bid model's rows on dev hold about 190,000
distinct features; in 32,768 buckets six shared each row, and going to 131,072 gave the first
pass 0.003 more bid F1 out of fold (docs/accuracy.md, "Fewer collisions")."""


class _BucketCache(dict[str, int]):
    """Feature -> weight row, hashing a feature only the first time it is looked up (`__missing__`),
    so a lookup of a feature seen before is one C-level dict probe with no Python call."""

    def __missing__(self, feature: str) -> int:
        if len(self) >= _CACHE_LIMIT:
            self.clear()
        b = self[feature] = zlib.crc32(feature.encode("utf-8")) & (BUCKETS - 1)
        return b


class Named(dict[str | tuple[str, str], str]):
    """Feature strings for words or word pairs, one string per distinct key: `Named("t_w=")["so"]` is
    "t_w=so", `Named("t_b=")["so", "good"]` "t_b=so good".

    Words repeat across messages even where whole texts do not: a word's feature is then made
    once, and `buckets` finds it by a hash already computed and its identity, not by hashing and
    comparing a fresh string each time.
    """

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def __missing__(self, key: str | tuple[str, str]) -> str:
        if len(self) >= _NAMED_LIMIT:
            self.clear()
        name = self[key] = self.prefix + (key if isinstance(key, str) else f"{key[0]} {key[1]}")
        return name


_CACHE_LIMIT = 500_000
_NAMED_LIMIT = 100_000  # per kind of feature: the words that repeat come back at once after a clear
_BUCKET_CACHE = _BucketCache()
_NEXT_WORDS = Named("n_w=")
_NAMED: dict[str, Named] = {}


def _named(prefix: str) -> Named:
    found = _NAMED.get(prefix)
    if found is None:
        found = _NAMED[prefix] = Named(prefix)
    return found


_TEXT_CACHE: dict[tuple[str, str, str], list[str]] = {}
_TEXT_CACHE_LIMIT = 20_000  # feature lists are ~100 strings each: keep the cache to the texts that repeat


def bucket(feature: str) -> int:
    """The weight row of a feature (crc32, stable across runs and machines)."""
    return _BUCKET_CACHE[feature]


def buckets(features: Sequence[str]) -> np.ndarray:
    """The weight rows of many features at once: `bucket` of each, read straight into the array
    (a long history hashes millions of features, nearly all of them seen before)."""
    return np.fromiter(map(_BUCKET_CACHE.__getitem__, features), dtype=np.int64, count=len(features))


# The edges of the binned features (`_bin`): feature "len=3" is a message of 3 or 4 words. Named,
# so `describe` can say in words what each bin means.
LEN_WORDS = (1, 2, 3, 5, 8, 13, 21)
SILENCE_HOURS = (12, 24, 72, 168, 720)
REPLY_GAP_MINUTES = (2, 10, 60, 240, 720)
NEXT_LEN_WORDS = (1, 2, 4, 8)
NEXT_GAP_MINUTES = (2, 10, 60, 480)
LATENCY_MINUTES = (1, 5, 30, 120, 480, 1440, 4320)
FOLLOW_GAP_MINUTES = (2, 10, 60)


TIMING = ("new_session", "silence=", "reply_gap=", "next_gap=", "lat=", "late", "group&lat=", "f_gap=")
"""The features (prefixes) read from times: left out of a chat whose times say nothing."""


def _bin(value: float, edges: tuple[float, ...]) -> int:
    """The number of `edges` at or below `value` (ascending edges; NaN is past them all): the index
    of the first edge above it. bisect does it in C, for the few hundred thousand values a long
    history bins."""
    return bisect_right(edges, value)


def _text_features(
    prefix: str, m: Message, c: TextCues, lexicon: Lexicon, out: list[str], toks: list[str] | None = None
) -> None:
    """Features of the words alone (cached: real chats repeat their short messages a lot); `toks`,
    when given, are the message's `tokens`, already read."""
    key = (prefix, m.kind.value, m.text)
    found = _TEXT_CACHE.get(key)
    if found is None:
        found = []
        _fresh_text_features(prefix, m, c, lexicon, found, toks)
        if len(_TEXT_CACHE) >= _TEXT_CACHE_LIMIT:
            _TEXT_CACHE.clear()
        _TEXT_CACHE[key] = found
    out.extend(found)


def _fresh_text_features(
    prefix: str, m: Message, c: TextCues, lexicon: Lexicon, out: list[str], toks: list[str] | None = None
) -> None:
    if m.kind is MessageKind.MEDIA:
        out.append(f"{prefix}media")
    if m.kind is MessageKind.DELETED:
        out.append(f"{prefix}deleted")
    for name, phrases in c.hits.items():
        out.append(f"{prefix}cue={name}")
        if c.strong(name, lexicon):
            out.append(f"{prefix}cue={name}:strong")
        for p in phrases[:4]:
            out.append(f"{prefix}p={name}:{p}")
    if m.kind is not MessageKind.TEXT:
        toks = []
    elif toks is None:
        toks = tokens(m.text)
    words = [t for t in toks if t[0].isalnum()]
    out.extend(map(_named(f"{prefix}w=").__getitem__, toks[:40]))
    out.extend(map(_named(f"{prefix}b=").__getitem__, pairwise(words[:31])))
    if words:
        out.append(f"{prefix}first={words[0]}")
        out.append(f"{prefix}last={words[-1]}")
    if toks:
        out.append(f"{prefix}end={toks[-1]}")
    out.append(f"{prefix}len={_bin(c.words, LEN_WORDS)}")
    for flag in ("question", "exclaim", "url", "emoji_only", "first_person", "second_person"):
        if getattr(c, flag):
            out.append(f"{prefix}{flag}")
    if c.question and c.second_person:
        out.append(f"{prefix}q_you")
    if c.we_words:
        out.append(f"{prefix}we")
    if m.text[:1].isupper():
        out.append(f"{prefix}capital")


_TONE_NAMES = ("neutral", "warm", "hostile", "hurt")
TONE_EDGES = (0.25, 0.5, 0.75)
"""A tone's strength bins: a tone model probability under 0.25 is no feature, then three levels."""
_TONE_EDGES = np.array(TONE_EDGES)
_TONE_WORDS: dict[str, list[tuple[str, ...]]] = {}

ToneCodes = bytes | bytearray
"""Each message's tone reading in one byte (see `tone_codes`; filled in chunk by chunk, a bytearray)."""


def tone_codes(tones: np.ndarray) -> ToneCodes:
    """The tone model's probabilities (one row per message, in `_tone.TONES` order) as one byte per
    message: the strength bin (0-3) of warm, hostile and hurt, 16s, 4s and 1s. Binned once for
    the whole conversation, where each message's features and its neighbours' look them up."""
    levels = np.searchsorted(_TONE_EDGES, tones[:, 1:], side="right")
    return (levels[:, 0] * 16 + levels[:, 1] * 4 + levels[:, 2]).astype(np.uint8).tobytes()


def hostile_level(code: int) -> int:
    """The strength bin (0-3) of a hostile tone in one message's code from `tone_codes`."""
    return code // 4 % 4


def _tone(prefix: str, code: int | None, out: list[str]) -> None:
    """The tone model's reading as features: each non-neutral tone in four strength bins."""
    if code is None:
        return
    words = _TONE_WORDS.get(prefix)
    if words is None:
        words = _TONE_WORDS[prefix] = [
            tuple(f"{prefix}tone={name}:{level}"
                  for name, level in zip(_TONE_NAMES[1:], (c // 16, hostile_level(c), c % 4), strict=True) if level)
            for c in range(64)
        ]
    out.extend(words[code])


def message_features(
    i: int,
    msgs: list[Message],
    ctxs: list[MessageContext],
    rule: MessageLabel,
    rule_bids_at: set[int],
    lexicon: Lexicon,
    *,
    group: bool,
    in_conflict: bool,
    tones: ToneCodes | None = None,
    words: Callable[[int], list[str]] | None = None,
    timed: bool = True,
) -> list[str]:
    """Features of message `i` for the message-level decisions (bid and kind, horseman, control...).

    `words(j)`, when given, is the `tokens` of message j's text (of i and the next few), already read.
    Without `timed` (a chat whose times say nothing, `context.has_times`) there are no features of
    gaps and silences (`TIMING`).
    """
    m, ctx = msgs[i], ctxs[i]
    out = ["bias"]
    _text_features("", m, ctx.cues, lexicon, out, words(i) if words is not None else None)
    _tone("", tones[i] if tones is not None else None, out)
    if timed:
        if ctx.new_session:
            out.append("new_session")
        if ctx.after_silence_s is not None:
            out.append(f"silence={_bin(ctx.after_silence_s / 3600, SILENCE_HOURS)}")
    if ctx.first_of_turn:
        out.append("first_of_turn")
    else:
        out.append("continues_turn")
    if group:
        out.append("group")
    if in_conflict:
        out.append("in_conflict")
        for name in ctx.cues.hits:
            out.append(f"conflict&cue={name}")
    if ctx.answers is not None:
        j = ctx.answers
        out.append("is_reply")
        if j in rule_bids_at:
            out.append("replies_to_bid")
        pc = ctxs[j].cues
        if pc.question:
            out.append("replies_to_question")
        for name in pc.hits:
            out.append(f"prev_cue={name}")
        if msgs[j].kind is MessageKind.MEDIA:
            out.append("prev_media")
        _tone("prev_", tones[j] if tones is not None else None, out)
        if ctx.gap_s is not None and timed:
            out.append(f"reply_gap={_bin(ctx.gap_s / 60, REPLY_GAP_MINUTES)}")
    else:
        out.append("not_reply")
    # How the others reacted: annotators (and people) recognise a joke or a bid by its answer.
    nxt = _next_by_other(i, msgs)
    if nxt is None:
        out.append("no_next")
    else:
        nc = ctxs[nxt].cues
        for name in nc.hits:
            out.append(f"next_cue={name}")
        out.append(f"next_len={_bin(nc.words, NEXT_LEN_WORDS)}")
        if timed:
            out.append(f"next_gap={_bin((msgs[nxt].ts - m.ts).total_seconds() / 60, NEXT_GAP_MINUTES)}")
        if nc.question:
            out.append("next_question")
        if msgs[nxt].kind is MessageKind.TEXT:
            out.extend(map(_NEXT_WORDS.__getitem__, (words(nxt) if words is not None else tokens(msgs[nxt].text))[:8]))
        _tone("next_", tones[nxt] if tones is not None else None, out)
    if rule.bid is not None:
        out.append(f"rule_bid={rule.bid.kind.value}")
    else:
        out.append("rule_nobid")
    if rule.horseman is not None:
        out.append(f"rule_h={rule.horseman.value}")
    if rule.control:
        out.append("rule_control")
    if rule.repair:
        out.append("rule_repair")
    if rule.accountability is not None:
        out.append(f"rule_acc={rule.accountability.value}")
    return out


FIRST_READINGS = ("kind", "horseman", "control", "repair")
"""The first-pass models whose readings of a message and its neighbours feed the second pass."""


SELF_EDGES = (0.2, 0.4, 0.6, 0.8)
"""The bins of a message's own first-pass readings (and of a bid's reply's)."""
NEAR_EDGES = (0.3, 0.6)
"""The bins of its neighbours' readings."""
_SELF_EDGES = np.array(SELF_EDGES)
_NEAR_EDGES = np.array(NEAR_EDGES)
_SELF_NAMES = [[f"s_{name}={b}" for b in range(len(_SELF_EDGES) + 1)] for name in FIRST_READINGS]
_NEAR_NAMES = {
    (where, who): [[f"s_{name}_{where}_{who}={b}" for b in range(len(_NEAR_EDGES) + 1)] for name in FIRST_READINGS]
    for where in ("prev", "next") for who in ("same", "other")
}
_HIGHER_NAMES = {where: [f"s_{name}_{where}_same_higher" for name in FIRST_READINGS] for where in ("prev", "next")}


# Every row of neighbour features, looked up whole by a code for the bins of the four readings
# (bin of reading k times base**k): a row is then three or five lookups, not twenty-odd.
_SELF_ROWS = [tuple(_SELF_NAMES[k][code // (len(_SELF_EDGES) + 1) ** k % (len(_SELF_EDGES) + 1)]
                    for k in range(len(FIRST_READINGS)))
              for code in range((len(_SELF_EDGES) + 1) ** len(FIRST_READINGS))]
_NEAR_ROWS = {
    key: [tuple(names[k][code // (len(_NEAR_EDGES) + 1) ** k % (len(_NEAR_EDGES) + 1)] for k in range(len(names)))
          for code in range((len(_NEAR_EDGES) + 1) ** len(FIRST_READINGS))]
    for key, names in _NEAR_NAMES.items()
}
_HIGHER_ROWS = {where: [tuple(name for k, name in enumerate(names) if mask >> k & 1)
                        for mask in range(1 << len(FIRST_READINGS))]
                for where, names in _HIGHER_NAMES.items()}


CLIMATE_MSGS = 40
"""How far back (in messages) `neighbour_rows` looks for a person's earlier horseman and control
readings: well inside the 200 messages of context a stretch is labelled with (`segments`)."""
_CLIMATE = (FIRST_READINGS.index("horseman"), FIRST_READINGS.index("control"))
_CLIMATE_ROWS = [
    tuple(f"s_{FIRST_READINGS[k]}_before_{who}={code // 3 ** (2 * w + c) % 3}"
          for w, who in enumerate(("same", "other")) for c, k in enumerate(_CLIMATE))
    for code in range(3 ** 4)
]


def _climate(start: int, stop: int, msgs: list[Message], readings: np.ndarray) -> list[int]:
    """For messages start..stop-1, a code for the strongest horseman and control reading among the
    CLIMATE_MSGS messages before each, by the same author and by the others, in NEAR_EDGES bins.

    Control is rarely one message: "send me the receipt" or "location. now" is a demand in a chat
    where the same person has been checking and ordering all evening, and a plain request
    elsewhere. The neighbours alone do not show that; the messages before them do.
    """
    lo = max(0, start - CLIMATE_MSGS)
    ids: dict[str, int] = {}
    author = np.array([ids.setdefault(m.author, len(ids)) for m in msgs[lo:stop]])
    r = readings[lo:stop][:, _CLIMATE]
    here = np.arange(start - lo, stop - lo)
    same = np.zeros((len(here), len(_CLIMATE)), dtype=r.dtype)
    other = np.zeros_like(same)
    for d in range(1, min(CLIMATE_MSGS, stop - lo - 1) + 1):
        at = here[here >= d]
        j = at - d
        mine = (author[j] == author[at])[:, None]
        rows = at - (start - lo)
        same[rows] = np.maximum(same[rows], np.where(mine, r[j], 0.0))
        other[rows] = np.maximum(other[rows], np.where(mine, 0.0, r[j]))
    return _codes(np.searchsorted(_NEAR_EDGES, np.concatenate([same, other], axis=1), side="right"), 3)


def _codes(bins: np.ndarray, base: int) -> list[int]:
    """Each row of bins as one number: bin of reading k times base**k."""
    return (bins * base ** np.arange(bins.shape[1])).sum(axis=1).tolist()


def neighbour_rows(start: int, stop: int, msgs: list[Message], readings: np.ndarray) -> list[list[str]]:
    """How likely the first pass found each of FIRST_READINGS at messages start..stop-1 and beside them.

    `readings[j, k]` is the first pass's probability that message j carries reading k (a bid, a
    horseman...). A burst of short messages usually carries its bid in one of them, and conflict
    comes in runs: the second pass sees its neighbours' readings, by the same author or another.
    Bins, and which readings a neighbour has higher, are found for the whole range at once (this
    runs on every message); each row is then put together from the tables above.
    """
    stop = min(stop, len(msgs))
    if start >= stop:
        return []
    lo, hi = max(0, start - 1), min(len(msgs), stop + 1)  # the range and its two outer neighbours
    own = _codes(np.searchsorted(_SELF_EDGES, readings[start:stop], side="right"), len(_SELF_EDGES) + 1)
    near = _codes(np.searchsorted(_NEAR_EDGES, readings[lo:hi], side="right"), len(_NEAR_EDGES) + 1)
    # higher[j - lo]: which readings message j has higher than message j + 1 (bit k for reading k)
    r = readings[lo:hi]
    higher = _codes(r[:-1] > r[1:], 2)
    lower = _codes(r[:-1] < r[1:], 2)  # ... and which it has lower (message j + 1's are higher)
    authors = [m.author for m in msgs[lo:hi]]
    prev_same, prev_other = _NEAR_ROWS[("prev", "same")], _NEAR_ROWS[("prev", "other")]
    next_same, next_other = _NEAR_ROWS[("next", "same")], _NEAR_ROWS[("next", "other")]
    prev_higher, next_higher = _HIGHER_ROWS["prev"], _HIGHER_ROWS["next"]
    climate = _climate(start, stop, msgs, readings)
    rows: list[list[str]] = []
    for i in range(start, stop):
        at = i - lo
        row = list(_SELF_ROWS[own[i - start]])
        row += _CLIMATE_ROWS[climate[i - start]]
        if i > 0:
            if authors[at - 1] == authors[at]:
                row += prev_same[near[at - 1]]
                row += prev_higher[higher[at - 1]]
            else:
                row += prev_other[near[at - 1]]
        if i + 1 < len(msgs):
            if authors[at + 1] == authors[at]:
                row += next_same[near[at + 1]]
                row += next_higher[lower[at]]
            else:
                row += next_other[near[at + 1]]
        rows.append(row)
    return rows


def response_readings(j: int | None, readings: np.ndarray) -> list[str]:
    """The first pass's reading of a bid's response: a reply that is itself hostile or controlling
    (or itself reaches out) says how the bid was taken."""
    if j is None:
        return []
    # The same bins as a message's own readings (np.searchsorted's, NaN last), by bisect on plain
    # floats: one NumPy call per bid cost more than the rest of this.
    values = readings[j].tolist()
    return [names[bisect_right(_SELF_EDGE_LIST, v)] for names, v in zip(_RESPONSE_NAMES, values, strict=True)]


_SELF_EDGE_LIST = tuple(_SELF_EDGES.tolist())
_RESPONSE_NAMES = [[f"r_s_{name}={b}" for b in range(len(_SELF_EDGES) + 1)] for name in FIRST_READINGS]


LOOKAHEAD = 6
"""How far `message_features` looks ahead for the others' answer."""


def _next_by_other(i: int, msgs: list[Message], lookahead: int = LOOKAHEAD) -> int | None:
    """The first of the next few messages written by someone else, if any."""
    author = msgs[i].author
    for j in range(i + 1, min(len(msgs), i + 1 + lookahead)):
        if msgs[j].author != author:
            return j
    return None


def outcome_features(
    bid: Bid,
    kind: str,
    msgs: list[Message],
    ctxs: list[MessageContext],
    lexicon: Lexicon,
    rule_outcome: str,
    late: bool,
    tones: ToneCodes | None = None,
    rule_labels: Sequence[MessageLabel] | None = None,
    in_conflict: Sequence[bool] | None = None,
    follow_up: tuple[int, float] | None = None,
    *,
    group: bool = False,
    reacts_to_bid: bool | None = None,
    timed: bool = True,
    waking_s: float | None = None,
) -> list[str]:
    """Features of a bid's answer for the outcome decision (without `timed`, none of its
    latency: `TIMING`). Its latency is read as `waking_s`, the waking time between bid and
    answer (`context.waking_seconds`), where given: "amazing, can't wait" at 07:30 to a bid at
    23:50 came half an hour into the day, not nearly eight hours later (DESIGN.md: time windows
    respect night).

    With `follow_up` (messages, seconds: `Thresholds.follow_up_msgs` and `follow_up_s`), also
    the bidder's own next message after the answer, if it comes that soon, and the answerer's
    next one after that (`_follow_up`): how the answer was taken ("what's that supposed to
    mean", "haha fair"), and what was said to that, say how it was meant.

    In a group (`group`) the answer the rules found may be only the next words in a lively chat:
    whether it plainly reacts to the bid (`reacts_to_bid`: a reply to it, the bidder's name, a
    reaction word), whether it follows the bidder or someone else, and how many of the bid's
    words it takes up (`_shared_words`, also in two-person chats: "changing the subject" is
    turning away) tell an answer from talk that ignores the bid.
    """
    out = ["bias", f"kind={kind}", f"rule_o={rule_outcome}", f"kind&rule_o={kind}:{rule_outcome}"]
    if group:
        out += ["group", f"group&rule_o={rule_outcome}"]
    if bid.response_index is None:
        out.append("no_response")
        return out
    j = bid.response_index
    r = msgs[j]
    rc = ctxs[j].cues
    local: list[str] = []
    _text_features("r_", r, rc, lexicon, local)
    _tone("r_", tones[j] if tones is not None else None, local)
    out.extend(local)
    for f in local:
        if f.startswith(("r_cue=", "r_len=", "r_tone=")):
            out.append(f"{kind}&{f}")
    # A reply often goes on for a message or two ("a nice time without me. good to know" /
    # "come home now"): the rest of the responder's turn says as much as its first line.
    for k in range(j + 1, min(len(msgs), j + 3)):
        if msgs[k].author != r.author or not msgs[k].text:
            break
        out.extend(f"r2_cue={name}" for name in ctxs[k].cues.hits)
        _tone("r2_", tones[k] if tones is not None else None, out)
    if rule_labels is not None:
        rl = rule_labels[j]
        if rl.horseman is not None:
            out.append(f"r_rule_h={rl.horseman.value}")
        if rl.control:
            out.append("r_rule_control")
    if in_conflict is not None:
        if in_conflict[j]:
            out.append("r_in_conflict")
        if in_conflict[bid.index]:
            out.append("bid_in_conflict")
    lat = (r.ts - msgs[bid.index].ts).total_seconds() if waking_s is None else waking_s
    if timed:
        out.append(f"lat={_bin(lat / 60, LATENCY_MINUTES)}")
    if late and timed:
        out.append("late")
        out.append(f"late&kind={kind}")
    if j - bid.index > 1:
        out.append("not_next")
    shared = f"shared={min(_shared_words(msgs[bid.index], r), 2)}"
    out.append(shared)
    if group:
        out.append(f"group&{shared}")
        if timed:
            out.append(f"group&lat={_bin(lat / 60, LATENCY_MINUTES)}")
        if reacts_to_bid is not None:
            out.append("group&reacts" if reacts_to_bid else "group&passing")
        follows = ctxs[j].answers
        bidder = msgs[bid.index].author
        if follows is not None and follows != bid.index and msgs[follows].author != bidder:
            out.append("group&follows_other")
        if names(bidder, r):
            out.append("group&names_bidder")
    if follow_up is not None:
        _follow_up(bid, j, msgs, ctxs, lexicon, tones, *follow_up, out, timed=timed)
    return out


_FUNCTION_WORDS = frozenset({  # words of four letters or more that carry no subject
    "this", "that", "these", "those", "with", "have", "just", "what", "when", "where", "which", "while", "your",
    "yours", "they", "them", "their", "there", "then", "than", "from", "will", "would", "could", "should", "about",
    "been", "were", "like", "some", "also", "here", "into", "more", "much", "very", "really", "yeah", "okay",
    "haha", "lmao", "well", "still", "even", "only", "over", "back", "going", "gonna", "want", "know", "think",
    "it's", "that's", "don't", "you're", "dont", "youre", "cant", "can't", "didn't", "didnt", "does", "doing",
    "done", "being", "make", "made", "good", "nice", "cool", "great",
})


@lru_cache(maxsize=20_000)
def _content_words(text: str) -> frozenset[str]:
    """The distinct words of substance of a text (cached: a bid's words are read again as the
    answer to the next bid)."""
    return frozenset(t for t in tokens(text) if len(t) >= 4 and t[0].isalpha() and t not in _FUNCTION_WORDS)


def _shared_words(bid: Message, reply: Message) -> int:
    """How many words of substance the reply takes up from the bid (a word and its plural count as one)."""
    if bid.kind is not MessageKind.TEXT or reply.kind is not MessageKind.TEXT:
        return 0
    said = {w.removesuffix("s") for w in _content_words(bid.text)}
    return sum(1 for w in _content_words(reply.text) if w.removesuffix("s") in said)


def _follow_up(
    bid: Bid, j: int, msgs: list[Message], ctxs: list[MessageContext], lexicon: Lexicon,
    tones: ToneCodes | None, within_msgs: int, within_s: float, out: list[str], *, timed: bool = True,
) -> None:
    """The bidder's next message after the answer `j` (within `within_msgs` messages and
    `within_s` seconds of it), as "f_" features, or "no_follow"; and the replier's next message
    after that, as soon, as "f2_" features ("jk", "relax", "sorry, that came out wrong")."""
    k = _next_by(msgs[bid.index].author, j, msgs, within_msgs, within_s)
    if k is None:
        out.append("no_follow")
        return
    _text_features("f_", msgs[k], ctxs[k].cues, lexicon, out)
    _tone("f_", tones[k] if tones is not None else None, out)
    if timed:
        out.append(f"f_gap={_bin((msgs[k].ts - msgs[j].ts).total_seconds() / 60, FOLLOW_GAP_MINUTES)}")
    k2 = _next_by(msgs[j].author, k, msgs, within_msgs, within_s)
    if k2 is not None:
        _text_features("f2_", msgs[k2], ctxs[k2].cues, lexicon, out)
        _tone("f2_", tones[k2] if tones is not None else None, out)


def _next_by(author: str, j: int, msgs: list[Message], within_msgs: int, within_s: float) -> int | None:
    """The first message by `author` among the `within_msgs` after message j, if it came within
    `within_s` seconds of j."""
    for k in range(j + 1, min(len(msgs), j + 1 + within_msgs)):
        if msgs[k].author == author:
            return k if (msgs[k].ts - msgs[j].ts).total_seconds() <= within_s else None
    return None
