"""生命周期表：四个辖区的状态与流转来自配置文件，且加载时校验（未知状态、不可达状态、未知守卫）."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lianmeng.policy.lifecycle import GUARDS
from lianmeng.policy.loader import ProfileError, _default_directory, get_profile, load_profiles

from .helpers import SEEDS


def _path(lifecycle, start: str, *steps: str) -> str:
    """Walk ``steps`` (transition ids) from ``start``; each must leave the current state."""
    state = start
    for step in steps:
        transition = lifecycle.transition(step)
        assert transition is not None, step
        assert state in transition.from_, (step, state)
        state = transition.to
    return state


def test_every_profile_has_a_lifecycle_with_cited_transitions() -> None:
    for profile in load_profiles().values():
        lifecycle = profile.lifecycle
        assert lifecycle is not None, profile.id
        assert lifecycle.initial == "draft"
        for transition in lifecycle.transitions:
            assert transition.citation.seed in SEEDS
            assert transition.citation.article.strip()
            assert set(transition.guards) <= set(GUARDS)


def test_henan_table() -> None:
    lifecycle = get_profile("henan").lifecycle
    path = ("submit", "recommend_county", "recommend_city", "accept", "start_review", "approve")
    assert _path(lifecycle, "draft", *path) == "approved_to_build"
    assert lifecycle.state("approved_to_build").public
    assert lifecycle.state("approved_to_build").label == "批准筹建"
    accept = lifecycle.transition("accept")
    assert accept.guards == ["recommended_within_window", "paper_copies_received"]
    assert accept.level == "province" and accept.role == "competent"
    assert lifecycle.transition("approve").starts_deadline == "construction_period_months"
    assert lifecycle.transition("refuse_late").label == "逾期不予受理"
    for step in ("return_county", "return_city", "return_zone", "return_department"):
        assert lifecycle.transition(step).reason_required
        assert lifecycle.transition(step).to == "returned"
    assert _path(lifecycle, "returned", "submit") == "submitted"
    delegation = lifecycle.zone_delegation
    assert delegation.kinds == ["ftz"] and delegation.levels == ["province"]
    assert delegation.files_with == "province"
    assert delegation.citation.article == "三(四)"


def test_luoyang_table() -> None:
    lifecycle = get_profile("luoyang").lifecycle
    path = (
        "submit",
        "preliminary_review",
        "recommend_county",
        "accept",
        "start_review",
        "recognise",
    )
    assert _path(lifecycle, "draft", *path) == "recognised"
    assert lifecycle.transition("preliminary_review").reason_label == "初审意见"
    assert lifecycle.transition("accept").level == "city"
    assert lifecycle.state("recognised").public


def test_baoding_table() -> None:
    lifecycle = get_profile("baoding").lifecycle
    assert _path(lifecycle, "draft", "submit", "recommend_county", "file") == "filed"
    assert lifecycle.transition("file").guards == ["category_chosen"]
    assert lifecycle.transition("recommend_county").level == "county"
    assert lifecycle.zone_delegation.levels == ["county"]  # 开发区 recommend as counties do
    assert lifecycle.zone_delegation.files_with is None


def test_heilongjiang_table() -> None:
    lifecycle = get_profile("heilongjiang").lifecycle
    assert _path(lifecycle, "draft", "submit", "select_pilot") == "pilot"
    assert lifecycle.transition("select_pilot").role == "coordination"
    assert _path(lifecycle, "submitted", "decline") == "declined"
    assert lifecycle.state("declined").terminal


@pytest.fixture
def profiles_copy(tmp_path: Path) -> Path:
    target = tmp_path / "profiles"
    shutil.copytree(Path(str(_default_directory())), target)
    return target


def _edit(directory: Path, name: str, old: str, new: str) -> None:
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BROKEN = [
    (
        'id = "recommend_city"\nlabel = "推荐"\nkind = "recommend"\nfrom = ["county_recommended"]\nto = "recommended"',
        'id = "recommend_city"\nlabel = "推荐"\nkind = "recommend"\nfrom = ["county_recommended"]\nto = "recommended_by_city"',
        "henan.toml: lifecycle.transitions[4].to: 未知状态 recommended_by_city",
    ),
    (
        'from = ["county_recommended"]\nto = "recommended"',
        'from = ["county_recomended"]\nto = "recommended"',
        "henan.toml: lifecycle.transitions[4].from[0]: 未知状态 county_recomended",
    ),
    (
        'guards = ["recommended_within_window", "paper_copies_received"]',
        'guards = ["recommended_within_window", "paper_received"]',
        "henan.toml: lifecycle.transitions[10].guards[1]: 未知守卫条件 paper_received",
    ),
    (
        'starts_deadline = "construction_period_months"',
        'starts_deadline = "construction_months"',
        "henan.toml: lifecycle.transitions[14].starts_deadline: deadlines 中没有 construction_months",
    ),
    (
        'id = "withdrawn"\nlabel = "已撤回"\nterminal = true',
        'id = "withdrawn"\nlabel = "已撤回"\nterminal = true\n\n[[lifecycle.states]]\nid = "archived"\nlabel = "已归档"',
        "henan.toml: lifecycle.states[4]: 状态 archived 无法从初始状态 draft 到达",
    ),
    (
        'id = "declined"\nlabel = "不予批准"\nterminal = true',
        'id = "declined"\nlabel = "不予批准"',
        "",  # a non-terminal end state is allowed (later lifecycles continue from it)
    ),
    (
        'id = "refused"\nlabel = "不予受理"\nterminal = true',
        'id = "refused"\nlabel = "不予受理"\nterminal = true\n\n[[lifecycle.states]]\nid = "refused"\nlabel = "重复"',
        "henan.toml: lifecycle.states[8].id: 状态 refused 重复",
    ),
    (
        'role = "competent"\nlevel = "province"\nreason_label = "受理意见"',
        'role = "competent"\nlevel = "ministry"\nreason_label = "受理意见"',
        "henan.toml: lifecycle.transitions[10].level: 取值应为",
    ),
    (
        'id = "accept"\nlabel = "受理"\nkind = "accept"\nfrom = ["recommended"]\nto = "accepted"\nrole = "competent"\nlevel = "province"\nreason_label = "受理意见"\nguards = ["recommended_within_window", "paper_copies_received"]\nevent = "proposal.accepted"\ncitation = { seed = "001_4b62cab113297976.txt", article = "三(三)、四" }',
        'id = "accept"\nlabel = "受理"\nkind = "accept"\nfrom = ["recommended"]\nto = "accepted"\nrole = "competent"\nlevel = "province"\nreason_label = "受理意见"\nguards = ["recommended_within_window", "paper_copies_received"]\nevent = "proposal.accepted"',
        "henan.toml: lifecycle.transitions[10]: 缺少字段 citation",
    ),
]


@pytest.mark.parametrize(("old", "new", "message"), BROKEN)
def test_a_broken_table_names_file_and_key(profiles_copy: Path, old: str, new: str, message: str):
    _edit(profiles_copy, "henan.toml", old, new)
    if not message:
        assert load_profiles(profiles_copy)["henan"].lifecycle.state("declined").terminal is False
        return
    with pytest.raises(ProfileError) as caught:
        load_profiles(profiles_copy)
    assert str(caught.value).startswith(message), str(caught.value)


def test_a_terminal_state_may_not_be_left(profiles_copy: Path) -> None:
    _edit(
        profiles_copy,
        "heilongjiang.toml",
        'id = "pilot"\nlabel = "已确定为试点"\npublic = true',
        'id = "pilot"\nlabel = "已确定为试点"\npublic = true\nterminal = true',
    )
    _edit(
        profiles_copy,
        "heilongjiang.toml",
        'from = ["submitted"]\nto = "declined"',
        'from = ["submitted", "pilot"]\nto = "declined"',
    )
    with pytest.raises(
        ProfileError, match=r"heilongjiang.toml: lifecycle.states\[3\].terminal: 终止状态 pilot"
    ):
        load_profiles(profiles_copy)


def test_the_zone_route_needs_a_delegation(profiles_copy: Path) -> None:
    _edit(
        profiles_copy,
        "luoyang.toml",
        'level = "county"\nreason_required = true\nreason_label = "初审意见"',
        'level = "county"\nroutes = ["zone"]\nreason_required = true\nreason_label = "初审意见"',
    )
    with pytest.raises(
        ProfileError, match="luoyang.toml: lifecycle.transitions.*routes: 未设置 zone_delegation"
    ):
        load_profiles(profiles_copy)


def test_every_profile_has_a_report_table_its_department_answers() -> None:
    """报告（年度计划、自评价、总结、重大事项、变更）由联盟提交，由监管联盟的部门接受或退回。"""
    deciders = {}
    for profile in load_profiles().values():
        table = profile.report_lifecycle
        assert table is not None, profile.id
        assert _path(table, "draft", "submit", "return", "submit", "accept") == "accepted"
        assert table.state("accepted").terminal
        assert table.transition("submit").level == "lead_unit"
        assert table.transition("return").reason_required
        for transition in table.transitions:
            assert transition.citation.seed in SEEDS
        # the report's department is the one that decides on the alliance in the same profile
        decide = profile.lifecycle.of_kind("approve")
        deciders[profile.id] = (table.transition("accept").role, table.transition("accept").level)
        assert deciders[profile.id] == (decide[0].role, decide[0].level), profile.id


def test_a_report_table_without_its_submitted_state_is_refused(profiles_copy: Path) -> None:
    text = (profiles_copy / "luoyang.toml").read_text(encoding="utf-8")
    start = text.index("[report_lifecycle]")
    head, tail = text[:start], text[start:]
    tail = tail.replace(
        'id = "submitted"\nlabel = "已提交"\n', 'id = "handed_in"\nlabel = "已提交"\n'
    )
    (profiles_copy / "luoyang.toml").write_text(head + tail, encoding="utf-8")
    with pytest.raises(ProfileError, match="luoyang.toml: report_lifecycle"):
        load_profiles(profiles_copy)
