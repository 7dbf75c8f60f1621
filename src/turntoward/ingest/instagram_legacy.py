"""Instagram's old data download ("Download Data", about 2018 to December 2020): ``messages.json``.

Until Instagram moved its download to Meta's ``messages/inbox/<thread>/message_1.json`` layout
(read by `turntoward.ingest.messenger`, ``instagram``) in December 2020, the zip it sent
(``<username>_<yyyymmdd>.zip``, later split into ``_part_1``, ``_part_2``…) held one
``messages.json`` for every direct-message thread of the account, beside ``profile.json``,
``media.json``, ``comments.json`` and the rest. It is one JSON list::

    [{"participants": ["hsimah_", "daisyraj"],
      "conversation": [{"sender": "daisyraj", "created_at": "2020-06-22T06:29:25.861933+00:00",
                        "text": "…", "likes": [{"username": "hsimah_",
                                               "date": "2020-06-22T06:30:01.004711+00:00"}]},
                       ...]},
     ...]

written on one line: compact with its keys sorted (``conversation`` before ``participants``,
``created_at`` before ``sender``) in an early-2019 sample, with Python's default separators and
the keys in the order above in a 2020 one; both are read. We read this file only: given the
download's folder or zip, every other file of it is someone else's (no importer claims
``profile.json`` and the like, so they are skipped without a word); ``profile.json`` beside it
is only looked at for the user's name.

Which chats: one `Conversation` per thread that has messages. ``participants`` lists usernames,
the exporting user's among them; people who left a group are no longer listed, and an account
deleted since shows as ``__deleted__<letters>`` or not at all, so the people of a chat are the
participants and everyone who wrote or liked in it. ``group`` is whether that is more than two
(a null sender, an account gone since, not counted: it is one of them).
Instagram gave no thread id, so ``chat_id`` is the participants' usernames, sorted and joined by
commas (a second thread with the same participants gets ``#2``, in file order); the title is the
newest "… named the group …" notice's name, else the other participants (everyone, where the
user is not known).

Who: people are their usernames, the one name each has across the file. ``sender`` may be null
(an account gone since): that is "Instagram User", as Meta's newer download names such a sender.
The exporting user, `Conversation.me`, is the ``username`` of ``profile.json`` beside the file
when it names someone in it, else the one username that is a participant of every thread
(nobody, where two or more are, as in an export holding a single 1:1 chat), else the ``me``
option.

When: ``created_at`` is ISO 8601 with microseconds and ``+00:00`` (UTC); times without a
fraction or without an offset (read as UTC) are read too. Threads are newest first; we order
each oldest first by the UTC instant (a stable sort, equal instants kept in the order they
were sent, not by local time, which repeats an hour when the clocks go back), and show it as
this computer's local wall-clock time, whole seconds through `datetime.fromtimestamp` as the
other JSON importers do, the microseconds added exactly.

What: the file's text is proper UTF-8 (``\\u`` escapes or the characters themselves), not the
Latin-1 mojibake of Meta's later downloads, so nothing is "repaired". A message is one entry
with ``text`` and at most one of:

* ``media`` or ``media_url`` (a CDN link to the photo or video sent; ``.mp4`` is ``<video>``,
  ``.m4a``/``.aac`` ``<voice message>``, anything else ``<photo>``), ``media_share_url`` with
  ``media_owner`` and ``media_share_caption`` (a shared post: ``<shared post>``; the caption is
  the owner's, not the sender's words), ``voice_media`` (``<voice message>``),
  ``animated_media_images`` (a GIPHY GIF or sticker, with ``is_random`` and ``user``: ``<GIF>``,
  linked to its ``original`` ``url``), ``profile_share_username`` with ``profile_share_name``
  (``<shared profile> @username``), ``location_name`` with ``address``, ``city``,
  ``latitude``, ``longitude`` (``<location> name``), ``live_video_invite`` and
  ``live_video_share`` (``<live video>``): MEDIA, its text the sender's words where there are
  some, else the placeholder followed by the link where there is one (values such as
  "Media unavailable." are no link);
* ``story_share`` ("Shared daisyraj's story", with ``story_share_type`` and
  ``mentioned_username``) and ``link``: the words are a text message answering the story or
  carrying the link; without words a shared story is MEDIA ``<shared story>``, a link MEDIA
  ``<link> url``;
* ``heart`` (the heart button, its emoji as the value): a TEXT message of that emoji;
* ``action`` ("hsimah_ named the group Beach days", "… added …", "… left the group") and
  ``video_call_action`` ("daisyraj started a video chat", "Video chat ended"): app notices,
  `SystemEvent`s with Instagram's wording, never someone's words.

An entry with no words and nothing else (``text`` null or empty) is DELETED: its content is no
longer in the download. One with a field we do not know and no words is MEDIA ``<unsupported
message>``, never lost. Unsent messages are simply absent from the download, and Instagram wrote
no replies and no edits into it.

Reactions: ``likes`` lists who double-tapped a message (the only reaction the app had then), and
when: each is a `Reaction` ❤️ by that username at ``date`` (local time as above), in the listed
order. Likes on a notice are dropped with it.

A field of the wrong type, a missing ``conversation`` or ``created_at``, a time that is no
ISO date (or past what a clock can show), a ``likes`` entry without a username, bad JSON,
numbers too long to read or nesting too deep is an `ImportFormatError` naming the file and the
JSON path (``[2].conversation[14].created_at``) or the line; a JSON document that is not such
a list is an `UnknownFormatError`.

Where we looked (no Instagram documentation exists): michabirklbauer/instagram_json_viewer
(instaview.py, read_messages: the fields ``media_share_url``/``media_owner``/
``media_share_caption``, ``voice_media`` "Media unavailable.", ``media`` by extension,
``story_share``, ``link``; ``profile.json`` ``username`` as the user; its README: the download's
files, and that the December 2020 layout, not this one, was "wrongly encoded"); the issue
michabirklbauer/instagram_json_viewer#11 (messages.json gone from downloads from late December
2020); the field notes and renderer of an archive renderer found by the code search ("Group
actions", ``action`` "… named the group …", ``video_call_action``, ``profile_share_*``,
``animated_media_images`` with ``original.mp4``, ``is_random``, ``user``, ``location_name``,
``live_video_invite``, ``live_video_share``, threads reversed to read them); a TypeScript type
module of the message kinds (``heart``, ``story_share_type``, ``mentioned_username``);
raphydaphy/instagram-dm-viewer (parser.rb: ``likes``, people who left missing from
``participants``, ``__deleted__`` usernames, no group names); RishiTiku/InstagramJSONToReadableText
(test.py: null ``sender`` and ``text``, threads with fewer than two participants);
timothycarambat/instagram-dm-analyzer (sample.json: the compact sorted layout, newest
first); alexc0794/instagram-year-in-review (README: the download split into ``part_1`` …
zips) and a README quoting a 2020 download (one line, group threads, ``likes``). Real files
checked: that sample.json (2 threads, 25 messages, a ``__deleted__`` sender, photos) and a real
1:1 thread of 2017-2020 pasted into a JavaScript sample module found by the code search (emoji
and curly quotes written as themselves, story replies with words, a photo).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from turntoward.errors import ImportFormatError, UnknownFormatError
from turntoward.ingest._json_doc import JsonDoc, JsonObject, child, load_json
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.model import Conversation, Message, MessageKind, Reaction, SystemEvent

EXPECTED = "Instagram's old messages.json (a list of threads with 'participants' and 'conversation')"
PROFILE_JSON = "profile.json"
UNKNOWN_SENDER = "Instagram User"
"""The name of a sender whose account is gone (``sender`` null), as Meta's newer download writes it."""
LIKE = "❤️"
"""A like (double tap) on a message: the app's only reaction then, a heart."""
HEART = "❤️"
UNSUPPORTED = "<unsupported message>"
CREATED_AT = "an ISO date-time (2019-03-12T21:04:05.123456+00:00)"
# Fields holding an app notice, and the label for one left empty.
NOTICES: dict[str, str] = {"action": "group notice", "video_call_action": "video chat"}
# Attachments sent in the chat: field, placeholder (None: by the link's file type).
ATTACHMENTS: tuple[tuple[str, str | None], ...] = (
    ("media", None),
    ("media_url", None),
    ("media_share_url", "<shared post>"),
    ("voice_media", "<voice message>"),
    ("animated_media_images", "<GIF>"),
    ("profile_share_username", "<shared profile>"),
    ("location_name", "<location>"),
    ("live_video_invite", "<live video>"),
    ("live_video_share", "<live video>"),
    ("media_owner", "<shared post>"),  # a shared post whose link is missing
    ("profile_share_name", "<shared profile>"),
)
# What the words of a message answer or carry: the words are a text message of their own.
CONTEXTS: tuple[tuple[str, str], ...] = (("story_share", "<shared story>"), ("link", "<link>"))
# Fields that describe a message without being its content.
DESCRIBING = frozenset({
    "sender", "created_at", "text", "likes", "heart", "is_random", "user", "media_share_caption",
    "story_share_type", "mentioned_username", "address", "city", "latitude", "longitude",
})
KNOWN = DESCRIBING | {key for key, _ in ATTACHMENTS} | {key for key, _ in CONTEXTS} | set(NOTICES)
MEDIA_BY_EXTENSION = {".mp4": "<video>", ".mov": "<video>", ".m4a": "<voice message>", ".aac": "<voice message>",
                      ".gif": "<GIF>"}
