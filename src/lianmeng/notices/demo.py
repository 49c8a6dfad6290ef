"""Demo announcements: a published Henan evaluation notice with its attachment, and a Luoyang
公示 running today with one objection waiting, so that ``luoyang`` sees it on the home page.
Idempotent: an announcement already there (by title) is left alone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction

from lianmeng.core.errors import DomainError
from lianmeng.core.models import User

from . import selectors, services
from .files import pdf_bytes
from .models import Announcement

HENAN_TITLE = "河南省科学技术厅关于2025年度产业技术创新战略联盟绩效评价结果的通告"
LUOYANG_TITLE = "洛阳市科学技术局关于拟认定2026年度市级产业技术创新战略联盟名单的公示"


def _henan(actor: User) -> Iterator[str]:
    row = services.announcement_create(
        actor=actor,
        kind=Announcement.Kind.EVALUATION,
        title=HENAN_TITLE,
        body=(
            "各省辖市科技局，各有关单位：\n\n"
            "根据《河南省产业技术创新战略联盟绩效评价办法》，省科技厅组织开展了2025年度"
            "产业技术创新战略联盟绩效评价工作。现将评价结果予以通告，详见附件。\n\n"
            "评价结果为“不合格”的联盟，请于通告发布之日起三个月内完成整改。"
        ),
    )
    services.announcement_file_add(
        actor=actor,
        announcement_id=row.pk,
        file=ContentFile(pdf_bytes("2025 evaluation results"), name="评价结果.pdf"),
        title="2025年度联盟绩效评价结果",
    )
    services.announcement_publish(actor=actor, announcement_id=row.pk)
    yield f"公告：{HENAN_TITLE}（含附件）"


def _luoyang(actor: User) -> Iterator[str]:
    today = selectors.today()
    row = services.announcement_create(
        actor=actor,
        kind=Announcement.Kind.DECISION,
        title=LUOYANG_TITLE,
        body=(
            "经单位申报、县区推荐、专家评审，市科技局拟认定以下联盟为2026年度市级产业技术创新"
            "战略联盟，现予以公示。对公示内容有异议的，请在公示期内通过本页提出，"
            "写明理由并留下联系方式。\n\n"
            "1. 洛阳市轴承产业技术创新战略联盟\n"
            "2. 洛阳市新材料产业技术创新战略联盟"
        ),
        notice_starts_on=today,
        notice_ends_on=today + timedelta(days=9),
    )
    services.announcement_publish(actor=actor, announcement_id=row.pk)
    objection = services.objection_file(
        announcement_id=row.pk,
        name="洛阳某轴承有限公司",
        contact="0379-00000000",
        text="拟认定名单中“洛阳市轴承产业技术创新战略联盟”的成员单位数量与申报材料不一致，请核实。",
        client_address="127.0.0.1",
    )
    yield f"公示：{LUOYANG_TITLE}（公示期至 {row.notice_ends_on.isoformat()}，异议 {objection.reference} 待处理）"


def load_demo_notices() -> Iterator[str]:
    users = {u.username: u for u in User.objects.filter(username__in=("henan", "luoyang"))}
    steps = ((HENAN_TITLE, "henan", _henan), (LUOYANG_TITLE, "luoyang", _luoyang))
    for title, username, step in steps:
        actor = users.get(username)
        if actor is None or Announcement.objects.filter(title=title).exists():
            continue
        try:
            with transaction.atomic():
                done = list(step(actor))
        except DomainError as exc:
            yield f"公告演示数据未完整加载：{exc}"
            continue
        yield from done
