"""Reports of the bundled example chats (Maya with Jonah, with Priya, and with her family)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from turntoward.analysis.engine import Analysis
from turntoward.api.analysis import analyze_conversations, load_conversations
from turntoward.report import Report, build_report

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
COUPLE = EXAMPLES / "couple" / "WhatsApp Chat with Jonah.txt"
FRIENDS = EXAMPLES / "friends" / "result.json"
FAMILY = EXAMPLES / "family" / "WhatsApp Chat - Okafor family.zip"
GENERATED = datetime(2024, 8, 1, 9, 30)


@pytest.fixture(scope="session")
def examples_analysis() -> Analysis:
    convs = load_conversations([str(COUPLE), str(FRIENDS), str(FAMILY)])
    return analyze_conversations(convs, me="Maya")


@pytest.fixture(scope="session")
def examples_report(examples_analysis: Analysis) -> Report:
    return build_report(examples_analysis, generated=GENERATED)


@pytest.fixture(scope="session")
def examples_html(examples_report: Report) -> str:
    return examples_report.html()


@pytest.fixture(scope="session")
def redacted_report(examples_analysis: Analysis) -> Report:
    return build_report(examples_analysis, redact=True, generated=GENERATED)
