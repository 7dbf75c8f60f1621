"""The errors turntoward raises on purpose.

Every error the user can cause is a `TurntowardError`; the CLI prints its message as one
line and exits with its `exit_code`. Anything else escaping is a bug.
"""

from __future__ import annotations

from pathlib import PurePath


class TurntowardError(Exception):
    """Base of every error turntoward raises on purpose."""

    exit_code: int = 2


class ImportFormatError(TurntowardError):
    """An export file could not be read: names the file, where in it, and what was expected."""

    def __init__(
        self,
        source: str | PurePath,
        expected: str,
        *,
        line: int | None = None,
        json_path: str | None = None,
        found: str | None = None,
        found_quoted: bool = True,
    ) -> None:
        self.source = str(source)
        self.found_quoted = found_quoted  # False: `found` describes what is there ("an empty file")
        self.expected = expected
        self.line = line
        self.json_path = json_path
        self.found = found
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
        if self.json_path:
            where += f" at {self.json_path}"
        text = f"{where}: expected {self.expected}"
        if self.found is not None:
            shown = self.found if len(self.found) <= 60 else self.found[:57] + "..."
            text += f", found {shown!r}" if self.found_quoted else f", found {shown}"
        return text


class UnknownFormatError(ImportFormatError):
    """No importer recognises the file."""


class StoreError(TurntowardError):
    """The database cannot be opened, migrated or written."""


class NotFoundError(TurntowardError):
    """A conversation, person or message named by the user does not exist."""

    exit_code = 1


class UsageError(TurntowardError):
    """Arguments that do not fit together."""
