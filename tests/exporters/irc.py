"""Render chat records as an irssi log, as irssi writes one.

Records follow `tests.exporters._json_records.ChatRecord`. The output opens with ``--- Log opened``,
writes ``--- Day changed`` before each new day, and each record as ``HH:MM <nick> words`` (irssi
keeps the minute only; a space stands where a nick's channel mode would be). IRC has no photos,
deleted messages or lines of several lines: a media record is its text (or ``[photo]``), a deleted
one is left out, and a record's lines are joined by spaces; nicks are written without spaces.
"""

from __future__ import annotations

from collections.abc import Sequence

from tests.exporters._json_records import ChatRecord


def render_irc(records: Sequence[ChatRecord]) -> str:
    lines: list[str] = []
    day = None
    for record in records:
        if record.kind == "deleted":
            continue
        if day is None:
            lines.append(record.ts.strftime("--- Log opened %a %b %d %H:%M:%S %Y"))
        elif record.ts.date() != day:
            lines.append(record.ts.strftime("--- Day changed %a %b %d %Y"))
        day = record.ts.date()
        words = " ".join(record.text.split()) or "[photo]"
        lines.append(f"{record.ts:%H:%M} < {record.author.replace(' ', '_')}> {words}")
    return "\n".join(lines) + "\n"
