"""Demo reports (issue 13 item 7): recognised Luoyang alliances and a filed Baoding one of the
legacy registry with accepted reports for past years, one with a KPI early warning waiting in the
Luoyang department's inbox, and a Baoding major event waiting to be acknowledged.

Idempotent: once any report exists, nothing is added. Every step goes through the services (and
so the lifecycle engine), as the lead units' applicants and the demo departments; under a policy
that is no longer in force the step records its 依据 as the engine asks.
"""

from __future__ import annotations

from collections.abc import Iterator

from lianmeng.core import clock
from lianmeng.core.validity import lapse_for

#: the lead units' demo applicants: username, display name, alliance name
LEADS = [
    ("qiantou-ly", "洛阳耐火材料联盟联络员", "洛阳市耐火材料产业技术创新战略联盟"),
    ("qiantou-ly2", "洛阳智能装备联盟联络员", "洛阳市机器人及智能装备产业技术创新战略联盟"),
    ("qiantou-bd", "保定输变电联盟联络员", "保定市输变电装备产业技术创新战略联盟"),
]
BASIS = "演示数据：按主管部门关于原办法延期执行的通知办理"
PLAN = {
    "core_breakthroughs": 4,
    "funding.lead_unit": 500,
    "funding.other_members": 300,
    "talent.phd": 6,
    "ip.invention_patents.applied": 10,
}
MET = {
    "core_breakthroughs": 4,
    "funding.lead_unit": 520,
    "funding.other_members": 310,
    "talent.phd": 6,
    "ip.invention_patents.applied": 12,
}
BEHIND = {**MET, "core_breakthroughs": 1, "ip.invention_patents.applied": 5}


def _evaluation(kpis: dict, year: int) -> dict:
    return {
        "plan_completion": f"{year} 年度工作计划确定的共性技术攻关、标准研制和人才培养任务按期推进。",
        "kpis": kpis,
        "funds_use": "联盟经费专款专用，牵头单位投入和成员单位投入均按计划到位。",
        "main_results": "建成联盟共享检测平台，联合申请发明专利，培养博士研究生。",
        "next_year_plan": "继续推进关键共性技术攻关，组织成员单位开展技术交流。",
    }


def load_demo_reports(password: str) -> Iterator[str]:
    from django.db import transaction

    from lianmeng.alliances.models import Alliance
    from lianmeng.core.models import User
    from lianmeng.core.services import user_create

    from . import services
    from .models import Report

    if Report.objects.exists():
        return
    departments = {
        "luoyang": User.objects.filter(username="luoyang").first(),
        "baoding": User.objects.filter(username="baoding").first(),
    }
    today = clock.beijing_now().date()
    done = []
    with transaction.atomic():
        leads = {}
        for username, display, name in LEADS:
            alliance = Alliance.objects.filter(name=name).select_related("lead_unit").first()
            if alliance is None:
                continue
            user = User.objects.filter(username=username).first() or user_create(
                actor=None,
                username=username,
                password=password,
                display_name=display,
                unit=alliance.lead_unit,
                roles=["applicant"],
            )
            leads[username] = (alliance, user)

        def act(kind, who, alliance, year=None, content=None, *, decide=True, event=""):  # noqa: ANN001, ANN202
            if year is not None and not (alliance.decided_on.year <= year <= today.year):
                return None
            basis = BASIS if lapse_for(alliance.profile) is not None else ""
            report = services.report_create(
                actor=who, alliance_id=alliance.pk, kind=kind, year=year, event_kind=event
            )
            report = services.report_update(
                actor=who, report_id=report.pk, revision=report.revision, content=content or {}
            )
            report = services.report_submit(actor=who, report_id=report.pk, basis=basis)
            department = departments.get(alliance.profile)
            if decide and department is not None:
                report = services.report_accept(
                    actor=department, report_id=report.pk, reason="已阅，同意。", basis=basis
                )
            done.append(report)
            return report

        last, before = today.year - 1, today.year - 2
        if "qiantou-ly" in leads:
            alliance, who = leads["qiantou-ly"]
            for year, actual, decide in ((before, MET, True), (last, BEHIND, False)):
                plan = {"plan": f"{year} 年度工作计划：开展耐火材料共性技术攻关。", "kpis": PLAN}
                act("annual_plan", who, alliance, year, plan)
                act(
                    "self_evaluation", who, alliance, year, _evaluation(actual, year), decide=decide
                )
        if "qiantou-ly2" in leads:
            alliance, who = leads["qiantou-ly2"]
            plan = {"plan": f"{last} 年度工作计划：机器人关键部件联合攻关。", "kpis": PLAN}
            act("annual_plan", who, alliance, last, plan)
            act("self_evaluation", who, alliance, last, _evaluation(MET, last))
        if "qiantou-bd" in leads:
            alliance, who = leads["qiantou-bd"]
            summary = {"summary": f"{last} 年联盟召开理事会 2 次，组织技术交流 5 场。"}
            act("work_summary", who, alliance, last, summary)
            event = {"description": "联盟将于下月举办输变电装备智能化专题研讨会。"}
            act("major_event", who, alliance, content=event, decide=False, event="seminar")
    if done:
        waiting = sum(1 for r in done if r.status == "submitted")
        yield f"联盟报告：{len(done)} 份（{waiting} 份待主管部门审核，含 1 份绩效预警）"
