"""Google Chat and the older Google Hangouts, as Google Takeout exports them.

**Google Chat** (Takeout since 2023, when Hangouts moved into Chat) writes one folder per
conversation, ``Takeout/Google Chat/Groups/DM 8dr3QAAAAAE/`` for a direct message or an unnamed
group and ``Space AAAAkzIgRI8/`` for a space, holding ``messages.json``, ``group_info.json`` and
the attached files (``File-…``); ``Takeout/Google Chat/Users/User <id>/user_info.json`` names the
account the export belongs to (``{"user": {"name", "email", "user_type"}, ...}``). ::

    {"messages": [
      {"creator": {"name": "Rowan Hale", "email": "rowan@example.com", "user_type": "Human"},
       "created_date": "Tuesday, March 12, 2024 at 9:04:05\u202fPM UTC",
       "text": "...",
       "attached_files": [{"original_name": "IMG_0412.jpg", "export_name": "File-IMG_0412.jpg"}],
       "annotations": [{"start_index": 0, "length": 0, "url_metadata": {...}}],
       "reactions": [{"emoji": {"unicode": "👍"}, "reactor_emails": ["kai@example.com"]}],
       "topic_id": "hAt58UAUxKk",
       "quoted_message_metadata": {"creator": {...}, "text": "...", "attached_files": [...]},
       "message_id": "8dr3QAAAAAE/hAt58UAUxKk/cbaBbFV_l7U"}]}

``group_info.json`` is ``{"name": "Space name", "members": [{"name", "email", "user_type"}]}``, with
no ``name`` for a DM and ``"Group Chat"`` for a group nobody named. One file is one
`Conversation`: titled by the space's name, else by the other members' names (the account owner,
from ``user_info.json`` or ``--me``, left out; without ``group_info.json``, by the authors);
``chat_id`` is the folder name, and a space, or a DM of more than two members, is a group.

People are told apart by email address (compared without case), and each address goes by one name
in the whole conversation, for its messages, reactions, the title and `Conversation.me` alike: the
latest ``name`` its entries give (in time order; someone renamed mid-way goes by the new name
throughout, and an entry whose creator has no ``name`` by the name the others give), else its
name in ``group_info.json``, else in ``user_info.json``, else the address itself. Two addresses
that go by the same name are each written ``Name (address)``; a creator without an address is
known by ``name`` alone. The account owner is ``user_info.json``'s address, so named. Each entry is
one `Message` by its creator, read as follows:

- ``created_date`` is UTC, written in the account's language: Google formats it as the
  language's full date and long time (Unicode CLDR patterns). Read: US English ``Tuesday, March
  12, 2024 at 9:04:05 PM UTC`` (a narrow no-break space, U+202F, before ``PM`` since 2023),
  British English ``Thursday, 8 August 2024 at 12:04:08 UTC``, Japanese ``2024年3月12日火曜日
  21:04:05 UTC``, Chinese ``2024年3月12日星期二 UTC 21:04:05`` (also with the zone last), and,
  by the same rule but never seen in a real export, German ``Dienstag, 12. März 2024 um 21:04:05
  UTC``, Spanish ``martes, 12 de marzo de 2024, 21:04:05 UTC`` and Hungarian ``2015. február 15.,
  vasárnap 21:54:36 UTC``. The instant is shown in this computer's local time, as every importer
  gives naive local time (Meta's and Hangouts' UTC instants are read the same way). Anything
  else, another zone included, is an `ImportFormatError` at its JSON path, never a guess.
- An edited message has no ``created_date`` of its own but ``updated_date`` and
  ``previous_message_versions``, whose first version carries the original ``created_date``: it
  is dated by that (else by ``updated_date``) and marked `Message.edited`.
- ``attached_files`` makes a MEDIA message (its words kept, ``<attachment>`` when it has none),
  and so does a ``drive_metadata`` annotation (a Drive file shared in the chat; ``<Drive file>``
  without words). A message whose only content is a link preview (``url_metadata``; a GIF from
  the picker is one) or a YouTube video reads as its link. Without words, a Meet link
  (``video_call_metadata``), a Meet call record (``gsuite_integration_metadata.call_data``), a
  task card (``tasks_data``) or a calendar card are `SystemEvent`s by the creator ("video call
  https://meet.google.com/…", "task created: Book the campsite"); a message with nothing at all
  is MEDIA ``<unsupported message>``. Formatting annotations change nothing.
- ``"message_state": "DELETED"`` (with ``deleted_date`` and ``deletion_metadata``) is a DELETED
  message, its words kept as written; one that has lost its ``creator`` too (a shape not in the
  real files seen here) is a `SystemEvent` "message deleted" by nobody, at ``deleted_date``.
- ``reactions`` name their reactors by email address; each becomes a `Reaction` by the name the
  address goes by in the conversation (as above), without a time (none is exported). A custom
  emoji (``custom_emoji.shortcode``) is kept as ``:name:``.
- ``quoted_message_metadata`` (a reply quoting a message) carries the quoted creator, text and
  files but, in every real export seen, no id: `reply_to` is the latest earlier message by that
  creator with that very text and those files (when it does carry a ``message_id``, the first
  message with that id: an id written twice keeps its first message), or None when no such
  message is in the file.
- ``Updated room membership.``, ``Created room.`` and ``Renamed room.``, the notices Chat writes
  as messages (that text and nothing else), are `SystemEvent`s by their creator.
- In a space with threads the file lists each thread together, so its replies come out of time
  order: entries are put in the order of their UTC instants (ties keep the file's order) before
  they are numbered, and only then shown in local time, so that the hour a clock turns back in
  autumn keeps its order.
  Threads (``topic_id``) are not replies and are not read.

Not read: bots are authors like anyone else (``user_type`` and ``acting_user`` are ignored);
formatting and ``unsentmessages.json`` are ignored. The owner is found only where
``Users/User <id>/user_info.json`` sits beside ``Groups`` (exactly one of them); a later part of a
split Takeout lacks it, and ``--me`` names the user instead.

**Hangouts** (Takeout until 2022) wrote one ``Takeout/Hangouts/Hangouts.json`` holding every
conversation, each becoming one `Conversation`. Two shapes are read: ``{"conversations":
[{"conversation": {"conversation_id", "conversation": {...}}, "events": [...]}]}`` (2017 on) and
``{"conversation_state": [{"conversation_id", "conversation_state": {"conversation": {...},
"event": [...]}}]}`` (2014 to 2016). The inner ``conversation`` has ``id.id`` (the ``chat_id``),
``type`` (``STICKY_ONE_TO_ONE``, or ``GROUP``: a group), an optional ``name`` (the title; else the
other participants, else whoever else wrote), ``participant_data`` (``id.gaia_id`` and
``fallback_name``) and, in ``self_conversation_state.self_read_state.participant_id``, the account
owner (`Conversation.me`); participants whose ``fallback_name`` is the same are each written
``Name (gaia id)``. An event has ``sender_id.gaia_id``, ``timestamp`` (microseconds since 1970, a
string; events are ordered by it, ties in the file's order, and only then shown in this
computer's local time) and one of: ``chat_message.message_content``,
a `Message` (``segment`` texts joined, ``LINE_BREAK`` a newline; an ``attachment`` makes it MEDIA,
``<photo>`` for ``PLUS_PHOTO``, ``<location>`` for ``PLACE_V2``, else ``<attachment>``);
``membership_change`` (``JOIN``/``LEAVE`` of ``participant_id``s), ``conversation_rename`` or
``hangout_event`` (``START_HANGOUT``, ``END_HANGOUT`` with ``hangout_duration_secs``), which are
`SystemEvent`s by the sender. Someone who left a group is often missing from ``participant_data``
and is named "Hangouts user <id>". Hangouts exported no reactions, quotes or edits.

Where this comes from: real exports committed to public repositories, read field by field. For
Google Chat, a test space a civic-tech group exported in August 2024 and twice more until
December 2024 (threads listed out of time order, replies quoting messages and files, reactions by
email, membership notices, a GIF, files, bold, list and link annotations; every date with
U+202F). For Hangouts, eight ``Hangouts.json`` files people exported between 2014 and 2021
(one-to-one and group conversations, photos, a shared location, calls, people added, removed and
leaving, a rename; one in the old shape; one cut off mid-file). What those files lack comes from
open-source readers written against real exports: a JSON schema computed from one person's whole
Chat history (edited messages without ``created_date``, ``message_state`` "DELETED" with
``deletion_metadata``, creators without email, Drive, YouTube, Meet, calendar and task
annotations), a transcript printer's sample output (British dates), a Japanese viewer's date
pattern, a Chinese importer's date pattern (zone before the clock), and viewers that name unnamed
groups "Group Chat" and read custom-emoji reactions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath

from turntoward.errors import ImportFormatError
from turntoward.ingest._json_doc import JsonDoc, JsonObject, child, load_json, looks_like_json_object
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source, archive_members
from turntoward.model import Conversation, Message, MessageKind, Reaction, SystemEvent

ATTACHMENT = "<attachment>"
DRIVE_FILE = "<Drive file>"
UNSUPPORTED = "<unsupported message>"
MESSAGE_DELETED = "message deleted"
UNNAMED_GROUP = "Group Chat"  # group_info.json's name for a group nobody named
SYSTEM_TEXTS = frozenset({"Updated room membership.", "Created room.", "Renamed room."})
HANGOUTS_PLACEHOLDERS = {"PLUS_PHOTO": "<photo>", "PLACE_V2": "<location>"}
HANGOUTS_UNKNOWN = "Hangouts user"
DATE_EXPECTED = "a date such as 'Tuesday, March 12, 2024 at 9:04:05 PM UTC' (Google Takeout's, in UTC)"

_MONTH_NAMES = (  # by language: English, German, Spanish, Hungarian
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"),
    ("januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober", "november",
     "dezember"),
    ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
     "noviembre", "diciembre"),
    ("január", "február", "március", "április", "május", "június", "július", "augusztus", "szeptember",
     "október", "november", "december"),
)
_MONTHS = {name: number for names in _MONTH_NAMES for number, name in enumerate(names, start=1)}
_MONTHS["setiembre"] = 9  # Spanish spells September both ways

_W = r"[^\W\d_]+"  # a weekday or month name, in any script
_CLOCK = r"(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})"
_DATE_SHAPES = tuple(re.compile(shape, re.IGNORECASE) for shape in (
    # US English, "EEEE, MMMM d, y 'at' h:mm:ss a z": Tuesday, March 12, 2024 at 9:04:05 PM UTC
    rf"(?:{_W}, )?(?P<month>{_W}) (?P<day>[0-9]{{1,2}}), (?P<year>[0-9]{{4}}) at {_CLOCK} ?(?P<half>[AP]M) UTC",
    # British English, "EEEE, d MMMM y 'at' HH:mm:ss z": Thursday, 8 August 2024 at 12:04:08 UTC
    rf"(?:{_W}, )?(?P<day>[0-9]{{1,2}}) (?P<month>{_W}) (?P<year>[0-9]{{4}}) at {_CLOCK} UTC",
    # German, "EEEE, d. MMMM y 'um' HH:mm:ss z": Dienstag, 12. März 2024 um 21:04:05 UTC
    rf"(?:{_W}, )?(?P<day>[0-9]{{1,2}})\. (?P<month>{_W}) (?P<year>[0-9]{{4}}) um {_CLOCK} UTC",
    # Spanish, "EEEE, d 'de' MMMM 'de' y, H:mm:ss z": martes, 12 de marzo de 2024, 21:04:05 UTC
    rf"(?:{_W}, )?(?P<day>[0-9]{{1,2}}) de (?P<month>{_W}) de (?P<year>[0-9]{{4}}),? {_CLOCK} UTC",
    # Hungarian, "y. MMMM d., EEEE H:mm:ss z": 2015. február 15., vasárnap 21:54:36 UTC
    rf"(?P<year>[0-9]{{4}})\. (?P<month>{_W}) (?P<day>[0-9]{{1,2}})\.,? (?:{_W} )?{_CLOCK} UTC",
    # Japanese "y年M月d日EEEE H:mm:ss z", Chinese "y年M月d日EEEE z HH:mm:ss"
    rf"(?P<year>[0-9]{{4}})年(?P<month>[0-9]{{1,2}})月(?P<day>[0-9]{{1,2}})日(?:{_W})? ?{_CLOCK} UTC",
    rf"(?P<year>[0-9]{{4}})年(?P<month>[0-9]{{1,2}})月(?P<day>[0-9]{{1,2}})日(?:{_W})? ?UTC {_CLOCK}",
))
_FOLDER = re.compile(r"(?:DM|Space) \S+")
_HANGOUTS_ROOT = re.compile(rb'"(?:conversations|conversation_state)"\s*:\s*\[')
_HANGOUTS_MARK = re.compile(rb'"(?:participant_data|conversation_id|self_conversation_state)"\s*:')


class GoogleChatImporter:
    """Reads Google Takeout's Google Chat conversations (messages.json) and Hangouts.json."""

    name = "google_chat"
    description = "Google Chat or Hangouts from Google Takeout (messages.json, Hangouts.json)"

    def sniff(self, source: Source, head: bytes) -> float:
        if not looks_like_json_object(head):
            return 0.0
        if b'"messages"' in head and b'"creator"' in head and b'"created_date"' in head:
            return 0.95
        if _HANGOUTS_ROOT.search(head) and _HANGOUTS_MARK.search(head):
            return 0.95
        if source.filename == "messages.json" and b'"messages"' in head and _beside_group_info(source):
            return 0.6  # a conversation with no messages yet: {"messages": []} beside its group_info.json
        return 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        doc = JsonDoc(source)
        root = doc.obj(load_json(source), "")
        if "messages" in root and _holds_chat_messages(root):
            yield _google_chat(doc, root, options)
        elif "messages" not in root and ("conversations" in root or "conversation_state" in root):
            yield from _hangouts(doc, root, options)
        else:
            doc.fail("", "a Google Chat messages.json (an object holding 'messages', each with a 'creator') "
                         "or a Hangouts.json ('conversations')", root)


