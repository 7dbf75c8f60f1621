"""Generic tables: CSV, TSV, JSON Lines and Parquet files with one message per row, and JSON
arrays of message objects.

For exports no dedicated importer reads, and for research corpora. Columns are found by
name: ``ImportOptions.column_map`` maps our fields to the table's columns, e.g.
``{"ts": "date", "author": "sender", "text": "body"}``; unmapped fields are guessed from
common names (`GUESSES`, case-insensitive). The fields:

* ``ts`` (required): ISO 8601 (``2024-03-12T21:04:05``, with or without a UTC offset),
  ``YYYY-MM-DD HH:MM[:SS]``, a Unix time in seconds or milliseconds (told apart by magnitude),
  and the other shapes real tables write (``21/12/20 21:32``, ``1/9/25 3:31 AM``,
  ``05-Apr-20 02:22 PM``, ``Apr 21, 2012 4:10 PM``, ``2023-04-22 08:18:59 UTC``; see
  `_table_times`: numeric dates' day/month order is decided over the whole column, or by the
  ``date_order`` option); times with an offset are converted to naive local time. A table without
  times (a research corpus of dialogues) is read with the map ``ts=none``: each conversation's rows
  are then placed a minute apart from ``model.NO_TIMES_START`` (2000-01-01 10:00), in file order;
  the analysis reads such a chat from its words and turns (`analysis.context.has_times`), and its
  reply times and weekly trends mean nothing. A table the user names itself, with columns for the
  author and the words and none for times, is read so without the map, unless another column
  holds times under a name not guessed (an error then names it); found in a folder, it is skipped.
  A named table whose column of times holds none at all (ConvoKit's tables of a corpus without
  times: ``timestamp`` empty on every row), or whose column of "times" holds places in a video
  (MELD's ``StartTime``, ``00:16:16,059``), is read without times too; one empty cell among times is
  an error naming its row;
* ``time``: the clock time, where ``ts`` holds only the date (``Date`` and ``Time`` columns);
* ``author`` (required; an empty cell is "(no name)", or the user where ``from_me`` says so) and ``text``
  (``_comma_``, EmpatheticDialogues' way of writing a comma in its words, is read as one, and the
  control characters U+0080-U+009F a Windows-1252 text read as Latin-1 holds as the characters meant);
* ``from_me``: which rows the exporting user sent (``Outgoing``/``Incoming``, ``true``/``false``,
  ``1``/``0``): iMessage tables from iMazing leave the sender of the user's own rows empty, and a
  phone's table of texts names the contact on every row: there the sent rows are the user's;
* ``conversation``: splits the rows into several conversations, titled by its value (one
  conversation titled after the file otherwise);
* ``kind``: ``text``, ``media``, ``deleted`` or ``system`` (system rows become `SystemEvent`s);
* ``attachments``: a row whose cell here is not empty (DiscordChatExporter's ``Attachments``, a
  link per file) is media, its words those of the ``text`` cell, else ``<attachment>``, unless a
  ``kind`` column says what it is. Without a ``kind`` column, WhatsApp's placeholders and notices
  (``<Media omitted>``, ``This message was deleted``, the encryption notice; every language the
  WhatsApp importer knows) are media, deleted messages and notices here too, as WhatsApp-to-CSV
  converters keep them;
* ``reply_to``: the ``id`` of the replied-to row when an ``id`` column exists (Reddit's ``parent_id``,
  ``t1_k2x9p``, is the id with its type before it), else the 0-based index of the replied-to message
  in its conversation (as ``turntoward analyze --jsonl`` writes it); a reply to a message outside
  the file points nowhere. Reddit's ``[deleted]`` and ``[removed]`` are deleted messages.

A research corpus of one dialogue a row, its turns in a list (``dialog``, ``dialogue``, ``turns``,
``utterances`` or ``conversations``, as the Hugging Face copy of DailyDialog writes them in Parquet
and JSON Lines) and no column of authors, is read one chat a row: the two speakers taking turns as
``A`` and ``B`` (or named by a list beside the turns, SODA's ``speakers``, or by each turn where the
turns are objects, ESConv's and ShareGPT's, or where the turns are kept as lists of their fields,
MultiWOZ 2.2's on Hugging Face), titled by an id column where there is one
(`_dialogue_rows`), a minute a turn, the words put back as written where most turns are tokenised
(``Say , Jim`` -> ``Say, Jim``). Where the dialogue is one cell of lines that name their speakers
(SAMSum's ``dialogue``, ``Amanda: I baked cookies.\r\nJerry: Sure!``; DialogSum's ``#Person1#: Hi``;
DREAM's lists of ``W: ...`` lines), each line is a turn of the speaker it names (`_transcript_rows`).
MultiWOZ's ``data.json`` holds dialogues by name, each a log of turns of the user and the system
taking turns (`_logs`).

Customer Support on Twitter's ``twcs.csv`` has no column of conversations: each thread of replies
(``in_response_to_tweet_id``) is one, titled by its first tweet's id (`_threads`). The Switchboard
Dialog Act Corpus's words lose its transcribers' marks (`_without_switchboard_marks`).

A CSV's fields are separated by commas, or by semicolons where its header has more of those
(spreadsheets in locales with decimal commas, DiscordChatExporter's CSV before 2020).

Column names are compared without regard to case, spaces, ``-`` and ``_``, camel case read as words
(``Message Date``, ``reply-to``, ``display_name`` and ``dialogueID`` are found); author names are
stripped of spaces around them.

Rows keep file order unless the file is not in chronological order; then each conversation
is sorted by time, keeping file order among equal times.

A table that is not one of messages (no timestamp or author column, or a timestamp column
holding no timestamps at all) raises `UnknownFormatError`, so importing a folder skips it;
a table of messages with a bad row raises `ImportFormatError` and stops the import. Found in a
folder or zip, a file that cannot be read as a table at all (not UTF-8, empty, ragged rows, no
rows) is skipped the same way; named by the user, each of these is an error saying why.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise, repeat, zip_longest
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, NamedTuple

from turntoward.errors import ImportFormatError, UnknownFormatError
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source, decode_text
from turntoward.ingest._table_times import HAS_CLOCK, read_times
from turntoward.ingest._whatsapp_dates import time_table
from turntoward.ingest._whatsapp_markers import load_markers
from turntoward.ingest.convokit import DELETED as REDDIT_DELETED
from turntoward.ingest.dailydialog import SPEAKERS, detokenise
from turntoward.ingest.empathetic_dialogues import COMMA as CORPUS_COMMA
from turntoward.model import Conversation, Message, MessageKind, SystemEvent, untimed_ts

if TYPE_CHECKING:  # polars is imported when a table is read: most imports never read one
    import polars as pl

FIELDS = ("ts", "author", "text", "conversation", "kind", "reply_to", "id", "time", "from_me", "attachments")
REQUIRED = ("ts", "author")
# Column names tried in order when the user maps none, compared as `_key` writes them (case,
# spaces, "-" and "_" aside). Each was seen in a real table: DiscordChatExporter, iMazing,
# LinkedIn's export, ConvoKit corpora, Slack dumps, WhatsApp-to-CSV converters, Twitch logs, the
# Switchboard Dialog Act Corpus's CSV (``caller``, ``conversation_no``).
GUESSES: dict[str, tuple[str, ...]] = {
    "ts": ("timestamp", "datetime", "ts", "date", "time", "sent_at", "created_at", "timestamp_ms", "message_date",
           "date_sent", "sent_date", "date_time", "sent", "created", "start_time", "tmi_sent_ts", "created_utc"),
    "author": ("author", "sender", "from", "user", "name", "sender_name", "speaker", "display_name", "username",
               "user_name", "from_name", "author_name", "user_first_name", "speaker_id", "speaker_idx", "caller",
               "author_id"),
    "text": ("text", "message", "body", "content", "utterance", "msg", "message_text", "message_body"),
    "conversation": ("conversation", "conversation_id", "conv_id", "chat", "chat_id", "thread", "dialog_id",
                     "dialogue_id",
                     "chat_session", "chat_name", "chat_title", "channel", "channel_name", "channel_id", "room",
                     "room_id", "session", "session_id", "group_id", "discussion_id", "link_id", "conversation_no"),
    "kind": ("kind",),
    "reply_to": ("reply_to", "in_reply_to", "reply_to_id", "reply_to_message_id", "reply_parent_msg_id", "parent_id",
                 "in_response_to_tweet_id", "in_reply_to_status_id"),
    "id": ("id", "message_id", "msg_id", "tweet_id"),
    "time": ("time", "hour", "time_of_day"),
    "from_me": ("from_me", "is_from_me", "is_outgoing", "outgoing", "direction", "type"),
    "attachments": ("attachments", "attachment", "attachment_url", "attachment_urls", "media_url"),
}
_LEFT_OR_JOINED = re.compile(r".{1,80} (?:left|joined) the (?:conversation|group|chat)\.?")
_DATE_LIKE = re.compile(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}")  # a column name that is a date: no header row
ATTACHMENT = "<attachment>"
"""The words of a row with an attachment and no words of its own."""
ME = "Me"
"""The user's name, where the table leaves their rows' author empty and the user gave none (``--me``)."""
AUTHOR_MARKS = " \t\n\u00a0\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""What is stripped around an author: spaces, and the direction marks WhatsApp puts around phone numbers
and right-to-left names, which converters of its exports to tables keep (``\u202a+52 1 444 …\u202c``)."""
NO_NAME = "(no name)"
"""The author of a row whose author cell is empty (a deleted account, a row the tool left blank)."""
_MINE = frozenset({"outgoing", "out", "sent", "true", "yes", "1", "me"})
_THEIRS = frozenset({"incoming", "in", "received", "false", "no", "0", ""})
EXTENSIONS = {".csv": ",", ".tsv": "\t", ".jsonl": None, ".ndjson": None, ".parquet": None, ".json": None}
# of objects, or of dialogues of them, or DREAM's dialogues (each its lines, its questions, its id)
_JSON_ARRAY_OF_OBJECTS = re.compile(rb"\s*\[\s*(?:\[\s*)?\{|\s*\[\s*\[\s*\[\s*\"")
_EPISODES = re.compile(rb'\s*\{\s*"(?:season_id|episodes)"')  # the Character Mining corpus's TV seasons
_LOGS = re.compile(rb'\s*\{\s*"[^"]{1,80}"\s*:\s*\{\s*"(?:goal|log)"')  # MultiWOZ: dialogues by name, each a log
# Real formats are recognised by their content; a table is only a guess from its extension.
SNIFF_CONFIDENCE = 0.3
PARQUET_MAGIC = b"PAR1"
TIMESTAMP_EXAMPLE = "a timestamp like 2024-03-12 21:04"
NO_TIMES = "none"
"""The column map's ``ts=none``: a table without times (see the module's docstring)."""
_KINDS = {"": MessageKind.TEXT} | {kind.value: kind for kind in MessageKind}


