"""Analysing many conversations on several cores.

The analysis of one conversation does not depend on any other (only drift looks across them,
and it is found afterwards from the results), so a folder of exports is shared out among worker
processes, the longest first, a conversation at a time or short ones together (`BATCH_MESSAGES`).
Each worker loads the backend once; a conversation travels to it and its analysis comes back
without the messages, which the parent already holds. Where there are fewer conversations than
workers, a long one (`SPLIT_MIN_MESSAGES`) is labelled in stretches, one per worker it has
(`analysis.segments`), and the rest of its analysis (metrics, conflict episodes, signs) is found
here from the stitched labels. The results are the same as one process gives, in the same order.

It sits beside the layers rather than in `turntoward.api` (which uses it) so that a worker
imports only the analysis, not the store and the report (a second saved per worker).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import replace

from turntoward._runtime import paused_gc
from turntoward.analysis import segments
from turntoward.analysis._config import thresholds
from turntoward.analysis._text import TextCues
from turntoward.analysis.backends import Backend, Labelling, get_backend
from turntoward.analysis.engine import ConversationAnalysis, analyze_conversation
from turntoward.analysis.findings import Bid, MessageLabel
from turntoward.model import Conversation, Message, MessageKind

AUTO_MIN_MESSAGES = 50_000
"""Below this many messages in all, one process: starting a worker (importing, loading the
models) takes about as long as analysing ten thousand messages."""

SPLIT_MIN_MESSAGES = 50_000
"""A conversation at least this long is labelled in stretches when workers would otherwise idle."""

BATCH_MESSAGES = 2_000
"""Short conversations travel to a worker together, about this many messages a batch: a corpus of
ten thousand four-line dialogues, sent one a task, spent more time passing them to and fro than
analysing them (11.4 s on two workers against 11.5 s on one; 8.2 s batched)."""

_backend: Backend | None = None


def cores() -> int:
    """The CPU cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def auto_workers(conversations: list[Conversation]) -> int:
    """How many processes to use when the caller did not say: one per core, where there are
    enough messages to repay starting them, in several conversations or a long one."""
    total = sum(len(c.messages) for c in conversations)
    if total < AUTO_MIN_MESSAGES:
        return 1
    return useful_workers(conversations, cores())


def useful_workers(conversations: list[Conversation], asked: int) -> int:
    """As many of `asked` processes as have work: one per conversation, or all of them where a
    conversation is long enough to share (`SPLIT_MIN_MESSAGES`)."""
    if any(len(c.messages) >= SPLIT_MIN_MESSAGES for c in conversations):
        return max(1, asked)
    return max(1, min(asked, len(conversations)))


def _start(backend: str | Backend) -> None:
    global _backend
    # A worker only unpickles, analyses and pickles, which make no reference cycles: the cycle
    # collector would only walk its millions of objects again and again (see `paused_gc`).
    gc.disable()
    _backend = get_backend(backend) if isinstance(backend, str) else backend


Packed = tuple[Conversation, list[tuple]]


def _pack(conv: Conversation) -> Packed:
    """What a worker needs of a conversation: its messages as plain tuples, which travel between
    processes several times faster than the dataclasses do, and the rest of it (app notices,
    which the analysis does not read, stay behind)."""
    rows = [(m.index, m.ts, m.author, m.text, m.kind.value, m.reply_to, m.edited, m.reactions)
            for m in conv.messages]
    return replace(conv, messages=[], system_events=[]), rows


def _unpack(packed: Packed) -> Conversation:
    shell, rows = packed
    kinds = {k.value: k for k in MessageKind}
    messages = [Message(i, ts, author, text, kinds[kind], reply_to, edited, reactions)
                for i, ts, author, text, kind, reply_to, edited, reactions in rows]
    return replace(shell, messages=messages)


def _analyze_batch(batch: list[Packed], any_language: bool) -> list[tuple[ConversationAnalysis, list[MessageLabel]]]:
    return [_analyze_one(packed, any_language) for packed in batch]


def _analyze_one(packed: Packed, any_language: bool) -> tuple[ConversationAnalysis, list[MessageLabel]]:
    conv = _unpack(packed)
    result = analyze_conversation(conv, _backend, any_language=any_language)
    # Sent back without the messages, which the parent holds already, and with only the labels
    # that say something (most messages carry none).
    said = _said(result.labels)
    result.conversation = replace(conv, messages=[])
    result.labels = []
    return result, said


def _said(labels: list[MessageLabel]) -> list[MessageLabel]:
    """The labels that say something (most messages carry none): all a worker sends back."""
    return [lab for lab in labels if lab != MessageLabel(lab.index)]


