"""Snapchat chats from "Download My Data" (accounts.snapchat.com): ``chat_history.json`` and its HTML pages.

Three layouts are read. Where we looked: real downloads people published in their repositories (a
September 2024 one with both the JSON and the HTML pages, which this importer reads entry for entry
alike, 1,768 entries in 237 conversations; the HTML pages of a December 2023 one; a 2026 JSON file;
the January 2020 lists without words), and open-source Snapchat analysers for the rest (the old
layout's saved lists with ``Text`` and its type names, from a Rust crate's types and Python
statistics scripts; the ``STATUS...`` types of the newer one, from viewers' code and a schema note
that also says ``Created(microseconds)`` holds milliseconds):

* The JSON since about 2023, ``json/chat_history.json``: an object with one key per conversation,
  the friend's user name for a chat with one person and an id (a UUID) for a group, holding that
  conversation's entries, newest first. An entry is ``{"From": "sam_lee", "Media Type": "TEXT",
  "Created": "2024-03-12 21:04:05 UTC", "Content": "words" | "" | null, "Conversation Title":
  null | "group name", "IsSender": false, "Created(microseconds)": 1710277445123, "IsSaved":
  true}``, with ``"Media IDs": "b~..."`` (files in ``chat_media/``) in newer downloads. Despite its
  name, ``Created(microseconds)`` holds *milliseconds* since 1970 (UTC) in every real file; a value
  of 10^14 or more is read as microseconds in case a download ever matches the name. It is used
  where it agrees with ``Created`` (UTC to the second) within two seconds, else ``Created`` is.
* The JSON before it (downloads up to late 2022): ``{"Received Saved Chat History": [{"From",
  "Media Type", "Created", "Text"}], "Sent Saved Chat History": [{"To", ...}], "Received Unsaved
  Chat History": [...], "Sent Unsaved Chat History": [...]}``, and, around 2020, only ``"Received
  Chat History"`` and ``"Sent Chat History"`` with no ``Text`` at all. There is no conversation nor
  group here: each person the user wrote to or heard from is one conversation (the ``To`` of the
  sent entries and the ``From`` of the received ones), and the lists are merged by time (they are
  in no order). ``Created`` is the only time, to the second.
* The HTML pages of the newer download, ``html/chat_history/subpage_<conversation key>.html``,
  one per conversation, newest first: ``<h1> Chat History with <title></h1>`` then one block per
  entry (a ``<div>`` styled ``background: #f2f2f2``) holding the sender in an ``<h4>``, a
  ``<button class="saved">`` for a saved chat, the media type in a bold ``<span>``, the words in a
  ``<p>`` (only for a saved chat) and the time, ``2024-03-12 21:04:05 UTC``, in an ``<h6>``. The
  page does not say which sender is the user (``me`` is the ``--me`` option here), nor the
  milliseconds. A download asked for in both formats holds every chat twice: in a folder (or zip)
  that also has ``json/chat_history.json``, the pages are left to it (named by itself, a page is
  read). ``chat_history.html``, the list of conversations, is not a chat; neither is a
  "Snap History with ..." page, found in one download among the chat pages (snaps are not chats).
  The older HTML, one ``<table>`` per list of the old JSON, is not read (the one real file seen has
  no words, only who, when and the type).

Who is who: in the newer JSON ``IsSender`` marks the user's entries, and their ``From`` names the
user, so that is ``Conversation.me`` (the most common such name in the file) and the author of
every entry ``IsSender`` marks; where the user wrote nothing in the whole file, ``me`` is the
``--me`` option. ``Username`` in ``json/account.json`` is not read: in the real 2024 download it is
the user's *current* user name, which differs from the one every chat names them by (user names
can be changed since 2022). The old JSON never names the user: the sent entries are written by
the ``--me`` option, else by ``me``, which is then ``Conversation.me``.

Titles and groups: a conversation is titled by its ``Conversation Title`` (the first the file
gives, the newest; a title makes it a group), else by its key (the friend's user name); a key that
is a UUID is a group too, titled by who wrote in it when it has no title. In the HTML the title is
the page's. ``chat_id`` is the conversation's key (the friend's user name, or the group's UUID), the
same in the JSON and the HTML of a download; in the old JSON, the other person's user name.

What each entry becomes, by its ``Media Type``:

* ``TEXT`` with words: a message. ``TEXT`` without words (``Content`` null or empty, or no
  ``Text``): Snapchat keeps the words of saved chats only, so an unsaved chat is this; it becomes a
  DELETED message with no text, as a message whose words are gone is elsewhere: its writer and time
  stay in the conversation's turns, and it is neither a bid nor an answer (a MEDIA placeholder
  would make every lost chat an attention bid, a notice would drop the turn).
* ``MEDIA``, ``NOTE`` (a voice note), ``STICKER``, ``SHARE``, ``LOCATION``, ``IMAGE``, ``VIDEO``,
  the old exports' empty type and any other type not listed here: a MEDIA message with its words if
  the entry has some (a photo's caption), else a placeholder (`PLACEHOLDERS`, or the type in angle
  brackets).
* ``STATUSERASEDMESSAGE`` and ``STATUSERASEDSNAPMESSAGE`` ("deleted a chat", "deleted a snap"):
  a DELETED message of its sender.
* Any other ``STATUS...`` type (calls ended and missed, screenshots, saves to the camera roll,
  people added to or removed from a group, a group renamed) and ``NONPARTICIPANTBOTRESPONSE`` (My
  AI answering in a chat it is not part of): a `SystemEvent` with the entry's words, else a label.

The download has no reactions, replies nor edits. Times are UTC and become naive local time of
this computer, as `datetime.fromtimestamp` gives it (as `turntoward.ingest.messenger` does). A field
of the wrong type, a time in another shape or a missing ``From``, ``To``, ``Media Type`` or
``Created`` is an `ImportFormatError` naming its JSON path (``sam_lee[3].Created``); in the HTML, an
entry without a sender, type or time is one naming its line. ``snap_history.json`` (the same shape,
but snaps: no ``Content`` nor ``IsSaved``) and other JSON objects are not claimed, and named as
Snapchat they are an `UnknownFormatError`.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath

from turntoward.errors import ImportFormatError, UnknownFormatError
from turntoward.ingest._clock import local_time
from turntoward.ingest._html import RoleParser, read_page
from turntoward.ingest._json_doc import JsonDoc, JsonObject, child, load_json, looks_like_json_object
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source, archive_members
from turntoward.model import Conversation, Message, MessageKind, SystemEvent

EXPECTED = ("a Snapchat chat_history.json: an object of conversations holding lists of chats "
            "('From', 'Media Type', 'Created', ...), or the lists 'Received Saved Chat History', "
            "'Sent Saved Chat History', ...")
OLD_LIST = re.compile(r"(?P<way>Received|Sent) (?:(?:Saved|Unsaved) )?Chat History")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
CREATED = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?: UTC)?")
PAGE_NAME = re.compile(r"subpage_(?P<key>.+)\.html")
TITLE_PREFIX = "Chat History with "
JSON_CHATS = "json/chat_history.json"
SNAP_PAGE_PREFIX = "Snap History with "
MICROSECONDS_FROM = 10**14
"""A ``Created(microseconds)`` this large is microseconds; below it, milliseconds (as every real one is)."""
AGREEMENT_MS = 2000
"""How far ``Created(microseconds)`` may be from ``Created`` and still be used for its milliseconds."""
ME = "me"
"""The user's name in the old JSON, which never names them, when no ``--me`` is given."""
UNKNOWN_SENDER = "(unknown)"