class _BadRow(Exception):
    """A value that does not fit its column; becomes an ImportFormatError with the row's line."""

    def __init__(self, row: int, column: str, expected: str, found: object) -> None:
        self.row, self.column, self.expected, self.found = row, column, expected, found


def parse_timestamp(value: object) -> datetime | None:
    """Naive local time of one table cell (any shape `read_times` reads), or None when it holds none."""
    return read_times([value])[0]


class _Entry(NamedTuple):
    """One row, read and checked, before it becomes a message or a system event."""

    row: int
    ts: datetime
    author: str
    text: str
    kind: MessageKind
    reply_to: str
    key: str | None


@dataclass
class _Rows:
    """Rows of one conversation in file order."""

    title: str
    chat_id: str | None
    entries: list[_Entry] = field(default_factory=list)
    me: str | None = None
    """The name given to the user's own rows where the table left their author empty."""


class TableImporter:
    """Reads CSV, TSV, JSON Lines and Parquet tables of messages, and JSON arrays of them."""

    name = "tabular"
    description = "CSV / TSV / JSON Lines / Parquet table with one message per row, or a JSON array of messages"

    def sniff(self, source: Source, head: bytes) -> float:
        ext = _extension(source)
        if ext == ".json":
            # An array of message objects (or of dialogues), or JSON Lines saved as .json as Hugging
            # Face's datasets save them, in a file the user named: an export's own JSON files (Slack's
            # users.json and day files, Instagram's messages.json) are arrays of objects too, and belong
            # to their importers when a folder or zip is read.
            head = head.removeprefix(b"\xef\xbb\xbf")
            table = (_JSON_ARRAY_OF_OBJECTS.match(head) or _EPISODES.match(head) or _LOGS.match(head)
                     or _json_lines_head(head))
            return SNIFF_CONFIDENCE if table and source.named else 0.0
        return SNIFF_CONFIDENCE if ext in EXTENSIONS else 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        try:
            data, frame, columns = _table(source, options)
        except UnknownFormatError:
            raise
        except ImportFormatError as exc:
            if source.named:
                raise
            # Found in a folder or zip, a file is taken for a table only by its name: one that cannot
            # be read as a table of messages at all (another encoding, an empty file, rows of another
            # shape: a spreadsheet of expenses, a library's sample data) is another file beside the
            # chats, passed over and reported (`read_paths`), not an error that stops the import.
            raise UnknownFormatError(exc.source, exc.expected, line=exc.line, json_path=exc.json_path,
                                     found=exc.found, found_quoted=exc.found_quoted) from None
        try:
            yield from _conversations(source, frame, columns, options)
        except _BadRow as bad:
            line, path = _location(source, data, bad.row)
            # A first row without a timestamp, in a column that holds none anywhere, is a table
            # of something else (an expense sheet's "Date" of "March"), not a chat with a bad row.
            wrong_table = bad.column == columns.get("ts") and bad.row == 0 and not any(
                read_times(frame.get_column(bad.column).to_list()))
            raise (UnknownFormatError if wrong_table else ImportFormatError)(
                source.name, bad.expected, line=line,
                json_path=(f"{path}, " if path else "") + f"column {bad.column!r}",
                found=str(bad.found),
            ) from None


def _table(source: Source, options: ImportOptions) -> tuple[bytes, pl.DataFrame, dict[str, str]]:
    """The file's bytes (as UTF-8), its table, and which of its columns hold which field."""
    data = source.read_bytes()
    if _extension(source) != ".parquet":  # polars would replace bytes that are not UTF-8 silently
        data = decode_text(source.name, data, "UTF-8 text (or UTF-16 with a byte-order mark)").encode("utf-8")
    frame = _read(source, data)
    dialogues = _dialogue_rows(frame)
    if dialogues is not None and not options.column_map:
        return data, dialogues, {name: name for name in ("conversation", "author", "text", "kind")
                                 if name in dialogues.columns}
    if not options.column_map:
        frame = _persuasion_for_good(frame)
    columns = _columns(source, frame, options.column_map)
    frame = _threads(frame, columns)
    if "conversation" not in columns and THREAD_COLUMN in frame.columns:
        columns["conversation"] = THREAD_COLUMN
    return data, _without_switchboard_marks(frame, columns), columns


