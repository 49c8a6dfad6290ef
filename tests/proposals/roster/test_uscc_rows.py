"""Hypothesis: every valid USCC row is imported; any one-character change is refused at its row."""

from __future__ import annotations

import string

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from lianmeng.policy.uscc import USCC_ALPHABET
from lianmeng.proposals import roster

from .conftest import upload
from .xlsx_fixtures import make_uscc, workbook_from_rows

pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def valid_usccs(draw) -> str:
    head = draw(st.text(USCC_ALPHABET, min_size=2, max_size=2))
    region = draw(st.text("0123456789", min_size=6, max_size=6))
    body = draw(st.text(USCC_ALPHABET, min_size=9, max_size=9))
    code = head + region + body
    return code + stdnum_uscc.calc_check_digit(code)


#: printable characters a person might mistype (no "=", which Excel reads as a formula)
TYPOS = string.ascii_letters + string.digits + "-_ /.#"


@pytest.fixture
def target(small_draft, lead_staff):
    """One draft and its staff for all examples of a test (each example is rolled back)."""
    proposal = small_draft()
    return proposal, lead_staff(proposal)


def _import(target, code: str):
    proposal, user = target
    fixed = make_uscc("410305", 91_000)
    content = workbook_from_rows(
        [
            {"单位名称": "固定单位", "单位类别": "企业", "统一社会信用代码": fixed},
            {"单位名称": "被测单位", "单位类别": "企业", "统一社会信用代码": code},
        ],
        bare=True,
    )
    with transaction.atomic():
        report = roster.roster_import_xlsx(actor=user, pk=proposal.pk, file=upload(content))
        transaction.set_rollback(True)  # every example starts from the same roster
    return report


@HYPOTHESIS
@given(code=valid_usccs())
def test_any_valid_uscc_row_is_imported(target, code):
    report = _import(target, code)
    assert report.errors == []
    assert report.added == 2


@HYPOTHESIS
@given(code=valid_usccs(), position=st.integers(0, 17), typo=st.sampled_from(TYPOS))
def test_any_single_character_change_is_refused_with_its_row(target, code, position, typo):
    if typo.upper() == code[position]:
        return  # not a change: codes are read case-insensitively
    changed = code[:position] + typo + code[position + 1 :]
    report = _import(target, changed)
    assert report.added == 1  # the fixed row is kept
    assert len(report.errors) == 1
    row, reason = report.errors[0]
    assert row == 3
    assert "统一社会信用代码" in reason
