"""The Python API: everything the ``turntoward`` command does, as functions.

A plain list of re-exports; each group of functions lives in its own module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from turntoward._lazy import lazy_exports

if TYPE_CHECKING:
    from turntoward.api.analysis import (
        analyze_conversations,
        conversation_summary,
        disagreement_records,
        evaluate,
        explain,
        explain_message,
        judge,
        load_conversations,
        message_records,
        summary,
        write_jsonl,
    )
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

# Imported on first use (`turntoward._lazy`): analysing an export file needs neither the store
# (SQLAlchemy, Alembic) nor the report (Altair).
__getattr__, __dir__ = lazy_exports(globals(), {
    **dict.fromkeys(("analyze_conversations", "conversation_summary", "disagreement_records", "evaluate", "explain",
                     "explain_message", "judge", "load_conversations", "message_records", "summary", "write_jsonl"),
                    ".analysis"),
    **dict.fromkeys(("ImportProgress", "ImportSummary", "forget", "import_paths", "list_conversations", "list_people",
                     "merge_people", "open_store", "set_me", "set_relationship"), ".data"),
    "ImportOptions": "turntoward.ingest",
    **dict.fromkeys(("Store", "StoredConversation", "StoredPerson"), "turntoward.store"),
})

__all__ = [
    "ImportOptions",
    "ImportProgress",
    "ImportSummary",
    "Store",
    "StoredConversation",
    "StoredPerson",
    "analyze_conversations",
    "conversation_summary",
    "disagreement_records",
    "evaluate",
    "explain",
    "explain_message",
    "forget",
    "import_paths",
    "judge",
    "list_conversations",
    "list_people",
    "load_conversations",
    "merge_people",
    "message_records",
    "open_store",
    "set_me",
    "set_relationship",
    "summary",
    "write_jsonl",
]
