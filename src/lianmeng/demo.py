"""Demo data: one account per role, the example proposals of docs/examples, a few units.

Idempotent: running it twice changes nothing the second time. Every write goes through
the services, so the audit trail of a demo site is as complete as a real one's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from django.db import transaction

from lianmeng.alliances.demo import load_demo_revocations
from lianmeng.calls.models import Call
from lianmeng.construction.demo import load_demo_construction
from lianmeng.core.models import Jurisdiction, Unit, User
from lianmeng.core.roles import Role
from lianmeng.core.services import unit_create, user_create
from lianmeng.evaluation.demo import load_demo_evaluations
from lianmeng.insight.demo import demo_ready as insight_demo_ready
from lianmeng.insight.demo import load_demo_insight
from lianmeng.insight.demo_overlap import load_demo_overlap
from lianmeng.ipbase.demo import load_demo_ipbase
from lianmeng.notices.demo import load_demo_notices
from lianmeng.projects.demo import load_demo_projects
from lianmeng.proposals.lifecycle import record_state_change
from lianmeng.proposals.models import Proposal
from lianmeng.proposals.services import proposal_import
from lianmeng.reporting.demo import load_demo_reports
from lianmeng.rewards.demo import load_demo_rewards
from lianmeng.running.demo import load_demo_changes
from lianmeng.whatif.demo import load_demo_whatif
from lianmeng.workflow.models import StateChange

DEMO_PASSWORD = "Lianmeng-Demo-2026"  # noqa: S105 - documented demo password
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
PROFILES = ("henan", "luoyang", "baoding", "heilongjiang")

#: (username, display name, roles, jurisdiction code or None, unit key or None)
ACCOUNTS: list[tuple[str, str, list[str], str | None, str | None]] = [
    ("shenbao", "张申报（牵头单位）", [Role.APPLICANT], None, "henan-lead"),
    ("chengyuan", "李成员（成员单位）", [Role.MEMBER], None, "henan-member"),
    ("jianxi", "涧西区科技局", [Role.RECOMMENDER], "410305", None),
    ("luoyang", "洛阳市科技局", [Role.RECOMMENDER, Role.COMPETENT], "410300", None),
    ("henan", "河南省科技厅", [Role.COMPETENT], "410000", None),
    ("zhuanjia", "王专家", [Role.EXPERT], None, "expert-employer"),
    ("pinggu", "第三方评估机构", [Role.EVALUATOR], None, "evaluator"),
    ("xietiao", "黑龙江省联盟综合协调小组", [Role.COORDINATION], "230000", None),
    ("xitong", "系统管理员", [Role.SYSADMIN], None, None),
    ("anquan", "安全管理员", [Role.SECADMIN], None, None),
    ("shenji", "审计管理员", [Role.AUDITADMIN], None, None),
]

#: units that are not in the example files (experts' employers, evaluator), with correct
#: check digits (stdnum's calc_check_digit). The Zhengzhou expert stands aside for a Henan
#: proposal recommended by 郑州市 (the same-area rule), so Henan's two reviewers come from
#: 洛阳 (洛龙区 410311) and 新乡 (红旗区 410702); neither unit is a member of any example.
EXTRA_UNITS = {
    "expert-employer": ("郑州理工大学", "university", "12410100MB0P5X2F4Q"),
    "expert-luoyang": ("伊洛理工学院", "university", "12410311MB1L7Y3CXA"),
    "expert-xinxiang": ("豫北科技大学", "university", "12410702MB2X5N8H46"),
    "evaluator": ("河南科信评估咨询有限公司", "intermediary", "91410105MA9G1K3W7T"),
}
#: the expert pool: (username, display name, employer key, fields, title); auto-assignment
#: prefers an expert whose field matches the proposal's
EXPERTS: list[tuple[str, str, str, list[str], str]] = [
    ("zhuanjia", "王专家", "expert-employer", ["新材料", "有色金属"], "教授"),
    ("zhuanjia-ly", "赵专家", "expert-luoyang", ["先进装备制造", "轴承"], "教授"),
    ("zhuanjia-xx", "孙专家", "expert-xinxiang", ["新材料", "新能源"], "研究员"),
]


def _example(profile: str) -> dict | None:
    path = EXAMPLES / f"{profile}-valid.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _extra_unit(key: str) -> Unit:
    from stdnum.cn import uscc as stdnum_uscc

    from lianmeng.policy.uscc import validate_uscc

    name, kind, code = EXTRA_UNITS[key]
    code = code[:17] + stdnum_uscc.calc_check_digit(code[:17])
    validate_uscc(code)
    return Unit.objects.filter(uscc=code).first() or unit_create(
        actor=None, name=name, kind=kind, uscc=code
    )


def _mark_submitted(proposal: Proposal, doc: dict) -> None:
    """An example filed on the day its document says (``submitted_at``), by its lead unit."""
    from datetime import datetime

    from lianmeng.core import clock

    try:
        at = datetime.fromisoformat(doc["submitted_at"])
    except (KeyError, TypeError, ValueError):
        at = clock.now()
    proposal.status = Proposal.Status.SUBMITTED
    proposal.submitted_at = at
    proposal.save(update_fields=["status", "submitted_at"])
    change = record_state_change(
        proposal=proposal,
        from_state="draft",
        to_state="submitted",
        transition="submit",
        actor=None,
    )
    StateChange.objects.filter(pk=change.pk).update(at=at, actor_office=proposal.lead_unit.name)
    # every state change has its audit entry (tests/workflow/test_no_bypass.py)
    from lianmeng.core.audit import audit_record

    audit_record(
        actor=None,
        action="lianmeng.proposal.submitted",
        obj=proposal,
        before={"status": "draft"},
        after={"status": "submitted", "submitted_at": at.isoformat(), "demo": True},
    )


def _open_call(profile: str, now: datetime) -> Call | None:
    """The profile's published call whose online window is open at ``now`` (the latest)."""
    return (
        Call.objects.filter(
            profile=profile,
            status=Call.Status.PUBLISHED,
            online_opens_at__lte=now,
            online_closes_at__gte=now,
        )
        .order_by("-year", "-id")
        .first()
    )


