"""ConvoKit corpora: the shape in which Cornell's ConvoKit publishes and saves conversational datasets
(Chang et al. 2020): the Cornell Movie-Dialogs, Reddit, Wikipedia talk pages, Conversations Gone
Awry, Supreme Court arguments, Switchboard, Friends and many more, and any corpus a researcher dumps
with ``Corpus.dump``.

A corpus is a folder (or the zip it is downloaded as) holding ``utterances.jsonl`` beside
``speakers.json``, ``conversations.json``, ``corpus.json`` and ``index.json``. Each line of
``utterances.jsonl`` is one utterance::

    {"id": "200", "speaker": "mr. srinivasan", "conversation_id": "145", "reply_to": "199",
     "timestamp": null, "text": "It -- it does.", "meta": {...}}

``conversation_id`` is the id of the conversation's first utterance and ``reply_to`` the id of the
utterance it answers (null for that first one); ConvoKit's own ``Corpus.dump`` spells it
``reply-to``, and an utterance without a conversation belongs to the one of the utterance it
answers, as ConvoKit loads it. Corpora saved before ConvoKit 2.0 name the speaker ``user`` and the
conversation ``root``, and some keep the utterances as one JSON list (``utterances.json``); all of
these are read. ``timestamp`` is a Unix time (Reddit, Wikipedia), an ISO date-time, or null where
the corpus has no times (the movie dialogs, Switchboard).

Each conversation becomes one chat, titled by ``conversations.json``'s title (a Reddit post's, a
film's name) or else its id (its ``chat_id`` either way). Speakers are named by the name
``speakers.json`` gives them (a film's characters: ``u0`` is ``BIANCA``) unless two speakers of one
conversation would share it, else by their ids. A conversation whose utterances all carry times is
put in time order; one without times (any of them null) is read in reply order, each utterance after
the one it answers (the movie corpus lists a conversation's lines last first), and placed a minute a
line from ``model.NO_TIMES_START`` like the other corpora (`analysis.context.has_times`). Either way
``reply_to`` becomes the message's ``reply_to``, which the analysis follows in groups. Reddit's
``[deleted]`` and ``[removed]`` are deleted messages; an utterance without words (a link post) is
left out. A line that is not an utterance is an `ImportFormatError` naming its line and field.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from turntoward.errors import ImportFormatError, UnknownFormatError
from turntoward.ingest._json_doc import describe, json_lines, load_json
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.ingest._table_times import iso_or_epoch
from turntoward.model import Conversation, Message, MessageKind, Relationship, untimed_ts

FILES = ("utterances.jsonl", "utterances.json")
SPEAKERS, SPEAKERS_BEFORE_2 = "speakers.json", "users.json"
CONVERSATIONS = "conversations.json"
NAME_KEYS = ("name", "character_name", "display_name", "speaker_name", "username")
"""Where `speakers.json` gives a speaker's name ("character_name": the movie corpus)."""
TITLE_KEYS = ("title", "name", "movie_name")
"""Where `conversations.json` gives a conversation's title ("title": Reddit; "movie_name": the movies)."""
DELETED = frozenset({"[deleted]", "[removed]"})
"""What Reddit leaves of a comment its writer deleted or a moderator removed."""
_UTTERANCE_KEYS = (b'"text"', b'"timestamp"')
_EXPECTED = "a ConvoKit utterance: an object with id, speaker, conversation_id, reply_to, timestamp and text"
"""What every line of ``utterances.jsonl`` is (``conversation_id`` may be left out, `_conversations`)."""


@dataclass(slots=True)
class _Utterance:
    id: str
    speaker: str
    conversation: str | None
    """None where the corpus leaves it out: ConvoKit then takes the conversation of the utterance answered."""
    reply_to: str | None
    ts: datetime | None
    text: str
    order: int
    """Its place in the file, which settles ties in time and orders replies to one utterance."""