PERSUASION_COLUMNS = {"Unit": "text", "B4": "speaker", "B2": "dialogue_id"}
"""Persuasion For Good's ``full_dialog.csv`` (``,Unit,Turn,B4,B2``): the words, the speaker's role,
the dialogue's id, under the names its release gave them."""
PERSUASION_ROLES = {"0": "persuader", "1": "persuadee"}


def _persuasion_for_good(frame: pl.DataFrame) -> pl.DataFrame:
    """Persuasion For Good's dialogues with its columns under the names the table importer guesses:
    each dialogue a chat of the persuader (role 0) and the persuadee (role 1); rows without words
    (the file has some) left out. Other tables are returned as they are."""
    if not {*PERSUASION_COLUMNS, "Turn"} <= set(frame.columns) or any(
            name in frame.columns for name in PERSUASION_COLUMNS.values()):
        return frame
    import polars as pl

    frame = frame.rename(PERSUASION_COLUMNS).with_columns(
        pl.col("speaker").cast(pl.String).replace(PERSUASION_ROLES))
    return frame.filter(pl.col("text").is_not_null() & (pl.col("text").cast(pl.String).str.strip_chars() != ""))


THREADED_REPLIES = ("in_response_to_tweet_id", "in_reply_to_status_id")
"""Reply columns of tweets: a table of them (Customer Support on Twitter's ``twcs.csv``) holds many
threads, each a conversation (`_threads`), where another table's replies are within one chat."""
THREAD_COLUMN = "thread"


def _threads(frame: pl.DataFrame, columns: dict[str, str]) -> pl.DataFrame:
    """A table of tweets with no column of conversations, each thread of replies a conversation: a
    tweet is in the thread of the first tweet its chain of replies goes back to (in the file), which
    names it. Other tables are returned as they are."""
    if ("conversation" in columns or "id" not in columns or "reply_to" not in columns
            or _key(columns["reply_to"]) not in THREADED_REPLIES or THREAD_COLUMN in frame.columns):
        return frame
    import polars as pl

    ids = [_id_text(v) for v in frame.get_column(columns["id"]).to_list()]
    parents = dict(zip(ids, (_id_text(v) for v in frame.get_column(columns["reply_to"]).to_list()), strict=True))
    roots: dict[str, str] = {}

    def root(tweet: str) -> str:
        chain: list[str] = []
        while tweet not in roots and parents.get(tweet) in parents and len(chain) <= len(parents):
            chain.append(tweet)
            tweet = parents[tweet]
        found = roots.get(tweet, tweet)
        for seen in chain:
            roots[seen] = found
        roots[tweet] = found
        return found

    return frame.with_columns(pl.Series(THREAD_COLUMN, [root(t) for t in ids], dtype=pl.String))


_WHOLE = re.compile(r"(\d+)\.0+")


def _id_text(value: object) -> str:
    """An id cell as text, a whole number written as a float (``3.0``, as pandas saves a column of
    ids with empty cells) as the whole number."""
    text = _text(value).strip()
    whole = _WHOLE.fullmatch(text)
    return whole[1] if whole else text


_SWITCHBOARD_COLUMNS = ("act_tag", "caller", "utterance_index")
"""The columns that make a table the Switchboard Dialog Act Corpus (its ``swda`` CSV files)."""
_SWITCHBOARD_MARKS = re.compile(r"<<[^<>]*>>|<[^<>]*>|\{[A-Z]\s|[{}\[\]+/#]|\(\(|\)\)")
"""What the Switchboard transcribers wrote besides the words: disfluency brackets (``{F uh, }``,
``[ I, + I ]``), the end of an utterance (`` /``; ``-/`` cut off), noises (``<Laughter>``,
``<<talking to the dog>>``), overlaps (``#``) and unsure hearing (``(( ))``)."""


def _without_switchboard_marks(frame: pl.DataFrame, columns: dict[str, str]) -> pl.DataFrame:
    """The Switchboard Dialog Act Corpus with its transcribers' marks taken out of the words, as its
    own reader's ``filter_disfluency`` takes them (``{D Well, } I think [ it's, + it is ] fine. /`` is
    ``Well, I think it's, it is fine.``); an utterance of marks alone (``<Laughter>.``) keeps them."""
    keys = {key for name in frame.columns for key in _keys(name)}
    if "text" not in columns or not all(k in keys for k in _SWITCHBOARD_COLUMNS):
        return frame
    import polars as pl

    def clean(text: str | None) -> str | None:
        if not text:
            return text
        words = _SPACE_BEFORE_MARK.sub(r"\1", " ".join(_SWITCHBOARD_MARKS.sub(" ", text).split()))
        return words if words.strip(" .,-?!") else text.strip()

    return frame.with_columns(pl.col(columns["text"]).map_elements(clean, return_dtype=pl.String))


_SPACE_BEFORE_MARK = re.compile(r"\s+([.,?!])")


def _extension(source: Source) -> str:
    return PurePosixPath(source.filename).suffix.lower()


