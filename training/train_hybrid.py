#!/usr/bin/env python3
"""Train the hybrid backend's models on the labelled development corpus and save the weights.

    .venv/bin/python training/train_hybrid.py [--seeds 4 --jobs 2] [--cv 5] [--corpus corpus/dev ...] [--cordial 400]

Writes src/turntoward/analysis/models/hybrid.npz: the first-pass models (each message on its
own), then the second-pass ones, trained on rows that carry the neighbours' first-pass readings
as models that never saw the conversation would give them (out-of-fold), since those are the
readings the second pass will meet on new chats. The horseman, control and outcome models
also learn from friendly real chats (Topical-Chat, ../shared/data/; `cordial_conversations`),
so that polite talk is not read as hostility (`training/check_friendly.py` measures it on the
test split). Decision thresholds are chosen by cross-validation on the dev split. With --cv K,
first prints K-fold cross-validated scores of the whole pipeline (folds by conversation), so
settings can be chosen without touching the held-out split; the held-out split is measured
afterwards with `turntoward evaluate`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import random
import re
import sys
import zlib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import numpy as np

from turntoward.analysis._config import thresholds as rule_thresholds
from turntoward.analysis._text import default_lexicon, read_text
from turntoward.analysis.backends._features import (
    FIRST_READINGS,
    _fresh_text_features,
    neighbour_rows,
    response_readings,
)
from turntoward.analysis.backends._linear import LinearModel, feature_matrix, predict_many, save, train
from turntoward.analysis.backends.hybrid import MODELS, STACKED, HybridBackend, TrainingRows, local_balance
from turntoward.analysis.scoring import Scores, score
from turntoward.ingest import Source
from turntoward.ingest.labelled import read_labelled
from turntoward.model import Conversation, GoldMessage, Message, MessageKind

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src/turntoward/analysis/models/hybrid.npz"
CLASSES = {
    "kind": ["none", "attention", "question", "news", "feelings", "affection", "humor", "invitation", "support",
             "repair", "checkin"],
    "horseman": ["none", "criticism", "contempt", "defensiveness", "stonewalling"],
    "control": ["no", "yes"],
    "repair": ["no", "yes"],
    "accountability": ["none", "owns", "deflects"],
    "outcome": ["toward", "away", "against"],
}
FIRST_FOLDS = 4
AGAINST_SLACK = 0.005
"""How much outcome macro-F1 (out of fold) the decision settings may give up to find more turning against:
the issue asks for recall of hostility as well as macro-F1, and near the best the two trade almost freely."""
SETTINGS = {  # L2 strength, epochs and weight of the non-default classes, chosen by CV on the dev split
    "kind": (3e-4, 150, 2.0), "horseman": (1e-3, 150, 2.0), "control": (1e-3, 150, 2.0),
    "repair": (1e-3, 150, 2.0), "accountability": (1e-3, 150, 2.0), "outcome": (1e-3, 150, 2.0),
}


CORDIAL_DIR = ROOT.parent / "shared" / "data" / "topical_chat"
CORDIAL_FILES = ("valid_freq.json", "valid_rare.json")  # the test files stay out of training, for checking
CORDIAL_MODELS = ("horseman", "control", "outcome")
CORDIAL_LIMIT = 400
_GOOD_RATINGS = frozenset({"Good", "Excellent"})
_BAD_FEELINGS = frozenset({"Angry", "Disgusted"})


def topical_chats(files: tuple[str, ...]) -> list[tuple[Conversation, list[dict]]]:
    """Topical-Chat conversations (from CORDIAL_DIR) with their turns, which carry the partner's
    rating and the writer's feeling; the data has no times, so turns are a minute apart."""
    out = []
    for name in files:
        for cid, chat in sorted(json.loads((CORDIAL_DIR / name).read_text(encoding="utf-8")).items()):
            turns = [t for t in chat["content"] if t["message"].strip()]
            start = datetime(2024, 5, 4, 19, 0)
            msgs = [Message(i, start + timedelta(minutes=i), "Alex" if t["agent"] == "agent_1" else "Sam",
                            t["message"].strip()) for i, t in enumerate(turns)]
            out.append((Conversation(f"topical_chat/{cid}", "topical_chat", cid, msgs), turns))
    return out


def cordial_conversations(limit: int = CORDIAL_LIMIT) -> list[Conversation]:
    """Real chats between strangers that stayed friendly throughout (Topical-Chat, valid split).

    Every turn was rated Good or Excellent by the partner, and nobody reported feeling angry or
    disgusted: such a chat has no horseman and no control, and every answered bid in it was
    turned toward. They teach the models the register of ordinary polite talk that our written
    corpus lacks; without them the models read "Wow, I wonder why..." or "nice chatting with you"
    as turning against. (Data and licence: ../shared/data/README.md; only weights are kept.)
    """
    missing = [name for name in CORDIAL_FILES if not (CORDIAL_DIR / name).exists()]
    if missing:
        print(f"  {CORDIAL_DIR / missing[0]} not found: training without cordial chats", flush=True)
        return []
    chats = [conv for conv, turns in topical_chats(CORDIAL_FILES) if len(turns) >= 4 and all(
        t.get("turn_rating") in _GOOD_RATINGS and t.get("sentiment") not in _BAD_FEELINGS for t in turns)]
    random.Random(5).shuffle(chats)
    return chats[:limit]


