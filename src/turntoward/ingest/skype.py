"""Skype's chat history export ("Export files and chat history", go.skype.com/export).

Skype (closed in May 2025) gives a ``.tar`` holding ``messages.json`` (and, when asked for,
``media/``). We read ``messages.json`` itself, or the ``.tar`` it came in: the archive is read
as it streams (`tarfile`, uncompressed as Skype writes it) until its ``messages.json``. One file
holds every chat of the account::

    {"userId": "8:live:.cid.4f0e…", "exportDate": "2024-11-02T19:40",
     "conversations": [{"id": "8:live:sam", "displayName": "Sam", "version": 1.7e12,
                        "properties": {...}, "threadProperties": null | {"topic", "members", ...},
                        "MessageList": [message, ...]}, ...]}

and each message is ``{"id": "1710277445123", "displayName": "Sam" | null,
"originalarrivaltime": "2024-03-12T21:04:05.123Z", "messagetype": "RichText", "version",
"content": "…", "conversationid", "from": "8:live:sam", "properties": null | {...},
"amsreferences": null | [...]}``. ``MessageList`` is newest first; we order every chat oldest
first (a stable sort by the UTC instant each arrived, not by its local time, which repeats an hour
when the clocks go back; equal instants keep the order they were sent in) and number its messages
so. ``originalarrivaltime`` is UTC
(``Z``; two-digit or seven-digit fractions occur, and a time without a zone is read as UTC too):
it becomes this computer's local wall-clock time, whole seconds through `datetime.fromtimestamp`
as the Messenger importer does, the fraction added exactly.

Which chats: one `Conversation` per entry of ``conversations`` that has messages; entries with an
empty ``MessageList`` or only notices are skipped, as are the pseudo-chats Microsoft's own viewer
skips (``ALL``, ``…@cast.skype``) and Skype's ``48:`` lists (``48:calllogs``, ``48:notifications``).
``chat_id`` is the conversation ``id``: ``8:<account>`` (1:1; since 2023 also other numeric
prefixes, ``28:`` for bots), ``19:…@thread.skype`` or ``19:…@thread.v2`` (a group, `group` True).
The title is ``displayName`` (HTML entities decoded, as Microsoft's viewer does), else
``threadProperties.topic``, else the other person's name.

Who: a message names its sender by account id (``from``) and, not always, by ``displayName``
(often null, nearly always on the exporting user's own messages). Every account id gets one name
for the whole file: the ``displayName`` on its newest message that has one, else, for the other
person of a 1:1 chat, that chat's ``displayName``, else the account id without its ``8:`` (what
Microsoft's viewer shows). The exporting user is ``userId``: `Conversation.me` is their name,
else the ``me`` option where the export never names them, else their account id. Two accounts that
share a name in one chat are told apart by their account ids in parentheses. Ids are compared
without their numeric prefix (quotes write ``live:sam`` for ``8:live:sam``).

What, by ``messagetype``:

* ``RichText``, ``Text``, ``RichText/Html``: text. ``content`` is HTML-ish (``RichText``): entities
  are decoded (``&apos;``), ``<ss type="smile">:)</ss>`` emoticons keep the text typed (``:)``,
  ``(wave)``; ``(type)`` when empty), ``<a href>`` keeps its text, ``<at id>Sam</at>`` becomes
  ``@Sam``, ``<b raw_pre="*" raw_post="*">`` (and ``i``, ``s``, ``pre``) keeps the marks typed,
  ``<br>`` and ``<p>`` become line breaks, other tags keep their text. A reply opens with ``<quote
  author authorname timestamp conversation messageid><legacyquote>[time] Name:
  </legacyquote>quoted words<legacyquote>&lt;&lt;&lt; </legacyquote></quote>``: the quote is not the
  reply's words, and ``messageid`` (else the quoted author and second) gives `reply_to` where that
  message is in the chat; a message that is only a quote (a forward) keeps the quoted words. ``Text``
  is plain: only entities are decoded, and so is markup Python's HTML parser gives up on (a marked
  section such as ``<![x]]>``): it is read as plain text, tags and all, and a notice written so
  has nothing to read from it ("call").
* Edits: ``properties.edittime`` (milliseconds, as a string) marks a message edited. Older
  messages carry ``<e_m ts_ms="…" a="…"/>`` instead, sometimes after "Edited previous message: ";
  ts_ms is the first version's time: the message takes that time and the first version, when the
  export also lists it (same sender, same millisecond), is dropped, as Skyperious does.
* Deleted: ``properties.deletetime`` with empty ``content``, or any text message left empty (a bare
  ``<e_m/>``), is DELETED with no text. A ``deletetime`` or ``edittime`` of ``"0"`` is no time.
* Media, MEDIA with a placeholder (Skype writes no words beside a file): ``RichText/UriObject``
  (``<URIObject type="Picture.1" …>``: ``<photo>``, or ``<video>``, ``<audio>``, ``<file>``, ``<card>``
  by its ``type``), ``RichText/Media_GenericFile`` and ``RichText/Files`` (``<file>``),
  ``RichText/Media_Video`` (``<video>``), ``RichText/Media_AudioMsg`` (``<voice message>``),
  ``RichText/Media_Album`` (``<photos>``), ``RichText/Media_Card`` and ``RichText/SwiftObject``
  (``<card>``), ``RichText/Media_FlikMsg`` (``<moji>``), ``RichText/Contacts`` (``<contact>``),
  ``RichText/Location`` (``<location>``), ``Poll`` (``<poll>``), any other ``RichText/…``
  (``<media>``), and ``EndToEndEncryption/EncryptedText`` (``<encrypted message>``: sent, unreadable).
* Notices, `SystemEvent`s: ``Event/Call`` (``<partlist type="started|ended|missed"><part
  identity><name/><duration>84.8</duration></part></partlist>``: "call started", "call ended
  (1:25)" (the longest ``<duration>``; one over a week is no call's length), "missed call"),
  ``ThreadActivity/AddMember`` and ``DeleteMember`` (``<addmember> <initiator>8:a</initiator>
  <target>8:b</target></addmember>``: "Ana added Bo", "Bo left", "Ana removed Bo"),
  ``ThreadActivity/TopicUpdate`` (``<value>``: "Ana named the chat …"),
  ``ThreadActivity/PictureUpdate``, ``RichText/Media_CallRecording``, ``RichText/ScheduledCallInvite``
  and every other type (``Notice``, ``PopCard``, ``Event/…``, ``Control/…``, ``ThreadActivity/…``
  handshakes, whatever comes next) as its type spelt out ("history disclosed update").

Reactions: ``properties.emotions`` is ``[{"key": "heart", "users": [{"mri": "8:live:sam", "time":
1710277500000, "value": "…"}]}]`` (a JSON string of that list is read too): one `Reaction` per
user, named as message authors are, at ``time`` (milliseconds, local time), in the listed order.
Skype's reaction keys are emoticon names: the six it offered by default (``like`` 👍, ``heart``
❤️, ``laugh`` 😆, ``surprised`` 😮, ``sad`` 😢, ``angry`` 😠) and a few common ones become their
emoji, a key spelling its code points (``1f440_eyes``) becomes them, and any other stays as Skype
writes an emoticon in text, ``(key)``. Reactions on notices are dropped with them.

A field of the wrong type, a missing ``conversations``, ``from``, ``messagetype`` or
``originalarrivaltime``, or bad JSON is an `ImportFormatError` naming its JSON path
(``conversations[2].MessageList[14].originalarrivaltime``) or line; so is a time no clock can show
(a millisecond count of more than 20 digits, or past the year 9999) and ``emotions`` JSON text
nested too deep to read. In markup such a time (``<e_m ts_ms>``, a quote's ``timestamp``) is no
time: the edit keeps its own, the quote is matched by ``messageid`` alone. A JSON document that
is not a Skype export at all, or a ``.tar`` without ``messages.json``, is an `UnknownFormatError`.

Where we looked (no Microsoft documentation exists): Skyperious (suurjaak/Skyperious, v5.9.1,
src/skyperious/live.py ``SkypeExport`` and skypedata.py ``MessageParser``: the layout, message
types, ``edittime``/``deletetime``, ``<e_m>`` edits, the ``48:`` lists, numeric id prefixes since
2023 from its issue #119, content tags); Microsoft's own viewer from the export (a copy in
ArtemVeremienko/skype-parser, "index(formatted).html": which chats it skips, entity decoding,
``displayName`` as the chat title); sbamboo/SkypeExportViewer (schemas.md: ``partlist``,
``URIObject``, ``addmember`` shapes from real 2025 exports, ``(1f440_eyes)`` emoticon keys, line
breaks in ``content``); siwen-r/skype-export-parser (message types, ``quote``/``legacyquote``,
``e_m``); the ``emotions`` shape from Skype chat-service payloads quoted in other projects' tests and
notes. No real export file could be found to run on.
"""

