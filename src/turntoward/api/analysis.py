"""Analysing conversations from export files or the store, and the two `analyze` contracts of DESIGN.md."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any, TextIO

from turntoward._workers import analyze_in_workers, auto_workers, useful_workers
from turntoward.analysis._text import TextCues
from turntoward.analysis.backends import DEFAULT_BACKEND, Backend, get_backend
from turntoward.analysis.backends.describe import describe
from turntoward.analysis.context import UNTIMED_NOTE, has_times
from turntoward.analysis.engine import Analysis, ConversationAnalysis, analyze, assemble, label_part
from turntoward.analysis.findings import MessageLabel
from turntoward.analysis.language import Language
from turntoward.analysis.language import prepare as prepare_language
from turntoward.analysis.scoring import Scores, disagreements, score
from turntoward.analysis.suggest import help_resources
from turntoward.errors import ImportFormatError, NotFoundError, UsageError
from turntoward.ingest import ImportOptions, Source, read_paths
from turntoward.ingest.labelled import read_labelled
from turntoward.model import Conversation, GoldMessage, Message, MessageKind

# Progress callback: (what was just read, conversations so far).
Progress = Callable[[str, int], None]


def load_conversations(
    targets: list[str],
    *,
    store: Any | None = None,
    all_conversations: bool = False,
    options: ImportOptions | None = None,
    fmt: str | None = None,
    progress: Progress | None = None,
    skipped: Callable[[ImportFormatError], None] | None = None,
) -> list[Conversation]:
    """Conversations from export files, folders and archives, or stored ones named by id or title.

    A target that exists on disk is read as an export (no database needed); anything else is
    looked up in `store`, and `all_conversations` adds every stored one. When one file holds
    several chats (a Telegram full export), each conversation's `source` becomes ``FILE#chat``
    so message indices stay unique per source. A file in a folder or archive that turns out to be
    no chat at all is passed over and given to `skipped` with the reason (`read_paths`).
    """
    targets = list(targets)
    prepare_language()  # the analysis that follows reads each chat's language: load its model meanwhile
    if all_conversations:
        if store is None:
            raise UsageError("--all needs a database to read the stored conversations from")
        targets += [str(c.id) for c in store.conversations()]
    if not targets:
        raise UsageError("give export files, folders or stored conversations, or --all")
    out: list[Conversation] = []
    # Files named side by side are read together: a later page named beside its first (a shell's
    # messages*.html) is read by that page, not refused (`read_paths`).
    for on_disk, group in groupby(targets, key=lambda target: Path(target).exists()):
        if on_disk:
            on_skip = None if skipped is None else lambda _, error: skipped(error)
            for source, convs in read_paths(list(group), options or ImportOptions(), fmt, on_skip):
                for conv in convs:
                    if len(convs) > 1:
                        conv.source = f"{source.name}#{conv.chat_id or conv.title}"
                    out.append(conv)
                if progress:
                    progress(source.name, len(out))
            continue
        for target in group:
            if store is None:
                raise NotFoundError(f"{target}: no such file, and no database to look it up in")
            out.append(store.load_conversation(target))
            if progress:
                progress(target, len(out))
    seen: set[str] = set()
    for conv in out:
        if conv.source in seen:
            raise UsageError(f"{conv.source} was given twice: each export can be analysed once per call")
        seen.add(conv.source)
    return out


def analyze_conversations(
    conversations: list[Conversation],
    *,
    backend: str | Backend = DEFAULT_BACKEND,
    me: str | None = None,
    progress: Callable[[Conversation], None] | None = None,
    any_language: bool = False,
    workers: int | None = 1,
) -> Analysis:
    """The full analysis of `conversations` (`turntoward.analysis.analyze`, on one core or several).

    Chats that are hardly English get no labels from their words unless `any_language`
    (`turntoward.analysis.language`); each result's `language` says which were read.
    With `workers` above 1 that many processes share the conversations out, and a long
    conversation's labelling too where there are fewer conversations than workers (None: one per
    core when there are enough messages to repay starting them, see `auto_workers`); the results
    are the same whatever the number. Workers are started fresh
    ("spawn"), so a script that asks for them must keep its top-level code under
    ``if __name__ == "__main__":``, as Python's multiprocessing requires.
    """
    if workers is not None and workers < 1:
        raise UsageError(f"workers must be at least 1, not {workers}")
    n = auto_workers(conversations) if workers is None else useful_workers(conversations, workers)
    if n <= 1:
        be = get_backend(backend) if isinstance(backend, str) else backend
        return analyze(conversations, backend=be, me=me, progress=progress, any_language=any_language)
    results = analyze_in_workers(conversations, backend=backend, workers=n, any_language=any_language,
                                 progress=progress)
    return assemble(results, me=me)


def message_records(result: ConversationAnalysis) -> Iterator[dict[str, Any]]:
    """The per-message contract of DESIGN.md, one dict per message in source order."""
    conv = result.conversation
    for m, lab in zip(conv.messages, result.labels, strict=True):
        yield _record(conv.source, m, lab)


def _record(source: str, m: Message, lab: MessageLabel) -> dict[str, Any]:
    bid = None
    if lab.bid is not None:
        b = lab.bid
        bid = {
            "kind": b.kind.value,
            "outcome": b.outcome.value,
            "response_index": b.response_index,
            "latency_s": b.latency_s,
            "score": b.score,
            "cues": b.cues,
        }
    return {
        "source": source,
        "index": m.index,
        "ts": m.ts.isoformat(timespec="seconds"),
        "author": m.author,
        "text": m.text,
        "bid": bid,
        "horseman": lab.horseman.value if lab.horseman else None,
        "control": lab.control,
        "accountability": lab.accountability.value if lab.accountability else None,
        "repair": lab.repair,
    }


def write_jsonl(analysis: Analysis, out: TextIO) -> int:
    """Write every message of every conversation as one JSON line; returns the count."""
    n = 0
    for result in analysis.conversations:
        for record in message_records(result):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n


def conversation_summary(result: ConversationAnalysis) -> dict[str, Any]:
    """The per-conversation summary of DESIGN.md (plus documented extra fields)."""
    conv = result.conversation
    tallies = result.bids_by_person()
    return {
        "source": conv.source,
        "title": conv.title,
        "relationship": conv.relationship.value,
        "people": conv.people,
        "messages": len(conv.messages),
        "first": conv.messages[0].ts.isoformat(timespec="seconds") if conv.messages else "",
        "last": conv.messages[-1].ts.isoformat(timespec="seconds") if conv.messages else "",
        "bids": {
            p: {"made": t.made, "toward": t.toward, "away": t.away, "against": t.against} for p, t in tallies.items()
        },
        "turn_toward_rate": result.turn_toward_rate(),
        "signs": {name: {"status": s.status.value, "evidence": s.evidence} for name, s in result.signs.items()},
        "episodes": [
            {
                "start_index": e.start_index,
                "end_index": e.end_index,
                "horsemen": e.horsemen,
                "repaired": e.repaired,
                "positive_negative_ratio": e.positive_negative_ratio,
                "repair_attempts": e.repair_attempts,
            }
            for e in result.episodes
        ],
        "control_messages": len(result.control_messages),
        "withholding": [{"asker": w.asker, "evader": w.evader, "questions": w.questions} for w in result.withholding],
        "lying": result.lying_note,
        "timed": has_times(conv.messages),
        "language": {"code": result.language.code, "name": result.language.name,
                     "english": result.language.english, "read": result.language.read,
                     "months_not_read": list(result.language.months_not_read), "note": result.language.note()},
        "suggestions": [{"text": s.text, "practice": s.practice, "evidence": s.evidence} for s in result.suggestions],
        "help": help_resources(result.suggestions),
    }


def summary(analysis: Analysis) -> dict[str, Any]:
    """The summary document of one `analyze` call."""
    return {
        "conversations": [conversation_summary(r) for r in analysis.conversations],
        "drift": [{"person": d.person, "status": d.status.value, "evidence": d.evidence} for d in analysis.drift],
    }


@dataclass(slots=True)
class Explanation:
    """Why one message was labelled as it was."""

    record: dict[str, Any]
    cues: list[str]
    response: dict[str, Any] | None
    response_cues: list[str]
    context: list[dict[str, Any]]
    reactions: list[dict[str, Any]]
    """The reactions on the message ({"author", "emoji", "ts"}): an answer when nobody replied."""
    language_note: str | None = None
    """Why nothing was labelled, where the message's words were not read (not English)."""
    in_words: dict[str, list[str]] = field(default_factory=dict)
    """The cues behind each label, said in words (`describe`): "cues" (the lexicon phrases that
    fired), "bid", "outcome", and for a horseman, control, accountability or repair a model
    decided, the features that pushed hardest toward it."""
    times_note: str | None = None
    """What a chat without times of its own is read from (`context.UNTIMED_NOTE`), where it has none."""
    near_bid: list[str] = field(default_factory=list, compare=False)
    """For a message that is not a bid, how near the model came to reading one and what held it
    back, in words: only `explain_message` reads that (an analysis keeps no reading of the
    messages that are not bids), so it is left out when explanations are compared."""