def _filled(said: list[MessageLabel], indices: Iterable[int]) -> list[MessageLabel]:
    """A label for each of `indices`: the one sent back, or an empty one."""
    by_index = {lab.index: lab for lab in said}
    return [by_index.get(i) or MessageLabel(i) for i in indices]


def _label_stretch(packed: Packed, seg: segments.Segment) -> tuple[list[MessageLabel], list[Bid], list[TextCues]]:
    """The labels that say something, the bids and the cues of one stretch's own messages."""
    assert _backend is not None
    kept = segments.keep(_backend.label(_unpack(packed)), seg)
    return _said(kept.labels), kept.bids, kept.cues


def _label_in_stretches(
    pool: ProcessPoolExecutor, conv: Conversation, parts: int
) -> Callable[[Conversation], Labelling] | None:
    """A labeller for `analyze_conversation` that shares `conv` out over the pool in `parts` stretches.

    The stretches are handed out at once, so the workers label while this process reads the
    chat's language; a chat whose words are not read then ignores what they return. None where
    the chat is one stretch (it never rests: a chat without times, `context.has_times`): it is
    labelled here, not copied to a worker to be labelled whole."""
    plan = segments.plan(conv, parts, thresholds())
    if len(plan) == 1:
        return None
    futures = [pool.submit(_label_stretch, _pack(segments.cut(conv, seg)), seg) for seg in plan]

    def label(_: Conversation) -> Labelling:
        pieces = []
        for seg, future in zip(plan, futures, strict=True):
            said, bids, cues = future.result()
            pieces.append(Labelling(_filled(said, range(seg.start, seg.stop)), bids, cues))
        return segments.stitch(conv, pieces)

    return label


def _put_back(result: ConversationAnalysis, said: list[MessageLabel], conv: Conversation) -> ConversationAnalysis:
    result.conversation = conv
    result.labels = _filled(said, (m.index for m in conv.messages))
    return result


def _batches(order: list[int], conversations: list[Conversation]) -> Iterator[list[int]]:
    """`order` cut into runs of conversations of about `BATCH_MESSAGES` messages in all (a longer
    conversation is a batch of its own), in that order."""
    batch: list[int] = []
    size = 0
    for i in order:
        batch.append(i)
        size += len(conversations[i].messages)
        if size >= BATCH_MESSAGES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def analyze_in_workers(
    conversations: list[Conversation],
    *,
    backend: str | Backend,
    workers: int,
    any_language: bool = False,
    progress: Callable[[Conversation], None] | None = None,
) -> list[ConversationAnalysis]:
    """`analyze_conversation` of each conversation in `workers` processes, results in input order.

    `progress` is called in this process as each conversation is done (in the order they finish).
    An error in one conversation stops the run and is raised here, as it would be in one process.
    """
    longest_first = sorted(range(len(conversations)), key=lambda i: -len(conversations[i].messages))
    results: list[ConversationAnalysis | None] = [None] * len(conversations)
    # Workers that would idle for want of conversations share the long ones instead.
    parts = workers // len(conversations) if conversations else 1
    split = [i for i in longest_first if parts > 1 and len(conversations[i].messages) >= SPLIT_MIN_MESSAGES]
    # "spawn": a fresh interpreter per worker, never a fork of a process that may be running
    # threads (a progress bar's refresher, a web server's pool).
    context = multiprocessing.get_context("spawn")
    with paused_gc(), ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start,
                                          initargs=(backend,)) as pool:
        pending: dict[Future[list[tuple[ConversationAnalysis, list[MessageLabel]]]], list[int]] = {}
        batches = iter(_batches([i for i in longest_first if i not in split], conversations))

        def hand_out() -> None:
            # Two batches per worker at most are packed and waiting at any time, so a folder of
            # long histories is not copied into tuples all at once.
            for batch in batches:
                packed = [_pack(conversations[i]) for i in batch]
                pending[pool.submit(_analyze_batch, packed, any_language)] = batch
                if len(pending) >= 2 * workers:
                    return

        try:
            hand_out()
            # Labelled by the pool stretch by stretch, all of them handed out at once so no worker
            # waits for the next conversation; the rest of each analysis is found here.
            labellers = {i: _label_in_stretches(pool, conversations[i], parts) for i in split}
            here = get_backend(backend) if isinstance(backend, str) else backend  # for a chat of one stretch
            for i in split:
                results[i] = analyze_conversation(conversations[i], here, any_language=any_language,
                                                  label=labellers[i])
                if progress is not None:
                    progress(conversations[i])
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    for i, found in zip(pending.pop(future), future.result(), strict=True):
                        results[i] = _put_back(*found, conversations[i])
                        if progress is not None:
                            progress(conversations[i])
                hand_out()
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return [r for r in results if r is not None]
