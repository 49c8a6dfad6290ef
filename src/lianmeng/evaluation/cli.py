"""``lianmeng evaluation …``: the annual evaluation from the command line.

    lianmeng evaluation campaigns [--year Y] [--profile P]
    lianmeng evaluation open PROFILE YEAR --as USER --self-due DATE --scoring-due DATE [--title T]
    lianmeng evaluation show ID
    lianmeng evaluation advance ID --as USER
    lianmeng evaluation assign ID EVALUATOR --as USER
    lianmeng evaluation rank ID --as USER
    lianmeng evaluation results ID [--as USER] [--grade G] [--xlsx PATH]
    lianmeng evaluation rectifications [--profile P] [--status S]
    lianmeng evaluation recheck RID --as USER --pass|--fail --reason TEXT [--basis TEXT]

Writes act through the same services as the pages and the API (who may act is checked there),
as the account named by ``--as``. ``results`` shows scores, grades and ranks only as the named
account may see them (without ``--as``: as the public, from the public notice on).
"""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

from lianmeng.workflow.cli_args import BadArguments, actor_and_data
from lianmeng.workflow.cli_args import fail as _fail
from lianmeng.workflow.cli_args import option as _option

USAGE = (
    "用法：lianmeng evaluation campaigns [--year 年度] [--profile 档案] | "
    "open 档案 年度 --as 用户名 --self-due 日期 --scoring-due 日期 [--title 名称] | "
    "show ID | advance ID --as 用户名 | assign ID 评价人账号 --as 用户名 | rank ID --as 用户名 | "
    "results ID [--as 用户名] [--grade 等级] [--xlsx 文件] | "
    "rectifications [--profile 档案] [--status 状态] | "
    "recheck RID --as 用户名 --pass|--fail --reason 复查意见 [--basis 依据]"
)


