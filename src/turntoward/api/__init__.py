"""The Python API: everything the ``turntoward`` command does, as functions.

A plain list of re-exports; each group of functions lives in its own module.
"""

from __future__ import annotations

from turntoward.api.data import (
    ImportProgress,
    ImportSummary,
    forget,
    import_paths,
    list_conversations,
    list_people,
    merge_people,
    open_store,
    set_me,
    set_relationship,
)
from turntoward.ingest import ImportOptions
from turntoward.store import Store, StoredConversation, StoredPerson

__all__ = [
    "ImportOptions",
    "ImportProgress",
    "ImportSummary",
    "Store",
    "StoredConversation",
    "StoredPerson",
    "forget",
    "import_paths",
    "list_conversations",
    "list_people",
    "merge_people",
    "open_store",
    "set_me",
    "set_relationship",
]
