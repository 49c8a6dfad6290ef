"""绩效评价：指标体系与等级的政策数据，以及唯一的计分、定级函数（M-40、M-41、M-42）."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lianmeng.policy.evaluation import ScoreError, excluded, grade_of, weighted_score
from lianmeng.policy.evaluation_config import EvaluationConfig
from lianmeng.policy.loader import ProfileError, _default_directory, get_profile, load_profiles
from lianmeng.policy.policy_text import render_profile

HENAN = get_profile("henan").evaluation
LUOYANG = get_profile("luoyang").evaluation
assert HENAN is not None and LUOYANG is not None
CONFIGS = {"henan": HENAN, "luoyang": LUOYANG}

# -- the profiles' data ---------------------------------------------------------------------


def test_grades_per_profile_are_the_seeds() -> None:
    assert [g.label for g in HENAN.grades] == ["优秀", "良好", "合格", "不合格"]
    assert [g.label for g in LUOYANG.grades] == ["优秀", "合格", "不合格"]
    assert HENAN.grades[0].citation.article == "五(三)"
    assert LUOYANG.grades[0].citation.article == "第九条"
    # the seeds give no thresholds: each one but the floor says it is the platform's own
    for config in CONFIGS.values():
        assert all(g.inclusive for g in config.grades)
        assert all(g.platform_reason for g in config.grades[:-1])


def test_henan_families_are_those_of_six_three_and_cover_the_five_task_areas() -> None:
    assert [f.label for f in HENAN.families] == ["创新活动情况", "创新成果扩散情况", "运行管理情况"]
    assert {f.citation.article for f in HENAN.families} == {"六(三)"}
    articles = {i.citation.article for i in HENAN.indicators()}
    assert {f"附件2 二(一){n}" for n in range(1, 6)} <= articles
    assert sum(f.weight for f in HENAN.families) == 100
    assert all(f.platform_reason for f in HENAN.families)


def test_who_evaluates() -> None:
    assert [e.role for e in HENAN.evaluators] == ["department", "experts"]
    assert LUOYANG.evaluator("third_party") is not None
    assert LUOYANG.evaluator("third_party").citation.article == "第九条"
    # experts are the platform's addition, and say so
    assert HENAN.evaluator("experts").platform_reason


def test_consequences() -> None:
    henan, luoyang = HENAN.consequences, LUOYANG.consequences
    assert henan is not None and luoyang is not None
    assert henan.on_failed_recheck.value == "title"
    assert henan.on_failed_recheck.text == "取消其河南省产业技术创新战略联盟资格"
    assert luoyang.on_failed_recheck.value == "support"
    assert luoyang.on_failed_recheck.text == "取消其享受扶持与奖励政策的资格"
    assert henan.preferential_grade is not None and henan.preferential_grade.value == "excellent"
    assert luoyang.preferential_grade is None  # 第九条 says nothing of 择优支持
    assert henan.rectification_period.months == 6 and henan.rectification_period.platform_reason
    assert henan.failing_grade.value == luoyang.failing_grade.value == "fail"


def test_public_notice_only_where_the_profile_sets_one_and_only_two_profiles_evaluate() -> None:
    profiles = load_profiles()
    assert {pid for pid, p in profiles.items() if p.evaluation} == {"henan", "luoyang"}
    # no seed asks for a notice; Henan's 7 days are the platform's own, with the reason
    assert HENAN.notice_days is not None and HENAN.notice_days.value == 7
    assert "本平台" in (HENAN.notice_days.platform_reason or "")
    assert LUOYANG.notice_days is None


def test_policy_show_prints_the_evaluation_with_citations() -> None:
    text = render_profile(get_profile("luoyang"))
    assert "绩效评价 〔第九条〕" in text
    assert "不参加本级评价：国家级、省级联盟 〔第十条〕" in text
    assert "优秀（excellent）：90 分及以上" in text
    assert "整改不合格：取消其享受扶持与奖励政策的资格（support） 〔第九条〕" in text
    assert "绩效评价" not in render_profile(get_profile("baoding"))


# -- weighted_score -------------------------------------------------------------------------


def _all(config: EvaluationConfig, value: str) -> dict[str, Decimal]:
    return {i.id: Decimal(value) for i in config.indicators()}


@pytest.mark.parametrize("profile_id", sorted(CONFIGS))
def test_weighted_score_bounds(profile_id: str) -> None:
    config = CONFIGS[profile_id]
    assert weighted_score(config, _all(config, "100")) == 100
    assert weighted_score(config, _all(config, "0")) == 0
    assert weighted_score(config, _all(config, "73.5")) == Decimal("73.5")


def test_weighted_score_weighs() -> None:
    scores = _all(HENAN, "100") | {"cooperative_innovation": Decimal(0)}
    assert weighted_score(HENAN, scores) == 80  # weight 20 lost


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"governance": None}, "以下指标尚未评分：组织机构运行与管理制度执行"),
        ({"bogus": Decimal(1)}, "未知指标：bogus"),
        ({"governance": Decimal("100.01")}, "应在 0 至 100 之间"),
        ({"governance": Decimal(-1)}, "应在 0 至 100 之间"),
        ({"governance": Decimal("NaN")}, "应为 0 至 100 之间的数"),
    ],
)
def test_weighted_score_refuses_bad_sheets(change: dict[str, Any], message: str) -> None:
    scores: dict[str, Any] = _all(HENAN, "80") | change
    scores = {k: v for k, v in scores.items() if v is not None}
    with pytest.raises(ScoreError, match=message):
        weighted_score(HENAN, scores)


# -- grade_of: properties -------------------------------------------------------------------

SCORE = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


def _rank(config: EvaluationConfig, score: Decimal) -> int:
    """0 is the best grade."""
    return [g.id for g in config.grades].index(grade_of(config, score).id)


@st.composite
def configs(draw: st.DrawFn) -> EvaluationConfig:
    """A profile-shaped evaluation with random thresholds (halves allowed, either bound kind)."""
    halves = draw(st.lists(st.integers(1, 199), min_size=1, max_size=4, unique=True))
    bounds = sorted((h / 2 for h in halves), reverse=True)
    flags = draw(st.lists(st.booleans(), min_size=len(bounds), max_size=len(bounds)))
    data = HENAN.model_dump()
    cite = data["grades"][0]["citation"]
    data["grades"] = [
        {"id": f"g{n}", "label": f"等级{n}", "min": b, "inclusive": f, "citation": cite}
        for n, (b, f) in enumerate(zip(bounds, flags, strict=True))
    ] + [{"id": "floor", "label": "最低", "min": 0, "inclusive": True, "citation": cite}]
    data["consequences"] = None
    return EvaluationConfig.model_validate(data, strict=False)


CONFIG = st.sampled_from(list(CONFIGS.values())) | configs()


@given(config=CONFIG, data=st.data())
def test_grade_never_improves_when_a_score_goes_down(
    config: EvaluationConfig, data: st.DataObject
) -> None:
    ids = [i.id for i in config.indicators()]
    scores = {i: data.draw(SCORE) for i in ids}
    lowered = dict(scores)
    target = data.draw(st.sampled_from(ids))
    lowered[target] = data.draw(
        st.decimals(min_value=0, max_value=scores[target], places=2, allow_nan=False)
    )
    before, after = weighted_score(config, scores), weighted_score(config, lowered)
    assert after <= before
    assert _rank(config, after) >= _rank(config, before)


@given(config=CONFIG, low=SCORE, high=SCORE)
def test_grade_is_monotone_in_the_total(
    config: EvaluationConfig, low: Decimal, high: Decimal
) -> None:
    low, high = min(low, high), max(low, high)
    assert _rank(config, low) >= _rank(config, high)


@given(config=CONFIG, score=SCORE)
def test_every_score_has_exactly_one_grade(config: EvaluationConfig, score: Decimal) -> None:
    def within(index: int) -> bool:
        grade = config.grades[index]
        bound = grade.lower_bound()
        above = score >= bound if grade.inclusive else score > bound
        if index == 0:
            return above
        better = config.grades[index - 1]
        ceiling = better.lower_bound()
        below = score < ceiling if better.inclusive else score <= ceiling
        return above and below

    holders = [g.id for n, g in enumerate(config.grades) if within(n)]
    assert holders == [grade_of(config, score).id]


@given(config=CONFIG)
def test_boundaries_are_inclusive_as_the_profile_says(config: EvaluationConfig) -> None:
    step = Decimal("0.01")
    for index, grade in enumerate(config.grades[:-1]):
        bound, lower = grade.lower_bound(), config.grades[index + 1]
        at = grade_of(config, bound)
        if grade.inclusive:
            assert at == grade  # exactly on the line gets the grade
            assert grade_of(config, bound - step) == lower  # just below gets the lower one
        else:
            assert at != grade  # "more than 90" is not reached by 90
            if bound + step <= 100:
                assert grade_of(config, bound + step) == grade


@pytest.mark.parametrize(
    ("profile_id", "score", "label"),
    [
        ("henan", "90", "优秀"),
        ("henan", "89.99", "良好"),
        ("henan", "75", "良好"),
        ("henan", "74.99", "合格"),
        ("henan", "60", "合格"),
        ("henan", "59.99", "不合格"),
        ("henan", "0", "不合格"),
        ("henan", "100", "优秀"),
        ("luoyang", "90", "优秀"),
        ("luoyang", "89.99", "合格"),
        ("luoyang", "60", "合格"),
        ("luoyang", "59.99", "不合格"),
    ],
)
def test_profile_thresholds(profile_id: str, score: str, label: str) -> None:
    assert grade_of(CONFIGS[profile_id], Decimal(score)).label == label


@pytest.mark.parametrize("score", ["-0.01", "100.01"])
def test_grade_of_refuses_totals_outside_0_100(score: str) -> None:
    with pytest.raises(ScoreError):
        grade_of(HENAN, Decimal(score))


def test_luoyang_leaves_national_and_provincial_alliances_out() -> None:
    assert excluded(LUOYANG, "national") and excluded(LUOYANG, "provincial")
    assert not excluded(LUOYANG, "municipal")
    assert not excluded(HENAN, "provincial")


# -- broken tables name file and key --------------------------------------------------------


@pytest.fixture
def profiles_copy(tmp_path: Path) -> Path:
    target = tmp_path / "profiles"
    shutil.copytree(Path(str(_default_directory())), target)
    return target


def _edit(directory: Path, name: str, old: str, new: str) -> None:
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BROKEN = [
    (
        "henan.toml",
        'label = "创新活动情况"\nweight = 40',
        'label = "创新活动情况"\nweight = 45',
        "henan.toml: evaluation.families: 指标类别的权重之和应为 100，现为 105",
    ),
    (
        "henan.toml",
        'id = "industry_service"\nlabel = "服务产业"\nweight = 10',
        'id = "industry_service"\nlabel = "服务产业"\nweight = 15',
        "henan.toml: evaluation.families[1].indicators: “创新成果扩散情况”各项指标的权重之和应等于该类权重 30，现为 35",
    ),
    (
        "henan.toml",
        'source = "member_satisfaction"',
        'source = "gossip"',
        "henan.toml: evaluation.families[2].indicators[2].source: 取值应为",
    ),
    (
        "henan.toml",
        'label = "良好"\nmin = 75',
        'label = "良好"\nmin = 90',
        "henan.toml: evaluation.grades[1].min: 等级“良好”的分数线应低于上一等级“优秀”",
    ),
    (
        "luoyang.toml",
        'label = "合格"\nmin = 60',
        'label = "合格"\nmin = 95',
        "luoyang.toml: evaluation.grades[1].min: 等级“合格”的分数线应低于上一等级“优秀”",
    ),
    (
        "henan.toml",
        'label = "不合格"\nmin = 0',
        'label = "不合格"\nmin = 10',
        "henan.toml: evaluation.grades[3].min: 最低等级“不合格”应从 0 分（含）起",
    ),
    (
        "henan.toml",
        'label = "优秀"\nmin = 90\ninclusive = true',
        'label = "优秀"\nmin = 90',
        "henan.toml: evaluation.grades[0]: 缺少字段 inclusive",
    ),
    (
        "luoyang.toml",
        'label = "优秀"\nmin = 90',
        'label = "良好"\nmin = 90',
        "luoyang.toml: evaluation.grades: 等级应与 grades 一致：优秀、合格、不合格",
    ),
    (
        "luoyang.toml",
        'value = ["national", "provincial"]',
        'value = ["national", "municipal"]',
        "luoyang.toml: evaluation.excluded_levels.value: 不能排除本配置自己的层级",
    ),
    (
        "luoyang.toml",
        'report = "self_evaluation"\ncitation = { seed = "003_a2e946d71137b875.txt", article = "第八条(三)" }',
        'report = "annual_summary"\ncitation = { seed = "003_a2e946d71137b875.txt", article = "第八条(三)" }',
        "luoyang.toml: evaluation.families[0].indicators[0].report: 未知报告 annual_summary",
    ),
    (
        "henan.toml",
        'failing_grade = { value = "fail"',
        'failing_grade = { value = "flunk"',
        "henan.toml: evaluation.consequences.failing_grade.value: 未知等级 flunk",
    ),
    (
        "henan.toml",
        "rectification_period = { months = 6, citation",
        "rectification_period = { months = 6, days = 30, citation",
        "henan.toml: evaluation.consequences.rectification_period: 整改期限须且仅须给出 months 或 days 之一",
    ),
    (
        "henan.toml",
        'on_failed_recheck = { value = "title", text = "取消其河南省产业技术创新战略联盟资格", citation = { seed = "000_531a4e0e0438a06c.txt"',
        'on_failed_recheck = { value = "title", text = "取消其河南省产业技术创新战略联盟资格", citation = { seed = "003_a2e946d71137b875.txt"',
        "henan.toml: evaluation.consequences.on_failed_recheck.citation.seed: 出处 003_a2e946d71137b875.txt 不是本配置 documents 中的文件",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "message"), BROKEN)
def test_broken_evaluation_tables_name_file_and_key(
    profiles_copy: Path, file: str, old: str, new: str, message: str
) -> None:
    _edit(profiles_copy, file, old, new)
    with pytest.raises(ProfileError) as caught:
        load_profiles(profiles_copy)
    assert str(caught.value).startswith(message), str(caught.value)
