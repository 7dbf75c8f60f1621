"""People across sources: one person under many names, and at most one "me"."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from turntoward import api
from turntoward.errors import NotFoundError, UsageError
from turntoward.model import Conversation, Message, SystemEvent
from turntoward.store import Store

T = datetime(2024, 5, 1, 19, 0)


def chat(fmt: str, title: str, authors: list[str]) -> Conversation:
    messages = [Message(i, T + timedelta(minutes=i), a, f"message {i} from {a}") for i, a in enumerate(authors)]
    return Conversation(source=f"{title}.export", source_format=fmt, title=title, messages=messages)


@pytest.fixture
def three_sources(store: Store) -> Store:
    store.save_source("wa.txt", [chat("whatsapp", "Sam", ["Sam", "Lee", "Sam"])])
    store.save_source("sms.xml", [chat("sms_xml", "+44 7700 900123", ["+44 7700 900123", "Lee"])])
    store.save_source("mail.json", [chat("messenger", "Sam Smith", ["sam.smith@mail", "Lee"])])
    return store


def test_merged_aliases_read_as_one_person_everywhere(three_sources: Store) -> None:
    api.merge_people(three_sources, "Sam", "+44 7700 900123")
    sam = api.merge_people(three_sources, "Sam", "sam.smith@mail")

    assert sam.aliases == ["Sam", "+44 7700 900123", "sam.smith@mail"]
    assert (sam.messages, sam.conversations) == (4, 3)
    assert sorted(p.name for p in api.list_people(three_sources)) == ["Lee", "Sam"]
    assert three_sources.load_conversation("Sam Smith").people == ["Sam", "Lee"]


def test_a_merged_alias_is_recognised_in_the_next_import(three_sources: Store) -> None:
    api.merge_people(three_sources, "Sam", "+44 7700 900123")
    later = chat("sms_xml", "+44 7700 900123", ["+44 7700 900123", "Lee", "+44 7700 900123"])

    saved = three_sources.save_source("sms-later.xml", [later])

    assert (saved[0].added, saved[0].skipped) == (1, 2)
    assert [p.name for p in api.list_people(three_sources)] == ["Lee", "Sam", "sam.smith@mail"]


def test_there_is_at_most_one_me(three_sources: Store) -> None:
    api.set_me(three_sources, "Lee")
    api.set_me(three_sources, "Sam")

    assert [p.name for p in api.list_people(three_sources) if p.is_me] == ["Sam"]


def test_merging_me_into_another_name_keeps_me(three_sources: Store) -> None:
    api.set_me(three_sources, "sam.smith@mail")
    api.merge_people(three_sources, "Sam", "sam.smith@mail")

    assert [p.name for p in api.list_people(three_sources) if p.is_me] == ["Sam"]
    assert three_sources.load_conversation("Sam Smith").me == "Sam"


def test_the_export_says_who_me_is_only_until_the_user_does(store: Store) -> None:
    telegram = chat("telegram", "Lee", ["Lee", "Ana"])
    telegram.me = "Ana"
    store.save_source("result.json", [telegram])
    assert [p.name for p in api.list_people(store) if p.is_me] == ["Ana"]

    api.set_me(store, "Lee")
    store.save_source("result.json", [telegram])

    assert [p.name for p in api.list_people(store) if p.is_me] == ["Lee"]


def test_naming_someone_unknown_or_the_same_person_twice_is_refused(three_sources: Store) -> None:
    with pytest.raises(NotFoundError, match="Robin"):
        api.merge_people(three_sources, "Sam", "Robin")
    with pytest.raises(UsageError):
        api.merge_people(three_sources, "Sam", "Sam")


def test_a_notice_credited_to_the_chat_does_not_make_a_person(store: Store) -> None:
    # iOS credits the encryption notice to the chat itself: "[02/03/2024, 17:48:29] Okafor family: ..."
    family = chat("whatsapp", "Okafor family", ["Mum", "Dad"])
    family.system_events = [SystemEvent(T, "Messages and calls are end-to-end encrypted.", author="Okafor family")]
    store.save_source("_chat.txt", [family])

    assert sorted(p.name for p in api.list_people(store)) == ["Dad", "Mum"]
    assert store.load_conversation("Okafor family").system_events == family.system_events