def _beside_group_info(source: Source) -> bool:
    if source.path is None and (source.archive is None or source.member is None):
        return False  # a name only: nothing beside it to look at
    try:
        return source.sibling("group_info.json") is not None
    except ImportFormatError:  # an archive that cannot be listed: nothing to be found beside it
        return False


def _holds_chat_messages(root: JsonObject) -> bool:
    """Whether ``messages`` is Google Chat's: the file holds nothing else, or its messages have creators
    (another app's chat with a ``messages`` list, such as Telegram's, is refused as a whole)."""
    if set(root) == {"messages"}:
        return True
    entries = root["messages"]
    return isinstance(entries, list) and any(isinstance(e, dict) and "creator" in e for e in entries)


# Google Chat ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Person:
    name: str | None
    email: str | None

    @property
    def shown(self) -> str:
        return self.name or self.email or ""

    @property
    def key(self) -> str:
        """Who this is across the file: the address (compared without case), else the name."""
        return self.email.casefold() if self.email else f"name:{self.name}"

    def same(self, other: _Person) -> bool:
        if self.email and other.email:
            return self.key == other.key
        return self.shown == other.shown


_Quote = tuple[str, str, tuple[str, ...]]  # (creator key, text, file names): what a reply quotes


@dataclass(frozen=True)
class _Names:
    """How one conversation names people: one name per email address, told apart where two share one."""

    names: dict[str, str]  # address key -> the name it goes by
    addresses: dict[str, str]  # address key -> the address as first written
    clashing: frozenset[str]  # names that two addresses go by

    @classmethod
    def of(cls, people: list[_Person]) -> _Names:
        """From `people` in rising order of weight: a later name for an address replaces an earlier one."""
        names: dict[str, str] = {}
        addresses: dict[str, str] = {}
        for person in people:
            if person.email:
                addresses.setdefault(person.key, person.email)
                if person.name:
                    names[person.key] = person.name
        shown = Counter(names.get(key, address) for key, address in addresses.items())
        return cls(names, addresses, frozenset(name for name, count in shown.items() if count > 1))

    def address(self, email: str) -> str:
        """The name of whoever has this address (the address itself when nobody in the file names it)."""
        key = email.casefold()
        name = self.names.get(key, email)
        return f"{name} ({self.addresses.get(key, email)})" if name in self.clashing else name

    def label(self, person: _Person) -> str:
        return self.address(person.email) if person.email else person.shown