TIMING = True
"""Whether the models read the times of messages. The shipped models do, in every chat they learn
from (the Topical-Chat chats too, whose turns are a minute apart); with --untimed none do: models for
chats whose times say nothing (`context.has_times`)."""


def _backend(models: dict[str, LinearModel]) -> HybridBackend:
    """A hybrid backend with these models, reading times as TIMING says (no models: for the features)."""
    return HybridBackend(models=models, timing=TIMING)


def cordial_rows(chats: list[Conversation], be: HybridBackend, first: list[LinearModel]) -> list[Prepared]:
    """Second-pass rows of the cordial chats for CORDIAL_MODELS only: no horseman, no control, and
    the messages the first pass reads as bids (all but the last, which nobody answered) turned toward."""
    plain = GoldMessage(None, None, None, None, False, None, False)
    out = []
    for conv in chats:
        probs = _first_pass(first, Prepared(conv, be.training_rows(conv, [plain] * len(conv.messages))))
        gold = [GoldMessage(CLASSES["kind"][int(q[1:].argmax()) + 1], "toward", None, None, False, None, False)
                if q[0] < 0.5 and i < len(conv.messages) - 1 else plain for i, q in enumerate(probs[0])]
        (second,) = second_pass([Prepared(conv, be.training_rows(conv, gold))], [(_readings(probs), None)])
        keep = TrainingRows({k: (v if k in CORDIAL_MODELS else []) for k, v in second.rows.rows.items()},
                            {k: (v if k in CORDIAL_MODELS else []) for k, v in second.rows.answers.items()})
        out.append(Prepared(conv, keep))
    return out


def load_corpus(folders: list[str]) -> list[tuple]:
    items = []
    for folder in folders:
        for f in sorted(Path(folder).glob("*.json")):
            items.append(read_labelled(Source(str(f), path=f)))
    return items


@dataclass(slots=True)
class Prepared:
    """One labelled conversation's feature rows (computed once, reused by every fold)."""

    conv: Conversation
    rows: TrainingRows
    votes: dict[str, list[tuple[str, ...]]] | None = None
    """For the message-level models, each message's label by each annotator (`annotator_votes`)."""
    copy: Prepared | None = None
    """The same conversation as people who skip capitals and punctuation, or mistype, write it
    (`casual_copy`): learnt from wherever the conversation is, never apart from it, so no fold
    tests on a conversation whose copy it trained on."""


def prepare(items: list[tuple], be: HybridBackend, casual: bool = True, seed: int = 0) -> list[Prepared]:
    votes = annotator_votes([conv for conv, _ in items])
    out = []
    for conv, gold in items:
        copy = casual_copy(conv, seed) if casual else None
        out.append(Prepared(conv, be.training_rows(conv, gold), votes.get(conv.source),
                            Prepared(copy, be.training_rows(copy, gold), votes.get(conv.source)) if copy else None))
    if BURST_SHARE and casual:
        carrier = Carrier(_train_carrier(out))
        for p, (_, gold) in zip(out, items, strict=True):
            assert p.copy is not None
            copy, copy_gold, copy_votes = burst_copy(p.copy.conv, gold, p.votes, carrier, seed)
            p.copy = Prepared(copy, be.training_rows(copy, copy_gold), copy_votes)
    return out


BURST_SHARE = 0.0
"""With --burst P: the share of the casual copies' bids of two or more sentences sent as a burst
of one message per sentence (`burst_copy`). Where one person sends several messages in a row and
one is a bid, our writers put it last in 88% of such turns (an answer, then a new reach); real
chats put it first as often as last (the bid, then what follows it), and a quarter of the bids
the models miss on real chats are a burst's other message (docs/accuracy.md, "Where in a burst the
bid goes")."""
_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=\S)|\s*\n+\s*")
CARRIER_LEAD = 0.2
"""How much more bid-like the words of the sentence that keeps a bid must read than any other
sentence of it (`Carrier`); where none leads by this much, the message is not split."""
_CARRIER_FEATURES = ("bias", "w=", "b=", "first=", "last=", "end=", "len=", "cue=", "p=", "media", "deleted",
                     "question", "exclaim", "url", "emoji_only", "first_person", "second_person", "q_you", "we",
                     "capital")


def _words_only(row: list[str], prefixes: tuple[str, ...] = _CARRIER_FEATURES) -> list[str]:
    return [f for f in row if f.startswith(prefixes)]


def _train_carrier(prepared: list[Prepared]) -> LinearModel:
    """A bid model of a message's words and cues alone (no neighbours, timing or turns), from the
    conversations and their casual copies: how bid-like one sentence reads on its own."""
    rows = [_words_only(r) for p in prepared for q in (p, p.copy) if q for r in q.rows.rows["kind"]]
    answers = [a for p in prepared for q in (p, p.copy) if q for a in q.rows.answers["kind"]]
    return _train("kind", rows, answers)


