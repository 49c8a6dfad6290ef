"""联盟运行的政策数据与纯函数：筹建清单、报告制度、绩效预警、成员变更后的资格复核、到期日."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lianmeng.policy.alliance_config import DEFAULT_LAG_THRESHOLD
from lianmeng.policy.alliance_life import (
    KPI_LABELS,
    ROSTER_RULES,
    add_months,
    checklist_progress,
    due_dates,
    flatten_kpis,
    kpi_warnings,
    membership_findings,
    membership_still_eligible,
    profile_kpi_warnings,
)
from lianmeng.policy.catalogue import RULE_IDS
from lianmeng.policy.citation import Citation
from lianmeng.policy.interchange import Kpis, Member, parse_proposal
from lianmeng.policy.loader import ProfileError, _default_directory, get_profile, load_profiles

from .helpers import REPO, example, member

S0 = "000_531a4e0e0438a06c.txt"
S1 = "001_4b62cab113297976.txt"
S2 = "002_0f7bb534fdbd441b.txt"
S3 = "003_a2e946d71137b875.txt"
S4 = "004_618c815df320578d.txt"

# -- profile data ---------------------------------------------------------------------------


def test_henan_construction_checklist_is_the_seed_s() -> None:
    henan = get_profile("henan")
    construction = henan.construction
    assert construction is not None
    assert [(i.id, i.label) for i in construction.checklist] == [
        ("bodies", "设立决策、咨询和执行等组织机构"),
        ("agreement_and_charter", "签订具有法律约束力的联盟协议和章程"),
        ("technology_plan", "编制产业技术创新发展规划"),
        ("innovation_system_plan", "编制产业创新体系规划"),
    ]
    assert {(i.citation.seed, i.citation.article) for i in construction.checklist} == {
        (S0, "五(二)")
    }
    assert henan.deadlines.construction_period_months.value == 12
    acceptance = construction.acceptance
    assert acceptance is not None
    assert sum(c.weight for c in acceptance.criteria) == 100
    assert [c.key for c in acceptance.criteria] == [i.id for i in construction.checklist]
    assert all(c.citation.seed == S0 for c in acceptance.criteria)


@pytest.mark.parametrize("profile_id", ["luoyang", "baoding", "heilongjiang"])
def test_only_henan_has_a_construction_period(profile_id: str) -> None:
    profile = get_profile(profile_id)
    assert profile.construction is None
    assert profile.deadlines.construction_period_months is None


REPORTS = {
    "henan": {"major_event": ("event", S0, "六(三)")},
    "luoyang": {
        "major_event": ("event", S3, "第八条(一)"),
        "annual_plan": ("annual", S3, "第八条(二)"),
        "self_evaluation": ("annual", S3, "第八条(三)"),
    },
    "baoding": {
        "work_summary": ("annual", S4, "第十二条(一)"),
        "major_event": ("event", S4, "第十二条(二)"),
    },
    "heilongjiang": {"agreement_renewal": ("agreement_term", S2, "art. 6")},
}


@pytest.mark.parametrize("profile_id", sorted(REPORTS))
def test_reports_per_profile_with_citations(profile_id: str) -> None:
    profile = get_profile(profile_id)
    assert profile.reporting is not None
    found = {
        r.id: (r.frequency, r.citation.seed, r.citation.article) for r in profile.reporting.reports
    }
    assert found == REPORTS[profile_id]
    # no seed fixes a due day: every report leaves it to the department
    assert all(r.due is None for r in profile.reporting.reports)


def test_luoyang_self_evaluation_has_the_four_parts_of_article_8() -> None:
    report = get_profile("luoyang").reporting.report("self_evaluation")
    labels = [f.label for f in report.fields]
    for part in (
        "年度工作计划执行完成情况",
        "资金使用情况",
        "取得的主要创新成效",
        "下年度工作计划",
    ):
        assert part in labels
    assert [f.id for f in report.table_fields()] == ["kpis"]


def test_baoding_major_events_are_those_of_article_12() -> None:
    report = get_profile("baoding").reporting.report("major_event")
    assert [e.id for e in report.events] == [
        "major_project",
        "breakthrough",
        "seminar",
        "member_change",
        "personnel_change",
        "address_change",
    ]
    assert report.timing.value == "及时向市科技行政主管部门报告备案"


def test_kpi_warning_threshold_is_the_documented_default() -> None:
    henan, luoyang = get_profile("henan"), get_profile("luoyang")
    for profile in (henan, luoyang):
        assert profile.kpi_warning.threshold is None  # no seed gives a number
        assert profile.kpi_warning.lag_threshold() == DEFAULT_LAG_THRESHOLD == 0.8
    assert henan.kpi_warning.expected.value == "proposal"
    assert (henan.kpi_warning.expected.citation.seed, henan.kpi_warning.period_years.value) == (
        S1,
        2,
    )
    assert luoyang.kpi_warning.plan_report == "annual_plan"
    assert get_profile("baoding").kpi_warning is None
    assert get_profile("heilongjiang").kpi_warning is None
    assert "DEFAULT_LAG_THRESHOLD" in (REPO / "docs" / "rules.md").read_text(encoding="utf-8")


# -- loader errors name file and key --------------------------------------------------------


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


BROKEN = [
    (
        "henan.toml",
        'evidence = ["files"]',
        'evidence = ["video"]',
        "henan.toml: construction.checklist[1].evidence[0]: 取值应为",
    ),
    (
        "henan.toml",
        'id = "agreement_and_charter"\nlabel',
        'id = "bodies"\nlabel',
        "henan.toml: construction: construction.checklist 的 id 不能重复：bodies",
    ),
    (
        "luoyang.toml",
        '[[reporting.reports]]\nid = "major_event"',
        '[[construction.checklist]]\nid = "bodies"\nlabel = "组织机构"\nevidence = ["text"]\n'
        'citation = { seed = "003_a2e946d71137b875.txt", article = "第七条(二)" }\n\n'
        '[[reporting.reports]]\nid = "major_event"',
        "luoyang.toml: construction: 筹建清单需要 deadlines.construction_period_months",
    ),
    (
        "henan.toml",
        'id = "description"\nlabel = "重大事项说明"\nkind = "text"',
        'id = "description"\nlabel = "重大事项说明"\nkind = "video"',
        "henan.toml: reporting.reports[0].fields[0].kind: 取值应为",
    ),
    (
        "henan.toml",
        'period_years = { value = 2, citation = { seed = "001_4b62cab113297976.txt"',
        'threshold = { value = 1.5, citation = { seed = "001_4b62cab113297976.txt"',
        "henan.toml: kpi_warning.threshold.value: 应不大于 1",
    ),
    (
        "luoyang.toml",
        'reports = ["self_evaluation"]',
        'reports = ["work_summary"]',
        "luoyang.toml: kpi_warning.reports[0]: 未知报告 work_summary",
    ),
    (
        "luoyang.toml",
        'plan_report = "annual_plan"',
        'plan_report = "major_event"',
        "luoyang.toml: kpi_warning.plan_report: major_event 应为 reporting 中带绩效指标表",
    ),
    (
        "luoyang.toml",
        'frequency = "annual"\ntiming = { value = "联盟牵头单位制定年度工作计划',
        'frequency = "annual"\ndue = { value = { month = 2, day = 30 }, citation = { seed = "003_a2e946d71137b875.txt", article = "第八条(二)" } }\ntiming = { value = "联盟牵头单位制定年度工作计划',
        "luoyang.toml: reporting.reports[1].due.value: 2 月没有 30 日",
    ),
    (
        "baoding.toml",
        'article = "第十二条(一)" }\n\n[[reporting.reports.fields]]',
        'article = "第九十九条" }\n\n[[reporting.reports.fields]]\nbogus = 1',
        "baoding.toml: reporting.reports[0].fields[0]: 未知字段 bogus",
    ),
    (
        "heilongjiang.toml",
        'agreement_term_years = { value = { min_years = 3, max_years = 5 }, citation = { seed = "002_0f7bb534fdbd441b.txt", article = "art. 6" } }',
        "",
        "heilongjiang.toml: reporting.reports[0].frequency: 随协议期限到期的报告需要 deadlines.agreement_term_years",
    ),
    (
        "heilongjiang.toml",
        'label = "联盟协议重新签署"\nfrequency = "agreement_term"\ntiming = { value = "联盟协议三—五年签署一次", citation = { seed = "002_0f7bb534fdbd441b.txt"',
        'label = "联盟协议重新签署"\nfrequency = "agreement_term"\ntiming = { value = "联盟协议三—五年签署一次", citation = { seed = "009_unknown.txt"',
        "heilongjiang.toml: reporting.reports[0].timing.citation.seed: 出处 009_unknown.txt 不是本配置 documents 中的文件",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "message"), BROKEN)
def test_broken_sections_name_file_and_key(
    profiles_copy: Path, file: str, old: str, new: str, message: str
) -> None:
    _edit(profiles_copy, file, old, new)
    with pytest.raises(ProfileError) as caught:
        load_profiles(profiles_copy)
    assert str(caught.value).startswith(message), str(caught.value)


# -- checklist_progress ---------------------------------------------------------------------

IDS = st.lists(st.sampled_from("abcdefgh"), unique=True, max_size=8)
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))


@given(items=IDS, done=st.sets(st.text(max_size=3)), today=DAYS, deadline=st.none() | DAYS)
def test_checklist_progress_counts(
    items: list[str], done: set[str], today: date, deadline: date | None
) -> None:
    progress = checklist_progress(items, done, today, deadline)
    assert progress.total == len(items)
    assert progress.done == len(set(items) & done)
    assert progress.done + len(progress.open) == progress.total
    assert set(progress.overdue) <= set(progress.open)
    if deadline is None or today <= deadline:
        assert progress.overdue == ()
    else:
        assert progress.overdue == progress.open


def test_henan_checklist_half_done_and_overdue() -> None:
    henan = get_profile("henan")
    approved = date(2021, 3, 1)
    deadline = add_months(approved, henan.deadlines.construction_period_months.value)
    items = henan.construction.checklist
    on_time = checklist_progress(items, {"bodies", "agreement_and_charter"}, deadline, deadline)
    assert (on_time.done, on_time.total, on_time.overdue) == (2, 4, ())
    late = checklist_progress(
        items, {"bodies", "agreement_and_charter"}, deadline + timedelta(days=1), deadline
    )
    assert late.overdue == ("technology_plan", "innovation_system_plan")
    assert checklist_progress(items, {i.id for i in items}, date(2030, 1, 1), deadline).complete


# -- kpi_warnings ---------------------------------------------------------------------------

START, END = date(2021, 1, 1), date(2022, 1, 1)
CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.sampled_from(["applied", "granted"]), st.integers(0, 50), max_size=2),
)
TABLES = st.dictionaries(st.sampled_from(sorted(KPI_LABELS)), CELLS, max_size=8)


@given(
    expected=st.one_of(st.none(), st.integers(), st.text(max_size=5), TABLES),
    actual=st.one_of(st.none(), st.integers(), st.text(max_size=5), TABLES),
    start=DAYS,
    end=DAYS,
    as_of=DAYS,
    threshold=st.none() | st.floats(allow_nan=True),
)
def test_kpi_warnings_never_raise_on_odd_input(
    expected: Any, actual: Any, start: date, end: date, as_of: date, threshold: float | None
) -> None:
    warnings = kpi_warnings(expected, actual, start, end, as_of, threshold)
    for warning in warnings:
        assert warning.kind in ("lagging", "unreadable")
        assert warning.planned > 0 and warning.due > 0
        assert 0 < warning.threshold <= 1
        assert warning.message.startswith(warning.label)


@given(
    planned=st.integers(1, 10_000) | st.floats(0.01, 1e6),
    low=st.floats(0, 1e6),
    high=st.floats(0, 1e6),
    as_of=st.dates(min_value=START, max_value=END + timedelta(days=30)),
    threshold=st.floats(0.05, 1),
)
def test_warnings_are_monotone_in_the_actual_value(
    planned: float, low: float, high: float, as_of: date, threshold: float
) -> None:
    low, high = sorted((low, high))
    expected = {"core_breakthroughs": planned}

    def warned(actual: float) -> bool:
        return bool(
            kpi_warnings(expected, {"core_breakthroughs": actual}, START, END, as_of, threshold)
        )

    # more done never adds a warning
    assert warned(low) or not warned(high)


@given(tables=TABLES, actual=TABLES, threshold=st.floats(0.05, 1))
def test_period_start_never_warns(tables: dict[str, Any], actual: Any, threshold: float) -> None:
    assert kpi_warnings(tables, actual, START, END, START, threshold) == []
    assert kpi_warnings(tables, actual, START, END, START - timedelta(days=9), threshold) == []


@given(planned=st.integers(1, 1000), share=st.integers(1, 365))
def test_plan_met_pro_rata_does_not_warn(planned: int, share: int) -> None:
    as_of = START + timedelta(days=share)
    due = planned * share / 365
    assert (
        kpi_warnings({"awards": {"national": planned}}, {"awards.national": due}, START, END, as_of)
        == []
    )


@given(tables=TABLES)
def test_zero_plans_never_warn(tables: dict[str, Any]) -> None:
    zero = dict.fromkeys(tables, 0)
    assert kpi_warnings(zero, {}, START, END, END) == []


def test_lagging_indicator_at_year_end() -> None:
    citation = Citation(seed=S3, article="第八条(三)")
    warnings = kpi_warnings(
        {"ip": {"invention_patents": {"applied": 10, "granted": 4}}, "core_breakthroughs": 2},
        {"ip.invention_patents.applied": "7", "ip.invention_patents.granted": "4", "other": "x"},
        START,
        END,
        END,
        citation=citation,
    )
    assert [(w.indicator, w.kind, w.actual) for w in warnings] == [
        ("ip.invention_patents.applied", "lagging", 7.0),
        ("core_breakthroughs", "lagging", 0.0),  # left blank: nothing done
    ]
    assert warnings[0].label == "形成自主知识产权 · 发明专利 · 申请（项）"
    assert warnings[0].citation == citation
    assert warnings[0].to_dict()["citation"] == {"seed": S3, "article": "第八条(三)"}
    assert "低于按时间进度应完成的 10" in warnings[0].message


def test_unreadable_actual_cell_is_reported_not_guessed() -> None:
    warnings = kpi_warnings(
        {"core_breakthroughs": 2}, {"core_breakthroughs": "若干"}, START, END, END
    )
    assert [(w.kind, w.actual) for w in warnings] == [("unreadable", None)]
    assert "若干" in warnings[0].message


def test_henan_warning_is_pro_rata_over_two_years() -> None:
    henan = get_profile("henan")
    expected = example("henan-valid.json")["expected_kpis"]
    Kpis.model_validate(expected)  # the table 七 of a real proposal
    actual = {"core_breakthroughs": 1}
    # one year of the two: 2 of 4 breakthroughs due, 1 done (< 80% of 2)
    one_year = profile_kpi_warnings(henan, expected, actual, START, END)
    lagging = {w.indicator: w for w in one_year}
    assert lagging["core_breakthroughs"].due == pytest.approx(2, rel=0.01)
    assert lagging["core_breakthroughs"].citation == henan.kpi_warning.citation
    assert profile_kpi_warnings(henan, expected, flatten_kpis(expected), START, END) == []
    assert profile_kpi_warnings(get_profile("baoding"), expected, {}, START, END) == []


def test_flatten_kpis_keeps_leaves() -> None:
    assert flatten_kpis({"ip": {"invention_patents": {"applied": 1}}, "other": "x"}) == {
        "ip.invention_patents.applied": 1,
        "other": "x",
    }
    assert flatten_kpis(None) == {} and flatten_kpis([1]) == {}  # type: ignore[arg-type]


# -- membership_still_eligible --------------------------------------------------------------


def test_roster_rules_are_catalogue_rules() -> None:
    assert set(ROSTER_RULES) <= set(RULE_IDS)


def test_henan_roster_dropping_to_nine_fails_min_count_with_the_001_citation() -> None:
    henan = get_profile("henan")
    members = example("henan-valid.json")["members"]
    assert membership_still_eligible(henan, members) == []
    failing = membership_still_eligible(henan, members[:9])
    assert [f.rule for f in failing] == ["members.min_count"]
    finding = failing[0]
    assert (finding.citation.seed, finding.citation.article) == (S1, "二(一)2(3)")
    assert finding.severity == "principle" and finding.blocks
    assert "9 家，少于 10 家" in finding.message
    assert henan.cite(finding.citation) == (
        "《关于组织申报2020年河南省产业技术创新战略联盟的通知》二(一)2(3)"
    )


def test_no_university_or_institute_left_fails_composition() -> None:
    luoyang = get_profile("luoyang")
    members = [m for m in example("luoyang-valid.json")["members"] if m["kind"] == "enterprise"]
    rules = [f.rule for f in membership_still_eligible(luoyang, members)]
    assert "members.composition" in rules


def test_lead_unit_leaving_fails_lead_is_member() -> None:
    proposal = parse_proposal(example("henan-valid.json"))
    henan = get_profile("henan")
    remaining = [m for m in proposal.members if m.role != "lead"]
    rules = [f.rule for f in membership_still_eligible(henan, remaining, proposal=proposal)]
    assert "lead.is_member" in rules


def test_only_roster_rules_are_judged() -> None:
    for profile_id in ("henan", "luoyang", "baoding", "heilongjiang"):
        profile = get_profile(profile_id)
        members = example(f"{profile_id}-valid.json")["members"]
        findings = membership_findings(profile, members)
        assert [f.rule for f in findings] == [r for r in ROSTER_RULES if profile.applies(r)]
        assert all(f.status != "fail" for f in findings), profile_id


@given(st.integers(0, 11))
def test_min_count_fails_exactly_below_ten(count: int) -> None:
    henan = get_profile("henan")
    members = [
        Member.model_validate(member(f"成员{i}", "410100", role="lead" if i == 0 else "member"))
        for i in range(count)
    ]
    assume(count > 0)
    rules = [f.rule for f in membership_still_eligible(henan, members)]
    assert ("members.min_count" in rules) is (count < 10)


# -- due_dates ------------------------------------------------------------------------------


def test_henan_construction_ends_a_year_after_approval() -> None:
    henan = get_profile("henan")
    start = date(2021, 3, 1)
    assert due_dates(henan, start, 2021) == []
    (end,) = due_dates(henan, start, 2022)
    assert (end.kind, end.due, end.citation.article) == (
        "construction_end",
        date(2022, 3, 1),
        "五(二)",
    )


def test_heilongjiang_agreement_falls_due_every_five_years_at_the_latest() -> None:
    hlj = get_profile("heilongjiang")
    start = date(2020, 2, 29)
    years = {year: due_dates(hlj, start, year) for year in range(2020, 2031)}
    assert {y for y, found in years.items() if found} == {2025, 2030}
    renewal = years[2025][0]
    assert (renewal.kind, renewal.due, renewal.report) == (
        "agreement_renewal",
        date(2025, 2, 28),
        "agreement_renewal",
    )


@pytest.mark.parametrize("profile_id", ["luoyang", "baoding"])
def test_reports_without_a_seed_date_have_none(profile_id: str) -> None:
    profile = get_profile(profile_id)
    assert all(due_dates(profile, date(2019, 5, 1), year) == [] for year in range(2019, 2026))


def test_a_due_rule_in_a_profile_gives_dates(profiles_copy: Path) -> None:
    _edit(
        profiles_copy,
        "baoding.toml",
        'frequency = "annual"\n',
        'frequency = "annual"\ndue = { value = { month = 1, day = 31, following_year = true }, '
        'citation = { seed = "004_618c815df320578d.txt", article = "第十二条(一)" } }\n',
    )
    baoding = load_profiles(profiles_copy)["baoding"]
    start = date(2019, 5, 1)
    assert due_dates(baoding, start, 2019) == []
    (due,) = due_dates(baoding, start, 2020)
    assert (due.kind, due.report, due.due, due.covers) == (
        "report",
        "work_summary",
        date(2020, 1, 31),
        2019,
    )


@given(day=DAYS, months=st.integers(0, 240))
def test_add_months_keeps_the_day_or_ends_the_month(day: date, months: int) -> None:
    later = add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day == day.day or (later.day < day.day and (later + timedelta(days=1)).day == 1)


@given(start=DAYS, year=st.integers(2000, 2110))
def test_due_dates_fall_in_the_year_asked(start: date, year: int) -> None:
    for profile_id in ("henan", "heilongjiang"):
        for due in due_dates(get_profile(profile_id), start, year):
            assert due.due.year == year and due.due > start