@dataclass
class _Entry:
    """One entry of messages.json, read but not yet numbered."""

    position: int
    instant: datetime  # aware, in UTC: what entries are ordered by
    ts: datetime  # the same in this computer's local time, as Message.ts gives it
    author: _Person | None
    text: str  # as written, before any placeholder
    files: tuple[str, ...]
    message_id: str | None = None
    kind: MessageKind = MessageKind.TEXT
    shown: str = ""
    edited: bool = False
    notice: str | None = None  # the text of a SystemEvent, when the entry is one
    reactions: list[tuple[str, list[str]]] = field(default_factory=list)  # (emoji, reactor addresses)
    quote: _Quote | None = None
    quoted_id: str | None = None


def _google_chat(doc: JsonDoc, root: JsonObject, options: ImportOptions) -> Conversation:
    entries = doc.field_list(root, "messages", "")
    members, space_name = _group_info(doc.source)
    read = [_entry(doc, doc.obj(raw, f"messages[{i}]"), f"messages[{i}]", i) for i, raw in enumerate(entries)]
    read.sort(key=lambda e: (e.instant, e.position))  # threads are listed together, their replies out of time order

    account = _account_owner(doc.source)
    names = _Names.of([*([account] if account else []), *members, *(e.author for e in read if e.author)])
    messages: list[Message] = []
    events: list[SystemEvent] = []
    earlier: dict[_Quote, int] = {}
    by_id: dict[str, int] = {}
    for entry in read:
        if entry.notice is not None or entry.author is None:
            events.append(SystemEvent(entry.ts, entry.notice or MESSAGE_DELETED,
                                      names.label(entry.author) if entry.author else None))
            continue
        index = len(messages)
        reply_to = None
        if entry.quoted_id is not None:
            reply_to = by_id.get(entry.quoted_id)
        elif entry.quote is not None:
            reply_to = earlier.get(entry.quote)
        reactions = tuple(Reaction(names.address(address), emoji)
                          for emoji, addresses in entry.reactions for address in addresses)
        messages.append(Message(index, entry.ts, names.label(entry.author), entry.shown, entry.kind, reply_to,
                                entry.edited, reactions))
        earlier[(entry.author.key, entry.text, entry.files)] = index  # the latest such message wins
        if entry.message_id is not None:
            by_id.setdefault(entry.message_id, index)  # an id written twice: the first message that has it

    owner = account or (_Person(options.me, None) if options.me else None)
    people = members or list({e.author.key: e.author for e in read if e.author is not None}.values())
    others = [names.label(p) for p in people if p.shown and (owner is None or not p.same(owner))]
    folder = _folder(doc.source)
    title = space_name or ", ".join(dict.fromkeys(others)) or folder or "Google Chat"
    if folder is not None and folder.startswith("Space "):
        group: bool | None = True
    else:
        group = len(members) > 2 if members else None
    return Conversation(
        source=doc.source.name,
        source_format=GoogleChatImporter.name,
        title=title,
        messages=messages,
        system_events=events,
        chat_id=folder,
        me=names.label(owner) if owner is not None else None,
        group=group,
    )