PHOTO = "<photo>"
URL = re.compile(r"https?://\S+", re.ASCII)
GROUP_NAMED = re.compile(r"\S+ named the group (?P<name>.+)", re.DOTALL)
# A thread opens with one of these keys (sorted keys put "conversation" first).
THREAD_START = re.compile(rb'\[\s*\{\s*"(?:participants|conversation)"\s*:')
_BOM = b"\xef\xbb\xbf"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LONGEST_TIME = 64  # characters; a longer created_at is no time


class InstagramLegacyImporter:
    """Reads the ``messages.json`` of Instagram's data download from before December 2020."""

    name = "instagram_legacy"
    description = "Instagram direct messages, old data download (messages.json, 2018-2020)"

    def sniff(self, source: Source, head: bytes) -> float:
        start = head.removeprefix(_BOM).lstrip(b" \t\r\n")
        if not THREAD_START.match(start):
            return 0.0
        # Meta's newer layout, merged into one list by some viewers, has "messages" instead
        return 0.95 if b'"conversation"' in head else 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        root = load_json(source)
        if not isinstance(root, list) or (root and not _is_thread(root[0])):
            raise UnknownFormatError(source.name, EXPECTED)
        doc = JsonDoc(source)
        threads = [_read_thread(doc, raw, f"[{i}]") for i, raw in enumerate(root)]
        threads = [t for t in threads if any(d.kind is not None for d in t.drafts)]  # notices alone: no chat
        me = _exporter(source, threads) or options.me
        ids: Counter[str] = Counter()
        for thread in threads:
            base = ",".join(sorted(set(thread.participants))) or ",".join(sorted(thread.people))
            ids[base] += 1
            chat_id = base if ids[base] == 1 else f"{base}#{ids[base]}"
            yield _conversation(source, thread, chat_id, me)