@dataclass(slots=True)
class Carrier:
    """Which sentence of a bid carries it, by `model` (`_train_carrier`): the one whose words read
    most like a bid, if it leads every other by CARRIER_LEAD."""

    model: LinearModel

    def __call__(self, sentences: list[str]) -> int | None:
        lexicon = default_lexicon()
        rows = []
        for k, text in enumerate(sentences):
            row = ["bias"]
            _fresh_text_features("", Message(k, datetime(2024, 1, 1), "x", text), read_text(text, lexicon),
                                 lexicon, row)
            rows.append(row)
        (p,) = predict_many([self.model], *feature_matrix(rows))
        bid = 1.0 - p[:, 0]
        best = int(bid.argmax())
        rest = np.delete(bid, best)
        return best if bid[best] - rest.max() >= CARRIER_LEAD else None


def burst_copy(
    conv: Conversation, gold: list[GoldMessage], votes: dict[str, list[tuple[str, ...]]] | None,
    carrier: Callable[[list[str]], int | None], seed: int = 0,
) -> tuple[Conversation, list[GoldMessage], dict[str, list[tuple[str, ...]]] | None]:
    """`conv` with some of its bids sent as bursts: a bid message of two to four sentences and
    nothing else labelled on it (no horseman, control, repair or accountability), by a coin
    seeded with the conversation (BURST_SHARE), becomes one message per sentence at the same
    minute, the bid on the sentence that carries it (`carrier`), the others labelled nothing (and
    voted so by every annotator). Returns the new conversation, its labels and its votes."""
    name = Path(conv.source).name
    rng = random.Random(zlib.crc32(f"burst#{name}#{seed}".encode()))
    empty = GoldMessage(None, None, None, None, False, None, False)
    nothing = {"kind": "none", "horseman": "none", "control": "no", "repair": "no", "accountability": "none"}
    msgs: list[Message] = []
    labels: list[GoldMessage] = []
    source: list[int | None] = []  # the original message each new one takes its votes from (None: nothing)
    for i, (m, g) in enumerate(zip(conv.messages, gold, strict=True)):
        parts = [t for t in _SENTENCES.split(m.text) if t.strip()] if m.kind is MessageKind.TEXT else []
        plain = g.bid_kind not in (None, "attention") and not (g.horseman or g.control or g.repair or g.accountability)
        at = carrier(parts) if plain and 2 <= len(parts) <= 4 and rng.random() < BURST_SHARE else None
        if at is None:
            msgs.append(dataclasses.replace(m, index=len(msgs)))
            labels.append(g)
            source.append(i)
            continue
        for k, text in enumerate(parts):
            msgs.append(dataclasses.replace(m, index=len(msgs), text=text, reply_to=m.reply_to if k == 0 else None,
                                            reactions=m.reactions if k == at else ()))
            labels.append(g if k == at else empty)
            source.append(i if k == at else None)
    new_votes = None if votes is None else {
        model: [per[i] if i is not None else (nothing[model],) * len(per[0]) for i in source]
        for model, per in votes.items()}
    return dataclasses.replace(conv, messages=msgs), labels, new_votes


_PUNCTUATION = re.compile(r"[?.!,;'’]")


def casual_copy(conv: Conversation, seed: int = 0) -> Conversation:
    """`conv` as written by people who type casually: each author, by a coin seeded with the
    conversation, writes all in lower case, without punctuation, or both, and three in ten also
    mistype a tenth of their longer words (two letters swapped or one dropped). Media, notices
    and the labels stay. Our corpus is written with more care than real chats are; on dev, out
    of fold, the models trained with these copies lose nothing on the corpus as written and do
    1.2 points of bid F1 and 2.3 of kind accuracy better on its casual copy. Each `seed` gives
    other hands (seed 0: the copies every model before --seeds learnt from)."""
    name = Path(conv.source).name  # the file name: not where the checkout is
    rng = random.Random(zlib.crc32((f"{name}#{seed}" if seed else name).encode("utf-8")))

    def typist() -> Callable[[str], str]:
        style, typos = rng.choice(("lower", "bare", "both")), rng.random() < 0.3

        def write(text: str) -> str:
            if style != "bare":
                text = text.lower()
            if style != "lower":
                text = _PUNCTUATION.sub("", text)
            return " ".join(_mistype(w, rng) for w in text.split(" ")) if typos else text

        return write

    hands = {author: typist() for author in dict.fromkeys(m.author for m in conv.messages)}
    return dataclasses.replace(conv, messages=[
        dataclasses.replace(m, text=hands[m.author](m.text)) if m.kind is MessageKind.TEXT else m
        for m in conv.messages])


def _mistype(word: str, rng: random.Random) -> str:
    if len(word) < 4 or rng.random() > 0.1:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:] if rng.random() < 0.5 else word[:i] + word[i + 1:]


VOTED = ("kind", "horseman", "control", "repair", "accountability")
"""The models that learn every annotator's label of a message rather than the settled one."""


