"""Pages of the key-project solicitations: the department creates, opens and closes a
solicitation (confirmed), lists the proposals with filters, totals and mean scores, exports the
filtered list to XLSX, returns and scores a proposal; the lead unit sees the open solicitation,
files, submits (confirmed) and withdraws; who sees what; query counts of the lists."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lianmeng.projects import services
from lianmeng.projects.models import ProjectProposal, Solicitation

from .conftest import DATA

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def test_department_creates_opens_and_closes(client, pj):
    client.force_login(pj.department)
    page = client.get(reverse("projects:solicitation_new"))
    assert page.status_code == 200 and "新建项目征集" in _text(page)
    response = client.post(
        reverse("projects:solicitation_new"),
        {
            "title": "2019年洛阳市重大科技专项",
            "year": "2019",
            "guide": "指南",
            "domains": ["industry"],
            "opens_at": "2019-11-01T09:00",
            "closes_at": "2019-12-20T17:00",
            "max_per_alliance": "2",
        },
    )
    row = Solicitation.objects.get()
    assert response.status_code == 302 and response["Location"] == row.get_absolute_url()
    assert row.closes_at.isoformat() == "2019-12-20T09:00:00+00:00"  # 17:00 Beijing time
    page = client.get(row.get_absolute_url())
    assert "草稿" in _text(page) and "工业" in _text(page) and "confirm-open" in _text(page)
    # without confirmation: the consequence is asked, nothing changes
    asked = client.post(reverse("projects:solicitation_open", args=[row.pk]), {"revision": "1"})
    assert asked.status_code == 200 and "确认发布项目征集" in _text(asked)
    row.refresh_from_db()
    assert row.status == "draft"
    client.post(
        reverse("projects:solicitation_open", args=[row.pk]), {"revision": "1", "confirmed": "1"}
    )
    row.refresh_from_db()
    assert row.status == "open"
    # a second click of the same form (stale revision) is refused and changes nothing
    again = client.post(
        reverse("projects:solicitation_open", args=[row.pk]), {"revision": "1", "confirmed": "1"}
    )
    assert again.status_code == 409
    client.post(
        reverse("projects:solicitation_close", args=[row.pk]),
        {"revision": str(row.revision), "confirmed": "1"},
    )
    row.refresh_from_db()
    assert row.status == "closed"


def test_form_errors_keep_what_was_typed(client, pj):
    client.force_login(pj.department)
    response = client.post(
        reverse("projects:solicitation_new"),
        {
            "title": "保留的标题",
            "year": "2019",
            "opens_at": "2019-12-01T09:00",
            "closes_at": "2019-11-01T09:00",
        },
    )
    assert response.status_code == 422
    assert "截止时间应晚于开始时间" in _text(response) and "保留的标题" in _text(response)


def test_lead_unit_files_and_submits(client, pj, open_solicitation):
    s = open_solicitation()
    client.force_login(pj.applicant)
    home = client.get(reverse("projects:home"))
    assert s.title in _text(home) and pj.alliance.name in _text(home)
    url = reverse("projects:proposal_new", args=[s.pk]) + f"?alliance={pj.alliance.pk}"
    form = client.get(url)
    assert "河南科技大学" in _text(form) and "洛阳轴承检测中心有限公司" in _text(form)
    m1, m2 = pj.members
    response = client.post(
        url,
        {**DATA, "alliance": pj.alliance.pk, "member": [m1.pk], f"task_{m1.pk}": "材料研究"},
    )
    p = ProjectProposal.objects.get()
    assert response.status_code == 302
    assert [(m.name, m.task) for m in p.members.all()] == [("河南科技大学", "材料研究")]
    page = client.get(p.get_absolute_url())
    assert "confirm-submit" in _text(page) and "材料研究" in _text(page)
    # unbalanced budget in the edit form: refused, what was typed kept
    bad = client.post(
        reverse("projects:proposal_submit", args=[p.pk]),
        {
            **DATA,
            "self_raised": "1",
            "with_form": "1",
            "revision": p.revision,
            "member": [m1.pk],
            "confirmed": "1",
        },
    )
    assert bad.status_code == 422 and "预算不平衡" in _text(bad)
    p.refresh_from_db()
    assert p.status == "draft"
    ok = client.post(
        reverse("projects:proposal_submit", args=[p.pk]),
        {
            **DATA,
            "with_form": "1",
            "revision": p.revision,
            "member": [m1.pk, m2.pk],
            f"task_{m2.pk}": "检测",
            "confirmed": "1",
        },
    )
    assert ok.status_code == 302
    p.refresh_from_db()
    assert p.status == "submitted" and p.members.count() == 2
    # a double click: the second post finds it submitted and says so
    twice = client.post(
        reverse("projects:proposal_submit", args=[p.pk]),
        {"revision": "2", "confirmed": "1"},
        follow=True,
    )
    assert twice.status_code == 200 and "无需重复提交" in _text(twice)
    page = client.get(p.get_absolute_url())
    assert "已提交" in _text(page) and "proposal-pdf" in _text(page)


def test_wrong_alliance_gets_no_form(client, pj, open_solicitation):
    s = open_solicitation(domains=["industry"])
    client.force_login(pj.farm_applicant)
    home = client.get(reverse("projects:home"))
    assert s.title not in _text(home)
    assert client.get(reverse("projects:proposal_new", args=[s.pk])).status_code == 404


def test_who_sees_what(client, pj, open_solicitation, make_proposal):
    s = open_solicitation()
    draft = make_proposal(s, pj.applicant, pj.alliance)
    submitted = make_proposal(s, pj.other_applicant, pj.other_alliance, submit=True)
    cases = [
        (pj.applicant, draft, 200),
        (pj.other_applicant, draft, 404),
        (pj.department, draft, 404),
        (pj.department, submitted, 200),
        (pj.county, submitted, 404),
        (pj.henan, submitted, 404),
        (pj.applicant, submitted, 404),
    ]
    for user, proposal, status in cases:
        client.force_login(user)
        got = client.get(reverse("projects:proposal", args=[proposal.pk]))
        assert got.status_code == status, (user.username, proposal.title)
    for user in (pj.county, pj.henan):
        client.force_login(user)
        assert client.get(reverse("projects:solicitation", args=[s.pk])).status_code == 404
        assert s.title not in _text(client.get(reverse("projects:solicitations")))
    client.force_login(pj.applicant)
    assert client.get(reverse("projects:solicitations")).status_code == 403
    client.logout()
    assert client.get(reverse("projects:home")).status_code == 302


def test_department_list_filters_totals_and_scores(client, pj, open_solicitation, make_proposal):
    s = open_solicitation(domains=[], max_per_alliance=3)
    a = make_proposal(s, pj.applicant, pj.alliance, submit=True)
    make_proposal(s, pj.other_applicant, pj.other_alliance, submit=True)
    make_proposal(
        s, pj.farm_applicant, pj.farm, submit=False, members=[], data={"title": "草稿不列出"}
    )
    services.proposal_score(actor=pj.department, proposal_id=a.pk, score="80")
    services.proposal_score(actor=pj.department2, proposal_id=a.pk, score="90")
    client.force_login(pj.department)
    page = _text(client.get(reverse("projects:solicitation", args=[s.pk])))
    assert "草稿不列出" not in page
    assert "85.00" in page and "(2)" in page
    assert "3000.00" in page  # total budget of the two submitted
    only = _text(client.get(reverse("projects:solicitation", args=[s.pk]), {"q": "新材料"}))
    assert pj.other_alliance.name in only and pj.alliance.name not in only
    listing = _text(client.get(reverse("projects:solicitations")))
    assert s.title in listing


def test_xlsx_export_of_the_filtered_list(client, pj, open_solicitation, make_proposal):
    from openpyxl import load_workbook

    s = open_solicitation(domains=[], max_per_alliance=3)
    a = make_proposal(s, pj.applicant, pj.alliance, submit=True)
    make_proposal(
        s,
        pj.other_applicant,
        pj.other_alliance,
        submit=True,
        data={
            **DATA,
            "title": '=HYPERLINK("x")',
            "budget_total": "200.50",
            "funds_requested": "100.25",
            "self_raised": "100.25",
        },
    )
    services.proposal_score(actor=pj.department, proposal_id=a.pk, score="77.5")
    client.force_login(pj.department)
    response = client.get(reverse("projects:solicitation_xlsx", args=[s.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith(s.title)
    assert rows[1][:3] == ("序号", "项目名称", "联盟")
    body = rows[2:-1]
    assert len(body) == 2
    titles = {r[1] for r in body}
    assert DATA["title"] in titles and '=HYPERLINK("x")' in titles
    mine = next(r for r in body if r[1] == DATA["title"])
    assert mine[2] == pj.alliance.name and mine[7] == 1500 and mine[12] == 77.5
    assert mine[13] == 1
    total = rows[-1]
    assert total[0] == "合计（2 项）" and Decimal(str(total[7])) == Decimal("1700.50")
    assert Decimal(str(total[8])) == Decimal("600.25")
    # the formula-like title is a text cell, not a formula
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == '=HYPERLINK("x")')
    assert cell.data_type == "s"
    # filtered: only the bearing alliance
    filtered = client.get(reverse("projects:solicitation_xlsx", args=[s.pk]), {"q": "轴承"})
    rows = list(load_workbook(io.BytesIO(filtered.content)).active.iter_rows(values_only=True))
    assert len(rows) == 4 and rows[2][2] == pj.alliance.name
    client.force_login(pj.henan)
    assert client.get(reverse("projects:solicitation_xlsx", args=[s.pk])).status_code == 404


def test_return_and_score_forms(client, pj, open_solicitation, make_proposal):
    s = open_solicitation()
    p = make_proposal(s, pj.applicant, pj.alliance, submit=True)
    client.force_login(pj.department)
    page = _text(client.get(p.get_absolute_url()))
    assert "score-panel" in page and "confirm-return" in page and "河南科技大学" in page
    bad = client.post(reverse("projects:proposal_score", args=[p.pk]), {"score": "120"})
    assert bad.status_code == 422 and "0–100" in _text(bad)
    client.post(reverse("projects:proposal_score", args=[p.pk]), {"score": "88", "comment": "好"})
    page = _text(client.get(p.get_absolute_url()))
    assert "88.00" in page
    client.post(
        reverse("projects:proposal_return", args=[p.pk]),
        {"reason": "请补充预算明细", "revision": p.revision, "confirmed": "1"},
    )
    p.refresh_from_db()
    assert p.status == "returned"
    client.force_login(pj.applicant)
    page = _text(client.get(p.get_absolute_url()))
    assert "请补充预算明细" in page and "confirm-submit" in page
    # the lead unit cannot score
    assert (
        client.post(reverse("projects:proposal_score", args=[p.pk]), {"score": "100"}).status_code
        == 403
    )


def test_withdraw(client, pj, open_solicitation, make_proposal):
    s = open_solicitation()
    p = make_proposal(s, pj.applicant, pj.alliance, submit=True)
    client.force_login(pj.applicant)
    asked = client.post(reverse("projects:proposal_withdraw", args=[p.pk]), {"revision": "2"})
    assert "确认撤回项目申报书" in _text(asked)
    client.post(
        reverse("projects:proposal_withdraw", args=[p.pk]), {"revision": "2", "confirmed": "1"}
    )
    p.refresh_from_db()
    assert p.status == "withdrawn"


def test_pdf_with_verification_code(client, pj, open_solicitation, make_proposal):
    from lianmeng.proposals.verifiable import verify_other

    s = open_solicitation()
    p = make_proposal(s, pj.applicant, pj.alliance, submit=True)
    client.force_login(pj.applicant)
    response = client.get(reverse("projects:proposal_pdf", args=[p.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    found = verify_other(p.verification_code.lower())
    assert found is not None and found.kind == "project_proposal"
    assert dict(found.rows)["项目名称"] == p.title
    client.logout()
    check = client.get(reverse("documents:verify", args=[p.verification_code]))
    assert check.status_code == 200 and p.title in _text(check)


def _count(client, url, **query) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, query)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_query_counts_do_not_grow(client, pj, open_solicitation, make_proposal):
    s = open_solicitation(domains=[], max_per_alliance=20)
    client.force_login(pj.department)
    make_proposal(s, pj.applicant, pj.alliance, submit=True)
    list_url = reverse("projects:solicitations")
    detail_url = reverse("projects:solicitation", args=[s.pk])
    few_list, few_detail = _count(client, list_url), _count(client, detail_url)
    for _ in range(6):
        p = make_proposal(s, pj.applicant, pj.alliance, submit=True)
        services.proposal_score(actor=pj.department, proposal_id=p.pk, score="60")
        open_solicitation(title="另一次征集")
    client.force_login(pj.department)
    assert _count(client, list_url) == few_list
    assert _count(client, detail_url) == few_detail
    assert few_detail <= 20
    client.force_login(pj.applicant)
    home = reverse("projects:home")
    first = _count(client, home)
    make_proposal(s, pj.applicant, pj.alliance)
    assert _count(client, home) == first <= 20


def test_pages_need_no_inline_script_or_style(client, pj, open_solicitation, make_proposal):
    """The Content-Security-Policy forbids inline script and style (tests/web/test_csp_pages.py)."""
    from tests.web.test_csp_pages import _Inline

    s = open_solicitation()
    p = make_proposal(s, pj.applicant, pj.alliance, submit=True)
    pages = {
        pj.department: [
            reverse("projects:solicitations"),
            reverse("projects:solicitation_new"),
            reverse("projects:solicitation", args=[s.pk]),
            reverse("projects:solicitation_edit", args=[s.pk]),
            reverse("projects:proposal", args=[p.pk]),
        ],
        pj.applicant: [reverse("projects:home"), reverse("projects:proposal", args=[p.pk])],
        pj.other_applicant: [reverse("projects:proposal_new", args=[s.pk])],
    }
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            parser = _Inline()
            parser.feed(response.content.decode())
            assert parser.found == [], (url, parser.found)
