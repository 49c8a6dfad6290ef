"""Decisions' 文号 (required, unique per department and year, suggested, kept on a refusal,
published once on a double click), the decision document PDF (text, verification, render),
overdue construction periods in the registry, the registry as XLSX, and the 备案 form's
category preselected from the 推荐公函."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date, datetime

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianmeng.alliances import services
from lianmeng.alliances.models import Alliance, Decision, DecisionNotice
from lianmeng.alliances.numbering import next_reference, parse_reference
from lianmeng.core.errors import Conflict, ValidationFailed
from lianmeng.core.models import Jurisdiction
from lianmeng.experts import services as review

ARTEFACTS = "/tmp/lists"


@pytest.fixture
def in_2020(monkeypatch):
    from lianmeng.core import clock

    moment = datetime(2020, 11, 16, 10, 0, tzinfo=clock.BEIJING)
    monkeypatch.setattr(clock, "now", lambda: moment)
    return moment


def _staged(staff, proposals, kind="approve_to_build"):
    round = review.round_create(actor=staff, profile="henan", call_year=2020)
    review.round_add_proposals(
        actor=staff, round_id=round.pk, proposal_ids=[p.pk for p in proposals]
    )
    review.round_close(actor=staff, round_id=round.pk)
    return [
        services.decision_stage(actor=staff, proposal_id=p.pk, kind=kind, reason="专家评审通过")
        for p in proposals
    ]


def test_reference_parsing():
    assert parse_reference("豫科〔2026〕12号").text == "豫科〔2026〕12号"
    assert parse_reference("豫科[2026]12号").text == "豫科〔2026〕12号"
    assert parse_reference(" 黑科发（2013）第31号 ").text == "黑科发〔2013〕31号"
    assert parse_reference("2026年12号") is None


def test_reference_is_required_and_unique_per_department_and_year(
    henan_staff, make_review_proposal, in_2020
):
    first, second, third = (make_review_proposal() for _ in range(3))
    a, b, c = _staged(henan_staff, [first, second, third])
    with pytest.raises(ValidationFailed) as excinfo:
        services.decisions_publish(actor=henan_staff, ids=[a.pk], reference="  ")
    assert "文号" in excinfo.value.message
    with pytest.raises(ValidationFailed) as excinfo:
        services.decisions_publish(actor=henan_staff, ids=[a.pk], reference="第十二号")
    assert "格式" in excinfo.value.message
    services.decisions_publish(actor=henan_staff, ids=[a.pk], reference="豫科〔2020〕150号")
    with pytest.raises(Conflict) as excinfo:
        services.decisions_publish(actor=henan_staff, ids=[b.pk], reference="豫科[2020]150号")
    assert "已经用过" in excinfo.value.message and "豫科〔2020〕151号" in excinfo.value.message
    b.refresh_from_db()
    assert b.status == Decision.Status.STAGED  # nothing published under a used number
    # the same number of another year is another 文号
    services.decisions_publish(actor=henan_staff, ids=[b.pk], reference="豫科〔2019〕150号")
    # no 文号 at all (the API): the department's next free number
    published = services.decisions_publish(actor=henan_staff, ids=[c.pk])
    assert published[0].reference == "豫科〔2020〕151号"
    alliance = Alliance.objects.get(proposal=third)
    assert alliance.reference == "豫科〔2020〕151号"
    assert DecisionNotice.objects.count() == 3


def test_reference_continues_the_legacy_numbers(henan_staff, make_unit, db, in_2020):
    henan = Jurisdiction.objects.get(code="410000")
    lead = make_unit("410182")
    Alliance.objects.create(
        source=Alliance.Source.LEGACY,
        reference="豫科〔2020〕139号",
        profile="henan",
        level="provincial",
        name="河南省历史联盟",
        lead_unit=lead,
        jurisdiction=henan,
        status=Alliance.Status.RECOGNISED,
        decided_on=date(2020, 6, 1),
    )
    assert next_reference(henan, 2020) == "豫科〔2020〕140号"
    assert next_reference(henan, 2021) == "豫科〔2021〕1号"
    assert next_reference(Jurisdiction.objects.get(code="130600"), 2020) == "保科〔2020〕1号"


def test_decisions_page_suggests_requires_and_shows_the_reference(
    client, login, henan_staff, make_review_proposal, in_2020
):
    proposals = [make_review_proposal(), make_review_proposal()]
    staged = _staged(henan_staff, proposals)
    login(henan_staff)
    page = client.get("/staff/decisions/").content.decode()
    assert 'name="reference"' in page and 'value="豫科〔2020〕1号"' in page and "required" in page
    token = re.search(r'name="token" value="([0-9a-f]+)"', page).group(1)
    form = {
        "decisions": [d.pk for d in staged],
        "reference": "",
        "token": token,
        "confirmed": "1",
    }
    page = client.post("/staff/decisions/publish/", form, follow=True).content.decode()
    assert "请填写本批决定的文号" in page
    assert not Alliance.objects.exists()

    form["reference"] = "豫科〔2020〕12号"
    first = client.post("/staff/decisions/publish/", form, follow=True).content.decode()
    assert "已发布 2 项决定" in first and "豫科〔2020〕12号" in first
    # the same form again (a double click): nothing is published twice
    again = client.post("/staff/decisions/publish/", form, follow=True).content.decode()
    assert "已发布 2 项决定" in again
    assert DecisionNotice.objects.count() == 1
    assert Decision.objects.filter(status="published").count() == 2
    from lianmeng.workflow.models import StateChange

    assert StateChange.objects.filter(kind="approve").count() == 2
    registry = client.get("/registry/").content.decode()
    assert "豫科〔2020〕12号" in registry
    alliance = Alliance.objects.get(proposal=proposals[0])
    detail = client.get(f"/registry/{alliance.pk}/").content.decode()
    assert "文号：豫科〔2020〕12号" in detail and "决定书（PDF）" in detail
    history = client.get(f"/reviews/proposals/{proposals[0].pk}/").content.decode()
    assert "文号：豫科〔2020〕12号" in history


def _pdf_text(path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    return "".join(out.split())


def test_decision_document_pdf(
    client, login, henan_staff, make_review_proposal, make_user, make_unit, in_2020, tmp_path
):
    proposal = make_review_proposal(name="河南省再生铝产业技术创新战略联盟")
    (decision,) = _staged(henan_staff, [proposal])
    services.decisions_publish(actor=henan_staff, ids=[decision.pk], reference="豫科〔2020〕88号")
    decision.refresh_from_db()
    lead = make_user(["applicant"], unit=proposal.lead_unit)
    outsider = make_user(["applicant"], unit=make_unit("410182"))
    url = f"/registry/decisions/{decision.pk}/document.pdf"

    login(outsider)
    assert client.get(url).status_code == 404
    login(lead)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "decision.pdf"
    path.write_bytes(response.content)
    text = _pdf_text(path)
    assert "河南省科学技术厅" in text and "豫科〔2020〕88号" in text
    assert "关于同意筹建河南省再生铝产业技术创新战略联盟的批复" in text
    assert proposal.lead_unit.name in text
    assert "二〇二一年十一月十六日" in text  # end of the construction period
    assert "二〇二〇年十一月十六日" in text
    code = decision.verification_code
    assert "-".join(code[i : i + 4] for i in range(0, 12, 4)) in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "CJK" in fonts
    # rendered: a page with ink on it (looked at in /tmp/lists/decision-1.png)
    prefix = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(prefix)], check=True
    )
    pngs = list(tmp_path.glob("page*.png"))
    assert pngs and pngs[0].stat().st_size > 5000
    import os
    import shutil

    os.makedirs(ARTEFACTS, exist_ok=True)
    shutil.copy(path, f"{ARTEFACTS}/decision.pdf")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(path), f"{ARTEFACTS}/decision"],
        check=True,
    )

    # the department decides and may download; the public checks the code
    login(henan_staff)
    assert client.get(url).status_code == 200
    client.logout()
    check = client.get(f"/registry/decisions/verify/{code.lower()}/").content.decode()
    assert "核验通过" in check and "豫科〔2020〕88号" in check
    assert client.get("/registry/decisions/verify/AAAABBBBCCCC/").status_code == 404


def _building(make_unit, *, name, due, status=Alliance.Status.BUILDING):
    """A Henan alliance 筹建中 whose construction period (a workflow Deadline) ends ``due``."""
    from lianmeng.core import clock
    from lianmeng.proposals.models import Proposal
    from lianmeng.workflow.models import Deadline, StateChange

    lead = make_unit("410182")
    proposal = Proposal.objects.create(
        profile="henan",
        call_year=2019,
        name=name,
        domain="industry",
        lead_unit=lead,
        region=lead.region,
        status="approved_to_build",
        document={"members": []},
        member_count=12,
    )
    change = StateChange.objects.create(
        subject_kind="proposal",
        subject_id=proposal.pk,
        from_state="under_review",
        to_state="approved_to_build",
        transition="approve",
        kind="approve",
        label="批准筹建",
        at=datetime(2019, 11, 16, 10, 0, tzinfo=clock.BEIJING),
    )
    Deadline.objects.create(
        subject_kind="proposal",
        subject_id=proposal.pk,
        kind="construction_period",
        starts_at=change.at,
        due_at=due,
        state_change=change,
    )
    return Alliance.objects.create(
        proposal=proposal,
        profile="henan",
        level="provincial",
        name=name,
        domain="industry",
        lead_unit=lead,
        jurisdiction=Jurisdiction.objects.get(code="410000"),
        member_count=12,
        status=status,
        decided_on=date(2019, 11, 16),
        construction_deadline=due.date(),
        authority="河南省科学技术厅",
    )


def test_overdue_construction_is_flagged_and_filtered(client, db, make_unit, in_2020):
    from lianmeng.core import clock

    late = _building(
        make_unit, name="河南省逾期筹建联盟", due=datetime(2020, 11, 1, tzinfo=clock.BEIJING)
    )
    on_time = _building(
        make_unit, name="河南省筹建期内联盟", due=datetime(2021, 5, 1, tzinfo=clock.BEIJING)
    )
    done = _building(
        make_unit,
        name="河南省已验收联盟",
        due=datetime(2020, 10, 1, tzinfo=clock.BEIJING),
        status=Alliance.Status.RECOGNISED,
    )
    page = client.get("/registry/").content.decode()
    row = page[page.index(late.name) :]
    row = row[: row.index("</tr>")]
    assert "筹建期已过" in row and "2020-11-01" in row
    for other in (on_time, done):
        row = page[page.index(other.name) :]
        assert "筹建期已过" not in row[: row.index("</tr>")]
    filtered = client.get("/registry/", {"overdue": "on"}).content.decode()
    assert late.name in filtered and on_time.name not in filtered and done.name not in filtered
    detail = client.get(f"/registry/{late.pk}/").content.decode()
    assert "筹建期已过" in detail and "2020年11月1日" in detail
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get("/registry/export.xlsx", {"overdue": "on"}).content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "联盟名称" and rows[0][-1] == "筹建期已过"
    assert [r[0] for r in rows[1:]] == [late.name] and rows[1][-1] == "是"


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_registry_page_and_export_queries_do_not_grow(client, db, make_unit, in_2020):
    from lianmeng.core import clock

    for i in range(5):
        _building(make_unit, name=f"联盟{i}", due=datetime(2020, 1, 1, tzinfo=clock.BEIJING))
    page5, export5 = _count(client, "/registry/"), _count(client, "/registry/export.xlsx")
    for i in range(5, 50):
        _building(make_unit, name=f"联盟{i}", due=datetime(2020, 1, 1, tzinfo=clock.BEIJING))
    assert _count(client, "/registry/") == page5
    assert _count(client, "/registry/export.xlsx") == export5
    response = client.get("/registry/export.xlsx", {"q": "联盟1"})
    names = [
        r[0]
        for r in openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert sorted(names) == sorted(["联盟1", *[f"联盟{i}" for i in range(10, 20)]])


def test_baoding_filing_form_preselects_the_letters_category(
    client, login, baoding_staff, make_review_proposal, make_user, policies_in_force
):
    from lianmeng.workflow.models import StateChange

    proposal = make_review_proposal(
        profile="baoding", status="recommended", region="130602", name="保定市电力装备创新联盟"
    )
    proposal.document = {**proposal.document, "category": 1}
    proposal.save(update_fields=["document"])
    # the recommending county asked for category 2 in its 推荐公函
    StateChange.objects.create(
        subject_kind="proposal",
        subject_id=proposal.pk,
        from_state="submitted",
        to_state="recommended",
        transition="recommend_county",
        kind="recommend",
        label="推荐",
        at=policies_in_force,
        actor_office="保定市竞秀区科学技术局",
        data={"category": 2},
    )
    login(baoding_staff)
    page = client.get("/staff/decisions/").content.decode()
    select = re.search(rf'<select[^>]*id="c-{proposal.pk}"[^>]*>(.*?)</select>', page, re.S).group(
        1
    )
    assert re.search(r'<option value="2" selected>', select)
    assert not re.search(r'<option value="1" selected>', select)
    assert "推荐公函申请类别：二类（产业创新联盟）" in page
