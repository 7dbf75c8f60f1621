"""Matrix rooms as Element (web and desktop) exports them: "Export chat" in JSON.

Where we read it (Element's own source, element-hq/element-web and matrix-org/matrix-react-sdk
before it, 2021-2025): ``src/utils/exportUtils/JSONExport.ts`` writes one file, ``matrix - <room>
- Chat Export - <date>.json`` (``export.json`` inside ``matrix-export-<date>.zip`` when media are
included, beside ``images/``, ``videos/``, ``audio/``, ``files/``)::

    {"room_name": "...", "room_creator": "...", "topic": "...", "export_date": "...",
     "exported_by": "...", "messages": [event, ...]}

``exported_by`` and ``room_creator`` are display names as the room shows them now
(``rawDisplayName``), or the Matrix id (``@sam:matrix.org``) when there is none. ``export_date``
is the day in the exporter's locale (``2024/03/14`` in 2021, ``3/14/2024`` or ``14/03/2024``
later) and is not read. ``messages`` holds, oldest first, every event of the room's timeline (the
``/messages`` API, read backwards and reversed) for which Element draws a tile
(``haveRendererForEvent`` in ``src/events/EventTileFactory.tsx``), each as matrix-js-sdk's
``getEffectiveEvent()`` (``toJSON()``'s ``decrypted`` part in the 2021 version): the server's event
with, for an encrypted one, its decrypted type and content. An event is ``{"type", "sender",
"origin_server_ts" (milliseconds since 1970, UTC), "event_id", "room_id", "content", "unsigned"}``
plus ``state_key`` for state events.

What that means for reading it, and what we do:

- ``m.room.message`` (and ``m.sticker``, polls) are messages. ``content.msgtype`` says which:
  ``m.text``, ``m.notice`` (a bot's words), ``m.emote`` ("/me waves": the words ``waves``) are
  TEXT; ``m.image``, ``m.video``, ``m.audio``, ``m.file``, ``m.location`` and stickers are MEDIA,
  their text the caption where the sender wrote one (``body`` differs from ``filename``), else
  ``body`` (the file name, or the sticker's description), else a placeholder (`MEDIA_PLACEHOLDERS`).
  A message type we do not know keeps its ``body`` as TEXT, or is MEDIA ``<unsupported message>``.
- Times: ``origin_server_ts`` is shown in this computer's local time (whole seconds through
  `datetime.fromtimestamp`, then the milliseconds), as for Meta's exports. Messages are put in
  order by that instant (a stable sort: the file's order among equal instants), never by the
  local time, which runs backwards for an hour when the clocks go back in autumn; the newest edit
  is the newest instant too.
- Names: events carry only the sender's Matrix id. Each person gets ONE name for the whole
  conversation: the last ``displayname`` their ``m.room.member`` events in the export give them
  (which is what Element shows now and what ``exported_by`` uses), else their id's localpart
  (``@sam:matrix.org`` -> ``sam``). Two people left with the same name are told apart as Element
  does, by adding the id: ``Sam (@sam:matrix.org)``. Display-name changes stay as notices.
- ``me`` is ``exported_by``, mapped to that person's name (it may be their id, their current
  display name or an earlier one); an export without it honours the ``me`` option.
- Replies: ``content["m.relates_to"]["m.in_reply_to"]["event_id"]`` becomes `reply_to` when the
  quoted event is a message of the export that comes before the reply (a reply that names itself,
  or a message whose instant is later, which happens when two servers' clocks disagree, answers
  nothing: a reply points back); the reply fallback that older clients put before the
  words (``> <@sam:matrix.org> quoted line`` lines and a blank line, spec section "Fallbacks for
  rich replies", removed by MSC2781) is removed. A thread message (``rel_type``
  ``m.thread``) without a real reply answers the thread's first message.
- Deleted messages: a redacted event keeps its sender and time but has empty ``content`` and
  ``unsigned.redacted_because``; Element exports it ("Message deleted"), we make it DELETED.
- Edits: Element gives edit events (``rel_type`` ``m.replace``) no tile, so its exports leave them
  out and the original event keeps its first words; the server may bundle the newest edit in
  ``unsigned["m.relations"]["m.replace"]`` (the whole edit event where the server implements
  MSC3925, else only its id, time and sender): the
  message is then `edited` and takes ``m.new_content.body`` when the bundle has it. Edit events
  found in the file (other tools, other versions) are applied too: the newest by time wins, and
  they are never messages themselves. As the spec says clients must ("Event replacements",
  validity), an edit whose sender is not the original message's sender is ignored, in the file
  or bundled (where the bundle names its sender): nobody can put words in another's mouth.
- Reactions: ``m.reaction`` events have no tile either, so Element's exports hold none; where a
  file has them (``content["m.relates_to"]`` = ``{"rel_type": "m.annotation", "event_id",
  "key": "👍"}``) each becomes a `Reaction` on its message, with its author and time. A
  ``m.room.redaction`` event in the file deletes what it names (``redacts``, or
  ``content.redacts`` from room version 11 on).
- Undecryptable messages: matrix-js-sdk turns an encrypted event it cannot decrypt into
  ``m.room.message`` with ``msgtype`` ``m.bad.encrypted`` and body ``** Unable to decrypt: ...
  **``; an event never tried stays ``m.room.encrypted``. Someone did write something there, so
  it is a message (it takes its turn in the conversation), MEDIA with the text
  ``<unable to decrypt>``, as Meta's unreadable messages are ``<unsupported message>``.
- Membership (join, leave, invite, kick, ban, name and avatar changes), room name, topic,
  avatar, encryption and other settings, calls and everything else Element shows are
  `SystemEvent`s with an English line (``Sam joined the room``).

A wrong type where a field must be (a time that is not a whole number, ``content`` that is not an
object, a missing ``sender``) is an `ImportFormatError` naming the JSON path
(``messages[3].origin_server_ts``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath

from turntoward.ingest._clock import local_time
from turntoward.ingest._json_doc import JsonDoc, JsonObject, child, load_json, looks_like_json_object
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.model import Conversation, Message, MessageKind, Reaction, SystemEvent

MESSAGE_TYPES = frozenset({"m.room.message", "m.sticker", "m.room.encrypted"})
POLL_START_TYPES = frozenset({"m.poll.start", "org.matrix.msc3381.poll.start"})
TEXT_MSGTYPES = frozenset({"m.text", "m.notice", "m.emote"})
MEDIA_PLACEHOLDERS: dict[str, str] = {
    "m.image": "<image>",
    "m.video": "<video>",
    "m.audio": "<audio>",
    "m.file": "<file>",
    "m.location": "<location>",
    "m.sticker": "<sticker>",  # the event type, not a msgtype
    "m.poll.start": "<poll>",
}
UNDECRYPTABLE = "<unable to decrypt>"
UNSUPPORTED = "<unsupported message>"
BAD_ENCRYPTED = "m.bad.encrypted"
VERIFICATION_REQUEST = "m.key.verification.request"
_STATE_NOTICES: dict[str, str] = {
    "m.room.create": "created the room",
    "m.room.encryption": "enabled end-to-end encryption",
    "m.room.avatar": "changed the room avatar",
    "m.room.canonical_alias": "changed the room's address",
    "m.room.join_rules": "changed who can join the room",
    "m.room.history_visibility": "changed who can read the room's history",
    "m.room.guest_access": "changed guest access to the room",
    "m.room.power_levels": "changed someone's power level",
    "m.room.pinned_events": "changed the pinned messages",
    "m.room.tombstone": "upgraded the room",
    "m.room.server_acl": "changed the server access rules",
    "m.room.third_party_invite": "sent an invitation by email",
}


@dataclass
class _Draft:
    """A message being read: what the file says, before edits, reactions and order are applied."""

    ms: int
    """The instant, milliseconds since 1970 (UTC): what messages and edits are ordered by."""
    ts: datetime
    """The same instant in local time, as the message shows it."""
    sender: str
    text: str
    kind: MessageKind
    event_id: str | None
    replies_to: str | None = None
    edited: bool = False
    edit_ms: int | None = None
    reactions: list[tuple[str, str, datetime, str | None]] = field(default_factory=list)
    """(sender id, emoji, time, reaction event id) in the file's order."""


