"""The eligibility panel (M-15) and the duplicate check (M-16) of the editor."""

from __future__ import annotations

import copy
import html
import json
import re
from datetime import datetime

import pytest

from lianmeng.core import clock
from lianmeng.policy.cli_check import run_check
from lianmeng.proposals.checks import existing_alliances
from lianmeng.proposals.duplicates import duplicate_candidates
from lianmeng.proposals.models import Proposal
from lianmeng.proposals.presenters_form import eligibility_view
from lianmeng.proposals.services import proposal_export

from .conftest import example, post_section, section_url

MOMENT = datetime(2020, 9, 1, 10, 0, tzinfo=clock.BEIJING)


@pytest.fixture
def pinned_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: MOMENT)


def _submitted(make_draft, document, **changes):
    document = copy.deepcopy(document)
    document.update(changes)
    return make_draft(document, status=Proposal.Status.SUBMITTED)


def _panel_findings(text: str) -> dict[str, str]:
    return dict(re.findall(r'data-rule="([^"]+)" data-status="([^"]+)"', text))


def test_panel_shows_the_same_findings_as_lianmeng_check(
    signed_in, staff, draft, make_draft, henan_document, pinned_clock, tmp_path, capsys
):
    # an alliance already filed in the same industry, so alliance.unique_in_field fails
    _submitted(make_draft, example("henan-fail-alliance.unique_in_field.json"))
    client = signed_in(staff())
    text = html.unescape(client.get(f"/proposals/{draft.pk}/edit/check/panel/").content.decode())

    exported = tmp_path / "proposal.json"
    exported.write_text(json.dumps(proposal_export(proposal=draft), ensure_ascii=False), "utf-8")
    code = run_check(
        [str(exported), "--at", MOMENT.isoformat()],
        lambda profile: existing_alliances(profile, exclude_pk=draft.pk),
    )
    cli = json.loads(capsys.readouterr().out)
    assert code == 1 and cli["eligible"] is False

    assert _panel_findings(text) == {f["rule"]: f["status"] for f in cli["findings"]}
    for finding in cli["findings"]:
        assert finding["message"] in text
        assert finding["citation"]["article"] in text
    assert "alliance.unique_in_field" in [
        f["rule"] for f in cli["findings"] if f["status"] == "fail"
    ]
    assert "资格预审未通过" in text and "原则性条件未满足" in text
    assert "资格预审全部通过" not in text


def test_panel_is_green_when_eligible(signed_in, staff, draft, pinned_clock):
    text = signed_in(staff()).get(section_url(draft, "facts")).content.decode()
    assert "资格预审全部通过" in text
    assert "资格预审未通过" not in text


def test_panel_says_which_field_to_fill_first(signed_in, staff, draft, pinned_clock):
    client = signed_in(staff())
    post_section(client, draft, "facts", {"name": ""})
    text = html.unescape(client.get(f"/proposals/{draft.pk}/edit/check/panel/").content.decode())
    assert "填写完整后即可预审" in text
    assert "一、联盟基本情况 · 联盟名称" in text
    assert f'href="/proposals/{draft.pk}/edit/section/facts/#f-name"' in text


def test_check_page_lists_findings_with_evidence_and_duplicates(
    signed_in, staff, draft, make_draft, pinned_clock
):
    _submitted(make_draft, example("henan-fail-alliance.unique_in_field.json"))
    text = html.unescape(
        signed_in(staff()).get(f"/proposals/{draft.pk}/edit/check/").content.decode()
    )
    assert "判断依据的数据" in text
    assert "河南省铝合金精深加工产业技术创新战略联盟" in text
    assert "查重：相近的联盟和在审申报" in text


