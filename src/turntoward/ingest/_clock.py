"""The one conversion every export with Unix times needs: an instant as this computer's wall clock."""

from __future__ import annotations

from datetime import datetime, timedelta


def local_time(ms: int) -> datetime | None:
    """Milliseconds since 1970 (UTC) as naive local time of this computer; None where its clock cannot
    show them. Whole seconds go through the local clock, then the milliseconds are added exactly (no
    float error)."""
    try:
        return datetime.fromtimestamp(ms // 1000) + timedelta(milliseconds=ms % 1000)
    except (OverflowError, OSError, ValueError):
        return None