def annotator_votes(convs: list[Conversation]) -> dict[str, dict[str, list[tuple[str, ...]]]]:
    """By conversation source: the three annotators' labels of each message, for each model of VOTED.

    The corpus settles each label by majority (corpus/adjudicate.py); where the annotators
    disagree, the models learn their shares instead, so a message that one of three called a bid
    is taught as one-in-three, not as certainly none. Conversations outside corpus/ (or whose
    copies do not line up message by message) have no votes and learn their settled labels.
    """
    sys.path.insert(0, str(ROOT / "corpus"))
    import adjudicate  # the corpus's own reader of the three copies

    where = {c.source: Path(c.source).resolve() for c in convs}
    splits = {f.parent.name for f in where.values() if f.parent.parent == ROOT / "corpus"}
    labelled = {split: adjudicate.copies(split) for split in sorted(splits)}
    out = {}
    for conv in convs:
        f = where[conv.source]
        found = [copy[f.stem]["messages"] for copy in labelled.get(f.parent.name, ()) if f.stem in copy]
        n = len(conv.messages)
        if len(found) != 3 or any(len(msgs) != n for msgs in found):
            continue
        labels = [[_message_labels(m) for m in msgs] for msgs in found]
        out[conv.source] = {name: [tuple(copy[i][name] for copy in labels) for i in range(n)] for name in VOTED}
    return out


def _message_labels(m: dict) -> dict[str, str]:
    return {"kind": m["bid"]["kind"] if m["bid"] else "none", "horseman": m["horseman"] or "none",
            "control": "yes" if m["control"] else "no", "repair": "yes" if m["repair"] else "no",
            "accountability": m["accountability"] or "none"}


def _train(name: str, rows: list[list[str]], answers: list[str | tuple[str, ...]]) -> LinearModel:
    l2, epochs, boost = SETTINGS[name]
    weights = {c: (1.0 if i == 0 else boost) for i, c in enumerate(CLASSES[name])}
    return train(rows, answers, CLASSES[name], l2=l2, epochs=epochs, class_weight=weights)


GAP_DROPOUT = 0.0
"""With --gap-dropout P: the share of the kind models' timing features (how soon a message answered
the one before, how soon the next reply came) left out of their training rows, each feature of each
row by a coin seeded with the conversation, so the models cannot lean on our writers' timing alone
(docs/accuracy.md, "Real chats, labelled"). The readings the second pass learns from still see
every feature."""
_GAPS = ("reply_gap=", "next_gap=")


def _without_some_gaps(rows: list[list[str]], key: str) -> list[list[str]]:
    def kept(i: int, f: str) -> bool:
        return not f.startswith(_GAPS) or zlib.crc32(f"{key}#{i}#{f}".encode()) / 2**32 >= GAP_DROPOUT

    return [[f for f in row if kept(i, f)] for i, row in enumerate(rows)]


FIRST_WORDS_ONLY = False
"""With --first-words-only: the first-pass models read a message's words, cues and tone alone (no
neighbours, timing, turns or the rules' readings), so the readings the second pass compares across
a burst say what each message's words are, not where it stands (docs/accuracy.md, "Where in a
burst the bid goes"; four seeds: not shipped). The analysis itself cannot read such a model file
yet: its first pass reads every feature."""


def _first_rows(rows: list[list[str]]) -> list[list[str]]:
    """A first pass's rows: all of them, or with FIRST_WORDS_ONLY the words, cues and tone alone."""
    return [_words_only(r, (*_CARRIER_FEATURES, "tone=")) for r in rows] if FIRST_WORDS_ONLY else rows


def _pool(
    prepared: list[Prepared], name: str, first: bool = False
) -> tuple[list[list[str]], list[str | tuple[str, ...]]]:
    """The rows of model `name` and what each should learn: the annotators' votes where known;
    `first`: for a first-pass model (`_first_rows`)."""
    rows: list[list[str]] = []
    answers: list[str | tuple[str, ...]] = []
    for p in prepared:
        times = _times(p.conv.source)
        for q in (p, p.copy) if p.copy else (p,):
            if first:
                own = _first_rows(q.rows.rows[name])
            elif name == "kind" and GAP_DROPOUT:
                own = _without_some_gaps(q.rows.rows[name], f"{Path(q.conv.source).name}#{q is p.copy}")
            else:
                own = q.rows.rows[name]
            rows += own * times
            answers += (q.votes[name] if q.votes and name in q.votes else q.rows.answers[name]) * times
    return rows, answers


WEIGHTS: dict[str, int] = {}
"""With --weight PREFIX=N: conversations whose file name starts with PREFIX count N times in every
model's training rows (their casual copies too). A small set written for one pattern would
otherwise be lost among 45,000 messages that teach the opposite: `--corpus corpus/dev
corpus/bursts --weight burst_=3` trains on the bursts set (the bid on a burst's first or middle
message, as real chats put it) three times over. The repeats stay with their conversation, so no
fold tests on a conversation it trained on."""