def explain(analysis: Analysis, ref: str) -> Explanation:
    """Explain ``SOURCE:INDEX`` (the index after the last colon) from a finished analysis. (An
    analysis keeps no reading of the messages that are not bids: how near such a message came to
    one, `explain_message` says, in `near_bid`.)"""
    index = _ref_index(ref)
    result = _conversation_of([r.conversation for r in analysis.conversations], ref, index)
    found = next(r for r in analysis.conversations if r.conversation is result)
    lo, hi = max(0, index - 3), min(len(found.labels), index + 4)
    return _explanation(found.conversation, index, found.labels[lo:hi], lo, found.cues[index], found.language,
                        lambda j: found.labels[j])


def explain_message(
    conversations: list[Conversation], ref: str, *, backend: str | Backend = DEFAULT_BACKEND,
    any_language: bool = False,
) -> Explanation:
    """`explain` without analysing the whole conversation: only the message, its neighbours and
    the context their labels depend on are labelled (`turntoward.analysis.segments`), with the
    labels the whole analysis gives. One message of a 46,000-message chat: about a second."""
    be = get_backend(backend) if isinstance(backend, str) else copy.copy(backend)
    if hasattr(be, "explain_all"):  # the hybrid can say why a message is not a bid, too
        be.explain_all = True
    index = _ref_index(ref)
    conv = _conversation_of(conversations, ref, index)
    lo, hi = max(0, index - 3), min(len(conv.messages), index + 4)
    part, language = label_part(conv, lo, hi, be, any_language=any_language)

    def label_of(j: int) -> MessageLabel:
        if lo <= j < hi:
            return part.labels[j - lo]
        return label_part(conv, j, j + 1, be, language=language)[0].labels[0]

    return _explanation(conv, index, part.labels, lo, part.cues[index - lo], language, label_of)