def _read(source: Source, data: bytes) -> pl.DataFrame:
    import polars as pl

    ext = _extension(source)
    if not data.strip():
        raise ImportFormatError(source.name, "a table with a header row and messages", found="an empty file")
    try:
        if ext == ".parquet":
            # Checked here because polars reports a cut-off file with a panic on stderr.
            if not (data.startswith(PARQUET_MAGIC) and data.endswith(PARQUET_MAGIC)) or len(data) < 12:
                raise ImportFormatError(source.name, "a Parquet file (PAR1 at its start and end)",
                                        found=repr(data[:4])[2:-1])
            return pl.read_parquet(io.BytesIO(data))
        if ext == ".json":
            return pl.from_dicts(_json_rows(source, data), infer_schema_length=None)
        if ext in (".jsonl", ".ndjson"):
            try:
                return pl.read_ndjson(io.BytesIO(data), infer_schema_length=None)
            except pl.exceptions.PolarsError:
                _json_lines(source, data)  # polars names no line; find the broken one
                _check_flat(source, data)
                raise
        return pl.read_csv(io.BytesIO(data), separator=_separator(ext, data), infer_schema=False)
    except ImportFormatError:
        raise
    except BaseException as exc:  # polars raises its own errors, and panics as BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        kind = {".parquet": "a Parquet file", ".jsonl": "JSON Lines", ".ndjson": "JSON Lines",
                ".json": "a JSON array"}.get(ext, "CSV")
        raise ImportFormatError(source.name, f"{kind} with one message per row",
                                found=str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc


def _separator(ext: str, data: bytes) -> str:
    """A CSV's field separator: a comma, or a semicolon where its header has more semicolons than
    commas (spreadsheets in locales that write decimal commas, and DiscordChatExporter before 2020,
    write ``AuthorID;Author;Date;Content;...``). A TSV's is a tab."""
    if ext != ".csv":
        return EXTENSIONS.get(ext) or ","
    header = data[: data.find(b"\n")] if b"\n" in data else data
    return ";" if header.count(b";") > header.count(b",") else ","


def _json_rows(source: Source, data: bytes) -> list[dict[str, Any]]:
    """The objects of a JSON array of messages (a research corpus's ``[{"speaker": ..., "text": ...}]``),
    checked: an error names the element that is not a flat object."""
    try:
        rows = json.loads(data)
    except (ValueError, RecursionError) as exc:
        rows = None
        if isinstance(exc, json.JSONDecodeError) and exc.msg == "Extra data":  # JSON Lines saved as .json
            with contextlib.suppress(ImportFormatError):
                rows = _json_lines(source, data)
        if rows is None:
            line = exc.lineno if isinstance(exc, json.JSONDecodeError) else None
            raise ImportFormatError(source.name, "a JSON array of message objects", line=line,
                                    found=str(exc).split(":")[0]) from exc
    if isinstance(rows, list) and rows and all(_dream_row(row) for row in rows):
        # DREAM: each dialogue its lines ("W: ..."), its questions and its id
        rows = [{"id": row[-1], "dialogue": row[0]} for row in rows]
    elif isinstance(rows, list) and rows and all(isinstance(row, list) for row in rows):
        rows = [{"dialogue": turns} for turns in rows]  # EmotionLines: a list of dialogues, each of turns
    elif isinstance(rows, dict) and isinstance(rows.get("episodes"), list):
        rows = _scenes(rows["episodes"])
    elif isinstance(rows, dict) and rows and all(isinstance(v, dict) and isinstance(v.get("log"), list)
                                                 for v in rows.values()):
        rows = _logs(rows)
    if not isinstance(rows, list) or not rows:
        raise ImportFormatError(source.name, "a JSON array of message objects", json_path="$",
                                found="an empty array" if rows == [] else type(rows).__name__)
    for k, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ImportFormatError(source.name, "a JSON array of message objects", json_path=f"$[{k}]",
                                    found=type(row).__name__)
    rows = [_turns_as_objects(row) for row in rows]
    nested = [key for key, value in rows[0].items() if isinstance(value, dict | list)]
    if nested and not any(k in GUESSES["text"] or k in DIALOGUE_LISTS or k in EXCHANGE
                          for key in rows[0] for k in _keys(key)):
        raise _nested(ImportFormatError, source, nested)
    return rows


def _logs(dialogues: dict[str, Any]) -> list[dict[str, Any]]:
    """MultiWOZ (2.0 and 2.1, ``data.json``): dialogues by name (``SNG01856.json``), each a ``log`` of
    turns that name no speaker: the user speaks first, the system answers, in turn."""
    return [{"id": name.removesuffix(".json"), "dialogue": [
        {"speaker": ("user", "system")[k % 2], "text": str(turn.get("text") or "")}
        for k, turn in enumerate(dialogue["log"]) if isinstance(turn, dict)]}
        for name, dialogue in dialogues.items()]


def _dream_row(row: object) -> bool:
    """Whether a JSON array's element is a dialogue as DREAM writes one: ``[lines, questions, id]``,
    the lines strings."""
    return (isinstance(row, list) and len(row) == 3 and isinstance(row[0], list) and isinstance(row[2], str)
            and all(isinstance(line, str) for line in row[0]))


def _scenes(episodes: list[Any]) -> list[dict[str, Any]]:
    """The Character Mining corpus (Friends, as EmoryNLP's emotion and personality sets use it): a
    season's episodes, each of scenes of utterances (``speakers``, ``transcript``), one dialogue a
    scene titled by its ``scene_id``; an utterance of several speakers is said by them together."""
    rows: list[dict[str, Any]] = []
    for episode in episodes:
        for scene in episode.get("scenes") or [] if isinstance(episode, dict) else []:
            if not isinstance(scene, dict):
                continue
            turns = [{"speaker": " & ".join(str(s) for s in u.get("speakers") or []) or "(no name)",
                      "text": u.get("transcript") or ""}
                     for u in scene.get("utterances") or [] if isinstance(u, dict)]
            rows.append({"id": str(scene.get("scene_id") or f"scene {len(rows) + 1}"), "dialogue": turns})
    return rows


def _json_lines_head(head: bytes) -> bool:
    """Whether a file's first bytes are JSON Lines: an object on its first line, another line after."""
    first, newline, rest = head.lstrip().partition(b"\n")
    if not newline or not rest.lstrip().startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except (ValueError, RecursionError):
        return False


def _turns_as_objects(row: dict[str, Any]) -> dict[str, Any]:
    """A dialogue row whose turns are pairs (Blended Skill Talk's ``"dialog": [[0, "hi"], [1, "hey"]]``),
    with its turns as objects that name their speaker: speakers 0 and 1 are A and B."""
    for key, value in row.items():
        if any(k in DIALOGUE_LISTS for k in _keys(key)) and isinstance(value, list) and value and all(
                isinstance(turn, list) and len(turn) == 2 and isinstance(turn[1], str) for turn in value):
            turns = [{"speaker": SPEAKERS[who] if who in (0, 1) else str(who), "text": said} for who, said in value]
            return {**row, key: turns}
    return row


DIALOGUE_LISTS = ("dialog", "dialogue", "turns", "utterances", "conversations", "conversation")
"""Columns that hold a whole dialogue as a list of its turns, one dialogue a row (`_dialogue_rows`)."""
EXCHANGE = ("context", "response")
"""A row of what one speaker said and the answer (`_exchange_rows`)."""
TAKING_TURNS = ("free_messages", "guided_messages")
"""Two lists of what each of two speakers said, taking turns (Blended Skill Talk's Hugging Face copy)."""
DIALOGUE_IDS = ("dialog_id", "dialogue_id", "conv_id", "conversation_id", "id", "fname")
"""A dialogue's id, which titles its chat (DialogSum's JSON Lines name it ``fname``)."""
DIALOGUE_SPEAKERS = ("speakers", "speaker_names", "roles")
"""A list beside the turns naming who said each (SODA's ``speakers``)."""
TURN_SPEAKER = ("speaker", "role", "from", "author", "user", "name", "sender")
TURN_TEXT = ("content", "text", "utterance", "value", "message")
"""Where a turn written as an object says who said it and what (ESConv's ``{"speaker": "seeker",
"content": ...}``, ShareGPT's ``{"from": "human", "value": ...}``, ConvAI2's ``{"sender": "participant1",
"text": ...}``)."""
_TOKENISED_END = re.compile(r"\w \S*[.?!,]$")


def _columnar_turns(dtype: object) -> tuple[str, str] | None:
    """For turns kept as lists of their fields (a struct of lists): the fields of the speakers and the
    words; None for anything else."""
    import polars as pl

    if not isinstance(dtype, pl.Struct):
        return None
    names = {_key(f.name): f.name for f in dtype.fields if isinstance(f.dtype, pl.List)}
    speaker = next((names[k] for k in TURN_SPEAKER if k in names), None)
    text = next((names[k] for k in TURN_TEXT if k in names), None)
    return (speaker, text) if speaker and text else None


def _speaker_of(value: object) -> str:
    """A turn's speaker as a corpus writes it: 0 and 1 (who speaks first, who answers) as A and B."""
    if isinstance(value, int) and value in (0, 1):
        return SPEAKERS[value]
    return str(value)


def _turn_fields(dtype: object) -> tuple[str, str] | None:
    """For a list of turn objects: the fields of its speaker and its words; None for anything else."""
    import polars as pl

    if not isinstance(dtype, pl.List) or not isinstance(dtype.inner, pl.Struct):
        return None
    names = {_key(field.name): field.name for field in dtype.inner.fields}
    speaker = next((names[k] for k in TURN_SPEAKER if k in names), None)
    text = next((names[k] for k in TURN_TEXT if k in names), None)
    return (speaker, text) if speaker and text else None


def _dialogue_rows(frame: pl.DataFrame) -> pl.DataFrame | None:
    """A research corpus of one dialogue a row, as one turn a row. The Hugging Face copies of
    DailyDialog write the turns as a list of words (``{"dialog": ["Say , Jim , ...", "You know ..."],
    "act": [3, 4]}`` in Parquet or JSON Lines): the two speakers take turns as ``A`` and ``B``, unless a
    list beside them names each turn's speaker (SODA's ``speakers``). ESConv and ShareGPT write each
    turn as an object that names its speaker (``{"speaker": "seeker", "content": ...}``). Each dialogue
    is titled by its id column, else ``dialogue N`` by its row; None for any other table (one with a
    column for authors is one message a row, whatever else it holds)."""
    import polars as pl

    keys = {key: name for name in frame.columns for key in _keys(name)}
    if any(key in GUESSES["author"] for key in keys):
        return None
    if all(k in keys and frame.schema[keys[k]] == pl.String for k in EXCHANGE):
        return _exchange_rows(frame, keys)
    if all(k in keys and frame.schema[keys[k]] == pl.List(pl.String) for k in TAKING_TURNS):
        # Blended Skill Talk as Hugging Face keeps it: what each of the two said, in two lists
        free, guided = (frame.get_column(keys[k]).to_list() for k in TAKING_TURNS)
        taken = [[t for pair in zip_longest(a or [], b or []) for t in pair if t is not None]
                 for a, b in zip(free, guided, strict=True)]
        frame = frame.with_columns(pl.Series("dialog", taken, dtype=pl.List(pl.String)))
        frame = frame.drop([keys[k] for k in TAKING_TURNS])
        keys = {key: name for name in frame.columns for key in _keys(name)}
    columnar = next((keys[k] for k in DIALOGUE_LISTS if k in keys and _columnar_turns(frame.schema[keys[k]])), None)
    if columnar is not None:
        # the Hugging Face copies of MultiWOZ 2.2 and the Schema-Guided Dialogue: the turns as lists of
        # their fields ({"speaker": [0, 1, ...], "utterance": [...]}), taken back into turn objects
        who, said = _columnar_turns(frame.schema[columnar]) or ("", "")
        rebuilt = [[{"speaker": _speaker_of(w), "text": t} for w, t in zip((row or {}).get(who) or [],
                                                                          (row or {}).get(said) or [], strict=False)]
                   for row in frame.get_column(columnar).to_list()]
        frame = frame.with_columns(pl.Series(columnar, rebuilt, dtype=pl.List(
            pl.Struct({"speaker": pl.String, "text": pl.String}))))
    lists = [keys[k] for k in DIALOGUE_LISTS if k in keys
             and (frame.schema[keys[k]] == pl.List(pl.String) or _turn_fields(frame.schema[keys[k]]))]
    candidates = [keys[k] for k in DIALOGUE_LISTS if k in keys] + [
        name for name in frame.columns if any(word in _key(name) for word in TRANSCRIPT_WORDS)]
    transcripts = [name for name in dict.fromkeys(candidates) if frame.schema[name] == pl.String
                   and _holds_transcripts(frame.get_column(name))]
    if not lists and not transcripts:
        return None
    ids = next((keys[k] for k in DIALOGUE_IDS if k in keys and frame.schema[keys[k]] in (pl.String, pl.Int64)), None)
    titles = [str(v) for v in frame.get_column(ids).to_list()] if ids else [f"dialogue {n}" for n in
                                                                            range(1, frame.height + 1)]
    if not lists:
        return _transcript_rows(titles, frame.get_column(transcripts[0]).to_list())
    if _named_turns(frame.get_column(lists[0])):
        # DREAM's turns carry their speaker before a colon ("W: Tom, look at your shoes."), as a transcript's lines
        return _transcript_rows(titles, ["\n".join(turns or []) for turns in frame.get_column(lists[0]).to_list()])
    fields = _turn_fields(frame.schema[lists[0]])
    dialogues: list[list[tuple[str, str]]]
    if fields is not None:
        who, said = fields
        dialogues = [[(str(t.get(who) or "").strip() or "(no name)", str(t.get(said) or "").strip())
                      for t in turns or [] if t and str(t.get(said) or "").strip()]
                     for turns in frame.get_column(lists[0]).to_list()]
    else:
        named = next((keys[k] for k in DIALOGUE_SPEAKERS if k in keys and frame.schema[keys[k]] == pl.List(pl.String)),
                     None)
        speakers = frame.get_column(named).to_list() if named else [None] * frame.height
        dialogues = []
        for turns, names in zip(frame.get_column(lists[0]).to_list(), speakers, strict=True):
            turns = turns or []
            names = names if names and len(names) == len(turns) else [SPEAKERS[i % 2] for i in range(len(turns))]
            dialogues.append([(str(n).strip() or "(no name)", t.strip()) for n, t in zip(names, turns, strict=True)
                              if t and t.strip()])
        # DailyDialog's turns are tokenised ("Say , Jim , how about it ?"): where most are, their spaces go
        tokenised = [t for turns in dialogues[:200] for _, t in turns if _TOKENISED_END.search(t)]
        if len(tokenised) * 2 > sum(len(turns) for turns in dialogues[:200]):
            dialogues = [[(n, detokenise(t)) for n, t in turns] for turns in dialogues]
    out: dict[str, list[str]] = {"conversation": [], "author": [], "text": []}
    for title, turns in zip(titles, dialogues, strict=True):
        out["conversation"] += [title] * len(turns)
        out["author"] += [n for n, _ in turns]
        out["text"] += [t for _, t in turns]
    return pl.DataFrame(out, schema={name: pl.String for name in out})


_SPEAKER_LINE = re.compile(r"#?(?P<who>[^\s:#][^:#\n]{0,39}?)#?:(?:[ \t]+|$)(?P<said>.*)")
"""A line of a transcript: who speaks, a colon, what they say (SAMSum's ``Amanda: I baked cookies.``,
DialogSum's ``#Person1#: Hi, Mr. Smith.``, DREAM's ``W: Tom, look at your shoes.``). A colon inside
the words (``at 12:30``, a link) is not followed by a space, so it does not end a name."""
_SPEAKER_WORDS = 4
"""The most words a speaker's name before the colon has; a longer line is a line of the last turn
(``Note to self: buy milk`` said by whoever spoke last is still theirs)."""
TRANSCRIPT_WORDS = ("conversation", "dialog", "transcript", "chat")
"""Words in a column's name that say it may hold whole dialogues as transcripts (Synthetic-Persona-Chat's
``Best Generated Conversation``), besides `DIALOGUE_LISTS`."""
TRANSCRIPT_SAMPLE = 50
"""Cells of a text column read to tell whether it holds transcripts (`_holds_transcripts`)."""
_CORPUS_MEDIA = re.compile(r"<file_(?:gif|photo|picture|image|video|audio|other)>")
"""SAMSum's placeholders for what was sent besides words (a GIF, a photo, a file)."""


def _speaker_line(line: str) -> re.Match[str] | None:
    match = _SPEAKER_LINE.fullmatch(line.strip())
    return match if match and len(match["who"].split()) <= _SPEAKER_WORDS else None


def _holds_transcripts(cells: pl.Series) -> bool:
    """Whether a column of text holds whole dialogues, one a cell, each turn a line naming its speaker
    (SAMSum's ``dialogue``): most of the first cells have two lines or more, and most lines a speaker."""
    sample = [c for c in cells.head(TRANSCRIPT_SAMPLE * 2).to_list() if isinstance(c, str) and c.strip()]
    sample = sample[:TRANSCRIPT_SAMPLE]
    lines = [line for c in sample for line in c.splitlines() if line.strip()]
    several = sum(1 for c in sample if len(c.strip().splitlines()) >= 2)
    named = sum(1 for line in lines if _speaker_line(line))
    return bool(sample) and several * 5 >= len(sample) * 4 and named * 5 >= len(lines) * 4


def _named_turns(turns: pl.Series) -> bool:
    """Whether a column of lists of turns holds turns that name their speaker before a colon (DREAM)."""
    import polars as pl

    if turns.dtype != pl.List(pl.String):
        return False
    lines = [t for row in turns.head(TRANSCRIPT_SAMPLE).to_list() for t in row or [] if t and t.strip()]
    return bool(lines) and sum(1 for t in lines if _speaker_line(t)) * 10 >= len(lines) * 9


def _transcript_rows(titles: list[str], transcripts: list[str | None]) -> pl.DataFrame:
    """Dialogues written as transcripts, one a cell, as one turn a row: each line naming its speaker
    a turn (DialogSum's ``#Person1#`` is ``Person1``), a line naming none the last turn's next line,
    blank lines passed over; a turn of SAMSum's ``<file_photo>`` (or ``<file_gif>``, ...) is media, its
    words the rest of the turn where there are some."""
    import polars as pl

    out: dict[str, list[str]] = {"conversation": [], "author": [], "text": [], "kind": []}
    for title, transcript in zip(titles, transcripts, strict=True):
        turns: list[list[str]] = []
        for line in (transcript or "").splitlines():
            match = _speaker_line(line)
            if match:
                turns.append([match["who"].strip(), match["said"].strip()])
            elif line.strip() and turns:
                turns[-1][1] = (turns[-1][1] + "\n" + line.strip()).strip()
            elif line.strip():
                turns.append([NO_NAME, line.strip()])
        for who, said in turns:
            if not said:
                continue
            media = _CORPUS_MEDIA.search(said)
            words = " ".join(_CORPUS_MEDIA.sub(" ", said).split()) if media else said
            out["conversation"].append(title)
            out["author"].append(who)
            out["text"].append(words or said)
            out["kind"].append(MessageKind.MEDIA.value if media else MessageKind.TEXT.value)
    return pl.DataFrame(out, schema={name: pl.String for name in out})


def _exchange_rows(frame: pl.DataFrame, keys: dict[str, str]) -> pl.DataFrame:
    """A corpus of exchanges, one a row: what one speaker said (``context``) and the answer
    (``response``), as ProsocialDialog writes them, a row per turn of a dialogue, its rows sharing a
    ``dialogue_id``. Each dialogue, in the order of its rows, is A's context and B's response taking
    turns; a table without an id is a dialogue a row."""
    import polars as pl

    ids = next((keys[k] for k in DIALOGUE_IDS if k in keys and frame.schema[keys[k]] in (pl.String, pl.Int64)), None)
    out: dict[str, list[str]] = {"conversation": [], "author": [], "text": []}
    groups = frame.get_column(ids).to_list() if ids else [f"dialogue {n}" for n in range(1, frame.height + 1)]
    for group, context, response in zip(groups, frame.get_column(keys["context"]).to_list(),
                                        frame.get_column(keys["response"]).to_list(), strict=True):
        for who, said in (("A", context), ("B", response)):
            if said and said.strip():
                out["conversation"].append(str(group))
                out["author"].append(who)
                out["text"].append(said.strip())
    return pl.DataFrame(out, schema={name: pl.String for name in out})


def _json_lines(source: Source, data: bytes) -> list[dict[str, Any]]:
    """The objects of JSON Lines (blank lines passed over); raises for the first line that is not a
    JSON object, naming it."""
    rows = []
    for number, raw in enumerate(data.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            raise ImportFormatError(source.name, "one JSON object per line", line=number,
                                    found=raw.decode("utf-8", "replace")[:60]) from exc
        if not isinstance(value, dict):
            raise ImportFormatError(source.name, "one JSON object per line", line=number,
                                    found=type(value).__name__)
        rows.append(value)
    return rows


def _check_flat(source: Source, data: bytes) -> None:
    """Raises, in words, for JSON Lines whose rows nest the message inside objects (signal-cli's
    ``{"envelope": {...}}``), which polars reports as a clash of struct types."""
    first = json.loads(next(line for line in data.splitlines() if line.strip()))
    nested = [key for key, value in first.items() if isinstance(value, dict)]
    if nested and not any(k in GUESSES["text"] for key in first for k in _keys(key)):
        raise _nested(ImportFormatError, source, nested, line=1)


def _nested(error: type[ImportFormatError], source: Source, nested: list[str], line: int | None = None) -> Exception:
    """The error for rows that hold the message inside objects (signal-cli's ``{"envelope": {...}}``)."""
    return error(source.name, "one flat row per message (fields such as ts, author, text)", line=line,
                 found="rows of nested objects (" + ", ".join(nested) + ")")


def _columns(source: Source, frame: pl.DataFrame, column_map: dict[str, str]) -> dict[str, str]:
    present = frame.columns
    unknown = sorted(set(column_map) - set(FIELDS))
    if unknown:
        raise ImportFormatError(source.name, "a column map over " + ", ".join(FIELDS), found=unknown[0])
    by_key: dict[str, str] = {}
    for name in present:
        for key in _keys(name):
            by_key.setdefault(key, name)
    untimed = column_map.get("ts", "").lower() == NO_TIMES
    columns: dict[str, str] = {}
    for field_name in FIELDS:
        if field_name == "ts" and untimed:
            continue
        if field_name in column_map:
            if column_map[field_name] not in present:
                raise ImportFormatError(
                    source.name, f"a column {column_map[field_name]!r} for {field_name} (the file has "
                    + _names(present) + ")")
            columns[field_name] = column_map[field_name]
            continue
        taken = set(columns.values())
        guess = next((by_key[g] for g in GUESSES[field_name] if g in by_key and by_key[g] not in taken), None)
        if guess is not None:
            columns[field_name] = guess
    if "id" not in columns and "reply_to" not in column_map and _key(columns.get("reply_to", "")) == "parent_id":
        del columns["reply_to"]  # a parent's id with no ids to find it among (Reddit's comments have them)
    for field_name in REQUIRED:
        if field_name not in columns and not (field_name == "ts" and untimed):
            if field_name == "ts" and source.named and {"author", "text"} <= columns.keys():
                # Named by the user, with speakers and words but no column of times: a corpus of
                # dialogues, read a minute a line as ``--map ts=none`` reads it (the analysis says
                # so). Unless another column holds times under a name not guessed: then that one.
                held = _times_held(frame, set(columns.values()))
                if held is None:
                    continue
                raise ImportFormatError(
                    source.name, f"a column for ts: the column {held!r} holds times (--map ts={held}, or "
                    "--map ts=none to read the table without them)")
            # a table, but not of messages: no importer reads it as a chat
            import polars as pl

            nested = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.Struct)]
            if nested:
                raise _nested(UnknownFormatError, source, nested)
            if any(parse_timestamp(name.strip(" '\"")) is not None for name in present if _DATE_LIKE.search(name)):
                raise UnknownFormatError(
                    source.name, "a first row of column names (ts, author, text, ...): this one reads like a "
                    "message, so the table has none; add one, or map the columns", found=_names(present, quoted=False))
            looked_for = ", ".join(GUESSES[field_name][:7]) + (", …" if len(GUESSES[field_name]) > 7 else "")
            without = "; --map ts=none for a table without times" if field_name == "ts" else ""
            raise UnknownFormatError(
                source.name, f"a column for {field_name} (one of {looked_for}, or set with a column map: "
                f"--map {field_name}=COLUMN{without}); the file has " + _names(present))
    if ("ts" in columns and "ts" not in column_map and source.named and {"author", "text"} <= columns.keys()
            and _empty(frame, columns["ts"])):
        # Named by the user, a column of times with none in it (ConvoKit's tables of a corpus without
        # times: "timestamp" null on every row): read a minute a line, as without the column.
        del columns["ts"]
    if ("ts" in columns and "ts" not in column_map and source.named and {"author", "text"} <= columns.keys()
            and _clip_offsets(frame, columns["ts"])):
        # Named by the user, a "time" column of places in a video as subtitles write them (MELD's
        # StartTime, "00:16:16,059", the TV series its lines come from): no times of a chat.
        del columns["ts"]
    if "time" in columns and "time" not in column_map and "ts" in columns and _holds_clocks(frame, columns["ts"]):
        # the timestamps carry their own clock: a guessed "hour" column (0-23) beside them is not one
        # to complete them with (a row at midnight, "2021-03-04 00:00:00", would have been read as a date)
        del columns["time"]
    import polars as pl

    # A name or words inside an object ({"user": {"name": ...}}) would be read as the object's text.
    nested = [columns[f] for f in ("ts", "author", "text") if f in columns
              and isinstance(frame.schema[columns[f]], pl.Struct | pl.List)]
    if nested:
        raise _nested(ImportFormatError, source, nested)
    return columns


