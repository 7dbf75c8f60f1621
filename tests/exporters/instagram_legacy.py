"""Render chat records as the ``messages.json`` of Instagram's old data download (2018-2020).

Records follow `tests.exporters._json_records.ChatRecord`. The output is what Instagram wrote:
one line, a list of threads, each ``{"participants": [...], "conversation": [...]}`` with the
conversation newest first, ``created_at`` in UTC with six-digit microseconds and ``+00:00`` from
each naive `ts` read as this computer's local time, authors by username (records' authors are
used as usernames). The 2020 layout (`compact` False) has Python's default separators and
``\\u`` escapes; the earlier one (`compact` True) has no spaces and its keys sorted.

The download leaves unsent messages out, so "deleted" records are omitted (`surviving`), and it
has no replies or edits, so those are not rendered. A "media" record whose text is one of
`MEDIA_FIELDS`' placeholders becomes that attachment, linked to `cdn_link` of its time where
the attachment has a link; any other media record is a photo. `likes` (record index ->
`turntoward.model.Reaction`s, each with a time) become the message's ``likes``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from tests.exporters._json_records import ChatRecord, surviving

from turntoward.model import Reaction

# Placeholder -> the field that holds such an attachment, and whether the importer shows its link.
MEDIA_FIELDS: dict[str, tuple[str, bool]] = {
    "<photo>": ("media", True),
    "<video>": ("media", True),
    "<shared post>": ("media_share_url", True),
    "<voice message>": ("voice_media", False),
    "<GIF>": ("animated_media_images", True),
    "<shared story>": ("story_share", False),
}


def cdn_link(placeholder: str, ts: datetime) -> str:
    """The link an attachment sent at `ts` is rendered with (a GIPHY link for a GIF)."""
    key = _utc(ts).replace(":", "").replace("-", "").replace(".", "")[:21]
    if placeholder == "<GIF>":
        return f"https://media1.giphy.com/media/{key}/giphy.gif"
    ending = "mp4" if placeholder == "<video>" else "jpg"
    return f"https://scontent-arn2-1.cdninstagram.com/v/t51.2885-15/e35/{key}_n.{ending}?_nc_ht=scontent.cdninstagram.com"


def shown_text(record: ChatRecord) -> str:
    """The text the importer gives a surviving record: its words, or a placeholder and link."""
    if str(record.kind) != "media":
        return record.text
    placeholder = record.text if record.text in MEDIA_FIELDS else "<photo>"
    return f"{placeholder} {cdn_link(placeholder, record.ts)}" if MEDIA_FIELDS[placeholder][1] else placeholder


def render_instagram_legacy(
    messages: Sequence[ChatRecord],
    *,
    participants: Sequence[str],
    compact: bool = False,
    likes: Mapping[int, Sequence[Reaction]] | None = None,
) -> str:
    """The download's ``messages.json`` holding one thread of `messages` between `participants`."""
    kept, new_index = surviving(messages)
    given = {new_index[old]: found for old, found in (likes or {}).items() if old in new_index}
    entries = [_entry(record, given.get(i, ())) for i, record in enumerate(kept)]
    threads = [{"participants": list(participants), "conversation": entries[::-1]}]
    if compact:
        return json.dumps(threads, sort_keys=True, separators=(",", ":")) + "\n"
    return json.dumps(threads) + "\n"


def _entry(record: ChatRecord, likes: Sequence[Reaction]) -> dict[str, object]:
    entry: dict[str, object] = {"sender": record.author, "created_at": _utc(record.ts)}
    if str(record.kind) == "media":
        placeholder = record.text if record.text in MEDIA_FIELDS else "<photo>"
        key = MEDIA_FIELDS[placeholder][0]
        link = cdn_link(placeholder, record.ts)
        if key == "animated_media_images":
            entry[key] = {"original": {"url": link, "mp4": link.replace(".gif", ".mp4"), "width": "480"}}
            entry.update(is_random=False, user={})
        elif key == "media_share_url":
            entry.update(media_owner="some.shop", media_share_caption="New in store", media_share_url=link)
        elif key == "voice_media":
            entry[key] = "Media unavailable."
        elif key == "story_share":
            entry.update(story_share=f"Shared {record.author}'s story", text="")
        else:
            entry[key] = link
    else:
        entry["text"] = record.text
    if likes:
        entry["likes"] = [{"username": like.author, "date": _utc(like.ts or record.ts)} for like in likes]
    return entry


def _utc(ts: datetime) -> str:
    return ts.astimezone(UTC).isoformat(timespec="microseconds")