class ElementImporter:
    """Reads Element's JSON export of one Matrix room."""

    name = "element"
    description = "Element (Matrix) room export (JSON)"

    def sniff(self, source: Source, head: bytes) -> float:
        if not looks_like_json_object(head):
            return 0.0
        if b'"room_name"' in head and b'"messages"' in head and (
            b'"exported_by"' in head or b'"room_creator"' in head or b'"export_date"' in head
        ):
            return 0.95
        if b'"room_name"' in head and b'"origin_server_ts"' in head:
            return 0.6  # trimmed: the header is there but not all of it
        return 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        doc = JsonDoc(source)
        root = doc.obj(load_json(source), "")
        if "messages" not in root or "room_name" not in root:
            doc.fail("", "an Element export: an object with 'room_name' and 'messages'", root)
        title = doc.optional_str(root, "room_name", "") or PurePosixPath(source.filename).stem
        exported_by = doc.optional_str(root, "exported_by", "")
        events = [doc.obj(raw, f"messages[{i}]") for i, raw in enumerate(doc.field_list(root, "messages", ""))]
        reader = _RoomReader(doc, events)
        conversation = reader.read()
        conversation.source = source.name
        conversation.source_format = self.name
        conversation.title = title
        conversation.me = reader.me(exported_by) if exported_by else options.me
        yield conversation


