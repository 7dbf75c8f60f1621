"""Small runtime helpers shared by every layer."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cycle collector during bulk work.

    A million messages are millions of tracked objects, and every collection their allocation
    triggers walks them all, looking for cycles that parsing, storing and analysing never make.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