def _entry(doc: JsonDoc, entry: JsonObject, at: str, position: int) -> _Entry:
    state = doc.optional_str(entry, "message_state", at)
    deleted = state == "DELETED" or entry.get("deletion_metadata") is not None or entry.get("deleted_date") is not None
    if deleted and entry.get("creator") is None:  # Takeout kept only that something was deleted, and when
        when = "deleted_date" if entry.get("deleted_date") is not None else "created_date"
        return _Entry(position, *_date(doc, entry.get(when), child(at, when)), None, "", ())
    author = _person(doc, doc.field_obj(entry, "creator", at), child(at, "creator"))
    text = doc.optional_str(entry, "text", at) or ""
    files = _files(doc, entry, at)
    read = _Entry(position, *_sent(doc, entry, at), author, text, files, shown=text,
                  message_id=doc.optional_str(entry, "message_id", at))
    read.edited = entry.get("updated_date") is not None or bool(
        doc.field_list(entry, "previous_message_versions", at, optional=True))
    content = _Annotations(doc, entry, at)
    if deleted:
        read.kind = MessageKind.DELETED
    elif text in SYSTEM_TEXTS and not files and content.empty:
        read.notice = text
        return read
    elif files or content.drive:
        read.kind, read.shown = MessageKind.MEDIA, text or (ATTACHMENT if files else DRIVE_FILE)
    elif not text:
        if content.notice is not None:
            read.notice = content.notice
            return read
        if content.link is not None:
            read.shown = content.link
        else:
            read.kind, read.shown = MessageKind.MEDIA, UNSUPPORTED
    read.reactions = _reactions(doc, entry, at)
    read.quote, read.quoted_id = _quote(doc, entry, at)
    return read


