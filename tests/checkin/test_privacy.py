"""Answers belong to the person who gave them: others see only what its author chose to share."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from turntoward.api import checkin as api
from turntoward.checkin import checkin_series
from turntoward.errors import NotFoundError, UsageError
from turntoward.store import Store

LONELY = {"companionship": 3, "left_out": 3, "isolated": 2}


def test_a_new_check_in_is_private_to_its_author(store: Store) -> None:
    mine = api.record_checkin(store, "loneliness3", LONELY, about="Sam")
    assert mine.checkin.author == "Alex" and not mine.checkin.shared
    assert [r.checkin.id for r in api.list_checkins(store)] == [mine.checkin.id]
    assert api.list_checkins(store, viewer="Sam") == []
    with pytest.raises(NotFoundError):
        api.share_checkin(store, mine.checkin.id, author="Sam")


def test_nothing_unshared_reaches_someone_elses_series(store: Store) -> None:
    api.record_checkin(store, "loneliness3", LONELY, about="Sam", when=datetime(2025, 3, 1))
    shared = api.record_checkin(
        store, "five_signs", {"lonely": 4, "guard_up": 2}, about="Sam", share=True, when=datetime(2025, 3, 2)
    )
    api.log_time_together(store, 60, in_person=True, with_person="Sam", when=datetime(2025, 3, 3))
    draft, _ = api.begin_checkin(store, "csi4", about="Sam")
    api.answer_checkin(store, draft.id, "happiness", 1)

    seen_by_sam = checkin_series(store, viewer="Sam")
    assert {r.checkin_id for r in seen_by_sam.readings} == {shared.checkin.id}
    assert seen_by_sam.together == []
    # Everything that leaves for Sam, as text, holds no trace of the private loneliness answers.
    export = json.dumps([r.checkin.answers for r in api.list_checkins(store, viewer="Sam", drafts=True)])
    assert "companionship" not in export and "happiness" not in export

    seen_by_alex = checkin_series(store)
    assert len({r.checkin_id for r in seen_by_alex.readings}) == 2
    assert len(seen_by_alex.together) == 1


def test_drafts_are_never_shown_to_anyone_else(store: Store) -> None:
    draft, _ = api.begin_checkin(store, "needs_met", about="Sam")
    api.answer_checkin(store, draft.id, "heard", 2)
    assert api.list_checkins(store, viewer="Sam", drafts=True) == []
    assert [r.checkin.id for r in api.list_checkins(store, drafts=True)] == [draft.id]
    with pytest.raises(UsageError, match="finish it"):
        api.share_checkin(store, draft.id)


def test_sharing_and_unsharing_is_the_authors_choice(store: Store) -> None:
    done = api.record_checkin(store, "loneliness3", LONELY)
    api.share_checkin(store, done.checkin.id)
    assert [r.checkin.id for r in api.list_checkins(store, viewer="Sam")] == [done.checkin.id]
    api.share_checkin(store, done.checkin.id, shared=False)
    assert api.list_checkins(store, viewer="Sam") == []


def test_a_viewer_is_recognised_by_any_of_their_names(store: Store) -> None:
    sams = api.record_checkin(store, "loneliness3", LONELY, author="Sam")
    assert sams.checkin.author == "Sam"
    assert api.list_checkins(store) == []  # Alex does not see it
    assert [r.checkin.id for r in api.list_checkins(store, viewer="sam")] == [sams.checkin.id]


def test_answers_survive_forgetting_the_chat(store: Store) -> None:
    done = api.record_checkin(store, "loneliness3", LONELY, author="Alex", about="Sam")
    store.forget("Sam")
    # Alex is no longer a person of the store (their only chat is gone); their answers remain theirs.
    [again] = api.list_checkins(store, viewer="Alex")
    assert again.checkin.id == done.checkin.id and again.checkin.answers == LONELY


def test_an_interrupted_check_in_resumes_where_it_stopped(store: Store) -> None:
    first, _ = api.begin_checkin(store, "loneliness3")
    api.answer_checkin(store, first.id, "companionship", 2)
    again, _ = api.begin_checkin(store, "loneliness3")
    assert again.id == first.id and again.answers == {"companionship": 2}
    other, _ = api.begin_checkin(store, "loneliness3", about="Sam")
    assert other.id != first.id


def test_checking_in_needs_to_know_who_is_answering(tmp_path) -> None:
    from turntoward.store import open_store

    empty = open_store(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        with pytest.raises(UsageError, match="--as NAME"):
            api.begin_checkin(empty, "five_signs")
        draft, _ = api.begin_checkin(empty, "five_signs", author="Robin")
        assert draft.author == "Robin"
    finally:
        empty.close()