class _RoomReader:
    """One pass over the events for names, one for messages, notices, edits and reactions."""

    def __init__(self, doc: JsonDoc, events: list[JsonObject]) -> None:
        self.doc = doc
        self.events = events
        self.names: dict[str, str] = {}
        self.all_names: dict[str, set[str]] = {}

    def read(self) -> Conversation:
        self._learn_names()
        drafts: list[_Draft] = []
        notices: list[SystemEvent] = []
        by_id: dict[str, _Draft] = {}
        later: list[tuple[int, JsonObject, str, int, datetime]] = []  # edits, reactions, redactions
        room_id: str | None = None
        for i, event in enumerate(self.events):
            at = f"messages[{i}]"
            kind_of_event = self.doc.field_str(event, "type", at)
            sender = self.doc.field_str(event, "sender", at)
            ms, ts = self._time(event, at)
            room_id = room_id or self.doc.optional_str(event, "room_id", at)
            content = self.doc.field_obj(event, "content", at)
            if "state_key" in event:
                notice = self._state_notice(event, at, kind_of_event, content)
                notices.append(SystemEvent(ts, notice, self.name(sender)))
                continue
            relation = _relation(self.doc, content, child(at, "content"))
            if kind_of_event in {"m.reaction", "m.room.redaction"} or (
                kind_of_event in MESSAGE_TYPES and relation.get("rel_type") == "m.replace" and not _redacted(event)
            ):
                later.append((i, event, kind_of_event, ms, ts))
                continue
            if kind_of_event in MESSAGE_TYPES or kind_of_event in POLL_START_TYPES:
                draft = self._message(event, at, kind_of_event, content, sender, (ms, ts))
                if draft is None:
                    notices.append(SystemEvent(ts, f"{self.name(sender)} asked to verify a device", self.name(sender)))
                    continue
                drafts.append(draft)
                if draft.event_id is not None:
                    by_id[draft.event_id] = draft
                continue
            who = self.name(sender)
            notices.append(SystemEvent(ts, f"{who} {_other_notice(kind_of_event, content)}", who))
        for i, event, kind_of_event, ms, ts in later:
            self._apply(f"messages[{i}]", event, kind_of_event, (ms, ts), by_id)
        return Conversation(
            source="", source_format="", title="", messages=self._numbered(drafts, by_id),
            system_events=notices, chat_id=room_id,
        )

    # names ---------------------------------------------------------------------------------

    def _learn_names(self) -> None:
        """Every sender's one name: their last display name in the export, else their localpart."""
        latest: dict[str, str] = {}
        seen: list[str] = []
        for i, event in enumerate(self.events):
            at = f"messages[{i}]"
            sender = self.doc.field_str(event, "sender", at)
            seen.append(sender)
            if event.get("type") != "m.room.member" or _redacted(event):
                continue
            user = self.doc.field_str(event, "state_key", at)
            content = self.doc.field_obj(event, "content", at)
            shown = self.doc.optional_str(content, "displayname", child(at, "content"))
            seen.append(user)
            if shown and shown.strip():
                latest[user] = shown.strip()
                self.all_names.setdefault(user, set()).add(shown.strip())
        chosen = {user: latest.get(user) or _localpart(user) for user in dict.fromkeys(seen)}
        taken: dict[str, list[str]] = {}
        for user, name in chosen.items():
            taken.setdefault(name, []).append(user)
        self.names = {
            user: name if len(taken[name]) == 1 else f"{name} ({user})" for user, name in chosen.items()
        }

    def name(self, user: str) -> str:
        return self.names.get(user) or _localpart(user)

    def me(self, exported_by: str) -> str:
        """The exporting user's name as their messages carry it (``exported_by`` may be their id,
        their display name now, or one they had before)."""
        if exported_by in self.names:
            return self.names[exported_by]
        if exported_by in self.names.values():
            return exported_by
        had_it = [user for user, names in self.all_names.items() if exported_by in names]
        return self.names[had_it[0]] if len(had_it) == 1 else exported_by

    # messages ------------------------------------------------------------------------------

    def _time(self, event: JsonObject, at: str) -> tuple[int, datetime]:
        """The event's instant (milliseconds since 1970, UTC) and that instant in local time."""
        value = event.get("origin_server_ts")
        if isinstance(value, int) and not isinstance(value, bool):
            moment = local_time(value)
            if moment is not None:
                return value, moment
        if "origin_server_ts" not in event:
            self.doc.fail(child(at, "origin_server_ts"), "a time in milliseconds since 1970")
        self.doc.fail(child(at, "origin_server_ts"), "a time in milliseconds since 1970", value)

    def _message(
        self, event: JsonObject, at: str, kind_of_event: str, content: JsonObject, sender: str,
        when: tuple[int, datetime],
    ) -> _Draft | None:
        """The message an event is; None for a device verification request (a notice)."""
        event_id = self.doc.optional_str(event, "event_id", at)
        if _redacted(event):
            return _Draft(*when, sender, "", MessageKind.DELETED, event_id)
        where = child(at, "content")
        msgtype = self.doc.optional_str(content, "msgtype", where)
        if msgtype == VERIFICATION_REQUEST:
            return None
        body = self.doc.optional_str(content, "body", where)
        if kind_of_event == "m.room.encrypted" or msgtype == BAD_ENCRYPTED:
            kind, text = MessageKind.MEDIA, UNDECRYPTABLE
        elif kind_of_event in POLL_START_TYPES:
            kind, text = MessageKind.MEDIA, _poll_question(content) or body or MEDIA_PLACEHOLDERS["m.poll.start"]
        elif kind_of_event == "m.sticker":
            kind, text = MessageKind.MEDIA, body or MEDIA_PLACEHOLDERS["m.sticker"]
        elif msgtype in MEDIA_PLACEHOLDERS:
            filename = self.doc.optional_str(content, "filename", where)
            kind, text = MessageKind.MEDIA, body or filename or MEDIA_PLACEHOLDERS[msgtype]
        elif body is not None and (msgtype in TEXT_MSGTYPES or body):
            kind, text = MessageKind.TEXT, body
        else:
            kind, text = MessageKind.MEDIA, UNSUPPORTED
        draft = _Draft(*when, sender, text, kind, event_id)
        draft.replies_to = self._quoted(content, where)
        if draft.replies_to is not None and kind is MessageKind.TEXT:
            draft.text = strip_reply_fallback(draft.text)
        self._bundled_edit(event, at, draft)
        return draft

    def _quoted(self, content: JsonObject, where: str) -> str | None:
        """The event a message answers: its reply, else its thread's first message."""
        relation = _relation(self.doc, content, where)
        if not relation:
            return None
        rel_at = child(where, "m.relates_to")
        in_reply_to = relation.get("m.in_reply_to")
        in_thread = relation.get("rel_type") == "m.thread"
        thread_root = self.doc.optional_str(relation, "event_id", rel_at) if in_thread else None
        if isinstance(in_reply_to, dict) and relation.get("is_falling_back") is not True:
            quoted = self.doc.optional_str(in_reply_to, "event_id", child(rel_at, "m.in_reply_to"))
            if quoted:
                return quoted
        elif in_reply_to is not None and not isinstance(in_reply_to, dict):
            self.doc.fail(child(rel_at, "m.in_reply_to"), "an object with the quoted 'event_id'", in_reply_to)
        return thread_root

    def _bundled_edit(self, event: JsonObject, at: str, draft: _Draft) -> None:
        """The newest edit the server bundled with the message, if any, unless someone else made it."""
        unsigned = event.get("unsigned")
        relations = unsigned.get("m.relations") if isinstance(unsigned, dict) else None
        bundled = relations.get("m.replace") if isinstance(relations, dict) else None
        if not isinstance(bundled, dict):
            return
        if "sender" in bundled and bundled["sender"] != draft.sender:
            return  # clients must ignore an edit by anyone but the original sender
        draft.edited = True
        content = bundled.get("content")
        new = content.get("m.new_content") if isinstance(content, dict) else None
        body = new.get("body") if isinstance(new, dict) else None
        if isinstance(body, str) and draft.kind is MessageKind.TEXT:
            draft.text = strip_reply_fallback(body) if draft.replies_to else body
        ms = bundled.get("origin_server_ts")
        if isinstance(ms, int) and not isinstance(ms, bool):
            draft.edit_ms = ms

    # edits, reactions, redactions ------------------------------------------------------------

    def _apply(
        self, at: str, event: JsonObject, kind_of_event: str, when: tuple[int, datetime], by_id: dict[str, _Draft]
    ) -> None:
        ms, ts = when
        content = self.doc.field_obj(event, "content", at)
        where = child(at, "content")
        sender = self.doc.field_str(event, "sender", at)
        if kind_of_event == "m.room.redaction":
            target_id = self.doc.optional_str(event, "redacts", at) or self.doc.optional_str(content, "redacts", where)
            _redact(by_id, target_id)
            return
        if _redacted(event):
            return  # a reaction taken back
        relation = _relation(self.doc, content, where)
        rel_at = child(where, "m.relates_to")
        target = by_id.get(self.doc.optional_str(relation, "event_id", rel_at) or "")
        if kind_of_event == "m.reaction":
            key = self.doc.optional_str(relation, "key", rel_at)
            if target is not None and key and relation.get("rel_type") == "m.annotation":
                target.reactions.append((sender, key, ts, self.doc.optional_str(event, "event_id", at)))
            return
        if target is None or target.kind is MessageKind.DELETED:
            return  # an edit of a message before the export began, or since deleted
        if sender != target.sender:
            return  # clients must ignore an edit by anyone but the original sender
        new = content.get("m.new_content")
        if new is not None and not isinstance(new, dict):
            self.doc.fail(child(where, "m.new_content"), "an object with the new 'body'", new)
        body = self.doc.optional_str(new, "body", child(where, "m.new_content")) if new else None
        target.edited = True
        if body is not None and target.kind is MessageKind.TEXT and (target.edit_ms is None or ms >= target.edit_ms):
            target.text = strip_reply_fallback(body) if target.replies_to else body
            target.edit_ms = ms

    def _numbered(self, drafts: list[_Draft], by_id: dict[str, _Draft]) -> list[Message]:
        """Messages oldest first by their instant (a stable sort: the file's order among equal
        instants); a reply points back, never at itself or at a later message."""
        ordered = sorted(drafts, key=lambda d: d.ms)
        index_of = {id(d): i for i, d in enumerate(ordered)}
        messages = []
        for i, draft in enumerate(ordered):
            quoted = by_id.get(draft.replies_to) if draft.replies_to else None
            deleted = draft.kind is MessageKind.DELETED
            answers = index_of[id(quoted)] if quoted is not None and not deleted else None
            messages.append(Message(
                index=i,
                ts=draft.ts,
                author=self.name(draft.sender),
                text=draft.text,
                kind=draft.kind,
                reply_to=answers if answers is not None and answers < i else None,
                edited=draft.edited and not deleted,
                reactions=() if deleted else tuple(
                    Reaction(self.name(who), emoji, when) for who, emoji, when, _ in draft.reactions
                ),
            ))
        return messages

    # notices -------------------------------------------------------------------------------

    def _state_notice(self, event: JsonObject, at: str, kind_of_event: str, content: JsonObject) -> str:
        """A line for a state event, as Element words it: ``Sam changed the topic to ...``."""
        who = self.name(self.doc.field_str(event, "sender", at))
        if kind_of_event == "m.room.member":
            return self._member_notice(event, at, self.doc.field_str(event, "state_key", at), content)
        return f"{who} {self._room_change(event, at, kind_of_event, content)}"

    def _room_change(self, event: JsonObject, at: str, kind_of_event: str, content: JsonObject) -> str:
        if _redacted(event) and not content:
            return f"changed the room ({kind_of_event}, since removed)"
        where = child(at, "content")
        if kind_of_event == "m.room.name":
            name = self.doc.optional_str(content, "name", where)
            return f"changed the room name to {name}" if name else "removed the room name"
        if kind_of_event == "m.room.topic":
            topic = self.doc.optional_str(content, "topic", where)
            return f"changed the topic to {topic}" if topic else "removed the topic"
        return _STATE_NOTICES.get(kind_of_event, f"changed the room ({kind_of_event})")

    def _member_notice(self, event: JsonObject, at: str, target: str, content: JsonObject) -> str:
        """What a membership event says (``Sam joined the room``, ``Sam invited Lee``)."""
        who = self.name(self.doc.field_str(event, "sender", at))
        if _redacted(event) and not content:
            return f"{who} changed a membership (removed)"
        where = child(at, "content")
        membership = self.doc.optional_str(content, "membership", where)
        unsigned = event.get("unsigned")
        previous = event.get("prev_content")
        if previous is None and isinstance(unsigned, dict):
            previous = unsigned.get("prev_content")
        before = previous if isinstance(previous, dict) else {}
        was = before.get("membership")
        other = self.name(target)
        reason = self.doc.optional_str(content, "reason", where)
        because = f": {reason}" if reason else ""
        if membership == "join" and was == "join":
            old, new = before.get("displayname"), content.get("displayname")
            if old != new:
                earlier = old if isinstance(old, str) and old else other
                if not new:
                    return f"{earlier} removed their display name"
                return f"{earlier} changed their display name to {new}"
            return f"{other} changed their profile picture"
        if membership == "join":
            return f"{other} joined the room"
        if membership == "invite":
            return f"{who} invited {other}"
        if membership == "ban":
            return f"{who} banned {other}{because}"
        if membership == "knock":
            return f"{other} asked to join the room"
        if membership == "leave":
            if self.doc.field_str(event, "sender", at) != target:
                return f"{who} unbanned {other}" if was == "ban" else f"{who} removed {other}{because}"
            return f"{other} rejected the invitation" if was == "invite" else f"{other} left the room"
        return f"{other} changed their membership ({membership})"


