"""The analysis: conversations in, findings out. Pure — no files, databases or network.

`analyze` and `analyze_conversation` are the entry points; `findings` holds what they return;
`backends` the interchangeable ways of labelling messages.
"""

from __future__ import annotations

from turntoward.analysis.engine import (
    Analysis,
    BidTally,
    ConversationAnalysis,
    analyze,
    analyze_conversation,
    assemble,
)
from turntoward.analysis.findings import (
    Accountability,
    Bid,
    BidKind,
    ConflictEpisode,
    Drift,
    Horseman,
    MessageLabel,
    Outcome,
    PeriodMetrics,
    Sign,
    Status,
    Suggestion,
    Trend,
    Withholding,
)

__all__ = [
    "Accountability",
    "Analysis",
    "Bid",
    "BidKind",
    "BidTally",
    "ConflictEpisode",
    "ConversationAnalysis",
    "Drift",
    "Horseman",
    "MessageLabel",
    "Outcome",
    "PeriodMetrics",
    "Sign",
    "Status",
    "Suggestion",
    "Trend",
    "Withholding",
    "analyze",
    "analyze_conversation",
    "assemble",
]
