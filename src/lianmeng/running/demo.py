"""Demo data of change filings (变更备案), loaded by ``lianmeng demo`` (idempotent):

- a Henan alliance of ten members whose lead unit filed a member exit that leaves nine — below
  Henan's minimum of ten (001 二(一)2(3)) — awaiting the province's acknowledgement, with the
  warning on the filing and in both sides' notices;
- a Heilongjiang pilot alliance whose agreement ran out (3–5 years, 002 art. 6), renewed and
  signed by two of its five members so far.

The lead units get an account each (``dungou`` and ``shimo``, the demo password) so that the
pages can be seen from their side as well.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from lianmeng.alliances.models import Alliance
from lianmeng.core import clock
from lianmeng.core.models import Unit, User
from lianmeng.core.roles import Role

from . import changes
from .models import ChangeFiling, Member, Workspace
from .services import workspace_ensure

#: a one-page PDF (the agreement and the scanned signature page of the demo)
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _uscc(region: str, serial: int) -> str:
    from stdnum.cn import uscc as stdnum_uscc

    body = f"91{region}{serial:08d}"
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(c) * w for c, w in zip(body[8:16], weights, strict=True)) % 11
    body += {10: "X", 11: "0"}.get(check, str(check))
    return body + stdnum_uscc.calc_check_digit(body)


def _lead_account(username: str, name: str, unit: Unit, password: str) -> User:
    from lianmeng.core.services import user_create

    found = User.objects.filter(username=username).first()
    if found is not None:
        return found
    return user_create(
        actor=None,
        username=username,
        password=password,
        display_name=name,
        unit=unit,
        roles=[Role.APPLICANT],
    )


def _roster(workspace: Workspace, alliance: Alliance, rows: list[tuple[str, str, str]]) -> None:
    """Give a workspace that has no members yet its roster (the lead unit first)."""
    if workspace.members.exists():
        return
    lead = alliance.lead_unit
    Member.objects.create(
        workspace=workspace,
        unit=lead,
        name=lead.name,
        uscc=lead.uscc or "",
        kind=lead.kind if lead.kind in Unit.Kind.values else "enterprise",
        role=Member.Role.LEAD,
        joined_on=alliance.decided_on,
    )
    Member.objects.bulk_create(
        Member(
            workspace=workspace,
            name=name,
            uscc=uscc,
            kind=kind,
            role=Member.Role.MEMBER,
            joined_on=alliance.decided_on,
        )
        for name, uscc, kind in rows
    )


HENAN_MEMBERS = [
    ("河南工学院", "university"),
    ("河南省隧道工程研究院", "research_institute"),
    ("郑州盾构刀具有限公司", "enterprise"),
    ("洛阳掘进液压件有限公司", "enterprise"),
    ("新乡管片模具有限公司", "enterprise"),
    ("许昌隧道电气有限公司", "enterprise"),
    ("开封轨道密封件有限公司", "enterprise"),
    ("焦作传动部件有限公司", "enterprise"),
    ("平顶山钢结构有限公司", "enterprise"),
]
HLJ_MEMBERS = [
    ("黑龙江石墨工程大学", "university"),
    ("鸡西石墨新材料研究院", "research_institute"),
    ("萝北石墨深加工有限公司", "enterprise"),
    ("哈尔滨负极材料有限公司", "enterprise"),
]


def _henan(password: str) -> Iterator[str]:
    alliance = (
        Alliance.objects.filter(profile="henan", status="recognised", name__contains="盾构")
        .order_by("pk")
        .first()
    )
    if alliance is None:
        return
    workspace = workspace_ensure(alliance=alliance)
    if ChangeFiling.objects.filter(workspace=workspace).exists():
        return
    lead = _lead_account("dungou", "盾构装备联盟秘书处", alliance.lead_unit, password)
    rows = [(n, _uscc("410100", 7100 + i), k) for i, (n, k) in enumerate(HENAN_MEMBERS)]
    with transaction.atomic():
        _roster(workspace, alliance, rows)
    workspace.refresh_from_db()
    leaving = workspace.members.get(name="平顶山钢结构有限公司")
    filing = changes.member_exit(
        actor=lead,
        alliance_id=alliance.pk,
        revision=workspace.revision,
        member_id=leaving.pk,
        left_on=clock.beijing_now().date() - timedelta(days=3),
        reason="企业业务调整，退出盾构装备领域",
        note="经联盟理事会审议同意。",
    )
    yield f"变更备案：{alliance.name} 成员退出（{filing.after['count']} 家，资格预警 {len(filing.warnings)} 项，待知悉）"


def _heilongjiang(password: str) -> Iterator[str]:
    alliance = Alliance.objects.filter(profile="heilongjiang").order_by("pk").first()
    if alliance is None:
        return
    workspace = workspace_ensure(alliance=alliance)
    if ChangeFiling.objects.filter(workspace=workspace).exists():
        return
    lead = _lead_account("shimo", "石墨联盟秘书处", alliance.lead_unit, password)
    today = clock.beijing_now().date()
    rows = [(n, _uscc("230300", 7200 + i), k) for i, (n, k) in enumerate(HLJ_MEMBERS)]
    with transaction.atomic():
        _roster(workspace, alliance, rows)
        workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
        workspace.agreement_signed_on = date(today.year - 3, 1, 15)
        workspace.agreement_term_years = 3
        workspace.revision += 1
        workspace.save()
        workspace.alliance = alliance
        changes.agreement_deadline_sync(workspace)
    filing = changes.renewal_file(
        actor=lead,
        alliance_id=alliance.pk,
        revision=workspace.revision,
        signed_on=today - timedelta(days=10),
        term_years=5,
        file=SimpleUploadedFile("联盟协议（续签）.pdf", DEMO_PDF),
        note="按试点要求重新签订联盟协议，期限 5 年。",
    )
    paper = filing.signatures.filter(member__role=Member.Role.MEMBER).order_by("id").first()
    if paper is not None:
        changes.signature_paper(
            actor=lead,
            filing_id=filing.pk,
            member_id=paper.member_id,
            file=SimpleUploadedFile("签署页.pdf", DEMO_PDF),
        )
    done = filing.signatures.filter(signed_at__isnull=False).count()
    yield f"变更备案：{alliance.name} 联盟协议续签（{done}/{filing.signatures.count()} 家已签署）"


def load_demo_changes(password: str) -> Iterator[str]:
    yield from _henan(password)
    yield from _heilongjiang(password)
    # every workspace's agreement renewal date on the calendar (idempotent)
    for workspace in Workspace.objects.select_related("alliance"):
        changes.agreement_deadline_sync(workspace)