def strip_reply_fallback(body: str) -> str:
    """The words of a reply without the quote older clients put first: lines starting with ``>``
    (the first one ``> <@sam:matrix.org> ...``), then one blank line."""
    if not body.startswith("> <"):
        return body
    lines = body.split("\n")
    quoted = 0
    while quoted < len(lines) and lines[quoted].startswith(">"):
        quoted += 1
    if quoted < len(lines) and lines[quoted] == "":
        return "\n".join(lines[quoted + 1:])
    return body


def _relation(doc: JsonDoc, content: JsonObject, where: str) -> JsonObject:
    """``m.relates_to`` of a content, or an empty object."""
    relation = content.get("m.relates_to")
    if relation is None:
        return {}
    return doc.obj(relation, child(where, "m.relates_to"))


def _redacted(event: JsonObject) -> bool:
    unsigned = event.get("unsigned")
    return isinstance(unsigned, dict) and unsigned.get("redacted_because") is not None


def _redact(by_id: dict[str, _Draft], target_id: str | None) -> None:
    """A redaction found in the file: the message it names is deleted, or the reaction removed."""
    if not target_id:
        return
    target = by_id.get(target_id)
    if target is not None:
        target.kind, target.text, target.edited, target.replies_to = MessageKind.DELETED, "", False, None
        target.reactions.clear()
        return
    for draft in by_id.values():
        draft.reactions[:] = [r for r in draft.reactions if r[3] != target_id]


