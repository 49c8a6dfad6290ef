"""Liaisons' telephone numbers and e-mails (issue 12, docs/decisions/0015): full for the lead
unit and the recommending/competent departments of the proposal's area, masked for every
other reader — experts, the coordination group — on the pages, in the JSON and XLSX exports,
in the API and in the PDF of a submitted version (a reading copy; the sealed file is kept)."""

from __future__ import annotations

import hashlib
import subprocess
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.api.conftest import token_for  # noqa: F401
from tests.experts.fixtures import henan_staff, make_expert  # noqa: F401
from tests.proposals.submission.conftest import (  # noqa: F401 (fixtures)
    _files_in_tmp,
    _quick_pdf,
    beijing,
    example,
    filed,
    henan_call,
    pin_clock,
    real_pdf,
)

API = "/api/v1"
ON_TIME = beijing(2020, 9, 1, 10, 0, 0)

#: section 一's contact person (docs/examples/henan-valid.json)
CONTACT_MOBILE, CONTACT_PHONE = "13838012345", "0371-64581230"
CONTACT_EMAIL = "lianmeng@yulv.example.cn"
#: the liaison given to the second member (洛阳华冶铝业有限公司)
LIAISON = {
    "name": "王建国",
    "mobile": "13903791234",
    "phone": "0379-65551234",
    "email": "wangjg@huaye.example.cn",
}
MEMBER_USCC = "9141030537742273X3"
FULL = (CONTACT_MOBILE, CONTACT_PHONE, CONTACT_EMAIL, LIAISON["mobile"], LIAISON["email"])
MASKED = ("138****2345", "0371-****1230", "l***@yulv.example.cn", "139****1234", "w***@huaye")


@pytest.fixture
def setup(filed, pin_clock, henan_staff, make_expert, make_user) -> dict[str, Any]:  # noqa: F811
    """A Henan proposal with a member's liaison, submitted; an expert assigned to it and the
    coordination group of the province; the province's competent department."""
    from lianmeng.experts.models import Assignment
    from lianmeng.experts.services import round_create
    from lianmeng.proposals.submission import proposal_submit

    members = example("henan-valid")["members"]
    for member in members:
        if member.get("uscc") == MEMBER_USCC:
            member["liaison"] = dict(LIAISON)
    proposal, applicant = filed("henan-valid", members=members)
    pin_clock(ON_TIME)
    version = proposal_submit(actor=applicant, pk=proposal.pk, explanations={})
    round = round_create(actor=henan_staff, profile="henan", call_year=2020)
    expert = make_expert("410305")
    Assignment.objects.create(
        round=round, proposal=proposal, expert=expert, by="manual", override_reason="测试"
    )
    return {
        "proposal": proposal,
        "version": version,
        "applicant": applicant,
        "bureau": henan_staff,
        "expert": expert.user,
        "coordination": make_user(["coordination"], jurisdiction="410000"),
    }


def _assert_masked(text: str) -> None:
    for value in FULL:
        assert value not in text, value
    for value in MASKED:
        assert value in text, value


def _assert_full(text: str) -> None:
    for value in FULL:
        assert value in text, value


def test_the_policy_names_who_needs_the_numbers(setup, make_user):
    from lianmeng.proposals.contacts import may_see_contacts

    proposal = setup["proposal"]
    for reader in ("applicant", "bureau"):
        assert may_see_contacts(setup[reader], proposal), reader
    for reader in ("expert", "coordination"):
        assert not may_see_contacts(setup[reader], proposal), reader
    other_city = make_user(["recommender", "competent"], jurisdiction="410300")  # 洛阳
    assert not may_see_contacts(other_city, proposal)  # the proposal is Zhengzhou's
    admin = make_user(["sysadmin"])
    assert not may_see_contacts(admin, proposal)


def test_a_member_unit_sees_its_own_liaison_and_not_the_others(setup, make_user):
    from lianmeng.core.models import Unit
    from lianmeng.proposals.contacts import members_for
    from lianmeng.proposals.roster import roster_members

    unit = Unit.objects.filter(uscc=MEMBER_USCC).first() or Unit.objects.create(
        name="洛阳华冶铝业有限公司",
        uscc=MEMBER_USCC,
        kind="enterprise",
        region=setup["proposal"].region,
    )
    member = make_user(["member"], unit=unit)
    members = roster_members(setup["proposal"])
    members[0]["liaison"] = {"name": "甲", "mobile": "13700000001"}
    shown = members_for(member, setup["proposal"], members)
    own = next(m for m in shown if m.get("uscc") == MEMBER_USCC)
    assert own["liaison"]["mobile"] == LIAISON["mobile"]
    assert shown[0]["liaison"]["mobile"] == "137****0001"


