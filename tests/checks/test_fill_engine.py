"""fill (issue 23): the failure rules as a pure function, with hypothesis."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dudao.checks.fill_engine import NUMBER_LIMIT, AnswerError, answer_fails, parse_number

decimals = st.decimals(min_value=-NUMBER_LIMIT, max_value=NUMBER_LIMIT, places=2, allow_nan=False,
                       allow_infinity=False)
bounds = st.one_of(st.none(), decimals)


@given(st.sampled_from(["yes", "no", "na", ""]))
def test_yes_no_fails_only_on_no(value):
    assert answer_fails("yes_no", value=value) is (value == "no")


@given(decimals, bounds, bounds)
def test_number_fails_exactly_outside_its_bounds(number, low, high):
    fails = answer_fails("number", number=number, number_min=low, number_max=high)
    inside = (low is None or number >= low) and (high is None or number <= high)
    assert fails is (not inside)


@given(bounds, bounds)
def test_not_applicable_never_fails(low, high):
    assert answer_fails("number", value="na", number=None, number_min=low, number_max=high) is False
    assert answer_fails("yes_no", value="na") is False


@given(st.text(), st.one_of(st.none(), decimals))
def test_text_never_fails(value, number):
    assert answer_fails("text", value=value, number=number, number_min=Decimal(0), number_max=Decimal(0)) is False


def test_bounds_are_inclusive():
    assert not answer_fails("number", number=Decimal(2), number_min=Decimal(2), number_max=Decimal(2))
    assert answer_fails("number", number=Decimal("1.99"), number_min=Decimal(2))
    assert answer_fails("number", number=Decimal("2.01"), number_max=Decimal(2))


@given(decimals)
def test_parse_number_round_trips_stored_decimals(number):
    assert parse_number(str(number)) == number


@pytest.mark.parametrize("raw", ["", "abc", "NaN", "inf", "-Infinity", "1e400", True, None, "1,5"])
def test_parse_number_refuses_what_is_not_a_storable_number(raw):
    with pytest.raises(AnswerError):
        parse_number(raw)


def test_parse_number_reads_full_width_digits_and_rounds_to_cents():
    assert parse_number("１２") == Decimal(12)  # a Chinese input method's digits
    assert parse_number(" 2.345 ") == Decimal("2.34") or parse_number(" 2.345 ") == Decimal("2.35")
    assert parse_number(3) == Decimal(3)


@given(st.text(max_size=30))
def test_parse_number_never_raises_anything_else(raw):
    try:
        value = parse_number(raw)
    except AnswerError:
        return
    assert abs(value) <= NUMBER_LIMIT
