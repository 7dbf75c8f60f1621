"""Direct messages in an X / Twitter account archive ("Download an archive of your data").

The archive is a zip (or its unpacked folder) of ``data/*.js`` files, each one JavaScript
assignment of a JSON list: ``window.YTD.direct_messages.part0 = [ ... ]``. Only the files of direct
messages are read; the eighty-odd others (tweets, likes, followers, ads, the ``Your archive.html``
viewer and its assets) are not claimed, so a whole archive can be given and only its chats come out.
Which files, by the era of the archive:

* since about 2019: ``data/direct-messages.js`` (one-to-one, ``window.YTD.direct_messages.part0``)
  and ``data/direct-messages-group.js`` (groups, ``window.YTD.direct_messages_group.part0``);
  ``direct-message-headers.js`` and ``direct-message-group-headers.js`` are the same lists without
  the words, and are not read. A large list is split into ``direct-messages-part1.js`` (global
  name ``…part1``), ``-part2.js``, … beside the first; the first file reads the parts after it
  (a conversation split between parts is one `Conversation`), a later part beside it gives
  nothing, a later part named by itself is refused with the file to give instead, and a missing
  part between two present ones is an error (`export_pages`).
* in 2018: ``direct-message.js`` (``window.YTD.direct_message.part0``) at the archive's root,
  holding the one-to-one and group conversations together, with ``createdAt`` written as
  milliseconds since 1970 in a string (``"1534138567670"``), and ``direct-message-part1.js``, …
  for large lists. ``direct-message-group.js`` is read too, should an archive have it.
* A list taken out of its assignment (a JSON file starting ``[{"dmConversation"``) is read as well.

The older "Grailbird" archives (``tweets.csv``, ``data/js/tweets/``, before 2018) held no direct
messages at all.

Each entry is ``{"dmConversation": {"conversationId": "759720-3128746474", "messages": [event,
...]}}``, the events newest first, each an object with one key:

* ``messageCreate``: ``{"id", "senderId", "recipientId" (one-to-one; ``"0"`` or absent in a group),
  "text", "createdAt": "2022-09-12T17:38:27.668Z", "mediaUrls": [...], "urls": [{"url":
  "https://t.co/…", "expanded": "http://chaosnet.net/global", "display": "chaosnet.net/global"}],
  "reactions": [{"senderId", "reactionKey": "like", "eventId", "createdAt"}], "editHistory": []}``
  (``urls`` and ``reactions`` since about 2021, ``editHistory`` since 2024); a message.
  ``welcomeMessageCreate`` (the same shape: a business account's automatic greeting) is one too.
* ``reactionCreate``: ``{"senderId", "reactionKey", "eventId", "createdAt"}`` (2020 archives, before
  ``reactions`` moved into the message): a reaction to the message whose ``id`` is ``eventId``.
* ``joinConversation`` ``{"initiatingUserId", "participantsSnapshot": [...]}`` (the account was
  added), ``participantsJoin`` ``{"initiatingUserId", "userIds"}``, ``participantsLeave``
  ``{"userIds"}``, ``conversationNameUpdate`` ``{"initiatingUserId", "name"}``: notices, each with
  ``createdAt``. Any other event (X's own viewer also knows ``tweetInject``) is a notice named by
  its key spelt out ("tweet inject").

**Order and time.** ``createdAt`` is UTC (ISO with milliseconds and ``Z``; in 2018 milliseconds
since 1970): it becomes this computer's local wall-clock time, whole seconds through
`datetime.fromtimestamp` as the other JSON importers do, the milliseconds added exactly. Messages
are put oldest first by that instant (a stable sort: the file's newest-first list is reversed
first, so messages of one millisecond keep the order they were sent in).

**Who.** Accounts appear only as numeric ids. The exporting user is named by ``account.js`` beside
the messages (``[{"account": {"accountId", "username", "accountDisplayName", ...}}]``): their
display name, else ``@username`` (a display name with no letter or digit, such as ``-``, is
skipped), else the ``me`` option, else the id; it is `Conversation.me`. Without ``account.js``,
``manifest.js`` (``window.__THAR_CONFIG = {"userInfo": {"accountId", "userName",
"displayName"}}``) is read the same way; without either, the exporter is the one id every
one-to-one ``conversationId`` (``<id>-<id>``) of the file shares, when there are two or more of
them, named by the ``me`` option, and otherwise not known (`Conversation.me` is then the option).
An unreadable ``account.js`` or ``manifest.js`` is passed over: the messages do not depend on it.
No file of the archive names anyone else (``follower.js``, ``following.js``, ``block.js`` and
``direct-message-mute.js`` hold bare ids and links; the headers repeat the ids): every other
account is ``user <id>`` (``user 759720``), one name per account across the whole file. (The
mentions in ``tweets.js``, ``entities.user_mentions`` with id, handle and name, could name the people
the user mentioned in posts; that file, often hundreds of megabytes, is not read for it.)

**What.** ``text`` is HTML-escaped as tweets are (``&amp;``, ``&lt;``, ``&gt;``, only these; messages
from before about 2012 have a bare ``&``, which stays): the three are decoded. Each ``urls[].url``
(a ``t.co`` link) is replaced by its ``expanded`` address, so a shared link reads as the link.

* A message with ``mediaUrls`` (a photo, GIF or video; ``ton.twitter.com/dm/…``,
  ``video.twimg.com/dm_gif/…``, ``video.twimg.com/dm_video/…``) is MEDIA. Twitter writes the
  media as a ``t.co`` link at the end of the words (``urls`` expands it to
  ``https://twitter.com/messages/media/<id>``); that link is dropped, as X's own viewer drops it (the
  last word, where it is a ``t.co`` link, in archives without ``urls``). The words left are the
  caption; with none, ``<photo>``, ``<GIF>`` or ``<video>`` by the first media address.
* A message whose words are nothing but links (a shared post, a shared page) is MEDIA, its links
  as its text.
* A message with no words and no media is DELETED (not seen in real archives, which leave deleted
  messages out).
* ``editHistory`` with entries marks it `Message.edited` (the entries' shape is not known: every
  real one seen is empty).
* The archive records no replies.

Reactions become `Reaction`s by their sender, at their ``createdAt``: ``reactionKey`` is one of
Twitter's seven (``like`` ❤️, ``agree`` 👍, ``disagree`` 👎, ``funny`` 😂, ``surprised`` 😲, ``sad``
😢, ``excited`` 🔥, the names X's README gives them, heart, thumbs up, laugh…, read too), an emoji
itself, or ``emoji`` (any other emoji, since late 2023: the archive does not say which), which
stays ``(emoji)`` as every other unknown key stays ``(key)``. A ``reactionCreate`` whose message is
not in the conversation is a notice ("user 1 reacted 👍").

**Conversations.** One `Conversation` per ``conversationId`` that has messages (the 2018 file lists
hundreds of empty ones); ``chat_id`` is the id. A group is any conversation of a ``_group`` list or
whose id is not two ids joined by ``-``. A one-to-one chat is titled by the other person's name; a
group by its newest ``conversationNameUpdate`` name (as X's viewer shows it), else by the other
people it names (senders, snapshots, joins, leaves, reactions), in order of appearance.

**Errors.** Text that is neither such an assignment nor a JSON list of ``dmConversation`` is an
`UnknownFormatError`; bad JSON (a cut-off file) an `ImportFormatError` naming the line; a field of
the wrong type, a missing ``conversationId``, ``senderId``, ``text`` or ``createdAt``, an event that
is not an object, or a time no clock shows (more than 20 digits, past the year 9999) one naming its
JSON path (``[2].dmConversation.messages[14].messageCreate.createdAt``).

Where we looked: X's own ``data/README.txt`` and ``manifest.js`` and its viewer (``Your
archive.html``'s ``assets/js/ondemand.App.*.js``: media links dropped, the newest name as the
title, ``tweetInject``) in real archives published on GitHub, and their direct messages, on which
this importer was run: larsbrinkhoff/twitter-data (2023), keithfrankish/twitter-data (2020: no
``urls`` nor ``reactions``, ``reactionCreate`` events), timlinux/timlinux-twitter-archive (2023),
jeremyfranklin/twitter (2022), nhudson/twitter-backup (2022), 8yeol/love (2024: ``editHistory``,
``"reactionKey": "emoji"``), milahu/twitter-milahu104 (2026) and natalieacpm/na (2018:
``direct-message.js``, millisecond times, groups in the same file, ``recipientId`` ``"0"``);
parsers for the rest: alkihis/twitter-archive-reader (ts/types/GDPRDMs.ts, ts/TwitterArchive.ts:
the event types, ``welcomeMessageCreate``, reaction keys, the ``direct-message-part1.js`` and
``direct-messages-part1.js`` names), rust-utilities/twitter-archive (src/structs/direct_messages.rs)
and timhutton/twitter-archive-parser (parser.py: ``urls`` expansion, group notices).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from turntoward.errors import ImportFormatError, UnknownFormatError
from turntoward.ingest._clock import local_time
from turntoward.ingest._json_doc import JsonDoc, JsonObject, child
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source, export_pages
from turntoward.model import Conversation, Message, MessageKind, Reaction, SystemEvent

EXPECTED = ("an X / Twitter archive's direct messages (data/direct-messages.js: "
            "'window.YTD.direct_messages.part0 = [{\"dmConversation\": ...}]')")
ASSIGNMENT = re.compile(r"\s*window\.YTD\.(?P<list>direct_messages?(?:_group)?)\.part(?P<part>\d+)\s*=")
HEAD_ASSIGNMENT = re.compile(rb"\s*window\.YTD\.direct_messages?(?:_group)?\.part\d+\s*=")
FILE_NAME = re.compile(r"(?P<stem>direct-messages?(?:-group)?)(?:-part(?P<part>[1-9][0-9]*))?\.js")
ONE_TO_ONE = re.compile(r"[0-9]+-[0-9]+")
ESCAPED = re.compile(r"&(amp|lt|gt);")
UNESCAPED = {"amp": "&", "lt": "<", "gt": ">"}
MEDIA_LINK = re.compile(r"https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/messages/media/", re.IGNORECASE)
TCO_LINK = re.compile(r"https?://t\.co/\S+")
ONLY_LINKS = re.compile(r"\s*https?://\S+(?:\s+https?://\S+)*\s*")
MESSAGE_EVENTS = frozenset({"messageCreate", "welcomeMessageCreate"})
REACTION_EMOJI = {
    # Twitter's seven DM reactions (2020), and the words X's README uses for them
    "like": "❤️", "agree": "👍", "disagree": "👎", "funny": "😂", "surprised": "😲", "sad": "😢", "excited": "🔥",
    "heart": "❤️", "thumbs up": "👍", "thumbs down": "👎", "laugh": "😂", "wow": "😲", "cry": "😢", "fire": "🔥",
    "hot": "🔥",
}
MAX_DIGITS = 20  # a millisecond count this long is no time (10**20 ms is three billion years)
CREATED_AT = "a time in UTC (2022-09-12T17:38:27.668Z, or milliseconds since 1970)"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SIBLING_ACCOUNT = "account.js"
SIBLING_MANIFEST = "manifest.js"


class TwitterDmImporter:
    """Reads the direct messages of an X / Twitter archive (data/direct-messages.js and its kin)."""

    name = "twitter_dm"
    description = "X / Twitter archive direct messages (data/direct-messages.js, direct-messages-group.js)"

    def sniff(self, source: Source, head: bytes) -> float:
        head = head.removeprefix(b"\xef\xbb\xbf")
        if HEAD_ASSIGNMENT.match(head):
            return 0.95
        if head.lstrip()[:1] == b"[" and re.match(rb'\[\s*\{\s*"dmConversation"\s*:', head.lstrip()):
            return 0.9
        return 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        found = FILE_NAME.fullmatch(source.filename)
        if found is None:
            pages = [source]
        else:
            stem = found["stem"]
            number = int(found["part"] or 0) + 1  # export_pages counts from 1: the first file is page 1
            pages = export_pages(source, number, lambda n: f"{stem}.js" if n == 1 else f"{stem}-part{n - 1}.js")
        if not pages:
            return  # a later part, read by the first file beside it
        chats: dict[str, _Chat] = {}
        for page in pages:
            _read_page(page, chats)
        exporter = _exporter(source, chats, options)
        for chat in chats.values():
            conversation = chat.conversation(exporter, options)
            if conversation.messages:
                yield conversation


# --- reading the files ------------------------------------------------------------------------


def _document(source: Source) -> tuple[object, bool]:
    """The JSON list in `source` and whether its assignment names a group list."""
    text = source.read_text("a UTF-8 encoded JavaScript file")
    found = ASSIGNMENT.match(text)
    if found is not None:
        start, group = found.end(), found["list"].endswith("_group")
    elif text.lstrip()[:1] == "[":
        start, group = 0, False
    else:
        raise UnknownFormatError(source.name, EXPECTED, found=text.lstrip()[:40] or "an empty file")
    return _json_value(source.name, text, start), group


def _json_value(name: str, text: str, start: int) -> object:
    """The JSON value at `start` of `text`, with nothing after it but white space and a ``;``."""
    while start < len(text) and text[start].isspace():
        start += 1
    try:
        value, end = json.JSONDecoder().raw_decode(text, start)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(name, f"a JSON list (column {exc.colno}: {exc.msg})", line=exc.lineno) from exc
    except (ValueError, RecursionError) as exc:  # over-long integers, absurd nesting
        raise ImportFormatError(name, "a JSON list", found=str(exc)) from exc
    rest = text[end:].strip()
    if rest not in ("", ";"):
        line = text.count("\n", 0, end) + 1
        raise ImportFormatError(name, "nothing after the JSON list", line=line, found=rest[:40])
    return value


def _read_page(source: Source, chats: dict[str, _Chat]) -> None:
    """Add the conversations of one file to `chats` (a conversation split between parts is merged)."""
    raw, group_list = _document(source)
    doc = JsonDoc(source)
    for i, item in enumerate(doc.items(raw, "")):
        at = f"[{i}]"
        holder = doc.obj(item, at)
        at = child(at, "dmConversation")
        entry = doc.field_obj(holder, "dmConversation", f"[{i}]")
        chat_id = doc.field_str(entry, "conversationId", at)
        chat = chats.setdefault(chat_id, _Chat(doc.source.name, chat_id))
        chat.group = chat.group or group_list or ONE_TO_ONE.fullmatch(chat_id) is None
        for j, raw_event in enumerate(doc.field_list(entry, "messages", at)):
            where = f"{child(at, 'messages')}[{j}]"
            event = doc.obj(raw_event, where)
            if not event:
                doc.fail(where, "an event ('messageCreate', 'joinConversation', ...)", event)
            for key, value in event.items():
                chat.read_event(doc, key, doc.obj(value, child(where, key)), child(where, key))


def _exporter(source: Source, chats: dict[str, _Chat], options: ImportOptions) -> _Exporter:
    """Who exported the archive: from ``account.js``, else ``manifest.js``, else the conversation ids."""
    for filename, read in ((SIBLING_ACCOUNT, _account), (SIBLING_MANIFEST, _manifest)):
        beside = source.sibling(filename)
        if beside is None:
            continue
        try:
            found = read(beside)
        except (ImportFormatError, ValueError, RecursionError, LookupError, TypeError, AttributeError):
            found = None  # not the messages' file: an unreadable one leaves the exporter to be inferred
        if found is not None:
            account, display, username = found
            name = _display(display) or (f"@{username.strip()}" if username and username.strip() else None)
            return _Exporter(account, name or options.me or _other(account))
    pairs = [set(chat_id.split("-")) for chat_id in chats if ONE_TO_ONE.fullmatch(chat_id)]
    shared = set.intersection(*pairs) if len(pairs) >= 2 else set()
    if len(shared) == 1:
        account = shared.pop()
        return _Exporter(account, options.me or _other(account))
    return _Exporter(None, options.me)


def _assigned(source: Source) -> object:
    text = source.read_text("a UTF-8 encoded JavaScript file")
    return _json_value(source.name, text, text.index("=") + 1)


def _account(source: Source) -> tuple[str, str | None, str | None] | None:
    """``account.js``: the exporter's id, display name and user name."""
    document = _assigned(source)
    account = document[0]["account"] if isinstance(document, list) and document else None
    if not isinstance(account, dict) or not isinstance(account.get("accountId"), str):
        return None
    return account["accountId"], _text_or_none(account.get("accountDisplayName")), _text_or_none(
        account.get("username"))


