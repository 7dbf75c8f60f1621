"""The hybrid backend: the rules' reading, re-decided by small models trained on our labelled corpus.

The rules find cues, context and responses; linear models over those cues, the words and the
surrounding turns decide whether a message is a bid and of which kind, the horseman, control,
repair and accountability, and how each bid was answered. The message decisions take two
passes: a first pass reads each message on its own, and the second also sees the first pass's
readings of the messages beside it (which message of a burst carries the bid, runs of
conflict) and, for outcomes, of the bid's response. Weights live in
`analysis/models/hybrid.npz` (trained by `training/train_hybrid.py`, figures in the README).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from io import BytesIO

import numpy as np

from turntoward.analysis._config import Thresholds, thresholds
from turntoward.analysis._text import Lexicon, default_lexicon, tokens
from turntoward.analysis.backends import Labelling, register_backend
from turntoward.analysis.backends._features import (
    FIRST_READINGS,
    LOOKAHEAD,
    ToneCodes,
    hostile_level,
    message_features,
    neighbour_rows,
    outcome_features,
    response_readings,
    tone_codes,
)
from turntoward.analysis.backends._linear import (
    LinearModel,
    add_features,
    feature_matrix,
    hashed,
    load,
    predict_many,
)
from turntoward.analysis.backends._tone import tones, tones_of
from turntoward.analysis.backends.rules import RulesBackend, RulesPass, answer_bid, reacted
from turntoward.analysis.bids import speaks_of_self_harm
from turntoward.analysis.conflict import WARM_CUES, said_plainly
from turntoward.analysis.context import waking_seconds
from turntoward.analysis.findings import Accountability, Bid, BidKind, Horseman, MessageLabel, Outcome
from turntoward.analysis.responses import reacts
from turntoward.model import Conversation, GoldMessage, Message, MessageKind

_CONFLICT_CUES = ("criticism", "contempt", "defensiveness", "stonewalling", "dismissive", "deflects", "insult",
                  "threat")
_CHUNK = 5_000
_SURE_HORSEMAN = 0.6
"""A model this sure may call a horseman without a lexicon cue or conflict around it (dev split, out
of fold: horseman F1 0.46 -> 0.50 at precision 0.65 -> 0.62)."""
_SURE_CONTROL = 0.75
"""A model this sure may call control without a control phrase, inside a quarrel. Set for precision:
calling someone controlling is an accusation (dev split, out of fold: 0.6 gave control F1 0.37 at
precision 0.81, 0.75 gives 0.33 at 0.89 and half the false alarms)."""
MODELS = ("kind", "horseman", "control", "repair", "accountability", "outcome")
STACKED = MODELS[:-1]
"""The second-pass models that decide each message with its neighbours' first-pass readings."""
FIRST = tuple(f"first.{name}" for name in FIRST_READINGS)
"""The first-pass models (same classes as the second-pass ones of the same name)."""


@cache
def load_models(raw: bytes) -> dict[str, LinearModel]:
    """Every model of a hybrid model file (`.npz`, as training/train_hybrid.py writes it; a file
    of some models only, such as `UNTIMED_FILE`, gives those)."""
    data = dict(np.load(BytesIO(raw), allow_pickle=False))
    return {name: load(data, name) for name in (*MODELS, *FIRST) if f"{name}.classes" in data}


UNTIMED_FILE = "hybrid_untimed.npz"
"""The models for chats without times (`context.has_times`), every one of them, trained on the same
corpus read a minute a line with no feature of times (`training/train_hybrid.py --seeds 4 --jobs 2
--untimed --out src/turntoward/analysis/models/hybrid_untimed.npz`). Until 2026-11-28 only the
outcome model was, the message models being the timed ones read without those features: they took
Topical-Chat's friendly talk for hostility (73 horsemen in 23,530 messages, 23 now; docs/accuracy.md,
"The whole set trained without times")."""


def _bundled(name: str = "hybrid.npz") -> dict[str, LinearModel]:
    return load_models(resources.files("turntoward.analysis.models").joinpath(name).read_bytes())


@dataclass(slots=True)
class TrainingRows:
    """Feature rows and gold answers for each model, from one labelled conversation."""

    rows: dict[str, list[list[str]]]
    answers: dict[str, list[str]]
    responses: list[int | None] = field(default_factory=list)
    """For each outcome row, the message the rules took for the bid's response."""