def load_demo() -> Iterator[str]:
    if User.objects.filter(username="shenbao").exists():
        added = (
            list(load_demo_calls())
            + list(load_journey_accounts())
            + list(load_review_journeys())
            + list(load_legacy_registry())
            + list(load_demo_workspaces())
            + list(load_demo_changes(DEMO_PASSWORD))
            + list(load_demo_construction(DEMO_PASSWORD))
            + list(load_demo_reports(DEMO_PASSWORD))
            + list(load_demo_revocations(DEMO_PASSWORD))
            + list(load_demo_evaluations())
            + list(load_demo_rewards())
            + list(load_demo_notices())
            + list(load_demo_projects())
            + list(load_demo_ipbase())
            + list(load_demo_whatif())
            + list(load_demo_versions())
            + list(load_demo_two_factor())
            + list(load_demo_overlap())
        )
        if added or not insight_demo_ready():
            # the dashboards' figures are recomputed when anything was added
            added += list(load_demo_insight())
        yield from added or ["演示数据已存在，未做改动。"]
        return
    with transaction.atomic():
        units: dict[str, Unit] = {}
        for profile in PROFILES:
            doc = _example(profile)
            if doc is None:
                yield f"缺少示例文件 docs/examples/{profile}-valid.json，跳过该申报。"
                continue
            proposal = proposal_import(actor=None, document=doc)
            if profile != "henan":
                _mark_submitted(proposal, doc)
            units[f"{profile}-lead"] = proposal.lead_unit
            second = next(
                (m for m in doc["members"] if m.get("role", "member") != "lead" and m.get("uscc")),
                None,
            )
            if second and profile == "henan":
                units["henan-member"] = Unit.objects.filter(
                    uscc=second["uscc"]
                ).first() or unit_create(
                    actor=None, name=second["name"], kind=second["kind"], uscc=second["uscc"]
                )
            yield f"申报：{proposal.name}（{proposal.get_status_display()}）"
        for key in EXTRA_UNITS:
            units[key] = _extra_unit(key)
        for username, name, roles, code, unit_key in ACCOUNTS:
            unit = units.get(unit_key) if unit_key else None
            if unit_key and unit is None:
                yield f"账号 {username} 所需单位缺失，跳过。"
                continue
            user_create(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                display_name=name,
                unit=unit,
                jurisdiction=Jurisdiction.objects.get(code=code) if code else None,
                roles=roles,
            )
            yield f"账号：{username:10s} {name}"
        yield from load_demo_calls()
        yield from load_journey_accounts()
        yield from load_review_journeys()
        yield from load_legacy_registry()
        yield from load_demo_workspaces()
        yield from load_demo_changes(DEMO_PASSWORD)
        yield from load_demo_construction(DEMO_PASSWORD)
        yield from load_demo_reports(DEMO_PASSWORD)
        yield from load_demo_revocations(DEMO_PASSWORD)
        yield from load_demo_evaluations()
        yield from load_demo_rewards()
        yield from load_demo_notices()
        yield from load_demo_projects()
        yield from load_demo_ipbase()
        yield from load_demo_whatif()
        yield from load_demo_versions()
        yield from load_demo_two_factor()
        yield from load_demo_overlap()
        yield from load_demo_insight()
    yield f"演示账号的密码均为 {DEMO_PASSWORD}"
    yield "管理员和主管部门账号登录时还须输入验证码：uv run lianmeng demo totp 用户名"


