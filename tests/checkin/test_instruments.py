"""Instruments are data files: every shipped one loads, and a broken one is refused with its file and field."""

from __future__ import annotations

import pytest

from turntoward.checkin import get_instrument, instruments
from turntoward.checkin.instruments import SIGNS, parse_instrument
from turntoward.errors import ImportFormatError, NotFoundError

GOOD = """
id = "tiny"
version = 1
title = "Tiny"
kind = "scale"
about = "partner"
source = "written for this test"
licence = "MIT"
[scale]
min = 1
max = 3
labels = ["low", "middle", "high"]
[[items]]
id = "a"
text = "First"
[[items]]
id = "b"
text = "Second"
reverse = true
"""


def test_every_shipped_instrument_names_its_source_and_terms() -> None:
    found = instruments()
    assert {
        "are",
        "five_signs",
        "connection_killers",
        "intimacy",
        "needs_met",
        "reflection",
        "loneliness3",
        "csi4",
    } <= set(found)
    for instrument in found.values():
        assert instrument.source and instrument.licence
        for link in instrument.signs:
            assert link.sign in SIGNS


def test_published_scales_say_what_wording_could_not_be_verified() -> None:
    assert "could not check" in get_instrument("csi4").wording
    assert "Research on Aging" in get_instrument("loneliness3").source


def test_csi4_first_question_has_its_own_seven_point_scale() -> None:
    csi = get_instrument("csi4")
    assert (csi.item("happiness").scale.min, csi.item("happiness").scale.max) == (0, 6)
    assert (csi.item("satisfied").scale.min, csi.item("satisfied").scale.max) == (0, 5)


def test_the_reflection_journal_asks_free_text_and_scores_nothing() -> None:
    journal = get_instrument("reflection")
    assert journal.is_journal and all(item.scale is None for item in journal.items)
    assert not journal.signs


def test_questions_name_the_person_they_are_about() -> None:
    are = get_instrument("are")
    assert are.text_of(are.item("present"), "Sam") == "Sam was emotionally present when we were together."
    assert are.text_of(are.item("present"), None).startswith("Your partner was")


def test_an_unknown_instrument_lists_the_real_ones() -> None:
    with pytest.raises(NotFoundError, match="csi4"):
        get_instrument("bare")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (('labels = ["low", "middle", "high"]', 'labels = ["low", "high"]'), "scale.labels"),
        (("reverse = true", 'reverse = "yes"'), "items[1].reverse"),
        (('id = "b"', 'id = "a"'), "items[1].id"),
        (('kind = "scale"', 'kind = "quiz"'), "kind"),
    ],
)
def test_a_broken_instrument_file_names_the_file_and_field(change: tuple[str, str], field: str) -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse_instrument(GOOD.replace(*change), "mine.toml")
    assert caught.value.source == "mine.toml"
    assert caught.value.json_path == field


def test_a_sign_cut_off_on_the_wrong_side_is_refused() -> None:
    text = GOOD + '[[signs]]\nsign = "lonely"\nscore = "total"\nworse = "high"\nwatch = 2.5\nconcern = 2\n'
    with pytest.raises(ImportFormatError, match="concern beyond watch"):
        parse_instrument(text, "mine.toml")
