"""The pages, the API and the CLI of 筹建与验收 over the same services; the certificate PDF and
its verification at /verify/<code>."""

from __future__ import annotations

import subprocess

import pytest

from lianmeng.construction import services
from lianmeng.construction.models import Certificate, ChecklistEntry

from .conftest import complete_checklist, upload

API = "/api/v1"
SCORES = {
    "bodies": "90",
    "agreement_and_charter": "85",
    "technology_plan": "80",
    "innovation_system_plan": "75",
}


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


def _recognised(lead, alliance, staff, expert):
    complete_checklist(lead, alliance)
    services.apply(actor=lead, alliance_id=alliance.pk)
    services.assign(actor=staff, alliance_id=alliance.pk, expert_ids=[expert.pk])
    services.score_submit(actor=expert.user, alliance_id=alliance.pk, scores=SCORES)
    services.round_close(actor=staff, alliance_id=alliance.pk)
    services.decide(actor=staff, alliance_id=alliance.pk, passed=True, reason="通过")
    return Certificate.objects.get(alliance=alliance)


def test_lead_unit_fills_an_item_on_the_page(client, login, henan_alliance, lead):
    login(lead)
    url = f"/construction/alliances/{henan_alliance.pk}/"
    page = client.get(url).content.decode()
    assert "设立决策、咨询和执行等组织机构" in page and "已完成 0 / 4 项" in page
    assert "五(二)" in page
    form = client.get(f"/construction/alliances/{henan_alliance.pk}/checklist/?item=bodies")
    assert form.status_code == 200
    done = client.post(
        f"/construction/alliances/{henan_alliance.pk}/checklist/",
        {
            "item": "bodies",
            "text": "理事会、专家委员会、秘书处已设立。",
            "revision": "0",
            "files": upload("机构.pdf"),
        },
    )
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "已完成 1 / 4 项" in page and "机构.pdf" in page
    entry = ChecklistEntry.objects.get(alliance=henan_alliance, item="bodies")
    file_id = entry.files.get().pk
    got = client.get(f"/construction/alliances/{henan_alliance.pk}/file/?id={file_id}")
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
    # a stale form says what to do
    stale = client.post(
        f"/construction/alliances/{henan_alliance.pk}/checklist/",
        {"item": "bodies", "text": "旧", "revision": "0"},
    )
    assert stale.status_code == 422 and "刷新" in stale.content.decode()
    # applying needs confirmation, then refuses while items are open
    unconfirmed = client.post(f"/construction/alliances/{henan_alliance.pk}/apply/")
    assert unconfirmed.status_code == 200 and "确定申请" in unconfirmed.content.decode()


def test_strangers_get_404_on_pages(
    client, login, henan_alliance, baoding_staff, make_user, make_unit
):
    other = make_user(["applicant"], unit=make_unit("410305"))
    for user in (baoding_staff, other):
        login(user)
        assert client.get(f"/construction/alliances/{henan_alliance.pk}/").status_code == 404
        assert (
            client.get(f"/construction/alliances/{henan_alliance.pk}/certificate.pdf").status_code
            == 404
        )


def test_department_list_is_paginated_in_few_queries(
    client, login, henan_staff, henan_alliance, make_review_proposal, django_assert_max_num_queries
):
    from lianmeng.alliances import services as decisions
    from lianmeng.experts import services as review

    login(henan_staff)
    client.get("/construction/")  # warm caches (profiles, session)
    for n in range(4):
        proposal = make_review_proposal(name=f"河南省第{n}测试产业技术创新战略联盟")
        round_ = review.round_create(actor=henan_staff, profile="henan", call_year=2020)
        review.round_add_proposals(
            actor=henan_staff, round_id=round_.pk, proposal_ids=[proposal.pk]
        )
        review.round_close(actor=henan_staff, round_id=round_.pk)
        decision = decisions.decision_stage(
            actor=henan_staff, proposal_id=proposal.pk, kind="approve_to_build", reason="通过"
        )
        decisions.decisions_publish(actor=henan_staff, ids=[decision.pk])
    with django_assert_max_num_queries(12):
        page = client.get("/construction/")
    text = page.content.decode()
    assert page.status_code == 200 and text.count('data-testid="construction-row"') == 5
    assert "0 / 4 项" in text
    assert "河南省轴承产业技术创新战略联盟" in client.get("/construction/?q=轴承").content.decode()


