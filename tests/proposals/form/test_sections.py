"""建议书 sections: nothing typed is lost, errors in Chinese, concurrent staff, locks."""

from __future__ import annotations

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianmeng.core.errors import ValidationFailed
from lianmeng.core.models import AuditEntry
from lianmeng.proposals.models import Proposal
from lianmeng.proposals.sections import SECTIONS, proposal_section_save

from .conftest import post_section, section_url

LONG_STANDING = "牵" * 201


def page(response) -> str:
    return html.unescape(response.content.decode())


def test_every_section_page_renders_with_the_stored_values(signed_in, staff, draft):
    client = signed_in(staff())
    for key in SECTIONS:
        response = client.get(section_url(draft, key))
        assert response.status_code == 200, key
    text = page(client.get(section_url(draft, "lead")))
    assert 'value="2350"' in text  # employees from the document
    assert "上年度净利润" in text and "万元" in text
    text = page(client.get(section_url(draft, "facts")))
    assert "河南省高性能铝基新材料产业技术创新战略联盟" in text
    assert "已输入" in text and "/ 200 字" in text


def test_edit_start_redirects_to_the_first_section(signed_in, staff, draft):
    response = signed_in(staff()).get(f"/proposals/{draft.pk}/edit/")
    assert response.status_code == 302
    assert response["Location"] == section_url(draft, "facts")


def test_invalid_fields_keep_every_typed_value_after_reload(signed_in, staff, draft):
    client = signed_in(staff())
    response = post_section(
        client,
        draft,
        "lead",
        {
            "lead_unit.employees": "两千三百",
            "lead_unit.postcode": "4501",
            "lead_unit.address": "郑州市金水区花园路 27 号",
            "lead_unit.revenue": "1,200.5",
            "lead_unit.net_profit": "-35",
        },
    )
    assert response.status_code == 302
    response = post_section(
        client, draft, "facts", {"texts.lead_unit_standing": LONG_STANDING, "industry": "铝加工"}
    )
    assert response.status_code == 302

    draft.refresh_from_db()
    lead = draft.document["lead_unit"]
    # the valid fields of the same posts are in the document
    assert lead["address"] == "郑州市金水区花园路 27 号"
    assert lead["revenue"] == 1200.5
    assert lead["net_profit"] == -35
    assert draft.document["industry"] == "铝加工"
    # the invalid ones are not, but kept as typed
    assert "employees" not in lead and "postcode" not in lead
    assert "lead_unit_standing" not in draft.document["texts"]
    assert draft.form_state["lead"]["lead_unit.employees"]["value"] == "两千三百"

    text = page(client.get(section_url(draft, "lead")))
    assert 'value="两千三百"' in text
    assert "请输入不小于 0 的整数" in text
    assert 'value="4501"' in text
    assert "邮政编码应为 6 位数字" in text
    assert "有 2 项填写有误" in text

    text = page(client.get(section_url(draft, "facts")))
    assert LONG_STANDING in text
    assert "不能超过 200 字（当前 201 字）" in text
    assert '已输入 <span class="lm-n">201</span> / 200 字' in text


def test_correcting_a_field_clears_its_kept_text(signed_in, staff, draft):
    client = signed_in(staff())
    post_section(client, draft, "lead", {"lead_unit.employees": "abc"})
    post_section(client, draft, "lead", {"lead_unit.employees": "2400"})
    draft.refresh_from_db()
    assert draft.document["lead_unit"]["employees"] == 2400
    assert "lead" not in draft.form_state


def test_empty_input_removes_the_key_and_empty_objects(signed_in, staff, draft):
    client = signed_in(staff())
    post_section(
        client,
        draft,
        "facts",
        {f"contact.{key}": "" for key in ("name", "phone", "fax", "mobile", "email")},
    )
    draft.refresh_from_db()
    assert "contact" not in draft.document


