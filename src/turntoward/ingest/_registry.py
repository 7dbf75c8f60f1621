"""The one seam through which source formats plug in, and format detection."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from importlib.metadata import entry_points
from pathlib import Path
from typing import Protocol, runtime_checkable

from turntoward.errors import ImportFormatError, UnknownFormatError
from turntoward.ingest._sources import LaterPageError, Source, expand_paths
from turntoward.model import Conversation


@dataclass(frozen=True)
class ImportOptions:
    """Choices the user can make about reading an export.

    `date_order` forces ``dmy``, ``mdy`` or ``ymd`` where a format's dates are ambiguous;
    `column_map` maps our fields (ts, author, text, ...) to a table's column names; `me` is
    the name to give the exporting user where the format only says "me".
    """

    date_order: str | None = None
    column_map: dict[str, str] = field(default_factory=dict)
    me: str | None = None


@runtime_checkable
class Importer(Protocol):
    """A source format: recognises its files and parses them into conversations."""

    @property
    def name(self) -> str:
        """Short identifier stored with each conversation (``whatsapp``, ``telegram``, ...)."""
        ...

    @property
    def description(self) -> str:
        """One line for ``--help`` and error messages."""
        ...

    def sniff(self, source: Source, head: bytes) -> float:
        """How sure (0..1) this importer is that `source` is its format, from its first bytes."""
        ...

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        """Every conversation in `source`, messages in chronological order.

        Raises `ImportFormatError` for anything it cannot read; never anything else. Raises
        its subclass `UnknownFormatError` where the file turns out not to be this format at
        all (a guess from the file's extension was wrong), so a folder import skips it.
        """
        ...


_REGISTRY: dict[str, Importer] = {}
_BUILTIN = (
    "whatsapp",
    "whatsapp_db",
    "whatsapp_exporter",
    "whatsapp_viewer",
    "telegram",
    "telegram_html",
    "signal",
    "signal_backup",
    "sigtop",
    "imessage",
    "imessage_txt",
    "imessage_html",
    "messenger",
    "messenger_e2ee",
    "instagram_legacy",
    "messenger_html",
    "messenger_legacy",
    "discord",
    "discord_txt",
    "discord_html",
    "line",
    "kakaotalk",
    "google_chat",
    "skype",
    "skype_db",
    "snapchat",
    "twitter_dm",
    "groupme",
    "qq",
    "wechat",
    "irc",
    "element",
    "element_txt",
    "element_html",
    "slack",
    "sms_xml",
    "android_sms_db",
    "google_voice",
    "topical_chat",
    "cmu_dog",
    "dailydialog",
    "empathetic_dialogues",
    "convabuse",
    "goemotions",
    "convokit",
    "cornell_movies",
    "personachat",
    "tabular",
    "labelled",
)
_loaded = False


def register(importer: Importer) -> Importer:
    """Add a source format. Returns the importer so it can be used as a decorator on an instance."""
    _REGISTRY[importer.name] = importer
    return importer


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in _BUILTIN:
        try:
            import_module(f"turntoward.ingest.{module}")
        except ModuleNotFoundError as exc:  # a format still being written is simply absent
            if exc.name != f"turntoward.ingest.{module}":
                raise
    for ep in entry_points(group="turntoward.importers"):
        register(ep.load())


def importers() -> dict[str, Importer]:
    """The registered importers by name."""
    _load()
    return dict(_REGISTRY)


def detect(source: Source, head: bytes | None = None) -> Importer | None:
    """The importer most sure it can read `source`, or None."""
    _load()
    if head is None:
        head = source.head()
    best: tuple[float, Importer | None] = (0.0, None)
    for importer in _REGISTRY.values():
        score = importer.sniff(source, head)
        if score > best[0]:
            best = (score, importer)
    return best[1]


def parse_source(source: Source, options: ImportOptions, fmt: str | None = None) -> list[Conversation]:
    """Parse one file with the named format, or the detected one."""
    _load()
    if fmt is not None:
        if fmt not in _REGISTRY:
            known = ", ".join(sorted(_REGISTRY))
            raise ImportFormatError(source.name, f"a known format name ({known})", found=fmt)
        importer: Importer | None = _REGISTRY[fmt]
    else:
        importer = detect(source)
    if importer is None:
        line, found = _first_words(source)
        quoted = line is not None
        broken = _broken_json(source)
        if broken is not None:  # a JSON export cut off or hand-edited: say where it breaks
            (line, found), quoted = broken, False
        raise UnknownFormatError(
            source.name, f"a chat export in one of the {len(_REGISTRY)} formats `turntoward formats` lists "
            "(or name one with --format)", line=line, found=found, found_quoted=quoted)
    return list(importer.parse(source, options))


def _broken_json(source: Source) -> tuple[int, str] | None:
    """For a ``.json`` file that is not valid JSON: the line where it breaks, and how."""
    if not source.filename.lower().endswith(".json"):
        return None
    try:
        json.loads(source.read_bytes())
    except json.JSONDecodeError as exc:
        return exc.lineno, f"JSON that does not parse there ({exc.msg}, column {exc.colno})"
    except (ValueError, RecursionError, ImportFormatError):
        return None
    return None


def _first_words(source: Source) -> tuple[int | None, str]:
    """Where a file no importer reads shows what it is: its first line with words on it (and
    that line's number), or that it is empty, or binary data."""
    head = source.head()
    if not head.strip():
        return None, "an empty file" if not head else "only blank space"
    if b"\0" in head[:1024]:
        return None, "binary data"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            return number, line.strip()
    return None, "only blank space"


def read_paths(
    paths: list[str | Path],
    options: ImportOptions | None = None,
    fmt: str | None = None,
    on_skip: Callable[[Source, UnknownFormatError], None] | None = None,
) -> Iterator[tuple[Source, list[Conversation]]]:
    """Parse every export under `paths` (files, folders, zip archives), one source at a time.

    Files found inside folders and archives that no importer recognises are skipped silently
    (photos, stickers); one that an importer took up but found not to be a chat at all (a
    spreadsheet of expenses beside the export) is skipped too, and passed to `on_skip` with
    the reason. A chat export with an error in it is never skipped: its `ImportFormatError`
    stops the import. A file named directly must be importable, and a folder or archive that
    holds no chat export at all is an error.
    """
    options = options or ImportOptions()
    _load()
    named_files = {Path(raw).resolve() for raw in paths if Path(raw).is_file()}
    for raw in paths:
        produced = False
        for source in expand_paths([raw]):
            try:
                if source.named or fmt is not None:
                    conversations = parse_source(source, options, fmt)
                else:
                    importer = detect(source)
                    if importer is None:
                        continue  # a photo, a sticker, a stray note
                    conversations = list(importer.parse(source, options))
            except LaterPageError as later:
                if later.first.path is not None and later.first.path.resolve() in named_files:
                    produced = True  # named beside its first page (messages*.html): that page reads it
                    continue
                raise
            except UnknownFormatError as not_a_chat:
                if source.named:
                    raise
                if on_skip is not None:
                    on_skip(source, not_a_chat)
                continue
            produced = True
            yield source, conversations
        if not produced:
            raise UnknownFormatError(str(raw), "a folder or archive containing a chat export")
