"""Signal: the Markdown chats written by signal-export (``sigexport``, carderne/signal-export).

Signal has no chat export of its own; signal-export, the most used third-party tool, reads
Signal Desktop's database and writes one folder per chat, named after the contact or group,
holding ``chat.md`` (``index.md`` before v1), ``data.json``, ``index.html`` and ``media/``.
This importer reads ``chat.md`` as written by v3.x (checked against v3.9): ``data.json`` is
left alone because a ``--old`` merge updates only the Markdown.

Each message is printed as one Markdown paragraph followed by a blank line::

    [2024-03-12 21:04:05] Sam: <quote><body>  <reactions><sticker><attachments>

* the date is the local time Signal showed (``[2019-05-29, 15:04]`` in old exports);
* the sender is ``Me`` for the exporting user (renamed to ``--me`` when given), the contact's
  name otherwise (``No-Sender`` when Signal did not know);
* a reply starts with the quoted text: a blank line, ``> `` lines, a blank line; it is matched
  to the latest earlier message with that text (or, for ``Photo``, ``Video``, ``Voice
  message`` and file names, the latest earlier attachment) to set ``reply_to``;
* reactions follow on a line of their own, ``(- Sam: 👍, Jo: ❤️ -)`` (see below); they are not
  messages but `Reaction`s on the message they follow;
* stickers are ``(( 😀 ))`` or ``[😀](../exported_stickers/...)``, attachments
  ``![name](./media/file)`` (images) or ``[name](./media/file)``, or ``(media not exported)``:
  any of them makes a MEDIA message;
* ``(This message was deleted)`` is a DELETED message;
* calls (``Missed voice call``, ``Incoming video call (accepted, 2m 3s)``) and rows with no
  text at all (group changes) become `SystemEvent`s.

The conversation is titled with the chat's folder name, which also serves as ``chat_id``.

Lines shaped like a header. A message's own text can hold a line such as ``[2024-03-08
12:00:00] Sam: ...`` (a pasted chat log). signal-export v2 and later print every message with
``print(msg.to_md())``, and ``to_md`` ends in a newline, so each real header follows a blank
line, and the line before that blank line ends as the exporter ends a message: two spaces after
the body (and after each attachment or sticker link), a ``-)`` reactions line, a ``))`` sticker
line, or ``(This message was deleted)``. Each file is judged on its own:

* where at least two thirds of the header-shaped lines after the first follow a blank line,
  the file is in that style, and a header-shaped line that does not follow a blank line is
  text of the message above it;
* in such a file, where at least two thirds of those after a blank line also follow a
  message's ending, a header-shaped line after a blank line that follows text ending otherwise
  (``see below:``, blank line, pasted log) is text too;
* any other file (v1 and the README's example print no blank lines between messages, and a
  file too short to tell) is read as before: every header-shaped line starts a message.

What stays ambiguous: a body whose line before a blank line ends with two spaces (or with ``
-)`` or ``))``), followed by a header-shaped line, still splits the message there, as does any
header-shaped line in a file of the old style; the time going backwards would be the only other
hint, and clocks do go backwards in real chats, so it is not used.

Reactions, as ``Message.to_md`` writes them (sigexport/models.py, v2.0 to v3.9.0 and the main
branch, read at commit 4093921): after the body and its two trailing spaces comes ``\n(- `` +
``", ".join(f"{name}: {emoji}")`` + `` -)``, then any sticker or attachments (so attachments
can follow the ``-)`` on that line); deleted messages never show reactions. There is one entry
per reaction Signal Desktop stored on the message (sigexport/create.py ``create_message``;
Signal keeps one reaction per person per message, but nothing here relies on that), and no
time, so `Reaction.ts` is None. The name is the one message headers use: ``utils.fix_names``
folds every contact name to letters and digits (``Sam Rivera`` is written ``SamRivera``; v2 and
later), so the exporter never writes a name with a comma or colon; entries are still read from
the left as ``name: emoji``, an emoji being a run of characters without spaces, commas or colons
with at least one that is not ASCII, so a name such as ``Park, Jo`` is kept whole. The
exporting user's own reactions are named:

* ``Me`` on signal-export's main branch (commit 4093921, "show your own reactions as Me", after
  v3.9.0), as their messages are;
* ``NotetoSelf`` in v3.8.6 to v3.9.0 (the owner's conversation is named ``Note to Self`` in
  sigexport/main.py, then folded);
* before v3.8.6, the user's own profile name, folded (``None`` without one), which cannot be
  told from a contact's.

``Me`` and ``NotetoSelf`` are read as the user (``--me``), as ``Me`` is on messages. An
``--old`` merge re-writes the reactions of messages found only in the old export as ``Sam:  👍``
(two spaces; sigexport/models.py ``MergeMessage.to_message``), so any run of spaces is accepted.
v1 (sigexport/main.py) wrote reactions after the attachments, and ``(-  -)`` when no reactor
was known: the latter is read as no reactions. A reactions line that is not such a list is an
`ImportFormatError` naming its line (user text cannot end in one: signal-export puts two spaces
after every body). Reactions on anything that becomes a `SystemEvent` are dropped unread.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath, PureWindowsPath

from turntoward.errors import ImportFormatError
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.model import Conversation, Message, MessageKind, Reaction, SystemEvent

CHAT_FILES = ("chat.md", "index.md")
EXPORT_ME = "Me"
# How v3.8.6 to v3.9.0 name the exporting user's own reactions ("Note to Self", folded).
EXPORT_ME_REACTING = frozenset({EXPORT_ME, "NotetoSelf"})
_EXPECTED = "a signal-export chat.md ('[YYYY-MM-DD HH:MM:SS] Name: message' paragraphs)"
HEADER = re.compile(r"\[(\d{4}-\d{2}-\d{2}),? (\d{2}:\d{2}(?::\d{2})?)\] (.*?): ?")
DELETED_TEXT = "(This message was deleted)"
_QUOTE = re.compile(r"\n\n(> [^\n]*(?:\n> [^\n]*)*)\n\n")
_ATTACHMENT = re.compile(r"!?\[[^\]\n]*\]\(\./media/|\((?:media|attachment) not exported\)  ")
_STICKER_LINK = re.compile(r"\[[^\]\n]*\]\(\.\./exported_stickers/")
_STICKER_LINE = re.compile(r"\(\( .* \)\)")
_REACTIONS = re.compile(r"\(- (.*) -\)")
# One "name: emoji" entry of a reactions line: the emoji has no spaces, commas or colons and at
# least one character that is not ASCII, so "Park, Jo: 👍" is one entry, by "Park, Jo".
_REACTION = re.compile(r"(.+?): +([^\s,:]*[^\x00-\x7f][^\s,:]*)(?:, (?=.)|\Z)")
_EXPECTED_REACTIONS = "reactions as '(- Name: emoji, Name: emoji -)'"
# signal-export names a call by Signal's call type, lowercased, "audio" read as "voice".
CALL = re.compile(r"(?:Incoming|Outgoing|Missed) (?:(?:voice|video|group|adhoc) )?call(?: \(.*\))?")
# Labels signal-export quotes instead of text when the replied-to message was an attachment.
ATTACHMENT_QUOTES = ("Photo", "Video", "Voice message", "Attachment")
_FILE_NAME = re.compile(r"[^\s/]+\.[A-Za-z0-9]{1,5}")


@dataclass
class _Paragraph:
    line: int
    ts: datetime
    sender: str
    raw: str


class SignalExportImporter:
    """Reads signal-export's per-chat Markdown."""

    name = "signal"
    description = "Signal chat exported with signal-export (chat.md)"

    def sniff(self, source: Source, head: bytes) -> float:
        first = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", "replace")
        if not HEADER.match(first):
            return 0.0
        # WhatsApp in ISO-date locales writes the same bracketed headers, but only to .txt files:
        # a Markdown file with them is signal-export's, so be surer than a header match alone.
        if source.filename in CHAT_FILES:
            return 0.99
        return 0.97 if source.filename.lower().endswith(".md") else 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        text = source.read_text("UTF-8 text, as signal-export writes it")
        me = options.me or EXPORT_ME
        title = _folder_name(source)
        messages: list[Message] = []
        events: list[SystemEvent] = []
        for paragraph in _paragraphs(source, text):
            sender = me if paragraph.sender == EXPORT_ME else paragraph.sender
            _add(source, paragraph, sender, me, messages, events)
        yield Conversation(source.name, "signal", title, messages, events, chat_id=title, me=me)