def _person(doc: JsonDoc, person: JsonObject, where: str) -> _Person:
    found = _Person(doc.optional_str(person, "name", where) or None, doc.optional_str(person, "email", where) or None)
    if not found.shown:
        doc.fail(child(where, "name"), "a name (a string), or an email address", person.get("name"))
    return found


def _files(doc: JsonDoc, holder: JsonObject, at: str) -> tuple[str, ...]:
    """The names of the files attached to a message (or to a quoted one), as exported."""
    names = []
    for k, raw in enumerate(doc.field_list(holder, "attached_files", at, optional=True)):
        where = f"{child(at, 'attached_files')}[{k}]"
        attached = doc.obj(raw, where)
        names.append(doc.optional_str(attached, "export_name", where)
                     or doc.optional_str(attached, "original_name", where) or "")
    return tuple(names)


class _Annotations:
    """What a message's annotations add besides formatting."""

    def __init__(self, doc: JsonDoc, entry: JsonObject, at: str) -> None:
        self.empty = True
        self.drive = False
        self.link: str | None = None  # the address of a link preview or a YouTube video
        self.notice: str | None = None  # what a card or call record says, as a notice
        for k, raw in enumerate(doc.field_list(entry, "annotations", at, optional=True)):
            where = f"{child(at, 'annotations')}[{k}]"
            self._read(doc, doc.obj(raw, where), where)

    def _read(self, doc: JsonDoc, annotation: JsonObject, where: str) -> None:
        if annotation.get("drive_metadata") is not None:
            self.empty, self.drive = False, True
        if annotation.get("url_metadata") is not None:
            self.empty = False
            preview = doc.field_obj(annotation, "url_metadata", where)
            self.link = self.link or _wrapped_url(doc, preview, child(where, "url_metadata"))
        if annotation.get("youtube_metadata") is not None:
            self.empty = False
            video = doc.field_obj(annotation, "youtube_metadata", where)
            video_id = doc.optional_str(video, "id", child(where, "youtube_metadata"))
            if video_id:
                self.link = self.link or f"https://www.youtube.com/watch?v={video_id}"
        if annotation.get("video_call_metadata") is not None:
            self.empty = False
            call = doc.field_obj(annotation, "video_call_metadata", where)
            call_at = child(where, "video_call_metadata")
            url = None
            if call.get("meeting_space") is not None:
                space = doc.field_obj(call, "meeting_space", call_at)
                url = doc.optional_str(space, "meeting_url", child(call_at, "meeting_space"))
            self.notice = self.notice or (f"video call {url}" if url else "video call")
        if annotation.get("gsuite_integration_metadata") is not None:
            self.empty = False
            gsuite_at = child(where, "gsuite_integration_metadata")
            gsuite = doc.field_obj(annotation, "gsuite_integration_metadata", where)
            self.notice = self.notice or _card(doc, gsuite, gsuite_at)


def _wrapped_url(doc: JsonDoc, holder: JsonObject, where: str) -> str | None:
    """``url.private_do_not_access_or_else_safe_url_wrapped_value``: the address, as Takeout wraps it."""
    if holder.get("url") is None:
        return None
    url = doc.field_obj(holder, "url", where)
    return doc.optional_str(url, "private_do_not_access_or_else_safe_url_wrapped_value", child(where, "url")) or None


def _card(doc: JsonDoc, gsuite: JsonObject, at: str) -> str | None:
    """What a Meet call record, task or calendar card says ("task created: Book the campsite")."""
    if gsuite.get("call_data") is not None:
        call = doc.field_obj(gsuite, "call_data", at)
        status = doc.optional_str(call, "call_status", child(at, "call_data"))
        return f"video call ({status.replace('_', ' ').lower()})" if status else "video call"
    if gsuite.get("tasks_data") is not None:
        tasks_at = child(at, "tasks_data")
        tasks = doc.field_obj(gsuite, "tasks_data", at)
        title = ""
        if tasks.get("task_properties") is not None:
            task = doc.field_obj(tasks, "task_properties", tasks_at)
            title = doc.optional_str(task, "title", child(tasks_at, "task_properties")) or ""
        change = next((word for key, word in (("creation", "created"), ("completion_change", "completed"),
                                              ("assignee_change", "assigned"), ("deletion_change", "deleted"))
                       if tasks.get(key) is not None), "changed")
        return f"task {change}: {title}" if title else f"task {change}"
    if gsuite.get("calendar_event_data") is not None:
        calendar_at = child(at, "calendar_event_data")
        calendar = doc.field_obj(gsuite, "calendar_event_data", at)
        title = ""
        if calendar.get("calendar_event") is not None:
            event = doc.field_obj(calendar, "calendar_event", calendar_at)
            title = doc.optional_str(event, "title", child(calendar_at, "calendar_event")) or ""
        return f"calendar event: {title}" if title else "calendar event"
    return None


