"""Services of notices: who may act, the 公示 window (hypothesis), objections, taking effect."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianmeng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import AuditEntry
from lianmeng.notices import selectors, services
from lianmeng.notices.models import Announcement, Objection

from .conftest import START

HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _file(row, **kw):
    values = {"name": "张三", "contact": "13800000000", "text": "该联盟成员单位不足。", **kw}
    return services.objection_file(announcement_id=row.pk, client_address="10.0.0.1", **values)


def test_draft_publish_withdraw_are_audited(at, luoyang_staff, make_notice):
    row = make_notice(publish=False)
    assert row.status == Announcement.Status.DRAFT and row.department
    assert row.jurisdiction.code == "410300"
    services.announcement_update(
        actor=luoyang_staff,
        announcement_id=row.pk,
        kind="decision",
        title="新标题",
        body="正文",
        notice_starts_on=START,
        notice_ends_on=START + timedelta(days=4),
    )
    services.announcement_publish(actor=luoyang_staff, announcement_id=row.pk)
    row.refresh_from_db()
    assert row.status == "published" and row.title == "新标题" and row.published_at
    with pytest.raises(Conflict):  # published: withdrawn and issued anew instead
        services.announcement_update(
            actor=luoyang_staff, announcement_id=row.pk, kind="other", title="改"
        )
    with pytest.raises(ValidationFailed):
        services.announcement_withdraw(actor=luoyang_staff, announcement_id=row.pk, reason="")
    services.announcement_withdraw(actor=luoyang_staff, announcement_id=row.pk, reason="有误")
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "lianmeng.notice.created",
        "lianmeng.notice.edited",
        "lianmeng.notice.published",
        "lianmeng.notice.withdrawn",
    } <= actions


def test_only_staff_of_the_issuing_jurisdiction_act(
    at, make_user, make_unit, henan_staff, make_notice
):
    row = make_notice()
    applicant = make_user(["applicant"], unit=make_unit())
    with pytest.raises(PermissionDenied):
        services.announcement_create(actor=applicant, kind="call", title="通知")
    for outsider in (henan_staff, make_user(["competent"], jurisdiction="410305")):
        with pytest.raises(NotFound):
            services.announcement_withdraw(actor=outsider, announcement_id=row.pk, reason="x")
        with pytest.raises(NotFound):
            services.announcement_take_effect(actor=outsider, announcement_id=row.pk)
    objection = _file(row)
    with pytest.raises(NotFound):
        services.objection_handle(
            actor=henan_staff, objection_id=objection.pk, upheld=False, response="不成立"
        )
    assert not selectors.objections(henan_staff, row).exists()


def test_period_is_checked(at, luoyang_staff):
    with pytest.raises(ValidationFailed) as excinfo:
        services.announcement_create(
            actor=luoyang_staff, kind="decision", title="公示", notice_starts_on=START
        )
    assert "同时填写" in excinfo.value.message
    with pytest.raises(ValidationFailed):
        services.announcement_create(
            actor=luoyang_staff,
            kind="decision",
            title="公示",
            notice_starts_on=START,
            notice_ends_on=START - timedelta(days=1),
        )
    row = services.announcement_create(
        actor=luoyang_staff,
        kind="decision",
        title="公示",
        notice_starts_on=START - timedelta(days=1),
        notice_ends_on=START + timedelta(days=3),
    )
    with pytest.raises(ValidationFailed) as excinfo:  # nobody could object on the day gone
        services.announcement_publish(actor=luoyang_staff, announcement_id=row.pk)
    assert "早于今天" in excinfo.value.message


@HYPOTHESIS
@given(
    start=st.integers(min_value=-20, max_value=20),
    length=st.integers(min_value=0, max_value=15),
    hour=st.integers(min_value=0, max_value=23),
)
def test_objection_accepted_iff_the_notice_runs(at, make_notice, start, length, hour):
    """Accepted iff start <= today <= end, today being the Beijing date (hours 0–23)."""
    row = make_notice()
    starts = START + timedelta(days=start)
    ends = starts + timedelta(days=length)
    Announcement.objects.filter(pk=row.pk).update(notice_starts_on=starts, notice_ends_on=ends)
    at(START, hour=hour)
    before = Objection.objects.count()
    if starts <= START <= ends:
        objection = _file(row)
        assert objection.reference.startswith("GS-")
        assert Objection.objects.count() == before + 1
    else:
        with pytest.raises(Conflict) as excinfo:
            _file(row)
        assert ("尚未开始" in excinfo.value.message) == (START < starts)
        assert ("已于" in excinfo.value.message) == (START > ends)
        assert Objection.objects.count() == before


@HYPOTHESIS
@given(offset=st.integers(min_value=-3, max_value=12), open_ones=st.integers(0, 2))
def test_take_effect_refused_iff_running_or_objections_open(
    at, luoyang_staff, make_notice, offset, open_ones
):
    at(START)
    row = make_notice(days=7)  # START … START+6
    for _ in range(open_ones):
        _file(row)
    today = START + timedelta(days=offset)
    at(today)
    blocked = today <= row.notice_ends_on or open_ones > 0
    if blocked:
        with pytest.raises(Conflict) as excinfo:
            services.announcement_take_effect(actor=luoyang_staff, announcement_id=row.pk)
        if today <= row.notice_ends_on:
            assert "公示期满" in excinfo.value.message
        else:
            assert f"{open_ones} 条异议待处理" in excinfo.value.message
        row.refresh_from_db()
        assert row.effective_at is None
    else:
        services.announcement_take_effect(actor=luoyang_staff, announcement_id=row.pk)
        row.refresh_from_db()
        assert row.effective_at is not None and row.effective_by == luoyang_staff


def test_objection_handling_then_effect(at, luoyang_staff, make_notice):
    row = make_notice(days=3)
    objection = _file(row)
    with pytest.raises(ValidationFailed) as excinfo:
        _file(row, name="", text="")
    assert set(excinfo.value.details["fields"]) == {"name", "text"}
    assert objection.client_hash and "10.0.0.1" not in objection.client_hash
    assert [o.pk for o in selectors.objections(luoyang_staff, row)] == [objection.pk]
    assert selectors.open_objection_count(luoyang_staff) == 1
    at(START + timedelta(days=3))
    with pytest.raises(ValidationFailed):  # an answer is required
        services.objection_handle(
            actor=luoyang_staff, objection_id=objection.pk, upheld=False, response=" "
        )
    services.objection_handle(
        actor=luoyang_staff, objection_id=objection.pk, upheld=False, response="经核实不成立"
    )
    with pytest.raises(Conflict):  # handled once
        services.objection_handle(
            actor=luoyang_staff, objection_id=objection.pk, upheld=True, response="再议"
        )
    assert selectors.open_objection_count(luoyang_staff) == 0
    services.announcement_take_effect(actor=luoyang_staff, announcement_id=row.pk)
    with pytest.raises(Conflict) as excinfo:
        services.announcement_withdraw(actor=luoyang_staff, announcement_id=row.pk, reason="x")
    assert "已生效" in excinfo.value.message


def test_withdraw_refused_while_objections_wait(at, luoyang_staff, make_notice):
    row = make_notice()
    _file(row)
    with pytest.raises(Conflict) as excinfo:
        services.announcement_withdraw(actor=luoyang_staff, announcement_id=row.pk, reason="x")
    assert "1 条异议待处理" in excinfo.value.message


def test_blocking_notices(at, luoyang_staff, make_notice):
    subjects = [("alliances.decision", 7, "认定 · 甲联盟"), ("alliances.decision", 8, "乙")]
    draft = make_notice(publish=False, subjects=subjects[:1])
    assert list(selectors.blocking_notices("alliances.decision", [7])) == [draft]
    services.announcement_publish(actor=luoyang_staff, announcement_id=draft.pk)
    assert selectors.blocking_notices("alliances.decision", [7, 8]).count() == 1
    assert not selectors.blocking_notices("alliances.decision", [8]).exists()
    assert not selectors.blocking_notices("other.kind", [7]).exists()
    objection = _file(draft)
    at(START + timedelta(days=7))  # ended, one objection open
    (blocking,) = selectors.blocking_notices("alliances.decision", [7])
    assert blocking.open_objections == 1
    services.objection_handle(
        actor=luoyang_staff, objection_id=objection.pk, upheld=False, response="不成立"
    )
    assert not selectors.blocking_notices("alliances.decision", [7]).exists()


def test_notice_state_labels():
    row = Announcement(notice_starts_on=date(2026, 1, 5), notice_ends_on=date(2026, 1, 9))
    assert selectors.notice_state(row, date(2026, 1, 4)) == selectors.UPCOMING
    assert selectors.notice_state(row, date(2026, 1, 5)) == selectors.RUNNING
    assert selectors.notice_state(row, date(2026, 1, 9)) == selectors.RUNNING
    assert selectors.notice_state(row, date(2026, 1, 10)) == selectors.ENDED
    assert selectors.notice_state(Announcement()) == selectors.NO_PERIOD
