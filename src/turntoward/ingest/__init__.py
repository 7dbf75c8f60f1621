"""Importers: bytes of chat exports in, `Conversation` records out.

Each source format lives in its own module and registers one `Importer` object through
`register` (third-party packages can do the same through the ``turntoward.importers`` entry
point). `read_paths` expands files, folders and zip archives, `detect` picks the importer
for each file, and every problem surfaces as an `ImportFormatError` naming the file, the line
or JSON path, and what was expected.
"""

from __future__ import annotations

from turntoward.ingest._registry import (
    Importer,
    ImportOptions,
    detect,
    importers,
    parse_source,
    read_paths,
    register,
)
from turntoward.ingest._sources import Source, expand_paths

__all__ = [
    "ImportOptions",
    "Importer",
    "Source",
    "detect",
    "expand_paths",
    "importers",
    "parse_source",
    "read_paths",
    "register",
]
