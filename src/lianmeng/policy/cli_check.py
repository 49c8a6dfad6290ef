"""命令行：``lianmeng check`` 资格预审与 ``lianmeng policy`` 查看政策配置。

``run_check(argv)`` and ``run_policy(argv)`` take the arguments after the sub-command and
return the exit code. Whatever goes wrong, the user gets one Chinese line on standard error,
never a traceback: exit 2 for invalid input (file, JSON, schema, profile, ``--at``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lianmeng.policy.interchange import (
    InterchangeError,
    error_message,
    json_path,
    load_proposal_file,
    loads_json,
)
from lianmeng.policy.loader import ProfileError, UnknownProfileError, get_profile
from lianmeng.policy.policy_text import run_policy
from lianmeng.policy.results import ExistingAlliance
from lianmeng.policy.rules import check
from lianmeng.policy.timeutil import BEIJING

__all__ = ["ExistingProvider", "parse_at", "run_check", "run_policy"]

#: Given a profile id, the stored alliances to compare with, or ``None`` without a database.
ExistingProvider = Callable[[str], list[ExistingAlliance] | None]

USAGE = "lianmeng check FILE [--profile P] [--at DATETIME] [--existing FILE]"


class InputError(Exception):
    """Invalid input: the one line to print on standard error (exit 2)."""


class _Exit(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


_ARGPARSE_ZH = (
    ("the following arguments are required", "缺少参数"),
    ("unrecognized arguments", "无法识别的参数"),
    ("expected one argument", "需要一个取值"),
    ("invalid choice", "无效的选项"),
    ("choose from", "可选"),
    ("argument ", "参数 "),
)


def translate_argparse(message: str) -> str:
    """argparse's few messages a user meets, in Chinese."""
    for english, chinese in _ARGPARSE_ZH:
        message = message.replace(english, chinese)
    return message


class QuietParser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting, with a Chinese ``-h``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(add_help=False, **kwargs)
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str) -> NoReturn:
        raise InputError(f"参数错误：{translate_argparse(message)}（用法：{self.usage}）")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            print(message.strip(), file=sys.stderr)
        raise _Exit(status)


def _parser() -> QuietParser:
    parser = QuietParser(
        prog="lianmeng check",
        usage=USAGE,
        description="按政策配置对联盟申报文件做资格预审，逐条说明依据。"
        "退出码：0 符合条件，1 不符合，2 输入无效。",
    )
    parser.add_argument("file", metavar="FILE", help="申报文件（交换格式第 1 版，JSON）")
    parser.add_argument("--profile", metavar="P", help="政策配置编号，默认取文件中的 profile")
    parser.add_argument(
        "--at",
        metavar="DATETIME",
        help="判断时点，如 2020-09-20T23:59:59+08:00；默认取 submitted_at，否则为当前时间",
    )
    parser.add_argument(
        "--existing",
        metavar="FILE",
        help="已有联盟名单（JSON 数组），用于同领域比对；不给出时使用数据库（若已配置）",
    )
    return parser


def parse_at(text: str) -> datetime:
    """``--at``: ISO date-time (no offset = Beijing time) or a date (its 00:00 Beijing time)."""
    value = text.strip()
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), datetime.min.time(), BEIJING)
        moment = datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"--at: 时间格式无效：{text!r}，应为 2020-09-20T23:59:59+08:00 或 2020-09-20"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=BEIJING)


class _ExistingRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: str = Field(min_length=1)
    industry: str | None = None
    product: str | None = None
    focus_area: str | None = None
    status: str = "recognised"
    reference: str | None = None


def read_existing(path: str) -> list[ExistingAlliance]:
    """``--existing FILE``: a JSON array of ``{name, industry, product, focus_area, status, reference}``."""
    try:
        data = loads_json(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise InputError(f"--existing: 无法读取文件 {path}：{exc.strerror or exc}") from None
    except InterchangeError as exc:
        raise InputError(f"--existing {path}: {exc.line()}") from None
    if not isinstance(data, list):
        raise InputError(f"--existing {path}: $: 应为 JSON 数组")
    records = []
    for index, item in enumerate(data):
        try:
            record = _ExistingRecord.model_validate(item)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = json_path((index, *error["loc"]))
            raise InputError(f"--existing {path}: {where}: {error_message(error)}") from None
        records.append(ExistingAlliance(**record.model_dump()))
    return records


def _existing(
    args: argparse.Namespace, profile_id: str, provider: ExistingProvider | None
) -> Sequence[ExistingAlliance] | None:
    if args.existing:
        return read_existing(args.existing)
    if provider is None:
        return None
    try:
        return provider(profile_id)
    except Exception:  # noqa: BLE001 — a broken database must not stop a pre-check
        return None


def _check(argv: list[str], provider: ExistingProvider | None) -> int:
    args = _parser().parse_args(argv)
    at = parse_at(args.at) if args.at is not None else None
    try:
        proposal = load_proposal_file(args.file)
    except OSError as exc:
        raise InputError(f"{args.file}: 无法读取文件：{exc.strerror or exc}") from None
    except InterchangeError as exc:
        raise InputError(exc.line()) from None
    profile_id = args.profile or proposal.profile
    try:
        profile = get_profile(profile_id)
    except UnknownProfileError as exc:
        raise InputError(f"{'--profile' if args.profile else '$.profile'}: {exc}") from None
    except ProfileError as exc:
        raise InputError(f"政策配置文件有误：{exc}") from None
    result = check(proposal, profile, at=at, existing=_existing(args, profile.id, provider))
    print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    return 0 if result.eligible else 1


def _one_line(text: str) -> str:
    return " ".join(text.split())


def run_check(argv: list[str], existing_provider: ExistingProvider | None = None) -> int:
    """``lianmeng check``: 0 eligible, 1 not eligible, 2 invalid input (one line on stderr)."""
    try:
        return _check(list(argv), existing_provider)
    except InputError as exc:
        print(_one_line(str(exc)), file=sys.stderr)
        return 2
    except _Exit as stop:
        return stop.status
    except Exception as exc:  # noqa: BLE001 — never show a traceback to the user
        print(_one_line(f"内部错误（请报告）：{type(exc).__name__}: {exc}"), file=sys.stderr)
        return 2


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry: ``python -m lianmeng.policy.cli_check check FILE`` / ``policy …``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["policy"]:
        return run_policy(args[1:])
    return run_check(args[1:] if args[:1] == ["check"] else args)


if __name__ == "__main__":
    raise SystemExit(main())
