"""阅读申报材料 (issue 11): the filed proposal, read-only, for everyone who may see it — the
PDF inline and as a download, the materials, the write-ups, the eligibility findings with the
explanations given, the duplicate check, the history and the versions; a 404 for anyone else,
on the page and on every file it links to."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.experts.fixtures import henan_staff, luoyang_staff, make_expert  # noqa: F401
from tests.proposals.submission.conftest import (  # noqa: F401 (fixtures)
    _files_in_tmp,
    _quick_pdf,
    beijing,
    filed,
    henan_call,
    pin_clock,
)

ON_TIME = beijing(2020, 9, 1, 10, 0, 0)
EXPLANATION = "本领域省内骨干企业仅 8 家，均已加入联盟，另有两家正在办理入盟手续。"
FEASIBILITY = "构建联盟可以打通铝基新材料从冶炼到精深加工的产业链。"


def pdf_bytes(text: str) -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        + f"% {text}\n".encode()
        + b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


@pytest.fixture
def reading_setup(filed, pin_clock, henan_staff, make_expert, make_user) -> dict[str, Any]:  # noqa: F811
    """A Henan proposal short of members (a 原则上 rule, explained), with its agreement
    uploaded and its feasibility report written online, submitted; an expert assigned to it,
    one not assigned and one who declared a conflict."""
    from lianmeng.experts.models import Assignment
    from lianmeng.experts.services import round_create
    from lianmeng.proposals.materials import material_upload
    from lianmeng.proposals.submission import proposal_submit
    from lianmeng.proposals.writeups import FEASIBILITY as SECTIONS
    from lianmeng.proposals.writeups import writeup_save

    proposal, applicant = filed("henan-fail-members.min_count")
    pin_clock(ON_TIME)
    agreement = material_upload(
        actor=applicant,
        pk=proposal.pk,
        kind="agreement",
        file=SimpleUploadedFile("联盟协议书（盖章）.pdf", pdf_bytes("agreement")),
    )
    for section in SECTIONS:
        writeup_save(
            actor=applicant,
            pk=proposal.pk,
            part="feasibility",
            section=section.key,
            html=f"<p>{FEASIBILITY}（{section.key}）</p>",
        )
    version = proposal_submit(
        actor=applicant, pk=proposal.pk, explanations={"members.min_count": EXPLANATION}
    )
    round = round_create(actor=henan_staff, profile="henan", call_year=2020)
    assigned = make_expert("410305", fields=("新材料",))
    unassigned = make_expert("410305")
    declared = make_expert("410305")
    for expert, conflict in ((assigned, False), (declared, True)):
        Assignment.objects.create(
            round=round,
            proposal=proposal,
            expert=expert,
            by="manual",
            override_reason="测试",
            declared_conflict=conflict,
        )
    return {
        "proposal": proposal,
        "applicant": applicant,
        "version": version,
        "agreement": agreement,
        "expert": assigned.user,
        "unassigned": unassigned.user,
        "declared": declared.user,
        "bureau": henan_staff,
    }


def urls(setup: dict[str, Any]) -> list[str]:
    pk = setup["proposal"].pk
    number = setup["version"].number
    mid = setup["agreement"].pk
    return [
        f"/proposals/{pk}/read/",
        f"/proposals/{pk}/read/v{number}/",
        f"/proposals/{pk}/read/v{number}/pdf",
        f"/proposals/{pk}/read/files/{mid}",
        f"/proposals/{pk}/read/files/{mid}?download=1",
    ]


@pytest.mark.parametrize("reader", ["expert", "bureau", "applicant"])
def test_every_reader_reads_the_filed_proposal(client, reading_setup, reader):
    setup = reading_setup
    client.force_login(setup[reader])
    page = client.get(f"/proposals/{setup['proposal'].pk}/read/")
    assert page.status_code == 200
    html = page.content.decode()
    pdf_url = f"/proposals/{setup['proposal'].pk}/read/v1/pdf"
    assert f'src="{pdf_url}"' in html  # the PDF shown in the page
    assert f"/proposals/{setup['proposal'].pk}/versions/1/pdf" in html  # and downloadable
    assert "联盟协议书（盖章）.pdf" in html
    assert FEASIBILITY in html
    assert EXPLANATION in html  # the explanation given for the 原则上 rule
    assert 'data-testid="findings"' in html and 'id="duplicates"' in html
    assert 'id="history"' in html
    for url in urls(setup)[2:]:
        assert client.get(url).status_code == 200, url


def test_the_pdf_is_inline_and_framed_by_the_site_only(client, reading_setup):
    setup = reading_setup
    client.force_login(setup["expert"])
    response = client.get(urls(setup)[2])
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_materials_open_inline_or_download(client, reading_setup):
    setup = reading_setup
    client.force_login(setup["expert"])
    shown, saved = (client.get(url) for url in urls(setup)[3:])
    assert shown["Content-Disposition"].startswith("inline")
    assert saved["Content-Disposition"].startswith("attachment")
    assert b"".join(saved.streaming_content) == pdf_bytes("agreement")


@pytest.mark.parametrize("stranger", ["unassigned", "declared", "other_bureau", "other_unit"])
def test_anyone_else_gets_404_on_the_page_and_every_file(
    client,
    reading_setup,
    luoyang_staff,  # noqa: F811
    make_user,
    make_unit,
    stranger,
):
    setup = reading_setup
    users = {
        "unassigned": setup["unassigned"],
        "declared": setup["declared"],
        "other_bureau": luoyang_staff,
        "other_unit": make_user(["applicant"], unit=make_unit("410305")),
    }
    client.force_login(users[stranger])
    for url in urls(setup):
        response = client.get(url)
        assert response.status_code == 404, url
        assert setup["proposal"].name not in response.content.decode()


def test_a_file_removed_after_a_return_stays_readable_in_the_version_that_listed_it(
    client, reading_setup
):
    from lianmeng.core import clock
    from lianmeng.proposals.models import Material

    setup = reading_setup
    Material.objects.filter(pk=setup["agreement"].pk).update(removed_at=clock.now())
    client.force_login(setup["expert"])
    assert client.get(urls(setup)[4]).status_code == 200
    # one never filed in a version and removed is gone
    other = Material.objects.create(
        proposal=setup["proposal"],
        kind="other",
        title="草稿",
        file=setup["agreement"].file.name,
        original_name="草稿.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        removed_at=clock.now(),
    )
    assert client.get(f"/proposals/{setup['proposal'].pk}/read/files/{other.pk}").status_code == 404


def test_an_earlier_version_is_read_as_filed_with_a_link_to_the_comparison(
    client, reading_setup, make_user
):
    from lianmeng.proposals.submission import proposal_return, proposal_submit
    from lianmeng.proposals.writeups import writeup_save

    setup = reading_setup
    proposal = setup["proposal"]
    xingyang = _county(setup, make_user)
    proposal_return(actor=xingyang, pk=proposal.pk, reason="请补充可行性研究报告第一部分。")
    writeup_save(
        actor=setup["applicant"],
        pk=proposal.pk,
        part="feasibility",
        section="1",
        html="<p>第二版补充的产业现状。</p>",
    )
    proposal_submit(
        actor=setup["applicant"],
        pk=proposal.pk,
        explanations={"members.min_count": EXPLANATION},
    )
    client.force_login(setup["bureau"])
    latest = client.get(f"/proposals/{proposal.pk}/read/").content.decode()
    assert "第二版补充的产业现状" in latest
    assert f"/proposals/{proposal.pk}/versions/?a=1&amp;b=2" in latest
    first = client.get(f"/proposals/{proposal.pk}/read/v1/").content.decode()
    assert "第二版补充的产业现状" not in first and "较早的版本" in first
    assert client.get(f"/proposals/{proposal.pk}/read/v9/").status_code == 404
    # the comparison itself is open to readers, not only to the lead unit
    assert client.get(f"/proposals/{proposal.pk}/versions/?a=1&b=2").status_code == 200


def _county(setup: dict[str, Any], make_user: Any) -> Any:
    """The recommending department of the lead unit's county."""
    return make_user(["recommender"], jurisdiction=setup["proposal"].region.code)


