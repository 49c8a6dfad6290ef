"""The public and staff pages: lists (query counts), the objection form with its captcha and
rate limit, handling an objection and "决定生效"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lianmeng.notices import captcha, services
from lianmeng.notices.files import pdf_bytes
from lianmeng.notices.models import Announcement, AnnouncementFile, Objection

from .conftest import START


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    cache.clear()
    yield
    cache.clear()


def _post_objection(client, row, answer, **kw):
    client.get(reverse("notices:captcha"))
    data = {
        "name": "李四",
        "contact": "lisi@example.cn",
        "text": "牵头单位的研发投入数据有误。",
        "captcha": answer,
        **kw,
    }
    return client.post(reverse("notices:objection_new", args=[row.pk]), data)


def test_public_list_filters_and_query_count(
    at, client, make_notice, henan_staff, django_assert_max_num_queries
):
    for n in range(25):
        make_notice(title=f"公示{n}")
    make_notice(actor=henan_staff, kind="call", title="河南省申报通知", starts=None)
    draft = make_notice(title="未发布的草稿", publish=False)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notices:list"))
    page = response.content.decode()
    assert response.status_code == 200 and "河南省申报通知" in page
    assert "未发布的草稿" not in page and "共 26 条" in page
    assert "公示中" in page
    response = client.get(reverse("notices:list"), {"kind": "call"})
    assert "河南省申报通知" in response.content.decode() and "共 1 条" in response.content.decode()
    response = client.get(reverse("notices:list"), {"running": "1"})
    assert "共 25 条" in response.content.decode()
    response = client.get(reverse("notices:list"), {"area": henan_staff.jurisdiction_id})
    assert "共 1 条" in response.content.decode()
    assert client.get(reverse("notices:detail", args=[draft.pk])).status_code == 404
    # the other public notices of the platform are one click away
    links = response.content.decode().split('data-testid="other-notices"', 1)[1].split("</p>", 1)[0]
    for name in ("evaluation:notices", "rewards:public_batches", "calls:list"):
        assert f'href="{reverse(name)}"' in links


def test_detail_shows_period_files_and_form(
    at, client, luoyang_staff, make_notice, django_assert_max_num_queries
):
    row = make_notice(publish=False)
    services.announcement_file_add(
        actor=luoyang_staff,
        announcement_id=row.pk,
        file=SimpleUploadedFile("名单.pdf", pdf_bytes("list")),
        title="拟认定名单",
    )
    services.announcement_publish(actor=luoyang_staff, announcement_id=row.pk)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("notices:detail", args=[row.pk]))
    page = response.content.decode()
    assert "公示中" in page and "拟认定名单" in page and "提出异议" in page
    assert "换一张" in page and "请输入图中的 5 个字符" in page
    attached = AnnouncementFile.objects.get()
    download = client.get(reverse("notices:file", args=[attached.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    at(START - timedelta(days=1))
    assert "未开始" in client.get(reverse("notices:detail", args=[row.pk])).content.decode()
    at(START + timedelta(days=30))
    page = client.get(reverse("notices:detail", args=[row.pk])).content.decode()
    assert "已结束" in page and "提交异议" not in page


def test_captcha_image_is_a_png(client):
    response = client.get(reverse("notices:captcha"))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG") and response["Cache-Control"] == "no-store"
    assert captcha.SESSION_KEY in client.session
    assert "K7P3M" not in str(client.session[captcha.SESSION_KEY])  # only a hash is kept


def test_objection_with_the_right_captcha_gives_a_receipt(at, client, make_notice, captcha_answer):
    row = make_notice()
    response = _post_objection(client, row, captcha_answer.lower())  # any case
    page = response.content.decode()
    assert response.status_code == 200, page[:500]
    objection = Objection.objects.get()
    assert objection.reference in page and "受理编号" in page
    assert objection.client_hash


@pytest.mark.parametrize("typed", ["", "WRONG", None])
def test_wrong_missing_or_reused_captcha_saves_nothing(
    at, client, make_notice, captcha_answer, typed
):
    row = make_notice()
    if typed is None:  # reused: the first use succeeds, the same answer again is refused
        assert _post_objection(client, row, captcha_answer).status_code == 200
        response = client.post(
            reverse("notices:objection_new", args=[row.pk]),
            {"name": "李四", "contact": "1", "text": "再次", "captcha": captcha_answer},
        )
        assert response.status_code == 422
        assert "已过期或已使用" in response.content.decode()
        assert Objection.objects.count() == 1
        return
    response = _post_objection(client, row, typed)
    page = response.content.decode()
    assert response.status_code == 422
    assert "验证码" in page and "牵头单位的研发投入数据有误。" in page  # what was typed is kept
    assert not Objection.objects.exists()


def test_objection_outside_the_period_is_refused(at, client, make_notice, captcha_answer):
    row = make_notice(days=3)
    at(START + timedelta(days=3))
    response = _post_objection(client, row, captcha_answer)
    assert response.status_code == 409 and "已于" in response.content.decode()
    assert not Objection.objects.exists()


def test_objection_rate_limited_per_address(at, client, make_notice, captcha_answer):
    row = make_notice()
    for _ in range(5):
        assert _post_objection(client, row, captcha_answer).status_code == 200
    response = _post_objection(client, row, captcha_answer)
    assert response.status_code == 429 and "提交过于频繁" in response.content.decode()
    assert Objection.objects.count() == 5


def test_staff_pages(
    at, client, login, luoyang_staff, make_notice, captcha_answer, django_assert_max_num_queries
):
    rows = [make_notice(title=f"公示{n}") for n in range(3)]
    _post_objection(client, rows[0], captcha_answer)
    login(luoyang_staff)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("notices:staff_list"))
    page = response.content.decode()
    assert response.status_code == 200 and "公示0" in page
    detail = client.get(reverse("notices:staff_detail", args=[rows[0].pk])).content.decode()
    assert "待处理 1 条 / 共 1 条" in detail
    assert "须待公示期满后" in detail and "disabled" in detail
    objection = Objection.objects.get()
    with django_assert_max_num_queries(14):
        listing = client.get(reverse("notices:staff_objections", args=[rows[0].pk]))
    assert objection.reference in listing.content.decode()
    response = client.post(
        reverse("notices:staff_objection", args=[objection.pk]),
        {"result": "dismissed", "response": ""},
    )
    assert response.status_code == 422 and "请填写处理意见" in response.content.decode()
    response = client.post(
        reverse("notices:staff_objection", args=[objection.pk]),
        {"result": "dismissed", "response": "经核实，数据无误。"},
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.status == "dismissed" and objection.handled_by == luoyang_staff


def test_staff_new_edit_publish(at, client, login, luoyang_staff):
    login(luoyang_staff)
    response = client.post(
        reverse("notices:staff_new"),
        {
            "kind": "call",
            "title": "关于申报2026年度联盟的通知",
            "body": "各有关单位：",
            "notice_starts_on": "",
            "notice_ends_on": "",
        },
    )
    row = Announcement.objects.get()
    assert response.status_code == 302 and row.status == "draft"
    response = client.post(
        reverse("notices:staff_upload", args=[row.pk]),
        {"file": SimpleUploadedFile("a.pdf", b"not a pdf at all"), "title": "x"},
    )
    assert not AnnouncementFile.objects.exists()
    response = client.post(reverse("notices:staff_publish", args=[row.pk]))
    assert "确认发布公告" in response.content.decode()  # asks first
    client.post(reverse("notices:staff_publish", args=[row.pk]), {"confirmed": "1"})
    row.refresh_from_db()
    assert row.status == "published"


def test_other_department_gets_404(at, client, login, henan_staff, make_notice):
    row = make_notice()
    login(henan_staff)
    assert client.get(reverse("notices:staff_detail", args=[row.pk])).status_code == 404
    assert client.get(reverse("notices:staff_objections", args=[row.pk])).status_code == 404