def load_demo_workspaces() -> Iterator[str]:
    """The workspace of one Henan alliance of the registry, filled in (members — among them
    the demo member unit, so ``chengyuan`` reads it —, key people, agreement and a few meeting
    records), so that a newcomer sees the page in use. Department accounts of Henan read it."""
    from datetime import date, timedelta

    from lianmeng.alliances.models import Alliance
    from lianmeng.core import clock
    from lianmeng.core.audit import audit_record
    from lianmeng.running.models import Meeting, Member
    from lianmeng.running.services import workspace_ensure

    alliance = Alliance.objects.filter(profile="henan").order_by("pk").first()
    member = User.objects.filter(username="chengyuan").select_related("unit").first()
    if alliance is None or member is None or member.unit is None:
        return
    workspace = workspace_ensure(alliance=alliance)
    if workspace.meetings.exists():
        return
    now = clock.now()
    today = clock.beijing_now().date()
    with transaction.atomic():
        workspace.office_address = "郑州市高新技术产业开发区科学大道 100 号"
        workspace.agreement_signed_on = date(today.year - 2, 6, 1)
        workspace.agreement_term_years = 5
        workspace.key_people = {
            "chairman": {"name": "李建国", "phone": "0371-67981234", "email": "lijg@example.com"},
            "secretary_general": {
                "name": "赵敏",
                "phone": "13903710001",
                "email": "zm@example.com",
            },
            "liaison": {"name": "孙磊", "phone": "13903710002", "email": "sunlei@example.com"},
        }
        workspace.bodies = {
            "decision": {"set_up": True, "name": "联盟理事会", "note": "理事单位 9 家"},
            "advisory": {"set_up": True, "name": "专家委员会", "note": ""},
            "executive": {"set_up": True, "name": "联盟秘书处", "note": "设在牵头单位"},
        }
        workspace.revision += 1
        workspace.updated_at = now
        workspace.save()
        joined = alliance.decided_on
        rows = [
            (
                alliance.lead_unit.name,
                alliance.lead_unit.uscc or "",
                "enterprise",
                "lead",
                alliance.lead_unit_id,
            ),
            (member.unit.name, member.unit.uscc or "", member.unit.kind, "member", member.unit_id),
            ("郑州大学", "", "university", "member", None),
            ("河南省科学院", "", "research_institute", "member", None),
        ]
        Member.objects.bulk_create(
            Member(
                workspace=workspace, name=n, uscc=u, kind=k, role=r, unit_id=uid, joined_on=joined
            )
            for n, u, k, r, uid in rows
        )
        specs = [
            ("annual", "年度会员大会", 40, 60, "郑州", "审议通过上年度工作总结和本年度工作计划。"),
            (
                "council",
                "第二届理事会第三次会议",
                75,
                11,
                "郑州",
                "讨论新成员入盟和专家委员会调整。",
            ),
            ("work", "秘书处工作会议", 20, 6, "线上", "落实年度重点项目分工。"),
        ]
        for kind, title, days_ago, count, place, minutes in specs:
            Meeting.objects.create(
                workspace=workspace,
                kind=kind,
                title=title,
                held_on=today - timedelta(days=days_ago),
                place=place,
                attendance_count=count,
                attendance_units=f"{alliance.lead_unit.name}\n{member.unit.name}",
                minutes=minutes,
                created_at=now,
                updated_at=now,
            )
        audit_record(
            actor=None,
            action="lianmeng.running.demo.loaded",
            obj=workspace,
            after={"alliance": alliance.pk, "members": len(rows), "meetings": len(specs)},
        )
    yield f"联盟工作台：{alliance.name}（{len(specs)} 条会议记录）"