def test_certificate_pdf_and_verification(
    client, login, henan_alliance, lead, henan_staff, make_expert
):
    certificate = _recognised(lead, henan_alliance, henan_staff, make_expert("410105"))
    login(lead)
    pdf = client.get(f"/construction/alliances/{henan_alliance.pk}/certificate.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    flat = text.replace("\n", "").replace(" ", "")
    assert "认定证书" in flat and "河南省轴承产业技术创新战略联盟" in flat
    assert "正式认定为河南省产业技术创新战略联盟" in flat
    code = certificate.verification_code
    assert f"{code[:4]}-{code[4:8]}-{code[8:]}" in text
    client.logout()
    page = client.get(f"/verify/{code.lower()}")
    body = page.content.decode()
    assert page.status_code == 200 and "认定证书" in body and henan_alliance.name in body
    assert client.get("/verify/ZZZZZZZZZZZZ").status_code == 404
    # the registry page shows 已认定 and links the certificate for the lead unit
    login(lead)
    detail = client.get(f"/registry/{henan_alliance.pk}/").content.decode()
    assert "已认定" in detail and "认定证书（PDF）" in detail


def test_api_checklist_apply_assign_score_decide(
    client, token_for, henan_alliance, lead, henan_staff, make_expert, baoding_staff
):
    expert = make_expert("410105")
    key, staff = bearer(token_for(lead)), bearer(token_for(henan_staff))
    base = f"{API}/construction/{henan_alliance.pk}"
    read = client.get(f"{base}/checklist", headers=key).json()
    assert (read["done"], read["total"], read["access"]) == (0, 4, "lead")
    assert (
        client.get(f"{base}/checklist", headers=bearer(token_for(baoding_staff))).status_code == 404
    )
    saved = client.put(
        f"{base}/checklist",
        {"item": "technology_plan", "text": "规划已编制", "revision": 0},
        content_type="application/json",
        headers=key,
    )
    assert saved.status_code == 200
    stale = client.put(
        f"{base}/checklist",
        {"item": "technology_plan", "text": "再改", "revision": 0},
        content_type="application/json",
        headers=key,
    )
    assert stale.status_code == 409
    uploaded = client.post(
        f"{base}/checklist/files",
        {"item": "technology_plan", "file": upload("规划.pdf")},
        headers=key,
    )
    assert uploaded.status_code == 201
    assert [i["complete"] for i in uploaded.json()["items"]] == [False, False, True, False]
    refused = client.post(f"{base}/apply", {}, content_type="application/json", headers=key)
    assert refused.status_code == 422 and "编制产业创新体系规划" in refused.json()["message"]
    complete_checklist(lead, henan_alliance)
    applied = client.post(
        f"{base}/apply", {"note": "完成"}, content_type="application/json", headers=key
    )
    assert applied.status_code == 201 and applied.json()["status"] == "awaiting_acceptance"
    pool = client.get(f"{base}/acceptance/experts", headers=staff).json()
    assert expert.pk in [c["expert"] for c in pool]
    assert client.get(f"{base}/acceptance/experts", headers=key).status_code == 403
    assigned = client.post(
        f"{base}/acceptance/experts",
        {"experts": [expert.pk]},
        content_type="application/json",
        headers=staff,
    )
    assert assigned.status_code == 201 and assigned.json()["round"]["assigned"] == 1
    scored = client.post(
        f"{base}/acceptance/scores",
        {"scores": SCORES},
        content_type="application/json",
        headers=bearer(token_for(expert.user)),
    )
    assert scored.status_code == 200
    assert client.post(f"{base}/acceptance/close", headers=staff).status_code == 200
    decided = client.post(
        f"{base}/acceptance/decision",
        {"result": "pass", "reason": "通过"},
        content_type="application/json",
        headers=staff,
    )
    assert decided.status_code == 200 and decided.json()["status"] == "recognised"
    assert (
        decided.json()["round"]["mean"] == "82.50" or float(decided.json()["round"]["mean"]) == 82.5
    )
    pdf = client.get(f"{base}/certificate.pdf", headers=key)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_cli_checklist_and_acceptance(capsys, henan_alliance, lead, henan_staff, make_expert):
    from lianmeng.construction.cli import run

    assert run(["checklist", str(henan_alliance.pk)]) == 0
    out = capsys.readouterr().out
    assert "已完成 0 / 4 项" in out and "bodies" in out
    assert run(["acceptance", str(henan_alliance.pk), "apply", "--as", lead.username]) == 1
    assert "筹建清单尚未完成" in capsys.readouterr().err
    complete_checklist(lead, henan_alliance)
    assert run(["acceptance", str(henan_alliance.pk), "apply", "--as", lead.username]) == 0
    expert = make_expert("410105")
    services.assign(actor=henan_staff, alliance_id=henan_alliance.pk, expert_ids=[expert.pk])
    services.score_submit(actor=expert.user, alliance_id=henan_alliance.pk, scores=SCORES)
    assert run(["acceptance", str(henan_alliance.pk), "close", "--as", henan_staff.username]) == 0
    assert (
        run(["acceptance", str(henan_alliance.pk), "decide", "fail", "--as", henan_staff.username])
        == 1
    )
    assert "理由" in capsys.readouterr().err
    assert (
        run(
            [
                "acceptance",
                str(henan_alliance.pk),
                "decide",
                "fail",
                "--as",
                henan_staff.username,
                "--reason",
                "规划不完整",
                "--deadline",
                "2021-08-31",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "验收不通过" in out and "规划不完整" in out
    henan_alliance.refresh_from_db()
    assert henan_alliance.status == "building"


@pytest.mark.parametrize("word", ["decide", "bogus"])
def test_cli_usage(capsys, henan_alliance, lead, word):
    from lianmeng.construction.cli import run

    assert run(["acceptance", str(henan_alliance.pk), word, "--as", lead.username]) == 2