TEXT = "TEXT"
ERASED = frozenset({"STATUSERASEDMESSAGE", "STATUSERASEDSNAPMESSAGE"})
BOT_RESPONSE = "NONPARTICIPANTBOTRESPONSE"
PLACEHOLDERS = {
    "MEDIA": "<media>",
    "": "<media>",  # the old exports' entries without a type (photos and snaps, as far as can be told)
    "IMAGE": "<photo>",
    "VIDEO": "<video>",
    "NOTE": "<voice note>",
    "STICKER": "<sticker>",
    "SHARE": "<share>",
    "SHARESAVEDSTORY": "<shared story>",
    "LOCATION": "<location>",
    "MAPREACTION": "<map reaction>",
}
NOTICES = {
    "STATUSCALLENDEDAUDIO": "voice call ended",
    "STATUSCALLENDEDVIDEO": "video call ended",
    "STATUSCALLMISSEDAUDIO": "missed voice call",
    "STATUSCALLMISSEDVIDEO": "missed video call",
    "STATUSSAVETOCAMERAROLL": "saved to the camera roll",
    "STATUSCONVERSATIONCAPTURESCREENSHOT": "took a screenshot",
    "STATUSPARTICIPANTADDED": "added to the group",
    "STATUSPARTICIPANTREMOVED": "removed from the group",
    "STATUSCONVERSATIONNAMECHANGED": "renamed the group",
    BOT_RESPONSE: "My AI answered",
}