from __future__ import annotations

import html
import json
import math
import re
import tarfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath

from turntoward.errors import ImportFormatError, UnknownFormatError
from turntoward.ingest._html import RoleParser
from turntoward.ingest._json_doc import JsonDoc, JsonObject, child, load_json, looks_like_json_object
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source, decode_text
from turntoward.model import Conversation, Message, MessageKind, Reaction, SystemEvent

EXPECTED = "a Skype export (messages.json: an object with 'userId', 'exportDate' and 'conversations')"
MESSAGES_JSON = "messages.json"
TEXT_TYPES = frozenset({"RichText", "Text", "RichText/Html"})
PLAIN_TYPES = frozenset({"Text"})
CALL = "Event/Call"
# Media by message type, and what stands in for it (Skype writes no words beside a file).
MEDIA_PLACEHOLDERS: dict[str, str] = {
    "RichText/UriObject": "<photo>",
    "RichText/Media_GenericFile": "<file>",
    "RichText/Files": "<file>",
    "RichText/Media_Video": "<video>",
    "RichText/Media_AudioMsg": "<voice message>",
    "RichText/Media_Album": "<photos>",
    "RichText/Media_Card": "<card>",
    "RichText/SwiftObject": "<card>",
    "RichText/Media_FlikMsg": "<moji>",
    "RichText/Contacts": "<contact>",
    "RichText/Location": "<location>",
    "Poll": "<poll>",
    "EndToEndEncryption/EncryptedText": "<encrypted message>",
}
OTHER_MEDIA = "<media>"
# A URIObject's type ("Picture.1", "Video.2/CallRecording.1") and what stands in for it.
URI_OBJECT_PLACEHOLDERS = (("picture", "<photo>"), ("video", "<video>"), ("audio", "<audio>"),
                           ("file", "<file>"), ("swift", "<card>"))