def load_demo_versions() -> Iterator[str]:
    """Every demo proposal shown as filed gets the immutable version 1 and its PDF, stored
    by the submission service's own :func:`store_version` at the moment it was filed (its
    ``submitted_at``), so its versions page, PDF and ``/verify/<code>`` work like a real
    filing's. Runs last (after every step that files or moves a demo proposal) and only for
    proposals without a version, so running the demo again stores nothing twice."""
    from lianmeng.core.audit import audit_record
    from lianmeng.proposals.submission import store_version

    pending = (
        Proposal.objects.exclude(status=Proposal.Status.DRAFT)
        .filter(submitted_at__isnull=False, versions__isnull=True)
        .select_related("lead_unit")
        .order_by("id")
    )
    for proposal in pending:
        with transaction.atomic():
            filer = (
                User.objects.filter(unit_id=proposal.lead_unit_id, role_grants__role=Role.APPLICANT)
                .order_by("id")
                .first()
            )
            version = store_version(proposal=proposal, actor=filer, at=proposal.submitted_at)
            change = (
                StateChange.objects.of(proposal)
                .filter(transition="submit", to_state=Proposal.Status.SUBMITTED)
                .order_by("-at", "-id")
                .first()
            )
            if change is not None and "version" not in (change.data or {}):
                StateChange.objects.filter(pk=change.pk).update(
                    data={**(change.data or {}), "version": version.number}
                )
            audit_record(
                actor=filer,
                action="lianmeng.proposal.version.stored",
                obj=proposal,
                after={
                    "version": version.number,
                    "verification_code": version.verification_code,
                    "sha256": version.sha256,
                    "pdf_sha256": version.pdf_sha256,
                    "demo": True,
                },
            )
        yield f"申报：{proposal.name} 第 {version.number} 版及其 PDF 已存档"


def load_legacy_registry() -> Iterator[str]:
    """Alliances decided before the system (docs/examples/legacy-registry.json), as a
    department loads its registry when it starts: the public registry and the duplicate
    check have something to show."""
    from lianmeng.alliances.legacy import legacy_import
    from lianmeng.alliances.models import Alliance

    path = EXAMPLES / "legacy-registry.json"
    if not path.exists() or Alliance.objects.filter(source=Alliance.Source.LEGACY).exists():
        return
    result = legacy_import(actor=None, rows=json.loads(path.read_text(encoding="utf-8")))
    for number, reason in result.errors:
        yield f"历史名录第 {number} 行未导入：{reason}"
    yield f"联盟名录：导入本系统启用前的联盟 {len(result.created)} 个"


#: the departments of the recommendation journeys (Henan 410182 荥阳市 → 郑州市 → 河南省;
#: Baoding 130602 竞秀区 → 保定市; the 洛阳片区 zone committee) and applicant accounts for
#: the Luoyang and Baoding example proposals' lead units (the profile whose lead they are)
JOURNEY_ACCOUNTS: list[tuple[str, str, list[str], str | None, str | None]] = [
    ("xingyang", "荥阳市科技局", [Role.RECOMMENDER], "410182", None),
    ("zhengzhou", "郑州市科技局", [Role.RECOMMENDER], "410100", None),
    ("jingxiu", "保定市竞秀区科技局", [Role.RECOMMENDER], "130602", None),
    ("baoding", "保定市科技局", [Role.RECOMMENDER, Role.COMPETENT], "130600", None),
    (
        "luoyangftz",
        "自贸区洛阳片区管委会",
        [Role.RECOMMENDER, Role.COMPETENT],
        "410300-FTZ",
        None,
    ),
    ("shenbao-ly", "洛阳示例申报单位", [Role.APPLICANT], None, "luoyang"),
    ("shenbao-bd", "保定示例申报单位", [Role.APPLICANT], None, "baoding"),
]