def _times(source: str) -> int:
    name = Path(source).name
    return next((n for prefix, n in WEIGHTS.items() if name.startswith(prefix)), 1)


def _first_pass(models: list[LinearModel], p: Prepared) -> list[np.ndarray]:
    """Each first-pass model's class probabilities for every message of `p`."""
    return predict_many(models, *feature_matrix(_first_rows(p.rows.rows["kind"])))


def _readings(probs: list[np.ndarray]) -> np.ndarray:
    """How likely each message carries each of FIRST_READINGS (one minus its default class)."""
    return np.stack([1.0 - q[:, 0] for q in probs], axis=1)


Readings = tuple[np.ndarray, np.ndarray | None]
"""First-pass readings of a conversation's messages, and of its casual copy's (if it has one)."""


def out_of_fold_readings(prepared: list[Prepared], folds: int = FIRST_FOLDS) -> list[Readings]:
    """First-pass readings of every conversation (and its copy) by models that never saw it.

    The second pass must learn from readings like those it will meet on new chats; readings of
    the first pass's own training data would be too sure of themselves.
    """
    out: list[Readings | None] = [None] * len(prepared)
    for k in range(folds):
        held = set(range(k, len(prepared), folds))
        rest = [p for i, p in enumerate(prepared) if i not in held]
        models = [_train(name, *_pool(rest, name, first=True)) for name in FIRST_READINGS]
        for i in held:
            copy = prepared[i].copy
            out[i] = (_readings(_first_pass(models, prepared[i])),
                      _readings(_first_pass(models, copy)) if copy else None)
    return [r for r in out if r is not None]


def second_pass(prepared: list[Prepared], readings: list[Readings]) -> list[Prepared]:
    """The same conversations with the neighbours' first-pass readings added to the message rows."""
    out = []
    for p, (r, r_copy) in zip(prepared, readings, strict=True):
        copy = second_pass([p.copy], [(r_copy, None)])[0] if p.copy is not None and r_copy is not None else None
        msgs = p.conv.messages
        extra = neighbour_rows(0, len(msgs), msgs, r)
        rows = {name: [row + e for row, e in zip(p.rows.rows[name], extra, strict=True)] for name in STACKED}
        rows["outcome"] = [row + response_readings(j, r)
                           for row, j in zip(p.rows.rows["outcome"], p.rows.responses, strict=True)]
        out.append(Prepared(p.conv, TrainingRows(rows, p.rows.answers, p.rows.responses), p.votes, copy))
    return out


def first_pass_and_rows(
    prepared: list[Prepared], chats: list[Conversation] = ()
) -> tuple[dict[str, LinearModel], list[Prepared]]:
    """The first-pass models, and the rows the second-pass models learn from: the labelled
    conversations with out-of-fold readings, then the cordial chats (see `cordial_rows`)."""
    models = {f"first.{name}": _train(name, *_pool(prepared, name, first=True)) for name in FIRST_READINGS}
    second = second_pass(prepared, out_of_fold_readings(prepared))
    extra = cordial_rows(chats, _backend({}), [models[f"first.{name}"] for name in FIRST_READINGS])
    return models, [*second, *extra]


def fit(prepared: list[Prepared], chats: list[Conversation] = ()) -> dict[str, LinearModel]:
    """Both passes' models from labelled conversations (and cordial chats, see `cordial_rows`)."""
    models, rows = first_pass_and_rows(prepared, chats)
    return models | second_pass_models(rows)


def second_pass_models(rows: list[Prepared]) -> dict[str, LinearModel]:
    """The second-pass models (MODELS), trained on the rows `first_pass_and_rows` gives."""
    return {name: _train(name, *_pool(rows, name)) for name in MODELS}


def _metric(name: str, gold: list[int], pred: list[int], n_classes: int) -> float:
    """What a threshold is chosen to maximise: detection F1, or macro-F1 for outcomes."""
    g, p = np.array(gold), np.array(pred)
    if name == "outcome":
        f1s = []
        for c in range(n_classes):
            tp = np.sum((p == c) & (g == c))
            denom = np.sum(p == c) + np.sum(g == c)
            f1s.append(2 * tp / denom if denom else 0.0)
        return float(np.mean(f1s))
    if name == "kind":
        g, p = g > 0, p > 0
    tp = np.sum((p == g) & (g > 0))
    fp = np.sum((p > 0) & (p != g))
    fn = np.sum((g > 0) & (p != g))
    return float(2 * tp / (2 * tp + fp + fn)) if tp else 0.0


def _against_recall(gold: list[int], pred: list[int]) -> float:
    g, p = np.array(gold), np.array(pred)
    return float(np.mean(p[g == 2] == 2)) if np.any(g == 2) else 0.0


def _decisions(name: str, probs: np.ndarray, threshold: float, floor: float) -> list[int]:
    """The classes a model of `name` would decide for rows of probabilities, with these settings."""
    rule = LinearModel(CLASSES[name], np.zeros((1, 1)), np.zeros(1), threshold, floor)
    return rule.decide_many(probs) if len(probs) else []


