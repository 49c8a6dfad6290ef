"""Refusals raised by the services follow the reader's language: Chinese by default, English
when the user chose English (the messages are in the catalogue, not fixed Chinese f-strings)."""

from __future__ import annotations

import html
import io

import pytest
from django.conf import settings
from django.utils import translation

from lianmeng.calls.services import call_create
from lianmeng.core.errors import Conflict, ValidationFailed
from lianmeng.core.services import unit_create
from lianmeng.proposals.lifecycle import proposal_transition
from lianmeng.proposals.materials import check_file
from lianmeng.proposals.submission import proposal_submit
from lianmeng.workflow.kinds import subject_key
from lianmeng.workflow.models import StateChange
from tests.proposals.materials.conftest import docx_bytes
from tests.proposals.submission.conftest import (  # noqa: F401  (fixtures)
    beijing,
    filed,
    henan_call,
    pin_clock,
)
from tests.reviews.conftest import at, file_proposal, staff  # noqa: F401  (fixtures)


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


def test_late_submission_refused_in_english_and_in_chinese(filed, pin_clock):  # noqa: F811
    proposal, user = filed()
    pin_clock(beijing(2020, 9, 21, 0, 0, 0))
    with translation.override("en"), pytest.raises(ValidationFailed) as english:
        proposal_submit(actor=user, pk=proposal.pk)
    assert english.value.message == (
        "Online filing closed on 20 September 2020 23:59:59; late proposals are not accepted."
    )
    with pytest.raises(ValidationFailed) as chinese:
        proposal_submit(actor=user, pk=proposal.pk)
    assert chinese.value.message == "网上填报已于 2020年9月20日 23:59:59 截止，逾期不予受理。"


def test_forged_upload_refused_in_english_and_in_chinese():
    def refusal(name: str, content: bytes) -> str:
        with pytest.raises(ValidationFailed) as refused:
            check_file(name, len(content), io.BytesIO(content))
        return refused.value.message

    page = b"<!DOCTYPE html><html><body>not a pdf</body></html>"
    with translation.override("en"):
        assert refusal("建议书.pdf", page) == (
            "The content of the file is not a genuine PDF; please upload a real PDF. "
            "(Detected content: Web page (HTML).)"
        )
        assert refusal("建议书.pdf", docx_bytes()).endswith(
            "(Detected content: Word document (.docx). "
            "Correct the file extension and upload it again.)"
        )
    assert refusal("建议书.pdf", page) == (
        "文件内容不是 PDF，请上传真实的 PDF 文件。（该文件实际是网页（HTML）。）"
    )
    assert refusal("建议书.pdf", docx_bytes()).endswith(
        "（该文件实际是Word 文档（.docx），请改正扩展名后再上传。）"
    )


def test_guard_refusals_in_english_and_in_chinese(file_proposal, staff, at):  # noqa: F811
    proposal = file_proposal("henan", status="recommended")
    StateChange.objects.create(
        **subject_key(proposal),
        from_state="county_recommended",
        to_state="recommended",
        transition="recommend_city",
        kind="recommend",
        label="推荐",
        at=beijing(2020, 9, 21, 10, 0),
    )
    at(2020, 9, 22, 9)
    province = staff("410000", "competent")

    with translation.override("en"), pytest.raises(ValidationFailed) as english:
        proposal_transition(actor=province, pk=proposal.pk, transition="accept")
    assert english.value.details["guards"] == [
        "This proposal was recommended on 21 September 2020 10:00, after online filing closed "
        'on 20 September 2020 23:59, so it is late and cannot be accepted. Please choose "Late, '
        'not accepted".',
        "The paper copies are not all in: 2 required, 0 recorded. "
        'Please record them first under "Receipt of paper copies".',
    ]
    with pytest.raises(ValidationFailed) as chinese:
        proposal_transition(actor=province, pk=proposal.pk, transition="accept")
    assert chinese.value.details["guards"] == [
        "该申报于 2020年9月21日 10:00 推荐，网上填报截止时间为 2020年9月20日 23:59，"
        "推荐晚于截止时间，逾期不予受理。请选择“逾期不予受理”。",
        "尚未收齐纸质申报材料：需一式2份，已登记0份。请先在“纸质材料接收”中登记。",
    ]


@pytest.mark.django_db
def test_call_field_error_in_english_and_in_chinese():
    fields = {
        "actor": None,
        "jurisdiction": "410000",
        "profile": "henan",
        "year": 1999,
        "title": "关于组织申报的通知",
        "online_opens": "2020-08-10",
        "online_closes": "2020-09-20",
    }
    with translation.override("en"), pytest.raises(ValidationFailed) as english:
        call_create(**fields)
    assert english.value.message == "The year of the call must be between 2000 and 2100."
    assert english.value.details == {"field": "year"}
    with pytest.raises(ValidationFailed) as chinese:
        call_create(**fields)
    assert chinese.value.message == "申报年度应在 2000 至 2100 之间。"