# -- helpers -------------------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def table(headers: list[str], rows: list[list[str]], right: set[int] | None = None) -> str:
    """A plain-text table whose columns line up in a terminal (汉字 are two columns wide)."""
    right = right or set()
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = ["  ".join(_pad(h, widths[i], i in right) for i, h in enumerate(headers)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append(
            "  ".join(_pad(cell, widths[i], i in right) for i, cell in enumerate(row)).rstrip()
        )
    return "\n".join(lines)


def _int(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BadArguments(USAGE) from None


def _date(argv: list[str], name: str) -> date:
    raw = _option(argv, name)
    if not raw:
        raise BadArguments(f"请用 {name} 指定日期，如 {name} 2026-03-20")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadArguments(f"{name} 应为日期，如 2026-03-20（收到“{raw}”）") from None


def _actor(argv: list[str]) -> Any:
    actor, _data = actor_and_data(argv, example_user="luoyang")
    return actor


def _stage_label(campaign: Any) -> str:
    from .models import Campaign

    return str(Campaign.Stage(campaign.stage).label)


def _line(campaign: Any) -> str:
    line = (
        f"#{campaign.pk} {campaign.title}（{campaign.profile}，{campaign.year} 年度）："
        f"{_stage_label(campaign)}，参评联盟 {campaign.alliance_count} 个"
    )
    if campaign.notice_starts_on and campaign.notice_ends_on:
        line += f"，公示 {campaign.notice_starts_on} 至 {campaign.notice_ends_on}"
    return line


def _grade_label(profile: str, grade: str) -> str:
    from . import selectors

    config = selectors.config_of(profile)
    found = config.grade(grade) if config and grade else None
    return found.label if found else (grade or "-")


# -- commands ------------------------------------------------------------------------------------


def _campaigns(argv: list[str]) -> int:
    from .models import Campaign

    qs = Campaign.objects.select_related("jurisdiction").order_by("-year", "-id")
    year, profile = _option(argv, "--year"), _option(argv, "--profile")
    if year:
        qs = qs.filter(year=_int(year))
    if profile:
        qs = qs.filter(profile=profile)
    found = list(qs)
    for campaign in found:
        print(_line(campaign))
    if not found:
        print("没有绩效评价。")
    return 0


def _open(argv: list[str]) -> int:
    from . import services

    if len(argv) < 3 or argv[1].startswith("--") or argv[2].startswith("--"):
        raise BadArguments(USAGE)
    actor = _actor(argv)
    campaign = services.campaign_open(
        actor=actor,
        profile_id=argv[1],
        year=_int(argv[2]),
        self_due=_date(argv, "--self-due"),
        scoring_due=_date(argv, "--scoring-due"),
        title=_option(argv, "--title") or "",
    )
    print(_line(campaign))
    print(f"自评截止 {campaign.self_due}，评分截止 {campaign.scoring_due}")
    return 0


def _show(pk: int) -> int:
    from . import selectors, services
    from .models import Campaign

    campaign = Campaign.objects.select_related("jurisdiction").filter(pk=pk).first()
    if campaign is None:
        return _fail(f"没有编号为 {pk} 的绩效评价；lianmeng evaluation campaigns 列出全部")
    print(_line(campaign))
    print(f"组织部门辖区：{campaign.jurisdiction.name}")
    notice = f"公示 {campaign.notice_days} 天" if campaign.notice_days else "政策档案不要求公示"
    print(f"自评截止 {campaign.self_due}，评分截止 {campaign.scoring_due}，{notice}")
    progress = services.progress(campaign)
    print(
        f"进度：自评已提交 {progress['self_filed']}/{progress['alliances']}，"
        f"评分任务已提交 {progress['tasks_done']}/{progress['tasks']}，"
        f"未分配评价人的联盟 {progress['unassigned']} 个"
    )
    for seat in campaign.evaluators.select_related("user"):
        print(
            f"评价人：{seat.user.display_name or seat.user.username}（{seat.get_kind_display()}）"
        )
    dist = selectors.distribution(campaign)
    if dist.scored:
        grades = "，".join(f"{label} {n}" for _g, label, n in dist.grades)
        print(f"成绩分布：{grades}；已得分 {dist.scored}，未得分 {dist.unscored}，平均 {dist.mean}")
    if campaign.published_at:
        print(f"已公布，验证码 {campaign.verification_code}")
    return 0


def _advance(pk: int, argv: list[str]) -> int:
    from . import services

    campaign = services.advance(actor=_actor(argv), campaign_id=pk)
    print(_line(campaign))
    if campaign.stage == "published":
        warned = campaign.evaluations.filter(rectification__isnull=False).count()
        if warned:
            print(f"已向 {warned} 个不合格联盟发出警告并限期整改。")
    return 0


def _assign(pk: int, argv: list[str]) -> int:
    from lianmeng.core.models import User

    from . import services

    if len(argv) < 3 or argv[2].startswith("--"):
        raise BadArguments(USAGE)
    actor = _actor(argv)
    evaluator = User.objects.filter(username=argv[2], is_active=True).first()
    if evaluator is None:
        raise BadArguments(f"没有评价人账号 {argv[2]}")
    seat, added, skipped = services.evaluator_add(actor=actor, campaign_id=pk, user_id=evaluator.pk)
    print(
        f"{evaluator.display_name or evaluator.username}（{seat.get_kind_display()}）：新分配 {added} 个联盟"
    )
    for item in skipped:
        print(f"  回避 {item.alliance}：{item.reason}")
    return 0


def _rank(pk: int, argv: list[str]) -> int:
    from . import services

    ranked = services.campaign_rank(actor=_actor(argv), campaign_id=pk)
    print(f"已排名 {ranked} 个联盟；lianmeng evaluation results {pk} --as 用户名 查看名次表")
    return 0


def _results(pk: int, argv: list[str]) -> int:
    from django.contrib.auth.models import AnonymousUser

    from lianmeng.core.errors import NotFound

    from . import selectors

    viewer = _actor(argv) if _option(argv, "--as") is not None else AnonymousUser()
    try:
        campaign, relation = selectors.campaign_get(viewer=viewer, pk=pk)
    except NotFound:
        return _fail(
            f"没有编号为 {pk} 的绩效评价，或其结果尚未公示、该账号无权查看；"
            "组织评价的主管部门可用 --as 用户名 查看",
            1,
        )
    if not selectors.results_visible(campaign, relation):
        return _fail(
            f"“{campaign.title}”的结果尚未公示（现为{_stage_label(campaign)}阶段）；"
            "组织评价的主管部门可用 --as 查看",
            1,
        )
    rows = selectors.evaluations(viewer, campaign, relation).order_by("rank", "alliance__name")
    grade = _option(argv, "--grade")
    if grade:
        rows = rows.filter(grade=grade)
    xlsx = _option(argv, "--xlsx")
    if xlsx is not None:
        if not xlsx:
            raise BadArguments("请在 --xlsx 后写文件名，如 --xlsx results.xlsx")
        from . import exports

        Path(xlsx).write_bytes(exports.results_xlsx(campaign, rows))
        print(f"已写入 {xlsx}")
        return 0
    print(_line(campaign))
    body = [
        [
            str(row.rank) if row.rank is not None else "-",
            row.alliance.name,
            row.lead_unit.name,
            f"{row.final_score:.2f}" if row.final_score is not None else "-",
            _grade_label(campaign.profile, row.grade),
        ]
        for row in rows
    ]
    print(table(["名次", "联盟", "牵头单位", "得分", "等级"], body, right={0, 3}))
    print(f"共 {len(body)} 个联盟")
    return 0


def _rectifications(argv: list[str]) -> int:
    from .lifecycle import state_label_of
    from .models import Rectification

    qs = Rectification.objects.select_related("alliance", "evaluation__campaign").order_by(
        "deadline", "id"
    )
    profile, status = _option(argv, "--profile"), _option(argv, "--status")
    if profile:
        qs = qs.filter(profile=profile)
    if status:
        qs = qs.filter(status=status)
    found = list(qs)
    for rect in found:
        print(
            f"#{rect.pk} {rect.alliance.name}（{rect.evaluation.campaign.year} 年度）："
            f"{state_label_of(rect)}，整改期限 {rect.deadline}"
        )
    if not found:
        print("没有整改事项。")
    return 0


def _recheck(pk: int, argv: list[str]) -> int:
    from . import services
    from .lifecycle import state_label_of

    actor, data = actor_and_data(argv, example_user="luoyang")
    if ("--pass" in argv) == ("--fail" in argv):
        raise BadArguments("请用 --pass（复查合格）或 --fail（复查不合格）写明复查结论")
    rect = services.recheck(
        actor=actor,
        rectification_id=pk,
        passed="--pass" in argv,
        reason=_option(argv, "--reason") or "",
        basis=str(data.get("basis") or ""),
    )
    rect.alliance.refresh_from_db()
    print(f"#{rect.pk} {rect.alliance.name}：{state_label_of(rect)}")
    if rect.status == "failed":
        alliance = rect.alliance
        if not alliance.support_eligible:
            print(f"已取消享受扶持与奖励政策的资格（{alliance.support_lost_on}）")
        elif alliance.status == "revoked":
            print("已撤销联盟资格")
    return 0


def run(argv: list[str]) -> int:
    """``argv`` starts with the sub-command; Django is set up."""
    from lianmeng.core.errors import DomainError

    word = argv[0] if argv else ""
    try:
        if word == "campaigns":
            return _campaigns(argv)
        if word == "open":
            return _open(argv)
        if word == "rectifications":
            return _rectifications(argv)
        if word not in {"show", "advance", "assign", "rank", "results", "recheck"} or len(argv) < 2:
            return _fail(USAGE)
        pk = _int(argv[1])
        if word == "show":
            return _show(pk)
        handler = {
            "advance": _advance,
            "assign": _assign,
            "rank": _rank,
            "results": _results,
            "recheck": _recheck,
        }[word]
        return handler(pk, argv)
    except BadArguments as exc:
        return _fail(str(exc))
    except DomainError as exc:
        return _fail(exc.message, 1)
