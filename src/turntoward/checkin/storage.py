"""Check-ins and time together in the store, and who may see them.

Answers belong to the person who gave them. Everything here that reads for someone takes a
`viewer` and returns only that person's own records plus what others chose to share; drafts
are never shown to anyone but their author. People are resolved through the store's names
and aliases, so "Sam", "Sam Rivera" and a merged phone number are one viewer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select, update

from turntoward.checkin.instruments import Instrument, get_instrument
from turntoward.checkin.scoring import Answer, Score, check_answer, scores
from turntoward.errors import NotFoundError, UsageError
from turntoward.store import Store
from turntoward.store.checkin_schema import CheckinRow, TimeTogetherRow
from turntoward.store.schema import AliasRow, PersonRow

DRAFT, COMPLETE = "draft", "complete"


@dataclass(frozen=True)
class Checkin:
    """A stored check-in: who answered, about whom, when, and the answers so far."""

    id: int
    instrument: str
    instrument_version: int
    author: str
    about: str | None
    status: str
    shared: bool
    answers: dict[str, Answer]
    started_at: datetime
    completed_at: datetime | None

    @property
    def is_draft(self) -> bool:
        return self.status == DRAFT

    def scores(self) -> dict[str, Score]:
        return scores(get_instrument(self.instrument), self.answers)


@dataclass(frozen=True)
class TogetherEntry:
    """Logged time together."""

    id: int
    author: str
    with_person: str | None
    started_at: datetime
    minutes: int
    what: str
    in_person: bool
    shared: bool


# -- people -------------------------------------------------------------------------------


def me(store: Store) -> str | None:
    """The display name of the store's "me" person, if the user said (or an import told) who they are."""
    with store.engine.connect() as conn:
        return conn.execute(select(PersonRow.name).where(PersonRow.is_me == True)).scalar()  # noqa: E712


def person_name(store: Store, name: str | None) -> str:
    """The name to record for `name`: the store's display name for a known person, else `name`
    as given; the "me" person when `name` is None (`UsageError` if nobody is "me")."""
    if name is None:
        found = me(store)
        if found is None:
            raise UsageError("who is answering? give --as NAME, or say which person is you: turntoward people me NAME")
        return found
    text = name.strip()
    if not text:
        raise UsageError("a person's name cannot be empty")
    with store.engine.connect() as conn:
        person = _person_id(conn, text)
        if person is None:
            return text
        return conn.execute(select(PersonRow.name).where(PersonRow.id == person)).scalar_one()


def _person_id(conn: Connection, name: str) -> int | None:
    found = conn.execute(select(AliasRow.person_id).where(AliasRow.alias == name)).scalar()
    if found is None:
        ids = set(conn.execute(select(PersonRow.id).where(PersonRow.name == name)).scalars())
        if not ids:
            ids = set(
                conn.execute(select(AliasRow.person_id).where(func.lower(AliasRow.alias) == name.lower())).scalars()
            )
        found = ids.pop() if len(ids) == 1 else None
    return found


class _Identity:
    """Who a recorded name is, now: a person of the store (after merges) or just the name."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._seen: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        key = self._seen.get(name)
        if key is None:
            person = _person_id(self._conn, name)
            key = self._seen[name] = f"person:{person}" if person is not None else f"name:{name.casefold()}"
        return key


# -- check-ins ----------------------------------------------------------------------------


def start_or_resume(
    store: Store, instrument: Instrument, author: str, about: str | None, *, now: datetime | None = None
) -> Checkin:
    """The author's unfinished check-in of this instrument about this person, or a new draft."""
    with store.engine.begin() as conn:
        row = conn.execute(
            select(CheckinRow.__table__)
            .where(
                CheckinRow.author == author,
                CheckinRow.instrument == instrument.id,
                CheckinRow.status == DRAFT,
                CheckinRow.about.is_(None) if about is None else CheckinRow.about == about,
            )
            .order_by(CheckinRow.id.desc())
        ).first()
        if row is not None:
            return _checkin(row)
        new_id = conn.execute(
            insert(CheckinRow).values(
                instrument=instrument.id,
                instrument_version=instrument.version,
                author=author,
                about=about,
                status=DRAFT,
                shared=False,
                answers="{}",
                started_at=now or datetime.now(),
            )
        ).inserted_primary_key[0]  # type: ignore[index]
    return get_checkin(store, new_id, viewer=author)