@dataclass(frozen=True)
class _Moment:
    """When an entry was written: milliseconds since 1970 (UTC), the order of entries (local time
    goes back an hour when summer time ends), and the naive local time shown."""

    ms: int
    local: datetime


@dataclass
class _Entry:
    """One chat entry, whatever the layout: what the importer needs of it."""

    when: _Moment
    author: str
    media_type: str
    words: str


@dataclass
class _Chat:
    """One conversation being gathered."""

    key: str
    title: str | None = None
    entries: list[_Entry] = field(default_factory=list)


class SnapchatImporter:
    """Reads Snapchat's chat_history.json (both layouts) and its per-conversation HTML pages."""

    name = "snapchat"
    description = "Snapchat \"Download My Data\" chats (chat_history.json, or chat_history/subpage_*.html)"

    def sniff(self, source: Source, head: bytes) -> float:
        if looks_like_json_object(head):
            return 0.9 if _json_looks_like_chats(head) else 0.0
        if b"<h1> Chat History with " in head and b'class="leftpanel"' in head:
            return 0.9
        return 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        head = source.head()
        if looks_like_json_object(head):
            yield from self._parse_json(source, options)
        else:
            chat = self._parse_page(source, options)  # a page that is no chat is refused all the same
            if source.named or not _json_in_download(source):  # else the JSON beside it has it, to the ms
                yield chat

    def _parse_json(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        doc = JsonDoc(source)
        root = doc.obj(load_json(source), "")
        me: str | None
        if any(OLD_LIST.fullmatch(key) for key in root):
            chats, me = _old_layout(doc, root, options), options.me or ME
        else:
            _refuse_other_documents(source, root)
            chats, me = _new_layout(doc, root, options)
        for chat in chats:
            yield self._conversation(source, chat, me, chat.title)

    def _parse_page(self, source: Source, options: ImportOptions) -> Conversation:
        reader = _PageReader()
        read_page(source, reader, "Snapchat")
        title = reader.title.strip()
        if not title.startswith(TITLE_PREFIX.strip()):
            what = "a snap history page, not a chat" if title.startswith(SNAP_PAGE_PREFIX.strip()) else None
            raise UnknownFormatError(source.name, "a Snapchat chat page ('<h1> Chat History with ...')",
                                     found=what or title or "no such heading")
        found = PAGE_NAME.fullmatch(source.filename)
        key = found["key"] if found else title.removeprefix(TITLE_PREFIX.strip()).strip()
        chat = _Chat(key)
        for block in reversed(reader.blocks):  # newest first on the page
            chat.entries.append(_page_entry(source, block))
        page_title = title.removeprefix(TITLE_PREFIX.strip()).strip()
        return self._conversation(source, chat, options.me, page_title or None)

    def _conversation(self, source: Source, chat: _Chat, me: str | None, title: str | None) -> Conversation:
        chat.entries.sort(key=lambda e: e.when.ms)  # stable: entries of one moment keep the file's order
        messages: list[Message] = []
        events: list[SystemEvent] = []
        for entry in chat.entries:
            _add(entry, messages, events)
        is_uuid = UUID.fullmatch(chat.key) is not None
        if title is None and is_uuid:
            title = ", ".join(p for p in dict.fromkeys(m.author for m in messages) if p != me) or chat.key
        return Conversation(
            source=source.name,
            source_format=self.name,
            title=title or chat.key,
            messages=messages,
            system_events=events,
            chat_id=chat.key,
            me=me,
            group=True if chat.title is not None or is_uuid else None,
        )


def _json_in_download(page: Source) -> bool:
    """Whether the import a chat page (``html/chat_history/subpage_*.html``) was found in also holds
    its download's ``json/chat_history.json``: a download asked for in both formats has every chat
    twice. The JSON must be inside the folder the user gave (a page found in ``mydata/html`` is read
    though ``mydata/json`` is there), or in the same archive."""
    if page.path is not None:
        chats = (page.path.parent.parent.parent / JSON_CHATS).resolve()
        return page.root is not None and chats.is_file() and chats.is_relative_to(page.root.resolve())
    assert page.archive is not None and page.member is not None
    member = str(PurePosixPath(page.member).parent.parent.parent / JSON_CHATS)
    return member.removeprefix("./") in archive_members(page.archive)


def _json_looks_like_chats(head: bytes) -> bool:
    """Whether a JSON document's first bytes are a chat_history.json's (not snap_history.json's)."""
    if re.search(rb'"(?:Received|Sent) (?:(?:Saved|Unsaved) )?Chat History"\s*:\s*\[', head):
        return True
    entry = b'"Media Type"' in head and b'"Created"' in head and b'"From"' in head
    return entry and b'"IsSender"' in head and (b'"Content"' in head or b'"IsSaved"' in head)


def _refuse_other_documents(source: Source, root: JsonObject) -> None:
    """UnknownFormatError for a JSON object that is not a newer chat_history.json at all: one with no
    list among its values (a value that is no list, beside lists of chats, is an error of the file),
    whose entries have no ``Media Type``, or a snap_history.json (its
    entries, snaps, have neither ``Content`` nor ``IsSaved``)."""
    if root and not any(isinstance(value, list) for value in root.values()):  # {}: a download with no chats
        raise UnknownFormatError(source.name, EXPECTED, found="an object with other values than lists")
    entries = [e for value in root.values() if isinstance(value, list) for e in value if isinstance(e, dict)]
    if entries and not any("Media Type" in e for e in entries):
        raise UnknownFormatError(source.name, EXPECTED, found="lists of something else")
    if entries and not any("Content" in e or "IsSaved" in e for e in entries):
        raise UnknownFormatError(source.name, EXPECTED, found="a snap_history.json (snaps, not chats)")


def _add(entry: _Entry, messages: list[Message], events: list[SystemEvent]) -> None:
    """`entry` as a message or a notice (see the module docstring)."""
    kind = entry.media_type
    if (kind.startswith("STATUS") and kind not in ERASED) or kind == BOT_RESPONSE:
        events.append(SystemEvent(entry.when.local, entry.words or NOTICES.get(kind, kind), entry.author))
        return
    if kind in ERASED or (kind == TEXT and not entry.words):
        message = Message(len(messages), entry.when.local, entry.author, "", MessageKind.DELETED)
    elif kind == TEXT:
        message = Message(len(messages), entry.when.local, entry.author, entry.words)
    else:
        text = entry.words or PLACEHOLDERS.get(kind, f"<{kind.lower()}>")
        message = Message(len(messages), entry.when.local, entry.author, text, MessageKind.MEDIA)
    messages.append(message)


def _new_layout(doc: JsonDoc, root: JsonObject, options: ImportOptions) -> tuple[list[_Chat], str | None]:
    """The conversations of the newer JSON, and the user's name (from the entries ``IsSender`` marks)."""
    raw: list[tuple[_Chat, list[tuple[JsonObject, str, bool]]]] = []
    senders: Counter[str] = Counter()
    for key, value in root.items():
        chat = _Chat(key)
        listed = []
        for i, item in enumerate(doc.items(value, key)):
            at = f"{key}[{i}]"
            entry = doc.obj(item, at)
            is_sender = _optional_bool(doc, entry, "IsSender", at)
            name = doc.field_str(entry, "From", at)
            if is_sender and name:
                senders[name] += 1
            title = doc.optional_str(entry, "Conversation Title", at)
            chat.title = chat.title or title or None
            listed.append((entry, at, is_sender))
        raw.append((chat, listed))
    me = senders.most_common(1)[0][0] if senders else options.me
    for chat, listed in raw:
        for entry, at, is_sender in listed:
            name = doc.field_str(entry, "From", at)
            author = (me or name or ME) if is_sender else (name or UNKNOWN_SENDER)
            words = doc.optional_str(entry, "Content", at) or ""
            chat.entries.append(_Entry(_json_time(doc, entry, at), author, doc.field_str(entry, "Media Type", at),
                                       words))
        chat.entries.reverse()  # newest first in the file; a stable sort then keeps ties in writing order
    return [chat for chat, _ in raw], me


def _old_layout(doc: JsonDoc, root: JsonObject, options: ImportOptions) -> list[_Chat]:
    """The conversations of the old JSON: one per person, sent and received lists merged."""
    chats: dict[str, _Chat] = {}
    me = options.me or ME
    for key, value in root.items():
        found = OLD_LIST.fullmatch(key)
        if found is None:
            doc.fail(key, "only the old layout's lists beside 'Received Saved Chat History' ('Sent Saved Chat "
                     "History', 'Received Unsaved Chat History', ...)", value)
        sent = found["way"] == "Sent"
        for i, item in enumerate(doc.items(value, key)):
            at = f"{key}[{i}]"
            entry = doc.obj(item, at)
            other = doc.field_str(entry, "To" if sent else "From", at)
            author = me if sent else (other or UNKNOWN_SENDER)
            words = doc.optional_str(entry, "Text", at) or ""
            person = chats.setdefault(other, _Chat(other))
            person.entries.append(_Entry(_created(doc, entry, at), author, doc.field_str(entry, "Media Type", at),
                                         words))
    return list(chats.values())


def _optional_bool(doc: JsonDoc, entry: JsonObject, key: str, at: str) -> bool:
    value = entry.get(key)
    if value is None or isinstance(value, bool):
        return bool(value)
    doc.fail(child(at, key), "true or false", value)


def _json_time(doc: JsonDoc, entry: JsonObject, at: str) -> _Moment:
    """``Created``, to the millisecond from ``Created(microseconds)`` where that agrees with it."""
    moment = _created(doc, entry, at)
    precise = doc.optional_int(entry, "Created(microseconds)", at)
    if precise is not None and precise > 0:
        ms = precise // 1000 if precise >= MICROSECONDS_FROM else precise
        exact = local_time(ms)
        if exact is not None and abs(ms - moment.ms) <= AGREEMENT_MS:
            return _Moment(ms, exact)
    return moment


def _created(doc: JsonDoc, entry: JsonObject, at: str) -> _Moment:
    value = doc.field_str(entry, "Created", at)
    moment = _utc_text(value)
    if moment is None:
        doc.fail(child(at, "Created"), "a time like '2024-03-12 21:04:05 UTC'", value)
    return moment


def _utc_text(text: str) -> _Moment | None:
    """``2024-03-12 21:04:05 UTC``, the instant and its naive local time; None when it is not such a time."""
    found = CREATED.fullmatch(text.strip())
    if found is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in found.groups())
        utc = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    ms = calendar.timegm(utc.timetuple()) * 1000
    local = local_time(ms)
    return None if local is None else _Moment(ms, local)