def _folder_name(source: Source) -> str:
    inner = source.member if source.member is not None else source.name
    parent = PurePosixPath(PureWindowsPath(inner).as_posix()).parent.name
    return parent or PurePosixPath(source.filename).stem


def _paragraphs(source: Source, text: str) -> Iterator[_Paragraph]:
    current: _Paragraph | None = None
    body: list[str] = []
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    starts = _message_starts(lines)
    for number, line in enumerate(lines, start=1):
        header = HEADER.match(line) if number - 1 in starts else None
        if header:
            if current is not None:
                current.raw = "\n".join(body)
                yield current
            date, clock, sender = header.groups()
            try:
                ts = datetime.fromisoformat(f"{date}T{clock}")
            except ValueError as exc:
                raise ImportFormatError(source.name, "a real date and time", line=number,
                                        found=line[: header.end()]) from exc
            current, body = _Paragraph(number, ts, sender, ""), [line[header.end():]]
        elif current is None:
            if line.strip():
                raise ImportFormatError(source.name, _EXPECTED, line=number, found=line)
        else:
            body.append(line)
    if current is None:
        raise ImportFormatError(source.name, _EXPECTED, found="no messages")
    current.raw = "\n".join(body)
    yield current


def _message_starts(lines: list[str]) -> set[int]:
    """The indices of the lines that start a message (see "Lines shaped like a header" above).

    Every header-shaped line starts one in a file written without blank lines between messages;
    in one written with them, only a header-shaped line after a blank line does, and, where the
    file's messages show it, only where the paragraph before that blank line ended as
    signal-export ends one.
    """
    headers = [i for i, line in enumerate(lines) if HEADER.match(line)]
    if not headers:
        return set()
    first, later = headers[0], headers[1:]
    after_blank = [i for i in later if _is_blank(lines[i - 1])]
    if not after_blank or not _mostly(after_blank, later):
        return set(headers)  # the old style, or too few blank lines to tell: every header counts
    ended = [i for i in after_blank if _ends_paragraph(lines, i - 1)]
    if _mostly(ended, after_blank):
        after_blank = ended
    return {first, *after_blank}