def load_journey_accounts() -> Iterator[str]:
    """Create the journey accounts that are not there yet."""
    with transaction.atomic():
        for username, name, roles, code, lead_of in JOURNEY_ACCOUNTS:
            if User.objects.filter(username=username).exists():
                continue
            unit = None
            if lead_of:
                proposal = Proposal.objects.filter(profile=lead_of).order_by("id").first()
                if proposal is None:
                    yield f"账号 {username} 所需单位缺失，跳过。"
                    continue
                unit = proposal.lead_unit
            user_create(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                display_name=name,
                unit=unit,
                jurisdiction=Jurisdiction.objects.get(code=code) if code else None,
                roles=roles,
            )
            yield f"账号：{username:10s} {name}"


#: 申报通知 一、支持范围 (seed 001)
HENAN_SCOPE = (
    "围绕主导产业创新发展、新兴产业培育壮大、传统产业转型升级、现代农业稳步提升、科技扶贫攻坚"
    "等重大创新需求，重点在新一代信息技术、高端装备制造、新材料、新能源、生物医药、资源环境、"
    "公共安全、社会管理、食品安全检测、绿色农药创制、分子生物育种、农业信息化等重点领域开展联盟建设。"
)


def _demo_call_specs() -> list[dict]:
    """The Henan 2020 call of seed 001 (past), and a Henan and a Luoyang call open today."""
    from datetime import timedelta

    from lianmeng.core import clock
    from lianmeng.policy.loader import get_profile

    henan = get_profile("henan")
    seeded = henan.call_for(2020)
    if seeded is None:
        return []
    paper = seeded.paper_window.value if seeded.paper_window else None
    hours = [[f"{h.start:%H:%M}", f"{h.end:%H:%M}"] for h in paper.hours] if paper else []
    paper_days = []
    if paper:
        day = paper.first_day
        while day <= paper.last_day:
            paper_days.append({"date": day.isoformat(), "hours": hours})
            day += timedelta(days=1)
    common = {
        "focus_areas": seeded.focus_areas.value if seeded.focus_areas else [],
        "paper_place": seeded.place.value if seeded.place else "",
        "contacts": [c.model_dump() for c in seeded.contacts.value] if seeded.contacts else [],
        "required_materials": [m.value.kind for m in seeded.materials],
        "scope": HENAN_SCOPE,
    }
    today = clock.beijing_now().date()
    year = today.year
    closes = today + timedelta(days=60)
    luoyang = get_profile("luoyang")
    return [
        {
            "profile": "henan",
            "jurisdiction": "410000",
            "year": 2020,
            "title": seeded.title.value,
            "online_opens": seeded.online_opens.value,
            "online_closes": seeded.online_closes.value,
            "paper_days": paper_days,
            **common,
        },
        {
            "profile": "henan",
            "jurisdiction": "410000",
            "year": year,
            "title": f"关于组织申报{year}年河南省产业技术创新战略联盟的通知",
            "online_opens": today - timedelta(days=30),
            "online_closes": closes,
            "paper_days": [
                {"date": (closes + timedelta(days=n)).isoformat(), "hours": hours} for n in (1, 2)
            ],
            **common,
        },
        {
            "profile": "luoyang",
            "jurisdiction": "410300",
            "year": year,
            "title": f"关于组织申报{year}年洛阳市产业技术创新战略联盟的通知",
            "online_opens": today - timedelta(days=30),
            "online_closes": closes,
            "focus_areas": luoyang.focus_areas.value if luoyang.focus_areas else [],
            "required_materials": [m.value.kind for m in luoyang.materials],
        },
    ]


def load_demo_calls() -> Iterator[str]:
    """Publish the demo calls that are not there yet (matched by profile, year and title)."""
    from lianmeng.calls.models import Call
    from lianmeng.calls.services import call_create, call_publish
    from lianmeng.policy.loader import get_profile
    from lianmeng.policy.validity import window_inside

    issuers = {
        "410000": User.objects.filter(username="henan").first(),
        "410300": User.objects.filter(username="luoyang").first(),
    }
    with transaction.atomic():
        for spec in _demo_call_specs():
            if window_inside(
                get_profile(spec["profile"]), spec["online_opens"], spec["online_closes"]
            ):
                # 洛阳 today: its 办法 expired on 2020-12-31, so no call is opened under it
                # (call_create refuses; lianmeng.policy.validity)
                continue
            if Call.objects.filter(
                profile=spec["profile"], year=spec["year"], title=spec["title"]
            ).exists():
                continue
            call = call_create(actor=issuers.get(spec["jurisdiction"]), **spec)
            call_publish(actor=issuers.get(spec["jurisdiction"]), pk=call.pk)
            yield f"申报通知：{call.title}（已发布）"