def test_duplicates_score_a_near_twin_high_and_an_unrelated_alliance_low(
    draft, make_draft, henan_document
):
    twin = _submitted(
        make_draft,
        henan_document,
        name="河南省高性能铝基材料产业技术创新战略联盟",
        industry="铝基新材料",
        product="铝合金板带箔",
    )
    unrelated = _submitted(
        make_draft,
        henan_document,
        name="河南省小麦分子育种产业技术创新战略联盟",
        industry="种业",
        product="小麦新品种",
        focus_area="分子生物育种",
    )
    found = duplicate_candidates(draft)
    assert [c.name for c in found] == [twin.name]
    candidate = found[0]
    assert candidate.score >= 90
    assert candidate.flagged
    assert {"name", "industry", "focus_area"} <= set(candidate.matched_on)
    assert candidate.lead_unit == draft.lead_unit.name

    from lianmeng.proposals.duplicates import _scores

    mine = {"name": draft.name, "industry": draft.industry, "product": draft.product}
    other = {"name": unrelated.name, "industry": "种业", "product": "小麦新品种"}
    assert max(_scores(mine, other, ("河南省", "河南")).values()) < 30


def test_boilerplate_alone_does_not_make_two_alliances_alike(make_draft, henan_document, db):
    luoyang = example("luoyang-valid.json")
    luoyang.pop("submitted_at", None)
    mine = make_draft(
        dict(
            luoyang,
            name="洛阳市机器人产业技术创新战略联盟",
            industry="机器人",
            product="工业机器人",
        )
    )
    _submitted(
        make_draft,
        luoyang,
        name="洛阳市新材料产业技术创新战略联盟",
        industry="新材料",
        product="钛合金",
    )
    assert duplicate_candidates(mine) == []


def test_drafts_withdrawn_and_other_profiles_are_not_compared(draft, make_draft, henan_document):
    make_draft(dict(henan_document, name="河南省高性能铝基新材料产业技术创新战略联盟（草稿）"))
    withdrawn = _submitted(make_draft, henan_document, name="河南省铝基新材料产业联盟（撤回）")
    Proposal.objects.filter(pk=withdrawn.pk).update(status=Proposal.Status.WITHDRAWN)
    returned = _submitted(make_draft, henan_document, name="河南省铝基新材料产业技术创新战略联盟")
    Proposal.objects.filter(pk=returned.pk).update(status=Proposal.Status.RETURNED)
    assert [c.name for c in duplicate_candidates(draft)] == [returned.name]


def test_duplicates_agree_with_the_unique_in_field_rule(
    draft, make_draft, henan_document, pinned_clock
):
    """Whatever the rule names is listed as flagged, and nothing else is flagged."""
    variants = [
        ("河南省铝合金精深加工产业技术创新战略联盟", "铝合金精深加工", "高性能铝合金板带箔"),
        ("河南省高性能铝基新材料产业技术创新战略联盟", "铝加工", "铝箔"),
        ("河南省超硬材料产业技术创新战略联盟", "超硬材料", "人造金刚石"),
        ("河南省铝基新材料产业联盟", "有色金属", "铝锭"),
        ("河南省新能源汽车产业技术创新战略联盟", "新能源汽车", "动力电池"),
        ("河南省高性能铝材产业技术创新战略联盟", "装备制造", "铝合金型材"),
    ]
    for name, industry, product in variants:
        _submitted(make_draft, henan_document, name=name, industry=industry, product=product)
    view = eligibility_view(draft)
    finding = next(f for f in view["findings"] if f.rule == "alliance.unique_in_field")
    from lianmeng.proposals.checks import proposal_eligibility

    raw = proposal_eligibility(draft, at=MOMENT)
    rule = next(f for f in raw["findings"] if f["rule"] == "alliance.unique_in_field")
    named = {hit["name"] for hit in rule["evidence"]["similar"]}
    flagged = {c.name for c in duplicate_candidates(draft, limit=50) if c.flagged}
    assert named == flagged
    assert named  # the data set does contain close ones
    assert finding.status == "fail"
    for candidate in duplicate_candidates(draft, limit=50):
        hit = next((h for h in rule["evidence"]["similar"] if h["name"] == candidate.name), None)
        if hit:
            assert set(hit["matched"]) == {k for k in candidate.matched_on if k != "focus_area"}
