"""Check-ins: private questionnaires and a time-together log, scored and kept per person.

Instruments are data files (``instruments/*.toml``); `scoring` turns answers into scores and
sign levels; `storage` keeps answers private to their author unless shared; `series` is what
the analysis and report may read for a viewer; `ics` writes reminders for any calendar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from turntoward._lazy import lazy_exports
from turntoward.checkin.ics import Reminder, reminder, to_ics
from turntoward.checkin.instruments import Instrument, Item, Scale, get_instrument, instruments
from turntoward.checkin.scoring import Score, SignLevel, help_needed, scores, sign_levels

if TYPE_CHECKING:
    from turntoward.checkin.series import checkin_series
    from turntoward.checkin.storage import Checkin, TogetherEntry

# Imported on first use (`turntoward._lazy`): `storage` and `series` need the store (SQLAlchemy),
# which reading an instrument or scoring answers does not. (A name must not be a module's too:
# importing `turntoward.checkin.instruments` sets the package's `instruments` to the module, which
# is why that module's names are imported here at once.)
__getattr__, __dir__ = lazy_exports(globals(), {
    "checkin_series": ".series",
    **dict.fromkeys(("Checkin", "TogetherEntry"), ".storage"),
})

__all__ = [
    "Checkin",
    "Instrument",
    "Item",
    "Reminder",
    "Scale",
    "Score",
    "SignLevel",
    "TogetherEntry",
    "checkin_series",
    "get_instrument",
    "help_needed",
    "instruments",
    "reminder",
    "scores",
    "sign_levels",
    "to_ics",
]