class ConvoKitImporter:
    """Reads a ConvoKit corpus's ``utterances.jsonl`` (or ``utterances.json``) with the files beside it."""

    name = "convokit"
    description = ("ConvoKit corpus (utterances.jsonl beside speakers.json and conversations.json): movie "
                   "dialogs, Reddit, Wikipedia talk and other research conversations")

    def sniff(self, source: Source, head: bytes) -> float:
        start = head.removeprefix(b"\xef\xbb\xbf").lstrip()
        first = start.split(b"\n", 1)[0]
        keys_there = all(key in first for key in _UTTERANCE_KEYS) and (
            b'"speaker"' in first or b'"user"' in first) and (b'"reply-to"' in first or b'"reply_to"' in first)
        if source.filename.lower() in FILES and start[:1] in (b"{", b"["):
            return 0.95
        if start[:1] == b"{" and keys_there and source.filename.lower().endswith((".jsonl", ".ndjson", ".json")):
            return 0.9
        return 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        utterances = _read(source)
        if not utterances:
            raise UnknownFormatError(source.name, _EXPECTED, found="no utterances")
        names = _speaker_names(source)
        titles = _titles(source)
        by_conversation: dict[str, list[_Utterance]] = {}
        for u, key in zip(utterances, _conversations(utterances), strict=True):
            by_conversation.setdefault(key, []).append(u)
        for key, said in by_conversation.items():
            messages = _messages(said, names)
            if messages:
                yield Conversation(source=source.name, source_format=self.name, title=titles.get(key, key),
                                   messages=messages, chat_id=key, me=options.me, relationship=Relationship.OTHER)


def _read(source: Source) -> list[_Utterance]:
    """Every utterance of the file, in its order: one JSON object a line, or one JSON list of them."""
    if source.head(64).removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"[":
        values = load_json(source)
        if not isinstance(values, list):
            raise ImportFormatError(source.name, "a JSON list of ConvoKit utterances", json_path="$")
        return [_utterance(source, None, k, value) for k, value in enumerate(values)]
    out: list[_Utterance] = []
    for number, value in json_lines(source, "one ConvoKit utterance (a JSON object) a line"):
        out.append(_utterance(source, number, len(out), value))
    return out


def _utterance(source: Source, line: int | None, order: int, value: object) -> _Utterance:
    where = "$" if line is not None else f"[{order}]"

    # The first utterance decides whether the file is a corpus at all: a file of another shape that
    # happens to be called utterances.jsonl is passed over in a folder, not an error that stops it.
    error = UnknownFormatError if order == 0 else ImportFormatError

    def fail(key: str, expected: str, found: object) -> NoReturn:
        path = key if line is not None else f"{where}.{key}"
        raise error(source.name, expected, line=line, json_path=path, found=describe(found))

    if not isinstance(value, dict):
        raise error(source.name, _EXPECTED, line=line, json_path=where, found=describe(value))
    uid = _id(value.get("id"))
    if uid is None:
        fail("id", "the utterance's id (a string or number)", value.get("id", "nothing"))
    speaker_key = "speaker" if "speaker" in value else "user"
    speaker = _id(value.get(speaker_key))
    if speaker is None:
        fail(speaker_key, "who said it (a speaker id)", value.get(speaker_key, "nothing"))
    conversation = _id(value.get("conversation_id", value.get("root")))
    reply_to = _id(value.get("reply-to", value.get("reply_to")))
    text = value.get("text")
    if text is None:
        text = ""
    if not isinstance(text, str):
        fail("text", "the words said (a string)", text)
    stamp = value.get("timestamp")
    ts = iso_or_epoch(stamp)
    if ts is None and stamp is not None and stamp != "":
        fail("timestamp", "a Unix time, an ISO date-time or null", stamp)
    return _Utterance(uid, speaker, conversation, reply_to, ts, text, order)


def _conversations(utterances: list[_Utterance]) -> list[str]:
    """The conversation of each utterance: its own, else (as ConvoKit loads a corpus that leaves it out)
    the one of the utterance it answers, up the replies to the first, whose id it is where none says."""
    by_id = {u.id: u for u in utterances}
    out = []
    for u in utterances:
        seen: set[str] = set()
        first = u
        while first.conversation is None and first.reply_to is not None and first.id not in seen:
            seen.add(first.id)
            answered = by_id.get(first.reply_to)
            if answered is None:
                break
            first = answered
        out.append(first.conversation if first.conversation is not None else first.id)
    return out