def load_review_journeys() -> Iterator[str]:
    """What the review journeys need and the first load did not make: the expert pool (the
    two experts outside 郑州 and everyone's fields) and the Henan example submitted to the
    call open today by ``shenbao`` (so that 荥阳市 can recommend it now)."""
    from lianmeng.experts.models import ExpertProfile
    from lianmeng.experts.services import expert_profile_save

    with transaction.atomic():
        for username, name, unit_key, fields, title in EXPERTS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = user_create(
                    actor=None,
                    username=username,
                    password=DEMO_PASSWORD,
                    display_name=name,
                    unit=_extra_unit(unit_key),
                    roles=[Role.EXPERT],
                )
                yield f"账号：{username:10s} {name}（评审专家，{user.unit.name}）"
            if not ExpertProfile.objects.filter(user=user).exclude(fields=[]).exists():
                expert_profile_save(actor=user, user_id=user.pk, fields=fields, title=title)
        yield from _submit_henan_example()
        yield from _zhengzhou_bulk_examples()


def _submit_henan_example() -> Iterator[str]:
    """The Henan example, still a draft of the 2020 call, filed to this year's open call by
    its lead unit's account (as the submission page would, without the PDF copy: the example
    carries no uploaded materials)."""
    from lianmeng.core import clock
    from lianmeng.proposals.editing import document_saved

    applicant = User.objects.filter(username="shenbao").select_related("unit").first()
    if applicant is None or applicant.unit_id is None:
        return
    proposal = (
        Proposal.objects.filter(
            profile="henan", lead_unit=applicant.unit, status=Proposal.Status.DRAFT, call=None
        )
        .order_by("id")
        .first()
    )
    now = clock.now()
    call = _open_call("henan", now)
    if proposal is None or call is None:
        return
    document = dict(proposal.document)
    document["call_year"] = call.year
    document["submitted_at"] = now.astimezone(clock.BEIJING).replace(microsecond=0).isoformat()
    proposal.document = document
    proposal.call = call
    proposal.call_year = call.year
    proposal.status = Proposal.Status.SUBMITTED
    proposal.submitted_at = now
    record_state_change(
        proposal=proposal,
        from_state="draft",
        to_state="submitted",
        transition="submit",
        actor=applicant,
    )
    document_saved(
        actor=applicant,
        proposal=proposal,
        action="lianmeng.proposal.submitted",
        after={"call": call.pk, "demo": True},
    )
    yield f"申报：{proposal.name}（已提交至“{call.title}”）"


#: two more Henan proposals of this year's call from 新郑市 (410184), recommended by its county
#: bureau, so that 郑州市科技局 finds two items it can recommend together (README: bulk 推荐)
ZHENGZHOU_BULK = [
    (
        "河南省超硬材料产业技术创新战略联盟",
        "超硬材料",
        "人造金刚石与立方氮化硼",
        "新郑华晶超硬材料股份有限公司",
        "91410184572634180J",
    ),
    (
        "河南省耐火材料产业技术创新战略联盟",
        "耐火材料",
        "高端定形耐火材料",
        "新郑瑞泰耐火材料股份有限公司",
        "91410184603815276R",
    ),
]
XINZHENG = ("xinzheng", "新郑市科技局", [Role.RECOMMENDER], "410184", None)


