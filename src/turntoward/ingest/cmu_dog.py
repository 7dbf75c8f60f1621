"""The CMU Document Grounded Conversations corpus (CMU_DoG; Zhou, Prabhumoye and Black 2018).

Two people chat about a film whose Wikipedia article one or both of them read. The corpus is a
folder of conversations (``Conversations/train/<hash>.json``, ``valid/``, ``test/``), each one JSON
object: ``"history"``, the turns in order, ``{"docIdx": 0, "text": "words", "uid": "user1",
"utcTimestamp": "2018-03-01T00:24:12.448Z"}``, beside the chat's ``date``, ``rating``, the
people's log-in times and feedback, ``user1_id`` and ``user2_id`` (``USR1906``), ``whoSawDoc``
and ``wikiDocumentIdx``. Each file is one chat between ``user1`` and ``user2``, titled by the
file's name (also its ``chat_id``), with the times the corpus gives each turn (UTC, made this
computer's local time as for the other exports in UTC). A turn without words is left out; the
ratings, feedback and the document are not messages and are not read. A field of the wrong type
is an `ImportFormatError` naming its JSON path (``history[3].uid``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import PurePosixPath

from turntoward.ingest._json_doc import JsonDoc, child, load_json, looks_like_json_object
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.model import Conversation, Message, Relationship

_KEYS = (b'"history"', b'"utcTimestamp"', b'"docIdx"')
"""What a conversation's first bytes hold (its keys are written in order: ``date``, ``history``)."""


class CmuDogImporter:
    """Reads the conversations of the CMU Document Grounded Conversations corpus."""

    name = "cmu_dog"
    description = "CMU Document Grounded Conversations research corpus: one chat of two a .json file, with times"

    def sniff(self, source: Source, head: bytes) -> float:
        if not source.filename.lower().endswith(".json") or not looks_like_json_object(head):
            return 0.0
        return 0.9 if all(key in head for key in _KEYS) else 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        doc = JsonDoc(source)
        chat = doc.obj(load_json(source), "")
        turns: list[tuple[datetime, str, str]] = []
        for k, raw in enumerate(doc.field_list(chat, "history", "")):
            path = f"history[{k}]"
            turn = doc.obj(raw, path)
            words = doc.field_str(turn, "text", path).strip()
            who = doc.field_str(turn, "uid", path).strip()
            if not who:
                doc.fail(child(path, "uid"), "who wrote the turn (user1 or user2)", who)
            when = doc.field_str(turn, "utcTimestamp", path)
            try:
                moment = datetime.fromisoformat(when)
            except ValueError:
                doc.fail(child(path, "utcTimestamp"), "a time like 2018-03-01T00:24:12.448Z", when)
            if words:
                turns.append((moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment, who, words))
        turns.sort(key=lambda turn: turn[0])  # stable: turns of one moment keep the corpus's order
        messages = [Message(index, ts, who, words) for index, (ts, who, words) in enumerate(turns)]
        stem = PurePosixPath(source.filename).stem
        yield Conversation(source=source.name, source_format=self.name, title=stem, messages=messages,
                           chat_id=stem, me=options.me, relationship=Relationship.OTHER)


register(CmuDogImporter())
