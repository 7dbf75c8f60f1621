"""The Python API: everything the ``turntoward`` command does, as functions.

A plain list of re-exports; each group of functions lives in its own module.
"""

from __future__ import annotations

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
