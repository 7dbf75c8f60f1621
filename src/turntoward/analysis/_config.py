"""Thresholds of the rules backend, loaded from `thresholds.toml` (data, with reasons beside each)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Thresholds:
    burst_s: float
    session_gap_s: float
    checkin_gap_s: float
    night_start_hour: int
    night_end_hour: int
    window_s: float
    group_window_s: float
    late_waking_s: float
    prior_window_msgs: int
    prior_pseudo_bids: float
    follow_up_msgs: int
    follow_up_s: float
    episode_gap_s: float
    heated_msgs: int
    repair_after_s: float
    reference_ratio: float
    withholding_min: int
    min_weeks: int
    concern_p: float
    watch_p: float
    concern_drop: float
    watch_drop: float
    drift_recent_weeks: int
    drift_concern_drop: float
    drift_watch_drop: float
    drift_unanswered_run: int
    drift_min_weekly: float
    drift_large_group: int
    language_min_english: float
    language_min_messages: int
    language_month_sample: int
    language_name_confidence: float
    language_min_confidence: float


@cache
def thresholds() -> Thresholds:
    doc = tomllib.loads(resources.files("turntoward.analysis").joinpath("thresholds.toml").read_text("utf-8"))
    flat = {**doc["turns"], **doc["responses"], **doc["conflict"], **doc["killers"], **doc["signs"]}
    flat.update({f"drift_{k}": v for k, v in doc["drift"].items()})
    flat.update({f"language_{k}": v for k, v in doc["language"].items()})
    return Thresholds(**flat)