@dataclass(slots=True)
class OutOfFold:
    """Every second-pass model's out-of-fold class probabilities, conversation by conversation, with
    the answers, and each conversation's bids (the outcome rows' messages) for `local_balance`."""

    probs: dict[str, list[np.ndarray]]
    gold: dict[str, list[int]]
    bids_at: list[list[int]]

    @classmethod
    def mean(cls, runs: list[OutOfFold]) -> OutOfFold:
        """The probabilities of several runs on the same conversations and folds, averaged."""
        first = runs[0]
        return cls({name: [np.mean(ps, axis=0) for ps in zip(*(r.probs[name] for r in runs), strict=True)]
                    for name in first.probs}, first.gold, first.bids_at)


def out_of_fold(second: list[Prepared], folds: int, extra: list[Prepared] = ()) -> OutOfFold:
    """Out-of-fold probabilities of every second-pass model: `folds` folds by conversation, in a
    seeded order (the same for every seed of `--seeds`). `extra` rows join every fold's training,
    never its scoring."""
    rng = random.Random(11)
    order = list(range(len(second)))
    rng.shuffle(order)
    probs: dict[str, list[np.ndarray]] = {k: [] for k in MODELS}
    bids_at: list[list[int]] = []  # the outcome rows' bids, by message, conversation by conversation
    gold: dict[str, list[int]] = {k: [] for k in MODELS}
    for k in range(folds):
        test_ids = sorted(order[k::folds])
        held = set(test_ids)
        rest = [second[i] for i in order if i not in held]
        for name in MODELS:
            model = _train(name, *_pool([*rest, *extra], name))
            for i in test_ids:
                rows, answers = second[i].rows.rows[name], second[i].rows.answers[name]
                if not rows:
                    continue
                (p,) = predict_many([model], *feature_matrix(rows))
                if name == "outcome":  # weighed against the bids around, as on new chats
                    bids_at.append([j for j, a in enumerate(second[i].rows.answers["kind"]) if a != "none"])
                probs[name].append(p)
                gold[name] += [CLASSES[name].index(a) for a in answers]
    return OutOfFold(probs, gold, bids_at)


def choose_thresholds(oof: OutOfFold, save_oof: str | None = None) -> dict[str, tuple[float, float, np.ndarray | None]]:
    """The decision settings that do best on the out-of-fold probabilities (`out_of_fold`).

    For outcomes also the mean out-of-fold probabilities: the balance of outcomes the model
    expects on chats like our corpus, against which `hybrid.local_balance` weighs the bids around.

    For each model, the threshold on the default class; for outcomes also the floor at which
    turning against is chosen though another outcome is likelier (a plain argmax can under-call
    the rarest outcome): among the settings within AGAINST_SLACK of the best macro-F1, the one
    with the highest against recall (`Grid.pick`, on scores smoothed over neighbouring thresholds).
    With `save_oof`, the out-of-fold probabilities and answers are saved there (`.npz`), for
    studying the choice.
    """
    probs, gold, bids_at = oof.probs, oof.gold, oof.bids_at
    oof_arrays: dict[str, np.ndarray] = {}
    out = {}
    for name in MODELS:
        p = np.concatenate(probs[name])
        prior = p.mean(axis=0) if name == "outcome" else None
        if prior is not None:
            p = np.concatenate([local_balance(q, at, prior, rule_thresholds())
                                for q, at in zip(probs[name], bids_at, strict=True)])
        if save_oof is not None:
            oof_arrays[f"{name}.p"], oof_arrays[f"{name}.gold"] = p, np.array(gold[name])
            oof_arrays[f"{name}.sizes"] = np.array([len(q) for q in probs[name]])  # rows per conversation
        grid = Grid.of(name, p, gold[name])
        t, f = grid.pick(name)
        out[name] = (t, f, prior)
        i, k = grid.at(t, f)
        raw_t, raw_f = grid.pick(name, smooth=0)
        floor = f", floor on '{CLASSES[name][-1]}' {f:.3f}" if f < 1.0 else ""
        print(f"  {name}: threshold on '{CLASSES[name][0]}' {t:.3f}{floor} (out-of-fold score {grid.scores[i, k]:.3f}; "
              f"unsmoothed, the best is {raw_t:.3f}" + (f" / {raw_f:.3f}" if raw_f < 1.0 else "")
              + f" at {grid.scores[grid.at(raw_t, raw_f)]:.3f})")
        if name == "outcome":
            g, pred = np.array(gold[name]), np.array(_decisions(name, p, t, f))
            print(f"  outcome: against recall {grid.recalls[i, k]:.3f}, precision {np.mean(g[pred == 2] == 2):.3f} "
                  f"(out of fold; best macro-F1 {grid.scores.max():.3f})")
            top = grid.scores.max()
            for slack in (0.01, 0.02, 0.04, 0.08):  # what more recall of hostility would cost (not chosen)
                i2, k2 = max(((a, b) for a in range(grid.scores.shape[0]) for b in range(grid.scores.shape[1])
                              if grid.scores[a, b] >= top - slack),
                             key=lambda ab: (grid.recalls[ab], grid.scores[ab]))
                pred2 = np.array(_decisions(name, p, float(THRESHOLDS[i2]), grid.floors[k2]))
                print(f"    giving up {slack:.2f} of macro-F1 would find against recall {grid.recalls[i2, k2]:.3f} at "
                      f"precision {np.mean(g[pred2 == 2] == 2):.3f} (macro-F1 {grid.scores[i2, k2]:.3f})")
    if save_oof is not None:
        np.savez_compressed(save_oof, **oof_arrays)
    return out