TIMES_SAMPLE = 20
"""Cells of a column read to tell whether it holds times (`_times_held`, `_holds_clocks`)."""
_EARLIEST_CHAT_YEAR = 1990
"""A cell read as a time before this year is a number, not a time: 0, 1, 2 of a "turn" column read as
Unix seconds are in 1970."""


def _first_cells(frame: pl.DataFrame, column: str) -> list[Any]:
    """Up to `TIMES_SAMPLE` of the first non-empty cells of `column`."""
    cells = [v for v in frame.get_column(column).head(TIMES_SAMPLE * 5).to_list() if v not in (None, "")]
    return cells[:TIMES_SAMPLE]


_CLIP_OFFSET = r"^\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*$"


def _clip_offsets(frame: pl.DataFrame, column: str) -> bool:
    """Whether every cell of `column` is a place in a recording (``00:16:16,059``), none a time of day."""
    import polars as pl

    cells = frame.get_column(column)
    if cells.dtype != pl.String or not _first_cells(frame, column):
        return False
    filled = cells.drop_nulls()
    return bool(filled.str.contains(_CLIP_OFFSET).all())


def _empty(frame: pl.DataFrame, column: str) -> bool:
    """Whether every cell of `column` is empty (null, or a blank string)."""
    if _first_cells(frame, column):
        return False
    import polars as pl

    cells = frame.get_column(column)
    if cells.dtype == pl.String:
        return bool(cells.fill_null("").str.strip_chars().eq("").all())
    return cells.null_count() == len(cells)


