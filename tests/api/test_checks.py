"""POST /api/v1/checks answers what `lianmeng check` prints, and is rate-limited."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lianmeng.policy.cli_check import run_check
from lianmeng.proposals.checks import existing_alliances
from tests.api.conftest import API, assert_error, proposal_document
from tests.conftest import make_uscc

pytestmark = pytest.mark.django_db

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "docs" / "examples"
#: every example proposal (valid, failing one rule, or not a proposal at all); the list of
#: existing alliances and the table of expected outcomes are not proposals
EXAMPLES = sorted(
    p.name
    for p in EXAMPLES_DIR.glob("*.json")
    if p.name != "expected.json" and not p.name.endswith("-existing.json")
)
AT = "2020-09-10T10:00:00+08:00"


class _Unit:
    """What proposal_document needs of a unit, without a database row."""

    def __init__(self, region: str, name: str) -> None:
        self.name, self.uscc = name, make_uscc(region)
        self.region = type("Region", (), {"code": region})()


def _rich(profile: str, region: str) -> dict[str, Any]:
    doc = proposal_document(_Unit(region, "示范牵头企业有限公司"), profile=profile, members=4)
    doc["members"][1]["kind"] = "university"
    for member, position in zip(
        doc["members"], ["upstream", "upstream", "midstream", "downstream"], strict=True
    ):
        member["chain_position"] = position
        member["signed_agreement"] = True
    doc["members"].append(
        {"name": "外地研究院", "uscc": make_uscc("110108"), "kind": "research_institute"}
    )
    doc["governance"] = {"has_decision_body": True, "has_executive_body": True, "has_office": True}
    doc["agreement"] = {"legally_binding": True, "term_years": 3, "has_innovation_goals": True}
    doc["materials"] = [{"kind": "proposal_form"}, {"kind": "feasibility_report"}]
    doc["submitted_at"] = "2020-09-15T09:30:00+08:00"
    return doc


BUILT = {
    "henan-minimal": lambda: proposal_document(_Unit("410305", "甲公司"), profile="henan"),
    "henan-rich": lambda: _rich("henan", "410105"),
    "luoyang-rich": lambda: _rich("luoyang", "410305"),
    "baoding-rich": lambda: _rich("baoding", "130602"),
    "heilongjiang-rich": lambda: _rich("heilongjiang", "230103"),
}


def _cli(path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = run_check([str(path), *args], existing_alliances)
    out, err = capsys.readouterr()
    return code, out, err


def _same_as_cli(client, path: Path, capsys, *, at: str | None) -> dict[str, Any]:
    args = ["--at", at] if at else []
    code, out, err = _cli(path, capsys, *args)
    query = f"?at={at.replace('+', '%2B')}" if at else ""
    response = client.post(
        f"{API}/checks{query}", path.read_bytes(), content_type="application/json"
    )
    if code == 2:
        body = assert_error(response, 422)
        assert body["message"] == err.strip()
        return body
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer == json.loads(out)
    assert answer["eligible"] is (code == 0)
    return answer


@pytest.mark.skipif(not EXAMPLES, reason="docs/examples has no JSON files yet")
@pytest.mark.parametrize("example", EXAMPLES)
def test_examples_answer_as_the_cli_does(client, capsys, example):
    """The same findings as ``lianmeng check FILE``, or the same error line for exit 2."""
    _same_as_cli(client, EXAMPLES_DIR / example, capsys, at=None)


@pytest.mark.skipif(
    not (EXAMPLES_DIR / "henan-existing.json").exists(), reason="no henan-existing.json yet"
)
def test_existing_alliances_from_the_database(client, capsys, make_unit, file_proposal):
    """henan-existing.json stored as submitted proposals: the duplicate is found and named."""
    existing = json.loads((EXAMPLES_DIR / "henan-existing.json").read_text(encoding="utf-8"))
    for record in existing:
        file_proposal(
            make_unit("410105"), profile="henan", name=record["name"], industry=record["industry"]
        )
    path = EXAMPLES_DIR / "henan-fail-alliance.unique_in_field.json"
    answer = _same_as_cli(client, path, capsys, at=None)
    finding = next(f for f in answer["findings"] if f["rule"] == "alliance.unique_in_field")
    assert finding["status"] == "fail"
    assert finding["evidence"]["compared_with"] == len(existing)
    assert finding["evidence"]["similar"], "the similar alliance is named"
    valid = _same_as_cli(client, EXAMPLES_DIR / "henan-valid.json", capsys, at=None)
    assert valid["eligible"] is True


@pytest.mark.parametrize("name", sorted(BUILT))
def test_documents_answer_as_the_cli_does(client, capsys, tmp_path, name):
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(BUILT[name](), ensure_ascii=False), encoding="utf-8")
    answer = _same_as_cli(client, path, capsys, at=AT)
    assert answer["findings"], "a profile applies at least one rule"
    for finding in answer["findings"]:
        assert set(finding) == {"rule", "status", "severity", "citation", "message", "evidence"}


def test_profile_and_at_from_the_query(client, capsys, tmp_path):
    document = BUILT["luoyang-rich"]()
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    code, out, _ = _cli(path, capsys, "--profile", "henan", "--at", "2020-09-01")
    response = client.post(
        f"{API}/checks?profile=henan&at=2020-09-01", document, content_type="application/json"
    )
    assert response.json() == json.loads(out) and response.json()["profile"] == "henan"


def test_invalid_document_names_the_path(client):
    document = BUILT["henan-minimal"]()
    document["members"][0]["uscc"] = 12345
    body = assert_error(
        client.post(f"{API}/checks", document, content_type="application/json"),
        422,
        "invalid_proposal",
    )
    assert body["details"]["path"] == "$.members[0].uscc"
    assert body["message"].startswith("$.members[0].uscc: ")


@pytest.mark.parametrize(
    ("payload", "path"),
    [
        (b'{"format_version": 1,', "$"),  # malformed JSON
        (b"[]", "$"),  # not an object
        (b"", "$"),  # empty
        (json.dumps({**BUILT["henan-minimal"](), "surprise": 1}).encode(), "$.surprise"),
    ],
)
def test_unreadable_bodies_are_422(client, payload, path):
    response = client.post(f"{API}/checks", payload, content_type="application/json")
    body = assert_error(response, 422, "invalid_proposal")
    assert body["details"]["path"] == path


def test_bad_query_values(client):
    document = BUILT["henan-minimal"]()
    body = assert_error(
        client.post(f"{API}/checks?at=tomorrow", document, content_type="application/json"), 422
    )
    assert body["details"]["path"] == "query.at"
    body = assert_error(
        client.post(f"{API}/checks?profile=atlantis", document, content_type="application/json"),
        422,
    )
    assert body["details"]["path"] == "query.profile" and "henan" in body["details"]["known"]
    document["profile"] = "atlantis"
    body = assert_error(
        client.post(f"{API}/checks", document, content_type="application/json"), 422
    )
    assert body["details"]["path"] == "$.profile"


def _unique_finding(client, document: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"{API}/checks?at=2020-09-10", document, content_type="application/json")
    assert response.status_code == 200, response.content
    return next(f for f in response.json()["findings"] if f["rule"] == "alliance.unique_in_field")


def test_compares_with_submitted_proposals_of_the_profile(client, make_unit, file_proposal):
    file_proposal(make_unit("410105"), profile="henan", name="河南省轴承产业技术创新战略联盟")
    file_proposal(make_unit("410105"), profile="henan", name="河南省草稿联盟测试", status="draft")
    file_proposal(make_unit("410105"), profile="luoyang", name="洛阳市轴承产业技术创新战略联盟")
    document = proposal_document(
        _Unit("410305", "乙公司"), profile="henan", name="河南省轴承产业技术创新联盟"
    )
    finding = _unique_finding(client, document)
    assert finding["status"] == "fail" and finding["severity"] == "principle"
    assert finding["evidence"]["compared_with"] == 1  # not the draft, not Luoyang's
    assert "河南省轴承产业技术创新战略联盟" in finding["message"]


def test_a_stored_proposal_is_not_its_own_duplicate(client, make_unit, file_proposal):
    unit = make_unit("410105")
    stored = file_proposal(unit, profile="henan", name="河南省轴承产业技术创新战略联盟")
    finding = _unique_finding(client, stored.document)
    assert finding["status"] == "pass" and finding["evidence"]["compared_with"] == 0


def test_rate_limit_answers_429_in_the_error_shape(client, settings):
    for _ in range(60):
        assert (
            client.post(f"{API}/checks", b"{}", content_type="application/json").status_code == 422
        )
    response = client.post(f"{API}/checks", b"{}", content_type="application/json")
    body = assert_error(response, 429, "rate_limited")
    assert int(response["Retry-After"]) >= 1
    assert body["details"]["retry_after"] >= 1
    # another address is not affected
    other = client.post(
        f"{API}/checks", b"{}", content_type="application/json", REMOTE_ADDR="192.0.2.7"
    )
    assert other.status_code == 422
    # and X-Forwarded-For does not let a client step around the limit
    spoofed = client.post(
        f"{API}/checks", b"{}", content_type="application/json", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert spoofed.status_code == 429
