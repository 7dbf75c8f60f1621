"""Facebook Messenger's end-to-end encrypted chats, from Messenger's "message storage" download (JSON).

Since Messenger made chats end-to-end encrypted by default (December 2023), Meta's "Download
your information" export (`turntoward.ingest.messenger`) stops at each chat's switch-over: Meta
cannot read the later messages. They come from Messenger itself instead (Privacy & safety >
End-to-end encrypted chats > Message storage > Download, or messenger.com/secure_storage/dyi),
which unzips to a flat ``messages/`` folder of one file per conversation,
``<Name>_<N>.json``, beside a ``media/`` folder shared by all of them. One file::

    {"participants": ["Noor Haddad", "Élise Marchand"],
     "threadName": "Élise Marchand_2",
     "messages": [{"isUnsent": false, "media": [{"uri": "./media/<uuid>.jpeg"}],
                   "reactions": [{"actor": "Noor Haddad", "reaction": "❤"}],
                   "senderName": "Élise Marchand", "text": "", "timestamp": 1709978400000,
                   "type": "media"}, ...]}

Unlike the older export, names are plain strings, keys are camelCase and messages come oldest
first; we sort them by time anyway, keeping the file's order for equal times. Whether Meta
writes this download's text as proper UTF-8 or, like the older export, as mojibake (each UTF-8
byte as a Latin-1 character, "cafÃ©" for "café") we cannot tell: we have seen no real download,
only hand-made samples of both kinds. So the older export's `repair_mojibake` is applied to
``participants``, ``threadName``, ``senderName``, ``text`` and each reaction's actor and emoji;
it changes a string, or a run of two or more Latin-1 characters in it, only where the repair
cleanly reverses (those characters' bytes decode as UTF-8 to something else), which proper UTF-8
text practically never does ("café", "Élise", "NÃO", "❤" and any emoji are kept as written).
``timestamp`` is milliseconds since 1970 (UTC) and becomes naive local time of this computer, like
every other importer.

``type`` is ``text``, ``link`` (the text is the link), ``media`` or ``placeholder``. An unsent
message (``isUnsent``; Meta writes it as a ``placeholder`` saying the user unsent a message) is
DELETED with no text, as the older export's are. A ``placeholder`` that is not an unsent
message is Meta's stand-in for something it could not export, so it becomes a `SystemEvent`
with Meta's wording. Media carry only a file URI: the extension picks the same placeholder the
older export's attachment fields give (``<photo>``, ``<video>``, ``<GIF>``, ``<audio>``), and
anything else, including the literal ``Failed to download media`` Meta writes where it could not
export an attachment, is ``<file>``. A media message's own words, when it has some, are its
text.

Reactions are listed on the message they answer, ``"reactions": [{"actor": "Noor Haddad",
"reaction": "❤"}]`` (an empty list when there are none), and become its `Message.reactions` in
the listed order, read as the older export reads its own (`turntoward.ingest.messenger`
.read_reactions): the actor is named exactly as message authors are (repaired as they are; a
missing or empty actor is "Facebook User", as a message without ``senderName`` is), the emoji is
repaired as text is, and a wrong shape is an `ImportFormatError` naming the JSON path. No download we
have seen gives reactions a time, so `Reaction.ts` is None; a ``timestamp`` there would be read as
the older export's are (seconds, or milliseconds when 10^11 or more). Reactions on a
``placeholder`` that becomes a `SystemEvent` are dropped with it; an unsent message keeps its
reactions. The layout above, reactions included, matches the E2EE parser and hand-made samples
of kenn-io/msgvault (internal/fbmessenger/e2ee_parser.go, ``{actor, reaction}`` per entry), which
repairs mojibake in these same fields and whose test sample is written in mojibake, and the
2024 reader of adurivault/FBMessage (pull request #5), which reads ``senderName`` without the
repair it applies to the older export: the two disagree, and the clean-reversal rule above reads
both kinds of sample right.

The title is ``threadName`` without Meta's ``_N`` suffix ("Élise Marchand_2" is "Élise
Marchand", as the older export titles the same chat); ``threadName`` itself, suffix included,
is the chat id, since two chats can share a title. A message that is in both downloads gets the
same time, author, text and kind from either importer, so only the conversation differs: the
older export names its chats by a thread path this download does not have.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import PurePosixPath

from turntoward.ingest._json_doc import JsonDoc, JsonObject, child, load_json, looks_like_json_object
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.ingest.messenger import UNSUPPORTED, _timestamp, read_reactions, repair_mojibake
from turntoward.model import Conversation, Message, MessageKind, SystemEvent

INDEX_SUFFIX = re.compile(r"_\d+$")
PLACEHOLDER = "placeholder"
FILE = "<file>"
# What stands in for a media file with no words, by its extension (the older export's names).
MEDIA_BY_EXTENSION: dict[str, str] = {
    **dict.fromkeys((".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".bmp"), "<photo>"),
    ".gif": "<GIF>",
    **dict.fromkeys((".mp4", ".mov", ".m4v", ".webm", ".3gp"), "<video>"),
    **dict.fromkeys((".mp3", ".m4a", ".aac", ".wav", ".ogg", ".opus", ".amr"), "<audio>"),
}


class MessengerE2eeImporter:
    """Reads one conversation file of Messenger's end-to-end encrypted chat download."""

    name = "messenger_e2ee"
    description = "Facebook Messenger end-to-end encrypted chat (message storage download, <Name>_<N>.json)"
    unknown_sender = "Facebook User"

    def sniff(self, source: Source, head: bytes) -> float:
        if not looks_like_json_object(head):
            return 0.0
        if b'"participants"' in head and b'"threadName"' in head:
            return 0.9
        if b'"messages"' in head and b'"senderName"' in head and b'"timestamp"' in head:
            return 0.7  # a file trimmed to its messages
        return 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        doc = JsonDoc(source)
        root = doc.obj(load_json(source), "")
        if "messages" not in root or ("participants" not in root and "threadName" not in root):
            expected = f"a {self.description}: an object with 'participants', 'threadName' and 'messages'"
            doc.fail("", expected, root)
        names = [repair_mojibake(raw) for raw in doc.field_strs(root, "participants", "", "a name (a string)",
                                                                 optional=True)]
        thread_name = repair_mojibake(doc.optional_str(root, "threadName", "") or "")

        entries: list[tuple[datetime, JsonObject, str]] = []
        for j, raw in enumerate(doc.field_list(root, "messages", "")):
            at = f"messages[{j}]"
            entry = doc.obj(raw, at)
            entries.append((_timestamp(doc, entry, at, "timestamp"), entry, at))
        entries.sort(key=lambda item: item[0])  # stable: equal times keep the file's order

        messages: list[Message] = []
        events: list[SystemEvent] = []
        for ts, entry, at in entries:
            author = repair_mojibake(doc.optional_str(entry, "senderName", at) or "") or self.unknown_sender
            text = repair_mojibake(doc.optional_str(entry, "text", at) or "")
            unsent = entry.get("isUnsent") or False  # absent or null: not unsent
            if not isinstance(unsent, bool):
                doc.fail(child(at, "isUnsent"), "true or false", unsent)
            if not unsent and doc.optional_str(entry, "type", at) == PLACEHOLDER:
                events.append(SystemEvent(ts, text or PLACEHOLDER, author))
                continue
            kind, text = (MessageKind.DELETED, "") if unsent else _kind_and_text(doc, entry, at, text)
            reactions = read_reactions(doc, entry, at, self.unknown_sender, repair_mojibake)
            messages.append(
                Message(index=len(messages), ts=ts, author=author, text=text, kind=kind, reactions=reactions)
            )

        title = INDEX_SUFFIX.sub("", thread_name or "").strip()
        if not title:  # no thread name (a trimmed file), or one that is only the suffix
            title = ", ".join(dict.fromkeys(names or [m.author for m in messages])) or (thread_name or "")
        yield Conversation(
            source=source.name,
            source_format=self.name,
            title=title,
            messages=messages,
            system_events=events,
            chat_id=thread_name or None,
            me=options.me,
        )


def _kind_and_text(doc: JsonDoc, entry: JsonObject, at: str, text: str) -> tuple[MessageKind, str]:
    uris = []
    for k, raw in enumerate(doc.field_list(entry, "media", at, optional=True)):
        where = f"{child(at, 'media')}[{k}]"
        uris.append(doc.optional_str(doc.obj(raw, where), "uri", where) or "")
    if uris:
        return MessageKind.MEDIA, text or MEDIA_BY_EXTENSION.get(PurePosixPath(uris[0]).suffix.lower(), FILE)
    if text:
        return MessageKind.TEXT, text
    return MessageKind.MEDIA, UNSUPPORTED


register(MessengerE2eeImporter())