def _holds_clocks(frame: pl.DataFrame, column: str) -> bool:
    """Whether most of the first cells of `column` hold a clock time of their own (or are datetimes)."""
    import polars as pl

    if isinstance(frame.schema[column], pl.Datetime):
        return True
    cells = _first_cells(frame, column)
    with_clock = sum(1 for v in cells if isinstance(v, str) and HAS_CLOCK.search(v))
    return bool(cells) and with_clock * 2 > len(cells)


def _times_held(frame: pl.DataFrame, taken: set[str]) -> str | None:
    """The first column, of those not `taken`, whose first non-empty cells read as times of a chat."""
    for name in frame.columns:
        if name in taken:
            continue
        cells = _first_cells(frame, name)
        times = [parse_timestamp(v) if isinstance(v, str | int | float) else None for v in cells]
        if cells and sum(t is not None and t.year >= _EARLIEST_CHAT_YEAR for t in times) * 5 >= len(cells) * 4:
            return name
    return None


SHOWN_COLUMNS = 12
"""Column names an error lists: a table flattened from JSON has thousands ("messages.478.type")."""


def _names(columns: list[str], *, quoted: bool = True) -> str:
    """The table's column names for an error message: the first `SHOWN_COLUMNS`, and how many more."""
    shown = ", ".join(repr(c) if quoted else c for c in columns[:SHOWN_COLUMNS])
    more = len(columns) - SHOWN_COLUMNS
    return shown + (f" and {more:,} more" if more > 0 else "")