def _poll_question(content: JsonObject) -> str | None:
    """A poll's question (``m.poll.start`` or its unstable prefix), where it is where we expect it."""
    for key in ("m.poll.start", "org.matrix.msc3381.poll.start", "m.poll"):
        poll = content.get(key)
        question = poll.get("question") if isinstance(poll, dict) else None
        if isinstance(question, dict):
            for text_key in ("body", "m.text", "org.matrix.msc1767.text"):
                text = question.get(text_key)
                if isinstance(text, str) and text:
                    return text
    text = content.get("org.matrix.msc1767.text")
    return text if isinstance(text, str) and text else None


def _other_notice(kind_of_event: str, content: JsonObject) -> str:
    """A line for a non-state event that is no message (calls, poll ends, widgets, ...)."""
    if kind_of_event == "m.call.invite":
        offer = content.get("offer")
        sdp = offer.get("sdp") if isinstance(offer, dict) else None
        return "placed a video call" if isinstance(sdp, str) and "m=video" in sdp else "placed a voice call"
    if kind_of_event in {"m.poll.end", "org.matrix.msc3381.poll.end"}:
        return "ended a poll"
    return kind_of_event


def _localpart(user: str) -> str:
    """``@sam:matrix.org`` -> ``sam``; anything else as it is."""
    if user.startswith("@") and ":" in user[2:]:
        return user[1:].split(":", 1)[0]
    return user


register(ElementImporter())