def _sent(doc: JsonDoc, entry: JsonObject, at: str) -> tuple[datetime, datetime]:
    """When the message was sent: ``created_date``; for an edited one its first version's."""
    if entry.get("created_date") is not None:
        return _date(doc, entry["created_date"], child(at, "created_date"))
    versions_at = child(at, "previous_message_versions")
    for k, raw in enumerate(doc.field_list(entry, "previous_message_versions", at, optional=True)):
        version = doc.obj(raw, f"{versions_at}[{k}]")
        if version.get("created_date") is not None:
            return _date(doc, version["created_date"], f"{versions_at}[{k}].created_date")
    for fallback in ("updated_date", "deleted_date"):
        if entry.get(fallback) is not None:
            return _date(doc, entry[fallback], child(at, fallback))
    doc.fail(child(at, "created_date"), DATE_EXPECTED)


def _date(doc: JsonDoc, value: object, path: str) -> tuple[datetime, datetime]:
    """A Takeout date: the instant (aware, UTC) and the same in this computer's local time."""
    if isinstance(value, str):
        instant = takeout_instant(value)
        local = _local(instant) if instant is not None else None
        if instant is not None and local is not None:
            return instant, local
    if value is None:
        doc.fail(path, DATE_EXPECTED)
    doc.fail(path, DATE_EXPECTED, value)


def takeout_time(text: str) -> datetime | None:
    """The local time of a Google Chat date (``created_date``), in any shape Takeout writes; else None."""
    instant = takeout_instant(text)
    return _local(instant) if instant is not None else None


def _local(instant: datetime) -> datetime | None:
    """An aware instant in this computer's local time (naive); None where the platform cannot show it."""
    try:
        return instant.astimezone().replace(tzinfo=None)
    except (ValueError, OverflowError, OSError):
        return None


def takeout_instant(text: str) -> datetime | None:
    """The instant (aware, in UTC) of a Google Chat date, in any shape Takeout writes; else None."""
    text = " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())
    for shape in _DATE_SHAPES:
        found = shape.fullmatch(text)
        if found is None:
            continue
        month_text = found["month"]
        month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text.lower())
        hour = int(found["hour"])
        half = found.groupdict().get("half")
        if half:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if half.upper() == "PM" else 0)
        if month is None:
            return None
        try:
            return datetime(int(found["year"]), month, int(found["day"]), hour, int(found["minute"]),
                            int(found["second"]), tzinfo=UTC)
        except ValueError:
            return None
    return None


def _reactions(doc: JsonDoc, entry: JsonObject, at: str) -> list[tuple[str, list[str]]]:
    found = []
    for k, raw in enumerate(doc.field_list(entry, "reactions", at, optional=True)):
        where = f"{child(at, 'reactions')}[{k}]"
        reaction = doc.obj(raw, where)
        emoji = _emoji(doc, doc.field_obj(reaction, "emoji", where), child(where, "emoji"))
        addresses = []
        for r, address in enumerate(doc.field_list(reaction, "reactor_emails", where, optional=True)):
            if not isinstance(address, str) or not address:
                doc.fail(f"{child(where, 'reactor_emails')}[{r}]", "an email address (a string)", address)
            addresses.append(address)
        found.append((emoji, addresses))
    return found


def _emoji(doc: JsonDoc, emoji: JsonObject, where: str) -> str:
    """A standard emoji itself; a custom one as ``:shortcode:``."""
    unicode = doc.optional_str(emoji, "unicode", where)
    if unicode:
        return unicode
    if emoji.get("custom_emoji") is not None:
        custom = doc.field_obj(emoji, "custom_emoji", where)
        custom_at = child(where, "custom_emoji")
        code = (doc.optional_str(custom, "shortcode", custom_at) or doc.optional_str(custom, "short_code", custom_at)
                or "").strip(":")
        if code:
            return f":{code}:"
        doc.fail(child(custom_at, "shortcode"), "the custom emoji's name (a string)", custom.get("shortcode"))
    doc.fail(child(where, "unicode"), "an emoji (a non-empty string)", emoji.get("unicode"))


def _quote(doc: JsonDoc, entry: JsonObject, at: str) -> tuple[_Quote | None, str | None]:
    """What a reply quotes: (creator key, text, files), and the quoted message's id where given."""
    if entry.get("quoted_message_metadata") is None:
        return None, None
    quoted = doc.field_obj(entry, "quoted_message_metadata", at)
    where = child(at, "quoted_message_metadata")
    quoted_id = doc.optional_str(quoted, "message_id", where)
    if quoted_id:
        return None, quoted_id
    creator = _person(doc, doc.field_obj(quoted, "creator", where), child(where, "creator"))
    return (creator.key, doc.optional_str(quoted, "text", where) or "", _files(doc, quoted, where)), None


def _group_info(source: Source) -> tuple[list[_Person], str | None]:
    """The members and the space's name in ``group_info.json`` beside the messages (none there: no members)."""
    info_source = source.sibling("group_info.json")
    if info_source is None:
        return [], None
    doc = JsonDoc(info_source)
    root = doc.obj(load_json(info_source), "")
    name = doc.optional_str(root, "name", "")
    members = []
    for i, raw in enumerate(doc.field_list(root, "members", "", optional=True)):
        member = doc.obj(raw, f"members[{i}]")
        person = _Person(doc.optional_str(member, "name", f"members[{i}]") or None,
                         doc.optional_str(member, "email", f"members[{i}]") or None)
        if person.shown:
            members.append(person)
    return members, (name if name and name != UNNAMED_GROUP else None)


