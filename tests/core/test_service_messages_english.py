"""Refusals raised by the services follow the reader's language: Chinese by default, English
when the user chose English (the messages are in the catalogue, not fixed Chinese f-strings)."""

from __future__ import annotations

import html

import pytest
from django.conf import settings
from django.utils import translation

from lianmeng.core.errors import Conflict, ValidationFailed
from lianmeng.core.services import unit_create
from lianmeng.reviews.engine import proposal_transition
from tests.reviews.conftest import file_proposal, staff  # noqa: F401  (fixtures)


def test_engine_refusals_in_english_and_in_chinese(file_proposal, staff):  # noqa: F811
    proposal = file_proposal("henan")
    county = staff("410182")

    with translation.override("en"), pytest.raises(Conflict) as refused:
        proposal_transition(actor=county, pk=proposal.pk, transition="accept")
    assert refused.value.message == (
        'The current state is "Submitted"; "Acceptance" is not possible. '
        "You can: Recommend, Return for revision."
    )
    with translation.override("en"), pytest.raises(ValidationFailed) as missing:
        proposal_transition(actor=county, pk=proposal.pk, transition="return_county")
    assert missing.value.message == 'Please fill in "Reason for return".'

    with translation.override("zh-hans"), pytest.raises(Conflict) as refused:
        proposal_transition(actor=county, pk=proposal.pk, transition="accept")
    assert refused.value.message == "当前状态为“已提交”，不能执行“受理”。您可以：推荐、退回修改。"
    with pytest.raises(ValidationFailed) as missing:  # the default language is Chinese
        proposal_transition(actor=county, pk=proposal.pk, transition="return_county")
    assert missing.value.message == "请填写退回原因。"


@pytest.mark.django_db
def test_unit_refusal_in_english_and_in_chinese():
    with translation.override("en"), pytest.raises(ValidationFailed) as english:
        unit_create(actor=None, name="某公司", kind="bogus")
    assert english.value.message == 'Invalid organisation type "bogus".'
    with pytest.raises(ValidationFailed) as chinese:
        unit_create(actor=None, name="某公司", kind="bogus")
    assert chinese.value.message == "单位类别“bogus”无效。"


def test_review_page_shows_the_refusal_in_the_chosen_language(client, file_proposal, staff):  # noqa: F811
    proposal = file_proposal("henan")
    client.force_login(staff("410182"))
    url = f"/reviews/proposals/{proposal.pk}/transition/"

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post(url, {"transition": "accept", "reason": ""}, follow=True)
    text = html.unescape(page.content.decode())
    assert 'The current state is "Submitted"; "Acceptance" is not possible.' in text
    assert "当前状态为" not in text

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.post(url, {"transition": "accept", "reason": ""}, follow=True)
    assert "当前状态为“已提交”，不能执行“受理”。" in html.unescape(page.content.decode())