@pytest.mark.parametrize("reader", ["expert", "coordination", "bureau", "applicant"])
def test_json_export_masks_for_readers_who_do_not_phone(client, setup, reader):
    client.force_login(setup[reader])
    response = client.get(f"/proposals/{setup['proposal'].pk}/export.json")
    assert response.status_code == 200
    text = response.content.decode()
    if reader in ("expert", "coordination"):
        _assert_masked(text)
    else:
        _assert_full(text)
    setup["proposal"].refresh_from_db()  # nothing stored was changed
    assert setup["proposal"].document["contact"]["mobile"] == CONTACT_MOBILE


@pytest.mark.parametrize("reader", ["expert", "bureau"])
def test_api_document_members_and_sections_follow_the_same_policy(
    client,
    setup,
    reader,
    token_for,  # noqa: F811
):
    auth = {"Authorization": f"Bearer {token_for(setup[reader])}"}
    pk = setup["proposal"].pk
    document = client.get(f"{API}/proposals/{pk}/document", headers=auth)
    members = client.get(f"{API}/proposals/{pk}/members", headers=auth)
    facts = client.get(f"{API}/proposals/{pk}/sections/facts", headers=auth)
    assert {document.status_code, members.status_code, facts.status_code} == {200}
    check = _assert_masked if reader == "expert" else _assert_full
    check(document.content.decode())
    liaison = [m["member"].get("liaison") for m in members.json() if m["member"].get("liaison")]
    assert liaison[0]["name"] == LIAISON["name"]
    if reader == "expert":
        assert liaison[0]["mobile"] == "139****1234"
        assert LIAISON["mobile"] not in members.content.decode()
        assert LIAISON["email"] not in members.content.decode()
        assert facts.json()["values"]["contact.mobile"] == "138****2345"
        assert CONTACT_PHONE not in facts.content.decode()
    else:
        assert liaison[0]["mobile"] == LIAISON["mobile"]
        assert facts.json()["values"]["contact.mobile"] == CONTACT_MOBILE


def _cells(content: bytes) -> str:
    book = load_workbook(BytesIO(content))
    return "\n".join(str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize("reader", ["expert", "bureau"])
def test_roster_xlsx_export_masks_liaisons_for_an_expert(
    client,
    setup,
    reader,
    token_for,  # noqa: F811
):
    auth = {"Authorization": f"Bearer {token_for(setup[reader])}"}
    response = client.get(f"{API}/proposals/{setup['proposal'].pk}/members/export", headers=auth)
    assert response.status_code == 200
    cells = _cells(response.content)
    assert LIAISON["name"] in cells
    if reader == "expert":
        assert "139****1234" in cells and "w***@huaye.example.cn" in cells
        assert LIAISON["mobile"] not in cells and LIAISON["email"] not in cells
        assert LIAISON["phone"] not in cells
    else:
        assert LIAISON["mobile"] in cells and LIAISON["email"] in cells


def test_the_section_page_shows_an_expert_masked_numbers(client, setup):
    pk = setup["proposal"].pk
    client.force_login(setup["expert"])
    page = client.get(f"/proposals/{pk}/edit/section/facts/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "138****2345" in html and CONTACT_MOBILE not in html and CONTACT_EMAIL not in html
    assert "格式不正确" not in html  # the checks judge the filed numbers, not the masked ones
    client.force_login(setup["applicant"])
    assert CONTACT_MOBILE in client.get(f"/proposals/{pk}/edit/section/facts/").content.decode()


def _pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def _body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.usefixtures("real_pdf")
def test_an_expert_reads_a_masked_copy_and_the_sealed_pdf_stays(
    client,
    setup,
    token_for,  # noqa: F811
):
    version, pk = setup["version"], setup["proposal"].pk
    sealed = version.pdf.open("rb").read()
    assert hashlib.sha256(sealed).hexdigest() == version.pdf_sha256
    sealed_text = _pdf_text(sealed)
    assert CONTACT_PHONE in sealed_text and LIAISON["mobile"] in sealed_text

    client.force_login(setup["expert"])
    auth = {"Authorization": f"Bearer {token_for(setup['expert'])}"}
    for response in (
        client.get(f"/proposals/{pk}/read/v1/pdf"),
        client.get(f"/proposals/{pk}/versions/1/pdf"),
        client.get(f"{API}/proposals/{pk}/versions/1/pdf", headers=auth),
    ):
        assert response.status_code == 200
        text = _pdf_text(_body(response))
        assert CONTACT_PHONE not in text and LIAISON["mobile"] not in text
        assert LIAISON["email"] not in text
        assert "0371-****1230" in text and "139****1234" in text
        assert "阅读副本" in text and version.verification_code[:4] in text

    client.force_login(setup["bureau"])
    bureau = _body(client.get(f"/proposals/{pk}/versions/1/pdf"))
    assert hashlib.sha256(bureau).hexdigest() == version.pdf_sha256  # the sealed file itself
    version.refresh_from_db()
    assert hashlib.sha256(version.pdf.open("rb").read()).hexdigest() == version.pdf_sha256
