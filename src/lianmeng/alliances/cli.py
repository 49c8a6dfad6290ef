"""``lianmeng alliance status ID``, ``lianmeng alliance history ID`` and
``lianmeng alliance transition ID NAME --as USER [--reason TEXT]``.

The command line changes an alliance's state through the same engine as the registry page and
the API, as a named account (the engine checks that account's role and office).
"""

from __future__ import annotations

from lianmeng.workflow.cli_args import BadArguments, actor_and_data
from lianmeng.workflow.cli_args import fail as _fail
from lianmeng.workflow.cli_args import option as _option

USAGE = (
    "用法：lianmeng alliance status ID | lianmeng alliance history ID | "
    "lianmeng alliance transition ID NAME --as 用户名 [--reason 理由] [--basis 依据] [--ground 事由] [--data JSON]\n"
    "例：lianmeng alliance transition 12 revoke --as baoding --reason 理由 "
    '--data \'{"ground": "legal_dispute"}\'（保定取消备案须给出事由 ground：'
    "legal_dispute、not_acting、breach_of_law、dissolution、other，即第十三条（一）至（五））"
)


def _alliance(pk: int):  # noqa: ANN202
    from .models import Alliance

    return Alliance.objects.select_related("lead_unit").filter(pk=pk).first()


def _status(pk: int) -> int:
    from lianmeng.core import clock
    from lianmeng.workflow.engine import next_steps

    from .lifecycle import state_label_of
    from .selectors import alliance_get

    if _alliance(pk) is None:
        return _fail(f"名录中没有编号为 {pk} 的联盟")
    alliance = alliance_get(pk=pk)
    line = f"#{alliance.pk} {alliance.name}：{state_label_of(alliance, alliance.status)}"
    if alliance.state_since:
        line += f"（自 {alliance.state_since.astimezone(clock.BEIJING):%Y-%m-%d}）"
    print(line)
    due = alliance.construction_due_at
    if alliance.status == "building" and due:
        overdue = "，已逾期" if alliance.construction_overdue else ""
        print(f"筹建期限：{due.astimezone(clock.BEIJING):%Y-%m-%d}{overdue}")
    for step in next_steps(alliance):
        if step.transition.kind == "acceptance":
            continue
        print(f"可办理：{step.transition.id}（{step.transition.label}，{step.office.name}）")
    return 0


def _history(pk: int) -> int:
    from lianmeng.core.clock import format_moment

    from .lifecycle import state_label_of
    from .selectors import alliance_history

    alliance = _alliance(pk)
    if alliance is None:
        return _fail(f"名录中没有编号为 {pk} 的联盟")
    print(f"#{alliance.pk} {alliance.name}：{state_label_of(alliance, alliance.status)}")
    for change in alliance_history(alliance):
        who = change.actor_office or "系统"
        if change.actor_id:
            who += f"（{change.actor.get_username()}）"
        before = state_label_of(alliance, change.from_state) if change.from_state else "—"
        line = (
            f"{format_moment(change.at, seconds=False)}  {change.label}  "
            f"{before} → {state_label_of(alliance, change.to_state)}  {who}"
        )
        if change.reason:
            line += f"  理由：{change.reason}"
        deadline = (change.data or {}).get("deadline") or {}
        if deadline.get("due_date"):
            line += f"  期限：{deadline['due_date']}"
        print(line)
    return 0


def _transition(pk: int, name: str, argv: list[str]) -> int:
    from lianmeng.core.errors import DomainError

    from .lifecycle import alliance_transition, state_label_of

    try:
        actor, data = actor_and_data(argv, example_user="henan")
    except BadArguments as exc:
        return _fail(str(exc))
    if _option(argv, "--ground"):  # 事由 (保定 取消备案), as in --data '{"ground": …}'
        data["ground"] = _option(argv, "--ground")
    try:
        alliance = alliance_transition(
            actor=actor, pk=pk, transition=name, reason=_option(argv, "--reason") or "", data=data
        )
    except DomainError as exc:
        return _fail(exc.message, 1)
    print(f"#{alliance.pk} {alliance.name}：{state_label_of(alliance, alliance.status)}")
    return 0


def run(argv: list[str]) -> int:
    """``argv`` starts with ``status``, ``history`` or ``transition``; Django is set up."""
    try:
        pk = int(argv[1])
    except (IndexError, ValueError):
        return _fail(USAGE)
    if argv[0] == "status":
        return _status(pk)
    if argv[0] == "history":
        return _history(pk)
    if len(argv) < 3 or argv[2].startswith("-"):
        return _fail(USAGE)
    return _transition(pk, argv[2], argv[3:])