# Types that are app notices although they look like media.
NOTICE_TYPES: dict[str, str] = {
    "RichText/Media_CallRecording": "call recording",
    "RichText/ScheduledCallInvite": "scheduled a call",
}
# Reaction keys (Skype emoticon names) and the emoji they show.
REACTION_EMOJI: dict[str, str] = {
    "like": "👍", "heart": "❤️", "laugh": "😆", "surprised": "😮", "sad": "😢", "angry": "😠",
    "yes": "👍", "no": "👎", "smile": "🙂", "cwl": "😂", "kiss": "😘", "hug": "🤗", "cry": "😢",
    "wink": "😉", "clap": "👏", "ok": "👌", "fire": "🔥", "party": "🎉", "facepalm": "🤦",
}
CODEPOINT_KEY = re.compile(r"(?P<points>[0-9a-f]{4,6}(?:-[0-9a-f]{4,6})*)_\w+")
SKIPPED_CHAT = re.compile(r"ALL|48:.*|.*@cast\.skype")
ID_PREFIX = re.compile(r"^\d+:")
EDIT_PREFIX = "Edited previous message: "
MILLISECONDS_FROM = 10**11  # a quote's timestamp this large is in milliseconds, not seconds
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MILLISECOND = timedelta(milliseconds=1)
MAX_DIGITS = 20  # a time or number written with more digits is no time (10**20 ms is three billion years)
LONGEST_CALL = 7 * 24 * 3600  # seconds; a longer <duration> is no call's length
ARRIVAL = "an ISO date-time in UTC (2024-03-12T21:04:05.123Z)"


class SkypeImporter:
    """Reads a Skype export: ``messages.json``, or the ``.tar`` holding it."""

    name = "skype"
    description = "Skype chat history export (messages.json, or the .tar it comes in)"

    def sniff(self, source: Source, head: bytes) -> float:
        if _is_tar(head):
            # Skype's tar; any other tar is refused when read (UnknownFormatError)
            return 0.95 if head.startswith(MESSAGES_JSON.encode()) else 0.5
        if not looks_like_json_object(head) or b'"conversations"' not in head:
            return 0.0
        if b'"userId"' in head or b'"MessageList"' in head:
            return 0.95
        return 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        if not source.named and source.sibling(MESSAGES_JSON) is not None and _first_member(source) == MESSAGES_JSON:
            return  # Skype's tar found in a folder beside the messages.json taken out of it: that is read
        document_source, raw = _read_document(source)
        doc = JsonDoc(document_source)
        root = doc.obj(raw, "")
        if "conversations" not in root and "userId" not in root:
            raise UnknownFormatError(document_source.name, EXPECTED)
        user = doc.optional_str(root, "userId", "")
        chats = [(f"conversations[{i}]", doc.obj(item, f"conversations[{i}]"))
                 for i, item in enumerate(doc.field_list(root, "conversations", ""))]
        chats = [(at, chat) for at, chat in chats if not SKIPPED_CHAT.fullmatch(doc.field_str(chat, "id", at))]
        names = _names(doc, chats)
        me = _key(user) if user else None
        if me is not None and me not in names:
            names[me] = options.me or me
        for at, chat in chats:
            conversation = _conversation(doc, chat, at, names, me, options)
            if conversation.messages:
                yield conversation


# --- reading the file -------------------------------------------------------------------------


def _is_tar(head: bytes) -> bool:
    """Whether `head` starts a POSIX tar archive (the "ustar" magic of its first header)."""
    return head[257:262] == b"ustar"


