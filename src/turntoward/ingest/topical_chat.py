"""Topical-Chat, a public research corpus of two-person chats (Gopalakrishnan et al. 2019).

Its files (``train.json``, ``valid_freq.json``, ``test_rare.json``, ...) are one JSON object with a
key per conversation (``t_d004c097-...``), each holding ``"content"``: the turns in order,
``{"message": "words", "agent": "agent_1" | "agent_2", "sentiment": ..., "knowledge_source":
[...], "turn_rating": ...}``, beside the chat's ``article_url``, ``config`` and
``conversation_rating``. Researchers read it to see how strangers answer each other, so each
conversation becomes one chat between ``agent_1`` and ``agent_2``, titled by its key (also its
``chat_id``). The corpus has no times: the turns are placed a minute apart from
``model.NO_TIMES_START``, as the table importer places a corpus read with ``--map ts=none``, and the
analysis reads them from their words and turns alone (`analysis.context.has_times`). A turn with no
words (the corpus has a few) is left out; the ratings and sentiments are not messages and are not
read. A field of the wrong type is an `ImportFormatError` naming its JSON path
(``t_d004c097-....content[3].agent``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from turntoward.ingest._json_doc import JsonDoc, child, load_json, looks_like_json_object
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.model import Conversation, Relationship, untimed_messages

# The first conversation's start, as the corpus writes it: a key, then its fields (in any order;
# the turns' fields among them).
_SHAPE = re.compile(rb'\{\s*"[^"]{1,200}"\s*:\s*\{.*"(?:content|agent|message)"\s*:', re.S)


class TopicalChatImporter:
    """Reads Topical-Chat's conversation files."""

    name = "topical_chat"
    description = "Topical-Chat research corpus (train.json, valid_freq.json, …): chats of two, without times"

    def sniff(self, source: Source, head: bytes) -> float:
        if not source.filename.lower().endswith(".json") or not looks_like_json_object(head):
            return 0.0
        start = head[:4096]
        if b'"content"' in head and b'"agent"' in head and b'"agent_1"' in head and _SHAPE.match(start):
            return 0.9
        return 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        doc = JsonDoc(source)
        chats = doc.obj(load_json(source), "")
        for key, value in chats.items():
            chat = doc.obj(value, key)
            turns = doc.field_list(chat, "content", key)
            said: list[tuple[str, str]] = []
            for k, raw in enumerate(turns):
                path = f"{child(key, 'content')}[{k}]"
                turn = doc.obj(raw, path)
                words = doc.field_str(turn, "message", path).strip()
                agent = doc.field_str(turn, "agent", path).strip()
                if not agent:
                    doc.fail(child(path, "agent"), "the agent who wrote the turn (agent_1 or agent_2)", agent)
                if words:
                    said.append((agent, words))
            yield Conversation(source=source.name, source_format=self.name, title=key, messages=untimed_messages(said),
                               chat_id=key, me=options.me, relationship=Relationship.OTHER)


register(TopicalChatImporter())
