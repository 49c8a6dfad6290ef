"""Demo data for revocation and dissolution (M-35): one Baoding alliance of the registry whose
filing the city's department cancelled on ground (二) of 第十三条, with its reasons and its
notice; one Henan alliance its lead unit declared dissolved. Idempotent: nothing is done once
either alliance has left its first state."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction

from lianmeng.core.models import User
from lianmeng.core.services import user_create
from lianmeng.core.validity import lapse_for

from .lifecycle import alliance_transition
from .models import Alliance

REVOKED = "保定市京津冀协同创新农业技术联盟"
DISSOLVED = "河南省小麦产业技术创新战略联盟"
#: the Henan lead unit's demo applicant, who declares the dissolution
LEAD = ("qiantou-xm", "小麦联盟联络员")
BASIS = "演示数据：按主管部门关于原办法延期执行的通知办理"


def load_demo_revocations(password: str) -> Iterator[str]:
    department = User.objects.filter(username="baoding").first()
    revoked = Alliance.objects.filter(profile="baoding", name=REVOKED).first()
    dissolved = Alliance.objects.filter(profile="henan", name=DISSOLVED).first()
    with transaction.atomic():
        if department is not None and revoked is not None and revoked.status == "filed":
            data = {"ground": "not_acting"}
            if lapse_for(revoked.profile) is not None:
                data["basis"] = BASIS
            alliance_transition(
                actor=department,
                pk=revoked.pk,
                transition="revoke",
                reason="联盟连续两年未召开成员大会，未按协议开展联合攻关，年度报告逾期未报。",
                data=data,
            )
            yield f"取消备案：{revoked.name}（第十三条（二））"
        if dissolved is not None and dissolved.status == "recognised":
            username, display = LEAD
            lead = User.objects.filter(username=username).first() or user_create(
                actor=None,
                username=username,
                password=password,
                display_name=display,
                unit=dissolved.lead_unit,
                roles=["applicant"],
            )
            alliance_transition(
                actor=lead,
                pk=dissolved.pk,
                transition="dissolve",
                reason="成员单位一致同意：联盟任务已并入省级小麦产业创新中心，联盟解散。",
            )
            yield f"宣布解散：{dissolved.name}（牵头单位账号 {username}）"