def _read_document(source: Source) -> tuple[Source, object]:
    """The parsed ``messages.json``: `source` itself, or the member of the tar `source` is.

    The returned source names the document in errors (``export.tar!messages.json``)."""
    if not _is_tar(source.head(512)):
        return source, load_json(source)
    member = Source(f"{source.name}!{MESSAGES_JSON}")
    data = _tar_member(source)
    return member, _parse_json(member.name, decode_text(member.name, data, "a UTF-8 encoded JSON document"))


def _first_member(source: Source) -> str | None:
    """The file name of a tar's first member (Skype writes ``messages.json`` first); None for no tar."""
    if not _is_tar(source.head(512)):
        return None
    with source.stream() as fh:
        try:
            with tarfile.open(fileobj=fh, mode="r|") as archive:
                first = archive.next()
        except (tarfile.TarError, EOFError):
            return None
    return PurePosixPath(first.name).name if first is not None else None


def _tar_member(source: Source) -> bytes:
    """The bytes of the tar's ``messages.json``, read as the archive streams by."""
    expected = f"a Skype export archive holding {MESSAGES_JSON}"
    with source.stream() as fh:
        try:
            with tarfile.open(fileobj=fh, mode="r|") as archive:
                for item in archive:
                    if item.isfile() and PurePosixPath(item.name).name == MESSAGES_JSON:
                        extracted = archive.extractfile(item)
                        if extracted is not None:
                            return extracted.read()
        except (tarfile.TarError, EOFError) as exc:
            raise ImportFormatError(source.name, expected, found=str(exc)) from exc
    raise UnknownFormatError(source.name, expected, found=f"no {MESSAGES_JSON} in it")


def _parse_json(name: str, text: str) -> object:
    """`text` parsed as JSON; malformed JSON raises ImportFormatError naming the line, as `load_json`."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(name, f"a JSON document (column {exc.colno}: {exc.msg})", line=exc.lineno) from exc
    except (ValueError, RecursionError) as exc:
        raise ImportFormatError(name, "a JSON document", found=str(exc)) from exc


# --- people -----------------------------------------------------------------------------------


def _key(account: str) -> str:
    """An account id as we compare it: without its numeric prefix (``8:live:sam`` -> ``live:sam``)."""
    return ID_PREFIX.sub("", account.strip(), count=1)


def _names(doc: JsonDoc, chats: list[tuple[str, JsonObject]]) -> dict[str, str]:
    """One name per account id in the whole file: the ``displayName`` of its newest message that
    has one, else the ``displayName`` of the 1:1 chat with it."""
    named: dict[str, tuple[timedelta, str]] = {}
    partners: dict[str, str] = {}
    for at, chat in chats:
        chat_id = doc.field_str(chat, "id", at)
        title = doc.optional_str(chat, "displayName", at)
        if title and not chat_id.startswith("19:"):
            partners.setdefault(_key(chat_id), html.unescape(title))
        for where, entry in _entries(doc, chat, at):
            shown = doc.optional_str(entry, "displayName", where)
            if not shown or not shown.strip():
                continue
            sender = _key(doc.field_str(entry, "from", where))
            since_epoch = _since_epoch(doc, entry, where)
            if sender not in named or since_epoch > named[sender][0]:
                named[sender] = (since_epoch, shown.strip())
    names = dict(partners)
    names.update({sender: shown for sender, (_, shown) in named.items()})
    return names


@dataclass
class _People:
    """How one chat names account ids: the file's names, told apart where two share one."""

    names: dict[str, str]
    clashing: set[str] = field(default_factory=set)

    def label(self, key: str) -> str:
        """The name of the account whose id without its prefix is `key`."""
        name = self.names.get(key) or key
        return f"{name} ({key})" if name in self.clashing else name


def _people(names: dict[str, str], accounts: set[str]) -> _People:
    shown = Counter(names.get(key) or key for key in accounts)
    return _People(names, {name for name, count in shown.items() if count > 1})


# --- one chat ---------------------------------------------------------------------------------


@dataclass
class Draft:
    """A message as read, before the chat is put in order and replies are resolved (also what
    `skype_db` reads Skype's older database into)."""

    instant: timedelta  # when it arrived, since 1970 (UTC): what the chat is ordered by
    ts: datetime  # `instant` as local wall-clock time
    ms: int  # `instant` in whole milliseconds
    sender: str
    kind: MessageKind
    text: str
    edited: bool
    reactions: list[tuple[str, str, datetime | None]]
    message_id: str | None
    quote: dict[str, str] | None
    first_version_ms: int | None  # the time of the first version, for an <e_m> edit


@dataclass
class _Event:
    """A notice as read: when (since 1970, and as local time), its text with ``{0}``, ``{1}``
    standing for the accounts it names, those accounts, and who did it."""

    instant: timedelta
    ts: datetime
    text: str
    accounts: list[str]
    sender: str


