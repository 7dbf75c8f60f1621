"""Render chat records as one Google Chat conversation of a Google Takeout (a folder tree).

Records follow `tests.exporters._json_records.ChatRecord`. `render_google_chat` returns the files
of ``Google Chat/`` as {path inside it: text}: ``Groups/<folder>/messages.json`` and
``group_info.json`` (one member per author and reactor, each with an email derived from the name; a space
when `space` names it, else a DM), and ``Users/User <id>/user_info.json`` naming `me` when given.

Each record's time is this computer's local time, written in UTC as Takeout writes it, in one of
the `STYLES` (the account's language): ``us`` (``Tuesday, March 12, 2024 at 9:04:05\u202fPM UTC``,
newer exports), ``us_space`` (the same with a plain space, older ones), ``gb`` (``Tuesday, 12 March
2024 at 21:04:05 UTC``), ``ja``, ``zh``, ``de``, ``es`` and ``hu`` (each language's full date and
long time, as Unicode CLDR gives them: ``2024年3月12日星期二 UTC 21:04:05`` in Chinese).
A "media" record is an attached file of its own (``File-IMG_0003.jpg`` for record 3), with its words
as the text unless they are the importer's placeholder; a "deleted" record is ``message_state:
DELETED`` with its creator, creation date and words kept (as some real exports have it), or with
none of them (as others do) when `deleted_creator` is False; an edited record has no
``created_date`` of its own but ``updated_date`` a minute later and its original date in
``previous_message_versions``. A reply quotes its target's creator, words and files in
``quoted_message_metadata`` as Takeout does (an attachment without words quotes as ``"text": ""``
and the file), and its ``message_id`` too when `quote_ids`. `reactions` maps a record's index to
``(emoji, [author names])`` pairs, each reactor written by email.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from tests.exporters._json_records import ChatRecord, handle, reply_target, stable_number, was_edited

from turntoward.ingest.google_chat import ATTACHMENT

STYLES = ("us", "us_space", "gb", "ja", "zh", "de", "es", "hu")
_WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "ja": ("月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日", "日曜日"),
    "zh": ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"),
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "hu": ("hétfő", "kedd", "szerda", "csütörtök", "péntek", "szombat", "vasárnap"),
}
_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"),
    "hu": ("január", "február", "március", "április", "május", "június", "július", "augusztus", "szeptember",
           "október", "november", "december"),
}


def takeout_date(ts: datetime, style: str = "us") -> str:
    """`ts` (naive local time) as Takeout writes a date, in UTC."""
    m = ts.astimezone(UTC)
    clock, clock24 = f"{m.minute:02d}:{m.second:02d}", f"{m.hour}:{m.minute:02d}:{m.second:02d}"
    day, language = m.weekday(), "en" if style in ("us", "us_space", "gb") else style
    weekday = _WEEKDAYS[language][day]
    if style in ("ja", "zh"):
        date = f"{m.year}年{m.month}月{m.day}日{weekday}"
        return f"{date} {clock24} UTC" if style == "ja" else f"{date} UTC {m.hour:02d}:{clock}"
    month = _MONTHS[language][m.month - 1]
    if style == "gb":
        return f"{weekday}, {m.day} {month} {m.year} at {m.hour:02d}:{clock} UTC"
    if style == "de":
        return f"{weekday}, {m.day}. {month} {m.year} um {m.hour:02d}:{clock} UTC"
    if style == "es":
        return f"{weekday}, {m.day} de {month} de {m.year}, {clock24} UTC"
    if style == "hu":
        return f"{m.year}. {month} {m.day}., {weekday} {clock24} UTC"
    space = "\u202f" if style == "us" else " "
    hour = m.hour % 12 or 12
    return f"{weekday}, {month} {m.day}, {m.year} at {hour}:{clock}{space}{'PM' if m.hour >= 12 else 'AM'} UTC"


def person(name: str) -> dict[str, str]:
    return {"name": name, "email": f"{handle(name)}@example.com", "user_type": "Human"}


def render_google_chat(
    records: Sequence[ChatRecord],
    *,
    space: str | None = None,
    me: str | None = None,
    style: str = "us",
    reactions: Mapping[int, Sequence[tuple[str, Sequence[str]]]] | None = None,
    deleted_creator: bool = True,
    quote_ids: bool = False,
) -> dict[str, str]:
    """The files of one conversation's Takeout, by their path under ``Google Chat/``."""
    group_id = f"{'Space AAAA' if space else 'DM '}{stable_number(space or 'dm', 7)}"
    ids = [f"{group_id.split()[1]}/t{i:05d}/t{i:05d}" for i in range(len(records))]
    out = [_message(record, i, ids[i], style, deleted_creator) for i, record in enumerate(records)]
    for i, record in enumerate(records):
        target = reply_target(record)
        if target is not None:
            out[i]["quoted_message_metadata"] = _quoted(records[target], out[target], ids[target], quote_ids)
        listed = (reactions or {}).get(i, ())
        if listed:
            out[i]["reactions"] = [{"emoji": {"unicode": emoji}, "reactor_emails": [person(n)["email"] for n in names]}
                                   for emoji, names in listed]
    reactors = [name for listed in (reactions or {}).values() for _, names in listed for name in names]
    names = list(dict.fromkeys([*(r.author for r in records), *reactors, *([me] if me else [])]))
    info: dict[str, object] = {"members": [person(n) for n in names]}
    if space:
        info = {"name": space, **info}
    files = {
        f"Groups/{group_id}/messages.json": _dump({"messages": out}),
        f"Groups/{group_id}/group_info.json": _dump(info),
    }
    if me is not None:
        membership: dict[str, str] = {"group_id": group_id, "membership_state": "MEMBER_JOINED"}
        if space:
            membership = {"group_name": space, **membership}
        user = {"user": person(me), "membership_info": [membership]}
        files[f"Users/User {stable_number(me, 21)}/user_info.json"] = _dump(user)
    return files