THRESHOLDS = np.linspace(0.2, 0.95, 31)
"""The thresholds on the default class that are tried (steps of 0.025)."""
OUTCOME_FLOORS = [*np.linspace(0.1, 0.5, 17).tolist(), 1.0]
SMOOTH = 2
"""Decision thresholds are chosen on the out-of-fold score averaged over this many grid steps either
side (0.05): near its best the score is flat, and a plain argmax of a flat curve jumps with the
data (three runs on nearly the same conversations chose 0.525, 0.65 and 0.55 for the horseman)."""


@dataclass(slots=True)
class Grid:
    """A model's out-of-fold score (and, for outcomes, against recall) at every setting tried:
    rows are THRESHOLDS, columns the floors on the last class (1.0: none)."""

    scores: np.ndarray
    recalls: np.ndarray
    floors: list[float]

    @classmethod
    def of(cls, name: str, p: np.ndarray, gold: list[int]) -> Grid:
        floors = OUTCOME_FLOORS if name == "outcome" else [1.0]
        scores = np.zeros((len(THRESHOLDS), len(floors)))
        recalls = np.zeros_like(scores)
        for i, t in enumerate(THRESHOLDS):
            for k, f in enumerate(floors):
                pred = _decisions(name, p, float(t), f)
                scores[i, k] = _metric(name, gold, pred, len(CLASSES[name]))
                recalls[i, k] = _against_recall(gold, pred) if name == "outcome" else 0.0
        return cls(scores, recalls, floors)

    def at(self, t: float, f: float) -> tuple[int, int]:
        return int(np.argmin(np.abs(THRESHOLDS - t))), self.floors.index(f)

    def pick(self, name: str, smooth: int = SMOOTH) -> tuple[float, float]:
        """The threshold and floor with the best score averaged over `smooth` thresholds either side;
        for outcomes, among those within AGAINST_SLACK of that best, the one that finds the most
        turning against (missing hostility is the costlier error). Ties go to the highest
        threshold and floor."""
        n = len(THRESHOLDS)
        smoothed = np.stack([self.scores[max(0, i - smooth):i + smooth + 1].mean(axis=0) for i in range(n)])
        top = smoothed.max()
        cells = [(i, k) for i in range(n) for k in range(len(self.floors))]
        if name == "outcome":
            i, k = max(cells, key=lambda c: (self.recalls[c], smoothed[c], c) if smoothed[c] >= top - AGAINST_SLACK
                       else (-1.0, 0.0, (0, 0)))
        else:
            i, k = max(cells, key=lambda c: (smoothed[c], c))
        return float(THRESHOLDS[i]), self.floors[k]


def one_seed(
    seed: int, items: list[tuple], chats: list[Conversation], folds: int, casual: bool = True
) -> tuple[dict[str, LinearModel], OutOfFold | None]:
    """Both passes' models, trained with the casual copies of `seed`, and (with `folds`) the
    second-pass models' out-of-fold probabilities."""
    prepared = prepare(items, _backend({}), casual=casual, seed=seed)  # rules only, for the features
    models, rows = first_pass_and_rows(prepared, chats)
    second, extra = rows[:len(prepared)], rows[len(prepared):]
    print(f"  seed {seed}: {len(extra)} cordial chats ({sum(len(p.rows.answers['outcome']) for p in extra)} bids) "
          f"for {', '.join(CORDIAL_MODELS)}", flush=True)
    oof = out_of_fold(second, folds, extra) if folds else None
    models |= second_pass_models(rows)
    print(f"  seed {seed}: trained", flush=True)
    return models, oof