def _ref_index(ref: str) -> int:
    _, sep, raw_index = ref.rpartition(":")
    if not sep or not raw_index.isdigit():
        raise UsageError(f"{ref}: expected SOURCE:INDEX, e.g. chat.txt:17")
    return int(raw_index)


def _conversation_of(conversations: list[Conversation], ref: str, index: int) -> Conversation:
    source = ref.rpartition(":")[0]
    for conv in conversations:
        if conv.source != source and len(conversations) > 1:
            continue
        if not 0 <= index < len(conv.messages):
            raise NotFoundError(f"{ref}: {source} has messages 0 to {len(conv.messages) - 1}")
        return conv
    raise NotFoundError(f"{ref}: no conversation with source {source!r} in this call")


_UNREAD = {
    MessageKind.DELETED: "it was deleted: its words are gone, so it is neither a bid nor the answer to one",
    MessageKind.SYSTEM: "an app notice, not anyone's words: never a bid nor the answer to one",
}


def _explanation(
    conv: Conversation, index: int, labels: list[MessageLabel], lo: int, cues: TextCues, language: Language,
    label_of: Callable[[int], MessageLabel],
) -> Explanation:
    """The explanation of message `index`, given the labels of messages lo.. around it."""
    msgs = conv.messages
    context = [_record(conv.source, msgs[lo + k], lab) for k, lab in enumerate(labels)]
    record = context[index - lo]
    bid = labels[index - lo].bid
    response = None
    if bid is not None and bid.response_index is not None:
        j = bid.response_index
        response = _record(conv.source, msgs[j], label_of(j))
    fired = [f"{name}:{phrase}" for name, phrases in cues.hits.items() for phrase in phrases]
    reactions = [{"author": x.author, "emoji": x.emoji, "ts": x.ts.isoformat() if x.ts else None}
                 for x in msgs[index].reactions]
    read = language.reads(msgs[index].ts)
    lab = labels[index - lo]
    in_words = {"cues": list(dict.fromkeys(describe(c) for c in fired))}
    if bid is not None:
        in_words["bid"] = [describe(c) for c in bid.cues]
        in_words["outcome"] = [describe(c) for c in bid.response_cues]
    reasons = dict(lab.reasons or {})
    near_bid = [describe(c) for c in reasons.pop("bid", [])] if bid is None else []
    if not msgs[index].kind.readable:
        near_bid = [_UNREAD[msgs[index].kind]]
    for name, model_cues in reasons.items():
        in_words[name] = [describe(c) for c in model_cues]
    return Explanation(record, fired, response, bid.response_cues if bid else [], context, reactions,
                       None if read else language.note(), in_words,
                       None if has_times(msgs) else UNTIMED_NOTE, near_bid)