def _id(value: object) -> str | None:
    """An id as ConvoKit writes one: a string, or a number in some corpora; None for null or nothing."""
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() else str(value)
    return None


def _messages(said: list[_Utterance], names: dict[str, str]) -> list[Message]:
    """One conversation's messages: in time order where every utterance has a time, else in reply order."""
    timed = all(u.ts is not None for u in said)
    ordered = sorted(said, key=lambda u: (u.ts, u.order)) if timed else _reply_order(said)
    kept = [u for u in ordered if u.text.strip()]
    shown = _names(kept, names)
    place: dict[str, int] = {}
    messages = []
    for i, u in enumerate(kept):
        words = u.text.strip()
        kind = MessageKind.DELETED if words in DELETED else MessageKind.TEXT
        parent = place.get(u.reply_to) if u.reply_to is not None else None
        ts = u.ts if timed and u.ts is not None else untimed_ts(i)
        messages.append(Message(i, ts, shown[u.speaker], words, kind, reply_to=parent))
        place[u.id] = i
    return messages


def _reply_order(said: list[_Utterance]) -> list[_Utterance]:
    """The utterances of a conversation without times, each after the one it answers: the threads read
    depth first, replies to one utterance in file order; one answering none of these starts a thread."""
    ids = {u.id for u in said}
    replies: dict[str, list[_Utterance]] = {}
    roots = []
    for u in said:
        if u.reply_to is None or u.reply_to not in ids or u.reply_to == u.id:
            roots.append(u)
        else:
            replies.setdefault(u.reply_to, []).append(u)
    out: list[_Utterance] = []
    seen: set[str] = set()
    for root in roots:
        stack = [root]
        while stack:
            u = stack.pop()
            if u.id in seen:
                continue
            seen.add(u.id)
            out.append(u)
            stack.extend(reversed(replies.get(u.id, [])))
    # Utterances in a loop of replies (no thread reaches them) keep their place in the file.
    out.extend(u for u in said if u.id not in seen)
    return out


def _names(said: list[_Utterance], names: dict[str, str]) -> dict[str, str]:
    """The name each speaker of one conversation is shown by: the corpus's name for them where no two
    of them share it, else their ids."""
    speakers = list(dict.fromkeys(u.speaker for u in said))
    given = {s: names.get(s, s) for s in speakers}
    if len(set(given.values())) < len(speakers):
        return {s: s for s in speakers}
    return given


def _meta_of(value: object) -> dict[str, object]:
    """The metadata of an entry of `speakers.json` or `conversations.json`: the entry itself, or its
    ``meta`` where it is saved with its vectors (``{"meta": {...}, "vectors": []}``)."""
    if not isinstance(value, dict):
        return {}
    inner = value.get("meta")
    return inner if isinstance(inner, dict) and set(value) <= {"meta", "vectors"} else value


def _beside(source: Source, *filenames: str) -> dict[str, dict[str, object]]:
    """The entries of the first of `filenames` beside `source`, by id ({} if there is none)."""
    for filename in filenames:
        found = source.sibling(filename)
        if found is None:
            continue
        doc = load_json(found)
        if not isinstance(doc, dict):
            raise ImportFormatError(found.name, "a JSON object of entries by id", json_path="$", found=describe(doc))
        return {str(key): _meta_of(value) for key, value in doc.items()}
    return {}


def _named(entries: dict[str, dict[str, object]], keys: tuple[str, ...]) -> dict[str, str]:
    """Each entry's first non-blank text among `keys` (a speaker's name, a conversation's title), by id."""
    out = {}
    for key, meta in entries.items():
        text = next((v.strip() for k in keys if isinstance(v := meta.get(k), str) and v.strip()), None)
        if text:
            out[key] = text
    return out


def _speaker_names(source: Source) -> dict[str, str]:
    return _named(_beside(source, SPEAKERS, SPEAKERS_BEFORE_2), NAME_KEYS)


def _titles(source: Source) -> dict[str, str]:
    return _named(_beside(source, CONVERSATIONS), TITLE_KEYS)


register(ConvoKitImporter())
