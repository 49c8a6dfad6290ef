"""政策配置：四个辖区均能读取，规则与出处符合规则目录，损坏的配置给出文件名和键路径."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date, time
from pathlib import Path

import pytest

from lianmeng.policy.catalogue import RULE_IDS
from lianmeng.policy.loader import (
    ProfileError,
    UnknownProfileError,
    _citations,
    _default_directory,
    get_profile,
    load_profiles,
)

from .helpers import SEEDS

S0, S1, S2, S3, S4 = sorted(SEEDS)

#: REQUIREMENTS.md "Eligibility rule catalogue": rule → {profile: (seed, article)} ("all" rows: any).
CATALOGUE = {
    "lead.registered_locally": {
        "henan": (S1, "二(一)2(1)"),
        "luoyang": (S3, "第六条(一)"),
        "baoding": (S4, "第九条(一)"),
    },
    "lead.is_member": {"henan": None, "heilongjiang": None, "luoyang": None, "baoding": None},
    "members.identity_valid": {
        "henan": None,
        "heilongjiang": None,
        "luoyang": None,
        "baoding": None,
    },
    "members.min_count": {"henan": (S1, "二(一)2(3)")},
    "members.composition": {
        "heilongjiang": (S2, "art. 6"),
        "luoyang": (S3, "第六条(三)"),
        "baoding": (S4, "第九条(一)"),
        "henan": (S1, "二(一)2(2)"),
    },
    "members.mostly_local": {"henan": (S1, "二(一)2(2)"), "luoyang": (S3, "第六条(一)")},
    "members.chain_coverage": {"luoyang": (S3, "第六条(三)")},
    "members.cross_region": {"baoding": (S4, "第九条(七)")},
    "platforms.min_provincial": {"henan": (S1, "二(一)2(3)")},
    "alliance.unique_in_field": {"henan": (S1, "二(一)2(3)")},
    "agreement.signed": {
        "henan": (S1, "二(一)2(4)"),
        "heilongjiang": (S2, "art. 6"),
        "baoding": (S4, "第九条(三)"),
    },
    "agreement.content": {
        "henan": (S1, "二(一)2(4)"),
        "heilongjiang": (S2, "art. 6"),
        "baoding": (S4, "第九条(三)"),
    },
    "agreement.ip_benefit": {"heilongjiang": (S2, "art. 6"), "baoding": (S4, "第九条(六)")},
    "agreement.term": {"heilongjiang": (S2, "art. 6")},
    "agreement.open": {"heilongjiang": (S2, "art. 6"), "baoding": (S4, "第九条(七)")},
    "governance.bodies": {
        "heilongjiang": (S2, "art. 6"),
        "baoding": (S4, "第九条(四)"),
        "luoyang": (S3, "第七条(二)"),
    },
    "governance.fulltime_staff": {
        "henan": (S1, "二(一)2(4)"),
        "luoyang": (S3, "第六条(四)"),
        "baoding": (S4, "第九条(四)"),
    },
    "governance.fund_management": {
        "henan": (S1, "二(一)2(4)"),
        "heilongjiang": (S2, "art. 6"),
        "baoding": (S4, "第九条(五)"),
    },
    "materials.complete": {
        "henan": (S1, "二(二)"),
        "luoyang": (S3, "第七条(二)"),
        "baoding": (S4, "第十条"),
    },
    "call.within_window": {"henan": (S1, "三(一)、四")},
    "call.focus_area": {"henan": (S1, "一"), "luoyang": (S3, "第三条")},
    "policy.in_force": {"luoyang": (S3, "第二十二条"), "baoding": (S4, "第十八条")},
}
PRINCIPLE = {
    ("henan", "members.min_count"),
    ("henan", "platforms.min_provincial"),
    ("henan", "alliance.unique_in_field"),
}


def test_catalogue_table_matches_the_code() -> None:
    assert tuple(CATALOGUE) == RULE_IDS


def test_every_profile_loads() -> None:
    profiles = load_profiles()
    assert set(profiles) == {"henan", "heilongjiang", "luoyang", "baoding"}
    assert {p.jurisdiction.value for p in profiles.values()} == {
        "410000",
        "230000",
        "410300",
        "130600",
    }


@pytest.mark.parametrize("profile_id", ["henan", "heilongjiang", "luoyang", "baoding"])
def test_rules_applied_exactly_per_catalogue(profile_id: str) -> None:
    profile = get_profile(profile_id)
    expected = [rule for rule, where in CATALOGUE.items() if profile_id in where]
    assert list(profile.applied_rules) == expected
    for rule_id, applied in profile.applied_rules.items():
        cited = CATALOGUE[rule_id][profile_id]
        if cited:
            assert (applied.citation.seed, applied.citation.article) == cited
        if rule_id == "call.focus_area":
            assert applied.severity == "advisory"
        elif (profile_id, rule_id) in PRINCIPLE:
            assert applied.severity == "principle"
        else:
            assert applied.severity == "required"


@pytest.mark.parametrize("profile_id", ["henan", "heilongjiang", "luoyang", "baoding"])
def test_every_value_is_cited_from_a_seed(profile_id: str) -> None:
    profile = get_profile(profile_id)
    citations = list(_citations(profile, ""))
    assert len(citations) > 10
    for path, citation in citations:
        assert citation.seed in SEEDS, path
        assert citation.article.strip(), path
    for applied in profile.applied_rules.values():
        assert set(applied.param_citations) == set(type(applied.params).model_fields)


def test_profile_values() -> None:
    henan, hlj, luoyang, baoding = (
        get_profile(p) for p in ("henan", "heilongjiang", "luoyang", "baoding")
    )
    assert henan.applied_rules["members.min_count"].params.min_count == 10
    assert henan.applied_rules["platforms.min_provincial"].params.min_provincial == 3
    assert henan.validity.valid_from is None and henan.validity.valid_until is None
    assert hlj.validity.valid_from is None and hlj.validity.valid_until is None
    assert (luoyang.validity.valid_from.value, luoyang.validity.valid_until.value) == (
        date(2018, 7, 10),
        date(2020, 12, 31),
    )
    assert (baoding.validity.valid_from.value, baoding.validity.valid_until.value) == (
        date(2018, 9, 18),
        date(2023, 9, 17),
    )
    assert luoyang.documents[0].number.value == "洛政办〔2018〕54号"
    assert baoding.documents[0].number.value == "保政办发〔2018〕18号"
    assert [m.value.kind for m in henan.materials] == [
        "proposal_form",
        "feasibility_report",
        "recommendation_form",
        "agreement",
    ]
    assert [m.value.kind for m in luoyang.materials] == ["proposal_form", "feasibility_report"]
    assert [m.value.kind for m in baoding.materials] == [
        "recommendation_letter",
        "proposal_form",
        "agreement",
        "business_license",
    ]
    assert henan.grades.value == ["优秀", "良好", "合格", "不合格"]
    assert luoyang.grades.value == ["优秀", "合格", "不合格"]
    assert henan.deadlines.construction_period_months.value == 12
    term = hlj.deadlines.agreement_term_years.value
    assert (term.min_years, term.max_years) == (3, 5)
    assert [c.value.number for c in baoding.categories] == [1, 2, 3]
    assert [(t.value.year, t.value.alliances) for t in henan.targets] == [(2015, 30), (2020, 60)]


def test_henan_2020_call() -> None:
    call = get_profile("henan").call_for(2020)
    assert call is not None
    assert (call.online_opens.value, call.online_closes.value) == (
        date(2020, 8, 10),
        date(2020, 9, 20),
    )
    window = call.paper_window.value
    assert (window.first_day, window.last_day) == (date(2020, 9, 21), date(2020, 9, 22))
    assert [(h.start, h.end) for h in window.hours] == [(time(8), time(12)), (time(15), time(18))]
    assert "新材料" in call.focus_areas.value and len(call.focus_areas.value) == 12
    assert [c.phone for c in call.contacts.value] == [
        "0371-65990399",
        "0371-65933218",
        "0371-65831885",
    ]
    assert get_profile("henan").call_for(2021) is None


def test_unknown_profile() -> None:
    with pytest.raises(
        UnknownProfileError,
        match="未知的政策配置 hebei，可选：baoding, heilongjiang, henan, luoyang",
    ):
        get_profile("hebei")


def test_default_load_is_cached() -> None:
    assert load_profiles() == load_profiles()
    assert load_profiles()["henan"] is load_profiles()["henan"]


@pytest.fixture
def profiles_copy(tmp_path: Path) -> Path:
    target = tmp_path / "profiles"
    shutil.copytree(Path(str(_default_directory())), target)
    return target


def _edit(directory: Path, name: str, old: str, new: str) -> None:
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_copy_loads(profiles_copy: Path) -> None:
    assert set(load_profiles(profiles_copy)) == set(load_profiles())


BROKEN = [
    (
        'citation = { seed = "001_4b62cab113297976.txt", article = "二(一)2(3)" }\nparams.min_count',
        'citation = { seed = "001_4b62cab113297976.txt" }\nparams.min_count',
        "henan.toml: rules.members.min_count.citation: 缺少字段 article",
    ),
    (
        "[rules.members.min_count]",
        "[rules.members.max_count]",
        "henan.toml: rules.members.max_count: 未知规则 members.max_count",
    ),
    (
        'params.min_count = { value = 10, citation = { seed = "001_4b62cab113297976.txt", article = "二(一)2(3)" } }',
        "params.min_count = { value = 10 }",
        "henan.toml: rules.members.min_count.params.min_count: 缺少字段 citation",
    ),
    (
        "params.min_count = { value = 10,",
        'params.min_count = { value = "十",',
        "henan.toml: rules.members.min_count.params.min_count.value: 应为整数",
    ),
    (
        "params.min_count = { value = 10,",
        "params.min_count = { value = 0,",
        "henan.toml: rules.members.min_count.params.min_count.value: 应不小于 1",
    ),
    (
        "params.min_count = { value = 10,",
        "params.minimum = { value = 10,",
        "henan.toml: rules.members.min_count.params: 未知字段 minimum",
    ),
    (
        'severity = "principle"',
        'severity = "optional"',
        "henan.toml: rules.members.min_count.severity: 取值应为",
    ),
    (
        "online_closes = { value = 2020-09-20",
        "online_closes = { value = 2020-08-01",
        "henan.toml: calls[0].online_closes.value:",
    ),
    ('id = "henan"', 'id = "henan2"', "henan.toml: id: 应与文件名一致"),
    ('id = "henan"', 'id = "henan"\ncolour = "red"', "henan.toml: (根): 未知字段 colour"),
    ("[grades]", "[grades", "henan.toml: TOML 语法错误"),
    (
        'article = "二(二)1" }',
        'article = "二(二)1", page = 3 }',
        "henan.toml: materials[0].citation: 未知字段 page",
    ),
    (
        'name = { value = "河南省", citation = { seed = "000_531a4e0e0438a06c.txt"',
        'name = { value = "河南省", citation = { seed = "009_unknown.txt"',
        "henan.toml: name.citation.seed: 出处 009_unknown.txt 不是本配置 documents 中的文件",
    ),
    (
        'jurisdiction = { value = "410000"',
        'jurisdiction = { value = "41"',
        "henan.toml: jurisdiction.value: 格式不符合",
    ),
]


@pytest.mark.parametrize(("old", "new", "message"), BROKEN)
def test_broken_profile_names_file_and_key(
    profiles_copy: Path, old: str, new: str, message: str
) -> None:
    _edit(profiles_copy, "henan.toml", old, new)
    with pytest.raises(ProfileError) as caught:
        load_profiles(profiles_copy)
    assert str(caught.value).startswith(message), str(caught.value)


def test_bad_validity_window(profiles_copy: Path) -> None:
    _edit(
        profiles_copy,
        "luoyang.toml",
        "valid_until = { value = 2020-12-31",
        "valid_until = { value = 2017-12-31",
    )
    with pytest.raises(
        ProfileError, match="luoyang.toml: validity.valid_until.value: 有效期截止日早于生效日"
    ):
        load_profiles(profiles_copy)


def test_rule_needing_data_the_profile_lacks(profiles_copy: Path) -> None:
    _edit(profiles_copy, "luoyang.toml", "[validity]", "[nothing]\n[validity_removed]")
    with pytest.raises(ProfileError, match="luoyang.toml"):
        load_profiles(profiles_copy)


def test_a_fifth_city_is_only_a_data_file(profiles_copy: Path) -> None:
    text = (profiles_copy / "luoyang.toml").read_text(encoding="utf-8")
    (profiles_copy / "kaifeng.toml").write_text(
        text.replace('id = "luoyang"', 'id = "kaifeng"').replace('"410300"', '"410200"'),
        encoding="utf-8",
    )
    profiles = load_profiles(profiles_copy)
    assert profiles["kaifeng"].jurisdiction_prefix() == "4102"


def test_policy_package_never_imports_django() -> None:
    code = (
        "import sys, lianmeng.policy as p\n"
        "from lianmeng.policy import check, get_profile, load_proposal_file, run_check, run_policy\n"
        "import lianmeng.policy.policy_text, lianmeng.policy.interchange\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    package = Path(str(_default_directory())).parent
    for source in package.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert "import django" not in text and "from django" not in text, source


def test_rules_document_lists_every_rule() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule_id in RULE_IDS:
        assert text.count(f"`{rule_id}`") >= 2, rule_id
