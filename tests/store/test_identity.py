"""Message identity: what makes a re-import recognise the messages it already has."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from turntoward.model import Conversation, Message, MessageKind, SystemEvent
from turntoward.store._identity import conversation_identity, message_keys

T = datetime(2024, 3, 5, 21, 4)


def test_keys_are_the_same_in_every_version_and_process() -> None:
    # Stored keys must keep matching future imports: a change here strands every database.
    messages = [Message(0, T, "Sam", "I got the job!!"), Message(1, T, "Alex", "ok"), Message(2, T, "Alex", "ok")]
    assert list(message_keys(messages)) == [3277007824050392508, 3277007820338063760, 3277007822603312848]


def test_time_author_text_and_kind_each_change_the_key() -> None:
    base = Message(0, T, "Sam", "ok")
    variants = [
        base,
        Message(0, T + timedelta(seconds=1), "Sam", "ok"),
        Message(0, T + timedelta(microseconds=5), "Sam", "ok"),
        Message(0, T, "Alex", "ok"),
        Message(0, T, "Sam", "ok!"),
        Message(0, T, "Sam", "ok", kind=MessageKind.MEDIA),
    ]
    assert len({message_keys([m])[0] for m in variants}) == len(variants)


def test_a_notice_never_takes_a_message_key() -> None:
    keys = message_keys([Message(0, T, "Sam", "Sam joined")], [SystemEvent(T, "Sam joined", author="Sam")])
    assert keys[0] != keys[1]


def test_a_chat_is_named_by_its_id_when_it_has_one() -> None:
    with_id = Conversation("a.json", "telegram", "Family", [], chat_id="77")
    without = Conversation("b.txt", "whatsapp", "Family", [])
    assert (conversation_identity(with_id), conversation_identity(without)) == ("id:77", "title:Family")


messages_strategy = st.lists(
    st.tuples(st.integers(0, 3), st.sampled_from(["Sam", "Alex"]), st.sampled_from(["ok", "haha", "love you", ""])),
    max_size=60,
)


@given(messages_strategy, st.integers(0, 60))
def test_keys_are_distinct_and_a_longer_export_keeps_the_earlier_keys(
    rows: list[tuple[int, str, str]], cut: int
) -> None:
    messages = [Message(i, T + timedelta(minutes=m), a, text) for i, (m, a, text) in enumerate(sorted(rows))]
    keys = message_keys(messages)

    assert len(set(keys)) == len(keys)
    assert message_keys(messages[:cut]) == keys[:cut]