def _account_owner(source: Source) -> _Person | None:
    """The account the export belongs to: ``Users/User <id>/user_info.json`` beside ``Groups``."""
    found = _user_info(source)
    if found is None:
        return None
    doc = JsonDoc(found)
    root = doc.obj(load_json(found), "")
    user = doc.field_obj(root, "user", "")
    owner = _Person(doc.optional_str(user, "name", "user") or None, doc.optional_str(user, "email", "user") or None)
    return owner if owner.shown else None


def _user_info(source: Source) -> Source | None:
    if source.path is not None:
        groups = source.path.parent.parent
        if groups.name != "Groups":
            return None
        found = sorted(groups.parent.glob("Users/*/user_info.json"))
        if len(found) != 1:
            return None
        shown = Path(source.name).parent.parent.parent / found[0].relative_to(groups.parent)
        return Source(str(shown), path=found[0])
    if source.archive is None or source.member is None:
        return None
    groups_member = PurePosixPath(source.member).parent.parent
    if groups_member.name != "Groups":
        return None
    users = "Users/" if str(groups_member.parent) == "." else f"{groups_member.parent}/Users/"
    names = [n for n in sorted(archive_members(source.archive)) if n.startswith(users)
             and n.endswith("/user_info.json") and n.count("/") == users.count("/") + 1]
    if len(names) != 1:
        return None
    return Source(f"{source.archive}!{names[0]}", archive=source.archive, member=names[0])


def _folder(source: Source) -> str | None:
    """The conversation's folder name (``DM 8dr3QAAAAAE``), its identity across exports."""
    name = source.folder_name
    return name if _FOLDER.fullmatch(name) else None


# Hangouts ---------------------------------------------------------------------------------------

def _hangouts(doc: JsonDoc, root: JsonObject, options: ImportOptions) -> Iterator[Conversation]:
    key = "conversations" if "conversations" in root else "conversation_state"
    for i, raw in enumerate(doc.field_list(root, key, "")):
        where = f"{key}[{i}]"
        holder = doc.obj(raw, where)
        if key == "conversations":
            outer = doc.field_obj(holder, "conversation", where)
            meta_at = child(where, "conversation.conversation")
            meta = doc.field_obj(outer, "conversation", child(where, "conversation"))
            events_at, events = child(where, "events"), doc.field_list(holder, "events", where, optional=True)
        else:
            state_at = child(where, "conversation_state")
            state = doc.field_obj(holder, "conversation_state", where)
            meta_at = child(state_at, "conversation")
            meta = doc.field_obj(state, "conversation", state_at)
            events_at, events = child(state_at, "event"), doc.field_list(state, "event", state_at, optional=True)
        yield _hangouts_conversation(doc, meta, meta_at, events, events_at, options)


def _hangouts_conversation(doc: JsonDoc, meta: JsonObject, meta_at: str, events: list[object], events_at: str,
                           options: ImportOptions) -> Conversation:
    names: dict[str, str] = {}
    for k, raw in enumerate(doc.field_list(meta, "participant_data", meta_at, optional=True)):
        where = f"{child(meta_at, 'participant_data')}[{k}]"
        participant = doc.obj(raw, where)
        person = _gaia_id(doc, doc.field_obj(participant, "id", where), child(where, "id"))
        names[person] = doc.optional_str(participant, "fallback_name", where) or f"{HANGOUTS_UNKNOWN} {person}"
    self_id = _self_id(doc, meta, meta_at)

    shared = {name for name, count in Counter(names.values()).items() if count > 1}

    def name_of(person: str) -> str:
        name = names.get(person) or f"{HANGOUTS_UNKNOWN} {person}"
        return f"{name} ({person})" if name in shared else name

    read: list[tuple[int, int, datetime, str, JsonObject, str]] = []
    for k, raw in enumerate(events):
        at = f"{events_at}[{k}]"
        event = doc.obj(raw, at)
        sender = _gaia_id(doc, doc.field_obj(event, "sender_id", at), child(at, "sender_id"))
        micros, ts = _microseconds(doc, event, at)
        read.append((micros, k, ts, sender, event, at))
    read.sort(key=lambda item: (item[0], item[1]))  # by the instant, ties in the file's order

    messages: list[Message] = []
    notices: list[SystemEvent] = []
    for _, _, ts, sender, event, at in read:
        if event.get("chat_message") is not None:
            kind, text = _hangouts_content(doc, doc.field_obj(event, "chat_message", at), child(at, "chat_message"))
            messages.append(Message(len(messages), ts, name_of(sender), text, kind))
        else:
            notices.append(SystemEvent(ts, _hangouts_notice(doc, event, at, sender, name_of), name_of(sender)))

    chat_id = None
    if meta.get("id") is not None:
        chat_id = doc.optional_str(doc.field_obj(meta, "id", meta_at), "id", child(meta_at, "id"))
    title = doc.optional_str(meta, "name", meta_at)
    others = [name_of(person) for person in names if person != self_id]
    others = others or list(dict.fromkeys(name_of(sender) for _, _, _, sender, _, _ in read if sender != self_id))
    conversation_type = doc.optional_str(meta, "type", meta_at)
    return Conversation(
        source=doc.source.name,
        source_format=GoogleChatImporter.name,
        title=title or ", ".join(others) or "Hangouts",
        messages=messages,
        system_events=notices,
        chat_id=chat_id,
        me=name_of(self_id) if self_id is not None else options.me,
        group={"GROUP": True, "STICKY_ONE_TO_ONE": False}.get(conversation_type or ""),
    )