def _entries(doc: JsonDoc, chat: JsonObject, at: str) -> Iterator[tuple[str, JsonObject]]:
    for j, raw in enumerate(doc.field_list(chat, "MessageList", at, optional=True)):
        where = f"{child(at, 'MessageList')}[{j}]"
        yield where, doc.obj(raw, where)


def _conversation(
    doc: JsonDoc, chat: JsonObject, at: str, names: dict[str, str], me: str | None, options: ImportOptions
) -> Conversation:
    chat_id = doc.field_str(chat, "id", at)
    drafts: list[Draft] = []
    events: list[_Event] = []
    for where, entry in _entries(doc, chat, at):
        _read_entry(doc, entry, where, drafts, events)
    drafts = _drop_first_versions(drafts)
    # Skype lists newest first; in order of the instants (not the local times, which repeat an hour
    # when the clocks go back), the stable sort keeping equal instants in sent order
    drafts.reverse()
    drafts.sort(key=lambda d: d.instant)
    events.reverse()
    events.sort(key=lambda e: e.instant)

    accounts = {d.sender for d in drafts} | {r[0] for d in drafts for r in d.reactions}
    accounts |= {a for e in events for a in e.accounts} | {e.sender for e in events}
    if me is not None:
        accounts.add(me)
    people = _people(names, accounts)
    messages = [
        Message(index=i, ts=d.ts, author=people.label(d.sender), text=d.text, kind=d.kind, edited=d.edited,
                reactions=tuple(Reaction(people.label(who), emoji, ts) for who, emoji, ts in d.reactions))
        for i, d in enumerate(drafts)
    ]
    resolve_replies(drafts, messages)
    return Conversation(
        source=doc.source.name,
        source_format="skype",
        title=_title(doc, chat, at, people, me),
        messages=messages,
        system_events=[SystemEvent(e.ts, e.text.format(*map(people.label, e.accounts)), people.label(e.sender))
                       for e in events],
        chat_id=chat_id,
        me=people.label(me) if me is not None else options.me,
        group=chat_id.startswith("19:"),
    )


def _title(doc: JsonDoc, chat: JsonObject, at: str, people: _People, me: str | None) -> str:
    shown = doc.optional_str(chat, "displayName", at)
    if shown and shown.strip():
        return html.unescape(shown.strip())
    if chat.get("threadProperties") is not None:
        thread = doc.field_obj(chat, "threadProperties", at)
        topic = doc.optional_str(thread, "topic", child(at, "threadProperties"))
        if topic and topic.strip():
            return html.unescape(topic.strip())
    chat_key = _key(doc.field_str(chat, "id", at))
    if not doc.field_str(chat, "id", at).startswith("19:") and chat_key != me:
        return people.label(chat_key)
    return chat_key


def _read_entry(
    doc: JsonDoc, entry: JsonObject, at: str, drafts: list[Draft], events: list[_Event]
) -> None:
    """Add the message at `at` to `drafts`, or its notice to `events`."""
    since_epoch = _since_epoch(doc, entry, at)
    ts = _local_time_exact(since_epoch)
    if ts is None:
        doc.fail(child(at, "originalarrivaltime"), ARRIVAL, entry.get("originalarrivaltime"))
    sender = _key(doc.field_str(entry, "from", at))
    kind_name = doc.field_str(entry, "messagetype", at)
    content = doc.optional_str(entry, "content", at) or ""
    properties = _properties(doc, entry, at)
    where = child(at, "properties")
    deleted = _stamped(doc, properties, "deletetime", where)
    edited = _stamped(doc, properties, "edittime", where)
    if kind_name in TEXT_TYPES or kind_name in MEDIA_PLACEHOLDERS or (
        kind_name.startswith("RichText/") and kind_name not in NOTICE_TYPES
    ):
        draft = read_content(kind_name, content, deleted)
        draft.instant, draft.ts, draft.ms = since_epoch, ts, since_epoch // MILLISECOND
        draft.sender, draft.edited = sender, draft.edited or edited
        draft.message_id = doc.optional_str(entry, "id", at)
        draft.reactions = _reactions(doc, properties, where)
        drafts.append(draft)
    else:
        text, accounts, initiator = _notice(kind_name, content)
        who = _key(initiator) if initiator else sender
        events.append(_Event(since_epoch, ts, text, [_key(a) for a in accounts], who))


def read_content(kind_name: str, content: str, deleted: bool) -> Draft:
    """What a message of type `kind_name` says (its ``content``: Skype's HTML-ish markup, which its
    older database keeps as ``body_xml``), with placeholders for its time and sender."""
    draft = Draft(timedelta(0), _EPOCH, 0, "", MessageKind.TEXT, "", False, [], None, None, None)
    if kind_name in TEXT_TYPES:
        if content.startswith(EDIT_PREFIX) and "<e_m" in content:
            content = content.removeprefix(EDIT_PREFIX)
        markup = _Markup.read(content, plain=kind_name in PLAIN_TYPES)
        draft.text, draft.quote = markup.text, markup.quote
        if markup.edit is not None:
            draft.edited = True
            draft.first_version_ms = _whole(markup.edit.get("ts_ms", ""))
        if not draft.text and draft.quote is not None:
            draft.text, draft.quote = markup.quoted, None  # a forward: the quoted words are what was sent
    elif content or not deleted:
        draft.kind, draft.text = MessageKind.MEDIA, _media_placeholder(kind_name, content)
    if not draft.text:
        draft.kind, draft.text, draft.quote = MessageKind.DELETED, "", None
    return draft