def _key(column: str) -> str:
    """A column name as GUESSES writes them: "Message Date", "reply-to" and "Display_Name" as
    message_date, reply_to and display_name."""
    return re.sub(r"[\s_-]+", "_", column.strip().lower()).strip("_")


def _keys(column: str) -> tuple[str, ...]:
    """`_key` of a column name, and of its words where it is written in camel case, as JSON exports
    and corpora name their fields ("dialogueID", "senderName", "timestampMs": dialogue_id, sender_name,
    timestamp_ms); "TimeStamp" is both timestamp and time_stamp."""
    return tuple(dict.fromkeys((_key(column), _key(_CAMEL.sub("_", column.strip())))))


_C1_AS_CP1252 = {code: bytes([code]).decode("cp1252") for code in range(0x80, 0xA0)
                 if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
"""The control characters U+0080-U+009F that a Windows-1252 text read as Latin-1 holds, as the
characters Windows-1252 meant (U+0092 -> ’, U+0085 -> …); chat text never holds them otherwise."""
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_REDDIT_TYPE = re.compile(r"\At\d_")


def _conversations(source: Source, frame: pl.DataFrame, columns: dict[str, str],
                   options: ImportOptions) -> Iterator[Conversation]:
    def column(name: str) -> Iterable[Any]:
        return frame.get_column(columns[name]).to_list() if name in columns else repeat(None)

    stem = PurePosixPath(source.filename).stem
    groups: dict[str, _Rows] = {}
    timed = "ts" in columns
    times = read_times(list(column("ts")), list(column("time")) if "time" in columns else None,
                       options.date_order) if timed else []
    mine = _from_me(frame, columns, mapped="from_me" in options.column_map)
    # Each column read out once. Absent columns repeat None forever, so zip stops with the real ones.
    fields = ("author", "text", "conversation", "kind", "reply_to", "id", "attachments")
    read = {name: column(name) for name in fields}
    naming_contact = _names_the_contact(read["author"], read["conversation"], mine)
    markers = load_markers()
    cells = zip(*read.values(), strict=False)
    for row, (raw_author, text, conversation, raw_kind, reply_to, key, attached) in enumerate(cells):
        chat = _text(conversation)
        group = groups.get(chat) or groups.setdefault(chat, _Rows(chat or stem, chat or None))
        ts = times[row] if timed else untimed_ts(len(group.entries))
        if ts is None:
            if "time" in columns and not _clock_reads(frame.get_column(columns["time"])[row]):
                raise _BadRow(row, columns["time"], "a clock time like 21:04 or 9:04 PM",
                              frame.get_column(columns["time"])[row])
            raise _BadRow(row, columns["ts"], TIMESTAMP_EXAMPLE, frame.get_column(columns["ts"])[row])
        author = _text(raw_author).strip(AUTHOR_MARKS)
        kind = _kind(row, columns, raw_kind)
        # EmpatheticDialogues' Parquet copy writes commas "_comma_"; MELD's CSV has Windows-1252's
        # curly quotes as control characters (U+0092 for ’): both put back.
        words = _text(text).replace(CORPUS_COMMA, ",").translate(_C1_AS_CP1252)
        if raw_kind is None and _text(attached).strip():  # a file sent: media, as the apps' own exports read it
            kind, words = MessageKind.MEDIA, words or ATTACHMENT
        elif raw_kind is None:
            # a WhatsApp chat turned into a table keeps WhatsApp's placeholders ("<Media omitted>") and notices
            kind = markers.kind_of(words) or kind
            if words.strip() in REDDIT_DELETED:  # what Reddit leaves of a deleted or removed comment
                kind = MessageKind.DELETED
        if not author and raw_kind is None and _LEFT_OR_JOINED.fullmatch(words):
            kind = MessageKind.SYSTEM  # "Sam left the conversation." with nobody as its author (LinkedIn's export)
        if mine is not None and mine[row] and chat in naming_contact and kind is not MessageKind.SYSTEM:
            author = group.me = options.me or ME  # the author column names the contact on every row
        if not author and kind is not MessageKind.SYSTEM:
            if mine is not None and mine[row]:
                author = group.me = options.me or ME
            else:
                author = NO_NAME
        ident = None if key is None else _id_text(key) or None  # most tables have no id column
        group.entries.append(_Entry(row, ts, author, words, kind, _text(reply_to), ident))
    if not groups:  # in a folder, a table of no rows is no chat either: passed over, as in `parse`
        raise (ImportFormatError if source.named else UnknownFormatError)(
            source.name, "at least one message row", found="only a header")
    for group in groups.values():
        yield _conversation(source, group, columns, options)


def _conversation(
    source: Source, group: _Rows, columns: dict[str, str], options: ImportOptions
) -> Conversation:
    in_file_order = [e for e in group.entries if e.kind is not MessageKind.SYSTEM]
    entries = group.entries
    if any(later.ts < earlier.ts for earlier, later in pairwise(entries)):
        entries = sorted(entries, key=lambda entry: entry.ts)
    in_time_order = [e for e in entries if e.kind is not MessageKind.SYSTEM]
    index_of_row = {entry.row: index for index, entry in enumerate(in_time_order)}
    index_of_id = {entry.key: index for index, entry in enumerate(in_time_order) if entry.key is not None}

    def target(entry: _Entry) -> int | None:
        if not entry.reply_to:
            return None
        if "id" in columns:
            # Reddit's comments answer their parent by its full name, the id with its type before it
            # ("t1_" a comment, "t3_" the post): "t1_k2x9p" answers the row of id "k2x9p".
            found = index_of_id.get(entry.reply_to)
            if found is None:
                found = index_of_id.get(_id_text(entry.reply_to))
            return found if found is not None else index_of_id.get(_REDDIT_TYPE.sub("", entry.reply_to))
        if not re.fullmatch(r"\d+(\.0+)?", entry.reply_to):
            raise _BadRow(entry.row, columns["reply_to"], "the index of an earlier message", entry.reply_to)
        position = int(float(entry.reply_to))
        return index_of_row[in_file_order[position].row] if position < len(in_file_order) else None

    messages = [
        Message(index, e.ts, e.author, e.text, e.kind, target(e)) for index, e in enumerate(in_time_order)
    ]
    events = [SystemEvent(e.ts, e.text, e.author or None) for e in entries if e.kind is MessageKind.SYSTEM]
    return Conversation(source.name, "tabular", group.title, messages, events, chat_id=group.chat_id,
                        me=options.me or group.me)


def _from_me(frame: pl.DataFrame, columns: dict[str, str], *, mapped: bool) -> list[bool] | None:
    """Which rows the exporting user sent, from a direction column; None without one. A guessed
    column whose values say no direction (a "type" of "message") is not one."""
    if "from_me" not in columns:
        return None
    values = [_text(v).strip().lower() for v in frame.get_column(columns["from_me"]).to_list()]
    for row, value in enumerate(values):
        if value not in _MINE and value not in _THEIRS:
            if mapped:
                raise _BadRow(row, columns["from_me"], "a direction (Outgoing or Incoming, true or false)", value)
            return None
    return [v in _MINE for v in values]


def _names_the_contact(authors: Iterable[Any], chats: Iterable[Any], mine: list[bool] | None) -> set[str]:
    """The conversations whose author column holds one name on every row, the user's sent rows
    among them (a phone's table of texts: ``Contact, Type, Date, Body``): that name is the contact's,
    and the rows a direction column marks as sent are the user's."""
    if mine is None:
        return set()
    seen: dict[str, tuple[set[str], set[bool]]] = {}
    for author, chat, sent in zip(authors, chats, mine, strict=False):
        names, directions = seen.setdefault(_text(chat), (set(), set()))
        names.add(_text(author).strip(AUTHOR_MARKS))
        directions.add(sent)
    return {chat for chat, (names, directions) in seen.items()
            if directions == {True, False} and len(names) == 1 and "" not in names}


def _clock_reads(value: object) -> bool:
    """Whether a cell of the time column holds a clock time (or nothing)."""
    clock = _text(value).strip()
    if not clock:
        return True
    try:
        time_table([clock])
    except ValueError:
        return False
    return True


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


def _kind(row: int, columns: dict[str, str], value: object) -> MessageKind:
    if value is None:
        return MessageKind.TEXT
    kind = _KINDS.get(_text(value).strip().lower())
    if kind is not None:
        return kind
    raise _BadRow(row, columns["kind"], "a kind (" + ", ".join(k.value for k in MessageKind) + ")",
                      value) from None


def _location(source: Source, data: bytes, row: int) -> tuple[int | None, str | None]:
    """The line a data row starts on (CSV, JSON Lines), or its row number (Parquet)."""
    ext = _extension(source)
    if ext == ".parquet":
        return None, f"row {row + 1}"
    if ext == ".json":
        return None, f"$[{row}]"
    text = data.decode("utf-8")  # parse made it UTF-8
    if ext in (".jsonl", ".ndjson"):
        lines = [n for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
        return (lines[row] if row < len(lines) else None), None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(ext, data))
    start = 1
    for record, _ in enumerate(reader):
        if record == row + 1:  # record 0 is the header
            return start, None
        start = reader.line_num + 1
    return None, None


register(TableImporter())
