"""Reading JSON chat exports: decoding, parsing and typed access that names the JSON path.

Telegram, Discord and Meta exports are JSON documents. Everything that can go wrong with one
(binary bytes, a truncated file, a number where a date should be) must surface as an
`ImportFormatError` naming the file, the line or the JSON path (``messages[12].date``), and
what was expected. `JsonDoc` gives the importers that access without building a path string
for every field they read: paths are only spelled out when something is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import NoReturn

from turntoward.errors import ImportFormatError, UnknownFormatError
from turntoward.ingest._sources import Source

_MISSING = object()
_WHITESPACE = b" \t\r\n"
_BOM = b"\xef\xbb\xbf"

JsonObject = dict[str, object]


def looks_like_json_object(head: bytes) -> bool:
    """Whether `head` starts like a JSON object (after an optional BOM and whitespace)."""
    return head.removeprefix(_BOM).lstrip(_WHITESPACE)[:1] == b"{"


def load_json(source: Source) -> object:
    """The parsed document in `source`; undecodable or malformed JSON raises ImportFormatError."""
    text = source.read_text("a UTF-8 encoded JSON document")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"a JSON document (column {exc.colno}: {exc.msg})"
        raise ImportFormatError(source.name, where, line=exc.lineno) from exc
    except (ValueError, RecursionError) as exc:  # over-long integers, absurd nesting
        raise ImportFormatError(source.name, "a JSON document", found=str(exc)) from exc


def json_lines(source: Source, expected: str) -> Iterator[tuple[int, object]]:
    """Each value of a JSON Lines file with its line number, read as the file streams (blank lines
    passed over). Bytes that are not UTF-8 or a value that does not parse raise ImportFormatError
    naming the line, `expected` saying what a line should be ("one JSON object a line"); a line that
    does not parse before any did raises UnknownFormatError, as the file is then no such export."""
    read_one = False
    with source.stream() as fh:
        for number, raw in enumerate(fh, 1):
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise ImportFormatError(source.name, "UTF-8 text", line=number,
                                        found=f"byte {exc.object[exc.start:exc.end].hex(' ')}, not UTF-8") from None
            if not text.strip():
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                error = ImportFormatError if read_one else UnknownFormatError
                raise error(source.name, f"{expected} (column {exc.colno}: {exc.msg})", line=number) from None
            except (ValueError, RecursionError) as exc:
                raise ImportFormatError(source.name, expected, line=number, found=str(exc)) from None
            read_one = True
            yield number, value


def child(path: str, key: str) -> str:
    """The path of `key` inside the object at `path` (``messages[3]`` + ``date``)."""
    return f"{path}.{key}" if path else key


def describe(value: object) -> str:
    """A short rendering of a JSON value for an error message."""
    if value is _MISSING:
        return "nothing"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return json.dumps(value, ensure_ascii=False)[:80]


class JsonDoc:
    """Typed reads from one parsed document; a wrong type raises an error naming its path."""

    def __init__(self, source: Source) -> None:
        self.source = source

    def fail(self, path: str, expected: str, value: object = _MISSING) -> NoReturn:
        raise ImportFormatError(self.source.name, expected, json_path=path or "$", found=describe(value))

    def obj(self, value: object, path: str) -> JsonObject:
        if not isinstance(value, dict):
            self.fail(path, "a JSON object", value)
        return value

    def items(self, value: object, path: str) -> list[object]:
        if not isinstance(value, list):
            self.fail(path, "a list", value)
        return value

    def field_obj(self, parent: JsonObject, key: str, path: str) -> JsonObject:
        return self.obj(parent.get(key, _MISSING), child(path, key))

    def field_list(self, parent: JsonObject, key: str, path: str, *, optional: bool = False) -> list[object]:
        """The list at `key`; an absent or null key is an empty list when `optional`."""
        value = parent.get(key, _MISSING)
        if optional and (value is _MISSING or value is None):
            return []
        return self.items(value, child(path, key))

    def field_strs(self, parent: JsonObject, key: str, path: str, expected: str, *,
                   optional: bool = False) -> list[str]:
        """The list of strings at `key` (`field_list`); an item that is not a string fails as not
        `expected` ("a username (a string)"), at its own path."""
        out = []
        for k, value in enumerate(self.field_list(parent, key, path, optional=optional)):
            if not isinstance(value, str):
                self.fail(f"{child(path, key)}[{k}]", expected, value)
            out.append(value)
        return out

    def field_str(self, parent: JsonObject, key: str, path: str) -> str:
        value = parent.get(key, _MISSING)
        if not isinstance(value, str):
            self.fail(child(path, key), "a string", value)
        return value

    def optional_str(self, parent: JsonObject, key: str, path: str) -> str | None:
        """The string at `key`, or None when the key is absent or null."""
        value = parent.get(key)
        if value is None or isinstance(value, str):
            return value
        self.fail(child(path, key), "a string or null", value)

    def optional_int(self, parent: JsonObject, key: str, path: str) -> int | None:
        value = parent.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(child(path, key), "a whole number", value)
        return value

    def field_datetime(self, parent: JsonObject, key: str, path: str) -> datetime:
        """An ISO 8601 date-time, as naive wall-clock time in whatever offset it was written."""
        value = parent.get(key, _MISSING)
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                pass
            else:
                return moment if moment.tzinfo is None else moment.replace(tzinfo=None)
        self.fail(child(path, key), "an ISO date string", value)
