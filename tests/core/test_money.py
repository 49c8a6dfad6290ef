"""One parser for amounts typed in 万元 (reward claims, budgets, payments, project budgets)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lianmeng.core.errors import ValidationFailed
from lianmeng.core.money import LIMIT, parse_money


@given(st.decimals(min_value=0, max_value=LIMIT, places=2, allow_nan=False))
def test_an_amount_with_two_places_reads_back_as_typed(amount: Decimal) -> None:
    assert parse_money(f"{amount:,}", "金额") == amount
    assert parse_money(str(amount).replace(",", "，"), "金额") == amount


@given(st.text(max_size=12))
def test_any_text_is_an_amount_or_a_message_naming_the_field(text: str) -> None:
    try:
        value = parse_money(text, "预算金额")
    except ValidationFailed as exc:
        assert "预算金额" in str(exc)
        return
    assert value is not None and 0 <= value <= LIMIT and value == value.quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("-1", "不能为负数"),
        ("1.005", "最多两位小数"),
        ("120万", "应为金额"),
        ("1e9", "过大"),
        ("1E+30", "过大"),  # too large to round to cents: still a message, never a crash
    ],
)
def test_wrong_amounts_say_what_to_fix(text: str, says: str) -> None:
    with pytest.raises(ValidationFailed, match=says):
        parse_money(text, "金额")


def test_blank_is_refused_when_required_else_the_blank_value() -> None:
    with pytest.raises(ValidationFailed, match="请填写金额"):
        parse_money(" ", "金额")
    assert parse_money("", "金额", required=False) is None
    assert parse_money(None, "金额", required=False, blank=Decimal("0.00")) == Decimal("0.00")
