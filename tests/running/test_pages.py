"""The workspace page and its forms, as each kind of viewer sees them."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _meetings(world, n):
    from lianmeng.core import clock
    from lianmeng.running.models import Meeting
    from lianmeng.running.services import workspace_ensure

    ws = workspace_ensure(alliance=world.alliance)
    now = clock.now()
    Meeting.objects.bulk_create(
        Meeting(
            workspace=ws,
            kind="work",
            held_on=date(2024, 1, 1 + i % 28),
            attendance_count=5,
            minutes=f"第{i}次工作会议",
            created_by=world.lead_user,
            created_at=now,
            updated_at=now,
        )
        for i in range(n)
    )


def test_lead_unit_sees_everything_in_full_and_may_edit(client, login, world):
    login(world.lead_user)
    response = client.get(reverse("running:workspace", args=[world.alliance.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "13812345678" in text and "wang@example.com" in text
    assert "洛阳市涧西区建设路 1 号" in text and "河南科技大学" in text
    assert reverse("running:meeting_new", args=[world.alliance.pk]) in text


def test_member_reads_with_contacts_masked(client, login, world):
    login(world.member_user)
    response = client.get(reverse("running:workspace", args=[world.alliance.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "138****5678" in text and "13812345678" not in text and "w***@example.com" in text
    assert reverse("running:meeting_new", args=[world.alliance.pk]) not in text
    assert client.get(reverse("running:meeting_new", args=[world.alliance.pk])).status_code == 403


def test_department_of_the_area_reads_only_and_other_area_gets_404(client, login, world):
    login(world.luoyang)
    response = client.get(reverse("running:workspace", args=[world.alliance.pk]))
    assert response.status_code == 200
    assert "13812345678" in response.content.decode()
    assert "主管部门只读" in response.content.decode()
    client.logout()
    login(world.baoding)
    assert client.get(reverse("running:workspace", args=[world.alliance.pk])).status_code == 404


def test_outsider_unit_gets_404(client, login, world):
    login(world.outsider_user)
    assert client.get(reverse("running:workspace", args=[world.alliance.pk])).status_code == 404


def test_lead_unit_adds_and_edits_a_meeting_through_the_form(client, login, world):
    from lianmeng.running.models import Meeting

    login(world.lead_user)
    new = reverse("running:meeting_new", args=[world.alliance.pk])
    bad = client.post(new, {"kind": "council", "held_on": "2024-05-01"})
    assert bad.status_code == 422 and "请填写出席人数或出席单位" in bad.content.decode()
    ok = client.post(
        new,
        {
            "kind": "council",
            "held_on": "2024-05-01",
            "place": "洛阳",
            "attendance_units": "河南科技大学\n洛阳轴承研究所有限公司",
            "minutes": "审议通过年度工作计划",
        },
    )
    assert ok.status_code == 302
    meeting = Meeting.objects.get()
    edit = reverse("running:meeting_edit", args=[world.alliance.pk, meeting.pk])
    assert (
        client.post(
            edit,
            {"kind": "council", "held_on": "2024-05-02", "attendance_count": "9", "revision": "1"},
        ).status_code
        == 302
    )
    stale = client.post(
        edit, {"kind": "council", "held_on": "2024-05-03", "attendance_count": "9", "revision": "1"}
    )
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()
    meeting.refresh_from_db()
    assert meeting.held_on == date(2024, 5, 2) and meeting.revision == 2
    page = client.get(reverse("running:workspace", args=[world.alliance.pk])).content.decode()
    assert "2024-05-02" in page and "理事会" in page


def test_refused_upload_says_why(client, login, world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    login(world.lead_user)
    url = reverse("running:document_upload", args=[world.alliance.pk])
    fake = SimpleUploadedFile("章程.pdf", b"PK\x03\x04 not really", content_type="application/pdf")
    response = client.post(url, {"file": fake, "title": "章程"}, follow=True)
    assert "文件内容不是 PDF" in response.content.decode()


def test_registry_detail_and_home_link_to_the_workspace(client, login, world):
    url = reverse("running:workspace", args=[world.alliance.pk])
    detail = reverse("alliances:registry_detail", args=[world.alliance.pk])
    link = f'href="{url}"'  # not a part of another address (the patent pool's /ip/alliances/…)
    assert link not in client.get(detail).content.decode()
    login(world.member_user)
    assert link in client.get(detail).content.decode()
    assert link in client.get(reverse("web:home")).content.decode()


#: session and user, alliance, workspace, relation, members, meetings page (count, rows, files),
#: documents, history, deadlines and the layout's own; the latest change filings (one query,
#: with their signature counts) and the reports section (lianmeng.reporting) — 22 as measured
PAGE_QUERIES = 22


def test_page_and_meeting_list_make_a_constant_number_of_queries(
    client, login, world, django_assert_max_num_queries
):
    login(world.lead_user)
    url = reverse("running:workspace", args=[world.alliance.pk])
    client.get(url)  # the workspace is initialised on first opening
    _meetings(world, 3)
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(url).status_code == 200
    _meetings(world, 40)
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(url + "?page=2").status_code == 200