def _mostly(some: list[int], of: list[int]) -> bool:
    """Whether `some` is at least two thirds of `of`: nearly all, allowing a pasted log or two."""
    return 3 * len(some) >= 2 * len(of)


def _ends_paragraph(lines: list[str], blank: int) -> bool:
    """Whether the last line with words before the blank line at `blank` ends a message as
    signal-export ends one: two spaces after the body, attachments and sticker links, a
    reactions or sticker line, or the deleted-message notice."""
    before = blank
    while before > 0 and _is_blank(lines[before - 1]):
        before -= 1
    if before == 0:
        return True
    last = lines[before - 1].removesuffix("\r")
    return last.endswith(("  ", " -)", " ))")) or last.endswith(DELETED_TEXT)


def _is_blank(line: str) -> bool:
    """An empty line, as ``print`` ends a message (``\r`` left by a Windows export allowed)."""
    return line in ("", "\r")


def _add(
    source: Source, paragraph: _Paragraph, sender: str, me: str, messages: list[Message], events: list[SystemEvent]
) -> None:
    # print() adds a blank line after each paragraph; a body's own trailing newlines are lost anyway.
    raw = paragraph.raw.rstrip("\n")
    last_line = paragraph.line + raw.count("\n")  # the file's line number of raw's last line
    if raw == DELETED_TEXT:
        messages.append(Message(len(messages), paragraph.ts, sender, "", MessageKind.DELETED))
        return
    quote = None
    quoted = _QUOTE.match(raw)
    if quoted:
        quote = "\n".join(line[2:] for line in quoted.group(1).split("\n"))
        raw = raw[quoted.end():]
    *lines, last = raw.split("\n")
    media = False
    if last.endswith(")  ") and (attachment := _ATTACHMENT.search(last)):
        last, media = last[: attachment.start()], True
    if sticker := _STICKER_LINK.search(last):
        last, media = last[: sticker.start()], True
    if lines and _STICKER_LINE.fullmatch(last):
        last, media, last_line = lines.pop(), True, last_line - 1
    listed = _REACTIONS.fullmatch(last) if lines else None
    if listed:
        last = lines.pop()
    text = "\n".join([*lines, last]).removesuffix("  ")
    if not media and (not text.strip() or CALL.fullmatch(text)):
        events.append(SystemEvent(paragraph.ts, text, sender))  # reactions on a notice are dropped
        return
    kind = MessageKind.MEDIA if media else MessageKind.TEXT
    reactions = _reactions(source, listed.group(1), last_line, me) if listed else ()
    messages.append(Message(len(messages), paragraph.ts, sender, text, kind, _quoted(quote, messages),
                            reactions=reactions))


def _reactions(source: Source, listed: str, line: int, me: str) -> tuple[Reaction, ...]:
    """The entries of a ``(- Sam: 👍, Me: ❤️ -)`` line, in its order; the user's named `me`."""
    found: list[Reaction] = []
    at = 0
    while at < len(listed):
        entry = _REACTION.match(listed, at)
        if entry is None:
            raise ImportFormatError(source.name, _EXPECTED_REACTIONS, line=line, found=f"(- {listed} -)")
        name, emoji = entry.groups()
        found.append(Reaction(me if name in EXPORT_ME_REACTING else name, emoji))
        at = entry.end()
    return tuple(found)


def _quoted(quote: str | None, earlier: list[Message]) -> int | None:
    """The latest earlier message the quote reproduces; signal-export keeps no message ids."""
    if quote is None:
        return None
    wanted = quote.replace("`", "")
    for message in reversed(earlier):
        if message.kind is MessageKind.TEXT and message.text == wanted:
            return message.index
    names_attachment = wanted in ATTACHMENT_QUOTES or _FILE_NAME.fullmatch(wanted) is not None
    for message in reversed(earlier):
        if message.kind is MessageKind.MEDIA and (message.text == wanted or names_attachment):
            return message.index
    for message in reversed(earlier):
        if message.text and message.text.startswith(wanted):
            return message.index
    return None


register(SignalExportImporter())
