"""Demo data of policy what-if: one draft of Luoyang's department (洛阳市科技局) that would
require at least 8 member units — the demo's pending Luoyang proposal (洛阳市精密轴承产业技术
创新战略联盟, 7 members) then fails ``members.min_count``."""

from __future__ import annotations

from collections.abc import Iterator

from lianmeng.core.models import User

from .models import PolicyDraft
from .services import draft_create, draft_run

DEMO_NAME = "成员单位不少于 8 家（征求意见稿）"
DEMO_OVERRIDES = {"members.min_count": {"severity": "required", "min_count": 8}}


def load_demo_whatif() -> Iterator[str]:
    """Idempotent: the draft is added once, by the Luoyang department through the service."""
    actor = User.objects.filter(username="luoyang").select_related("jurisdiction").first()
    if actor is None:
        return
    if PolicyDraft.objects.filter(profile="luoyang", name=DEMO_NAME).exists():
        return
    draft = draft_create(
        actor=actor,
        profile_id="luoyang",
        name=DEMO_NAME,
        note="拟将成员单位数量下限定为 8 家（现行办法未规定），推演对在运行联盟和在审申报的影响。",
        overrides=DEMO_OVERRIDES,
    )
    draft = draft_run(actor=actor, draft_id=draft.pk)
    summary = draft.result["proposals"]["summary"]
    yield (
        f"政策推演草案：洛阳市科技局“{DEMO_NAME}”（已推演：在审申报 {summary['pass_to_fail']} 项"
        "由符合变为不符合）"
    )
