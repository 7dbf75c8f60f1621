"""Render chat records as a ConvoKit corpus folder, as ``Corpus.dump`` writes one.

Records follow `tests.exporters._json_records.ChatRecord`. The output is ``utterances.jsonl`` (one
utterance a line: ``id``, ``conversation_id``, ``text``, ``speaker``, ``meta``, ``reply-to``,
``timestamp``, ``vectors``, in that order) beside ``speakers.json``, ``conversations.json`` (each
entry ``{"meta": ..., "vectors": []}``), ``corpus.json`` and ``index.json``. Times are Unix seconds
from each naive `ts` read as this computer's local time, or null for every utterance when `timed` is
False; a record that quotes another replies to it, any other to the utterance before it (the first to
none), as ConvoKit's chat corpora are threaded. ConvoKit has no photos or deleted messages: a "media"
record is its text, a "deleted" one Reddit's ``[deleted]``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from tests.exporters._json_records import ChatRecord, reply_target


def render_convokit(records: Sequence[ChatRecord], *, title: str, timed: bool = True) -> dict[str, str]:
    """The corpus's files by name."""
    lines = []
    for k, record in enumerate(records):
        target = reply_target(record)
        answered = target if target is not None else (k - 1 if k else None)
        text = "[deleted]" if record.kind == "deleted" else record.text
        lines.append(json.dumps({
            "id": f"u{k}", "conversation_id": "u0", "text": text, "speaker": record.author, "meta": {},
            "reply-to": None if answered is None else f"u{answered}",
            "timestamp": int(record.ts.timestamp()) if timed else None, "vectors": [],
        }, ensure_ascii=False))
    speakers = {name: {"meta": {}, "vectors": []} for name in dict.fromkeys(r.author for r in records)}
    return {
        "utterances.jsonl": "".join(line + "\n" for line in lines),
        "speakers.json": json.dumps(speakers, ensure_ascii=False),
        "conversations.json": json.dumps({"u0": {"meta": {"title": title}, "vectors": []}}, ensure_ascii=False),
        "corpus.json": json.dumps({}),
        "index.json": json.dumps({"utterances-index": {}, "speakers-index": {}, "conversations-index": {},
                                  "overall-index": {}, "version": 1}),
    }