def _gaia_id(doc: JsonDoc, person: JsonObject, where: str) -> str:
    """A participant's identity: ``gaia_id`` (``chat_id`` holds the same number)."""
    found = doc.optional_str(person, "gaia_id", where) or doc.optional_str(person, "chat_id", where)
    if not found:
        doc.fail(child(where, "gaia_id"), "a participant id (a string)", person.get("gaia_id"))
    return found


def _self_id(doc: JsonDoc, meta: JsonObject, meta_at: str) -> str | None:
    """The account owner: whose read state ``self_conversation_state.self_read_state`` holds."""
    holder, where = meta, meta_at
    for key in ("self_conversation_state", "self_read_state", "participant_id"):
        if holder.get(key) is None:
            return None
        holder, where = doc.field_obj(holder, key, where), child(where, key)
    return _gaia_id(doc, holder, where)


def _microseconds(doc: JsonDoc, event: JsonObject, at: str) -> tuple[int, datetime]:
    """An event's ``timestamp``: microseconds since 1970, and that instant in this computer's local time."""
    value = event.get("timestamp")
    number = value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        try:
            number = int(value)
        except ValueError:  # more digits than Python reads (4,300): far beyond any date
            number = None
    if isinstance(number, int) and not isinstance(number, bool):
        seconds, micros = divmod(number, 1_000_000)
        try:
            return number, datetime.fromtimestamp(seconds) + timedelta(microseconds=micros)
        except (OverflowError, OSError, ValueError):
            pass
    doc.fail(child(at, "timestamp"), "microseconds since 1970 (a string of digits)", value)


def _hangouts_content(doc: JsonDoc, chat: JsonObject, at: str) -> tuple[MessageKind, str]:
    content_at = child(at, "message_content")
    content = doc.field_obj(chat, "message_content", at)
    parts = []
    for k, raw in enumerate(doc.field_list(content, "segment", content_at, optional=True)):
        where = f"{child(content_at, 'segment')}[{k}]"
        segment = doc.obj(raw, where)
        text = doc.optional_str(segment, "text", where)
        parts.append(text if text is not None else "\n" if segment.get("type") == "LINE_BREAK" else "")
    text = "".join(parts)
    placeholder = None
    for k, raw in enumerate(doc.field_list(content, "attachment", content_at, optional=True)):
        where = f"{child(content_at, 'attachment')}[{k}]"
        attachment = doc.obj(raw, where)
        kinds: list[object] = []
        if attachment.get("embed_item") is not None:
            item = doc.field_obj(attachment, "embed_item", where)
            kinds = doc.field_list(item, "type", child(where, "embed_item"), optional=True)
        found = next((HANGOUTS_PLACEHOLDERS[t] for t in kinds if isinstance(t, str) and t in HANGOUTS_PLACEHOLDERS),
                     ATTACHMENT)
        placeholder = placeholder or found
    if placeholder is not None:
        return MessageKind.MEDIA, text or placeholder
    if not text:
        return MessageKind.MEDIA, UNSUPPORTED
    return MessageKind.TEXT, text


def _hangouts_notice(doc: JsonDoc, event: JsonObject, at: str, sender: str, name_of: Callable[[str], str]) -> str:
    """A short description of an event that is not a message ("added Sam", "call ended (24 s)")."""
    if event.get("membership_change") is not None:
        change_at = child(at, "membership_change")
        change = doc.field_obj(event, "membership_change", at)
        listed_at = child(change_at, "participant_id")
        who = [_gaia_id(doc, doc.obj(raw, f"{listed_at}[{k}]"), f"{listed_at}[{k}]")
               for k, raw in enumerate(doc.field_list(change, "participant_id", change_at, optional=True))]
        listed = ", ".join(name_of(person) for person in who)
        if doc.optional_str(change, "type", change_at) == "LEAVE":
            return "left" if who == [sender] else f"removed {listed}"
        return "joined" if who == [sender] else f"added {listed}"
    if event.get("conversation_rename") is not None:
        rename_at = child(at, "conversation_rename")
        rename = doc.field_obj(event, "conversation_rename", at)
        new_name = doc.optional_str(rename, "new_name", rename_at)
        return f"renamed the conversation to {new_name}" if new_name else "removed the conversation's name"
    if event.get("hangout_event") is not None:
        call_at = child(at, "hangout_event")
        call = doc.field_obj(event, "hangout_event", at)
        call_type = doc.optional_str(call, "event_type", call_at) or ""
        if call_type == "START_HANGOUT":
            return "call started"
        if call_type == "END_HANGOUT":
            duration = doc.optional_str(call, "hangout_duration_secs", call_at)
            return f"call ended ({duration} s)" if duration else "call ended"
        return f"call: {call_type.replace('_', ' ').lower()}" if call_type else "call"
    event_type = doc.optional_str(event, "event_type", at)
    return event_type.replace("_", " ").lower() if event_type else "event"


register(GoogleChatImporter())
