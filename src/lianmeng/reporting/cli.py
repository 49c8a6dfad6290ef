"""``lianmeng alliance reports ID`` and ``lianmeng alliance report show RID | submit RID --as
USER | accept RID --as USER | return RID --as USER --reason TEXT`` (``--basis`` where the
profile is not in force).

The command line acts through the same services (and so the same lifecycle engine) as the
report pages and the API, as a named account.
"""

from __future__ import annotations

from lianmeng.workflow.cli_args import BadArguments, actor_and_data
from lianmeng.workflow.cli_args import fail as _fail
from lianmeng.workflow.cli_args import option as _option

USAGE = (
    "用法：lianmeng alliance reports ID | lianmeng alliance report show RID | "
    "lianmeng alliance report submit|accept|return RID --as 用户名 [--reason 意见] [--basis 依据]"
)


def _line(report) -> str:  # noqa: ANN001
    from lianmeng.core import clock

    from .lifecycle import state_label_of
    from .selectors import report_title

    line = f"#{report.pk} {report_title(report)}：{state_label_of(report)}"
    if report.submitted_at:
        line += f"（提交于 {report.submitted_at.astimezone(clock.BEIJING):%Y-%m-%d}）"
    if report.warning_count:
        line += f"  绩效预警 {report.warning_count} 项"
    return line


def _reports(pk: int) -> int:
    from lianmeng.alliances.models import Alliance

    from .models import Report
    from .selectors import latest_judged

    alliance = Alliance.objects.filter(pk=pk).first()
    if alliance is None:
        return _fail(f"名录中没有编号为 {pk} 的联盟")
    print(f"#{alliance.pk} {alliance.name}：绩效预警 {alliance.kpi_warning_count} 项")
    latest = latest_judged(alliance)
    for warning in latest.warnings if latest else []:
        if warning.get("kind") == "lagging":
            print(f"  预警：{warning['message']}")
    reports = Report.objects.filter(alliance=alliance).select_related("alliance")
    for report in reports.order_by("-year", "-created_at", "-id"):
        print(_line(report))
    return 0


def _show(rid: int) -> int:
    from lianmeng.core.clock import format_moment
    from lianmeng.workflow.selectors import state_history

    from . import kpi
    from .lifecycle import state_label_of
    from .models import Report

    report = Report.objects.select_related("alliance__proposal").filter(pk=rid).first()
    if report is None:
        return _fail(f"没有编号为 {rid} 的报告")
    print(_line(report))
    kind = kpi.kind_of(report)
    for field in kind.fields if kind else []:
        value = (report.content or {}).get(field.id)
        if field.kind == "table":
            expected = kpi.expected_for(report)
            print(f"{field.label}（计划值取自{expected.source}）：")
            for row in kpi.table_rows(report, field.id, expected):
                if row["expected"] is None and row["actual"] is None:
                    continue
                flag = "  ← 滞后" if row["lagging"] else ""
                print(f"  {row['label']}：计划 {row['expected']} 实际 {row['actual']}{flag}")
        elif field.kind != "files":
            print(f"{field.label}：{value if value not in (None, '') else '（未填写）'}")
    for warning in report.warnings or []:
        print(f"预警：{warning['message']}")
    for change in state_history(subject=report):
        before = state_label_of(report, change.from_state) if change.from_state else "—"
        line = (
            f"{format_moment(change.at, seconds=False)}  {change.label}  {before} → "
            f"{state_label_of(report, change.to_state)}  {change.actor_office or '系统'}"
        )
        if change.reason:
            line += f"  意见：{change.reason}"
        print(line)
    return 0


def _act(name: str, rid: int, argv: list[str]) -> int:
    from lianmeng.core.errors import DomainError

    from . import services

    try:
        actor, data = actor_and_data(argv, example_user="luoyang")
    except BadArguments as exc:
        return _fail(str(exc))
    action = {
        "submit": services.report_submit,
        "accept": services.report_accept,
        "return": services.report_return,
    }[name]
    try:
        report = action(
            actor=actor,
            report_id=rid,
            reason=_option(argv, "--reason") or "",
            basis=str(data.get("basis") or ""),
        )
    except DomainError as exc:
        return _fail(exc.message, 1)
    print(_line(report))
    return 0


def run(argv: list[str]) -> int:
    """``argv`` starts with ``reports`` or ``report``; Django is set up."""
    if argv and argv[0] == "reports":
        try:
            return _reports(int(argv[1]))
        except (IndexError, ValueError):
            return _fail(USAGE)
    if len(argv) < 3 or argv[1] not in {"show", "submit", "accept", "return"}:
        return _fail(USAGE)
    try:
        rid = int(argv[2])
    except ValueError:
        return _fail(USAGE)
    if argv[1] == "show":
        return _show(rid)
    return _act(argv[1], rid, argv[3:])
