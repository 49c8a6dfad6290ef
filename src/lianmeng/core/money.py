"""Amounts of money typed by people: 万元 with at most two places (reward claims, budgets,
payments, project budgets). One parser, so that every form refuses the same input the same way."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext

from .errors import ValidationFailed

CENT = Decimal("0.01")
#: 1,000 亿元 in 万元: anything larger is a unit mistake (yuan typed as 万元)
LIMIT = Decimal("10000000")


def parse_money(
    value: Any, label: str, *, required: bool = True, blank: Decimal | None = None
) -> Decimal | None:
    """万元, at most two places, not negative, thousands separators allowed. A blank value is
    refused when ``required``, else ``blank`` is returned (None, or e.g. 0.00)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationFailed(gettext("请填写%(label)s（万元）。") % {"label": label})
        return blank
    text = str(value).strip().replace(",", "").replace("，", "")
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            gettext("%(label)s应为金额（万元，最多两位小数），例如 120.50。") % {"label": label}
        ) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationFailed(gettext("%(label)s不能为负数。") % {"label": label})
    # the size first: quantize() of a huge number (1E+30) exceeds the context's precision
    if amount > LIMIT:
        raise ValidationFailed(gettext("%(label)s过大，请以万元为单位填写。") % {"label": label})
    if amount != amount.quantize(CENT):
        raise ValidationFailed(gettext("%(label)s最多两位小数（万元）。") % {"label": label})
    return amount.quantize(CENT)
