"""``lianmeng alliance checklist ID`` and
``lianmeng alliance acceptance ID [apply | close | decide pass|fail] --as USER [--reason …]
[--deadline YYYY-MM-DD]``.

Reading prints the checklist's progress and the 验收 round as the operator on the server sees
them; every change is made as a named account through the same services as the pages and the
API (which check that account's role and office).
"""

from __future__ import annotations

from datetime import date

from lianmeng.workflow.cli_args import BadArguments, actor_and_data
from lianmeng.workflow.cli_args import fail as _fail
from lianmeng.workflow.cli_args import option as _option

USAGE = (
    "用法：lianmeng alliance checklist ID | lianmeng alliance acceptance ID "
    "[apply | close | decide pass|fail] --as 用户名 [--reason 理由] [--deadline 年-月-日]"
)


def _alliance(pk: int):  # noqa: ANN202
    from lianmeng.alliances.models import Alliance
    from lianmeng.alliances.selectors import with_construction

    return (
        with_construction(Alliance.objects.select_related("lead_unit", "proposal"))
        .filter(pk=pk)
        .first()
    )


def _checklist(pk: int) -> int:
    from lianmeng.core.names import cite_text

    from . import selectors

    alliance = _alliance(pk)
    if alliance is None:
        return _fail(f"名录中没有编号为 {pk} 的联盟")
    construction = selectors.construction_of(alliance.profile)
    if construction is None:
        return _fail(f"联盟 #{pk} 的政策档案没有筹建清单", 1)
    progress = selectors.progress(alliance, construction)
    print(f"#{alliance.pk} {alliance.name}：筹建清单已完成 {progress.done} / {progress.total} 项")
    due = selectors.construction_due(alliance)
    if due:
        late = "，已逾期" if alliance.construction_overdue else ""
        print(f"筹建期限：{due:%Y-%m-%d}{late}")
    for view in selectors.checklist(alliance, construction):
        mark = "✓" if view.complete else ("!" if view.item.id in progress.overdue else " ")
        files = f"，附件 {len(view.files)} 个" if view.files else ""
        print(
            f"[{mark}] {view.item.id}  {view.item.label}{files}（{cite_text(view.item.citation, alliance.profile)}）"
        )
    return 0


def _show(pk: int) -> int:
    from . import selectors

    alliance = _alliance(pk)
    if alliance is None:
        return _fail(f"名录中没有编号为 {pk} 的联盟")
    print(f"#{alliance.pk} {alliance.name}：{alliance.get_status_display()}")
    round = selectors.current_round(alliance)
    if round is None:
        print("尚未申请验收")
        return 0
    result = selectors.round_result(round)
    print(
        f"第 {round.attempt} 次验收申请（{round.applied_at:%Y-%m-%d}）：{round.get_status_display()}，"
        f"已分配 {result.assigned} 位专家，{result.submitted} 位已提交评分"
    )
    if result.disclosed and result.mean is not None:
        print(f"加权总分平均：{result.mean:.2f}")
    if round.reason:
        print(f"验收意见：{round.reason}")
    found = selectors.certificate_of(alliance)
    if found:
        print(f"认定证书核验码：{found.verification_code}（{found.recognised_on:%Y-%m-%d}）")
    return 0


def _act(pk: int, words: list[str], argv: list[str]) -> int:
    from lianmeng.core.errors import DomainError

    from . import services

    try:
        actor, _data = actor_and_data(argv, example_user="henan")
    except BadArguments as exc:
        return _fail(str(exc))
    reason = _option(argv, "--reason") or ""
    try:
        if words[0] == "apply":
            services.apply(actor=actor, alliance_id=pk, note=reason)
        elif words[0] == "close":
            services.round_close(actor=actor, alliance_id=pk)
        elif words[0] == "decide" and len(words) > 1 and words[1] in ("pass", "fail"):
            raw = _option(argv, "--deadline")
            try:
                deadline = date.fromisoformat(raw) if raw else None
            except ValueError:
                return _fail("--deadline 须为 年-月-日，如 2027-06-30")
            services.decide(
                actor=actor,
                alliance_id=pk,
                passed=words[1] == "pass",
                reason=reason,
                new_deadline=deadline,
            )
        else:
            return _fail(USAGE)
    except DomainError as exc:
        return _fail(exc.message, 1)
    return _show(pk)


def run(argv: list[str]) -> int:
    """``argv`` starts with ``checklist`` or ``acceptance``; Django is set up."""
    try:
        pk = int(argv[1])
    except (IndexError, ValueError):
        return _fail(USAGE)
    if argv[0] == "checklist":
        return _checklist(pk)
    rest = argv[2:]
    words = []
    while rest and not rest[0].startswith("--"):
        words.append(rest.pop(0))
    if not words:
        return _show(pk)
    return _act(pk, words, rest)
