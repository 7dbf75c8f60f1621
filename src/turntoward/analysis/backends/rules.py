"""The transparent rules backend: lexicons and thresholds (data files) applied in one pass."""

from __future__ import annotations

from dataclasses import dataclass

from turntoward.analysis._config import Thresholds, thresholds
from turntoward.analysis._text import Lexicon, default_lexicon
from turntoward.analysis.backends import Labelling, register_backend
from turntoward.analysis.bids import detect_bid
from turntoward.analysis.conflict import horseman_of, is_negative
from turntoward.analysis.context import MessageContext, has_times, read_conversation, steady
from turntoward.analysis.findings import Bid, MessageLabel, Outcome
from turntoward.analysis.killers import accountability_of, is_control
from turntoward.analysis.responses import classify, classify_reaction, find_response, first_reaction
from turntoward.model import Conversation, Message


@register_backend
class RulesBackend:
    """Labels messages from phrase lexicons, message timing and the conversation around them."""

    name = "rules"

    def __init__(self, lexicon: Lexicon | None = None, th: Thresholds | None = None) -> None:
        self.lexicon = lexicon or default_lexicon()
        self.th = th or thresholds()

    def label(self, conv: Conversation) -> Labelling:
        return self.read(conv).labelling

    def read(self, conv: Conversation, timed: bool | None = None) -> RulesPass:
        """The labelling plus the context it was made in (other backends build on it).

        A chat whose times say nothing (`timed` false; by default, where `context.has_times`
        finds none) is read with its messages a minute apart (`context.steady`), and its bids
        have no latency."""
        lx, th = self.lexicon, self.th
        if timed is None:
            timed = has_times(conv.messages)
        if not timed:
            conv = steady(conv)
        msgs = conv.messages
        ctxs = read_conversation(conv, lx, th)
        group = conv.is_group
        labels: list[MessageLabel] = []
        bids: list[Bid] = []
        bid_at: dict[int, Bid] = {}
        last_negative: float | None = None
        last_negative_at = -th.heated_msgs - 1
        last_control: dict[str, float] = {}
        conflict: list[bool] = []
        heated: list[bool] = []
        for i, (m, ctx) in enumerate(zip(msgs, ctxs, strict=True)):
            c = ctx.cues
            now = m.ts.timestamp()
            in_conflict = last_negative is not None and now - last_negative <= th.episode_gap_s
            after_conflict = last_negative is not None and now - last_negative <= th.repair_after_s
            conflict.append(in_conflict)
            heated.append(in_conflict and i - last_negative_at <= th.heated_msgs)
            lab = MessageLabel(index=m.index)
            lab.horseman = horseman_of(c, lx, in_conflict=in_conflict)
            recent = m.author in last_control and now - last_control[m.author] <= 86400
            lab.control = is_control(c, lx, in_conflict=in_conflict, controlled_recently=recent)
            lab.accountability = accountability_of(c, lx, in_conflict=in_conflict)
            lab.repair = bool(
                (c.has("apologises") or (lab.accountability is not None and lab.accountability == "owns"))
                and (after_conflict or c.has("owns_it"))
                and lab.horseman is None
            )
            answering = ctx.answers is not None and ctx.answers in bid_at and ctx.first_of_turn
            call = detect_bid(m, ctx, lx, in_conflict=after_conflict, answering_bid=answering,
                              checkin_gap_s=th.checkin_gap_s)
            if call is not None and lab.horseman is None and not lab.control:
                bid = Bid(index=m.index, author=m.author, kind=call.kind, score=call.score, cues=call.cues)
                bids.append(bid)
                bid_at[m.index] = bid
                lab.bid = bid
            labels.append(lab)
            if is_negative(lab, c, lx):
                last_negative = now
                last_negative_at = i
            if lab.control:
                last_control[m.author] = now
        for bid in bids:
            answer_bid(bid, msgs, ctxs, group, th, lx, timed=timed)
        return RulesPass(Labelling(labels, bids, [ctx.cues for ctx in ctxs]), ctxs, conflict, group, heated, conv,
                         timed)


@dataclass(slots=True)
class RulesPass:
    """The rules' labelling with the per-message context it used."""

    labelling: Labelling
    contexts: list[MessageContext]
    in_conflict: list[bool]
    """Within `episode_gap_s` of a negative message (horseman, control, a dismissive reply)."""
    group: bool
    heated: list[bool]
    """In conflict and at most `heated_msgs` messages after the last negative one: the heat of a quarrel."""
    conv: Conversation
    """The chat as it was read: itself, or `context.steady`'s copy where `timed` is false."""
    timed: bool = True
    """Whether the chat's times were read (`context.has_times`); if not, it was read `context.steady`."""


def answer_bid(
    bid: Bid, msgs: list[Message], ctxs: list[MessageContext], group: bool, th: Thresholds, lexicon: Lexicon,
    *, reactions: bool = True, timed: bool = True,
) -> None:
    """Find the response to `bid` and decide the outcome by rules (fills the bid in place); with
    `reactions`, then let a reaction to the bid have its say (`reacted`). Without `timed` (a chat
    without times of its own, `context.has_times`) the bid has no latency."""
    j = find_response(bid, msgs, ctxs, group, th)
    response = msgs[j] if j is not None else None
    bid.outcome, bid.response_cues = classify(bid, msgs[bid.index], response,
                                              ctxs[j].cues if j is not None else None, th, lexicon)
    bid.response_index = j
    bid.latency_s = max(0.0, (response.ts - msgs[bid.index].ts).total_seconds()) if response and timed else None
    if reactions:
        reacted(bid, msgs[bid.index])


def reacted(bid: Bid, bid_msg: Message) -> None:
    """A bid that the replies turned away from, but someone reacted to (a ❤️ on "I got the job!!",
    then nothing, or talk of dinner hours later), was seen and answered: the reaction decides.
    Replies that turned toward or against stand."""
    if bid.outcome is not Outcome.AWAY or not bid_msg.reactions:
        return
    reaction = first_reaction(bid_msg)
    if reaction is not None:
        outcome, cues = classify_reaction(bid, reaction)
        bid.outcome, bid.response_cues = outcome, [*cues, *(c for c in bid.response_cues if c != "no_reply")]
