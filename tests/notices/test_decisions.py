"""拟认定名单公示: staged alliance decisions put into a 公示 are published only after it ends
and every objection is handled; publishing marks the 公示 effective. Decisions never put
into one publish as before (tests/alliances)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse

from lianmeng.alliances import services as alliances
from lianmeng.alliances.models import Decision
from lianmeng.core.errors import Conflict
from lianmeng.experts import services as review
from lianmeng.notices import services
from lianmeng.notices.models import Announcement, NoticeSubject, Objection

DAY = date(2020, 11, 16)  # the Henan measures are in force


@pytest.fixture(autouse=True)
def _checklist(db):
    cache.clear()


@pytest.fixture
def staged(at, henan_staff, make_review_proposal):
    at(DAY)
    proposals = [make_review_proposal(name=f"河南省轴承{n}产业技术创新战略联盟") for n in (1, 2)]
    round = review.round_create(actor=henan_staff, profile="henan", call_year=2020)
    review.round_add_proposals(
        actor=henan_staff, round_id=round.pk, proposal_ids=[p.pk for p in proposals]
    )
    review.round_close(actor=henan_staff, round_id=round.pk)
    return [
        alliances.decision_stage(
            actor=henan_staff, proposal_id=p.pk, kind="approve_to_build", reason="评审通过"
        )
        for p in proposals
    ]


def test_decision_in_a_notice_waits_for_its_end_and_objections(at, henan_staff, staged):
    first, second = staged
    notice = alliances.decisions_notice(
        actor=henan_staff, ids=[first.pk], starts=DAY, ends=DAY + timedelta(days=4)
    )
    assert notice.kind == "decision" and notice.status == "draft"
    assert "河南省轴承1产业技术创新战略联盟" in notice.body
    assert NoticeSubject.objects.get().subject_id == first.pk
    with pytest.raises(Conflict) as excinfo:  # a draft 公示 blocks too
        alliances.decisions_publish(actor=henan_staff, ids=[first.pk, second.pk])
    assert "尚未发布" in excinfo.value.message and "均未发布" in excinfo.value.message
    services.announcement_publish(actor=henan_staff, announcement_id=notice.pk)
    objection = services.objection_file(
        announcement_id=notice.pk, name="王五", contact="1", text="有异议"
    )
    with pytest.raises(Conflict) as excinfo:
        alliances.decisions_publish(actor=henan_staff, ids=[first.pk])
    assert notice.title in excinfo.value.message
    assert (DAY + timedelta(days=4)).isoformat() in excinfo.value.message
    at(DAY + timedelta(days=5))
    with pytest.raises(Conflict) as excinfo:
        alliances.decisions_publish(actor=henan_staff, ids=[first.pk])
    assert "1 条异议待处理" in excinfo.value.message
    assert set(Decision.objects.values_list("status", flat=True)) == {"staged"}
    services.objection_handle(
        actor=henan_staff, objection_id=objection.pk, upheld=False, response="不成立"
    )
    alliances.decisions_publish(actor=henan_staff, ids=[first.pk, second.pk])
    first.refresh_from_db()
    notice.refresh_from_db()
    assert first.status == "published" and notice.effective_at is not None
    assert Objection.objects.get().status == "dismissed"


def test_a_decision_is_put_into_one_notice_only(at, henan_staff, staged):
    alliances.decisions_notice(
        actor=henan_staff, ids=[staged[0].pk], starts=DAY, ends=DAY + timedelta(days=4)
    )
    with pytest.raises(Conflict) as excinfo:
        alliances.decisions_notice(
            actor=henan_staff, ids=[staged[0].pk], starts=DAY, ends=DAY + timedelta(days=4)
        )
    assert "不能重复公示" in excinfo.value.message


def test_decisions_page_puts_selected_into_a_notice(at, client, login, henan_staff, staged):
    login(henan_staff)
    response = client.post(
        reverse("alliances:decisions_notice"),
        {
            "decisions": [staged[1].pk],
            "notice_starts_on": DAY.isoformat(),
            "notice_ends_on": (DAY + timedelta(days=6)).isoformat(),
        },
    )
    notice = Announcement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("notices:staff_detail", args=[notice.pk])
    page = client.get(reverse("alliances:decisions")).content.decode()
    assert "生成公示草稿" in page and "公示草稿" in page
    response = client.post(reverse("alliances:decisions_notice"), {"decisions": [staged[0].pk]})
    assert Announcement.objects.count() == 1  # no dates: refused, told why
    assert "请填写公示的开始日期" in client.get(response["Location"]).content.decode()