def _media_placeholder(kind_name: str, content: str) -> str:
    if kind_name == "RichText/UriObject":
        markup = _Markup.read(content)
        kind = markup.elements.get("uriobject", {}).get("type", "").lower()
        return next((text for prefix, text in URI_OBJECT_PLACEHOLDERS if kind.startswith(prefix)), "<photo>")
    return MEDIA_PLACEHOLDERS.get(kind_name, OTHER_MEDIA)


def _drop_first_versions(drafts: list[Draft]) -> list[Draft]:
    """Older exports list an edited message twice: its first version, and the edit carrying
    ``<e_m ts_ms>`` with the first version's time. Keep the edit, at the first version's time."""
    replaced = {(d.sender, d.first_version_ms) for d in drafts if d.first_version_ms is not None}
    if not replaced:
        return drafts
    kept = []
    for draft in drafts:
        if draft.first_version_ms is not None:
            first = _local_time(draft.first_version_ms)
            if first is not None and draft.first_version_ms < draft.ms:
                draft.instant, draft.ts, draft.ms = draft.first_version_ms * MILLISECOND, first, draft.first_version_ms
            kept.append(draft)
        elif (draft.sender, draft.ms) not in replaced:
            kept.append(draft)
    return kept


def resolve_replies(drafts: list[Draft], messages: list[Message]) -> None:
    """`reply_to` from each quote's ``messageid``, else its author and second, where that message
    is earlier in this chat."""
    by_id = {d.message_id: i for i, d in enumerate(drafts) if d.message_id}
    by_second: dict[tuple[str, int], list[int]] = {}
    for i, d in enumerate(drafts):
        by_second.setdefault((d.sender, d.ms // 1000), []).append(i)
    for i, d in enumerate(drafts):
        if d.quote is None:
            continue
        target = by_id.get(d.quote.get("messageid", ""))
        if target is None:
            stamp = _whole(d.quote.get("timestamp", ""))
            if stamp is not None:
                second = stamp // 1000 if stamp >= MILLISECONDS_FROM else stamp
                found = by_second.get((_key(d.quote.get("author", "")), second), [])
                target = found[0] if len(found) == 1 else None
        if target is not None and target < i:
            messages[i].reply_to = target


# --- fields -----------------------------------------------------------------------------------


def _since_epoch(doc: JsonDoc, entry: JsonObject, at: str) -> timedelta:
    """``originalarrivaltime`` (UTC; a time without a zone is read as UTC too) as time since 1970."""
    value = entry.get("originalarrivaltime")
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            pass
        else:
            return (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment) - _EPOCH
    if "originalarrivaltime" not in entry:
        doc.fail(child(at, "originalarrivaltime"), ARRIVAL)
    doc.fail(child(at, "originalarrivaltime"), ARRIVAL, value)


def _local_time_exact(since_epoch: timedelta) -> datetime | None:
    """A time since 1970 (UTC) as naive local time: whole seconds through the local clock, as
    `datetime.fromtimestamp` gives them, then the fraction exactly; None where the clock cannot."""
    seconds = since_epoch // timedelta(seconds=1)
    try:
        return datetime.fromtimestamp(seconds) + (since_epoch - timedelta(seconds=seconds))
    except (OverflowError, OSError, ValueError):
        return None


def _local_time(ms: int) -> datetime | None:
    """Milliseconds since 1970 as naive local time; None where no clock can show them."""
    try:
        since_epoch = timedelta(milliseconds=ms)
    except OverflowError:
        return None
    return _local_time_exact(since_epoch)


def _whole(text: str) -> int | None:
    """`text` as a whole number (ASCII digits, at most `MAX_DIGITS` of them), else None."""
    text = text.strip()
    return int(text) if len(text) <= MAX_DIGITS and text.isascii() and text.isdigit() else None


def _properties(doc: JsonDoc, entry: JsonObject, at: str) -> JsonObject:
    if entry.get("properties") is None:
        return {}
    return doc.field_obj(entry, "properties", at)


def _stamped(doc: JsonDoc, properties: JsonObject, key: str, where: str) -> bool:
    """Whether ``edittime``/``deletetime`` holds a time (milliseconds, as a string or a number)."""
    value = properties.get(key)
    if value is None or value in ("", "0", 0):
        return False
    if isinstance(value, bool) or not isinstance(value, (str, int)) or (
        isinstance(value, str) and _whole(value) is None
    ):
        doc.fail(child(where, key), "a time in milliseconds since 1970", value)
    return True


def _reactions(doc: JsonDoc, properties: JsonObject, where: str) -> list[tuple[str, str, datetime | None]]:
    """``emotions``: (account, emoji, time) per user under each key, in the listed order."""
    at = child(where, "emotions")
    value = properties.get("emotions")
    if isinstance(value, str):  # some clients store the list as a JSON string
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):  # RecursionError: nested too deep to read
            doc.fail(at, "a list of reactions (or the JSON text of one)", value)
    if value is None:
        return []
    found = []
    for k, raw in enumerate(doc.items(value, at)):
        item_at = f"{at}[{k}]"
        item = doc.obj(raw, item_at)
        key = doc.field_str(item, "key", item_at)
        if not key.strip():
            doc.fail(child(item_at, "key"), "a reaction name (a non-empty string)", key)
        for u, raw_user in enumerate(doc.field_list(item, "users", item_at, optional=True)):
            user_at = f"{child(item_at, 'users')}[{u}]"
            user = doc.obj(raw_user, user_at)
            who = _key(doc.field_str(user, "mri", user_at))
            found.append((who, reaction_emoji(key), _reaction_time(doc, user, user_at)))
    return found


def _reaction_time(doc: JsonDoc, user: JsonObject, at: str) -> datetime | None:
    value = user.get("time")
    if value is None:
        return None
    ms = _whole(value) if isinstance(value, str) else value
    if isinstance(ms, int) and not isinstance(ms, bool):
        moment = _local_time(ms)
        if moment is not None:
            return moment
    doc.fail(child(at, "time"), "a time in milliseconds since 1970", value)


def reaction_emoji(key: str) -> str:
    """The emoji a Skype reaction key shows: ``heart`` -> ❤️, ``1f440_eyes`` -> 👀, ``hedgehog`` ->
    ``(hedgehog)`` (as Skype writes an emoticon it has no emoji for)."""
    key = key.strip()
    if key.lower() in REACTION_EMOJI:
        return REACTION_EMOJI[key.lower()]
    points = CODEPOINT_KEY.fullmatch(key.lower())
    if points:
        codes = [int(point, 16) for point in points["points"].split("-")]
        if all(c <= 0x10FFFF and not 0xD800 <= c <= 0xDFFF for c in codes):
            return "".join(map(chr, codes))
    return f"({key})"


# --- notices ----------------------------------------------------------------------------------


def _notice(kind_name: str, content: str) -> tuple[str, list[str], str | None]:
    """A notice's text with ``{0}``, ``{1}`` standing for the accounts it names, those accounts,
    and who did it when the notice says (``initiator``)."""
    if kind_name == CALL:
        return _call(content), [], None
    if kind_name in NOTICE_TYPES:
        return NOTICE_TYPES[kind_name], [], None
    markup = _Markup.read(content)
    initiator = markup.elements.get("initiator", {}).get("", "").strip() or None
    targets = [t.strip() for t in markup.targets if t.strip()]
    value = markup.elements.get("value", {}).get("", "").strip()
    activity = kind_name.removeprefix("ThreadActivity/")
    if activity in ("AddMember", "DeleteMember") and initiator and targets:
        if activity == "DeleteMember" and targets == [initiator]:
            return "{0} left", [initiator], initiator
        verb = "added" if activity == "AddMember" else "removed"
        if activity == "AddMember" and targets == [initiator]:
            return "{0} joined", [initiator], initiator
        listed = ", ".join(f"{{{n}}}" for n in range(1, len(targets) + 1))
        return f"{{0}} {verb} {listed}", [initiator, *targets], initiator
    if activity == "TopicUpdate" and initiator:
        return "{0} named the chat " + _braces(value), [initiator], initiator
    if activity == "PictureUpdate" and initiator:
        return "{0} changed the chat picture", [initiator], initiator
    label = _braces(_spaced(kind_name.rsplit("/", 1)[-1]))
    return (f"{label}: {_braces(value)}" if value else label), [], initiator


def _braces(text: str) -> str:
    """`text` safe inside a `str.format` template."""
    return text.replace("{", "{{").replace("}", "}}")


def _call(content: str) -> str:
    markup = _Markup.read(content)
    state = markup.elements.get("partlist", {}).get("type", "")
    if state == "missed":
        return "missed call"
    if state == "started":
        return "call started"
    seconds = max((s for s in map(_call_seconds, markup.durations) if s is not None), default=None)
    if state == "ended":
        return "call ended" if seconds is None else f"call ended ({_duration(round(seconds))})"
    return "call"


def _call_seconds(duration: str) -> float | None:
    """A ``<duration>`` in seconds ("84.8"); None for no number, or one no call lasts (over a week)."""
    if not re.fullmatch(r"\d+(?:\.\d+)?", duration.strip(), flags=re.ASCII):
        return None
    seconds = float(duration)
    return seconds if math.isfinite(seconds) and seconds <= LONGEST_CALL else None


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02}:{rest % 60:02}" if hours else f"{rest // 60}:{rest % 60:02}"


def _spaced(kind_name: str) -> str:
    """A readable label for a notice type ("HistoryDisclosedUpdate" -> "history disclosed update")."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", kind_name).replace("_", " ").lower().strip() or "notice"


# --- content ----------------------------------------------------------------------------------

# Elements whose text is not the message's words.
_HIDDEN = frozenset({"quote", "legacyquote", "e_m", "c_i", "uriobject", "partlist", "addmember", "deletemember",
                     "topicupdate", "pictureupdate", "historydisclosedupdate", "joiningenabledupdate",
                     "files", "swift", "title", "description", "meta", "originalname", "filesize"})
# Elements whose attributes or text a notice or media message reads.
_DATA = frozenset({"quote", "e_m", "uriobject", "partlist", "initiator", "value", "eventtime"})
_MARKED = frozenset({"b", "i", "s", "pre"})


class _Markup(RoleParser):
    """Skype's message markup read into words, the quote, and the elements notices need."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self.quoted_words: list[str] = []
        self.elements: dict[str, dict[str, str]] = {}  # first element of each `_DATA` tag: attributes, "" its text
        self.targets: list[str] = []
        self.durations: list[str] = []
        self._closers: list[str] = []
        self._collecting: list[tuple[str, list[str]]] = []  # open data elements and their text so far
        self._emoticon_from = 0

    @classmethod
    def read(cls, content: str, *, plain: bool = False) -> _Markup:
        parser = cls()
        if plain or "<" not in content:
            parser.words.append(html.unescape(content) if "&" in content else content)
            return parser
        try:
            parser.feed(content)
            parser.close()
        except (AssertionError, ValueError, IndexError):  # markup Python's HTML parser gives up on
            return cls.read(content, plain=True)
        return parser

    @property
    def text(self) -> str:
        return "".join(self.words)

    @property
    def quoted(self) -> str:
        return "".join(self.quoted_words).strip()

    @property
    def quote(self) -> dict[str, str] | None:
        return self.elements.get("quote")

    @property
    def edit(self) -> dict[str, str] | None:
        return self.elements.get("e_m")

    def role(self, tag: str, attributes: dict[str, str]) -> str | None:
        if tag in _DATA and tag not in self.elements:
            self.elements[tag] = dict(attributes)
            self._collecting.append((tag, []))
        breaks = tag == "br" or (tag == "p" and self.words and not self.text.endswith("\n"))
        if breaks and not self._hidden():
            self.words.append("\n")
        elif tag in ("target", "duration"):
            return tag
        elif tag in _HIDDEN:
            return "hidden" if tag != "legacyquote" else "legacy"
        elif tag in _MARKED and not self._hidden():
            self.words.append(attributes.get("raw_pre", ""))
            self._closers.append(attributes.get("raw_post", ""))
            return "marked"
        elif tag == "at" and not self._hidden():
            self.words.append("@")
            return "at"
        elif tag == "ss" and not self._hidden():
            self._emoticon_from = len(self.words)
            self._closers.append(f"({attributes.get('type', '')})")
            return "emoticon"
        return "data" if tag in _DATA else None

    def ended(self, role: str, depth: int) -> None:
        if role == "marked":
            self.words.append(self._closers.pop())
        elif role == "emoticon":
            empty = self._closers.pop()
            if not "".join(self.words[self._emoticon_from :]) and empty != "()":
                self.words.append(empty)
        elif role == "at" and self.words[-2:-1] == ["@"] and self.words[-1].startswith("@"):
            del self.words[-2]  # "<at>@Sam</at>" is "@Sam", not "@@Sam"
        while self._collecting and self._collecting[-1][0] not in self._open_tags():
            tag, parts = self._collecting.pop()  # a data element has ended: keep its text
            self.elements[tag][""] = "".join(parts)

    def handle_data(self, data: str) -> None:
        for _, parts in self._collecting:
            parts.append(data)
        innermost = self.stack[-1][1] if self.stack else None
        if innermost == "target":
            self.targets.append(data)
        elif innermost == "duration":
            self.durations.append(data)
        if self.inside("legacy"):
            return
        if any(tag == "quote" for tag, _ in self.stack):
            self.quoted_words.append(data)
        elif not self._hidden():
            self.words.append(data)

    def _hidden(self) -> bool:
        return self.inside("hidden") or self.inside("legacy")

    def _open_tags(self) -> set[str]:
        return {tag for tag, _ in self.stack}


register(SkypeImporter())