def _manifest(source: Source) -> tuple[str, str | None, str | None] | None:
    """``manifest.js``: the exporter's id, display name and user name, from ``userInfo``."""
    document = _assigned(source)
    info = document.get("userInfo") if isinstance(document, dict) else None
    if not isinstance(info, dict) or not isinstance(info.get("accountId"), str):
        return None
    return info["accountId"], _text_or_none(info.get("displayName")), _text_or_none(info.get("userName"))


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _display(name: str | None) -> str | None:
    """A display name worth showing: one with a letter or digit in it (``-`` is not)."""
    return name.strip() if name and any(c.isalnum() for c in name) else None


def _other(account: str) -> str:
    """How an account the archive does not name is shown."""
    return f"user {account}"


# --- people -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Exporter:
    """The exporting user's account id (None where the archive does not tell) and name."""

    account: str | None
    name: str | None

    def label(self, account: str) -> str:
        """The name of `account`: the exporter's name for the exporter, else ``user <id>``."""
        if account == self.account and self.name:
            return self.name
        return _other(account)


# --- one conversation -------------------------------------------------------------------------


@dataclass
class _Draft:
    """A message as read, before the conversation is put in order."""

    ms: int  # when it was sent, in milliseconds since 1970 (UTC): what the conversation is ordered by
    ts: datetime
    sender: str
    kind: MessageKind
    text: str
    edited: bool
    reactions: list[tuple[str, str, datetime]]
    message_id: str | None