# --- the HTML pages ---------------------------------------------------------------------------


@dataclass
class _Block:
    """One entry's block on a page, as read: its parts' text and the line it starts on."""

    line: int
    parts: dict[str, list[str]] = field(default_factory=dict)

    def text(self, part: str) -> str | None:
        found = self.parts.get(part)
        return None if found is None else "".join(found)


class _PageReader(RoleParser):
    """Collects a chat page's heading and its entries' blocks."""

    RECORDS = frozenset({"block"})

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.blocks: list[_Block] = []
        self._in_title = False

    def role(self, tag: str, attributes: dict[str, str]) -> str | None:
        if tag == "h1" and not self.inside("block"):
            self._in_title = True
            return "title"
        if tag == "div" and attributes.get("style", "").replace(" ", "").startswith("background:#f2f2f2"):
            if not self.inside("block"):
                self.blocks.append(_Block(self.getpos()[0]))
                return "block"
            return None
        if not self.inside("block"):
            return None
        block = self.blocks[-1]
        part = _PART_TAGS.get(tag)
        if tag == "span" and "font-weight: bold" in attributes.get("style", ""):
            part = "type"
        if tag == "button" and "saved" in attributes.get("class", "").split():
            part = "saved"
        if part is not None:
            block.parts.setdefault(part, [])
            return part
        if tag == "br" and self._part() == "words":
            block.parts["words"].append("\n")
        return None

    def _part(self) -> str | None:
        return next((r for _, r in reversed(self.stack) if r in _PARTS), None)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
            return
        part = self._part()
        if part is not None and self.blocks:
            self.blocks[-1].parts[part].append(data)

    def ended(self, role: str, depth: int) -> None:
        if role == "title":
            self._in_title = False


_PART_TAGS = {"h4": "author", "p": "words", "h6": "time"}
_PARTS = frozenset({"author", "words", "time", "type", "saved"})


def _page_entry(source: Source, block: _Block) -> _Entry:
    """A page's block as an entry; a block without its sender, type or time is an error."""
    author, media_type, when = block.text("author"), block.text("type"), block.text("time")
    for value, what in ((author, "the sender (<h4>)"), (media_type, "the media type (a bold <span>)"),
                        (when, "the time (<h6>)")):
        if value is None:
            raise ImportFormatError(source.name, f"{what} of a Snapchat chat entry", line=block.line,
                                    found="nothing")
    assert author is not None and media_type is not None and when is not None
    ts = _utc_text(when)
    if ts is None:
        raise ImportFormatError(source.name, "a time like '2024-03-12 21:04:05 UTC'", line=block.line,
                                found=when.strip())
    return _Entry(ts, author.strip() or UNKNOWN_SENDER, media_type.strip(), block.text("words") or "")


register(SnapchatImporter())
