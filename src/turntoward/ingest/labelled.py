"""turntoward's own labelled-conversation JSON (ANNOTATION.md): one conversation per file.

It imports like any export (labels ignored), so labelled corpora can be analysed, imported and
rendered like real chats; `read_labelled` also returns the gold labels for `evaluate`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from turntoward.errors import ImportFormatError
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.ingest._whatsapp_markers import load_markers
from turntoward.ingest.whatsapp import TEXT_MARKS
from turntoward.model import Conversation, GoldMessage, Message, MessageKind, Relationship, untimed_ts

_RELATIONSHIP = {"partner": Relationship.PARTNER, "friend": Relationship.FRIEND, "group": Relationship.FRIEND,
                 "family": Relationship.FAMILY, "sibling": Relationship.FAMILY}
_MEDIA_MARKERS = ("<media omitted>", " omitted", "(file attached)", "<attached:")
_MEDIA_WORDS = (r"(?:sends?\s+(?:a\s+|an\s+)?)?(?:photo|image|picture|pic|video|gif|sticker"
                r"|voice(?:\s*(?:note|message|memo))?|audio|file|attachment|document|media|meme|selfie|screenshot)s?")
# How annotators and other tools write a photo or file in a transcript: "[photo]", "<image>",
# "(voice note)", "[sends a photo]", "[Photo: the beach]" at the start or end of a message; an
# app's "📷 Photo"; a bare file name ("IMG_2291.jpg").
_MEDIA = re.compile(
    rf"^\s*[\[(<]\s*{_MEDIA_WORDS}\b[^\])>]{{0,80}}[\])>]|[\[(<]\s*{_MEDIA_WORDS}\b[^\])>]{{0,80}}[\])>]\s*$"
    r"|^\s*(?:📷|📸|🎥|📹|🎤|🎙️?|📎|🖼️?)\s*(?:photo|video|voice message|audio|file|sticker|gif|image)\s*$"
    r"|^\s*[^\s/:]+\.(?:jpe?g|png|heic|gif|webp|mp4|mov|3gp|opus|ogg|m4a|mp3|pdf)\s*$",
    re.IGNORECASE,
)


def _kind(text: str) -> MessageKind:
    low = text.lower()
    if len(low) < 80 and (any(marker in low for marker in _MEDIA_MARKERS) or _MEDIA.search(low)):
        return MessageKind.MEDIA
    if low in ("this message was deleted", "you deleted this message"):
        return MessageKind.DELETED
    # A transcript cut from a WhatsApp export keeps its placeholders, in the app's language and
    # with its marks: "2016-09-23-PHOTO-00013416.jpg <\u200eattached>" (iOS before 2017),
    # "imagen omitida", "Se eliminó este mensaje." The importer's own list reads them here too.
    kind = load_markers().kind_of(text.strip().lstrip(TEXT_MARKS))  # iOS's marks before a placeholder
    if kind is MessageKind.MEDIA or kind is MessageKind.DELETED:
        return kind
    return MessageKind.TEXT


# ANNOTATION.md's label values (the analysis's enums say the same; ingest does not import the analysis)
_KINDS = ("attention", "question", "news", "feelings", "affection", "humor", "invitation", "support", "repair",
          "checkin")
_OUTCOMES = ("toward", "away", "against")
_HORSEMEN = ("criticism", "contempt", "defensiveness", "stonewalling")
_ACCOUNTABILITY = ("owns", "deflects")
_ALIASES = {"humour": "humor", "check-in": "checkin", "check in": "checkin", "towards": "toward",
            "turned toward": "toward", "turned away": "away", "turned against": "against", "defensive": "defensiveness",
            "stonewall": "stonewalling", "owned": "owns", "deflected": "deflects", "deflect": "deflects", "own": "owns"}
_NONE = ("", "none", "null", "no")
_TRUE, _FALSE = ("true", "yes", "1"), ("false", "no", "0", "")


def _label(value: object, allowed: tuple[str, ...], source: Source, path: str) -> str | None:
    """A label as ANNOTATION.md spells it, whatever the case or a common variant ("Humour",
    "Turned toward"); None for no label; a clear error for anything else."""
    if value is None:
        return None
    text = " ".join(str(value).split()).lower()
    if text in _NONE:
        return None
    text = _ALIASES.get(text, text)
    if text not in allowed or not isinstance(value, str):
        raise ImportFormatError(source.name, f"one of {', '.join(allowed)} or null", json_path=path, found=str(value))
    return text


def _flag(value: object, source: Source, path: str) -> bool:
    if value is None or isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE  # "false" is not true, as bool("false") would say
    raise ImportFormatError(source.name, "true or false", json_path=path, found=str(value))


def _by(value: object, n: int, source: Source, path: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < n:
        raise ImportFormatError(source.name, f"the index of a message (0 to {n - 1}) or null", json_path=path,
                                found=str(value))
    return value


def read_labelled(source: Source) -> tuple[Conversation, list[GoldMessage]]:
    """The conversation in a labelled file and its gold labels.

    Times are read as the wall-clock time written ("...T19:04:00+02:00" is 19:04), like every
    export's. A conversation labelled without times (a research corpus's dialogue: no message has
    a ``ts``, or every one is null) is placed a minute a line, as the table importer's ``ts=none``
    places one, and read as a chat without times (`analysis.context.has_times`); one message
    without a time among timed ones is an error naming it. Labels are matched whatever their case,
    and a label ANNOTATION.md does not know is an error naming the message, never a silent
    miscount in `evaluate`.
    """
    try:
        doc = json.loads(source.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ImportFormatError(source.name, "UTF-8 JSON", found=str(exc)) from exc
    except json.JSONDecodeError as exc:
        raise ImportFormatError(source.name, f"valid JSON ({exc.msg})", line=exc.lineno) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("messages"), list):
        raise ImportFormatError(source.name, "a labelled conversation with a 'messages' list", json_path="$")
    raws: list[Any] = doc["messages"]
    untimed = all(isinstance(raw, dict) and raw.get("ts") is None for raw in raws)
    messages: list[Message] = []
    gold: list[GoldMessage] = []
    for i, raw in enumerate(raws):
        path = f"messages[{i}]"
        try:
            ts = (untimed_ts(i) if untimed
                  else datetime.fromisoformat(raw["ts"]).replace(tzinfo=None))
            author, text = str(raw["author"]), "" if raw["text"] is None else str(raw["text"])
            bid: Any = raw.get("bid")
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ImportFormatError(source.name, "ts (ISO 8601), author and text", json_path=path) from exc
        if bid is not None and not isinstance(bid, dict):
            raise ImportFormatError(source.name, "bid to be null or an object", json_path=f"{path}.bid")
        kind = _label(bid.get("kind"), _KINDS, source, f"{path}.bid.kind") if bid else None
        if bid and kind is None:
            raise ImportFormatError(source.name, f"a bid kind ({', '.join(_KINDS)})", json_path=f"{path}.bid.kind",
                                    found=str(bid.get("kind")))
        messages.append(Message(index=i, ts=ts, author=author, text=text, kind=_kind(text)))
        gold.append(GoldMessage(
            bid_kind=kind,
            bid_outcome=_label(bid.get("outcome"), _OUTCOMES, source, f"{path}.bid.outcome") if bid else None,
            bid_by=_by(bid.get("by"), len(raws), source, f"{path}.bid.by") if bid else None,
            horseman=_label(raw.get("horseman"), _HORSEMEN, source, f"{path}.horseman"),
            control=_flag(raw.get("control"), source, f"{path}.control"),
            accountability=_label(raw.get("accountability"), _ACCOUNTABILITY, source, f"{path}.accountability"),
            repair=_flag(raw.get("repair"), source, f"{path}.repair"),
        ))
    conv = Conversation(
        source=source.name,
        source_format="labelled",
        title=str(doc.get("id") or source.filename),
        messages=messages,
        chat_id=str(doc["id"]) if doc.get("id") else None,
        me=doc.get("me"),
        relationship=_RELATIONSHIP.get(str(doc.get("relationship")), Relationship.OTHER),
    )
    return conv, gold


class LabelledImporter:
    name = "labelled"
    description = "turntoward labelled conversation JSON (ANNOTATION.md)"

    def sniff(self, source: Source, head: bytes) -> float:
        if not source.filename.lower().endswith(".json"):
            return 0.0
        text = head[:4096]
        return 0.9 if b'"messages"' in head and b'"relationship"' in text and b'"bid"' in head else 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        yield read_labelled(source)[0]


register(LabelledImporter())