def test_save_continue_goes_to_the_next_part_and_says_saved(signed_in, staff, draft):
    client = signed_in(staff())
    response = post_section(client, draft, "background", {"texts.background": "背景"}, follow=True)
    assert "已保存。" in page(response)
    response = post_section(
        client, draft, "facts", {"name": "河南省铝箔产业技术创新战略联盟", "continue": "1"}
    )
    assert response["Location"] == section_url(draft, "lead")
    draft.refresh_from_db()
    assert draft.name == "河南省铝箔产业技术创新战略联盟"  # the list column follows the document


def test_a_save_is_audited_with_the_changed_fields_only(signed_in, staff, draft):
    client = signed_in(staff())
    before = AuditEntry.objects.count()
    post_section(
        client,
        draft,
        "lead",
        {"lead_unit.employees": "2350", "lead_unit.tax_paid": "9300", "lead_unit.postcode": "x"},
    )
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == "lianmeng.proposal.section.saved"
    assert entry.summary["after"] == {
        "section": "lead",
        "lead_unit.tax_paid": 9300,
        "lead_unit.postcode": {"invalid": "x"},
    }
    assert entry.summary["before"]["lead_unit.tax_paid"] == 9200


def test_an_unchanged_save_does_not_bump_the_revision(signed_in, staff, draft):
    client = signed_in(staff())
    post_section(client, draft, "lead", {"lead_unit.employees": "2350"})
    draft.refresh_from_db()
    assert draft.revision == 0