def _is_thread(value: object) -> bool:
    return isinstance(value, dict) and "conversation" in value


# --- reading ----------------------------------------------------------------------------------


@dataclass
class _Draft:
    """A message or notice as read, before the thread is put in order."""

    instant: timedelta  # since 1970 (UTC): what the thread is ordered by
    ts: datetime  # `instant` as local wall-clock time
    sender: str
    kind: MessageKind | None  # None: an app notice
    text: str
    likes: list[tuple[str, datetime | None]]


@dataclass
class _Thread:
    participants: list[str]
    drafts: list[_Draft]  # oldest first
    people: set[str] = field(default_factory=set)


def _read_thread(doc: JsonDoc, raw: object, at: str) -> _Thread:
    thread = doc.obj(raw, at)
    participants = doc.field_strs(thread, "participants", at, "a username (a string)", optional=True)
    drafts = []
    for j, item in enumerate(doc.field_list(thread, "conversation", at)):
        where = f"{child(at, 'conversation')}[{j}]"
        drafts.append(_read_entry(doc, doc.obj(item, where), where))
    # Instagram lists a thread newest first; in order of the instants, equal ones as sent
    drafts.reverse()
    drafts.sort(key=lambda d: d.instant)
    people = set(participants) | {d.sender for d in drafts} | {who for d in drafts for who, _ in d.likes}
    return _Thread(participants, drafts, people)


def _read_entry(doc: JsonDoc, entry: JsonObject, at: str) -> _Draft:
    instant, ts = _moment(doc, entry, "created_at", at)
    sender = doc.optional_str(entry, "sender", at) or UNKNOWN_SENDER
    kind, text = _content(doc, entry, at)
    likes = []
    for k, raw in enumerate(doc.field_list(entry, "likes", at, optional=True)):
        where = f"{child(at, 'likes')}[{k}]"
        like = doc.obj(raw, where)
        who = doc.optional_str(like, "username", where)
        if who is None and "username" not in like:
            doc.fail(child(where, "username"), "a username (a string)")
        when = _moment(doc, like, "date", where)[1] if like.get("date") is not None else None
        likes.append((who or UNKNOWN_SENDER, when))
    return _Draft(instant, ts, sender, kind, text, likes)


def _content(doc: JsonDoc, entry: JsonObject, at: str) -> tuple[MessageKind | None, str]:
    """What an entry is (None for an app notice) and its text."""
    for key, label in NOTICES.items():
        notice = doc.optional_str(entry, key, at)
        if notice is not None:
            return None, notice.strip() or label
    words = doc.optional_str(entry, "text", at) or ""
    for key, placeholder in ATTACHMENTS:
        if entry.get(key) is None:
            continue
        shown = _attachment(doc, entry, key, placeholder, at)
        return MessageKind.MEDIA, words or shown
    for key, placeholder in CONTEXTS:
        value = doc.optional_str(entry, key, at)
        if value is not None and not words:
            link = URL.match(value.strip()) if key == "link" else None
            return MessageKind.MEDIA, f"{placeholder} {link[0]}" if link else placeholder
    if words:
        return MessageKind.TEXT, words
    heart = doc.optional_str(entry, "heart", at)
    if heart is not None:
        return MessageKind.TEXT, heart.strip() or HEART
    if any(key not in KNOWN for key in entry):
        return MessageKind.MEDIA, UNSUPPORTED
    return MessageKind.DELETED, ""