@dataclass(slots=True)
class Judged:
    """One labelled conversation, its annotators' labels, and each backend's labels of it."""

    path: Path
    conversation: Conversation
    gold: list[GoldMessage]
    labels: list[list[MessageLabel]]
    """One list per backend asked for, in the order asked."""


def judge(
    paths: list[str],
    backends: Sequence[str | Backend] = (DEFAULT_BACKEND,),
    *,
    skipped: Callable[[ImportFormatError], None] | None = None,
) -> Iterator[Judged]:
    """Each labelled conversation (ANNOTATION.md files) under `paths`, read once and labelled by
    every backend of `backends`: what `evaluate` scores, and what a list of disagreements is made from.

    Inside a folder, a JSON file that is not a labelled conversation at all (a manifest beside
    them, no "messages" list) is passed to `skipped` and left out; a labelled conversation with
    a bad label, or a file named on its own, is an error. No labelled conversation at all is an
    error too, raised once the files are read.
    """
    bes = [get_backend(b) if isinstance(b, str) else b for b in backends]
    files: list[tuple[Path, bool]] = []
    for raw in paths:
        p = Path(raw)
        files.extend([(f, True) for f in sorted(p.rglob("*.json"))] if p.is_dir() else [(p, False)])
    found = 0
    for f, in_folder in files:
        try:
            conv, gold = read_labelled(Source(str(f), path=f))
        except ImportFormatError as exc:
            if not (in_folder and exc.json_path == "$"):
                raise
            if skipped is not None:
                skipped(exc)
            continue
        found += 1
        yield Judged(f, conv, gold, [be.label(conv).labels for be in bes])
    if not found:
        raise NotFoundError(f"{', '.join(paths)}: no labelled conversations (*.json) found")


def disagreement_records(judged: Judged) -> list[dict[str, object]]:
    """The messages of a judged conversation where its first backend's labels differ from the
    annotators' (`scoring.disagreements`), one JSON-ready record each: where (source, index, time,
    author, text), what differs, both sides' labels, the text of each side's response where a bid
    was answered, and the cues and model features behind the analysis's labels."""
    conv, labels = judged.conversation, judged.labels[0]
    msgs = conv.messages
    out: list[dict[str, object]] = []
    for d in disagreements(judged.gold, labels):
        m, lab = msgs[d.index], labels[d.index]
        record: dict[str, object] = {
            "source": str(judged.path), "index": d.index, "ts": m.ts.isoformat(), "author": m.author, "text": m.text,
            "relationship": conv.relationship.value, "differs": list(d.what), "gold": d.gold, "analysis": d.analysis,
        }
        responses = {}
        for side, labelled in (("gold", d.gold), ("analysis", d.analysis)):
            bid = labelled["bid"]
            at = bid.get("response_index") if isinstance(bid, dict) else None
            if isinstance(at, int) and 0 <= at < len(msgs):
                responses[side] = {"index": at, "author": msgs[at].author, "text": msgs[at].text}
        if responses:
            record["responses"] = responses
        cues: dict[str, list[str]] = {}
        if lab.bid is not None:
            cues["bid"] = list(lab.bid.cues)
            if lab.bid.response_cues:
                cues["response"] = list(lab.bid.response_cues)
        cues.update({name: list(found) for name, found in (lab.reasons or {}).items()})
        record["cues"] = cues
        out.append(record)
    return out


def evaluate(
    paths: list[str],
    *,
    backend: str | Backend = DEFAULT_BACKEND,
    skipped: Callable[[ImportFormatError], None] | None = None,
) -> Scores:
    """Compare the analysis with the labels of ANNOTATION.md files under `paths` (see `judge`),
    each conversation scored on its own and added in, so that `Scores.intervals` can resample them."""
    scores = Scores()
    for j in judge(paths, (backend,), skipped=skipped):
        scores.add(score(j.gold, j.labels[0], authors=[m.author for m in j.conversation.messages]))
    return scores
