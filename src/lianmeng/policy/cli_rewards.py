"""命令行：``lianmeng rewards FILE [--profile P]`` 奖补计算（M-50，无需数据库）。

Reads the contract's JSON (REQUIREMENTS.md "Reward calculation"), prints one JSON object with each
claim's amount, range, citation and reason, and exits 0; on invalid input it prints one Chinese
line naming the JSON path and exits 2, never a traceback. ``FILE`` ``-`` reads standard input.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from lianmeng.policy.cli_check import InputError, QuietParser, _Exit
from lianmeng.policy.loader import ProfileError, UnknownProfileError, get_profile
from lianmeng.policy.models import Profile
from lianmeng.policy.rewards import (
    Calculation,
    RewardInputError,
    calculate,
    check_figures,
    dumps,
    loads,
    parse_request,
)

__all__ = ["calculate_request", "run_rewards"]

USAGE = "lianmeng rewards FILE [--profile P]"


def _parser() -> QuietParser:
    parser = QuietParser(
        prog="lianmeng rewards",
        usage=USAGE,
        description="按政策配置计算联盟奖补金额，逐项说明所用数据、封顶与条款。"
        "退出码：0 已计算，2 输入无效。",
    )
    parser.add_argument("file", metavar="FILE", help="奖补申请（JSON）；- 表示标准输入")
    parser.add_argument("--profile", metavar="P", help="政策配置编号，默认取文件中的 profile")
    return parser


def calculate_request(
    data: object, profile_id: str | None = None, *, profile_flag: str = "--profile"
) -> tuple[Profile, Calculation]:
    """The contract's JSON (already decoded, numbers as Decimal) → the calculation.

    Raises :class:`RewardInputError` naming the JSON path (``$.profile`` or the flag when the
    profile is unknown or has no reward rules). Shared by the CLI and ``POST
    /api/v1/rewards/calculate``.
    """
    file_profile, alliance, claims, support = parse_request(data)
    chosen = profile_id or file_profile
    where = profile_flag if profile_id else "$.profile"
    if not chosen:
        raise RewardInputError("$.profile", f"必填：政策配置编号（或用 {profile_flag} 指定）")
    try:
        profile = get_profile(chosen)
    except UnknownProfileError as exc:
        raise RewardInputError(where, str(exc)) from None
    if profile.rewards is None:
        raise RewardInputError(where, f"政策配置 {profile.id}（{profile.name.value}）没有奖补规定")
    check_figures(profile.rewards, claims)
    return profile, calculate(profile, alliance, claims, support)


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"{path}: 无法读取文件：{exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: 不是 UTF-8 编码的文本文件") from None


def _run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    data: Any = loads(_read(args.file))
    try:
        profile, result = calculate_request(data, args.profile)
    except ProfileError as exc:
        raise InputError(f"政策配置文件有误：{exc}") from None
    print(dumps(result.to_dict(profile)))
    return 0


def run_rewards(argv: list[str]) -> int:
    """``lianmeng rewards``: 0 computed, 2 invalid input (one line on standard error)."""
    try:
        return _run(list(argv))
    except RewardInputError as exc:
        print(" ".join(exc.line().split()), file=sys.stderr)
        return 2
    except InputError as exc:
        print(" ".join(str(exc).split()), file=sys.stderr)
        return 2
    except _Exit as stop:
        return stop.status
    except Exception as exc:  # noqa: BLE001 — never show a traceback to the user
        print(
            f"内部错误（请报告）：{type(exc).__name__}: {exc}".replace("\n", " "), file=sys.stderr
        )
        return 2
