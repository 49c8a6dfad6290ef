"""筹建清单与验收（M-30）: the lead unit completes the checklist and applies; the competent
department assigns experts (conflicts named), the experts score, the department decides;
passing 认定s the alliance with a certificate verified at /verify/<code>."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lianmeng.alliances.models import Alliance
from lianmeng.construction import selectors, services
from lianmeng.construction.models import AcceptanceRound, Certificate, ChecklistEntry
from lianmeng.core import clock
from lianmeng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import AuditEntry
from lianmeng.workflow.models import Deadline, StateChange

from .conftest import complete_checklist, upload

SCORES = {
    "bodies": "90",
    "agreement_and_charter": "85",
    "technology_plan": "80",
    "innovation_system_plan": "75",
}


def _history(alliance):
    return [
        (c.transition, c.from_state, c.to_state)
        for c in StateChange.objects.of(alliance).order_by("at", "id")
    ]


def _audit(action, **kw):
    return AuditEntry.objects.filter(action=action, **kw)


def test_checklist_items_follow_the_profile_with_their_evidence(henan_alliance, lead):
    acc = selectors.access(viewer=lead, alliance_id=henan_alliance.pk)
    items = selectors.checklist(henan_alliance, acc.construction)
    assert [v.item.label for v in items] == [
        "设立决策、咨询和执行等组织机构",
        "签订具有法律约束力的联盟协议和章程",
        "编制产业技术创新发展规划",
        "编制产业创新体系规划",
    ]
    assert all(v.item.citation.article.startswith("五(二)") for v in items)
    # text alone does not complete an item that also wants files
    entry = services.checklist_save(
        actor=lead, alliance_id=henan_alliance.pk, item="bodies", text="已设立理事会。"
    )
    assert not entry.complete and entry.revision == 1
    entry = services.checklist_save(
        actor=lead,
        alliance_id=henan_alliance.pk,
        item="bodies",
        files=[upload("理事会名单.pdf")],
        revision=1,
    )
    assert entry.complete and entry.revision == 2
    assert selectors.progress(henan_alliance, acc.construction).done == 1
    # a stale revision is refused, nothing changes
    with pytest.raises(Conflict):
        services.checklist_save(
            actor=lead, alliance_id=henan_alliance.pk, item="bodies", text="改", revision=1
        )
    assert (
        ChecklistEntry.objects.get(alliance=henan_alliance, item="bodies").text == "已设立理事会。"
    )
    # a text for an item that wants only files is refused
    with pytest.raises(ValidationFailed):
        services.checklist_save(
            actor=lead, alliance_id=henan_alliance.pk, item="agreement_and_charter", text="x"
        )
    assert _audit("lianmeng.construction.checklist.saved").count() == 2


def test_a_file_of_the_wrong_type_is_refused(henan_alliance, lead):
    with pytest.raises(ValidationFailed):
        services.checklist_save(
            actor=lead,
            alliance_id=henan_alliance.pk,
            item="agreement_and_charter",
            files=[upload("章程.pdf", b"MZ\x90\x00 not a pdf")],
        )
    assert not ChecklistEntry.objects.exists()


def test_others_get_404_and_department_reads_only(
    henan_alliance, lead, henan_staff, baoding_staff, make_user, make_unit, luoyang_staff
):
    other_unit = make_user(["applicant"], unit=make_unit("410305"))
    for stranger in (baoding_staff, other_unit):
        with pytest.raises(NotFound):
            selectors.access(viewer=stranger, alliance_id=henan_alliance.pk)
        with pytest.raises(NotFound):
            services.checklist_save(
                actor=stranger, alliance_id=henan_alliance.pk, item="bodies", text="x"
            )
        with pytest.raises(NotFound):
            services.apply(actor=stranger, alliance_id=henan_alliance.pk)
    # the city department of the area sees progress, may not write nor organise 验收
    acc = selectors.access(viewer=luoyang_staff, alliance_id=henan_alliance.pk)
    assert acc.is_department and not acc.organiser
    with pytest.raises(PermissionDenied):
        services.checklist_save(
            actor=luoyang_staff, alliance_id=henan_alliance.pk, item="bodies", text="x"
        )
    assert selectors.access(viewer=henan_staff, alliance_id=henan_alliance.pk).organiser


def test_apply_is_refused_naming_the_open_items(henan_alliance, lead):
    services.checklist_save(
        actor=lead,
        alliance_id=henan_alliance.pk,
        item="agreement_and_charter",
        files=[upload()],
    )
    with pytest.raises(ValidationFailed) as excinfo:
        services.apply(actor=lead, alliance_id=henan_alliance.pk)
    message = excinfo.value.message
    assert "设立决策、咨询和执行等组织机构" in message and "编制产业创新体系规划" in message
    assert "签订具有法律约束力的联盟协议和章程" not in message
    henan_alliance.refresh_from_db()
    assert henan_alliance.status == "building"
    assert not AcceptanceRound.objects.exists()
    # the registry's generic path runs the same guard
    from lianmeng.alliances.lifecycle import alliance_transition

    with pytest.raises(ValidationFailed):
        alliance_transition(actor=lead, pk=henan_alliance.pk, transition="apply_acceptance")


def _applied(lead, alliance):
    complete_checklist(lead, alliance)
    return services.apply(actor=lead, alliance_id=alliance.pk, note="筹建任务已完成")


def test_after_applying_the_checklist_is_frozen(henan_alliance, lead):
    round_ = _applied(lead, henan_alliance)
    henan_alliance.refresh_from_db()
    assert henan_alliance.status == "awaiting_acceptance"
    assert [c["key"] for c in round_.criteria] == list(SCORES)
    assert sum(c["weight"] for c in round_.criteria) == 100
    assert round_.jurisdiction.code == "410000" and round_.exclude_same_area
    with pytest.raises(Conflict):
        services.checklist_save(actor=lead, alliance_id=henan_alliance.pk, item="bodies", text="x")
    with pytest.raises(Conflict):  # a second click
        services.apply(actor=lead, alliance_id=henan_alliance.pk)
    assert AcceptanceRound.objects.count() == 1
    assert _history(henan_alliance)[-1] == ("apply_acceptance", "building", "awaiting_acceptance")
    assert _audit("lianmeng.alliance.apply_acceptance").count() == 1
    assert _audit("lianmeng.construction.acceptance.applied").count() == 1


def test_conflicting_experts_are_refused_with_the_reason(
    henan_alliance, lead, henan_staff, make_expert, make_user
):
    _applied(lead, henan_alliance)
    member_expert = make_expert(unit=henan_alliance.member_unit)
    area_expert = make_expert("410305")  # the recommending city (洛阳)
    free = make_expert("410105")
    round_ = selectors.current_round(henan_alliance)
    found = {c.expert.pk: c for c in selectors.candidates(viewer=henan_staff, round=round_)}
    assert found[member_expert.pk].hard
    assert "成员单位" in found[member_expert.pk].conflicts[0].message
    assert [f.ground for f in found[area_expert.pk].conflicts] == ["same_area"]
    assert not found[free.pk].conflicts
    with pytest.raises(ValidationFailed) as excinfo:
        services.assign(
            actor=henan_staff, alliance_id=henan_alliance.pk, expert_ids=[member_expert.pk]
        )
    assert "回避" in excinfo.value.message
    with pytest.raises(ValidationFailed) as excinfo:
        services.assign(
            actor=henan_staff, alliance_id=henan_alliance.pk, expert_ids=[area_expert.pk]
        )
    assert "理由" in excinfo.value.message
    made = services.assign(
        actor=henan_staff,
        alliance_id=henan_alliance.pk,
        expert_ids=[area_expert.pk],
        reason="该领域专家不足",
    )
    assert made[0].accepted_conflict and made[0].override_reason == "该领域专家不足"
    assert (
        services.assign_automatically(actor=henan_staff, alliance_id=henan_alliance.pk, count=2)
        == 1
    )
    assert round_.assignments.count() == 2
    # only the competent department of the profile organises
    city = make_user(["competent"], jurisdiction="410300")
    with pytest.raises(PermissionDenied):
        services.assign(actor=city, alliance_id=henan_alliance.pk, expert_ids=[free.pk])


def test_the_whole_acceptance_to_recognition(
    henan_alliance, lead, henan_staff, make_expert, henan_at
):
    round_ = _applied(lead, henan_alliance)
    one, two = make_expert("410105"), make_expert("410105")
    services.assign(actor=henan_staff, alliance_id=henan_alliance.pk, expert_ids=[one.pk, two.pk])
    # the expert reads the evidence
    acc = selectors.access(viewer=one.user, alliance_id=henan_alliance.pk)
    assert acc.is_expert
    assert all(v.complete for v in selectors.checklist(henan_alliance, acc.construction))
    with pytest.raises(ValidationFailed):  # every criterion is scored before submitting
        services.score_submit(
            actor=one.user, alliance_id=henan_alliance.pk, scores={"bodies": "90"}
        )
    with pytest.raises(ValidationFailed):
        services.score_submit(
            actor=one.user, alliance_id=henan_alliance.pk, scores={**SCORES, "bodies": "101"}
        )
    services.score_submit(
        actor=one.user, alliance_id=henan_alliance.pk, scores=SCORES, comments={"bodies": "健全"}
    )
    with pytest.raises(Conflict):
        services.score_submit(actor=one.user, alliance_id=henan_alliance.pk, scores=SCORES)
    # names and scores wait for the round to close
    result = selectors.round_result(round_)
    assert not result.disclosed and result.sheets[0].label == "专家 1" and result.mean is None
    with pytest.raises(Conflict):
        services.decide(actor=henan_staff, alliance_id=henan_alliance.pk, passed=True)
    services.round_close(actor=henan_staff, alliance_id=henan_alliance.pk)
    round_.refresh_from_db()
    result = selectors.round_result(round_)
    assert result.disclosed and result.sheets[0].label == str(one.user)
    assert result.mean == pytest.approx(82.5)  # 0.25 × (90 + 85 + 80 + 75)
    with pytest.raises(Conflict):  # too late for the second expert
        services.score_submit(actor=two.user, alliance_id=henan_alliance.pk, scores=SCORES)

    henan_at["now"] = datetime(2021, 10, 8, 9, 0, tzinfo=clock.BEIJING)
    services.decide(
        actor=henan_staff, alliance_id=henan_alliance.pk, passed=True, reason="达到构建要求"
    )
    henan_alliance.refresh_from_db()
    assert henan_alliance.status == "recognised"
    assert _history(henan_alliance)[-1] == (
        "acceptance_pass",
        "awaiting_acceptance",
        "recognised",
    )
    assert _audit("lianmeng.alliance.acceptance_pass").count() == 1
    certificate = Certificate.objects.get(alliance=henan_alliance)
    assert certificate.recognised_on == date(2021, 10, 8)
    assert certificate.outcome == "正式认定为河南省产业技术创新战略联盟"
    assert "五(二)" in certificate.citation
    assert _audit("lianmeng.construction.certificate.issued").count() == 1
    with pytest.raises(Conflict):  # a second click decides nothing more
        services.decide(actor=henan_staff, alliance_id=henan_alliance.pk, passed=True)
    assert Certificate.objects.count() == 1
    # the expert no longer sees the alliance's checklist once it is decided
    with pytest.raises(NotFound):
        selectors.access(viewer=one.user, alliance_id=henan_alliance.pk)


def test_failed_acceptance_reopens_the_checklist_with_a_new_deadline(
    henan_alliance, lead, henan_staff, make_expert
):
    _applied(lead, henan_alliance)
    expert = make_expert("410105")
    services.assign(actor=henan_staff, alliance_id=henan_alliance.pk, expert_ids=[expert.pk])
    services.score_submit(actor=expert.user, alliance_id=henan_alliance.pk, scores=SCORES)
    services.round_close(actor=henan_staff, alliance_id=henan_alliance.pk)
    with pytest.raises(ValidationFailed):  # reasons required
        services.decide(actor=henan_staff, alliance_id=henan_alliance.pk, passed=False)
    services.decide(
        actor=henan_staff,
        alliance_id=henan_alliance.pk,
        passed=False,
        reason="产业创新体系规划不完整",
        new_deadline=date(2021, 6, 30),
    )
    henan_alliance.refresh_from_db()
    assert henan_alliance.status == "building"
    assert henan_alliance.construction_deadline == date(2021, 6, 30)
    assert _history(henan_alliance)[-1] == ("acceptance_fail", "awaiting_acceptance", "building")
    assert Deadline.objects.of(henan_alliance).count() == 2
    assert not Certificate.objects.exists()
    # the lead unit may edit again and apply a second time
    services.checklist_save(
        actor=lead, alliance_id=henan_alliance.pk, item="innovation_system_plan", text="补充完善。"
    )
    again = services.apply(actor=lead, alliance_id=henan_alliance.pk)
    assert again.attempt == 2


def test_department_list_progress_and_overdue(
    henan_alliance, lead, henan_staff, baoding_staff, henan_at, django_assert_max_num_queries
):
    services.checklist_save(
        actor=lead, alliance_id=henan_alliance.pk, item="agreement_and_charter", files=[upload()]
    )
    rows = list(selectors.department_list(viewer=henan_staff))
    assert [(a.pk, a.done_count, a.construction_overdue) for a in rows] == [
        (henan_alliance.pk, 1, False)
    ]
    assert not selectors.department_list(viewer=baoding_staff).exists()
    henan_at["now"] = datetime(2022, 1, 5, 9, 0, tzinfo=clock.BEIJING)
    [row] = selectors.department_list(viewer=henan_staff, overdue=True)
    assert row.construction_overdue
    acc = selectors.access(viewer=henan_staff, alliance_id=henan_alliance.pk)
    progress = selectors.progress(acc.alliance, acc.construction)
    assert progress.done == 1 and len(progress.overdue) == 3
    assert Alliance.objects.get(pk=henan_alliance.pk).status == "building"


# -- the rules, for any input ------------------------------------------------------------------


@given(
    evidence=st.sets(st.sampled_from(["text", "files"]), min_size=1),
    text=st.text(max_size=5),
    files=st.integers(min_value=0, max_value=3),
)
def test_an_item_is_complete_when_it_has_every_kind_of_evidence(evidence, text, files):
    complete = services._complete(sorted(evidence), text, files)
    wanted_text = "text" not in evidence or bool(text.strip())
    wanted_files = "files" not in evidence or files > 0
    assert complete == (wanted_text and wanted_files)


@given(st.decimals(allow_nan=True, allow_infinity=True, places=None))
def test_a_score_outside_0_to_100_or_finer_than_a_tenth_is_refused(value):
    from decimal import Decimal

    from lianmeng.experts.services import parse_score

    try:
        parsed = parse_score(str(value), title="组织机构", maximum=100)
    except ValidationFailed:
        assert (
            not value.is_finite()
            or not 0 <= value <= 100
            or value != value.quantize(Decimal("0.1"))
        )
    else:
        assert parsed is not None and 0 <= parsed <= 100
