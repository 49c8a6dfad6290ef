"""``lianmeng proposal history ID`` and ``lianmeng proposal transition ID NAME --as USER``.

The command line fires transitions through the same engine as the pages and the API, as a
named account (the engine checks that account's role and level like any other).
"""

from __future__ import annotations

from lianmeng.workflow.cli_args import BadArguments, actor_and_data
from lianmeng.workflow.cli_args import fail as _fail
from lianmeng.workflow.cli_args import option as _option

USAGE = (
    "用法：lianmeng proposal history ID | "
    "lianmeng proposal transition ID NAME --as 用户名 [--reason 意见] [--basis 依据] [--data JSON]"
)


def _history(pk: int) -> int:
    from lianmeng.core.clock import format_moment
    from lianmeng.proposals.models import Proposal
    from lianmeng.workflow.routing import state_label

    from .selectors import state_history

    proposal = Proposal.objects.filter(pk=pk).first()
    if proposal is None:
        return _fail(f"没有编号为 {pk} 的申报")
    print(f"#{proposal.pk} {proposal.name}：{state_label(proposal.profile, proposal.status)}")
    for change in state_history(proposal=proposal):
        who = change.actor_office or "系统"
        if change.actor_id:
            who += f"（{change.actor.get_username()}）"
        line = (
            f"{format_moment(change.at, seconds=False)}  {change.label}  "
            f"{state_label(proposal.profile, change.from_state)} → "
            f"{state_label(proposal.profile, change.to_state)}  {who}"
        )
        if change.reason:
            line += f"  意见：{change.reason}"
        if (change.data or {}).get("basis"):
            line += f"  依据：{change.data['basis']}"
        print(line)
    return 0


def _transition(pk: int, name: str, argv: list[str]) -> int:
    from lianmeng.core.errors import DomainError
    from lianmeng.proposals.lifecycle import proposal_transition
    from lianmeng.workflow.routing import state_label

    try:
        actor, data = actor_and_data(argv, example_user="xingyang", example_data='{"category": 2}')
    except BadArguments as exc:
        return _fail(str(exc))
    try:
        proposal = proposal_transition(
            actor=actor, pk=pk, transition=name, reason=_option(argv, "--reason") or "", data=data
        )
    except DomainError as exc:
        return _fail(exc.message, 1)
    print(f"#{proposal.pk} {proposal.name}：{state_label(proposal.profile, proposal.status)}")
    return 0


def run(argv: list[str]) -> int:
    """``argv`` starts with ``history`` or ``transition``; Django is set up by the caller."""
    try:
        pk = int(argv[1])
    except (IndexError, ValueError):
        return _fail(USAGE)
    if argv[0] == "history":
        return _history(pk)
    if len(argv) < 3 or argv[2].startswith("-"):
        return _fail(USAGE)
    return _transition(pk, argv[2], argv[3:])