def record(
    store: Store,
    instrument: Instrument,
    author: str,
    about: str | None,
    answers: dict[str, Answer],
    *,
    share: bool = False,
    now: datetime | None = None,
) -> Checkin:
    """Store a whole, completed check-in in one transaction (drafts of the same are left alone)."""
    known = {item.id: item for item in instrument.items}
    unknown = sorted(set(answers) - set(known))
    if unknown:
        raise UsageError(f"{instrument.id} has no question {', '.join(unknown)}; it asks {', '.join(known)}")
    checked = {key: check_answer(known[key], value) for key, value in answers.items()}
    when = now or datetime.now()
    with store.engine.begin() as conn:
        new_id = conn.execute(
            insert(CheckinRow).values(
                instrument=instrument.id,
                instrument_version=instrument.version,
                author=author,
                about=about,
                status=COMPLETE,
                shared=share,
                answers=json.dumps(checked),
                started_at=when,
                completed_at=when,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
    return get_checkin(store, new_id, viewer=author)


def answer(store: Store, checkin_id: int, item_id: str, value: Answer, *, author: str) -> Checkin:
    """Record one answer (None: skipped) to the author's draft; saved at once, so nothing is lost."""
    current = get_checkin(store, checkin_id, viewer=author)
    _require_author(store, current, author, "answer")
    if not current.is_draft:
        raise UsageError(f"check-in {checkin_id} is already complete")
    instrument = get_instrument(current.instrument)
    answers = dict(current.answers)
    answers[item_id] = check_answer(instrument.item(item_id), value)
    with store.engine.begin() as conn:
        conn.execute(update(CheckinRow).where(CheckinRow.id == checkin_id).values(answers=json.dumps(answers)))
    return get_checkin(store, checkin_id, viewer=author)


def complete(
    store: Store, checkin_id: int, *, author: str, share: bool = False, now: datetime | None = None
) -> Checkin:
    """Finish a draft: it gets its timestamp and counts in trends from now on."""
    current = get_checkin(store, checkin_id, viewer=author)
    _require_author(store, current, author, "complete")
    if not current.is_draft:
        raise UsageError(f"check-in {checkin_id} is already complete")
    with store.engine.begin() as conn:
        conn.execute(
            update(CheckinRow)
            .where(CheckinRow.id == checkin_id)
            .values(status=COMPLETE, completed_at=now or datetime.now(), shared=share)
        )
    return get_checkin(store, checkin_id, viewer=author)


def set_shared(store: Store, checkin_id: int, *, author: str, shared: bool = True) -> Checkin:
    """Share a completed check-in with the people it is about (or stop sharing it). Only its author can."""
    current = get_checkin(store, checkin_id, viewer=author)
    _require_author(store, current, author, "share")
    if current.is_draft:
        raise UsageError(f"check-in {checkin_id} is a draft: finish it before sharing it")
    with store.engine.begin() as conn:
        conn.execute(update(CheckinRow).where(CheckinRow.id == checkin_id).values(shared=shared))
    return get_checkin(store, checkin_id, viewer=author)


def get_checkin(store: Store, checkin_id: int, *, viewer: str) -> Checkin:
    """One check-in the viewer may see; `NotFoundError` for one that does not exist or is private."""
    with store.engine.connect() as conn:
        row = conn.execute(select(CheckinRow.__table__).where(CheckinRow.id == checkin_id)).first()
        if row is not None and _visible(row, viewer, _Identity(conn)):
            return _checkin(row)
    # The same answer for "private" as for "missing": existence is not leaked either.
    raise NotFoundError(f"no check-in {checkin_id} that {viewer} can see")


def visible_checkins(store: Store, *, viewer: str, about: str | None = None, drafts: bool = False) -> list[Checkin]:
    """The viewer's own check-ins and others' shared, complete ones, oldest first.

    `drafts` adds the viewer's own drafts (never anyone else's); `about` keeps those about one person.
    """
    with store.engine.connect() as conn:
        who = _Identity(conn)
        rows = conn.execute(select(CheckinRow.__table__).order_by(CheckinRow.started_at, CheckinRow.id)).all()
        out = []
        for row in rows:
            if not _visible(row, viewer, who):
                continue
            if row.status == DRAFT and not drafts:
                continue
            if about is not None and (row.about is None or who(row.about) != who(about)):
                continue
            out.append(_checkin(row))
    return out


def _visible(row: Row[Any], viewer: str, who: _Identity) -> bool:
    if who(row.author) == who(viewer):
        return True
    return row.status == COMPLETE and bool(row.shared)


def _require_author(store: Store, checkin: Checkin, author: str, action: str) -> None:
    with store.engine.connect() as conn:
        who = _Identity(conn)
        mine = who(checkin.author) == who(author)
    if not mine:
        raise UsageError(f"only {checkin.author} can {action} check-in {checkin.id}")


def _checkin(row: Row[Any]) -> Checkin:
    return Checkin(
        id=row.id,
        instrument=row.instrument,
        instrument_version=row.instrument_version,
        author=row.author,
        about=row.about,
        status=row.status,
        shared=bool(row.shared),
        answers=json.loads(row.answers),
        started_at=row.started_at,
        completed_at=row.completed_at,
    )


# -- time together ------------------------------------------------------------------------


def log_together(
    store: Store,
    *,
    author: str,
    minutes: int,
    in_person: bool,
    with_person: str | None = None,
    what: str = "",
    when: datetime | None = None,
    share: bool = False,
) -> TogetherEntry:
    """Log time spent together; `when` defaults to now."""
    if minutes <= 0:
        raise UsageError(f"--minutes {minutes}: expected a positive number of minutes")
    with store.engine.begin() as conn:
        new_id = conn.execute(
            insert(TimeTogetherRow).values(
                author=author,
                with_person=with_person,
                started_at=when or datetime.now(),
                minutes=minutes,
                what=what,
                in_person=in_person,
                shared=share,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
    return next(t for t in visible_together(store, viewer=author) if t.id == new_id)


def visible_together(store: Store, *, viewer: str, with_person: str | None = None) -> list[TogetherEntry]:
    """The viewer's own time-together entries and others' shared ones, oldest first."""
    with store.engine.connect() as conn:
        who = _Identity(conn)
        rows = conn.execute(
            select(TimeTogetherRow.__table__).order_by(TimeTogetherRow.started_at, TimeTogetherRow.id)
        ).all()
        return [
            TogetherEntry(
                id=r.id,
                author=r.author,
                with_person=r.with_person,
                started_at=r.started_at,
                minutes=r.minutes,
                what=r.what,
                in_person=bool(r.in_person),
                shared=bool(r.shared),
            )
            for r in rows
            if (who(r.author) == who(viewer) or r.shared)
            and (with_person is None or (r.with_person is not None and who(r.with_person) == who(with_person)))
        ]
