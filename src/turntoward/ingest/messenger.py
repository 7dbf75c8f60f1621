"""Facebook Messenger and Instagram direct messages from Meta's "Download your information" (JSON).

Both apps use one layout: ``messages/inbox/<name>_<id>/message_1.json``, ``message_2.json``,
... hold one conversation split across files (Instagram puts the inbox under
``your_instagram_activity/``). Two importers read it: ``messenger`` and ``instagram``; they
differ only in name, so a conversation records which app it came from. Detection picks
``instagram`` when the path or the media URIs mention Instagram, else ``messenger``; the user
can name either format to override that.

Given ``message_1.json`` we read every ``message_N.json`` beside it and merge them; given
``message_N.json`` (N > 1) next to a ``message_1.json`` we yield nothing, since the first
file already brings it in. Meta writes messages newest first; we reverse them and number
messages chronologically, so `index` 0 is the oldest message of the whole conversation.
``timestamp_ms`` (milliseconds since 1970, UTC) becomes naive local time of this computer, as
`datetime.fromtimestamp` gives it.

A file trimmed to its ``messages`` (no ``participants`` nor ``title``, as other tools' samples
are) is read too, titled by its senders.

Meta writes UTF-8 bytes as if each were a Latin-1 character ("Ã©" for "é"); `repair_mojibake`
undoes that for every string we keep. Reactions are not messages and are left out; calls and
people joining or leaving are `SystemEvent`s; an unsent message is DELETED.

End-to-end encrypted chats (Messenger's default since December 2023) are not in this export;
Messenger's own "message storage" download holds them in another layout, which
`turntoward.ingest.messenger_e2ee` reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from turntoward.ingest._json_doc import JsonDoc, JsonObject, child, load_json, looks_like_json_object
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source, export_pages
from turntoward.model import Conversation, Message, MessageKind, SystemEvent

PAGE_NAME = re.compile(r"message_(\d+)\.json")
# Attachment fields and what stands in for them when the message has no words.
MEDIA_PLACEHOLDERS: dict[str, str] = {
    "photos": "<photo>",
    "videos": "<video>",
    "gifs": "<GIF>",
    "audio_files": "<audio>",
    "files": "<file>",
    "sticker": "<sticker>",
}
SYSTEM_TYPES = frozenset({"Call", "Subscribe", "Unsubscribe"})
# Notices Meta writes as messages when someone reacts (Instagram's double-tap heart, mostly);
# reactions are not messages, so these become system events.
REACTION_NOTICES = re.compile(r"Liked a message|(?:\S.*\s)?[Rr]eacted [^\w\s]+ to (?:your|a) message")
UNSUPPORTED = "<unsupported message>"


def repair_mojibake(text: str) -> str:
    """Undo Meta's Latin-1 reading of UTF-8 ("cafÃ©" -> "café"); text that is not mojibake stays."""
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


