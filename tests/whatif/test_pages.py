"""The department's what-if pages (/staff/whatif/): drafts kept and shared within the
department, the parameter form, the comparison, the exports; nobody else sees them."""

from __future__ import annotations

import io
import tomllib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianmeng.core.models import AuditEntry
from lianmeng.whatif import services
from lianmeng.whatif.models import PolicyDraft

MIN8 = {"members.min_count": {"severity": "required", "min_count": 8}}


def _draft(wi, **extra):
    return services.draft_create(
        actor=wi.department,
        profile_id="luoyang",
        name=extra.pop("name", "成员不少于 8 家"),
        overrides=extra.pop("overrides", MIN8),
        **extra,
    )


def test_the_department_starts_a_draft_from_its_profile(wi, client, login):
    login(wi.department)
    page = client.get("/staff/whatif/")
    assert page.status_code == 200
    assert "还没有推演草案" in page.content.decode()
    response = client.post("/staff/whatif/", {"profile": "luoyang", "name": "占比六成"})
    draft = PolicyDraft.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/whatif/{draft.pk}/"
    assert draft.overrides == {} and draft.jurisdiction.code == "410300"
    assert draft.profile_version.startswith("2018-07-10#")
    assert AuditEntry.objects.filter(action="lianmeng.whatif.draft.created").count() == 1
    form = client.get(f"/staff/whatif/{draft.pk}/").content.decode()
    # the current value and its citation beside each field
    assert (
        "50 %" in form
        and "第六条(一)" in form
        and "洛阳市产业技术创新战略联盟构建和发展实施办法" in form
    )


def test_an_empty_name_is_refused_with_what_to_do(wi, client, login):
    login(wi.department)
    response = client.post("/staff/whatif/", {"profile": "luoyang", "name": " "})
    assert response.status_code == 422 and "请填写草案名称" in response.content.decode()
    assert not PolicyDraft.objects.exists()


def test_saving_and_running_shows_what_changes(wi, client, login):
    draft = _draft(wi, overrides={})
    login(wi.department)
    response = client.post(
        f"/staff/whatif/{draft.pk}/",
        {
            "name": "成员不少于 8 家",
            "note": "征求意见",
            "members.min_count.severity": "required",
            "members.min_count.min_count": "8",
            "members.mostly_local.more_than_share": "50",
            "action": "run",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("/#results")
    draft.refresh_from_db()
    assert draft.overrides == MIN8 and draft.note == "征求意见"
    assert draft.result_at is not None and draft.result["overrides"] == MIN8
    assert AuditEntry.objects.filter(action="lianmeng.whatif.draft.run").count() == 1
    text = client.get(f"/staff/whatif/{draft.pk}/").content.decode()
    assert 'data-testid="counts-alliances"' in text
    assert "洛阳市小型联盟" in text and "洛阳市大型联盟" not in text
    assert "洛阳市精密轴承产业技术创新战略联盟" in text
    assert "members.min_count" in text and "成员单位 6 家，少于 8 家" in text
    assert "table-warning" in text  # the changed parameter is highlighted
    # the stored comparison is dropped when the parameters change
    client.post(f"/staff/whatif/{draft.pk}/", {"name": draft.name, "action": "save"})
    draft.refresh_from_db()
    assert draft.overrides == MIN8 and draft.result is not None  # the same values: kept
    client.post(
        f"/staff/whatif/{draft.pk}/",
        {"name": draft.name, "members.min_count.min_count": "9", "action": "save"},
    )
    draft.refresh_from_db()
    assert draft.overrides["members.min_count"]["min_count"] == 9 and draft.result is None


def test_a_value_out_of_range_is_refused_naming_the_parameter(wi, client, login):
    draft = _draft(wi)
    login(wi.department)
    response = client.post(
        f"/staff/whatif/{draft.pk}/",
        {"name": draft.name, "members.mostly_local.more_than_share": "120", "action": "run"},
    )
    text = response.content.decode()
    assert response.status_code == 422
    assert "本辖区成员占比须超过" in text and "1–99 %之间的数" in text and "120 %" in text
    draft.refresh_from_db()
    assert draft.overrides == MIN8  # unchanged


def test_exports_the_comparison_and_the_toml_for_the_administrator(wi, client, login):
    from openpyxl import load_workbook

    draft = _draft(wi)
    login(wi.department)
    response = client.get(f"/staff/whatif/{draft.pk}/comparison.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    params = list(book["调整的参数"].values)
    assert params[1][0] == "members.min_count" and params[1][4] == "必须"
    summary = list(book["汇总"].values)
    assert summary[1][:4] == ("在运行的联盟", 2, 1, 0)
    rows = list(book["结论变化的联盟"].values)
    assert rows[1][0] == "洛阳市小型联盟" and rows[1][3] == "members.min_count"
    assert "不通过（必须）" in rows[1][8]
    snippet = client.get(f"/staff/whatif/{draft.pk}/overrides.toml")
    assert snippet.status_code == 200
    text = snippet.content.decode()
    assert "系统管理员" in text
    assert tomllib.loads(text)["rules"]["members"]["min_count"]["params"]["min_count"]["value"] == 8


def test_delete_is_audited(wi, client, login):
    draft = _draft(wi)
    login(wi.department)
    response = client.post(f"/staff/whatif/{draft.pk}/delete/")
    assert response.status_code == 302 and not PolicyDraft.objects.exists()
    assert AuditEntry.objects.filter(action="lianmeng.whatif.draft.deleted").exists()


@pytest.mark.parametrize("who", ["henan", "county", "applicant"])
def test_other_departments_neither_see_nor_touch_the_draft(wi, client, login, who):
    draft = _draft(wi)
    login(getattr(wi, who))
    for url in (
        f"/staff/whatif/{draft.pk}/",
        f"/staff/whatif/{draft.pk}/comparison.xlsx",
        f"/staff/whatif/{draft.pk}/overrides.toml",
    ):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert draft.name not in response.content.decode()
    assert client.post(f"/staff/whatif/{draft.pk}/delete/").status_code in (403, 404)
    assert client.post(f"/staff/whatif/{draft.pk}/", {"name": "x"}).status_code in (403, 404)
    run = client.post(f"/staff/whatif/{draft.pk}/", {"name": "x", "action": "run"})
    assert run.status_code in (403, 404)
    draft.refresh_from_db()
    assert draft.name == "成员不少于 8 家" and draft.result is None
    if who == "henan":
        # Henan's department keeps drafts of its own profile, not Luoyang's
        page = client.get("/staff/whatif/").content.decode()
        assert draft.name not in page
        with pytest.raises(Exception, match="只有该政策配置所属辖区"):
            services.draft_create(actor=wi.henan, profile_id="luoyang", name="x")


def test_the_list_is_paginated_with_a_constant_number_of_queries(wi, client, login):
    for i in range(3):
        _draft(wi, name=f"草案{i}")
    login(wi.department)
    client.get("/staff/whatif/")
    with CaptureQueriesContext(connection) as few:
        client.get("/staff/whatif/")
    for i in range(3, 45):
        _draft(wi, name=f"草案{i}")
    with CaptureQueriesContext(connection) as many:
        page = client.get("/staff/whatif/?q=草案")
    assert len(many) <= len(few) + 1
    assert page.content.decode().count('href="/staff/whatif/') >= 20
    assert "共 45 条" in page.content.decode()
    assert "草案44" in page.content.decode() and "草案0<" not in page.content.decode()