@dataclass
class _Notice:
    """A notice as read: when, who did it, its event key, the accounts it names and its value (a name)."""

    ms: int
    ts: datetime
    author: str | None
    kind: str
    accounts: list[str]
    value: str = ""


@dataclass
class _Chat:
    """One ``conversationId`` being gathered from one or more files."""

    source: str
    chat_id: str
    group: bool = False
    drafts: list[_Draft] = field(default_factory=list)
    notices: list[_Notice] = field(default_factory=list)
    late_reactions: list[tuple[str, str, str, int, datetime]] = field(default_factory=list)
    names: list[tuple[int, str]] = field(default_factory=list)
    seen: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    """Every account named, and where it first appears: (time, events after it in the file, place in
    the event): the file lists events newest first."""
    _now: tuple[int, int, int] = (0, 0, 0)

    def read_event(self, doc: JsonDoc, key: str, event: JsonObject, at: str) -> None:
        ms, ts = _created(doc, event, at)
        self._now = (ms, self._now[1] - 1, 0)
        if key in MESSAGE_EVENTS:
            sender = self._account(doc, event, "senderId", at)
            kind, text = _words(doc, event, at)
            reactions = []
            for k, raw in enumerate(doc.field_list(event, "reactions", at, optional=True)):
                where = f"{child(at, 'reactions')}[{k}]"
                reaction = doc.obj(raw, where)
                who = self._account(doc, reaction, "senderId", where)
                reactions.append((who, reaction_emoji(doc.field_str(reaction, "reactionKey", where)),
                                  _created(doc, reaction, where)[1]))
            edits = doc.field_list(event, "editHistory", at, optional=True)
            self.drafts.append(_Draft(ms, ts, sender, kind, text, bool(edits), reactions,
                                      doc.optional_str(event, "id", at)))
        elif key == "reactionCreate":
            who = self._account(doc, event, "senderId", at)
            emoji = reaction_emoji(doc.field_str(event, "reactionKey", at))
            self.late_reactions.append((doc.field_str(event, "eventId", at), who, emoji, ms, ts))
        elif key == "conversationNameUpdate":
            who = self._account(doc, event, "initiatingUserId", at)
            name = doc.field_str(event, "name", at)
            self.names.append((ms, name))
            self.notices.append(_Notice(ms, ts, who, key, [who], name))
        elif key in ("joinConversation", "participantsJoin"):
            who = self._account(doc, event, "initiatingUserId", at)
            listed = "participantsSnapshot" if key == "joinConversation" else "userIds"
            self.notices.append(_Notice(ms, ts, who, key, [who, *self._accounts(doc, event, listed, at)]))
        elif key == "participantsLeave":
            gone = self._accounts(doc, event, "userIds", at)
            self.notices.append(_Notice(ms, ts, gone[0] if gone else None, key, gone))
        else:
            doer = next((k for k in ("initiatingUserId", "senderId") if k in event), None)
            by = None if doer is None else self._account(doc, event, doer, at)
            self.notices.append(_Notice(ms, ts, by, key, [] if by is None else [by]))

    def _account(self, doc: JsonDoc, event: JsonObject, key: str, at: str) -> str:
        return self._seen(doc, event.get(key), child(at, key), present=key in event)

    def _accounts(self, doc: JsonDoc, event: JsonObject, key: str, at: str) -> list[str]:
        return [self._seen(doc, value, f"{child(at, key)}[{i}]")
                for i, value in enumerate(doc.field_list(event, key, at))]

    def _seen(self, doc: JsonDoc, value: object, at: str, *, present: bool = True) -> str:
        """An account id (a non-empty string), noted as taking part in the conversation."""
        if not present:
            doc.fail(at, "an account id")
        if not isinstance(value, str) or not value.strip():
            doc.fail(at, "an account id", value)
        account = value.strip()
        self.seen[account] = min(self.seen.get(account, self._now), self._now)
        self._now = (*self._now[:2], self._now[2] + 1)
        return account

    def conversation(self, exporter: _Exporter, options: ImportOptions) -> Conversation:
        # newest first in the file: reversed, then a stable sort keeps one millisecond's messages in order
        drafts = sorted(reversed(self.drafts), key=lambda d: d.ms)
        by_id = {d.message_id: d for d in drafts if d.message_id}
        label = exporter.label
        events = []
        for message_id, who, emoji, ms, ts in sorted(reversed(self.late_reactions), key=lambda r: r[3]):
            target = by_id.get(message_id)
            if target is not None:
                target.reactions.append((who, emoji, ts))
            else:
                events.append((ms, SystemEvent(ts, f"{label(who)} reacted {emoji}", label(who))))
        for notice in reversed(self.notices):
            author = None if notice.author is None else label(notice.author)
            events.append((notice.ms, SystemEvent(notice.ts, _notice_text(notice, exporter), author)))
        events.sort(key=lambda pair: pair[0])
        messages = [
            Message(index=i, ts=d.ts, author=label(d.sender), text=d.text, kind=d.kind, edited=d.edited,
                    reactions=tuple(Reaction(label(who), emoji, ts) for who, emoji, ts in d.reactions))
            for i, d in enumerate(drafts)
        ]
        return Conversation(
            source=self.source,
            source_format=TwitterDmImporter.name,
            title=self._title(exporter),
            messages=messages,
            system_events=[event for _, event in events],
            chat_id=self.chat_id,
            me=exporter.name if exporter.account is not None else options.me,
            group=self.group,
        )

    def _title(self, exporter: _Exporter) -> str:
        if self.group:
            newest = max(self.names, key=lambda named: named[0], default=None)
            if newest is not None and newest[1].strip():
                return newest[1].strip()
            by_time = sorted(self.seen, key=self.seen.__getitem__)
            others = [a for a in by_time if a != exporter.account and a != "0"]
        else:
            others = [a for a in self.chat_id.split("-") if a != exporter.account]
        return ", ".join(map(exporter.label, others)) or self.chat_id


