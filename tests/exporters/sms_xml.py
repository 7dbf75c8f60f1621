"""Writes "SMS Backup & Restore" XML backups from simple records, quirks included.

One-to-one text becomes ``<sms>``; pictures and anything in a group chat become ``<mms>``
with ``<parts>`` and ``<addrs>``, as Android stores them. Emoji outside the Basic
Multilingual Plane are written as two surrogate character references, as the app does.
SMS has no replies and no deleting for everyone: ``reply_to`` is dropped and a deleted
message is simply absent, as it would be from a real phone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

# A 1x1 JPEG, enough for a part with data.
TINY_JPEG_BASE64 = (
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////"
    "////////////////////////////wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAA"
    "AAAAAAAAAAD/2gAIAQEAAD8AKp//2Q=="
)


class Record(Protocol):
    ts: datetime
    author: str
    text: str
    kind: str
    reply_to: int | None


_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"}


def escape(text: str) -> str:
    """An attribute value as the app writes it: XML escapes, and emoji as surrogate pairs."""
    out: list[str] = []
    for char in text:
        code = ord(char)
        if code > 0xFFFF:
            high, low = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
            out.append(f"&#{high};&#{low};")
        elif char in "&<>\"'\n\r\t":
            out.append(_ESCAPES.get(char, f"&#{code};"))
        else:
            out.append(char)
    return "".join(out)


def _millis(ts: datetime) -> int:
    return round(ts.timestamp() * 1000)


def _readable(ts: datetime) -> str:
    return f"{ts:%b} {ts.day}, {ts.year} {ts.hour % 12 or 12}:{ts:%M:%S} {'PM' if ts.hour >= 12 else 'AM'}"


def render_sms_xml(
    records: Sequence[Record],
    path: Path,
    *,
    me: str = "Me",
    numbers: dict[str, str] | None = None,
    my_number: str = "+15550000000",
) -> Path:
    """A backup at `path` with `records`; `numbers` maps authors to phone numbers (made up if absent)."""
    numbers = dict(numbers or {})
    # A chat of only the user's own messages still went to someone.
    others = list(dict.fromkeys(r.author for r in records if r.author != me)) or ["Unknown"]
    for i, other in enumerate(others):
        numbers.setdefault(other, f"+1555{1000001 + i * 7919:07d}"[:12])
    group = len(others) > 1
    elements: list[str] = []
    for record in records:
        if record.kind == "deleted":
            continue
        if group or record.kind == "media":
            elements.append(_mms(record, me, others, numbers, my_number))
        else:
            elements.append(_sms(record, me, others[0], numbers[others[0]]))
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n")
        fh.write("<!--File Created By SMS Backup & Restore v10.20.002 on 25/11/2026 15:30:12-->\n")
        fh.write(f'<smses count="{len(elements)}" backup_set="7d7f2b1e-5d38-4d1c-9c66-2f1f6c1f5b0e"'
                 f' backup_date="1764084612000" type="full">\n')
        fh.writelines(elements)
        fh.write("</smses>\n")
    return path


def _sms(record: Record, me: str, other: str, number: str) -> str:
    sent = record.author == me
    return (
        f'  <sms protocol="0" address="{escape(number)}" date="{_millis(record.ts)}"'
        f' type="{2 if sent else 1}" subject="null" body="{escape(record.text)}" toa="null" sc_toa="null"'
        f' service_center="{"null" if sent else "+15550009999"}" read="1" status="-1" locked="0"'
        f' date_sent="{0 if sent else _millis(record.ts) - 2000}" sub_id="1"'
        f' readable_date="{_readable(record.ts)}" contact_name="{escape(other)}" />\n'
    )


def _mms(record: Record, me: str, others: list[str], numbers: dict[str, str], my_number: str) -> str:
    sent = record.author == me
    addresses = "~".join(numbers[o] for o in others)
    parts = ['      <part seq="-1" ct="application/smil" name="null" chset="null" cd="null" fn="null"'
             ' cid="&lt;smil&gt;" cl="smil.xml" ctt_s="null" ctt_t="null" text="&lt;smil&gt;&lt;body&gt;'
             '&lt;/body&gt;&lt;/smil&gt;" />\n']
    if record.kind == "media":
        parts.append('      <part seq="0" ct="image/jpeg" name="IMG_20240312.jpg" chset="null" cd="null"'
                     ' fn="null" cid="&lt;0&gt;" cl="IMG_20240312.jpg" ctt_s="null" ctt_t="null" text="null"'
                     f' data="{TINY_JPEG_BASE64}" />\n')
    if record.text:
        parts.append(f'      <part seq="0" ct="text/plain" name="null" chset="106" cd="null" fn="null"'
                     f' cid="&lt;text_0&gt;" cl="text_0.txt" ctt_s="null" ctt_t="null"'
                     f' text="{escape(record.text)}" />\n')
    sender = my_number if sent else numbers[record.author]
    addrs = [f'      <addr address="{escape(sender)}" type="137" charset="106" />\n']
    recipients = [numbers[o] for o in others if o != record.author] + ([] if sent else [my_number])
    addrs += [f'      <addr address="{escape(r)}" type="151" charset="106" />\n' for r in recipients]
    return (
        f'  <mms date="{_millis(record.ts)}" rr="null" sub="null"'
        ' ct_t="application/vnd.wap.multipart.related"'
        f' read_status="null" seen="1" msg_box="{2 if sent else 1}" address="{escape(addresses)}"'
        f' sub_cs="null" resp_st="null" retr_st="null" d_tm="null"'
        f' text_only="{0 if record.kind == "media" else 1}"'
        f' exp="null" locked="0" m_id="null" st="null" retr_txt_cs="null" retr_txt="null" creator="null"'
        f' date_sent="0" read="1" m_size="null" rpt_a="null" ct_cls="null" pri="null" sub_id="1"'
        f' tr_id="null" resp_txt="null" ct_l="null" m_cls="personal" d_rpt="null" v="18" _id="1"'
        f' m_type="{128 if sent else 132}" readable_date="{_readable(record.ts)}"'
        f' contact_name="{escape(", ".join(others))}">\n'
        "    <parts>\n" + "".join(parts) + "    </parts>\n"
        "    <addrs>\n" + "".join(addrs) + "    </addrs>\n"
        "  </mms>\n"
    )