def average(runs: list[dict[str, LinearModel]]) -> dict[str, LinearModel]:
    """Each model's weights and bias averaged over runs. The models are linear, so the average's
    logits are the mean of the runs' logits: an ensemble that costs nothing at run time. Runs on
    different casual copies differ by more than one would think (three retrains on the same
    corpus: held-out outcome macro-F1 0.859, 0.848, 0.848); an average of four moves less: a second
    average, on seeds 4-7, read held-out outcome macro-F1 0.850 against the shipped 0.847
    (docs/accuracy.md, "An average of four trainings")."""
    first = runs[0]
    return {name: LinearModel(m.classes, np.mean([r[name].weights for r in runs], axis=0, dtype=np.float32),
                              np.mean([r[name].bias for r in runs], axis=0, dtype=np.float32))
            for name, m in first.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", nargs="+", default=[str(ROOT / "corpus/dev")])
    ap.add_argument("--cv", type=int, default=0)
    ap.add_argument("--thresholds", type=int, default=3, help="folds for choosing decision thresholds (0: 0.5)")
    ap.add_argument("--cordial", type=int, default=CORDIAL_LIMIT,
                    help="how many friendly real chats (Topical-Chat) to add as examples of no horseman, no control "
                         "and turning toward (0: none)")
    ap.add_argument("--save-oof", metavar="NPZ",
                    help="save the out-of-fold probabilities the decision thresholds are chosen on")
    ap.add_argument("--no-casual", action="store_true",
                    help="train without the casually typed copy of each conversation (see casual_copy)")
    ap.add_argument("--seeds", type=int, default=1,
                    help="train this many times, each with other casual copies, and average the models (see average)")
    ap.add_argument("--first-seed", type=int, default=0,
                    help="the casual copies of seeds N, N+1, ... (another set, to see how far an average moves)")
    ap.add_argument("--jobs", type=int, default=1, help="processes for --seeds (each needs about 1 GB)")
    ap.add_argument("--out", type=Path, default=OUT, help="where to write the models")
    ap.add_argument("--gap-dropout", type=float, default=0.0,
                    help="share of the kind models' timing features left out of training rows (see GAP_DROPOUT)")
    ap.add_argument("--first-words-only", action="store_true",
                    help="first-pass models of a message's words, cues and tone alone (see FIRST_WORDS_ONLY)")
    ap.add_argument("--weight", action="append", default=[], metavar="PREFIX=N",
                    help="conversations whose file name starts with PREFIX count N times (see WEIGHTS)")
    ap.add_argument("--untimed", action="store_true",
                    help="models that read no times, for chats without them (see TIMING)")
    ap.add_argument("--keep", nargs="+", choices=MODELS, metavar="MODEL",
                    help="save only these models (the shipped hybrid_untimed.npz: --untimed --keep outcome)")
    ap.add_argument("--burst", type=float, default=0.0,
                    help="share of the casual copies' longer bids sent as a burst of sentences (see BURST_SHARE)")
    args = ap.parse_args()
    global GAP_DROPOUT, BURST_SHARE, FIRST_WORDS_ONLY, TIMING
    GAP_DROPOUT, BURST_SHARE, FIRST_WORDS_ONLY = args.gap_dropout, args.burst, args.first_words_only
    TIMING = not args.untimed
    for spec in args.weight:
        prefix, _, times = spec.partition("=")
        if not prefix or not times.isdigit() or int(times) < 1:
            ap.error(f"--weight {spec!r}: expected PREFIX=N with N a whole number of at least 1")
        WEIGHTS[prefix] = int(times)
    chats = cordial_conversations(args.cordial) if args.cordial else []
    items = load_corpus(args.corpus)
    print(f"{len(items)} labelled conversations, {sum(len(c.messages) for c, _ in items)} messages", flush=True)
    if args.cv:
        prepared = prepare(items, _backend({}), casual=not args.no_casual)
        rng = random.Random(7)
        order = list(range(len(items)))
        rng.shuffle(order)
        scores = Scores()
        for k in range(args.cv):
            held = set(order[k::args.cv])
            be = _backend(fit([prepared[i] for i in order if i not in held], chats))
            for i in held:
                conv, gold = items[i]
                score(gold, be.label(conv).labels, scores)
            print(f"  fold {k + 1}/{args.cv} done", flush=True)
        d = scores.as_dict()
        print(f"{args.cv}-fold CV: bid F1 {d['bid']['f1']:.3f} (P {d['bid']['precision']:.3f} "
              f"R {d['bid']['recall']:.3f}), outcome macro-F1 {d['outcome_macro_f1']:.3f}, against recall "
              f"{d['outcome']['against']['recall']:.3f}, kind accuracy {d['kind_accuracy']:.3f}, horseman F1 "
              f"{d['horseman']['f1']:.3f}, control F1 {d['control']['f1']:.3f}, repair F1 {d['repair']['f1']:.3f}",
              flush=True)
    run = partial(one_seed, items=items, chats=chats, folds=args.thresholds, casual=not args.no_casual)
    if args.jobs > 1 and args.seeds > 1:
        with ProcessPoolExecutor(min(args.jobs, args.seeds), mp_context=multiprocessing.get_context("fork")) as pool:
            runs = list(pool.map(run, range(args.first_seed, args.first_seed + args.seeds)))
    else:
        runs = [run(seed) for seed in range(args.first_seed, args.first_seed + args.seeds)]
    models = average([m for m, _ in runs])
    oofs = [o for _, o in runs if o is not None]
    if len(runs) > 1:
        print(f"averaged the models of {len(runs)} seeds; decision settings on their averaged out-of-fold readings",
              flush=True)
    thresholds = choose_thresholds(OutOfFold.mean(oofs), args.save_oof) if oofs else {}
    for name in MODELS:
        models[name].default_threshold, models[name].last_floor, models[name].prior = thresholds.get(
            name, (0.5, 1.0, None))
    save({name: m for name, m in models.items() if not args.keep or name in args.keep}, str(args.out))
    print(f"saved {args.out} ({args.out.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
