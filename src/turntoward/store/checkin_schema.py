"""The tables of check-ins and the time-together log, on the store's metadata.

People are named here by the text the author gave (their display name when the store knows
them), not by a foreign key: forgetting a chat deletes the people only it mentioned, and a
person's own answers must not vanish with a chat. `turntoward.checkin` resolves names to
people (aliases and merges included) when it reads.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from turntoward.store.schema import Base


class CheckinRow(Base):
    """One person's answers to one instrument: a draft until every question was offered.

    `answers` is a JSON object of item id to answer (a number on the item's scale, free text
    for a journal, or null for a question the author skipped). Only the author sees it unless
    `shared` is true.
    """

    __tablename__ = "checkins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instrument: Mapped[str] = mapped_column(String(60))
    instrument_version: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(200))
    about: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="draft", server_default="draft")
    shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    answers: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    started_at: Mapped[datetime] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)

    __table_args__ = (Index("ix_checkins_author_status", "author", "status"),)


class TimeTogetherRow(Base):
    """Time spent with someone, in person or online, as its author logged it."""

    __tablename__ = "time_together"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    author: Mapped[str] = mapped_column(String(200))
    with_person: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    minutes: Mapped[int] = mapped_column(Integer)
    what: Mapped[str] = mapped_column(String(500), default="", server_default="")
    in_person: Mapped[bool] = mapped_column(Boolean)
    shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    logged_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())

    __table_args__ = (Index("ix_time_together_author", "author"),)