def _zhengzhou_bulk_examples() -> Iterator[str]:
    """Two proposals filed to this year's Henan call by lead units in 新郑市 and recommended
    by 新郑市科技局 through the engine: 郑州市科技局's inbox then holds two it can recommend."""
    from lianmeng.core import clock
    from lianmeng.core.errors import DomainError
    from lianmeng.proposals.editing import document_saved
    from lianmeng.proposals.lifecycle import proposal_transition

    example = _example("henan")
    now = clock.now()
    call = _open_call("henan", now)
    if example is None or call is None:
        return
    username, name, roles, code, _unit = XINZHENG
    county = User.objects.filter(username=username).first()
    if county is None:
        county = user_create(
            actor=None,
            username=username,
            password=DEMO_PASSWORD,
            display_name=name,
            unit=None,
            jurisdiction=Jurisdiction.objects.get(code=code),
            roles=roles,
        )
        yield f"账号：{username:10s} {name}"
    for title, industry, product, lead, uscc in ZHENGZHOU_BULK:
        if Proposal.objects.filter(profile="henan", name=title).exists():
            continue
        document = json.loads(json.dumps(example))
        document.update(name=title, industry=industry, product=product, call_year=call.year)
        document["submitted_at"] = now.astimezone(clock.BEIJING).replace(microsecond=0).isoformat()
        document["lead_unit"] = {
            **document["lead_unit"],
            "name": lead,
            "uscc": uscc,
            "org_code": f"{uscc[8:16]}-{uscc[16]}",
            "address": "河南省新郑市新港产业集聚区",
            "industrial_cluster": "新郑市新港产业集聚区",
        }
        document["members"][0] = {**document["members"][0], "name": lead, "uscc": uscc}
        proposal = proposal_import(actor=None, document=document)
        applicant = None
        proposal.call = call
        proposal.status = Proposal.Status.SUBMITTED
        proposal.submitted_at = now
        record_state_change(
            proposal=proposal,
            from_state="draft",
            to_state="submitted",
            transition="submit",
            actor=applicant,
        )
        StateChange.objects.filter(
            subject_kind="proposal", subject_id=proposal.pk, transition="submit"
        ).update(actor_office=lead)
        document_saved(
            actor=applicant,
            proposal=proposal,
            action="lianmeng.proposal.submitted",
            after={"call": call.pk, "demo": True},
        )
        try:
            proposal_transition(
                actor=county,
                pk=proposal.pk,
                transition="recommend_county",
                reason="经审核，同意推荐。",
            )
        except DomainError as exc:  # e.g. the profile is not in force on the demo's date
            yield f"申报：{title}（已提交；新郑市科技局未能推荐：{exc.message}）"
            continue
        yield f"申报：{title}（新郑市科技局已推荐，待郑州市科技局推荐）"


# -- second factor of the demo accounts (issue 12) ------------------------------------------

#: the one authenticator every demo account that requires two-factor sign-in gets; its key is
#: public (this file), so ``lianmeng demo totp`` prints codes for this device only
DEMO_DEVICE_NAME = "演示设备"
DEMO_TOTP_KEY = "6c69616e6d656e672d64656d6f2d746f74702d31"  # "lianmeng-demo-totp-1"


def load_demo_two_factor() -> Iterator[str]:
    """A confirmed demo authenticator for each demo account whose role requires two-factor
    sign-in and that has none yet (audited as an enrolment)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lianmeng.core import two_factor
    from lianmeng.core.audit import audit_record

    with transaction.atomic():
        for user in User.objects.filter(username__in=_demo_usernames()).order_by("username"):
            if not two_factor.requires_two_factor(user) or two_factor.has_two_factor(user):
                continue
            TOTPDevice.objects.filter(user=user).delete()
            TOTPDevice.objects.create(
                user=user, name=DEMO_DEVICE_NAME, key=DEMO_TOTP_KEY, confirmed=True
            )
            audit_record(
                actor=None,
                action=two_factor.ENROLLED,
                obj=user,
                after={"username": user.username, "device": DEMO_DEVICE_NAME},
            )
            yield f"双因素认证：{user.username:10s} 已绑定演示设备"


def _demo_usernames() -> list[str]:
    return [
        *(a[0] for a in ACCOUNTS),
        *(a[0] for a in JOURNEY_ACCOUNTS),
        *(e[0] for e in EXPERTS),
        XINZHENG[0],
    ]


class NotDemoDevice(Exception):
    """The account has no demo authenticator: no code is printed."""


def demo_totp(username: str) -> str:
    """The current 6-digit code of ``username``'s demo authenticator. Refuses (``NotDemoDevice``)
    any account whose authenticator is not the demo device with the demo key, so the command
    is useless on a real site."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotDemoDevice(f"没有账号 {username}。")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    if device is None or device.name != DEMO_DEVICE_NAME or device.key != DEMO_TOTP_KEY:
        raise NotDemoDevice(
            f"账号 {username} 没有演示设备，不能显示验证码（只有 lianmeng demo 建立的演示账号可以）。"
        )
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(code).zfill(device.digits)