@dataclass(frozen=True)
class MetaInboxImporter:
    """Reads one Messenger or Instagram conversation (all its message_N.json files)."""

    name: str
    description: str
    unknown_sender: str
    """Meta's label for a sender whose account is gone."""

    def sniff(self, source: Source, head: bytes) -> float:
        if not looks_like_json_object(head):
            return 0.0
        is_page = PAGE_NAME.fullmatch(source.filename) is not None
        if b'"participants"' in head and (b'"sender_name"' in head or b'"timestamp_ms"' in head):
            score = 0.9
        elif is_page and b'"participants"' in head:
            score = 0.6
        elif b'"messages"' in head and b'"sender_name"' in head and b'"timestamp_ms"' in head:
            score = 0.7  # a file trimmed to its messages (other tools' samples are)
        else:
            return 0.0
        mentions_instagram = "instagram" in source.name.lower() or b"your_instagram_activity" in head
        if self.name == "instagram":
            return score + 0.05 if mentions_instagram else 0.0
        return score

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        page = PAGE_NAME.fullmatch(source.filename)
        number = int(page[1]) if page else 0
        pages = export_pages(source, number, lambda n: f"message_{n}.json")
        if not pages:
            return  # message_1.json brings this file in

        newest_first: list[tuple[datetime, JsonObject, JsonDoc, str]] = []
        header: JsonObject = {}
        for i, page_source in enumerate(pages):
            doc = JsonDoc(page_source)
            root = doc.obj(load_json(page_source), "")
            if "messages" not in root or ("participants" not in root and not _has_senders(root)):
                doc.fail("", f"a {self.description}: an object with 'participants' and 'messages'", root)
            if i == 0:
                header = root
            for j, raw in enumerate(doc.field_list(root, "messages", "")):
                at = f"messages[{j}]"
                entry = doc.obj(raw, at)
                newest_first.append((_timestamp(doc, entry, at), entry, doc, at))
        newest_first.reverse()
        # Meta's order is newest first, but a stable sort guards against files merged out of order.
        newest_first.sort(key=lambda item: item[0])
        yield self._conversation(JsonDoc(source), header, newest_first, options)

    def _conversation(
        self,
        doc: JsonDoc,
        header: JsonObject,
        entries: list[tuple[datetime, JsonObject, JsonDoc, str]],
        options: ImportOptions,
    ) -> Conversation:
        names = []
        for k, raw in enumerate(doc.field_list(header, "participants", "", optional=True)):
            person = doc.obj(raw, f"participants[{k}]")
            names.append(repair_mojibake(doc.field_str(person, "name", f"participants[{k}]")))
        title = doc.optional_str(header, "title", "")
        messages: list[Message] = []
        events: list[SystemEvent] = []
        for ts, entry, page_doc, at in entries:
            author = page_doc.optional_str(entry, "sender_name", at)
            author = repair_mojibake(author) if author else self.unknown_sender
            entry_type = page_doc.optional_str(entry, "type", at)
            content = repair_mojibake(page_doc.optional_str(entry, "content", at) or "")
            is_reaction = content.endswith(" message") and REACTION_NOTICES.fullmatch(content)
            if entry_type in SYSTEM_TYPES or is_reaction:
                events.append(SystemEvent(ts, content or _call_text(page_doc, entry, at), author))
                continue
            kind, text = _kind_and_text(page_doc, entry, at, content)
            messages.append(Message(index=len(messages), ts=ts, author=author, text=text, kind=kind))
        names = names or [m.author for m in messages if m.author != self.unknown_sender]
        return Conversation(
            source=doc.source.name,
            source_format=self.name,
            title=repair_mojibake(title) if title else ", ".join(dict.fromkeys(names)),
            messages=messages,
            system_events=events,
            chat_id=doc.optional_str(header, "thread_path", ""),
            me=options.me,
        )


def _has_senders(root: JsonObject) -> bool:
    """Whether a file without ``participants`` still holds Meta's messages (a trimmed sample)."""
    entries = root.get("messages")
    return isinstance(entries, list) and any(isinstance(e, dict) and "sender_name" in e for e in entries)


def _timestamp(doc: JsonDoc, entry: JsonObject, at: str, key: str = "timestamp_ms") -> datetime:
    """The message's time in milliseconds since 1970 (UTC) at `key`, as naive local time."""
    value = entry.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            # Whole seconds through the local clock, then the milliseconds exactly (no float error).
            return datetime.fromtimestamp(value // 1000) + timedelta(milliseconds=value % 1000)
        except (OverflowError, OSError, ValueError):
            pass
    doc.fail(child(at, key), "a time in milliseconds since 1970", value)


def _kind_and_text(doc: JsonDoc, entry: JsonObject, at: str, content: str) -> tuple[MessageKind, str]:
    if entry.get("is_unsent") is True:
        return MessageKind.DELETED, ""
    for key, placeholder in MEDIA_PLACEHOLDERS.items():
        if entry.get(key):
            return MessageKind.MEDIA, content or placeholder
    if content:
        return MessageKind.TEXT, content
    if entry.get("share") is not None:
        share = doc.field_obj(entry, "share", at)
        link = doc.optional_str(share, "link", child(at, "share"))
        if link:
            return MessageKind.TEXT, repair_mojibake(link)
    return MessageKind.MEDIA, UNSUPPORTED


def _call_text(doc: JsonDoc, entry: JsonObject, at: str) -> str:
    duration = doc.optional_int(entry, "call_duration", at)
    return "call" if duration is None else f"call ({duration} s)"


register(
    MetaInboxImporter(
        name="messenger",
        description="Facebook Messenger JSON export (message_1.json)",
        unknown_sender="Facebook User",
    )
)
register(
    MetaInboxImporter(
        name="instagram",
        description="Instagram direct messages JSON export (message_1.json)",
        unknown_sender="Instagram User",
    )
)