def _notice_text(notice: _Notice, exporter: _Exporter) -> str:
    names = [exporter.label(a) for a in notice.accounts]
    if notice.kind == "conversationNameUpdate":
        return f"{names[0]} named the group {notice.value}"
    if notice.kind == "joinConversation":
        if exporter.account is not None and notice.accounts[0] == exporter.account:
            return f"{names[0]} joined"
        return f"{names[0]} added {exporter.name or 'the account owner'}"
    if notice.kind == "participantsJoin":
        return f"{names[0]} added {', '.join(names[1:])}".rstrip()
    if notice.kind == "participantsLeave":
        return f"{', '.join(names)} left" if names else "someone left"
    return _spaced(notice.kind)


def _spaced(key: str) -> str:
    """An event's key as words ("tweetInject" -> "tweet inject")."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", key).replace("_", " ").lower().strip() or "notice"


# --- fields -----------------------------------------------------------------------------------


def _created(doc: JsonDoc, event: JsonObject, at: str) -> tuple[int, datetime]:
    """``createdAt`` in milliseconds since 1970 (UTC), and as naive local time."""
    value = event.get("createdAt")
    ms = _milliseconds(value) if isinstance(value, str) else None
    local = None if ms is None else local_time(ms)
    if ms is None or local is None:
        if "createdAt" not in event:
            doc.fail(child(at, "createdAt"), CREATED_AT)
        doc.fail(child(at, "createdAt"), CREATED_AT, value)
    return ms, local


def _milliseconds(text: str) -> int | None:
    text = text.strip()
    if text.isascii() and text.isdigit():
        return int(text) if len(text) <= MAX_DIGITS else None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    try:
        return (moment - _EPOCH) // timedelta(milliseconds=1)
    except OverflowError:
        return None


def _words(doc: JsonDoc, event: JsonObject, at: str) -> tuple[MessageKind, str]:
    """What a message says, and what kind of message that makes it (see the module docstring)."""
    text = ESCAPED.sub(lambda m: UNESCAPED[m[1]], doc.field_str(event, "text", at))
    media = doc.field_strs(event, "mediaUrls", at, "a link to the media", optional=True)
    links = []
    for k, raw in enumerate(doc.field_list(event, "urls", at, optional=True)):
        where = f"{child(at, 'urls')}[{k}]"
        link = doc.obj(raw, where)
        links.append((doc.field_str(link, "url", where), doc.optional_str(link, "expanded", where) or ""))
    if media:
        dropped = False
        for short, expanded in links:
            if MEDIA_LINK.match(expanded) and short and short in text:
                text, dropped = text.replace(short, ""), True
        if not dropped:
            words = text.rstrip().rsplit(None, 1)
            if words and TCO_LINK.fullmatch(words[-1]):
                text = words[0] if len(words) > 1 else ""
    for short, expanded in links:
        if short and expanded and not MEDIA_LINK.match(expanded):
            text = text.replace(short, expanded)
    if media:
        return MessageKind.MEDIA, text.strip() or _placeholder(media[0])
    if not text:
        return MessageKind.DELETED, ""
    if ONLY_LINKS.fullmatch(text):
        return MessageKind.MEDIA, text.strip()
    return MessageKind.TEXT, text


def _placeholder(link: str) -> str:
    """What stands for media without words, by its address."""
    if "/dm_gif/" in link:
        return "<GIF>"
    if "/dm_video/" in link or link.split("?")[0].lower().endswith(".mp4"):
        return "<video>"
    return "<photo>"


def reaction_emoji(key: str) -> str:
    """The emoji a reaction key shows: ``like`` -> ❤️, ``agree`` -> 👍, an emoji itself, else ``(key)``."""
    key = key.strip()
    if key.lower() in REACTION_EMOJI:
        return REACTION_EMOJI[key.lower()]
    if key and not key.isascii():
        return key
    return f"({key})"

register(TwitterDmImporter())