def _message(record: ChatRecord, i: int, message_id: str, style: str, deleted_creator: bool) -> dict[str, object]:
    topic = message_id.split("/")[1]
    kind = str(record.kind)
    if kind == "deleted":
        deleted: dict[str, object] = {
            "message_state": "DELETED",
            "deleted_date": takeout_date(record.ts + timedelta(minutes=1), style),
            "topic_id": topic,
            "deletion_metadata": {"deletion_type": "CREATOR"},
            "message_id": message_id,
        }
        if deleted_creator:
            deleted = {"creator": person(record.author), "created_date": takeout_date(record.ts, style),
                       "text": record.text, **deleted}
        return deleted
    message: dict[str, object] = {"creator": person(record.author)}
    if not was_edited(record):
        message["created_date"] = takeout_date(record.ts, style)
    if kind != "media" or record.text != ATTACHMENT:
        message["text"] = record.text
    if kind == "media":
        message["attached_files"] = [{"original_name": f"IMG_{i:04d}.jpg", "export_name": f"File-IMG_{i:04d}.jpg"}]
    message["topic_id"] = topic
    message["message_id"] = message_id
    if was_edited(record):
        message["updated_date"] = takeout_date(record.ts + timedelta(minutes=1), style)
        message["previous_message_versions"] = [{"created_date": takeout_date(record.ts, style), "text": "draft"}]
    return message


def _quoted(record: ChatRecord, written: Mapping[str, object], message_id: str, with_id: bool) -> dict[str, object]:
    """What a reply to `record` (written as `written`) quotes of it."""
    quoted: dict[str, object] = {"creator": person(record.author), "text": written.get("text", "")}
    if "attached_files" in written:
        quoted["attached_files"] = written["attached_files"]
    if with_id:
        quoted["message_id"] = message_id
    return quoted


def _dump(document: object) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