def _waking(bid: Bid, conv: Conversation, th: Thresholds) -> float | None:
    """The waking seconds between a bid and its answer (None where nobody answered)."""
    if bid.response_index is None:
        return None
    msgs = conv.messages
    return waking_seconds(msgs[bid.index].ts, msgs[bid.response_index].ts, th)


def _passing(bid: Bid, rp: RulesPass, msgs: list[Message], tone: ToneCodes, readings: np.ndarray) -> bool:
    """Whether a group bid's response is only the next words in a lively chat: it does not react
    to the bid (ANNOTATION.md: "messages that ignore it do not count") and shows no hostility of
    its own (no conflict cue, no quarrel around it, no hostile tone, no first-pass horseman or
    control). Such a message does not turn against the bid, whatever the model made of the two."""
    j = bid.response_index
    assert j is not None
    c = rp.contexts[j].cues
    if reacts(c, msgs[j], msgs[bid.index], rp.contexts[bid.index].cues):
        return False
    hostile = hostile_level(tone[j]) >= 2  # the tone model at least 50% sure (see tone_codes)
    first_pass = readings[j, _HORSEMAN] >= 0.3 or readings[j, _CONTROL] >= 0.3
    return not (c.has(*_CONFLICT_CUES) or rp.heated[j] or hostile or first_pass)


_HORSEMAN, _CONTROL = FIRST_READINGS.index("horseman"), FIRST_READINGS.index("control")


def local_balance(p: np.ndarray, at: list[int], prior: np.ndarray | None, th: Thresholds) -> np.ndarray:
    """The outcome model's probabilities with turning against re-weighted for how often it reads
    in the bids around each one (after Saerens, Latinne & Decaestecker 2002, "Adjusting the outputs
    of a classifier to new a priori probabilities": one step of their EM, in a window).

    The model learned from our corpus, where about one answered bid in fifteen is turned against:
    it was written to hold every dynamic. Most real chats are calmer, and there the model's
    borderline "against" readings are mostly wrong (in a real 46,000-message college group, nearly
    all; docs/accuracy.md). `prior` is the mean reading the model gives on corpus bids it never
    trained on; the local balance is the mean reading over the other bids within
    `prior_window_msgs` messages either side, with `prior_pseudo_bids` bids of `prior` mixed in,
    so a short chat stays close to it (and a lone bid is read as the model reads it). The odds of
    "against" are multiplied by local balance / prior. Only "against": re-weighting "away" as well
    made a real chat full of unanswered photos call a laughing reply to the next one "away" (31 of
    480 bids changed in a two-friend WhatsApp chat, nearly all wrongly). The window is counted in messages so that a
    long chat labelled in stretches (`segments`) gets the same labels as labelled whole."""
    if prior is None or not len(at):
        return p
    idx = np.asarray(at)
    w, alpha = th.prior_window_msgs, th.prior_pseudo_bids
    lo = np.searchsorted(idx, idx - w, side="left")
    hi = np.searchsorted(idx, idx + w, side="right")
    # Window sums from running sums of readings in whole millionths: integers add up exactly, so a
    # window's sum does not depend on where the running sum started (a stretch starts elsewhere).
    millionths = np.rint(p * 1e6).astype(np.int64)
    sums = np.vstack([np.zeros((1, p.shape[1]), dtype=np.int64), np.cumsum(millionths, axis=0)])
    around = sums[hi] - sums[lo] - millionths  # the bid's own reading is not its surroundings
    local = (around / 1e6 + alpha * prior) / ((hi - lo - 1)[:, None] + alpha)
    ratio = np.ones_like(p)
    k = p.shape[1] - 1  # turning against, the last outcome: the only one re-weighted (see above)
    ratio[:, k] = local[:, k] / prior[k]
    q = p * ratio
    return q / q.sum(axis=1, keepdims=True)


def _balance_cue(before: np.ndarray, after: np.ndarray, model: LinearModel) -> str:
    """Why the decision differs from the model's plain reading: the outcomes around it."""
    k = model.classes.index("against")
    return f"balance:against {before[k]:.2f}->{after[k]:.2f} (how common it is in the bids around)"


@dataclass(slots=True)
class _Decided:
    """The second pass's decisions for one chunk of messages, one entry per message."""

    chosen: dict[str, list[int]]
    """Each model's class index (`LinearModel.decide`), the kind already set for media and links."""
    kind_p: list[list[float]]
    """The kind model's probabilities (a bid's score)."""
    no_horseman_p: list[float]
    control_p: list[float]