def _attachment(doc: JsonDoc, entry: JsonObject, key: str, placeholder: str | None, at: str) -> str:
    """The placeholder of the attachment at `key`, followed by its link or name where it has one."""
    if key == "animated_media_images":
        images = doc.field_obj(entry, key, at)
        original = images.get("original")
        value = original.get("url") if isinstance(original, dict) else None
        link = value if isinstance(value, str) else ""
    else:
        value = entry.get(key)
        if not isinstance(value, str):
            doc.fail(child(at, key), "a string or null", value)
        link = value.strip()
    if key in ("profile_share_username", "location_name"):
        return f"{placeholder} {'@' if key == 'profile_share_username' else ''}{link}".rstrip()
    url = URL.match(link)
    shown = placeholder or _by_file_type(url[0] if url else "")
    return f"{shown} {url[0]}" if url else shown


def _by_file_type(url: str) -> str:
    """``<video>``, ``<voice message>``, ``<GIF>`` or ``<photo>``, by the file the link names."""
    path = url.split("?", 1)[0].lower()
    return next((text for ending, text in MEDIA_BY_EXTENSION.items() if path.endswith(ending)), PHOTO)


def _moment(doc: JsonDoc, entry: JsonObject, key: str, at: str) -> tuple[timedelta, datetime]:
    """The ISO time at `key` (UTC unless it says otherwise): since 1970, and as naive local time."""
    value = entry.get(key)
    if isinstance(value, str) and len(value) <= LONGEST_TIME:
        try:
            moment = datetime.fromisoformat(value.strip())
            since_epoch = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) - _EPOCH
            seconds = since_epoch // timedelta(seconds=1)
            return since_epoch, datetime.fromtimestamp(seconds) + (since_epoch - timedelta(seconds=seconds))
        except (ValueError, OverflowError, OSError):
            pass
    if key not in entry:
        doc.fail(child(at, key), CREATED_AT)
    doc.fail(child(at, key), CREATED_AT, value)


# --- people and chats -------------------------------------------------------------------------


def _exporter(source: Source, threads: list[_Thread]) -> str | None:
    """The exporting user's username: ``profile.json``'s where it names someone here, else the one
    participant of every thread."""
    everyone = set().union(*(t.people for t in threads)) if threads else set()
    named = _profile_username(source)
    if named is not None and named in everyone:
        return named
    listed = [set(t.participants) for t in threads if t.participants]
    common = set.intersection(*listed) if listed else set()
    return next(iter(common)) if len(common) == 1 else None


def _profile_username(source: Source) -> str | None:
    """``username`` of the download's ``profile.json`` beside the file; None where there is none
    or it cannot be read (that file is not ours to judge)."""
    profile = source.sibling(PROFILE_JSON)
    if profile is None:
        return None
    try:
        document = load_json(profile)
    except ImportFormatError:
        return None
    username = document.get("username") if isinstance(document, dict) else None
    return username if isinstance(username, str) and username else None


def _conversation(source: Source, thread: _Thread, chat_id: str, me: str | None) -> Conversation:
    messages = [
        Message(index=i, ts=d.ts, author=d.sender, text=d.text, kind=kind,
                reactions=tuple(Reaction(who, LIKE, when) for who, when in d.likes))
        for i, (d, kind) in enumerate((d, d.kind) for d in thread.drafts if d.kind is not None)
    ]
    events = [SystemEvent(d.ts, d.text, d.sender) for d in thread.drafts if d.kind is None]
    return Conversation(
        source=source.name,
        source_format="instagram_legacy",
        title=_title(thread, events, me),
        messages=messages,
        system_events=events,
        chat_id=chat_id,
        me=me,
        group=len(thread.people - {UNKNOWN_SENDER}) > 2,  # a sender gone since is one of the others
    )


def _title(thread: _Thread, events: list[SystemEvent], me: str | None) -> str:
    """The newest name the group was given, else the other participants."""
    for event in reversed(events):
        named = GROUP_NAMED.fullmatch(event.text)
        if named and named["name"].strip():
            return named["name"].strip()
    listed = list(dict.fromkeys(thread.participants)) or sorted(thread.people)
    others = [p for p in listed if p != me]
    return ", ".join(others or listed)


register(InstagramLegacyImporter())
