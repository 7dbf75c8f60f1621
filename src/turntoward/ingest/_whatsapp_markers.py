"""The texts WhatsApp writes for media, deletions, edits and app notices, loaded from data.

`formats/whatsapp.toml` lists them per app language; this module merges every language into
the lookup structures the parser's hot loop needs (sets, tuples for ``str.startswith``, one
compiled regex per kind of pattern), so recognising a marker costs a hash or two per message.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from turntoward.model import MessageKind

MARKERS_FILE = Path(__file__).with_name("formats") / "whatsapp.toml"
_OPTION = re.compile(r"\w+: .*\(\u200e?\d+\s\w+\)$")
"""A poll option's line on Android: "OPTION: Saturday (3 votes)", "OPTION: Samstag (\u200e3\u00a0Stimmen)"."""


@dataclass(frozen=True)
class Markers:
    """Every language's markers, merged."""

    title_prefixes: tuple[str, ...]
    kind_by_text: dict[str, MessageKind]
    """Whole texts that make a message MEDIA, DELETED or SYSTEM."""
    media_prefix: tuple[str, ...]
    media_suffix: tuple[str, ...]
    media_after_caption: tuple[str, ...]
    """U+200E and a media prefix that opens a bracket: iOS writes "caption \u200e<attached: f.jpg>"."""
    edited_suffix: tuple[str, ...]
    system_prefix: tuple[str, ...]
    system_before_colon: re.Pattern[str]
    system_actor: tuple[re.Pattern[str], ...]
    poll_prefix: tuple[str, ...] = ()
    deleted_prefix: tuple[str, ...] = ()

    def kind_of(self, text: str) -> MessageKind | None:
        """MEDIA, DELETED or SYSTEM when `text` (marks already stripped) is one of those markers."""
        kind = self.kind_by_text.get(text)
        if kind is not None:
            return kind
        if text.startswith(self.deleted_prefix) and len(text) < 80:  # "Un admin., Jimmy, eliminó este mensaje."
            return MessageKind.DELETED
        # a caption may follow an attachment on the lines below it, or (iOS) come before its notice
        if (
            text.startswith(self.media_prefix)
            or text.partition("\n")[0].endswith(self.media_suffix)
            or text.endswith(self.media_suffix)
            or (text.endswith(">") and any(marker in text for marker in self.media_after_caption))
        ):
            return MessageKind.MEDIA
        if text.startswith(self.system_prefix):
            return MessageKind.SYSTEM
        return None

    def poll_question(self, text: str, marked: bool) -> str | None:
        """The question of a poll, or None when `text` (leading marks stripped) is not one.

        A poll is its header line ("POLL:"), the question (a line or more), then one line per
        option: "OPTION: Saturday (3 votes)" on Android, the same after U+200E on iOS. A header
        in a language the marker file does not list is still known on iOS by its shape: an
        app-marked first line ending in ":" and options marked with U+200E.
        """
        head, _, rest = text.partition("\n")
        if not rest or not (head in self.poll_prefix or (marked and head.endswith(":") and "\n\u200e" in text)):
            return None
        question = []
        for line in rest.split("\n"):
            if line.startswith("\u200e") or _OPTION.match(line):
                break
            question.append(line)
        return "\n".join(question).strip() or None

    def actors(self, notice: str) -> tuple[str | None, str | None]:
        """Who did what an app notice reports, and to whom, where a known pattern says."""
        for pattern in self.system_actor:
            found = pattern.match(notice)
            if found:
                groups = found.groupdict()
                return groups.get("who"), groups.get("whom")
        return None, None


@cache
def load_markers(path: Path = MARKERS_FILE) -> Markers:
    """Read and merge the marker file (once per process)."""
    with path.open("rb") as fh:
        languages: dict[str, dict[str, list[str]]] = tomllib.load(fh)

    def every(key: str) -> list[str]:
        return [entry for language in languages.values() for entry in language.get(key, [])]

    kind_by_text: dict[str, MessageKind] = {}
    for key, kind in (
        ("system_exact", MessageKind.SYSTEM),
        ("deleted", MessageKind.DELETED),
        ("media_exact", MessageKind.MEDIA),
    ):
        kind_by_text.update(dict.fromkeys(every(key), kind))
    return Markers(
        # longest first, so "WhatsApp Chat with " wins over a shorter prefix of it
        title_prefixes=tuple(sorted(every("title_prefixes"), key=len, reverse=True)),
        kind_by_text=kind_by_text,
        media_prefix=tuple(every("media_prefix")),
        # iOS writes a photo's caption, or a file's name, then U+200E and the media notice:
        # "Fijne dagen! \u200eafbeelding weggelaten", "plan.pdf • \u200e8 Seiten \u200eDokument weggelassen"
        media_suffix=tuple(every("media_suffix")) + tuple(f"\u200e{text}" for text in every("media_exact")),
        media_after_caption=tuple(f"\u200e{prefix}" for prefix in every("media_prefix") if prefix.startswith("<")),
        edited_suffix=tuple(every("edited_suffix")),
        system_prefix=tuple(every("system_prefix")),
        system_before_colon=re.compile("|".join(f"(?:{p})" for p in every("system_before_colon"))),
        system_actor=tuple(re.compile(p, re.DOTALL) for p in every("system_actor")),
        poll_prefix=tuple(every("poll_prefix")),
        deleted_prefix=tuple(every("deleted_prefix")),
    )