def test_reading_view_query_count_does_not_grow_with_files_and_versions(
    client, reading_setup, django_assert_max_num_queries
):
    from lianmeng.proposals.models import Material

    setup = reading_setup
    client.force_login(setup["bureau"])
    url = f"/proposals/{setup['proposal'].pk}/read/"
    with django_assert_max_num_queries(25) as before:
        assert client.get(url).status_code == 200
    # more files in the proposal: the same number of queries
    for n in range(3):
        Material.objects.create(
            proposal=setup["proposal"],
            kind="other",
            title=f"附件{n}",
            file=setup["agreement"].file.name,
            original_name=f"附件{n}.pdf",
            content_type="application/pdf",
            size=10,
            sha256=f"{n}" * 64,
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(url).status_code == 200


def test_links_lead_to_the_reading_view(client, reading_setup, make_user):
    setup = reading_setup
    pk = setup["proposal"].pk
    read = f"/proposals/{pk}/read/"
    client.force_login(_county(setup, make_user))
    assert read in client.get("/reviews/").content.decode()  # the inbox of what waits
    client.force_login(setup["bureau"])
    assert read in client.get(f"/reviews/proposals/{pk}/").content.decode()
    assert read in client.get(f"/proposals/{pk}/").content.decode()
    assert read in client.get("/proposals/").content.decode()
    client.force_login(setup["expert"])
    inbox = client.get("/experts/assignments/").content.decode()
    assert read in inbox


def test_the_lead_unit_reads_its_draft_as_it_stands(client, filed, henan_staff):  # noqa: F811
    from lianmeng.proposals.materials import material_upload

    proposal, applicant = filed()
    material_upload(
        actor=applicant,
        pk=proposal.pk,
        kind="agreement",
        file=SimpleUploadedFile("协议书草稿.pdf", pdf_bytes("draft")),
    )
    client.force_login(applicant)
    html = client.get(f"/proposals/{proposal.pk}/read/").content.decode()
    assert "本申报尚未提交" in html and "协议书草稿.pdf" in html
    assert 'data-testid="proposal-pdf"' not in html
    # a draft is the lead unit's alone
    client.force_login(henan_staff)
    assert client.get(f"/proposals/{proposal.pk}/read/").status_code == 404


def test_an_imported_proposal_without_a_version_says_so(client, filed, henan_staff):  # noqa: F811
    from lianmeng.proposals.models import Proposal

    proposal, _applicant = filed()
    Proposal.objects.filter(pk=proposal.pk).update(status="accepted")
    client.force_login(henan_staff)
    html = client.get(f"/proposals/{proposal.pk}/read/").content.decode()
    assert 'data-testid="no-version"' in html
    assert "仅列出名称，未上传文件" in html  # the imported file's materials, by name


def test_an_agreement_written_online_is_read_in_the_page(client, filed, pin_clock):  # noqa: F811
    from lianmeng.proposals.writeups import writeup_save

    proposal, applicant = filed()
    writeup_save(
        actor=applicant,
        pk=proposal.pk,
        part="agreement",
        section="1",
        html="<p>第一条 联盟成员本着自愿、平等、互利的原则组建联盟。</p><script>x</script>",
    )
    client.force_login(applicant)
    html = client.get(f"/proposals/{proposal.pk}/read/").content.decode()
    assert 'data-testid="writeup-agreement"' in html
    assert "本着自愿、平等、互利的原则" in html and "<script>x" not in html
