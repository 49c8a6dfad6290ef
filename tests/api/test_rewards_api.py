"""Rewards over /api/v1: ``POST /rewards/calculate`` answers what ``lianmeng rewards`` prints on
every example of docs/examples/rewards/ (public, rate-limited, one line naming the JSON path on
invalid input); the claims, the ledger and the budgets answer each caller only what he may see,
a page at a time, in a fixed number of queries."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lianmeng.policy.cli_rewards import run_rewards
from tests.rewards import conftest as rewards_fixtures

from .conftest import API, assert_error

pytestmark = pytest.mark.django_db

# the fixtures of tests/rewards/conftest.py (the rewards world, claims, decisions)
rw = rewards_fixtures.rw
make_claim = rewards_fixtures.make_claim
decide = rewards_fixtures.decide
make_expert = rewards_fixtures.make_expert
_media = rewards_fixtures._media
_fast_passwords = rewards_fixtures._fast_passwords

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "rewards"
EXPECTED = json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8"))


def queries(call) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.content
    return len(captured)


def calculate(client, body: bytes | str, query: str = "", **extra):
    if isinstance(body, str):
        body = body.encode("utf-8")
    return client.post(
        f"{API}/rewards/calculate{query}", body, content_type="application/json", **extra
    )


@pytest.fixture
def api(client, token_for):
    """``api(user).get(path)`` / ``.post(path, body)`` with the user's token (paths under
    /api/v1)."""

    class As:
        def __init__(self, user):
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"}

        def get(self, path):
            return client.get(f"{API}{path}", **self.headers)

        def post(self, path, body=None):
            return client.post(
                f"{API}{path}", body or {}, content_type="application/json", **self.headers
            )

        def upload(self, path, data):
            return client.post(f"{API}{path}", data, **self.headers)

    return As


# -- POST /rewards/calculate ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_calculate_answers_what_the_cli_prints(client, capsys, name):
    path = EXAMPLES / name
    code = run_rewards([str(path)])
    out, err = capsys.readouterr()
    response = calculate(client, path.read_bytes())
    if EXPECTED[name]["exit"] == 0:
        assert code == 0
        assert response.status_code == 200, response.content
        assert response["Content-Type"].startswith("application/json")
        assert response.content.decode("utf-8") == out.rstrip("\n")
        result = json.loads(response.content, parse_float=Decimal)
        assert f"{result['total']:.2f}" == EXPECTED[name]["total"]
        assert {a["id"]: f"{a['amount']:.2f}" for a in result["awards"]} == EXPECTED[name][
            "amounts"
        ]
        assert '"amount": ' in response.content.decode() and '"amount": "' not in (
            response.content.decode()
        )
    else:
        assert code == 2
        body = assert_error(response, 422, "validation_failed")
        assert body["message"] == err.strip()
        assert "\n" not in body["message"]
        assert body["message"].startswith(EXPECTED[name]["path"] + ": ")
        assert body["details"]["path"] == EXPECTED[name]["path"]


def test_calculate_is_public_and_stores_nothing(client, rw):
    from lianmeng.rewards.models import Claim

    response = calculate(client, (EXAMPLES / "luoyang-platform_service.json").read_bytes())
    assert response.status_code == 200
    assert json.loads(response.content)["total"] == 150.0
    assert not Claim.objects.exists()


def test_calculate_profile_query_overrides_the_body(client):
    data = json.loads((EXAMPLES / "luoyang-platform_service.json").read_text(encoding="utf-8"))
    del data["profile"]
    text = json.dumps(data, ensure_ascii=False)
    missing = assert_error(calculate(client, text), 422, "validation_failed")
    assert missing["message"].startswith("$.profile: ")
    response = calculate(client, text, "?profile=luoyang")
    assert response.status_code == 200
    assert '"total": 150.00' in response.content.decode()
    unknown = assert_error(calculate(client, text, "?profile=nowhere"), 422)
    assert unknown["message"].startswith("query.profile: ") and "nowhere" in unknown["message"]
    henan = assert_error(calculate(client, text, "?profile=henan"), 422)
    assert henan["message"].startswith("query.profile: ") and "没有奖补规定" in henan["message"]


@pytest.mark.parametrize(
    ("body", "path"),
    [(b"", "$"), (b"\xff\xfe{", "$"), (b"[1, 2]", "$"), (b'{"claims": 1}', "$.claims")],
)
def test_calculate_refuses_bodies_with_one_line(client, body, path):
    error = assert_error(calculate(client, body), 422, "validation_failed")
    assert error["message"].startswith(path + ": ") and "\n" not in error["message"]
    assert error["details"]["path"] == path


def test_calculate_is_rate_limited_per_address(client):
    body = b'{"profile": "luoyang", "claims": []}'
    for _ in range(60):
        assert calculate(client, body).status_code == 200
    assert_error(calculate(client, body), 429, "rate_limited")
    assert calculate(client, body, REMOTE_ADDR="192.0.2.8").status_code == 200


# -- claims --------------------------------------------------------------------------------------


def test_claims_need_credentials(client, rw):
    assert_error(client.get(f"{API}/rewards/claims"), 401)
    assert_error(client.get(f"{API}/rewards/ledger"), 401)
    assert_error(client.get(f"{API}/rewards/budgets"), 401)
    client.force_login(rw.department)  # the browser's session works as for the other operations
    assert client.get(f"{API}/rewards/budgets").json()["count"] == 2


def test_the_lead_unit_files_and_submits_a_claim(api, rw):
    from lianmeng.core.models import AuditEntry

    lead = api(rw.applicant)
    response = lead.post(
        "/rewards/claims",
        {
            "alliance": rw.alliance.pk,
            "kind": "platform_service",
            "platform": "轴承检测平台",
            "year": 2019,
            "service_revenue": "200.00",
            "other_support": [],
        },
    )
    assert response.status_code == 201, response.content
    claim = response.json()
    assert claim["status"] == "draft" and claim["relation"] == "lead"
    assert Decimal(claim["computed_amount"]) == Decimal("30.00")
    assert claim["calculation"]["code"] == "computed"
    assert claim["kind_label"] == "公共服务平台服务收入奖励"
    # evidence is required before submitting; it is uploaded over the API too, checked by
    # content like the web form's
    refused = assert_error(lead.post(f"/rewards/claims/{claim['id']}/submit", {}), 422)
    assert "证明材料" in refused["message"]
    fake = SimpleUploadedFile("审计报告.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    assert_error(lead.upload(f"/rewards/claims/{claim['id']}/files", {"file": fake}), 422)
    pdf = SimpleUploadedFile(
        "审计报告.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"
    )
    uploaded = lead.upload(
        f"/rewards/claims/{claim['id']}/files", {"file": pdf, "title": "2019 年度服务收入审计报告"}
    )
    assert uploaded.status_code == 201, uploaded.content
    assert [f["title"] for f in uploaded.json()["files"]] == ["2019 年度服务收入审计报告"]
    other = SimpleUploadedFile("x.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    assert_error(
        api(rw.other_applicant).upload(f"/rewards/claims/{claim['id']}/files", {"file": other}),
        404,
    )
    sent = lead.post(
        f"/rewards/claims/{claim['id']}/submit", {"revision": uploaded.json()["revision"]}
    )
    assert sent.status_code == 200 and sent.json()["status"] == "submitted", sent.content
    # the same item again: 409
    again = lead.post(
        "/rewards/claims",
        {
            "alliance": rw.alliance.pk,
            "kind": "platform_service",
            "platform": "轴承检测平台",
            "year": 2019,
            "service_revenue": "100",
        },
    )
    assert_error(again, 409, "conflict")
    # a new alliance's reward needs no evidence
    created = lead.post("/rewards/claims", {"alliance": rw.alliance.pk, "kind": "new_alliance"})
    assert created.status_code == 201
    pk, revision = created.json()["id"], created.json()["revision"]
    assert_error(lead.post(f"/rewards/claims/{pk}/submit", {"revision": revision + 1}), 409)
    entries = AuditEntry.objects.count()
    submitted = lead.post(f"/rewards/claims/{pk}/submit", {"revision": revision})
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    assert AuditEntry.objects.count() == entries + 1
    # the department sees it, the other lead unit does not
    assert api(rw.department).get(f"/rewards/claims/{pk}").json()["relation"] == "department"
    assert_error(api(rw.other_applicant).get(f"/rewards/claims/{pk}"), 404)


def test_who_may_file(api, rw):
    from lianmeng.rewards.models import Claim

    body = {"alliance": rw.alliance.pk, "kind": "new_alliance"}
    assert_error(api(rw.expert.user).post("/rewards/claims", body), 403)
    for outsider in (rw.other_applicant, rw.county, rw.baoding, rw.henan):
        refused = assert_error(api(outsider).post("/rewards/claims", body), 422)
        assert refused["message"].startswith("alliance: ")
        assert refused["details"]["path"] == "alliance"
    assert not Claim.objects.exists()
    on_behalf = api(rw.department).post("/rewards/claims", body)
    assert on_behalf.status_code == 201 and on_behalf.json()["on_behalf"] is True
    unknown = api(rw.applicant).post("/rewards/claims", {**body, "kind": "talent_bonus"})
    assert_error(unknown, 422)
    extra = api(rw.applicant).post("/rewards/claims", {**body, "bonus": 1})
    assert_error(extra, 422)
    assert_error(api(rw.applicant).post("/rewards/claims", {**body, "alliance": 10**9}), 422)
    rw.alliance.support_eligible = False
    rw.alliance.save(update_fields=["support_eligible"])
    lost = assert_error(
        api(rw.applicant).post("/rewards/claims", {**body, "kind": "rd_project", "project": "x"}),
        422,
    )
    assert "不予奖补" in lost["message"] or "资格" in lost["message"]


def test_who_sees_which_claim(api, rw, make_claim):
    mine = make_claim(rw.applicant, rw.alliance, "platform_construction")
    draft = make_claim(rw.applicant, rw.alliance, "new_alliance", submit=False)
    district = make_claim(rw.district_applicant, rw.district_alliance, "new_alliance")
    other = make_claim(rw.other_applicant, rw.other_alliance, "new_alliance")

    def ids(user, query=""):
        response = api(user).get(f"/rewards/claims{query}")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["items"]}

    assert ids(rw.applicant) == {mine.pk, draft.pk}
    assert ids(rw.department) == {mine.pk, district.pk, other.pk}  # not the lead unit's draft
    assert ids(rw.county) == {district.pk}  # its own area, read only
    assert ids(rw.baoding) == set()
    assert ids(rw.expert.user) == set()
    assert ids(rw.department, "?status=draft") == set()
    assert ids(rw.department, f"?alliance={rw.other_alliance.pk}") == {other.pk}
    assert ids(rw.department, "?kind=platform_construction") == {mine.pk}
    assert ids(rw.department, "?year=2018") == {district.pk, other.pk}  # decided 2018-12-01
    seen = api(rw.county).get(f"/rewards/claims/{district.pk}")
    assert seen.status_code == 200 and seen.json()["relation"] == "area"
    assert_error(api(rw.county).get(f"/rewards/claims/{mine.pk}"), 404)
    assert_error(api(rw.county).post(f"/rewards/claims/{district.pk}/submit", {}), 403)
    assert_error(api(rw.department).get(f"/rewards/claims/{draft.pk}"), 404)
    detail = api(rw.applicant).get(f"/rewards/claims/{mine.pk}").json()
    assert detail["figures"] == {"investment": "1200.00"}
    assert len(detail["files"]) == 1 and detail["decision"] is None
    assert detail["reviews"] == []


def test_an_expert_sees_only_the_claims_assigned_to_him(api, rw, make_claim):
    from lianmeng.rewards import services

    claim = make_claim(rw.applicant, rw.alliance, "rd_project")
    services.reviewers_assign(
        actor=rw.department, claim_id=claim.pk, expert_ids=[rw.expert.user_id]
    )
    seen = api(rw.expert.user).get(f"/rewards/claims/{claim.pk}")
    assert seen.status_code == 200 and seen.json()["relation"] == "expert"
    assert [r["expert"] for r in seen.json()["reviews"]] == [rw.expert.user_id]
    assert_error(api(rw.expert2.user).get(f"/rewards/claims/{claim.pk}"), 404)
    assert api(rw.expert2.user).get("/rewards/claims").json()["count"] == 0


def test_claims_are_paginated_in_a_fixed_number_of_queries(api, rw, make_claim):
    for n in range(7):
        make_claim(
            rw.applicant,
            rw.alliance,
            "rd_project",
            {"project": f"项目{n}", "event_date": "2019-05-01"},
        )
    department = api(rw.department)
    first = department.get("/rewards/claims?limit=3").json()
    assert first["count"] == 7 and len(first["items"]) == 3
    last = department.get("/rewards/claims?limit=3&offset=6").json()
    assert len(last["items"]) == 1
    assert {r["id"] for r in first["items"]}.isdisjoint({r["id"] for r in last["items"]})
    assert_error(department.get("/rewards/claims?limit=101"), 422)
    seven = queries(lambda: department.get("/rewards/claims?limit=100"))
    make_claim(rw.applicant, rw.alliance, "rd_project", {"project": "项目8"})
    assert queries(lambda: department.get("/rewards/claims?limit=100")) == seven


# -- ledger and budgets --------------------------------------------------------------------------


def test_ledger_and_budgets(api, rw, make_claim, decide):
    from lianmeng.rewards import services

    claim = make_claim(rw.applicant, rw.alliance, "platform_construction")  # 240.00
    award = decide(claim, "240.00", years=2)  # 120.00 in 2019, 120.00 in 2020
    first = award.instalments.get(year=2019)
    services.payment_record(
        actor=rw.department,
        instalment_id=first.pk,
        paid_on="2019-11-01",
        voucher="LY-001",
        amount="100",
    )
    services.payment_record(
        actor=rw.department,
        instalment_id=first.pk,
        paid_on="2019-11-04",
        voucher="LY-002",
        amount="20",
    )
    ledger = api(rw.department).get("/rewards/ledger").json()
    assert ledger["count"] == 2
    assert [row["voucher"] for row in ledger["items"]] == ["LY-002", "LY-001"]
    assert ledger["items"][0]["claim_number"] == claim.number
    assert ledger["items"][0]["amount"] == "20.00"
    assert ledger["items"][0]["fund"] == "洛阳市应用技术研究与开发资金"
    assert api(rw.applicant).get("/rewards/ledger").json()["count"] == 2
    assert api(rw.other_applicant).get("/rewards/ledger").json()["count"] == 0
    assert api(rw.county).get("/rewards/ledger").json()["count"] == 0
    page = api(rw.department).get("/rewards/ledger?limit=1&offset=1").json()
    assert page["count"] == 2 and [r["voucher"] for r in page["items"]] == ["LY-001"]
    assert api(rw.department).get("/rewards/ledger?year=2020").json()["count"] == 0
    department = api(rw.department)
    department.get("/rewards/ledger")  # the token's first use is recorded once
    two = queries(lambda: department.get("/rewards/ledger"))
    other = make_claim(rw.applicant, rw.alliance, "new_alliance")
    more = decide(other, "10.00", years=1)
    services.payment_record(
        actor=rw.department,
        instalment_id=more.instalments.get().pk,
        paid_on="2019-11-05",
        voucher="LY-003",
        amount="10",
    )
    assert queries(lambda: department.get("/rewards/ledger")) == two  # no query per row

    budgets = api(rw.department).get("/rewards/budgets").json()
    assert budgets["count"] == 2
    rows = {row["year"]: row for row in budgets["items"]}
    assert rows[2019]["committed"] == "130.00" and rows[2019]["paid"] == "130.00"
    assert rows[2019]["available"] == "870.00" and rows[2019]["unpaid"] == "0.00"
    assert rows[2020]["committed"] == "120.00" and rows[2020]["paid"] == "0.00"
    only = api(rw.department).get("/rewards/budgets?year=2020&limit=1").json()
    assert only["count"] == 1 and only["items"][0]["year"] == 2020
    assert api(rw.applicant).get("/rewards/budgets").json() == {"items": [], "count": 0}
    assert api(rw.baoding).get("/rewards/budgets").json()["count"] == 0
    two = queries(lambda: department.get("/rewards/budgets"))
    services.budget_save(actor=rw.department, profile_id="luoyang", year=2021, amount="500")
    assert queries(lambda: department.get("/rewards/budgets")) == two
    detail = api(rw.applicant).get(f"/rewards/claims/{claim.pk}").json()
    assert detail["status"] == "awarded"
    assert detail["decision"]["amount"] == "240.00"
    assert [i["paid"] for i in detail["decision"]["instalments"]] == ["120.00", "0.00"]
