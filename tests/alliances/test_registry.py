"""The public registry (pages and API) and the Luoyang plaque."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianmeng.alliances import services
from lianmeng.alliances.models import Alliance
from lianmeng.alliances.plaque import chinese_date, plaque_pdf
from lianmeng.experts import services as review
from tests.api.conftest import API, assert_error, bearer


def _alliance(
    make_unit,
    *,
    name,
    profile="luoyang",
    level="municipal",
    status="recognised",
    domain="industry",
    decided_on=date(2020, 11, 16),
    category=None,
    region="410305",
):
    from lianmeng.core.models import Jurisdiction
    from lianmeng.proposals.models import Proposal

    lead = make_unit(region)
    proposal = Proposal.objects.create(
        profile=profile,
        call_year=decided_on.year,
        name=name,
        domain=domain,
        lead_unit=lead,
        region=lead.region,
        status="recognised",
        document={"members": []},
        member_count=12,
    )
    code = {"luoyang": "410300", "henan": "410000", "baoding": "130600"}[profile]
    return Alliance.objects.create(
        proposal=proposal,
        profile=profile,
        level=level,
        name=name,
        domain=domain,
        lead_unit=lead,
        jurisdiction=Jurisdiction.objects.get(code=code),
        member_count=12,
        status=status,
        category=category,
        decided_on=decided_on,
        authority="洛阳市科学技术局",
    )


def test_registry_lists_published_decisions_with_search_and_filters(client, db, make_unit):
    _alliance(make_unit, name="洛阳市轴承产业技术创新战略联盟")
    _alliance(
        make_unit,
        name="河南省超硬材料产业技术创新战略联盟",
        profile="henan",
        level="provincial",
        status="building",
        decided_on=date(2021, 3, 1),
    )
    _alliance(
        make_unit,
        name="保定市电力装备创新联盟",
        profile="baoding",
        status="filed",
        category=2,
        domain="agriculture",
        region="130602",
    )
    page = client.get("/registry/").content.decode()
    for name in ("洛阳市轴承", "河南省超硬材料", "保定市电力装备"):
        assert name in page
    assert "二类" in page  # 备案类别 as seed 004 第八条 writes it

    def names(query: str) -> str:
        return client.get(f"/registry/?{query}").content.decode()

    assert "电力装备" not in names("q=轴承") and "洛阳市轴承" in names("q=轴承")
    assert "洛阳市轴承" not in names("level=provincial") and "超硬" in names("level=provincial")
    assert "电力装备" in names("domain=agriculture") and "超硬" not in names("domain=agriculture")
    assert "电力装备" in names("profile=baoding") and "洛阳市轴承" not in names("profile=baoding")
    assert "超硬" in names("status=building") and "电力装备" not in names("status=building")
    assert "超硬" in names("year=2021") and "洛阳市轴承" not in names("year=2021")
    lead_name = Alliance.objects.get(name__contains="电力装备").lead_unit.name
    assert "电力装备" in names(f"q={lead_name}")


def test_registry_query_count_is_the_same_for_one_and_five(client, db, make_unit):
    _alliance(make_unit, name="洛阳市第0产业技术创新战略联盟")
    client.get("/registry/")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/registry/").status_code == 200
    for i in range(1, 5):
        _alliance(make_unit, name=f"洛阳市第{i}产业技术创新战略联盟")
    with CaptureQueriesContext(connection) as five:
        page = client.get("/registry/").content.decode()
    assert "洛阳市第4产业" in page
    assert len(five) == len(one)


def test_registry_detail_page_and_api(client, db, make_unit):
    alliance = _alliance(make_unit, name="洛阳市轴承产业技术创新战略联盟")
    page = client.get(f"/registry/{alliance.pk}/").content.decode()
    assert alliance.lead_unit.name in page and "12 家" in page and "2020年11月16日" in page
    assert client.get("/registry/999999/").status_code == 404
    listed = client.get(f"{API}/registry?q=轴承").json()
    assert listed["count"] == 1 and listed["items"][0]["status_label"] == "已认定"
    detail = client.get(f"{API}/registry/{alliance.pk}").json()
    assert detail["lead_unit"] == alliance.lead_unit.name and detail["decisions"] == []
    assert_error(client.get(f"{API}/registry/999999"), 404)


def test_chinese_date():
    assert chinese_date(date(2020, 10, 10)) == "二〇二〇年十月十日"
    assert chinese_date(date(2021, 12, 31)) == "二〇二一年十二月三十一日"


def test_plaque_pdf_carries_the_name_and_embeds_its_fonts(db, make_unit, tmp_path):
    alliance = _alliance(make_unit, name="洛阳市轴承产业技术创新战略联盟")
    pdf = plaque_pdf(alliance)
    path = tmp_path / "plaque.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    flat = "".join(text.split())
    assert "洛阳市轴承产业技术创新战略联盟" in flat
    assert "洛阳市科学技术局" in flat and "二〇二〇年十一月十六日" in flat
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows, fonts
    assert all(row[-5] == "yes" for row in rows), fonts  # the "emb" column
    assert any("CJK" in row[0] for row in rows), fonts
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "841.89 x 595.276" in info or "842 x 595" in info, info  # A4 landscape


@pytest.fixture
def recognised(luoyang_staff, make_review_proposal, policies_in_force):
    proposal = make_review_proposal(profile="luoyang", region="410305", name="洛阳轴承产业联盟")
    round = review.round_create(actor=luoyang_staff, profile="luoyang", call_year=2020)
    review.round_add_proposals(actor=luoyang_staff, round_id=round.pk, proposal_ids=[proposal.pk])
    review.round_close(actor=luoyang_staff, round_id=round.pk)
    decision = services.decision_stage(
        actor=luoyang_staff, proposal_id=proposal.pk, kind="recognise"
    )
    services.decisions_publish(actor=luoyang_staff, ids=[decision.pk])
    return Alliance.objects.get(proposal=proposal)


def test_plaque_download_is_for_the_lead_unit_and_staff(
    client, login, make_user, make_unit, luoyang_staff, token_for, recognised
):
    url = f"/registry/{recognised.pk}/plaque.pdf"
    assert client.get(url).status_code == 302  # sign in first
    stranger = make_user(["applicant"], unit=make_unit("410305"))
    login(stranger)
    assert client.get(url).status_code == 404
    assert "下载标牌" not in client.get(f"/registry/{recognised.pk}/").content.decode()
    lead = make_user(["applicant"], unit=recognised.lead_unit)
    login(lead)
    assert "下载标牌" in client.get(f"/registry/{recognised.pk}/").content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    login(luoyang_staff)
    assert client.get(url).status_code == 200
    api = client.get(f"{API}/registry/{recognised.pk}/plaque.pdf", headers=bearer(token_for(lead)))
    assert api.status_code == 200 and api.content.startswith(b"%PDF")
    assert_error(
        client.get(
            f"{API}/registry/{recognised.pk}/plaque.pdf", headers=bearer(token_for(stranger))
        ),
        404,
    )
    detail = client.get(f"{API}/registry/{recognised.pk}").json()
    assert [d["kind"] for d in detail["decisions"]] == ["recognise"]
