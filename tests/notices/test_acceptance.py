"""Issue 16 point 4, acceptance: an objection filed during a 公示 is visible to staff, and the
decision cannot take effect before the period ends and every objection is handled."""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.urls import reverse

from lianmeng.notices.models import Objection

from .conftest import START


def test_objection_blocks_the_decision_until_period_ends_and_it_is_handled(
    at, client, login, luoyang_staff, make_notice, captcha_answer
):
    cache.clear()
    row = make_notice(days=5)  # START … START+4
    # anyone, not signed in, during the 公示
    client.get(reverse("notices:captcha"))
    response = client.post(
        reverse("notices:objection_new", args=[row.pk]),
        {
            "name": "赵六",
            "contact": "zhao@example.cn",
            "text": "成员单位数量不实。",
            "captcha": captcha_answer,
        },
    )
    assert response.status_code == 200
    objection = Objection.objects.get()
    # visible to the issuing department: home page, list, the objection itself
    login(luoyang_staff)
    home = client.get(reverse("web:home")).content.decode()
    assert "公示异议待处理" in home
    assert (
        objection.reference
        in client.get(reverse("notices:staff_objections", args=[row.pk])).content.decode()
    )
    effect = reverse("notices:staff_effect", args=[row.pk])
    # during the period: refused
    client.post(effect, {"confirmed": "1"})
    row.refresh_from_db()
    assert row.effective_at is None
    # after the period, objection still open: refused, and the page says why
    at(START + timedelta(days=5))
    page = client.get(reverse("notices:staff_detail", args=[row.pk])).content.decode()
    assert "1 条异议待处理" in page
    response = client.post(effect, {"confirmed": "1"}, follow=True)
    assert "异议待处理" in response.content.decode()
    row.refresh_from_db()
    assert row.effective_at is None
    # handled: now it takes effect
    client.post(
        reverse("notices:staff_objection", args=[objection.pk]),
        {"result": "upheld", "response": "经核实，已要求牵头单位更正成员名单。"},
    )
    client.post(effect, {"confirmed": "1"})
    row.refresh_from_db()
    assert row.effective_at is not None and row.effective_by == luoyang_staff
    assert "公示异议待处理" not in client.get(reverse("web:home")).content.decode()