def test_a_stale_revision_is_refused_and_nothing_is_overwritten(signed_in, staff, draft):
    alice, bob = staff(), staff()
    client = signed_in(alice)
    from lianmeng.proposals.sections import get_section, section_fingerprint

    opened_revision = draft.revision
    opened_base = section_fingerprint(draft, get_section("facts"))
    proposal_section_save(
        actor=bob, pk=draft.pk, section="facts", data={"industry": "铝箔"}, revision=opened_revision
    )
    response = post_section(
        client,
        draft,
        "facts",
        {"industry": "铝板带", "product": "罐料"},
        revision=opened_revision,
        base=opened_base,
    )
    assert response.status_code == 409
    text = page(response)
    assert "同事在您打开本页后修改并保存了这一部分" in text
    assert 'value="铝板带"' in text and 'value="罐料"' in text  # what Alice typed, still there
    assert "同事已保存为" in text and "铝箔" in text
    draft.refresh_from_db()
    assert draft.document["industry"] == "铝箔"
    assert draft.document["product"] == "高性能铝合金板带箔"

    # the page now carries the current revision: saving again is Alice's deliberate choice
    response = post_section(client, draft, "facts", {"industry": "铝板带"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.document["industry"] == "铝板带"


def test_a_colleague_saving_another_section_is_no_conflict(signed_in, staff, draft):
    alice, bob = staff(), staff()
    client = signed_in(alice)
    from lianmeng.proposals.sections import get_section, section_fingerprint

    opened = (draft.revision, section_fingerprint(draft, get_section("facts")))
    proposal_section_save(
        actor=bob, pk=draft.pk, section="lead", data={"lead_unit.employees": "9"}, revision=0
    )
    response = post_section(
        client, draft, "facts", {"industry": "铝箔"}, revision=opened[0], base=opened[1]
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.document["industry"] == "铝箔"
    assert draft.document["lead_unit"]["employees"] == 9


def test_autosave_answers_json_with_the_new_revision(signed_in, staff, draft):
    client = signed_in(staff())
    response = post_section(
        client,
        draft,
        "lead",
        {"lead_unit.employees": "12", "lead_unit.postcode": "12", "_autosave": "1"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["revision"] == 1
    assert body["errors"] == {"lead_unit.postcode": "邮政编码应为 6 位数字，如 450001"}
    # the next autosave from the same page, with the revision it was given, goes through
    response = client.post(
        section_url(draft, "lead"),
        {
            "revision": body["revision"],
            "base": body["base"],
            "lead_unit.employees": "13",
            "_autosave": "1",
        },
    )
    assert response.json()["revision"] == 2

    stale = client.post(
        section_url(draft, "lead"),
        {"revision": 0, "base": "0" * 16, "lead_unit.employees": "14", "_autosave": "1"},
    )
    assert stale.status_code == 409
    assert "同事" in stale.json()["message"]


def test_two_staff_of_the_lead_unit_both_edit(signed_in, staff, draft, client):
    for n, user in enumerate((staff(), staff()), start=1):
        client.force_login(user)
        assert client.get(section_url(draft, "plan")).status_code == 200
        response = post_section(client, draft, "plan", {"texts.plan": f"第 {n} 稿"})
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.document["texts"]["plan"] == f"第 {n} 稿"


def test_staff_of_another_unit_get_404(signed_in, make_user, make_unit, draft):
    client = signed_in(make_user(["applicant"], unit=make_unit("410305")))
    assert client.get(section_url(draft, "facts")).status_code == 404
    assert client.get(f"/proposals/{draft.pk}/edit/check/").status_code == 404
    assert client.get(f"/proposals/{draft.pk}/edit/check/panel/").status_code == 404
    response = post_section(client, draft, "facts", {"industry": "别人的"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.document["industry"] == "铝基新材料"


def test_a_submitted_proposal_is_locked(signed_in, staff, draft):
    Proposal.objects.filter(pk=draft.pk).update(status=Proposal.Status.SUBMITTED)
    client = signed_in(staff())
    text = page(client.get(section_url(draft, "facts")))
    assert "该申报已锁定，仅供查看" in text
    assert "保存并继续" not in text
    response = post_section(client, draft, "facts", {"industry": "铝箔"})
    assert response.status_code == 403
    assert "已锁定，不能修改" in page(response)
    draft.refresh_from_db()
    assert draft.document["industry"] == "铝基新材料"


def test_department_staff_read_a_submitted_proposal_but_cannot_save(
    signed_in, make_user, make_draft, henan_document
):
    proposal = make_draft(henan_document, status=Proposal.Status.SUBMITTED)
    client = signed_in(make_user(["recommender"], jurisdiction="410100"))  # 郑州市: the lead's city
    assert client.get(section_url(proposal, "kpis")).status_code == 200
    response = post_section(client, proposal, "kpis", {"expected_kpis.core_breakthroughs": "9"})
    assert response.status_code == 403


def test_unknown_section_is_404(signed_in, staff, draft):
    assert signed_in(staff()).get(section_url(draft, "nonsense")).status_code == 404


def test_baoding_has_the_category_and_henan_does_not(signed_in, make_user, make_draft):
    from .conftest import example

    document = example("baoding-valid.json")
    document.pop("submitted_at", None)
    proposal = make_draft(document)
    client = signed_in(make_user(["applicant"], unit=proposal.lead_unit))
    text = page(client.get(section_url(proposal, "facts")))
    assert "备案类别" in text and "一类：产业技术创新战略联盟" in text
    response = post_section(client, proposal, "facts", {"category": "2"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.document["category"] == 2
    assert "围绕产业链部署创新链的任务分工" in page(
        client.get(section_url(proposal, "agreement_facts"))
    )


def test_henan_facts_have_no_category(signed_in, staff, draft):
    text = page(signed_in(staff()).get(section_url(draft, "facts")))
    assert "备案类别" not in text
    post_section(signed_in(staff()), draft, "facts", {"category": "1"})
    draft.refresh_from_db()
    assert "category" not in draft.document  # not a field of this profile: ignored
    with pytest.raises(ValidationFailed):
        proposal_section_save(
            actor=staff(), pk=draft.pk, section="facts", data={"category": "1"}, revision=0
        )


def test_kpi_table_saves_the_whole_section(signed_in, staff, draft):
    client = signed_in(staff())
    text = page(client.get(section_url(draft, "kpis")))
    for label in (
        "实际投入经费",
        "形成自主知识产权",
        "集成电路布图设计专有权",
        "投入利用",
        "联盟内部标准或规范",
        "成交额",
        "研发平台建设",
    ):
        assert label in text
    post_section(
        client,
        draft,
        "kpis",
        {
            "expected_kpis.ip.ic_layouts.applied": "2",
            "expected_kpis.tech_transfer.transfer.amount": "35.5",
            "expected_kpis.projects.national.count": "-1",
        },
    )
    draft.refresh_from_db()
    kpis = draft.document["expected_kpis"]
    assert kpis["ip"]["ic_layouts"] == {"applied": 2}
    assert kpis["tech_transfer"]["transfer"] == {"amount": 35.5}
    assert kpis["projects"]["national"] == {"amount": 500}
    assert draft.form_state["kpis"]["expected_kpis.projects.national.count"]["error"] == (
        "请输入不小于 0 的整数"
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("key", ["facts", "kpis"])
def test_section_page_queries_do_not_grow_with_members(
    signed_in, make_user, make_draft, henan_document, key
):
    from tests.conftest import make_uscc

    small = make_draft(henan_document)
    big_document = dict(henan_document, name="河南省另一个产业技术创新战略联盟")
    big_document["members"] = henan_document["members"] + [
        {"name": f"成员单位{n}", "uscc": make_uscc("410105"), "kind": "enterprise"}
        for n in range(50)
    ]
    big = make_draft(big_document)
    client = signed_in(make_user(["applicant"], unit=small.lead_unit))
    _queries(client, section_url(small, key))  # warm caches (jurisdiction names, profiles)
    assert _queries(client, section_url(big, key)) == _queries(client, section_url(small, key))


def test_focus_areas_come_from_the_call(signed_in, staff, draft, jurisdiction):
    from datetime import datetime

    from lianmeng.calls.models import Call
    from lianmeng.core import clock

    call = Call.objects.create(
        profile="henan",
        jurisdiction=jurisdiction("410000"),
        year=2020,
        title="关于组织申报2020年河南省产业技术创新战略联盟的通知",
        focus_areas=["新材料", "智能装备"],
        online_opens_at=datetime(2020, 8, 10, tzinfo=clock.BEIJING),
        online_closes_at=datetime(2020, 9, 20, 23, 59, 59, tzinfo=clock.BEIJING),
        status=Call.Status.PUBLISHED,
    )
    Proposal.objects.filter(pk=draft.pk).update(call=call)
    text = page(signed_in(staff()).get(section_url(draft, "facts")))
    assert '<option value="智能装备"></option>' in text
    assert 'list="f-focus-area-list"' in text


def test_text_up_to_the_limit_is_stored_and_one_more_is_kept_raw(signed_in, staff, draft):
    client = signed_in(staff())
    post_section(client, draft, "background", {"texts.background": "景" * 300})
    draft.refresh_from_db()
    assert draft.document["texts"]["background"] == "景" * 300
    post_section(client, draft, "background", {"texts.background": "景" * 301})
    draft.refresh_from_db()
    assert "background" not in draft.document["texts"]
    assert draft.form_state["background"]["texts.background"] == {
        "value": "景" * 301,
        "error": "不能超过 300 字（当前 301 字），请精简后再保存",
    }


def test_kept_errors_are_read_in_each_colleagues_language(signed_in, staff, draft, client):
    """Saved by a colleague in Chinese, the kept errors read in English for one who chose it."""
    chinese = signed_in(staff())
    post_section(
        chinese, draft, "lead", {"lead_unit.employees": "两千三百", "lead_unit.postcode": "4501"}
    )
    chinese.logout()

    english = signed_in(staff())
    english.post("/i18n/setlang/", {"language": "en", "next": "/"})
    text = page(english.get(section_url(draft, "lead")))
    assert 'value="两千三百"' in text and 'value="4501"' in text
    assert "Enter a whole number of at least 0" in text
    assert "A postcode has 6 digits, e.g. 450001" in text
    assert "请输入不小于 0 的整数" not in text
    # and the punctuation around the words is English too
    assert '<span class="d-none d-sm-inline">: ' in text
    assert '-1">1. ' in text and "1、" not in text
    english.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})

    text = page(english.get(section_url(draft, "lead")))
    assert "请输入不小于 0 的整数" in text
    assert "邮政编码应为 6 位数字" in text
    assert '<span class="d-none d-sm-inline">：' in text and '-1">1、' in text
