"""``lianmeng alliance members ID [--all]`` (the current roster; with ``--all`` also the units
that left) and ``lianmeng alliance changes ID`` (the alliance's change filings with their state
and eligibility warnings). Read-only, for the operator's console, like ``alliance status``."""

from __future__ import annotations

from lianmeng.workflow.cli_args import fail as _fail

USAGE = "用法：lianmeng alliance members ID [--all] | lianmeng alliance changes ID"


def _workspace(pk: int):  # noqa: ANN202
    from lianmeng.alliances.models import Alliance

    from .services import workspace_ensure

    alliance = Alliance.objects.select_related("lead_unit").filter(pk=pk).first()
    if alliance is None:
        return None
    workspace = workspace_ensure(alliance=alliance)
    workspace.alliance = alliance
    return workspace


def _members(pk: int, everyone: bool) -> int:
    from .selectors import members

    workspace = _workspace(pk)
    if workspace is None:
        return _fail(f"名录中没有编号为 {pk} 的联盟")
    rows = [m for m in members(workspace) if everyone or m.left_on is None]
    current = sum(1 for m in rows if m.left_on is None)
    print(f"#{pk} {workspace.alliance.name}：现有成员 {current} 家")
    for m in rows:
        line = f"{m.get_role_display()}  {m.name}  {m.uscc or '—'}  {m.get_kind_display() or '—'}"
        if m.joined_on:
            line += f"  加入 {m.joined_on:%Y-%m-%d}"
        if m.left_on:
            line += f"  退出 {m.left_on:%Y-%m-%d}（{m.left_reason or '未写原因'}）"
        print(line)
    return 0


def _changes(pk: int) -> int:
    from lianmeng.core.clock import format_moment

    from .lifecycle import STATE_NAMES
    from .models import ChangeFiling

    workspace = _workspace(pk)
    if workspace is None:
        return _fail(f"名录中没有编号为 {pk} 的联盟")
    rows = (
        ChangeFiling.objects.filter(workspace=workspace)
        .prefetch_related("signatures")
        .order_by("-filed_at", "-id")
    )
    print(f"#{pk} {workspace.alliance.name}：变更备案 {rows.count()} 件")
    for f in rows:
        line = (
            f"#{f.pk}  {format_moment(f.filed_at, seconds=False)}  {f.get_kind_display()}  "
            f"{STATE_NAMES.get(f.status, f.status)}"
        )
        if f.kind == ChangeFiling.Kind.AGREEMENT_RENEWAL:
            signs = list(f.signatures.all())
            line += f"  签署 {sum(1 for s in signs if s.signed_at)}/{len(signs)}"
        print(line)
        for w in f.warnings:
            print(f"    资格预警：{w['message']}（{w.get('cited') or w['citation']['article']}）")
    return 0


def run(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in {"members", "changes"} or not argv[1].isdigit():
        return _fail(USAGE)
    pk = int(argv[1])
    if argv[0] == "members":
        extra = set(argv[2:])
        if extra - {"--all"}:
            return _fail(USAGE)
        return _members(pk, "--all" in extra)
    if argv[2:]:
        return _fail(USAGE)
    return _changes(pk)