@register_backend
class HybridBackend:
    """Rules for cues and context, trained linear models for the decisions."""

    name = "hybrid"

    def __init__(
        self, models: dict[str, LinearModel] | None = None, lexicon: Lexicon | None = None, *,
        timing: bool | None = None, untimed: dict[str, LinearModel] | None = None,
    ) -> None:
        self.models = models if models is not None else _bundled()
        self._untimed = untimed if untimed is not None or models is None else {}
        """Models that replace some of `models` in a chat without times: `untimed`; with the bundled
        models, `UNTIMED_FILE`'s, loaded when first needed (None until then: `_models_for`); with
        models of one's own and no `untimed`, none."""
        self.timing = timing
        """Whether to read the times of messages: None, where a chat has them (`context.has_times`;
        a chat without them is read from its words and turns alone, `_features.TIMING`); True or
        False, always or never (training)."""
        self.lexicon = lexicon or default_lexicon()
        self.th = thresholds()
        self.rules = RulesBackend(self.lexicon, self.th)
        self._follow_up = (self.th.follow_up_msgs, self.th.follow_up_s)
        self.explain_all = False
        """For explain: also give every text message that is not a bid its reasons ("bid": how
        likely the model read it as one, and the features that held it back)."""

    def _message_rows(
        self,
        conv: Conversation,
        rp: RulesPass,
        tone: ToneCodes,
        start: int = 0,
        stop: int | None = None,
        rule_bids: set[int] | None = None,
        toks: list[list[str]] | None = None,
    ) -> list[list[str]]:
        """Feature rows of messages start..stop-1; `toks`, when given, holds the `tokens` of each
        text message from `start` on, to `LOOKAHEAD` messages past `stop`."""
        lab = rp.labelling
        if rule_bids is None:
            rule_bids = {b.index for b in lab.bids}
        words = None if toks is None else (lambda j: toks[j - start])
        return [
            message_features(i, conv.messages, rp.contexts, lab.labels[i], rule_bids, self.lexicon,
                             group=rp.group, in_conflict=rp.in_conflict[i], tones=tone, words=words,
                             timed=rp.timed)
            for i in range(start, len(conv.messages) if stop is None else min(stop, len(conv.messages)))
        ]

    @staticmethod
    def _tones(conv: Conversation) -> ToneCodes:
        texts = [m.text if m.kind is MessageKind.TEXT else "" for m in conv.messages]
        return b"".join(tone_codes(tones(texts[i:i + _CHUNK])) for i in range(0, len(texts), _CHUNK))

    def _models_for(self, rp: RulesPass) -> dict[str, LinearModel]:
        """The models for the chat `rp` read: `models`, with `untimed`'s in place in a chat without times."""
        if rp.timed:
            return self.models
        if self._untimed is None:
            self._untimed = _bundled(UNTIMED_FILE)
        return {**self.models, **self._untimed}

    def _read(self, conv: Conversation) -> tuple[Conversation, RulesPass]:
        """The chat as it is read (`context.steady` if its times are not, as `timing` says) and
        the rules' pass over it."""
        rp = self.rules.read(conv, self.timing)
        return rp.conv, rp

    def label(self, conv: Conversation) -> Labelling:
        conv, rp = self._read(conv)
        # A chat without times is read by the models trained without them (`UNTIMED_FILE`), every
        # one of them: the passes, the explanations and the outcomes alike.
        models = self._models_for(rp)
        msgs = conv.messages
        # Each text is read into tokens once, a chunk (and the next few messages, which its
        # features look at) at a time, for its tone and its other features alike; a message's tone
        # is found before the rows that read it (its own, its neighbours', the answers' to it).
        tone = bytearray(len(msgs))
        toned = 0
        first = [models[name] for name in FIRST]
        readings = np.zeros((len(msgs), len(FIRST)), dtype=np.float32)
        rule_bids = {b.index for b in rp.labelling.bids}  # once, not once a chunk
        labels: list[MessageLabel] = []
        bids: list[Bid] = []
        # Features are built and scored a chunk at a time, so memory stays flat on long histories.
        # A chunk's second pass waits for the first pass of the next chunk, whose first message
        # is the neighbour of its last.
        waiting: tuple[int, list[list[str]], np.ndarray, np.ndarray, np.ndarray] | None = None
        for start in range(0, len(msgs), _CHUNK):
            ahead = min(len(msgs), start + _CHUNK + LOOKAHEAD)
            toks = [tokens(m.text) if m.kind is MessageKind.TEXT else [] for m in msgs[start:ahead]]
            tone[toned:ahead] = tone_codes(tones_of(toks[toned - start:]))
            toned = ahead
            rows = self._message_rows(conv, rp, tone, start, start + _CHUNK, rule_bids, toks)
            ids = hashed(rows)  # once, for both passes and the bids' cues
            matrix = feature_matrix(rows, ids)
            for k, p in enumerate(predict_many(first, *matrix)):
                readings[start:start + len(rows), k] = 1.0 - p[:, 0]
            if waiting is not None:
                self._second_pass(*waiting, readings, rp, msgs, labels, bids, models)
            waiting = (start, rows, ids, *matrix)
        if waiting is not None:
            self._second_pass(*waiting, readings, rp, msgs, labels, bids, models)
        self._answer(bids, rp, conv, bytes(tone), readings, models)
        return Labelling(labels, bids, rp.labelling.cues)

    def _second_pass(
        self,
        start: int,
        rows: list[list[str]],
        ids: np.ndarray,
        indices: np.ndarray,
        indptr: np.ndarray,
        readings: np.ndarray,
        rp: RulesPass,
        msgs: list[Message],
        labels: list[MessageLabel],
        bids: list[Bid],
        models: dict[str, LinearModel],
    ) -> None:
        """Decide the messages of one chunk, with their neighbours' first-pass readings added (by
        `models`: the timed ones, or in a chat without times those trained without them)."""
        extra = neighbour_rows(start, start + len(rows), msgs, readings)
        extra_ids = hashed(extra)
        matrix = add_features(indices, indptr, extra, extra_ids)
        probs = dict(zip(STACKED, predict_many([models[n] for n in STACKED], *matrix), strict=True))
        # Every model's decision for the whole chunk at once, as plain lists: NumPy calls on one
        # row at a time cost more than the decisions themselves.
        chosen = {name: models[name].decide_many(probs[name]) for name in STACKED}
        kind_classes = models["kind"].classes
        attention = kind_classes.index("attention")
        cues = rp.labelling.cues
        for offset in range(len(rows)):  # ANNOTATION.md: a media placeholder or URL is always an attention bid
            i = start + offset
            if msgs[i].kind is MessageKind.MEDIA or cues[i].url:
                chosen["kind"][offset] = attention
        decided = _Decided(chosen, probs["kind"].tolist(), probs["horseman"][:, 0].tolist(),
                           probs["control"][:, 1].tolist())
        # A bid's cues name the features that pushed hardest toward its kind: found for the
        # chunk's bids together, and only for them.
        bid_kinds = [None if kind_classes[k] == "none" else kind_classes[k] for k in chosen["kind"]]
        top = models["kind"].top_features_many([(rows, ids), (extra, extra_ids)], bid_kinds, 4, probs["kind"])
        for offset in range(len(rows)):
            self._label_one(start + offset, offset, top[offset], decided, rp, msgs, labels, bids, models)
            lab = labels[-1]
            if lab.horseman or lab.control or lab.repair or lab.accountability:  # rare
                lab.reasons = self._reasons(lab, rows[offset] + extra[offset], models)
            if self.explain_all and lab.bid is None and msgs[start + offset].kind is MessageKind.TEXT:
                model = models["kind"]
                read = 1.0 - decided.kind_p[offset][0]
                lab.reasons = {**(lab.reasons or {}), "bid": [
                    f"reading:bid {read:.3f}<{1.0 - model.default_threshold:.3f}",
                    *(f"model:{f}" for f in model.top_features(rows[offset] + extra[offset], "none", 4,
                                                                probs["kind"][offset]))]}

    def _reasons(self, lab: MessageLabel, features: list[str], models: dict[str, LinearModel]) -> dict[str, list[str]]:
        """For explain: the features that pushed hardest toward each of a message's horseman,
        control, repair and accountability."""
        said = {"horseman": lab.horseman.value if lab.horseman else None,
                "control": "yes" if lab.control else None, "repair": "yes" if lab.repair else None,
                "accountability": lab.accountability.value if lab.accountability else None}
        return {name: [f"model:{f}" for f in models[name].top_features(features, value, 4)]
                for name, value in said.items() if value}

    def _label_one(
        self,
        i: int,
        row: int,
        top: list[str],
        decided: _Decided,
        rp: RulesPass,
        msgs: list[Message],
        labels: list[MessageLabel],
        bids: list[Bid],
        models: dict[str, LinearModel],
    ) -> None:
        """Label message `i` (row `row` of its chunk's decisions; `top`: its kind's strongest features)."""
        m = models
        rule = rp.labelling.labels[i]
        lab = MessageLabel(index=msgs[i].index)
        if not msgs[i].kind.readable:  # a deleted message or a notice: nothing of its writer's to judge
            labels.append(lab)
            return
        k = decided.chosen["kind"][row]
        kind = m["kind"].classes[k]
        c = rp.labelling.cues[i]
        distress = speaks_of_self_harm(c) and kind not in ("feelings", "support")
        if distress:
            # Wanting to die or to hurt oneself is a bid of feelings whatever the model made of it
            # (it read "Actually want to end my life" in a real group as humour): the phrase is the
            # reason, not the features that pushed the model elsewhere.
            kind = "feelings"
            k = m["kind"].classes.index(kind)
        if kind != "none":
            if distress:
                cues = [f"self_harm:{p}" for p in c.hits["self_harm"]]
            else:
                cues = (rule.bid.cues if rule.bid is not None else []) + [f"model:{f}" for f in top]
            bid = Bid(index=msgs[i].index, author=msgs[i].author, kind=BidKind(kind),
                      score=round(decided.kind_p[row][k], 3), cues=cues)
            bids.append(bid)
            lab.bid = bid
        # The models decide among what the lexicons make possible: a horseman needs a conflict
        # cue or conflict around it, or a model that is sure ("a pile of beige. your cooking
        # hasn't improved then" opens a quarrel with no stock phrase); control needs a control
        # cue. A playful or fond line outside a quarrel is never a horseman, and calling a warm
        # message controlling would be a harm of its own (DESIGN.md, Safety and consent).
        h = m["horseman"].classes[decided.chosen["horseman"][row]]
        # "In a quarrel" here is its heat (`RulesPass.heated`), not any message within six hours of
        # a sharp word: in a busy group, banter hours after one insult is not part of a fight.
        playful = c.has(*WARM_CUES) and not rp.heated[i]  # "you always make me laugh 😂"
        # A phrase that is sarcasm only in a quarrel ("oh great", "thanks a lot", "crazy") opens
        # the way only in its heat: an hour after one sharp word in a busy real group, "Oh great.
        # Let me do the same then" and "Thanks a lot, it worked 😊" were read as contempt.
        around = (any(c.strong(n, self.lexicon) for n in _CONFLICT_CUES if n in c.hits) or rp.heated[i]
                  or 1.0 - decided.no_horseman_p[row] >= _SURE_HORSEMAN)
        if h != "none" and not playful and around:
            lab.horseman = Horseman(h)
        insult, threat = said_plainly(c, rp.heated[i], self.lexicon)
        if insult and lab.horseman is None:
            lab.horseman = Horseman.CONTEMPT  # "fuck you", "you suck.": the words are the reason
        # A weak control phrase ("where were you", "home by") with nothing controlling
        # around it needs the model to be sure, not merely to lean that way. Most control in
        # real chats has no stock phrase ("fine. go be best friends with dev"): without one the
        # model must be sure and the message must sit in a quarrel or carry a conflict cue, so
        # a worried "could you take him?" is never called controlling. The rules' own call does
        # not make a weak phrase sure: they count one anywhere within six hours of a sharp word,
        # and in a busy real group that let "who has a curfew" and "if you go naked with me as
        # well" through (the corpus's figures are the same without it).
        p_control = decided.control_p[row]
        sure = c.strong("control", self.lexicon) or rp.heated[i] or p_control >= _SURE_CONTROL
        phrased = "control" in c.hits and sure and decided.chosen["control"][row] == 1
        heated = p_control >= _SURE_CONTROL and (rp.heated[i] or c.has(*_CONFLICT_CUES))
        lab.control = ((phrased or heated) and not playful) or threat
        lab.repair = decided.chosen["repair"][row] == 1
        acc = m["accountability"].classes[decided.chosen["accountability"][row]]
        lab.accountability = Accountability(acc) if acc != "none" else None
        labels.append(lab)

    def _answer(
        self, bids: list[Bid], rp: RulesPass, conv: Conversation, tone: ToneCodes, readings: np.ndarray,
        models: dict[str, LinearModel],
    ) -> None:
        """Find each bid's response and decide how it was answered."""
        msgs = conv.messages
        model = models["outcome"]
        found: list[np.ndarray] = []
        for start in range(0, len(bids), _CHUNK):  # a chunk at a time, like the messages
            chunk = bids[start:start + _CHUNK]
            for bid in chunk:
                answer_bid(bid, msgs, rp.contexts, rp.group, self.th, self.lexicon, reactions=False, timed=rp.timed)
            # The rows are dropped with the chunk (a long history holds hundreds of thousands of
            # bids): the few whose decision needs its features named get theirs again below.
            found += predict_many([model], *feature_matrix([self._outcome_row(b, rp, conv, tone, readings)
                                                            for b in chunk]))
        p_read = np.concatenate(found) if found else np.zeros((0, len(model.classes)))
        p_out = local_balance(p_read, [b.index for b in bids], model.prior, self.th)
        for bid, p, p0 in zip(bids, p_out, p_read, strict=True):
            if bid.response_index is not None:  # else nobody answered: away, whatever the words were
                outcome = balanced = model.classes[model.decide(p)]
                if outcome == "against" and rp.group and _passing(bid, rp, msgs, tone, readings):
                    outcome = "toward" if p[0] >= p[1] else "away"
                j = bid.response_index
                if outcome != "against" and (not rp.group or msgs[j].reply_to == bid.index) and any(
                        said_plainly(rp.contexts[j].cues, rp.heated[j], self.lexicon)):
                    outcome = "against"  # answered with an insult or a threat, whatever else it held
                if outcome != bid.outcome.value:
                    # The model overrode the lexicons: their cues pointed the other way ("ah sorry"
                    # is empathy, and "away" was read anyway), so say what they read, then what
                    # the model weighed, rather than list their cues as the outcome's reasons.
                    feats = self._outcome_row(bid, rp, conv, tone, readings)
                    bid.response_cues = [f"model:rule_o={bid.outcome.value}",
                                         *(f"model:{f}" for f in model.top_features(feats, outcome, 4))]
                    if outcome == balanced != model.classes[model.decide(p0)]:
                        bid.response_cues.append(_balance_cue(p0, p, model))
                bid.outcome = Outcome(outcome)
            reacted(bid, msgs[bid.index])  # unless someone reacted to it

    def _outcome_row(
        self, bid: Bid, rp: RulesPass, conv: Conversation, tone: ToneCodes, readings: np.ndarray
    ) -> list[str]:
        """The outcome model's features of an answered bid, with the first pass's reading of its reply."""
        return self._outcome_features(bid, rp, conv, tone) + response_readings(bid.response_index, readings)

    def _outcome_features(self, bid: Bid, rp: RulesPass, conv: Conversation, tone: ToneCodes) -> list[str]:
        """`outcome_features` of a bid the rules have answered (`bid.outcome` still their reading)."""
        msgs, j = conv.messages, bid.response_index
        reacting = None
        if rp.group and j is not None:
            reacting = reacts(rp.contexts[j].cues, msgs[j], msgs[bid.index], rp.contexts[bid.index].cues)
        waking = _waking(bid, conv, self.th)
        return outcome_features(bid, bid.kind.value, msgs, rp.contexts, self.lexicon, bid.outcome.value,
                                waking is not None and waking > self.th.late_waking_s, tone, rp.labelling.labels,
                                rp.in_conflict, self._follow_up, group=rp.group, reacts_to_bid=reacting,
                                timed=rp.timed, waking_s=waking)

    def training_rows(self, conv: Conversation, gold: list[GoldMessage]) -> TrainingRows:
        """Rows for every model from one labelled conversation (used by training/train_hybrid.py)."""
        conv, rp = self._read(conv)
        tone = self._tones(conv)
        rows = self._message_rows(conv, rp, tone)
        out = TrainingRows({k: [] for k in MODELS}, {k: [] for k in MODELS})

        def add(model: str, feats: list[str], answer: str) -> None:
            out.rows[model].append(feats)
            out.answers[model].append(answer)

        msgs = conv.messages
        for i, (feats, g) in enumerate(zip(rows, gold, strict=True)):
            add("kind", feats, g.bid_kind or "none")
            add("horseman", feats, g.horseman or "none")
            add("control", feats, "yes" if g.control else "no")
            add("repair", feats, "yes" if g.repair else "no")
            add("accountability", feats, g.accountability or "none")
            if g.bid_kind:
                bid = Bid(index=i, author=msgs[i].author, kind=BidKind(g.bid_kind), score=1.0, cues=[])
                answer_bid(bid, msgs, rp.contexts, rp.group, self.th, self.lexicon, reactions=False, timed=rp.timed)
                add("outcome", self._outcome_features(bid, rp, conv, tone), g.bid_outcome or "away")
                out.responses.append(bid.response_index)
        return out
