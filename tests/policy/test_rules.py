"""资格规则：边界值（数量、比例、时点）与各状态的含义."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lianmeng.policy.catalogue import RULE_IDS
from lianmeng.policy.interchange import parse_proposal
from lianmeng.policy.loader import get_profile
from lianmeng.policy.registry import RULES
from lianmeng.policy.results import CheckResult, ExistingAlliance, Finding
from lianmeng.policy.rules import check
from lianmeng.policy.timeutil import BEIJING

from .helpers import example, member


def run(data: dict[str, Any], profile: str | None = None, **kwargs: Any) -> CheckResult:
    proposal = parse_proposal(data)
    return check(proposal, get_profile(profile or proposal.profile), **kwargs)


def finding(result: CheckResult, rule_id: str) -> Finding:
    return next(f for f in result.findings if f.rule == rule_id)


def status(data: dict[str, Any], rule_id: str, **kwargs: Any) -> str:
    return finding(run(data, **kwargs), rule_id).status


def test_every_catalogue_rule_has_a_function() -> None:
    assert set(RULES) == set(RULE_IDS)


@pytest.mark.parametrize(
    "name",
    ["henan-valid.json", "heilongjiang-valid.json", "luoyang-valid.json", "baoding-valid.json"],
)
def test_one_finding_per_applied_rule_in_catalogue_order(name: str) -> None:
    result = run(example(name))
    profile = get_profile(result.profile)
    assert [f.rule for f in result.findings] == list(profile.applied_rules)
    assert result.eligible and result.failed() == []
    for item in result.to_dict()["findings"]:
        assert set(item) == {"rule", "status", "severity", "citation", "message", "evidence"}
        assert set(item["citation"]) == {"seed", "article"}


# ------------------------------------------------------------------ counts


def _henan_with(members: list[dict[str, Any]]) -> dict[str, Any]:
    data = example("henan-valid.json")
    data["members"] = [data["members"][0], *members]
    return data


def _fillers(count: int, region: str = "410105", kind: str = "enterprise") -> list[dict[str, Any]]:
    return [member(f"河南测试成员{region}{kind}{i}有限公司", region, kind) for i in range(count)]


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=25))
def test_min_count_boundary(count: int) -> None:
    data = _henan_with(_fillers(count - 1))
    result = finding(run(data), "members.min_count")
    assert result.status == ("pass" if count >= 10 else "fail")
    assert result.evidence["count"] == count


def test_nine_members_fail_ten_pass_with_message() -> None:
    nine = finding(run(_henan_with(_fillers(8))), "members.min_count")
    assert (
        nine.status == "fail"
        and nine.message == "成员单位 9 家，少于 10 家，请补充成员单位或说明理由"
    )
    assert status(_henan_with(_fillers(9)), "members.min_count") == "pass"


def test_principle_failure_makes_proposal_ineligible() -> None:
    result = run(_henan_with(_fillers(8)))
    assert finding(result, "members.min_count").severity == "principle"
    assert not result.eligible


def _platform_members(count: int, level: str = "provincial") -> list[dict[str, Any]]:
    return [
        member(
            f"河南平台单位{i}有限公司",
            "410105",
            platforms=[{"name": f"河南省测试工程技术研究中心{i}", "level": level}],
        )
        for i in range(count)
    ]


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 6), st.integers(0, 3), st.integers(0, 3))
def test_provincial_platform_boundary(provincial: int, national: int, municipal: int) -> None:
    data = _henan_with(_fillers(10))
    data["members"][0].pop("platforms")
    data["members"] += (
        _platform_members(provincial)
        + [
            member(
                f"国家平台单位{i}",
                "110108",
                platforms=[{"name": f"国家测试工程实验室{i}", "level": "national"}],
            )
            for i in range(national)
        ]
        + [
            member(
                f"市级平台单位{i}",
                "410105",
                platforms=[{"name": f"郑州市测试中心{i}", "level": "municipal"}],
            )
            for i in range(municipal)
        ]
    )
    result = finding(run(data), "platforms.min_provincial")
    assert result.evidence["count"] == provincial + national
    assert result.status == ("pass" if provincial + national >= 3 else "fail")


def test_two_provincial_platforms_fail_three_pass() -> None:
    base = _henan_with(_fillers(10))
    base["members"][0].pop("platforms")
    two = dict(base, members=base["members"] + _platform_members(2))
    three = dict(base, members=base["members"] + _platform_members(3))
    assert status(two, "platforms.min_provincial") == "fail"
    assert status(three, "platforms.min_provincial") == "pass"


def test_same_platform_listed_twice_counts_once() -> None:
    data = _henan_with(_fillers(10))
    data["members"][0].pop("platforms")
    twin = {"name": "河南省测试工程技术研究中心", "level": "provincial"}
    data["members"] += [member(f"共建单位{i}", "410105", platforms=[twin]) for i in range(3)]
    assert finding(run(data), "platforms.min_provincial").evidence["count"] == 1


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 12), st.integers(0, 12))
def test_mostly_local_boundary(local: int, outside: int) -> None:
    data = _henan_with(_fillers(local) + _fillers(outside, region="310115"))
    total, local_count = local + outside + 1, local + 1  # the lead unit is in Henan
    result = finding(run(data), "members.mostly_local")
    assert result.status == ("pass" if local_count * 2 > total else "fail")


def test_half_local_fails_more_than_half_passes() -> None:
    half = _henan_with(_fillers(4) + _fillers(5, region="310115"))  # 5 of 10
    assert status(half, "members.mostly_local") == "fail"
    more = _henan_with(_fillers(5) + _fillers(4, region="310115"))  # 6 of 10
    assert status(more, "members.mostly_local") == "pass"


def test_unknown_regions_leave_mostly_local_to_a_person() -> None:
    unknown = [
        {"name": f"无代码单位{i}", "kind": "enterprise", "org_code": "D2143569-X"} for i in range(2)
    ]
    data = _henan_with(
        _fillers(3) + _fillers(4, region="310115") + unknown
    )  # 4 local, 4 out, 2 unknown
    assert status(data, "members.mostly_local") == "manual"


def test_region_code_is_used_without_a_uscc() -> None:
    data = _henan_with(
        [
            {
                "name": f"事业单位{i}",
                "kind": "university",
                "org_code": "D2143569-X",
                "region_code": "410105",
            }
            for i in range(9)
        ]
    )
    assert finding(run(data), "members.mostly_local").evidence["local"] == 10


# ------------------------------------------------------------------ time


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2020-08-09T23:59:59+08:00", "fail"),
        ("2020-08-10T00:00:00+08:00", "pass"),
        ("2020-09-20T23:59:59+08:00", "pass"),
        ("2020-09-20T23:59:59.999999+08:00", "pass"),
        ("2020-09-21T00:00:00+08:00", "fail"),
        ("2020-09-20T15:59:59Z", "pass"),
        ("2020-09-20T16:00:00Z", "fail"),
        ("2020-09-20T12:00:00-09:00", "fail"),
    ],
)
def test_call_window_is_judged_in_beijing_time(moment: str, expected: str) -> None:
    data = example("henan-valid.json")
    data["submitted_at"] = moment
    assert status(data, "call.within_window") == expected


def test_at_overrides_submitted_at_and_naive_at_is_beijing() -> None:
    data = example("henan-valid.json")
    assert status(data, "call.within_window", at=datetime(2020, 9, 20, 23, 59, 59)) == "pass"
    assert status(data, "call.within_window", at=datetime(2020, 9, 21, 0, 0, 0)) == "fail"
    late = run(data, at=datetime(2020, 9, 21, tzinfo=BEIJING))
    assert not late.eligible and late.failed() == ["call.within_window"]
    assert "逾期不予受理" in finding(late, "call.within_window").message


def test_without_a_call_for_the_year_the_window_is_manual() -> None:
    data = example("henan-valid.json")
    data["call_year"] = 2021
    data["submitted_at"] = "2021-09-01T10:00:00+08:00"
    result = finding(run(data), "call.within_window")
    assert result.status == "manual" and result.evidence["call_year"] == 2021


def test_call_year_is_inferred_from_the_moment() -> None:
    data = example("henan-valid.json")
    del data["call_year"]
    result = finding(run(data), "call.within_window")
    assert result.status == "pass" and result.evidence["call_year_inferred"] is True


def test_draft_without_submitted_at_is_judged_now() -> None:
    data = example("henan-valid.json")
    del data["submitted_at"]
    result = run(data)
    assert abs(result.judged_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert str(result.judged_at.tzinfo) == "Asia/Shanghai"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2018-07-09T23:59:59+08:00", "fail"),
        ("2018-07-10T00:00:00+08:00", "pass"),
        ("2020-12-31T23:59:59+08:00", "pass"),
        ("2021-01-01T00:00:00+08:00", "fail"),
        ("2020-12-31T16:00:00Z", "fail"),
        ("2020-12-31T15:59:59Z", "pass"),
    ],
)
def test_luoyang_policy_validity(moment: str, expected: str) -> None:
    data = example("luoyang-valid.json")
    data["submitted_at"] = moment
    assert status(data, "policy.in_force") == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2018-09-17", "fail"),
        ("2018-09-18", "pass"),
        ("2023-09-17", "pass"),
        ("2023-09-18", "fail"),
    ],
)
def test_baoding_policy_validity(day: str, expected: str) -> None:
    data = example("baoding-valid.json")
    data["submitted_at"] = f"{day}T12:00:00+08:00"
    assert status(data, "policy.in_force") == expected


# ------------------------------------------------------------------ other rules


def test_unique_in_field_without_database() -> None:
    result = finding(run(example("henan-valid.json")), "alliance.unique_in_field")
    assert result.status == "pass"
    assert result.evidence == {"compared_with": 0, "note": "未连接数据库，未与已有联盟比对"}


def test_unique_in_field_finds_similar_alliance() -> None:
    existing = [
        ExistingAlliance(name="河南省超硬材料产业技术创新战略联盟", industry="超硬材料"),
        ExistingAlliance(name="河南省高性能铝基新材料产业创新联盟", reference="豫-2018-07"),
    ]
    result = run(example("henan-valid.json"), existing=existing)
    hit = finding(result, "alliance.unique_in_field")
    assert hit.status == "fail" and hit.severity == "principle" and not result.eligible
    assert hit.evidence["compared_with"] == 2
    assert [s["name"] for s in hit.evidence["similar"]] == ["河南省高性能铝基新材料产业创新联盟"]
    assert "原则上只构建一家" in hit.message


def test_unique_in_field_with_empty_database_passes() -> None:
    hit = finding(run(example("henan-valid.json"), existing=[]), "alliance.unique_in_field")
    assert hit.status == "pass" and hit.evidence["compared_with"] == 0


def test_fulltime_staff_absent_is_manual_and_does_not_block() -> None:
    data = example("henan-valid.json")
    del data["governance"]["secretariat_fulltime_staff"]
    result = run(data)
    assert finding(result, "governance.fulltime_staff").status == "manual"
    assert result.eligible


def test_luoyang_accepts_part_time_staff_only_after_a_person_looks() -> None:
    data = example("luoyang-valid.json")
    data["governance"]["secretariat_fulltime_staff"] = 0
    assert status(data, "governance.fulltime_staff") == "manual"
    henan = example("henan-valid.json")
    henan["governance"]["secretariat_fulltime_staff"] = 0
    assert status(henan, "governance.fulltime_staff") == "fail"


def test_advisory_failure_does_not_block() -> None:
    data = example("henan-valid.json")
    data["focus_area"] = "文化旅游"
    result = run(data)
    assert result.failed() == ["call.focus_area"] and result.eligible
    del data["focus_area"]
    assert status(data, "call.focus_area") == "manual"


def test_lead_region_falls_back_to_region_code() -> None:
    data = example("luoyang-valid.json")
    for unit in (data["lead_unit"], data["members"][0]):
        unit.pop("uscc")
    data["members"][0]["region_code"] = "410305"
    assert status(data, "lead.registered_locally") == "pass"
    del data["members"][0]["region_code"]
    assert status(data, "lead.registered_locally") == "manual"


def test_cross_region() -> None:
    data = example("baoding-valid.json")
    data["members"] = [data["members"][0], member("保定竞秀大学", "130602", "university")]
    assert status(data, "members.cross_region") == "fail"
    data["members"].append(member("清苑研究所", "130608", "research_institute"))
    assert status(data, "members.cross_region") == "pass"
    data["members"] = data["members"][:2] + [
        member("保定市直属研究院", "130600", "research_institute")
    ]
    assert status(data, "members.cross_region") == "manual"


def test_baoding_charter_fulfils_the_agreement_material() -> None:
    data = example("baoding-valid.json")
    assert "charter" in {m["kind"] for m in data["materials"]}
    assert status(data, "materials.complete") == "pass"


def test_identity_problems_are_listed_with_paths() -> None:
    data = example("henan-valid.json")
    data["members"][2]["org_code"] = "D2143569-X"  # valid, but not the USCC's organisation code
    data["lead_unit"]["uscc"] = data["lead_unit"]["uscc"][:-1] + "Y"
    result = finding(run(data), "members.identity_valid")
    paths = [p["path"] for p in result.evidence["problems"]]
    assert "$.members[2].org_code" in paths and "$.lead_unit.uscc" in paths


def test_lead_unit_name_compare_ignores_width_and_spaces() -> None:
    data = example("henan-valid.json")
    data["lead_unit"]["name"] = " 河南豫铝新材料科技股份有限公司 "
    assert status(data, "lead.is_member") == "pass"
