"""Scoring against answers worked out by hand: reverse-scored items, missing answers, sums and means."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from turntoward.checkin import get_instrument, help_needed, scores, sign_levels
from turntoward.errors import UsageError


def test_loneliness_is_the_sum_of_three_answers() -> None:
    found = scores(get_instrument("loneliness3"), {"companionship": 2, "left_out": 1, "isolated": 3})
    assert found["total"].value == 6  # 2 + 1 + 3
    assert (found["total"].low, found["total"].high) == (3, 9)


def test_a_published_sum_is_not_prorated_over_a_missing_answer() -> None:
    found = scores(get_instrument("loneliness3"), {"companionship": 2, "left_out": None, "isolated": 3})
    assert found["total"].value is None
    assert found["total"].answered == 2


def test_csi4_sums_its_mixed_scales() -> None:
    found = scores(get_instrument("csi4"), {"happiness": 4, "warm": 3, "rewarding": 3, "satisfied": 2})
    assert found["total"].value == 12  # 4 + 3 + 3 + 2, range 0 to 6 + 5 + 5 + 5 = 21
    assert found["total"].high == 21


def test_reverse_scored_items_count_from_the_other_end() -> None:
    # reach 4; hard_to_reach 2 -> 1 + 5 - 2 = 4; comfort 5; brushed_aside 1 -> 5;
    # present 3; distant 4 -> 2. Accessible (4 + 4) / 2 = 4, responsive 5, engaged 2.5, total 23 / 6.
    answers = {"reach": 4, "hard_to_reach": 2, "comfort": 5, "brushed_aside": 1, "present": 3, "distant": 4}
    found = scores(get_instrument("are"), answers)
    assert found["accessible"].value == 4
    assert found["responsive"].value == 5
    assert found["engaged"].value == 2.5
    assert found["total"].value == pytest.approx(23 / 6)


def test_a_mean_leaves_skipped_answers_out() -> None:
    # present skipped: engaged is distant alone (5 + 1 - 4 = 2); total (4 + 4 + 5 + 5 + 2) / 5 = 4.
    answers = {"reach": 4, "hard_to_reach": 2, "comfort": 5, "brushed_aside": 1, "present": None, "distant": 4}
    found = scores(get_instrument("are"), answers)
    assert found["engaged"].value == 2
    assert found["total"].value == 4
    assert found["total"].answered == 5


def test_too_few_answers_leave_no_total() -> None:
    found = scores(get_instrument("are"), {"reach": 4, "comfort": 5, "present": None})
    assert found["total"].value is None  # 2 answered, 4 needed
    assert found["accessible"].value == 4  # a facet's mean needs one answer


def test_intimacy_can_skip_the_sexual_question() -> None:
    found = scores(get_instrument("intimacy"), {"emotional": 6, "physical": 5, "sexual": None})
    assert found["total"].value == 5.5
    assert found["sexual"].value is None


def test_an_answer_off_the_scale_is_refused() -> None:
    with pytest.raises(UsageError, match=r"1\.\.3"):
        scores(get_instrument("loneliness3"), {"companionship": 4, "left_out": 1, "isolated": 1})


def test_sign_levels_put_scores_and_cut_offs_on_one_zero_to_one_scale() -> None:
    loneliness = get_instrument("loneliness3")
    [level] = sign_levels(loneliness, scores(loneliness, {"companionship": 3, "left_out": 2, "isolated": 2}))
    # 7 on 3..9: (7 - 3) / 6; watch 6 -> 0.5; concern 8 -> 5/6.
    assert level.sign == "lonely"
    assert level.level == pytest.approx(4 / 6, abs=1e-4)
    assert level.watch == pytest.approx(0.5)
    assert level.concern == pytest.approx(5 / 6, abs=1e-4)


def test_a_low_satisfaction_score_is_a_high_needs_unmet_level() -> None:
    csi = get_instrument("csi4")
    [level] = sign_levels(csi, scores(csi, {"happiness": 1, "warm": 1, "rewarding": 1, "satisfied": 0}))
    # 3 of 21, lower is worse: (21 - 3) / 21; concern at 13 -> 8 / 21.
    assert level.sign == "needs_unmet"
    assert level.level == pytest.approx(18 / 21, abs=1e-4)
    assert level.concern == pytest.approx(8 / 21, abs=1e-4)


def test_control_sometimes_or_more_points_to_help() -> None:
    killers = get_instrument("connection_killers")
    calm = {
        "i_withheld": 1,
        "they_withheld": 1,
        "i_felt_controlled": 1,
        "i_controlled": 2,
        "they_owned_it": 4,
        "i_owned_it": 5,
    }
    assert help_needed(killers, scores(killers, calm)) is None
    afraid = calm | {"i_felt_controlled": 5}  # control mean (5 + 2) / 2 = 3.5
    assert "helpline" in (help_needed(killers, scores(killers, afraid)) or "")


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_every_score_stays_on_its_scale_whatever_is_answered_or_skipped(data: st.DataObject) -> None:
    instrument = get_instrument(data.draw(st.sampled_from(["are", "csi4", "loneliness3", "needs_met", "intimacy"])))
    answers = {item.id: data.draw(st.none() | st.integers(item.scale.min, item.scale.max)) for item in instrument.items}
    for score in scores(instrument, answers).values():
        if score.value is not None:
            assert score.low - 1e-9 <= score.value <= score.high + 1e-9
    for level in sign_levels(instrument, scores(instrument, answers)):
        assert 0 <= level.level <= 1
